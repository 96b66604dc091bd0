//! Every rule: its fixtures (`fixtures/rules/<rule-id>/*.yaml`, linted with
//! only that rule) as insta snapshots, and its document (`rules/<id>.md`):
//! every registered rule has one, every document has a rule, and each
//! document's bad example triggers the rule while its good example does not.

mod common;

use std::path::Path;

use dockmaster::load::{Input, Limits, load_project};
use dockmaster::rules::{self, Preset, Settings};

#[test]
fn rule_fixtures() {
    insta::glob!("../fixtures/rules", "*/*.y*ml", |path| {
        let rule = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        insta::assert_snapshot!(lint_fixture(rule, path));
    });
    // A fixture that must be linted as a whole project (rules that judge
    // references only judge projects Compose would load as they are): a
    // `compose.yaml` in a case folder, `fixtures/rules/<rule-id>/<case>/`.
    insta::glob!("../fixtures/rules", "*/*/compose.yaml", |path| {
        let rule = path
            .parent()
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .unwrap();
        insta::assert_snapshot!(lint_fixture(rule, path));
    });
}

/// The compact report of one fixture linted with one rule.
fn lint_fixture(rule: &str, path: &Path) -> String {
    let rel = path.strip_prefix(common::root()).unwrap();
    let (code, out, err) = common::run(&[
        "check",
        "--format",
        "compact",
        "--select",
        rule,
        rel.to_str().unwrap(),
    ]);
    assert!(
        code == 0 || code == 1,
        "{}: exit {code}: {err}",
        rel.display()
    );
    out
}

/// For fixable rules: each fixture with every fix of the rule applied (safe
/// and unsafe), as a snapshot of the resulting text.
#[test]
fn rule_fixes() {
    insta::glob!("../fixtures/rules", "*/*.y*ml", |path| {
        let id = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        let Some(rule) = rules::find(id) else { return };
        if rule.fixable == rules::Fixable::No {
            return;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let loaded = load_project(
            &[Input::text(name, text.as_bytes().to_vec())],
            &Limits::default(),
        )
        .unwrap();
        let project = dockmaster::model::build(loaded);
        let diags = rules::run(
            &project,
            &Settings::only(Preset::for_file_name(name), &[rule.id]),
        );
        let edits: Vec<_> = diags
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .flat_map(|f| f.edits.clone())
            .collect();
        if edits.is_empty() {
            return;
        }
        let (fixed, _) = rules::edits::apply(&text, &edits);
        insta::assert_snapshot!(fixed);
    });
}

/// The fenced `yaml` block under a `## <heading>` of a rule document.
fn example(doc: &str, heading: &str) -> Option<String> {
    let start = doc.find(&format!("\n## {heading}\n"))?;
    let rest = &doc[start..];
    let open = rest.find("```yaml\n")? + "```yaml\n".len();
    let close = rest[open..].find("```")?;
    Some(rest[open..open + close].to_string())
}

/// A rule document may name the file its examples are linted as
/// (`<!-- example-file: compose.override.yaml -->`), which decides the preset.
fn example_file(doc: &str) -> String {
    doc.lines()
        .find_map(|l| {
            l.strip_prefix("<!-- example-file: ")
                .and_then(|l| l.strip_suffix(" -->"))
        })
        .unwrap_or("compose.yaml")
        .to_string()
}

fn findings(rule: &'static str, file: &str, text: &str) -> Vec<String> {
    let loaded = load_project(
        &[Input::text(file, text.as_bytes().to_vec())],
        &Limits::default(),
    )
    .unwrap();
    let project = dockmaster::model::build(loaded);
    let preset = Preset::for_file_name(file);
    rules::run(&project, &Settings::only(preset, &[rule]))
        .into_iter()
        .map(|d| format!("{}: {}", d.rule, d.message))
        .collect()
}

#[test]
fn every_rule_has_a_document_whose_examples_hold() {
    let mut problems = Vec::new();
    for rule in rules::ALL {
        let doc = rule.doc;
        if !doc.starts_with(&format!("# {}\n", rule.id)) {
            problems.push(format!(
                "rules/{}.md must start with `# {}`",
                rule.id, rule.id
            ));
        }
        for section in [
            "## What it checks",
            "## Why",
            "## Knowledge card",
            "## How to silence",
        ] {
            if !doc.contains(section) {
                problems.push(format!("rules/{}.md has no `{section}` section", rule.id));
            }
        }
        let file = example_file(doc);
        match example(doc, "Bad example") {
            None => problems.push(format!("rules/{}.md has no bad example", rule.id)),
            Some(bad) => {
                if findings(rule.id, &file, &bad).is_empty() {
                    problems.push(format!(
                        "the bad example of {} does not trigger it",
                        rule.id
                    ));
                }
            }
        }
        match example(doc, "Good example") {
            None => problems.push(format!("rules/{}.md has no good example", rule.id)),
            Some(good) => {
                let f = findings(rule.id, &file, &good);
                if !f.is_empty() {
                    problems.push(format!(
                        "the good example of {} triggers it: {f:?}",
                        rule.id
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_document_has_a_rule() {
    let dir = common::root().join("rules");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let id = path.file_stem().unwrap().to_str().unwrap();
        assert!(
            rules::find(id).is_some(),
            "{} documents no registered rule",
            path.display()
        );
    }
}

#[test]
fn every_rule_has_fixtures() {
    let dir = common::root().join("fixtures/rules");
    let missing: Vec<&str> = rules::ALL
        .iter()
        .map(|r| r.id)
        .filter(|id| !Path::new(&dir.join(id)).is_dir())
        .collect();
    assert!(
        missing.is_empty(),
        "rules without fixtures under fixtures/rules: {missing:?}"
    );
}
