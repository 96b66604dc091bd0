//! The configuration file: discovery, precedence, every error positioned.

mod common;

use std::path::Path;

use common::run_in;

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const BAD: &str = "version: '3'\nservices:\n  web:\n    imagee: nginx:1.27\n";

#[test]
fn the_nearest_configuration_wins_and_the_search_stops_at_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    write(d, ".dockmaster.yml", "rules:\n  schema: off\n");
    write(d, "a/compose.yaml", BAD);
    write(d, "b/compose.yaml", BAD);
    write(d, "b/.dockmaster.yaml", "rules:\n  schema: info\n");
    let (code, out, err) = run_in(
        d,
        &[
            "check",
            "--select",
            "correctness",
            "--format",
            "compact",
            "--no-env",
            "a",
            "b",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("a/compose.yaml"), "{out}");
    assert!(out.contains("b/compose.yaml:4:5: info[schema]"), "{out}");
    // Above the repository root nothing is looked up.
    let inner = d.join("inner");
    std::fs::create_dir_all(inner.join(".git")).unwrap();
    write(&inner, "compose.yaml", BAD);
    let (code, out, _) = run_in(
        &inner,
        &[
            "check",
            "--select",
            "correctness",
            "--format",
            "compact",
            "--no-env",
        ],
    );
    assert_eq!(code, 1);
    assert!(out.contains("error[schema]"), "{out}");
}

#[test]
fn explicit_and_disabled_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "compose.yaml", BAD);
    write(d, ".dockmaster.yml", "rules:\n  schema: off\n");
    write(
        d,
        "strict.yml",
        "fail-on: error\nrules:\n  schema: warning\n",
    );
    let (code, _, _) = run_in(d, &["check", "--select", "correctness", "--no-env"]);
    assert_eq!(code, 0);
    let (code, out, _) = run_in(
        d,
        &[
            "check",
            "--select",
            "correctness",
            "--format",
            "compact",
            "--no-env",
            "--no-config",
        ],
    );
    assert_eq!(code, 1);
    assert!(out.contains("error[schema]"));
    // strict.yml lowers schema to warning and fails only on errors.
    let (code, out, _) = run_in(
        d,
        &[
            "check",
            "--format",
            "compact",
            "--no-env",
            "--config",
            "strict.yml",
        ],
    );
    assert!(out.contains("warning[schema]"), "{out}");
    assert_eq!(code, 0);
    // The command line wins over the file.
    let (code, _, _) = run_in(
        d,
        &[
            "check",
            "--no-env",
            "--config",
            "strict.yml",
            "--fail-on",
            "warning",
        ],
    );
    assert_eq!(code, 1);
}

#[test]
fn overrides_apply_to_matching_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        ".dockmaster.yml",
        "overrides:\n  - files: ['legacy/**']\n    rules:\n      schema: off\n",
    );
    write(d, "legacy/compose.yaml", BAD);
    write(d, "new/compose.yaml", BAD);
    let (_, out, _) = run_in(
        d,
        &[
            "check",
            "--select",
            "correctness",
            "--format",
            "compact",
            "--no-env",
            ".",
        ],
    );
    assert!(!out.contains("legacy/"), "{out}");
    assert!(out.contains("new/compose.yaml:4:5"), "{out}");
}

#[test]
fn excluded_files_are_not_walked_but_named_files_are_linted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".dockmaster.yml", "exclude: ['vendor/**']\n");
    write(d, "vendor/compose.yaml", BAD);
    write(d, "app/compose.yaml", BAD);
    let (_, out, _) = run_in(
        d,
        &[
            "check",
            "--select",
            "correctness",
            "--format",
            "compact",
            "--no-env",
            ".",
        ],
    );
    assert!(!out.contains("vendor/"), "{out}");
    let (_, out, _) = run_in(
        d,
        &[
            "check",
            "--format",
            "compact",
            "--no-env",
            "vendor/compose.yaml",
        ],
    );
    assert!(out.contains("vendor/compose.yaml:4:5"), "{out}");
}

#[test]
fn configuration_variables_feed_interpolation() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".dockmaster.yml", "variables:\n  TAG: '1.27'\n");
    write(
        d,
        "compose.yaml",
        "services:\n  web:\n    image: nginx:${TAG}\n",
    );
    let (code, out, _) = run_in(
        d,
        &[
            "check",
            "--select",
            "correctness",
            "--format",
            "compact",
            "--no-env",
        ],
    );
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn every_configuration_error_is_positioned_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n",
    );
    write(
        d,
        ".dockmaster.yml",
        "presett: production\nfail-on: sometimes\nselect: [schema, securty]\nrules:\n  duplicate-keys: off\n  schema:\n    levle: off\n  yaml-syntax: [error]\noverrides:\n  - files: ['a/[']\n    preset: staging\n  - preset: production\nexclude: {vendor: yes}\n",
    );
    let (code, out, err) = run_in(d, &["check", "--color", "never"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    insta::assert_snapshot!(err);
}

#[test]
fn a_configuration_that_is_not_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n",
    );
    write(d, ".dockmaster.yml", "rules:\n  schema: [off\n");
    let (code, _, err) = run_in(d, &["check", "--color", "never"]);
    assert_eq!(code, 2);
    assert!(err.contains(".dockmaster.yml:2:"), "{err}");
}

/// The configuration errors the first snapshot does not show: wrong types
/// for every kind of key, rule options, variables, overrides, a root that
/// is not a mapping, an unreadable file.
#[test]
fn every_other_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n",
    );
    write(
        d,
        ".dockmaster.yml",
        "\
one-shot: migrate
env-files: [.env, [nested]]
no-env: maybe
require-reason: [true]
variables:
  TAG: [1, 2]
trusted-registries: {a: b}
rules:
  image-tag:
    mutable-tags: unstable
    colour: red
  image-registry:
    level: loud
overrides:
  - just-a-string
  - files: '**/*.yaml'
    rules: [schema]
",
    );
    let (code, out, err) = run_in(d, &["check", "--color", "never"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    insta::assert_snapshot!("wrong_types", err);

    for (name, text) in [
        ("not_a_mapping", "- preset: production\n"),
        ("rules_not_a_mapping", "rules: [schema]\n"),
        ("variables_not_a_mapping", "variables: TAG=1\n"),
        ("overrides_not_a_list", "overrides: {files: x}\n"),
    ] {
        write(d, ".dockmaster.yml", text);
        let (code, _, err) = run_in(d, &["check", "--color", "never"]);
        assert_eq!(code, 2, "{name}");
        insta::assert_snapshot!(name, err);
    }

    let (code, _, err) = run_in(d, &["check", "--color", "never", "--config", "missing.yml"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!("unreadable", err);
}

/// Standard input named with `--stdin-filename` finds the configuration
/// of that name's directory, as a file would.
#[test]
fn stdin_filename_finds_its_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    write(
        &d.join("sub"),
        ".dockmaster.yml",
        "rules:\n  image-tag: error\n",
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dockmaster"))
        .args([
            "check",
            "--no-env",
            "--format",
            "compact",
            "--select",
            "image-tag",
            "--stdin-filename",
            "sub/compose.yaml",
            "-",
        ])
        .current_dir(d)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin
                .take()
                .unwrap()
                .write_all(b"services:\n  a:\n    image: nginx\n")?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "sub/compose.yaml:3:12: error[image-tag]: service `a` runs image `nginx` without a tag, which means `latest`\n"
    );
}
