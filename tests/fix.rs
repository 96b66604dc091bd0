//! `check --fix`, `--unsafe-fixes` and `--diff` (docs/fixes.md): before and
//! after for every fixable rule on fixtures/fix, the guarantees (only linted
//! files written, atomic writes, files with syntax errors untouched, a dry
//! run changes nothing, a second run changes nothing), standard input, and
//! the corpus fixed in a temporary copy. Every run also has `--no-config
//! --no-env`, left out of the transcripts.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::run_in;

/// A temporary folder holding copies of fixtures/fix entries (files or
/// folders), at the same relative paths.
fn copy_fixtures(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in names {
        copy(
            &common::root().join("fixtures/fix").join(name),
            &dir.path().join(name),
        );
    }
    dir
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            copy(&e.path(), &to.join(e.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

/// Every file under a folder with its bytes, sorted by path.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() && !p.is_symlink() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap_or_default(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// Text with its invisible bytes shown: a byte order mark as `<BOM>`, a
/// carriage return as `\r`.
fn visible(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .replace('\u{FEFF}', "<BOM>")
        .replace('\r', "\\r")
}

const BASE_ARGS: [&str; 3] = ["check", "--no-config", "--no-env"];

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    BASE_ARGS
        .iter()
        .copied()
        .chain(extra.iter().copied())
        .collect()
}

/// Apply a diff printed by `--diff` with `git apply -p0` in `dir`; `false`
/// when git is not installed.
fn git_apply(dir: &Path, diff: &str) -> bool {
    let child = Command::new("git")
        .args(["apply", "-p0", "--unsafe-paths", "--whitespace=nowarn", "-"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("notice: git not found; the diff is not applied");
        return false;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(diff.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "git apply failed: {}\n{diff}",
        String::from_utf8_lossy(&out.stderr)
    );
    true
}

/// Run `--diff`, then `--fix` (without `--unsafe-fixes` first when the
/// fixes are unsafe), then `--fix` again, on a copy of a fixture; check the
/// guarantees and return a transcript for a snapshot.
fn fix_case(file: &str, select: &str, unsafe_fixes: bool) -> String {
    let dir = copy_fixtures(&[file]);
    let path = dir.path().join(file);
    let original = std::fs::read(&path).unwrap();
    let mut flags = vec!["--select", select, "--format", "compact"];
    let mut transcript = String::new();
    if unsafe_fixes {
        let (code, out, err) = run_in(dir.path(), &args(&[&flags[..], &["--fix", file]].concat()));
        assert_eq!(
            std::fs::read(&path).unwrap(),
            original,
            "safe --fix applied unsafe fixes"
        );
        transcript.push_str(&format!(
            "$ dockmaster check {} --fix {file}\n{out}{err}exit {code}\n\n",
            flags.join(" ")
        ));
        flags.push("--unsafe-fixes");
    }
    let shown = flags.join(" ");

    let (code, diff, err) = run_in(dir.path(), &args(&[&flags[..], &["--diff", file]].concat()));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        original,
        "--diff changed {file}"
    );
    assert_eq!(code, if diff.is_empty() { 0 } else { 1 }, "{err}");
    transcript.push_str(&format!(
        "$ dockmaster check {shown} --diff {file}\n{}{err}exit {code}\n\n",
        visible(diff.as_bytes())
    ));

    let (code, out, err) = run_in(dir.path(), &args(&[&flags[..], &["--fix", file]].concat()));
    let fixed = std::fs::read(&path).unwrap();
    transcript.push_str(&format!(
        "$ dockmaster check {shown} --fix {file}\n{out}{err}exit {code}\n\n--- {file} after --fix ---\n{}",
        visible(&fixed)
    ));
    assert_eq!(diff.is_empty(), fixed == original);

    // The diff, applied to the original, gives the fixed file.
    let replay = copy_fixtures(&[file]);
    if !diff.is_empty() && git_apply(replay.path(), &diff) {
        assert_eq!(
            visible(&std::fs::read(replay.path().join(file)).unwrap()),
            visible(&fixed),
            "the diff does not give the fixed file"
        );
    }

    // A second run changes nothing.
    let (_, _, err) = run_in(dir.path(), &args(&[&flags[..], &["--fix", file]].concat()));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        fixed,
        "a second --fix changed {file}"
    );
    assert!(err.ends_with("No problems fixed.\n"), "{err}");
    // No temporary file is left behind.
    let names: Vec<PathBuf> = tree(dir.path()).into_iter().map(|(p, _)| p).collect();
    assert_eq!(names, vec![PathBuf::from(file)]);
    transcript
}

#[test]
fn obsolete_version() {
    let t = fix_case("obsolete-version.yaml", "obsolete-version", false);
    insta::assert_snapshot!(t);
}

#[test]
fn depends_on_condition() {
    let t = fix_case("depends-on-condition.yaml", "depends-on-condition", false);
    insta::assert_snapshot!(t);
}

#[test]
fn no_new_privileges() {
    let t = fix_case("no-new-privileges.yaml", "no-new-privileges", false);
    insta::assert_snapshot!(t);
}

#[test]
fn log_rotation_is_unsafe() {
    let t = fix_case("log-rotation.yaml", "log-rotation", true);
    insta::assert_snapshot!(t);
}

#[test]
fn privileged_is_unsafe() {
    let t = fix_case("privileged.yaml", "privileged", true);
    insta::assert_snapshot!(t);
}

#[test]
fn comments_and_anchors_elsewhere_are_kept() {
    let t = fix_case(
        "comments-anchors.yaml",
        "obsolete-version,depends-on-condition,no-new-privileges",
        false,
    );
    for kept in [
        "# Top comment: stays.",
        "x-logging: &logging   # shared logging, untouched",
        "logging: *logging",
        "healthcheck: &check",
        "test: [\"CMD\", \"pg_isready\"]   # ready probe",
        "image: \"example/app:1.0\"",
        "db:   # wait for it",
    ] {
        assert!(t.contains(kept), "{kept}");
    }
    insta::assert_snapshot!(t);
}

#[test]
fn fixes_refused_through_a_shared_anchor_leave_the_file_unchanged() {
    let t = fix_case(
        "anchors-shared.yaml",
        "privileged,depends-on-condition",
        true,
    );
    assert!(t.contains("error[privileged]"), "{t}");
    assert!(t.contains("warning[depends-on-condition]"), "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn crlf_line_breaks_are_kept() {
    let t = fix_case("crlf.yaml", "obsolete-version,depends-on-condition", false);
    let fixed = t.split("after --fix ---\n").nth(1).unwrap();
    assert!(
        fixed.lines().all(|l| l.ends_with("\\r")),
        "a line without CR:\n{fixed}"
    );
    insta::assert_snapshot!(t);
}

#[test]
fn a_byte_order_mark_is_kept() {
    let t = fix_case("bom.yaml", "obsolete-version,no-new-privileges", false);
    let fixed = t.split("after --fix ---\n").nth(1).unwrap();
    assert!(fixed.starts_with("<BOM>services:"), "{fixed}");
    insta::assert_snapshot!(t);
}

#[test]
fn an_override_file_is_fixed_with_its_base_but_an_extends_base_elsewhere_is_not_written() {
    let dir = copy_fixtures(&["override", "shared"]);
    let before = tree(dir.path());
    let (code, out, err) = run_in(
        dir.path(),
        &args(&[
            "--select",
            "obsolete-version,depends-on-condition",
            "--format",
            "compact",
            "--fix",
            "override/compose.yaml",
        ]),
    );
    let after = tree(dir.path());
    let base = |t: &[(PathBuf, Vec<u8>)]| {
        t.iter()
            .find(|(p, _)| p == Path::new("shared/base.yaml"))
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(base(&before), base(&after), "the extends base was written");
    let mut transcript = format!(
        "$ dockmaster check --select obsolete-version,depends-on-condition --fix override/compose.yaml\n{out}{err}exit {code}\n"
    );
    for (path, bytes) in &after {
        transcript.push_str(&format!("\n--- {} ---\n{}", path.display(), visible(bytes)));
    }
    insta::assert_snapshot!(transcript);

    // Found by walking the folder, the two files are linted (and fixed) as
    // one project the same way.
    let walked = copy_fixtures(&["override", "shared"]);
    let (_, _, err) = run_in(
        walked.path(),
        &args(&[
            "--select",
            "obsolete-version,depends-on-condition",
            "--fix",
            "override",
        ]),
    );
    assert!(err.contains("Fixed 2 problems in 2 files"), "{err}");
    assert_eq!(tree(walked.path()), after);
}

#[test]
fn a_file_with_a_syntax_error_is_never_touched() {
    let dir = copy_fixtures(&["syntax-error.yaml"]);
    let before = tree(dir.path());
    let (code, out, err) = run_in(
        dir.path(),
        &args(&[
            "--format",
            "compact",
            "--fix",
            "--unsafe-fixes",
            "syntax-error.yaml",
        ]),
    );
    assert_eq!(tree(dir.path()), before);
    assert_eq!(code, 1);
    insta::assert_snapshot!(format!("{out}{err}"));
}

#[test]
fn dry_run_is_diff_and_changes_nothing() {
    let dir = copy_fixtures(&["comments-anchors.yaml"]);
    let before = tree(dir.path());
    let modified = std::fs::metadata(dir.path().join("comments-anchors.yaml"))
        .unwrap()
        .modified()
        .unwrap();
    let (code, diff, _) = run_in(dir.path(), &args(&["--diff", "comments-anchors.yaml"]));
    let (code2, dry, _) = run_in(
        dir.path(),
        &args(&["--fix", "--dry-run", "comments-anchors.yaml"]),
    );
    assert_eq!((code, code2), (1, 1));
    assert!(diff.starts_with("--- comments-anchors.yaml\n+++ comments-anchors.yaml\n@@"));
    assert_eq!(diff, dry);
    assert_eq!(tree(dir.path()), before);
    assert_eq!(
        std::fs::metadata(dir.path().join("comments-anchors.yaml"))
            .unwrap()
            .modified()
            .unwrap(),
        modified
    );
    // A report written to a file with --diff holds what would remain.
    let (code, out, _) = run_in(
        dir.path(),
        &args(&[
            "--diff",
            "--select",
            "obsolete-version",
            "--format",
            "compact",
            "-o",
            "remaining.txt",
            "comments-anchors.yaml",
        ]),
    );
    assert_eq!(code, 1);
    assert!(out.starts_with("--- comments-anchors.yaml"), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("remaining.txt")).unwrap(),
        ""
    );
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[test]
fn writes_keep_permissions_follow_links_and_leave_no_temporary_file() {
    let dir = copy_fixtures(&["obsolete-version.yaml"]);
    let file = dir.path().join("obsolete-version.yaml");
    set_mode(&file, 0o640);
    std::os::unix::fs::symlink("obsolete-version.yaml", dir.path().join("compose.yaml")).unwrap();
    let (code, _, err) = run_in(
        dir.path(),
        &args(&["--select", "obsolete-version", "--fix", "compose.yaml"]),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "Fixed 1 problem in 1 file.\n");
    assert_eq!(mode(&file), 0o640);
    assert!(
        dir.path().join("compose.yaml").is_symlink(),
        "the link was replaced"
    );
    assert!(!std::fs::read_to_string(&file).unwrap().contains("version:"));
    let names: Vec<PathBuf> = tree(dir.path()).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        names,
        [
            PathBuf::from("compose.yaml"),
            PathBuf::from("obsolete-version.yaml")
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_file_or_folder_is_an_error_and_stays_as_it_was() {
    let dir = copy_fixtures(&["obsolete-version.yaml"]);
    let file = dir.path().join("obsolete-version.yaml");
    let before = tree(dir.path());
    set_mode(&file, 0o444);
    let (code, out, err) = run_in(
        dir.path(),
        &args(&[
            "--select",
            "obsolete-version",
            "--format",
            "compact",
            "--fix",
            "obsolete-version.yaml",
        ]),
    );
    assert_eq!(code, 2);
    assert_eq!(tree(dir.path()), before);
    // The findings are those of the file as it stays.
    assert!(out.contains("warning[obsolete-version]"), "{out}");
    assert_eq!(
        err,
        "No problems fixed (1 fix not applied).\ndockmaster: error: cannot write the fixes to obsolete-version.yaml: the file is read-only; it is left unchanged\n"
    );

    set_mode(&file, 0o644);
    set_mode(dir.path(), 0o555);
    let (code, _, err) = run_in(
        dir.path(),
        &args(&[
            "--select",
            "obsolete-version",
            "--fix",
            "obsolete-version.yaml",
        ]),
    );
    set_mode(dir.path(), 0o755);
    assert_eq!(code, 2);
    assert_eq!(tree(dir.path()), before);
    assert!(
        err.contains(
            "dockmaster: error: cannot write the fixes to obsolete-version.yaml: its directory "
        ) && err.contains(" is read-only; it is left unchanged"),
        "{err}"
    );
}

/// Run with `input` on standard input.
fn run_stdin(dir: &Path, args: &[&str], input: &[u8]) -> (i32, Vec<u8>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockmaster"))
        .args(args)
        .current_dir(dir)
        .env("COLUMNS", "100")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn standard_input_is_fixed_to_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = common::root().join("fixtures/fix");
    for (name, select) in [
        (
            "comments-anchors.yaml",
            "obsolete-version,depends-on-condition",
        ),
        ("bom.yaml", "obsolete-version,no-new-privileges"),
        ("crlf.yaml", "obsolete-version,depends-on-condition"),
    ] {
        let input = std::fs::read(fixtures.join(name)).unwrap();
        let (code, out, err) = run_stdin(
            dir.path(),
            &args(&["--select", select, "--fix", "--stdin-filename", name, "-"]),
            &input,
        );
        // The same text as fixing the file.
        let copy = copy_fixtures(&[name]);
        run_in(copy.path(), &args(&["--select", select, "--fix", name]));
        let expected = std::fs::read(copy.path().join(name)).unwrap();
        assert_eq!(visible(&out), visible(&expected), "{name}");
        assert_ne!(out, input, "{name}");
        // The remaining findings and the summary go to standard error.
        assert_eq!(code, 0, "{name}: {err}");
        assert!(err.contains("No problems found in 1 file."), "{err}");
        assert!(err.ends_with("in 1 file.\n"), "{err}");
    }
    // Nothing to fix, or a syntax error: the text comes back as it was.
    let input = b"services:\n  web: [\n";
    let (code, out, err) = run_stdin(dir.path(), &args(&["--fix", "-"]), input);
    assert_eq!((code, out.as_slice()), (1, &input[..]), "{err}");
    assert!(err.contains("error[yaml-syntax]"), "{err}");
    // With --diff, standard output holds the diff.
    let (code, out, _) = run_stdin(
        dir.path(),
        &args(&["--select", "obsolete-version", "--diff", "-"]),
        b"version: '3'\nservices: {}\n",
    );
    assert_eq!(code, 1);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "--- <stdin>\n+++ <stdin>\n@@ -1,2 +1 @@\n-version: '3'\n services: {}\n"
    );
}

#[test]
fn the_summary_and_exit_code_follow_what_remains() {
    let dir = copy_fixtures(&["privileged.yaml", "obsolete-version.yaml"]);
    // Everything fixed: exit 0.
    let (code, out, err) = run_in(
        dir.path(),
        &args(&[
            "--select",
            "obsolete-version",
            "--fix",
            "obsolete-version.yaml",
        ]),
    );
    assert_eq!((code, out.as_str()), (0, "No problems found in 1 file.\n"));
    assert_eq!(err, "Fixed 1 problem in 1 file.\n");
    // Unsafe fixes left: the finding remains and fails the run.
    let (code, out, err) = run_in(
        dir.path(),
        &args(&["--select", "privileged", "--fix", "privileged.yaml"]),
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("Found 2 problems (2 errors) in 1 file."),
        "{out}"
    );
    assert_eq!(
        err,
        "No problems fixed (2 fixes left: use --unsafe-fixes).\n"
    );
}

/// The corpus, fixed with every safe and unsafe fix in a temporary copy:
/// every file still loads as before, nothing fixable remains, and a second
/// run changes nothing.
#[test]
fn the_corpus_fixed_loads_and_a_second_run_changes_nothing() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    copy(&corpus, dir.path());
    #[cfg(unix)]
    for (p, _) in tree(dir.path()) {
        let p = dir.path().join(p);
        set_mode(&p, mode(&p) | 0o200);
    }
    let files: Vec<String> = common::yaml_files(dir.path())
        .iter()
        .map(|p| {
            p.strip_prefix(dir.path())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(files.len() > 300, "{}", files.len());
    let guarded = |root: &Path| -> Vec<Vec<String>> {
        files
            .iter()
            .map(|f| {
                let loaded = dockmaster::load::load_project(
                    &[dockmaster::load::Input::file(root.join(f))],
                    &dockmaster::load::Limits::default(),
                )
                .unwrap();
                let project = dockmaster::model::build(loaded);
                let settings = dockmaster::rules::Settings::only(
                    dockmaster::rules::Preset::Production,
                    &dockmaster::fix::GUARDED,
                );
                let mut found: Vec<String> = dockmaster::rules::run(&project, &settings)
                    .into_iter()
                    .map(|d| format!("{}: {}", d.rule, d.message))
                    .collect();
                found.sort();
                found
            })
            .collect()
    };
    let before = guarded(dir.path());
    let first: Vec<String> = args(&[
        "--no-override",
        "--format",
        "compact",
        "--fix",
        "--unsafe-fixes",
    ])
    .into_iter()
    .map(String::from)
    .chain(files.iter().cloned())
    .collect();
    let first: Vec<&str> = first.iter().map(String::as_str).collect();
    let (code, _, err) = run_in(dir.path(), &first);
    assert_ne!(code, 2, "{err}");
    let summary = err.lines().last().unwrap_or_default();
    assert!(summary.starts_with("Fixed "), "{err}");
    // No note: no fix was skipped or refused, nothing fixable is left.
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!summary.contains("not applied"), "{summary}");

    // No new `yaml-syntax`, `schema` or `duplicate-key` finding (a fix may
    // remove one, e.g. `privileged: yes` set to `false`).
    let after = guarded(dir.path());
    for (i, f) in files.iter().enumerate() {
        let mut old = before[i].clone();
        for finding in &after[i] {
            let Some(at) = old.iter().position(|o| o == finding) else {
                panic!("{f}: the fixed file has a new finding: {finding}");
            };
            old.remove(at);
        }
    }
    let fixed = tree(dir.path());
    let (code, _, err) = run_in(dir.path(), &first);
    assert_ne!(code, 2, "{err}");
    assert_eq!(err, "No problems fixed.\n");
    assert!(tree(dir.path()) == fixed, "the second run changed files");
    eprintln!("corpus: {summary}");
}

/// The `console` blocks of a document: (commands with their expected
/// output), indentation removed.
fn console_blocks(doc: &str) -> Vec<Vec<(String, String)>> {
    let mut blocks = Vec::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        let Some(indent) = line.strip_suffix("```console") else {
            continue;
        };
        let mut block: Vec<(String, String)> = Vec::new();
        for l in lines.by_ref() {
            let l = l.strip_prefix(indent).unwrap_or(l);
            if l == "```" {
                break;
            }
            match l.strip_prefix("$ ") {
                Some(cmd) => block.push((cmd.to_string(), String::new())),
                None => {
                    let (_, out) = block.last_mut().expect("output before a command");
                    out.push_str(l);
                    out.push('\n');
                }
            }
        }
        blocks.push(block);
    }
    blocks
}

#[test]
fn the_examples_in_docs_fixes_md_are_real_output() {
    let doc = std::fs::read_to_string(common::root().join("docs/fixes.md")).unwrap();
    let blocks = console_blocks(&doc);
    assert!(blocks.len() >= 6, "{}", blocks.len());
    for block in blocks {
        // Each block runs in a fresh copy of fixtures/fix.
        let dir = copy_fixtures(&[""]);
        for (cmd, expected) in block {
            let mut words: Vec<&str> = cmd.split_whitespace().collect();
            let quiet = words.last() == Some(&"2>/dev/null");
            if quiet {
                words.pop();
            }
            let stdin = match words.as_slice() {
                [.., "<", file] => {
                    let input = std::fs::read(dir.path().join(file)).unwrap();
                    words.truncate(words.len() - 2);
                    Some(input)
                }
                _ => None,
            };
            let actual = match words.as_slice() {
                ["cat", file] => std::fs::read_to_string(dir.path().join(file)).unwrap(),
                ["dockmaster", rest @ ..] => {
                    let (out, err) = match stdin {
                        Some(input) => {
                            let (_, out, err) = run_stdin(dir.path(), rest, &input);
                            (String::from_utf8(out).unwrap(), err)
                        }
                        None => {
                            let (_, out, err) = run_in(dir.path(), rest);
                            (out, err)
                        }
                    };
                    if quiet { out } else { format!("{out}{err}") }
                }
                _ => panic!("unknown command in docs/fixes.md: {cmd}"),
            };
            assert_eq!(actual, expected, "docs/fixes.md: $ {cmd}");
        }
    }
}
