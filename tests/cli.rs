//! The command line: human and compact output, exit codes, `rules`,
//! `explain`, file discovery.

mod common;

use common::{run, run_in};

#[test]
fn human_output_shows_the_anchor_and_the_merge_site() {
    let (code, out, err) = run(&[
        "check",
        "--select",
        "correctness",
        "fixtures/load/merge-key.yaml",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(!out.contains('\u{1b}'), "no colour when piped");
    insta::assert_snapshot!(out);
}

#[test]
fn human_output_for_duplicate_keys_and_unicode() {
    let (code, out, _) = run(&[
        "check",
        "--select",
        "correctness",
        "fixtures/load/duplicate-keys.yaml",
        "fixtures/load/unicode.yaml",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn colour_can_be_forced() {
    let (_, out, _) = run(&["check", "--color", "always", "fixtures/load/crlf.yaml"]);
    assert!(out.contains('\u{1b}'), "{out}");
    let (_, out, _) = run(&["check", "--color", "never", "fixtures/load/crlf.yaml"]);
    assert!(!out.contains('\u{1b}'), "{out}");
}

#[test]
fn a_clean_file_exits_zero_with_a_summary() {
    // Only the correctness rules: other rules have advice for any file.
    let (code, out, _) = run(&["check", "--select", "correctness", "fixtures/load/bom.yaml"]);
    assert_eq!(code, 0);
    assert_eq!(out, "No problems found in 1 file.\n");
}

#[test]
fn fail_on_sets_the_threshold() {
    // schema-errors.yaml has errors and one warning; the warning alone:
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    std::fs::write(
        &path,
        "services:\n  web:\n    image: nginx:1.27\n    privileged: no\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let (code, out, _) = run(&["check", "--format", "compact", p]);
    assert!(out.contains("warning[schema]"), "{out}");
    assert_eq!(code, 1);
    let (code, _, _) = run(&["check", "--format", "compact", "--fail-on", "error", p]);
    assert_eq!(code, 0);
    let (code, _, _) = run(&["check", "--format", "compact", "--fail-on", "info", p]);
    assert_eq!(code, 1);
}

#[test]
fn output_is_sorted_by_path_then_position() {
    let (_, out, _) = run(&[
        "check",
        "--format",
        "compact",
        "fixtures/load/unicode.yaml",
        "fixtures/load/crlf.yaml",
        "fixtures/load/duplicate-keys.yaml",
    ]);
    let paths: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
}

#[test]
fn no_path_finds_the_compose_file_like_docker_compose() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("docker-compose.yml"),
        "services:\n  web:\n    imagee: x\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.yaml"), "not: [compose\n").unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let (code, out, err) = run_in(&sub, &["check", "--format", "compact"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("docker-compose.yml:3:5: error[schema]"),
        "{out}"
    );
    assert!(!out.contains("notes.yaml"), "{out}");
}

#[test]
fn no_compose_file_anywhere_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run_in(dir.path(), &["check"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(err.contains("no Compose file found"), "{err}");
}

#[test]
fn a_directory_is_walked_for_compose_files_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("a/b")).unwrap();
    std::fs::create_dir_all(d.join("ignored")).unwrap();
    std::fs::write(d.join(".gitignore"), "ignored/\n").unwrap();
    std::fs::write(
        d.join("a/compose.yaml"),
        "services:\n  web:\n    imagee: x\n",
    )
    .unwrap();
    std::fs::write(
        d.join("a/b/docker-compose.prod.yml"),
        "services:\n  web:\n    imagee: x\n",
    )
    .unwrap();
    std::fs::write(
        d.join("a/b/app.compose.yaml"),
        "services:\n  web:\n    imagee: x\n",
    )
    .unwrap();
    std::fs::write(d.join("a/values.yaml"), "not: [compose\n").unwrap();
    std::fs::write(
        d.join("ignored/compose.yaml"),
        "services:\n  web:\n    imagee: x\n",
    )
    .unwrap();
    let (code, out, _) = run_in(
        d,
        &[
            "check",
            "--select",
            "correctness",
            "--format",
            "compact",
            ".",
        ],
    );
    assert_eq!(code, 1);
    let files: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(
        files,
        [
            "a/b/app.compose.yaml",
            "a/b/docker-compose.prod.yml",
            "a/compose.yaml"
        ]
    );
}

#[test]
fn an_explicit_file_is_linted_whatever_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("stack.yml");
    std::fs::write(&p, "services:\n  web:\n    imagee: x\n").unwrap();
    let (code, out, _) = run(&["check", "--format", "compact", p.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("stack.yml:3:5"), "{out}");
}

#[test]
fn other_files_are_linted_when_one_cannot_be_read() {
    let (code, out, err) = run(&[
        "check",
        "--format",
        "compact",
        "fixtures/load/nope.yaml",
        "fixtures/load/crlf.yaml",
    ]);
    assert_eq!(code, 2);
    assert!(out.contains("crlf.yaml:4:5"), "{out}");
    assert!(
        err.contains("nope.yaml: no such file or directory"),
        "{err}"
    );
}

#[test]
fn rules_lists_every_rule() {
    let (code, out, _) = run(&["rules"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn explain_prints_the_document() {
    let (code, out, _) = run(&["explain", "duplicate-key"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("duplicate-key\n\ncategory: correctness · production: error"),
        "{out}"
    );
    assert!(out.contains("## Bad example"), "{out}");
    let (code, _, err) = run(&["explain", "duplicate-keys"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `duplicate-key`"), "{err}");
}

#[test]
fn large_output_is_not_cut_short_on_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("compose.yaml");
    let mut text = String::from("services:\n");
    for i in 0..3000 {
        text.push_str(&format!("  s{i}:\n    imagee: x\n"));
    }
    std::fs::write(&p, text).unwrap();
    let (code, out, _) = run(&[
        "check",
        "--select",
        "schema",
        "--format",
        "compact",
        p.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 3000);
    assert!(out.len() > 200_000);
}
