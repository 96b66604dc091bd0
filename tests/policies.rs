//! Custom policies from the configuration file.

mod common;

use common::{run, run_in};

#[test]
fn policies_mirroring_the_cards() {
    let (code, out, _) = run(&[
        "check",
        "--no-env",
        "--format",
        "compact",
        "--select",
        "correctness,policies",
        "fixtures/policies/compose.yaml",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn a_policy_finding_can_be_suppressed_and_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join(".dockmaster.yml"),
        "policies:\n  - id: team-label\n    message: every service names its team\n    assert:\n      - path: labels.team\n        required: true\n",
    )
    .unwrap();
    std::fs::write(
        d.join("compose.yaml"),
        "services:\n  web:  # dockmaster: ignore[team-label] owned by everyone\n    image: nginx:1.27\n  db:\n    image: postgres:17\n",
    )
    .unwrap();
    let lint = |extra: &[&str]| {
        let mut args = vec!["check", "--no-env", "--format", "compact"];
        args.extend(extra);
        let (code, out, err) = run_in(d, &args);
        (code, out, err)
    };
    // Selected by id or with every policy: `web`'s finding is suppressed.
    let db = "compose.yaml:4:3: warning[team-label]: every service names its team: service `db` has no `labels.team`\n";
    for select in ["correctness,team-label", "correctness,policies"] {
        let (_, out, _) = lint(&["--select", select]);
        assert_eq!(out, db, "--select {select}");
    }
    // A selection that does not name it, or `--ignore`: the policy does not
    // run, and its suppression is not reported as unused.
    let (code, out, _) = lint(&["--select", "correctness"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out, _) = lint(&[
        "--select",
        "correctness,unused-suppression",
        "--ignore",
        "team-label",
    ]);
    assert_eq!((code, out.as_str()), (0, ""));
    // A misspelt policy id is an error with a suggestion.
    let (code, _, err) = lint(&["--select", "team-labels"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown rule, category or policy `team-labels`; did you mean `team-label`?"),
        "{err}"
    );
}

#[test]
fn policy_errors_are_positioned() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("compose.yaml"),
        "services:\n  web:\n    image: nginx:1.27\n",
    )
    .unwrap();
    std::fs::write(
        d.join(".dockmaster.yml"),
        "policies:\n  - id: image-tag\n    message: clash\n    assert: [{path: image, required: true}]\n  - id: Bad_Id\n    message: x\n    assert: [{path: image, required: true}]\n  - id: no-message\n    assert: [{path: image, required: true}]\n  - id: bad-checks\n    message: x\n    severity: fatal\n    select: {servces: x}\n    assert:\n      - path: ports[0]\n        required: true\n      - path: image\n        matches: '(unclosed'\n      - path: deploy.resources.limits.memory\n        max: eight gigs\n      - path: image\n        requird: true\n",
    )
    .unwrap();
    let (code, _, err) = run_in(d, &["check", "--color", "never"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(err);
}

/// The policy errors the first snapshot does not show.
#[test]
fn every_other_policy_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("compose.yaml"),
        "services:\n  web:\n    image: nginx:1.27\n",
    )
    .unwrap();
    let cases = [
        ("policies_not_a_list", "policies: {id: x}\n"),
        (
            "shapes",
            "\
policies:
  - just-a-string
  - message: no id
    assert: [{path: image, required: true}]
  - id: twice
    message: x
    assert: [{path: image, required: true}]
  - id: twice
    message: x
    assert: [{path: image, required: true}]
  - id: no-assert
    message: x
  - id: bad-select
    message: x
    select: everything
    assert: [{path: image, required: true}]
  - id: bad-assertions
    message: x
    assert:
      - image
      - required: true
      - path: deploy..limits
        required: true
",
        ),
    ];
    for (name, text) in cases {
        std::fs::write(d.join(".dockmaster.yml"), text).unwrap();
        let (code, out, err) = run_in(d, &["check", "--color", "never"]);
        assert_eq!((code, out.as_str()), (2, ""), "{name}: {err}");
        insta::assert_snapshot!(name, err);
    }
}
