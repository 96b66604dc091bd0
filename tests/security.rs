//! Security rules beyond their fixture snapshots:
//!
//! - `image-registry` configured: errors in both presets;
//! - the human output of findings that arrive through an anchor (primary
//!   label at the definition, related label at the merge site);
//! - the `no-new-privileges` fix over the whole corpus: every fixed file
//!   still loads without new findings of the correctness rules, and no
//!   finding that offered a fix is left.

mod common;

use std::path::Path;

use dockmaster::load::{Input, Limits, load_project};
use dockmaster::model::Project;
use dockmaster::rules::{self, Preset, Settings};

fn project(name: &str, text: &str) -> Project {
    let loaded = load_project(
        &[Input::text(name, text.as_bytes().to_vec())],
        &Limits::default(),
    )
    .unwrap();
    dockmaster::model::build(loaded)
}

/// `LINE:COL: SEVERITY[RULE]: MESSAGE`, one line per finding, in order.
fn compact(project: &Project, diags: &[dockmaster::diag::Diagnostic]) -> String {
    let mut lines: Vec<(u32, String)> = diags
        .iter()
        .map(|d| {
            let file = project.sources.get(d.primary.span.file);
            let (line, col) = file.line_col(d.primary.span.start as usize);
            (
                d.primary.span.start,
                format!("{line}:{col}: {}[{}]: {}", d.severity, d.rule, d.message),
            )
        })
        .collect();
    lines.sort();
    lines.into_iter().map(|(_, l)| l + "\n").collect()
}

/// The configured fixtures (`fixtures/rules/image-registry/*-configured/`,
/// snapshotted by `tests/rules.rs` with the `.dockmaster.yml` beside them)
/// report errors in both presets, and nothing without the configuration.
#[test]
fn image_registry_errors_in_both_presets_only_when_configured() {
    let bad = "fixtures/rules/image-registry/bad-configured/compose.yaml";
    for preset in ["production", "development"] {
        let (code, out, err) = common::run(&[
            "check", "--format", "compact", "--no-env", "--preset", preset, bad,
        ]);
        assert_eq!(code, 1, "{err}");
        let lines: Vec<&str> = out
            .lines()
            .filter(|l| l.contains("[image-registry]"))
            .collect();
        assert_eq!(lines.len(), 9, "{out}");
        assert!(
            lines.iter().all(|l| l.contains(": error[image-registry]")),
            "{out}"
        );
    }
    let (_, out, _) = common::run(&[
        "check",
        "--format",
        "compact",
        "--no-env",
        "--no-config",
        "--select",
        "image-registry",
        bad,
    ]);
    assert_eq!(out, "");
}

#[test]
fn findings_through_an_anchor_show_the_definition_and_the_merge_site() {
    for (rule, file) in [
        (
            "secret-in-environment",
            "fixtures/rules/secret-in-environment/bad.yaml",
        ),
        ("privileged", "fixtures/rules/privileged/bad.yaml"),
    ] {
        let (code, out, err) = common::run(&["check", "--color", "never", "--select", rule, file]);
        assert_eq!(code, 1, "{err}");
        insta::assert_snapshot!(rule, out);
    }
}

#[test]
fn secrets_never_appear_in_messages() {
    let text = std::fs::read_to_string(
        common::root().join("fixtures/rules/secret-in-environment/bad.yaml"),
    )
    .unwrap();
    let project = project("compose.yaml", &text);
    let diags = rules::run(
        &project,
        &Settings::only(Preset::Production, &["secret-in-environment"]),
    );
    assert!(diags.len() > 10);
    for secret in [
        "minioadmin",
        "hunter2",
        "pg-example-pw",
        "sk_test_123",
        "ghp_example",
        "BEGIN KEY",
        "s3cret",
        "npm_abc123",
        "letmein",
        "'quoted'",
    ] {
        for d in &diags {
            assert!(!d.message.contains(secret), "{secret} in {}", d.message);
            assert!(
                !d.help.as_deref().unwrap_or_default().contains(secret),
                "{secret} in the help of {}",
                d.message
            );
        }
    }
}

fn load_findings(project: &Project) -> Vec<String> {
    rules::run(
        project,
        &Settings::only(
            Preset::Production,
            &["yaml-syntax", "duplicate-key", "schema"],
        ),
    )
    .into_iter()
    .map(|d| format!("{}: {}", d.rule, d.message))
    .collect()
}

#[test]
fn no_new_privileges_fixes_keep_every_corpus_file_valid() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let mut fixed_files = 0;
    let mut problems = Vec::new();
    for path in common::yaml_files(&corpus) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let name = Path::new(&path).file_name().unwrap().to_str().unwrap();
        let before = project(name, &text);
        let settings = Settings::only(Preset::Production, &["no-new-privileges"]);
        let edits: Vec<_> = rules::run(&before, &settings)
            .into_iter()
            .filter_map(|d| d.fix)
            .flat_map(|f| f.edits)
            .collect();
        if edits.is_empty() {
            continue;
        }
        fixed_files += 1;
        let (fixed, _) = rules::edits::apply(&text, &edits);
        let after = project(name, &fixed);
        let (old, new) = (load_findings(&before), load_findings(&after));
        for f in &new {
            if !old.contains(f) {
                problems.push(format!("{}: the fix adds `{f}`", path.display()));
            }
        }
        let left: Vec<_> = rules::run(&after, &settings)
            .into_iter()
            .filter(|d| d.fix.is_some())
            .map(|d| d.message)
            .collect();
        if !left.is_empty() {
            problems.push(format!(
                "{}: still fixable after the fix: {left:?}",
                path.display()
            ));
        }
    }
    assert!(fixed_files > 100, "only {fixed_files} files fixed");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The knowledge cards' minimal template: the security findings the cards
/// list (#4, #11, #17: `no-new-privileges` on each service key; #23:
/// `port-all-interfaces` on the port), none in the development preset, and
/// none on the corrected version.
#[test]
fn knowledge_card_template() {
    let security = |file: &str, preset: Preset| -> Vec<String> {
        let path = common::root()
            .join("fixtures/security/knowledge-cards")
            .join(file);
        let text = std::fs::read_to_string(path).unwrap();
        let project = project("compose.yaml", &text);
        let diags: Vec<_> = rules::run(&project, &Settings::new(preset))
            .into_iter()
            .filter(|d| d.category == "security")
            .collect();
        compact(&project, &diags)
            .lines()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        security("template.yaml", Preset::Production),
        [
            "3:3: warning[no-new-privileges]: service `etcd` does not set `no-new-privileges:true` in `security_opt`",
            "7:3: warning[no-new-privileges]: service `minio` does not set `no-new-privileges:true` in `security_opt`",
            "11:3: warning[no-new-privileges]: service `milvus` does not set `no-new-privileges:true` in `security_opt`",
            "15:9: warning[port-all-interfaces]: service `milvus` publishes port `19530:19530` on every host interface: Docker's published ports bypass host firewalls such as UFW",
        ]
    );
    assert!(security("template.yaml", Preset::Development).is_empty());
    assert!(security("corrected.yaml", Preset::Production).is_empty());
}
