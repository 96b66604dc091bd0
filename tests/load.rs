//! Bad input: every case gets a clear, positioned finding or error and the
//! documented exit code, never a panic.

mod common;

use common::run;

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
    let start = std::time::Instant::now();
    let (code, out, _) = compact("billion-laughs.yaml");
    assert_eq!(code, 1);
    assert!(start.elapsed().as_secs() < 10, "took {:?}", start.elapsed());
    insta::assert_snapshot!(out);
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, format!("services: {}", "[".repeat(100_000))).unwrap();
    let (code, out, _) = run(&["check", "--format", "compact", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("yaml-syntax"), "{out}");
    assert!(out.contains(":1:"), "{out}");
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
