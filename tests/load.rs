//! Bad input: every case gets a clear, positioned finding or error and the
//! documented exit code, never a panic.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{run, run_bounded};

/// Hostile inputs get generous bounds, far above what they take (well
/// under a second in a release build): the point is to catch a hang or a
/// blow-up, not to time the machine.
const DEADLINE: Duration = Duration::from_secs(60);
/// Address space allowed to a run over a hostile input, in KiB (1 GiB).
const MEMORY_KIB: u64 = 1 << 20;

/// Run over a hostile input with the bounds above.
fn bounded(dir: &Path, args: &[&str]) -> common::Bounded {
    run_bounded(dir, args, DEADLINE, MEMORY_KIB, None)
}

/// Lint a loader fixture with the correctness rules only: the other rules
/// give advice on any file and are tested by their own fixtures.
fn compact(file: &str) -> (i32, String, String) {
    run(&[
        "check",
        "--format",
        "compact",
        "--select",
        "correctness",
        &format!("fixtures/load/{file}"),
    ])
}

#[test]
fn empty_file() {
    let (code, out, _) = compact("empty.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn comments_only() {
    let (code, out, _) = compact("comments-only.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn root_not_a_mapping() {
    let (code, out, _) = compact("not-a-mapping.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn invalid_utf8() {
    let (code, out, _) = compact("invalid-utf8.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn byte_order_mark_is_fine() {
    let (code, out, _) = compact("bom.yaml");
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn crlf_positions() {
    let (code, out, _) = compact("crlf.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn tab_indentation() {
    let (code, out, _) = compact("tabs.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn unclosed_quote() {
    let (code, out, _) = compact("unclosed-quote.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn multiple_documents_merge() {
    let (code, out, _) = compact("multi-document.yaml");
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn a_broken_document_does_not_hide_the_next() {
    let (code, out, _) = compact("multi-document-broken.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn undefined_alias() {
    let (code, out, _) = compact("undefined-alias.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn alias_cycle() {
    let (code, out, _) = compact("alias-cycle.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn billion_laughs_hits_the_budget() {
    let r = bounded(
        &common::root(),
        &[
            "check",
            "--format",
            "compact",
            "--select",
            "correctness",
            "fixtures/load/billion-laughs.yaml",
        ],
    );
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("billion_laughs_hits_the_budget", r.out);
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        (
            "flow-seq.yaml",
            format!("services: {}", "[".repeat(100_000)),
        ),
        (
            "flow-map.yaml",
            format!("services: {}", "{a: ".repeat(100_000)),
        ),
        (
            "block.yaml",
            (0..5_000)
                .map(|i| format!("{}a:\n", "  ".repeat(i)))
                .collect(),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let r = bounded(
            dir.path(),
            &["check", "--format", "compact", path.to_str().unwrap()],
        );
        assert_eq!(r.code, 1, "{name}: {}", r.err);
        assert!(r.out.contains("yaml-syntax"), "{name}: {}", r.out);
        assert!(r.out.contains("nest"), "{name}: {}", r.out);
    }
}

/// 30 MB on one line (a finding after it), 30 MB of comments, and a file
/// over `--max-file-size`: linted or refused in bounded time and memory.
#[test]
fn thirty_megabyte_files() {
    const SIZE: usize = 30_000_000;
    let dir = tempfile::tempdir().unwrap();
    let line = dir.path().join("line.yaml");
    std::fs::write(
        &line,
        format!(
            "services:\n  web:\n    image: nginx:1.27\n    command: {}\n    privileged: true\n",
            "x".repeat(SIZE)
        ),
    )
    .unwrap();
    let comments = dir.path().join("comments.yaml");
    let mut text = String::from("services:\n  web:\n    image: nginx:1.27\n    privileged: true\n");
    while text.len() < SIZE {
        text.push_str("# a comment line of a hundred characters, again and again and again and again and again and again\n");
    }
    std::fs::write(&comments, text).unwrap();
    for (path, line_no) in [(&line, 5), (&comments, 4)] {
        let r = bounded(
            dir.path(),
            &[
                "check",
                "--format",
                "compact",
                "--select",
                "privileged",
                path.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, 1, "{}", r.err);
        assert!(
            r.out.contains(&format!(":{line_no}:17: error[privileged]")),
            "{}",
            r.out
        );
    }
    let r = bounded(
        dir.path(),
        &[
            "check",
            "--format",
            "compact",
            "--max-file-size",
            "1000000",
            line.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.out.contains("more than the limit of 1000000 bytes"),
        "{}",
        r.out
    );
}

/// Scalars of 20,000 lines with a variable on each, in every style that
/// maps a scalar line by line or piece by piece (a block, a plain scalar
/// folded over lines, double quotes with escapes, single quotes): each
/// variable is reported where it is written, in bounded time and memory.
/// Giving every word of such a command the pieces of the rest of the text
/// took 2 GB at 8,000 lines.
#[test]
fn scalars_of_twenty_thousand_lines() {
    const LINES: usize = 20_000;
    let dir = tempfile::tempdir().unwrap();
    // Name, first line, each line (`N` the line's number), last line.
    let styles = [
        ("block", "|\n", "      run ${VN} x\n", ""),
        ("plain", "start\n", "      run ${VN} x\n", ""),
        (
            "double",
            "\"start\n",
            "      run\\t${VN} \\\"x\\\"\n",
            "      end\"\n",
        ),
        (
            "single",
            "'start\n",
            "      run ''${VN}'' x\n",
            "      end'\n",
        ),
    ];
    for (name, head, line, tail) in styles {
        let mut text = format!("services:\n  web:\n    image: nginx:1.27\n    command: {head}");
        for i in 0..LINES {
            text.push_str(&line.replace('N', &i.to_string()));
        }
        text.push_str(tail);
        let path = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&path, &text).unwrap();
        let r = bounded(
            dir.path(),
            &[
                "check",
                "--no-env",
                "--format",
                "compact",
                "--select",
                "interpolation-unset",
                path.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, 1, "{name}: {}", r.err);
        assert_eq!(r.out.lines().count(), LINES, "{name}");
        // The last variable, at its line and column.
        let last = LINES + 4;
        let column = text.lines().nth(last - 1).unwrap().find('$').unwrap() + 1;
        let at = format!(
            "{name}.yaml:{last}:{column}: warning[interpolation-unset]: the variable `V{}`",
            LINES - 1
        );
        assert!(
            r.out.contains(&at),
            "{name}: {at} not in {}",
            &r.out[r.out.len() - 300..]
        );
    }
}

/// A line of 600 KB holding 100,000 unset variables: the human report
/// shows where each finding is without printing the line each time (it
/// printed it 100,000 times, 60 GB), columns are not counted from the
/// line's start for each finding (in a file of ASCII or not), and every
/// format stays within bounds.
#[test]
fn many_findings_on_a_long_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    let value = "x${A}".repeat(100_000);
    std::fs::write(
        &path,
        format!("services:\n  web:\n    image: nginx:1.27\n    environment:\n      X: {value}\n"),
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let args = ["check", "--no-env", "--select", "interpolation-unset"];
    let human = bounded(dir.path(), &[&args[..], &[file]].concat());
    assert_eq!(human.code, 1, "{}", human.err);
    assert!(
        human.out.contains(&format!(
            "╭─[{file}:5:11]\n 5 │ (a line of {} bytes, not shown): not set\n   ╰────\n",
            value.len() + 9
        )),
        "{}",
        &human.out[..2000.min(human.out.len())]
    );
    assert!(
        human.out.len() < 100_000 * 1000,
        "{} bytes",
        human.out.len()
    );
    assert!(
        human.out.contains("Found 100000 problems"),
        "{}",
        &human.out[human.out.len() - 200..]
    );
    let compact = bounded(
        dir.path(),
        &[&args[..], &["--format", "compact", file]].concat(),
    );
    assert_eq!(compact.code, 1, "{}", compact.err);
    let last = format!(
        "{file}:5:{}: warning[interpolation-unset]",
        9 + value.len() - 3
    );
    assert!(compact.out.contains(&last), "{last}");
    let json = bounded(
        dir.path(),
        &[&args[..], &["--format", "json", file]].concat(),
    );
    assert_eq!(json.code, 1, "{}", json.err);
    let column = format!("\"column\": {}", 9 + value.len() - 3);
    assert!(json.out.contains(&column), "{column}");
    // Columns of a line of other characters, counted from checkpoints.
    let other = dir.path().join("other.yaml");
    let value = "é${A}".repeat(100_000);
    std::fs::write(
        &other,
        format!("services:\n  web:\n    image: nginx:1.27\n    environment:\n      X: {value}\n"),
    )
    .unwrap();
    let other = other.to_str().unwrap();
    let compact = bounded(
        dir.path(),
        &[&args[..], &["--format", "compact", other]].concat(),
    );
    assert_eq!(compact.code, 1, "{}", compact.err);
    let last = format!("{other}:5:{}: warning", 9 + 5 * 100_000 - 3);
    assert!(compact.out.contains(&last), "{last}");
}

/// Bytes that are not text, in a file named like a Compose file.
#[test]
fn a_binary_file_named_compose_yml() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yml");
    std::fs::write(&path, pseudo_random_bytes(1 << 20)).unwrap();
    let r = bounded(
        dir.path(),
        &["check", "--format", "compact", path.to_str().unwrap()],
    );
    assert_eq!(r.code, 1, "{}", r.err);
    assert!(r.out.contains("error[yaml-syntax]"), "{}", r.out);
    assert!(r.out.contains("not valid UTF-8"), "{}", r.out);
}

/// A directory given where a file is expected (`-f`), and as a path
/// holding no Compose file.
#[test]
fn a_directory_named_like_a_compose_file() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("compose.yaml");
    std::fs::create_dir(&sub).unwrap();
    let r = bounded(dir.path(), &["check", "-f", sub.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("is a directory, not a file"), "{}", r.err);
    let r = bounded(dir.path(), &["check", sub.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("no Compose file found"), "{}", r.err);
}

fn pseudo_random_bytes(n: usize) -> Vec<u8> {
    // xorshift: deterministic, no dependency.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// One walked tree holding every hostile input beside a valid file: each
/// bad entry is reported (a finding, or an error on stderr with exit code
/// 2), none hangs, and the valid file is still linted.
#[cfg(unix)]
#[test]
fn hostile_entries_do_not_stop_the_other_files() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let put = |rel: &str, bytes: &[u8]| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    };
    put(
        "good/compose.yaml",
        b"services:\n  web:\n    image: nginx:1.27\n    privileged: true\n",
    );
    put(
        "bomb/compose.yaml",
        &std::fs::read(common::root().join("fixtures/load/billion-laughs.yaml")).unwrap(),
    );
    put(
        "deep/compose.yaml",
        format!("services: {}", "[".repeat(100_000)).as_bytes(),
    );
    put("binary/compose.yml", &pseudo_random_bytes(100_000));
    put(
        "utf8/compose.yaml",
        b"services:\n  web:\n    image: \xff\xfe\n",
    );
    std::fs::create_dir_all(root.join("dir/compose.yaml")).unwrap();
    std::fs::create_dir_all(root.join("fifo")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(root.join("fifo/compose.yaml"))
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::create_dir_all(root.join("loop")).unwrap();
    std::os::unix::fs::symlink("compose.yaml", root.join("loop/compose.yaml")).unwrap();
    std::os::unix::fs::symlink("..", root.join("loop/up")).unwrap();
    let locked = put(
        "locked/compose.yaml",
        b"services:\n  web:\n    image: nginx:1.27\n",
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // As root every file is readable: run as `nobody`, for whom the locked
    // file is not (the tree itself must then be readable by others).
    let uid = if is_root(root) {
        for d in walk_dirs(root) {
            std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        Some(65_534)
    } else {
        None
    };
    let r = run_bounded(
        root,
        &["check", "--format", "compact", "--no-env", "."],
        DEADLINE,
        MEMORY_KIB,
        uid,
    );
    assert_eq!(r.code, 2, "{}\n{}", r.out, r.err);
    // The valid file and every readable hostile one are linted.
    assert!(
        r.out.contains("good/compose.yaml:4:17: error[privileged]"),
        "{}",
        r.out
    );
    for f in [
        "bomb/compose.yaml",
        "deep/compose.yaml",
        "binary/compose.yml",
        "utf8/compose.yaml",
    ] {
        assert!(
            r.out
                .lines()
                .any(|l| l.starts_with(f) && l.contains("error[yaml-syntax]")),
            "{f}:\n{}",
            r.out
        );
    }
    // The unreadable file and the loops are errors; the FIFO and the
    // directory are not Compose files and are passed over.
    assert!(
        r.err.contains("locked/compose.yaml: permission denied"),
        "{}",
        r.err
    );
    assert!(r.err.contains("loop/compose.yaml"), "{}", r.err);
    assert!(r.err.contains("symbolic link loop"), "{}", r.err);
    assert!(
        !r.out.contains("fifo/") && !r.err.contains("fifo/"),
        "{}{}",
        r.out,
        r.err
    );
}

#[cfg(unix)]
fn is_root(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let probe = dir.join(".owner");
    std::fs::write(&probe, "").unwrap();
    let uid = std::fs::metadata(&probe).unwrap().uid();
    std::fs::remove_file(&probe).unwrap();
    uid == 0
}

fn walk_dirs(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![root.to_path_buf()];
    let mut i = 0;
    while i < out.len() {
        let d = out[i].clone();
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                out.push(e.path());
            }
        }
        i += 1;
    }
    out
}

#[test]
fn file_size_budget() {
    let (code, out, _) = run(&[
        "check",
        "--format",
        "compact",
        "--max-file-size",
        "10",
        "fixtures/load/bom.yaml",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn duplicate_keys() {
    let (code, out, _) = compact("duplicate-keys.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn schema_errors_are_all_reported_at_their_spans() {
    let (code, out, _) = compact("schema-errors.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn columns_count_characters() {
    let (code, out, _) = compact("unicode.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn missing_path_is_a_usage_error() {
    let (code, out, err) = run(&["check", "fixtures/load/no-such-file.yaml"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    insta::assert_snapshot!(err);
}

#[test]
fn a_directory_without_compose_files() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("no Compose file found"), "{err}");
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let (code, _, err) = run(&["check", "--no-such-flag"]);
    assert_eq!(code, 2);
    assert!(err.contains("--no-such-flag"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("compose.yaml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let (code, _, err) = run(&["check", fifo.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("not a regular file"), "{err}");
}

#[test]
fn standard_input_with_a_name() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dockmaster"))
        .args([
            "check",
            "--select",
            "correctness",
            "--format",
            "compact",
            "--select",
            "correctness",
            "--stdin-filename",
            "stack/compose.yaml",
            "-",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"services:\n  web:\n    imagee: x\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}
