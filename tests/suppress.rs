//! Suppression comments: line, service, merge-site and file forms; unused,
//! unknown and malformed suppressions; required reasons.

mod common;

use common::run;

#[test]
fn suppressions_silence_what_they_name_where_they_are() {
    let (code, out, _) = run(&[
        "check",
        "--no-env",
        "--format",
        "compact",
        "--select",
        "schema,duplicate-key,unused-suppression",
        "fixtures/suppress/lines.yaml",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn unused_unknown_and_malformed_suppressions_are_reported() {
    let (_, out, _) = run(&[
        "check",
        "--no-env",
        "--format",
        "compact",
        "--select",
        "schema,duplicate-key,unused-suppression",
        "--require-reason",
        "fixtures/suppress/unused.yaml",
    ]);
    insta::assert_snapshot!(out);
}

#[test]
fn reasons_are_required_only_when_asked() {
    let args = [
        "check",
        "--no-env",
        "--format",
        "compact",
        "fixtures/suppress/unused.yaml",
    ];
    let (_, out, _) = run(&args);
    assert!(!out.contains("suppression-without-reason"), "{out}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".dockmaster.yml"), "require-reason: true\n").unwrap();
    std::fs::copy(
        "fixtures/suppress/unused.yaml",
        dir.path().join("compose.yaml"),
    )
    .unwrap();
    let (_, out, _) = common::run_in(dir.path(), &["check", "--no-env", "--format", "compact"]);
    assert!(out.contains("error[suppression-without-reason]"), "{out}");
}
