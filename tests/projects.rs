//! Projects of several files: a base file with its override file, `-f`
//! lists, `include`, `extends`, profiles, interpolation sources. Findings
//! point at the file and line that supplied the effective value.

mod common;

use common::{run, run_in};

#[test]
fn a_directory_merges_the_override_file() {
    let (code, out, _) = run(&[
        "check",
        "--select",
        "correctness",
        "--no-env",
        "--format",
        "compact",
        "fixtures/projects/override",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn a_base_file_named_alone_merges_its_override_unless_told_not_to() {
    let (_, with, _) = run(&[
        "check",
        "--select",
        "correctness",
        "--no-env",
        "--format",
        "compact",
        "fixtures/projects/override/compose.yaml",
    ]);
    assert!(with.contains("compose.override.yaml:10:5"), "{with}");
    let (code, without, _) = run(&[
        "check",
        "--select",
        "correctness",
        "--no-env",
        "--format",
        "compact",
        "--no-override",
        "fixtures/projects/override/compose.yaml",
    ]);
    assert_eq!((code, without.as_str()), (0, ""));
}

#[test]
fn the_override_named_alone_is_linted_with_its_base_once() {
    let (_, out, _) = run(&[
        "check",
        "--select",
        "correctness",
        "--no-env",
        "--format",
        "compact",
        "fixtures/projects/override/compose.override.yaml",
        "fixtures/projects/override/compose.yaml",
    ]);
    assert_eq!(
        out.matches("compose.override.yaml:10:5").count(),
        1,
        "{out}"
    );
}

#[test]
fn human_output_through_an_anchor_in_an_override_file() {
    let (_, out, _) = run(&[
        "check",
        "--no-env",
        "--select",
        "schema",
        "fixtures/projects/override",
    ]);
    insta::assert_snapshot!(out);
}

#[test]
fn findings_in_an_included_file_point_into_it() {
    let (code, out, _) = run(&[
        "check",
        "--select",
        "correctness",
        "--no-env",
        "--format",
        "compact",
        "fixtures/projects/included/compose.yaml",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn dash_f_files_merge_in_order() {
    let (code, out, _) = run(&[
        "check",
        "--select",
        "correctness",
        "--no-env",
        "--format",
        "compact",
        "-f",
        "fixtures/projects/prod/compose.yaml",
        "-f",
        "fixtures/projects/prod/compose.prod.yaml",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn env_files_feed_interpolation() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("compose.yaml"),
        "services:\n  web:\n    image: nginx:${TAG}\n    deploy:\n      replicas: ${N}\n",
    )
    .unwrap();
    // Without any source, TAG and N are unset.
    let (_, out, _) = run_in(
        d,
        &[
            "check",
            "--no-env",
            "--format",
            "compact",
            "--select",
            "interpolation-unset",
        ],
    );
    assert_eq!(out.lines().count(), 2, "{out}");
    // `.env` beside the file sets them; a bad value then reaches the schema.
    std::fs::write(d.join(".env"), "TAG=1.27\nN=three\n").unwrap();
    let (_, out, _) = run_in(
        d,
        &["check", "--select", "correctness", "--format", "compact"],
    );
    assert!(!out.contains("interpolation-unset"), "{out}");
    assert!(out.contains("compose.yaml:5:17: error[schema]: `deploy.replicas` of service `web` has an invalid value: `three`"), "{out}");
    // --env-file replaces `.env`.
    std::fs::write(d.join("prod.env"), "TAG=1.27\nN=3\n").unwrap();
    let (code, out, _) = run_in(
        d,
        &[
            "check",
            "--select",
            "correctness",
            "--format",
            "compact",
            "--env-file",
            "prod.env",
        ],
    );
    assert_eq!((code, out.as_str()), (0, ""));
    // A broken env file is an error with its line.
    std::fs::write(d.join("bad.env"), "GOOD=1\nBAD KEY=2\n").unwrap();
    let (code, _, err) = run_in(d, &["check", "--env-file", "bad.env"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("bad.env: line 2: key cannot contain a space"),
        "{err}"
    );
}

#[test]
fn the_process_environment_wins_over_dot_env() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("compose.yaml"),
        "services:\n  web:\n    image: nginx:1.27\n    scale: ${N}\n",
    )
    .unwrap();
    std::fs::write(d.join(".env"), "N=two\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dockmaster"))
        .args(["check", "--select", "correctness", "--format", "compact"])
        .current_dir(d)
        .env("N", "2")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn profiles_disable_services_and_their_dependents_are_reported() {
    let args = |extra: &[&'static str]| {
        let mut a = vec![
            "check",
            "--no-env",
            "--format",
            "compact",
            "--select",
            "depends-on-undefined",
        ];
        a.extend_from_slice(extra);
        a.push("fixtures/projects/profiles/compose.yaml");
        a
    };
    // Without a selection every profile is active.
    let (_, all, _) = run(&args(&[]));
    assert_eq!(
        all,
        "fixtures/projects/profiles/compose.yaml:19:18: error[depends-on-undefined]: service `admin` depends on undefined service `nothing-here`\n"
    );
    let (_, monitoring, _) = run(&args(&["--profile", "monitoring"]));
    insta::assert_snapshot!(monitoring);
    let (_, everything, _) = run(&args(&["--profile", "*"]));
    assert_eq!(everything, all);
}

#[test]
fn cross_file_rules_see_the_merged_project() {
    let (code, out, _) = run(&[
        "check",
        "--no-env",
        "--select",
        "healthy-needs-healthcheck,port-conflict,unused-resource",
        "-f",
        "fixtures/projects/cross-file/compose.yaml",
        "-f",
        "fixtures/projects/cross-file/compose.prod.yaml",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
    // Alone, the base file's volume is unused; merged, the worker uses it.
    let (_, alone, _) = run(&[
        "check",
        "--no-env",
        "--format",
        "compact",
        "--select",
        "healthy-needs-healthcheck,port-conflict,unused-resource",
        "fixtures/projects/cross-file/compose.yaml",
    ]);
    assert!(
        alone.contains("warning[unused-resource]: volume `data`"),
        "{alone}"
    );
}

/// Without `--preset`, a base file is linted as production and its merged
/// `compose.override.yaml` as development: the override's port published
/// on every interface (off in development) is not reported, while the
/// base's findings keep their production severities. `--preset production`
/// judges both files as production.
#[test]
fn findings_in_the_override_file_take_the_development_preset() {
    let args = |preset: Option<&str>| {
        let mut a = vec!["check", "--no-env", "--no-config", "--format", "compact"];
        if let Some(p) = preset {
            a.extend(["--preset", p]);
        }
        a.push("fixtures/projects/override");
        let (_, out, _) = run(&a);
        out
    };
    let by_file = args(None);
    assert!(!by_file.contains("[port-all-interfaces]"), "{by_file}");
    assert!(
        by_file.contains("compose.yaml:5:3: warning[resource-limits]"),
        "{by_file}"
    );
    let production = args(Some("production"));
    assert!(
        production.contains("compose.override.yaml:13:9: warning[port-all-interfaces]"),
        "{production}"
    );
    let development = args(Some("development"));
    assert!(!development.contains("[resource-limits]"), "{development}");
}

/// Compose always sets `COMPOSE_PROJECT_NAME` for interpolation: the
/// environment's value, else the files' `name:` (interpolated and
/// normalized), else the project directory's name. It is never unset.
#[test]
fn compose_project_name_is_always_set() {
    use dockmaster::load::{Input, Limits, load_project};
    let value = |files: &[(&str, &str)]| -> (String, bool) {
        let inputs: Vec<Input> = files
            .iter()
            .map(|(p, t)| Input::text(*p, t.as_bytes().to_vec()))
            .collect();
        let loaded = load_project(&inputs, &Limits::default()).unwrap();
        let unset = loaded
            .problems
            .iter()
            .chain(loaded.files.iter().flat_map(|f| &f.yaml.problems))
            .any(|p| p.message.contains("COMPOSE_PROJECT_NAME"));
        let image = loaded
            .root
            .as_ref()
            .and_then(|r| r.get("services")?.get("app")?.get("image")?.as_str())
            .unwrap_or_default()
            .to_string();
        (image, unset)
    };
    let app = "services:\n  app:\n    image: ${COMPOSE_PROJECT_NAME}-app:1\n";
    assert_eq!(
        value(&[("shop/Web_Store/compose.yaml", app)]),
        ("web_store-app:1".to_string(), false)
    );
    assert_eq!(
        value(&[(
            "shop/compose.yaml",
            &format!("name: ${{PREFIX:-My}}Shop\n{app}")
        )]),
        ("myshop-app:1".to_string(), false)
    );
    // The last file that names the project wins.
    assert_eq!(
        value(&[
            ("shop/compose.yaml", &format!("name: first\n{app}")),
            ("shop/compose.prod.yaml", "name: second\n"),
        ]),
        ("second-app:1".to_string(), false)
    );
}
