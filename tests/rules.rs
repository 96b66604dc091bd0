//! Every rule: its fixtures (`fixtures/rules/<rule-id>/*.yaml`, linted with
//! only that rule) as insta snapshots, and its document (`rules/<id>.md`):
//! every registered rule has one, every document has a rule, and each
//! document's bad example triggers the rule while its good example does not.

mod common;

use std::path::Path;

use dockmaster::load::{Input, Limits, load_project};
use dockmaster::rules::{self, Preset, Settings};

/// The rule a fixture is for: the first folder under `fixtures/rules`
/// (`<rule-id>/bad.yaml`, or `<rule-id>/<case>/compose.yaml` for a case
/// that needs the file name Compose looks for).
/// Files under a `parts/` folder are pieces other fixtures include or
/// extend, not fixtures of their own; a `.dockmaster.yml` beside a case is
/// the configuration it is linted with.
fn is_part(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "parts")
        || path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| dockmaster::config::FILE_NAMES.contains(&n))
}

fn rule_of(path: &Path) -> &str {
    let rel = path
        .strip_prefix(common::root().join("fixtures/rules"))
        .unwrap();
    rel.components()
        .next()
        .unwrap()
        .as_os_str()
        .to_str()
        .unwrap()
}

#[test]
fn rule_fixtures() {
    insta::glob!("../fixtures/rules", "**/*.y*ml", |path| {
        if is_part(path) {
            return;
        }
        let rule = rule_of(path);
        let rel = path.strip_prefix(common::root()).unwrap();
        // A suppression is judged only against rules that ran: the
        // suppression rules' fixtures run the rules they name.
        let is_meta =
            rules::find(rule).is_some_and(|r| r.category == rules::Category::Suppressions);
        let select = if is_meta {
            format!("{rule},correctness")
        } else {
            rule.to_string()
        };
        let (code, out, err) = common::run(&[
            "check",
            "--format",
            "compact",
            "--no-env",
            "--select",
            &select,
            rel.to_str().unwrap(),
        ]);
        assert!(
            code == 0 || code == 1,
            "{}: exit {code}: {err}",
            rel.display()
        );
        insta::assert_snapshot!(out);
    });
}

/// For fixable rules: each fixture with every fix of the rule applied (safe
/// and unsafe), as a snapshot of the resulting text.
#[test]
fn rule_fixes() {
    insta::glob!("../fixtures/rules", "**/*.y*ml", |path| {
        if is_part(path) {
            return;
        }
        let id = rule_of(path);
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

/// A rule document may set list options of the rule for its examples
/// (`<!-- example-option: trusted-registries: a.example, *.b.example -->`),
/// as a configuration file would.
fn example_options(rule: &'static rules::Rule) -> rules::RuleOptions {
    let mut options = rules::RuleOptions::default();
    for line in rule.doc.lines() {
        let Some((name, values)) = line
            .strip_prefix("<!-- example-option: ")
            .and_then(|l| l.strip_suffix(" -->"))
            .and_then(|l| l.split_once(": "))
        else {
            continue;
        };
        let spec = rule
            .options
            .iter()
            .find(|o| o.name == name)
            .unwrap_or_else(|| panic!("rules/{}.md sets unknown option `{name}`", rule.id));
        let values = values.split(',').map(|v| v.trim().to_string()).collect();
        options.set(spec.name, rules::OptionValue::Strings(values));
    }
    options
}

fn findings(rule: &'static rules::Rule, file: &str, text: &str) -> Vec<String> {
    let loaded = load_project(
        &[Input::text(file, text.as_bytes().to_vec())],
        &Limits::default(),
    )
    .unwrap();
    let project = dockmaster::model::build(loaded);
    let preset = Preset::for_file_name(file);
    let mut settings = Settings::only(preset, &[rule.id]);
    let options = example_options(rule);
    if !options.is_empty() {
        settings.options.push((rule.id, options));
    }
    dockmaster::check_project(&project, &settings)
        .kept
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
                if findings(rule, &file, &bad).is_empty() {
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
                let f = findings(rule, &file, &good);
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
