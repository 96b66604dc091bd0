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

/// A suppression of a rule that does not run (off in the preset, not
/// selected, ignored) cannot be judged: it is not reported as unused. The
/// same file passes in both presets.
#[test]
fn suppressions_of_rules_that_did_not_run_are_not_judged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("compose.yaml"),
        "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"8080:80\"  # dockmaster: ignore[port-all-interfaces] behind the office firewall\n",
    )
    .unwrap();
    let lint = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "--no-env",
            "--no-config",
            "--format",
            "compact",
            "--select",
            "port-all-interfaces,unused-suppression",
        ];
        args.extend(extra);
        args.push("compose.yaml");
        common::run_in(d, &args)
    };
    // Production: the suppression silences the finding.
    assert_eq!(lint(&["--preset", "production"]).1, "");
    // Development, where the rule is off, without a selection: not judged.
    let (_, dev, _) = common::run_in(
        d,
        &[
            "check",
            "--no-env",
            "--no-config",
            "--format",
            "compact",
            "--preset",
            "development",
            "compose.yaml",
        ],
    );
    assert!(!dev.contains("unused-suppression"), "{dev}");
    // Not selected, or ignored: not judged either.
    let (_, unselected, _) = common::run_in(
        d,
        &[
            "check",
            "--no-env",
            "--no-config",
            "--format",
            "compact",
            "--select",
            "unused-suppression",
            "compose.yaml",
        ],
    );
    assert_eq!(unselected, "");
    assert_eq!(lint(&["--ignore", "port-all-interfaces"]).1, "");
    // Once the port is bound to localhost, the suppression is unused.
    std::fs::write(
        d.join("compose.yaml"),
        "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"127.0.0.1:8080:80\"  # dockmaster: ignore[port-all-interfaces] behind the office firewall\n",
    )
    .unwrap();
    assert!(
        lint(&["--preset", "production"])
            .1
            .contains("this suppression of `port-all-interfaces` silences nothing")
    );
}
