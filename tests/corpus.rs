//! The shared corpus of real Compose files (../shared/corpus): every YAML
//! file loads without a panic or a hang, and files that Docker Compose
//! accepts produce no `yaml-syntax`, `duplicate-key` or `schema` finding.
//! Skipped with a notice when the corpus is absent.

mod common;

use std::path::Path;

use dockmaster::load::{Input, Limits, load_project};
use dockmaster::rules::{self, Preset, Settings};

/// Files Docker Compose itself rejects, with the reason (also listed in
/// docs/schema-agreement.md).
const REJECTED_BY_COMPOSE: &[(&str, &str)] = &[
    (
        "compose-go/loader/testdata/empty.yaml",
        "only comments: `empty compose file`",
    ),
    (
        "compose-go/loader/testdata/extends/base.yaml",
        "service `nil` is null, which the schema refuses; the file is only read as an `extends` source",
    ),
    (
        "projects/docker__compose/pkg__e2e__fixtures__wrong-composefile__compose.yaml",
        "deliberately invalid fixture (`wrongField`)",
    ),
    (
        "projects/nginx-proxy__nginx-proxy/docker-compose-separate-containers.yml",
        "`environment:` holding only comments is null: `services.dockergen.environment must be a mapping`",
    ),
    (
        "projects/open-telemetry__opentelemetry-demo/compose.extras.yaml",
        "only comments: `empty compose file`",
    ),
    (
        "kics/check_cap_add_cap_drop/negative1.yaml",
        "`ports` under `build`",
    ),
    (
        "kics/check_cap_add_cap_drop/positive1.yaml",
        "`ports` under `build`",
    ),
    (
        "kics/check_cap_add_cap_drop/positive2.yaml",
        "`ports` under `build`",
    ),
    (
        "kics/check_cap_add_cap_drop/positive3.yaml",
        "`ports` under `build`",
    ),
    (
        "kics/security_opt_not_set/negative1.yaml",
        "`ports` under `build`",
    ),
    (
        "kics/volume_has_sensitive_host_directory/negative2.yaml",
        "a scalar under `services` where a service belongs",
    ),
    (
        "kics/volume_has_sensitive_host_directory/positive3.yaml",
        "a scalar under `services` where a service belongs",
    ),
];

#[test]
fn every_corpus_file_loads_and_valid_files_have_no_load_findings() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let files = common::yaml_files(&corpus);
    assert!(
        files.len() > 300,
        "only {} files under {}",
        files.len(),
        corpus.display()
    );
    let mut unexpected = Vec::new();
    let mut rejected_seen = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(&corpus)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let result = std::panic::catch_unwind(|| {
            let loaded = load_project(&[Input::file(file)], &Limits::default()).expect("readable");
            let project = dockmaster::model::build(loaded);
            rules::run(&project, &Settings::new(Preset::Production))
        });
        let diags = match result {
            Ok(d) => d,
            Err(_) => {
                unexpected.push(format!("{rel}: panicked"));
                continue;
            }
        };
        let load_findings: Vec<_> = diags
            .iter()
            .filter(|d| matches!(d.rule, "yaml-syntax" | "duplicate-key" | "schema"))
            .collect();
        let rejected = REJECTED_BY_COMPOSE.iter().any(|(p, _)| *p == rel);
        if rejected {
            assert!(
                !load_findings.is_empty(),
                "{rel} is listed as rejected by Compose but has no finding"
            );
            rejected_seen.push(rel.clone());
        } else {
            for d in load_findings {
                unexpected.push(format!("{rel}: {}[{}] {}", d.severity, d.rule, d.message));
            }
        }
    }
    assert!(
        unexpected.is_empty(),
        "unexpected findings:\n{}",
        unexpected.join("\n")
    );
    assert_eq!(
        rejected_seen.len(),
        REJECTED_BY_COMPOSE.len(),
        "an exception names a missing file"
    );
}

#[test]
fn the_exceptions_are_documented() {
    let doc = std::fs::read_to_string(common::root().join("docs/schema-agreement.md")).unwrap();
    for (path, _) in REJECTED_BY_COMPOSE {
        let name = Path::new(path).to_string_lossy();
        assert!(
            doc.contains(name.as_ref()),
            "docs/schema-agreement.md does not list {path}"
        );
    }
}

/// The number of findings of each rule over the whole corpus (each file
/// linted alone, with the preset its name implies, suppression comments
/// applied), against a checked-in snapshot: a change in what the rules
/// report shows in review. Two counts per rule: with the preset's levels,
/// and with every rule selected (the rules that are off by default, such
/// as the style rules, count there). Accept a deliberate change with
/// `cargo insta review`.
#[test]
fn findings_per_rule_over_the_corpus() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let mut counts: std::collections::BTreeMap<&'static str, (usize, usize)> =
        rules::ALL.iter().map(|r| (r.id, (0, 0))).collect();
    let every: Vec<&'static str> = rules::ALL.iter().map(|r| r.id).collect();
    let mut files = 0;
    for file in common::yaml_files(&corpus) {
        let Ok(loaded) = load_project(&[Input::file(&file)], &Limits::default()) else {
            continue;
        };
        files += 1;
        let project = dockmaster::model::build(loaded);
        let name = file.file_name().unwrap().to_string_lossy();
        let preset = Preset::for_file_name(&name);
        for d in dockmaster::check_project(&project, &Settings::new(preset)).kept {
            counts.entry(d.rule).or_default().0 += 1;
        }
        for d in dockmaster::check_project(&project, &Settings::only(preset, &every)).kept {
            counts.entry(d.rule).or_default().1 += 1;
        }
    }
    let mut text = format!("files: {files}\nrule: preset levels, every rule selected\n");
    for (rule, (preset, every)) in &counts {
        text.push_str(&format!("{rule}: {preset}, {every}\n"));
    }
    insta::assert_snapshot!(text);
}

/// A run that builds no fixes (the command line's human report, among
/// others) reports exactly what a run with fixes reports, fixes aside:
/// same findings, messages, labels, helps and severities, every rule
/// selected, over the fixtures and the corpus (when present).
#[test]
fn a_run_without_fixes_finds_the_same() {
    let mut files = common::yaml_files(&common::root().join("fixtures"));
    if let Some(corpus) = common::corpus() {
        files.extend(common::yaml_files(&corpus));
    }
    let every: Vec<&'static str> = rules::ALL.iter().map(|r| r.id).collect();
    let (mut findings, mut fixes) = (0, 0);
    for file in files {
        let Ok(loaded) = load_project(&[Input::file(&file)], &Limits::default()) else {
            continue;
        };
        let project = dockmaster::model::build(loaded);
        let name = file.file_name().unwrap().to_string_lossy();
        let with = Settings::only(Preset::for_file_name(&name), &every);
        let without = Settings {
            fixes: false,
            ..with.clone()
        };
        let with = dockmaster::check_project(&project, &with).kept;
        let without = dockmaster::check_project(&project, &without).kept;
        assert_eq!(with.len(), without.len(), "{}", file.display());
        for (w, o) in with.iter().zip(&without) {
            let shown = |d: &dockmaster::diag::Diagnostic| {
                (
                    d.rule,
                    d.severity,
                    d.message.clone(),
                    d.primary.clone(),
                    d.related.clone(),
                    d.help.clone(),
                )
            };
            assert_eq!(shown(w), shown(o), "{}", file.display());
            // Only the style rules, whose helps say why a finding has no
            // fix, build theirs in any run.
            assert!(
                o.fix.is_none() || o.category == "style",
                "{} builds a fix in a run without fixes ({})",
                o.rule,
                file.display()
            );
            findings += 1;
            fixes += usize::from(w.fix.is_some());
        }
    }
    assert!(
        findings > 0 && fixes > 0,
        "{findings} findings, {fixes} fixes"
    );
}
