//! The knowledge cards end to end (issue 3): the template the cards start
//! from (`fixtures/cards/minimal.yaml`) reports every mistake they teach, at
//! the value to edit, in the production preset and a small subset in the
//! development preset; the corrected stack the cards end with
//! (`fixtures/cards/corrected.yaml`) reports nothing but the informational
//! digest pins.

mod common;

fn check(preset: &str, file: &str) -> (i32, String) {
    let (code, out, err) = common::run(&[
        "check",
        "--format",
        "compact",
        "--no-env",
        "--no-config",
        "--preset",
        preset,
        file,
    ]);
    assert!(err.is_empty() || code != 2, "{err}");
    (code, out)
}

#[test]
fn template_production() {
    let (code, out) = check("production", "fixtures/cards/minimal.yaml");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn template_development() {
    let (code, out) = check("development", "fixtures/cards/minimal.yaml");
    insta::assert_snapshot!(format!("exit {code}\n{out}"));
}

#[test]
fn corrected_is_clean_but_for_digests() {
    let (code, out) = check("production", "fixtures/cards/corrected.yaml");
    assert_eq!(code, 0, "{out}");
    assert!(
        out.lines().all(|l| l.contains("info[image-digest]")),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn template_human_output() {
    let (_, out, _) = common::run(&[
        "check",
        "--no-env",
        "--no-config",
        "--color",
        "never",
        "--select",
        "stateful-without-volume,localhost-reference",
        "fixtures/cards/minimal.yaml",
    ]);
    insta::assert_snapshot!(out);
}
