//! Output formats: a snapshot of each on real runs, validation against the
//! formats' schemas (SARIF's official schema, our JSON schema, GitLab's
//! constraints), XML structure, exact columns for non-ASCII text, content
//! fingerprints, and the `--format`/`--output` pairing with atomic writes.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const PROJECT: &str = "fixtures/formats/project";
const UNICODE: &str = "fixtures/formats/unicode";
const CLEAN: &str = "fixtures/formats/clean";

const MACHINE_FORMATS: [&str; 8] = [
    "json",
    "sarif",
    "github",
    "gitlab",
    "checkstyle",
    "junit",
    "rdjson",
    "rdjsonl",
];

/// Run dockmaster in `dir` with extra environment variables (and without
/// `CI_PROJECT_DIR` unless given).
fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dockmaster"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CI_PROJECT_DIR")
        .env("COLUMNS", "100");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run dockmaster");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One format over both fixtures.
fn render(format: &str) -> String {
    let (code, out, err) = run_env(
        &common::root(),
        &[
            "check",
            "--no-env",
            "--select",
            "correctness,obsolete-version",
            "--format",
            format,
            PROJECT,
            UNICODE,
        ],
        &[],
    );
    assert_eq!(code, 1, "{format}: {err}");
    assert!(err.is_empty(), "{format}: {err}");
    out
}

fn json(format: &str) -> Value {
    serde_json::from_str(&render(format)).unwrap_or_else(|e| panic!("{format}: {e}"))
}

/// SARIF without what changes whenever a rule is added or documented: the
/// driver's rules (checked in `sarif_has_what_github_code_scanning_needs`)
/// and each result's `ruleIndex`.
fn sarif_for_snapshot(mut v: Value) -> Value {
    v["runs"][0]["tool"]["driver"]["rules"] = Value::String("[every rule]".to_string());
    for r in v["runs"][0]["results"].as_array_mut().unwrap() {
        r["ruleIndex"] = Value::String("[index]".to_string());
    }
    v
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!(render("json"));
}

#[test]
fn snapshot_sarif() {
    insta::assert_json_snapshot!(sarif_for_snapshot(json("sarif")));
}

#[test]
fn snapshot_github() {
    insta::assert_snapshot!(render("github"));
}

#[test]
fn snapshot_gitlab() {
    insta::assert_snapshot!(render("gitlab"));
}

#[test]
fn snapshot_checkstyle() {
    insta::assert_snapshot!(render("checkstyle"));
}

#[test]
fn snapshot_junit() {
    insta::assert_snapshot!(render("junit"));
}

#[test]
fn snapshot_rdjson() {
    insta::assert_snapshot!(render("rdjson"));
}

#[test]
fn snapshot_rdjsonl() {
    insta::assert_snapshot!(render("rdjsonl"));
}

#[test]
fn human_and_compact_are_unchanged() {
    // The existing formats keep their output (snapshots in cli.rs and
    // projects.rs); here only that the default is still human.
    let (_, default, _) = common::run(&[
        "check",
        "--no-env",
        "--select",
        "correctness,obsolete-version",
        CLEAN,
    ]);
    let (_, human, _) = common::run(&[
        "check",
        "--no-env",
        "--select",
        "correctness,obsolete-version",
        "--format",
        "human",
        CLEAN,
    ]);
    assert_eq!(default, human);
    assert_eq!(default, "No problems found in 1 file.\n");
}

// ---- validation ----------------------------------------------------------

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("a valid schema")
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

/// The official SARIF 2.1.0 schema, from the shared corpus (never copied
/// into the repository).
fn sarif_schema() -> Option<Value> {
    let path = common::corpus()?.join("spec/sarif-schema-2.1.0.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).expect("SARIF schema")),
        Err(_) => {
            eprintln!(
                "notice: {} not found; skipping SARIF schema validation",
                path.display()
            );
            None
        }
    }
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let Some(schema) = sarif_schema() else {
        return;
    };
    let v = validator(&schema);
    let sarif = json("sarif");
    assert_valid(&v, &sarif, "sarif of the fixtures");
    // The validator does reject what the schema forbids.
    for (pointer, bad) in [
        ("/runs/0/results/0/level", Value::from("fatal")),
        (
            "/runs/0/results/0/locations/0/physicalLocation/region/startColumn",
            0.into(),
        ),
        ("/runs/0/tool/driver/rules/0/helpUri", "not a uri".into()),
    ] {
        let mut broken = sarif.clone();
        *broken.pointer_mut(pointer).unwrap() = bad;
        assert!(!v.is_valid(&broken), "{pointer}");
    }
    let (_, clean, _) = common::run(&[
        "check",
        "--no-env",
        "--select",
        "correctness,obsolete-version",
        "--format",
        "sarif",
        CLEAN,
    ]);
    assert_valid(&v, &serde_json::from_str(&clean).unwrap(), "clean sarif");
    let (code, missing, _) = common::run(&[
        "check",
        "--select",
        "correctness,obsolete-version",
        "--format",
        "sarif",
        "no/such/file.yaml",
    ]);
    assert_eq!(code, 2);
    assert_valid(
        &v,
        &serde_json::from_str(&missing).unwrap(),
        "sarif with errors",
    );
}

#[test]
fn sarif_has_what_github_code_scanning_needs() {
    let v = json("sarif");
    assert_eq!(v["version"], "2.1.0");
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "one run");
    let run = &runs[0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "dockmaster");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), dockmaster::rules::ALL.len(), "every rule");
    for (rule, known) in rules.iter().zip(dockmaster::rules::ALL) {
        assert_eq!(rule["id"], known.id);
        assert!(rule["name"].as_str().is_some_and(|n| !n.is_empty()));
        assert_eq!(rule["shortDescription"]["text"], known.summary);
        assert!(
            rule["fullDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        assert_eq!(rule["help"]["markdown"], known.doc);
        assert!(rule["help"]["text"].as_str().is_some());
        assert_eq!(
            rule["helpUri"],
            format!(
                "{}/blob/main/rules/{}.md",
                env!("CARGO_PKG_REPOSITORY"),
                known.id
            )
        );
        assert!(
            ["error", "warning", "note", "none"]
                .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap())
        );
        // The documentation link points at a file of this repository.
        assert!(
            common::root()
                .join(format!("rules/{}.md", known.id))
                .is_file()
        );
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let mut saw_related_elsewhere = false;
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"], "ruleIndex");
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(r["message"]["text"].as_str().is_some());
        let fp = r["partialFingerprints"]["dockmasterContentHash/v1"]
            .as_str()
            .unwrap();
        assert_eq!(fp.len(), 32);
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("fixtures/formats/"), "relative uri {uri}");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(loc["region"][key].as_u64().unwrap() >= 1, "{key}");
        }
        for rel in r["relatedLocations"].as_array().into_iter().flatten() {
            let rel_uri = rel["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            saw_related_elsewhere |= rel_uri != uri;
            assert!(rel["message"]["text"].as_str().is_some());
        }
    }
    assert!(saw_related_elsewhere, "a related location in another file");
}

#[test]
fn json_validates_against_its_documented_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("docs/json-format.schema.json")).unwrap(),
    )
    .unwrap();
    let v = validator(&schema);
    let doc = json("json");
    assert_valid(&v, &doc, "json of the fixtures");
    for (pointer, bad) in [
        ("/findings/0/severity", Value::from("fatal")),
        ("/findings/0/location/start/column", 0.into()),
        ("/version", 2.into()),
    ] {
        let mut broken = doc.clone();
        *broken.pointer_mut(pointer).unwrap() = bad;
        assert!(!v.is_valid(&broken), "{pointer}");
    }
    assert_eq!(
        doc["summary"]["findings"],
        doc["findings"].as_array().unwrap().len()
    );
    let (_, clean, _) = common::run(&[
        "check",
        "--no-env",
        "--select",
        "correctness,obsolete-version",
        "--format",
        "json",
        CLEAN,
    ]);
    assert_valid(&v, &serde_json::from_str(&clean).unwrap(), "clean json");
    let (code, missing, _) = common::run(&[
        "check",
        "--select",
        "correctness,obsolete-version",
        "--format",
        "json",
        "no/such/file.yaml",
    ]);
    assert_eq!(code, 2);
    let missing: Value = serde_json::from_str(&missing).unwrap();
    assert_valid(&v, &missing, "json with errors");
    assert_eq!(missing["errors"].as_array().unwrap().len(), 1);
    // The fix output, from the renderer's unit test (no rule offers fixes
    // yet), validates too.
    let snapshot = std::fs::read_to_string(common::root().join(
        "src/report/snapshots/dockmaster__report__json__tests__findings_with_related_labels_and_fixes.snap",
    ))
    .unwrap();
    let fixed: Value = serde_json::from_str(snapshot.split("\n---\n").nth(1).unwrap()).unwrap();
    assert_valid(&v, &fixed, "json with fixes");
}

/// GitLab's Code Quality constraints. GitLab checks each issue against
/// `app/validators/json_schemas/codeclimate.json` in the gitlab repository
/// (required `description`, `fingerprint`, `severity`, `location`; strings;
/// `location.lines.begin` an integer) and drops issues that fail; its
/// documentation (doc/ci/testing/code_quality.md, "Implement a custom
/// tool") also requires `check_name`, `location.path` and one of the five
/// severities. This schema states both.
const GITLAB_SCHEMA: &str = r#"{
  "type": "array",
  "items": {
    "type": "object",
    "required": ["description", "check_name", "fingerprint", "severity", "location"],
    "properties": {
      "description": { "type": "string", "minLength": 1 },
      "check_name": { "type": "string", "minLength": 1 },
      "fingerprint": { "type": "string", "minLength": 1 },
      "severity": { "enum": ["info", "minor", "major", "critical", "blocker"] },
      "location": {
        "type": "object",
        "required": ["path", "lines"],
        "properties": {
          "path": { "type": "string", "minLength": 1 },
          "lines": {
            "type": "object",
            "required": ["begin"],
            "properties": {
              "begin": { "type": "integer", "minimum": 1 },
              "end": { "type": "integer", "minimum": 1 }
            }
          }
        }
      }
    }
  }
}"#;

#[test]
fn gitlab_meets_gitlabs_constraints() {
    let v = validator(&serde_json::from_str(GITLAB_SCHEMA).unwrap());
    let issues = json("gitlab");
    assert_valid(&v, &issues, "gitlab");
    let fps: std::collections::HashSet<&str> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fps.len(), issues.as_array().unwrap().len(), "unique");
    for i in issues.as_array().unwrap() {
        assert!(!i["location"]["path"].as_str().unwrap().starts_with('/'));
        assert!(i["location"]["lines"]["end"].as_u64() >= i["location"]["lines"]["begin"].as_u64());
    }
    let (_, clean, _) = common::run(&[
        "check",
        "--no-env",
        "--select",
        "correctness,obsolete-version",
        "--format",
        "gitlab",
        CLEAN,
    ]);
    assert_eq!(clean.trim(), "[]");
}

#[test]
fn gitlab_paths_are_relative_to_ci_project_dir() {
    let root = common::root();
    let dir = root.join("fixtures/formats");
    let (_, out, _) = run_env(
        &root,
        &[
            "check",
            "--no-env",
            "--select",
            "correctness,obsolete-version",
            "--format",
            "gitlab",
            PROJECT,
        ],
        &[("CI_PROJECT_DIR", dir.to_str().unwrap())],
    );
    let issues: Value = serde_json::from_str(&out).unwrap();
    for i in issues.as_array().unwrap() {
        assert!(
            i["location"]["path"]
                .as_str()
                .unwrap()
                .starts_with("project/"),
            "{i}"
        );
    }
}

#[test]
fn rdjson_has_reviewdogs_structure() {
    let v = json("rdjson");
    assert_eq!(v["source"]["name"], "dockmaster");
    for d in v["diagnostics"].as_array().unwrap() {
        assert!(d["message"].as_str().is_some());
        assert!(["ERROR", "WARNING", "INFO"].contains(&d["severity"].as_str().unwrap()));
        assert!(d["code"]["value"].as_str().is_some());
        assert!(d["code"]["url"].as_str().unwrap().starts_with("https://"));
        let range = &d["location"]["range"];
        for end in ["start", "end"] {
            assert!(range[end]["line"].as_u64().unwrap() >= 1);
            assert!(range[end]["column"].as_u64().unwrap() >= 1);
        }
    }
    let lines = render("rdjsonl");
    assert_eq!(
        lines.lines().count(),
        v["diagnostics"].as_array().unwrap().len()
    );
    for line in lines.lines() {
        let d: Value = serde_json::from_str(line).unwrap();
        assert_eq!(d["source"]["name"], "dockmaster");
    }
}

// ---- XML -------------------------------------------------------------------

/// A parsed XML element: name, attributes, children, text.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn children(&self, name: &str) -> Vec<&Element> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
}

/// Parse a whole document with quick-xml (checking well-formedness: every
/// element closed, attributes unescaped).
fn parse_xml(text: &str) -> Element {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = vec![Element::default()];
    let element = |e: &quick_xml::events::BytesStart| Element {
        name: e.name().as_ref().to_string(),
        attrs: e
            .attributes()
            .map(|a| {
                let a = a.expect("attribute");
                (
                    a.key.as_ref().to_string(),
                    a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                        .expect("attribute value")
                        .into_owned(),
                )
            })
            .collect(),
        ..Element::default()
    };
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(element(&e)),
            Event::Empty(e) => stack.last_mut().unwrap().children.push(element(&e)),
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let name = r.xml10_content().into_owned();
                let c = match name.as_str() {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    _ => r
                        .resolve_char_ref()
                        .expect("character reference")
                        .expect("known reference")
                        .to_string(),
                };
                stack.last_mut().unwrap().text.push_str(&c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut root = stack.pop().unwrap();
    assert_eq!(root.children.len(), 1, "one root element");
    root.children.pop().unwrap()
}

#[test]
fn checkstyle_is_well_formed_with_the_expected_structure() {
    let out = render("checkstyle");
    assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    let root = parse_xml(&out);
    assert_eq!(root.name, "checkstyle");
    assert_eq!(root.attr("version"), Some("4.3"));
    let files = root.children("file");
    let (_, compact, _) = common::run(&[
        "check",
        "--no-env",
        "--select",
        "correctness,obsolete-version",
        "--format",
        "compact",
        PROJECT,
        UNICODE,
    ]);
    let errors: Vec<&Element> = files.iter().flat_map(|f| f.children("error")).collect();
    assert_eq!(errors.len(), compact.lines().count());
    // The same findings, in the same order, as the compact format.
    let mut lines = compact.lines();
    for f in &files {
        for e in f.children("error") {
            let expected = format!(
                "{}:{}:{}: {}[{}]: {}",
                f.attr("name").unwrap(),
                e.attr("line").unwrap(),
                e.attr("column").unwrap(),
                e.attr("severity").unwrap(),
                e.attr("source")
                    .unwrap()
                    .strip_prefix("dockmaster.")
                    .unwrap(),
                e.attr("message").unwrap().replace(['\n', '\r'], " ")
            );
            assert_eq!(lines.next(), Some(expected.as_str()));
        }
    }
    // Every linted file is listed, the clean ones without errors.
    assert!(
        files
            .iter()
            .any(|f| f.attr("name") == Some("fixtures/formats/project/compose.yaml"))
    );
}

#[test]
fn junit_is_well_formed_with_the_expected_structure() {
    let out = render("junit");
    let root = parse_xml(&out);
    assert_eq!(root.name, "testsuites");
    let suites = root.children("testsuite");
    let mut total = 0;
    let mut failures = 0;
    for s in &suites {
        let cases = s.children("testcase");
        assert_eq!(
            s.attr("tests").unwrap().parse::<usize>().unwrap(),
            cases.len()
        );
        let failed = cases
            .iter()
            .filter(|c| !c.children("failure").is_empty())
            .count();
        assert_eq!(
            s.attr("failures").unwrap().parse::<usize>().unwrap(),
            failed
        );
        for c in &cases {
            assert_eq!(c.attr("classname"), s.attr("name"));
            for f in c.children("failure") {
                assert!(["error", "warning", "info"].contains(&f.attr("type").unwrap()));
                assert!(
                    f.text
                        .contains(f.attr("message").unwrap().lines().next().unwrap())
                );
                assert!(f.text.contains("docs: https://"));
            }
        }
        total += cases.len();
        failures += failed;
    }
    assert_eq!(root.attr("tests").unwrap().parse::<usize>().unwrap(), total);
    assert_eq!(
        root.attr("failures").unwrap().parse::<usize>().unwrap(),
        failures
    );
    let (_, compact, _) = common::run(&[
        "check",
        "--no-env",
        "--select",
        "correctness,obsolete-version",
        "--format",
        "compact",
        PROJECT,
        UNICODE,
    ]);
    assert_eq!(failures, compact.lines().count());
    // One suite per linted file: common.yaml is linted (through extends).
    let names: Vec<&str> = suites.iter().map(|s| s.attr("name").unwrap()).collect();
    assert!(
        names.contains(&"fixtures/formats/project/common.yaml"),
        "{names:?}"
    );
}

#[test]
fn a_clean_run_is_a_passing_junit_test() {
    let (code, out, _) = common::run(&[
        "check",
        "--no-env",
        "--select",
        "correctness,obsolete-version",
        "--format",
        "junit",
        CLEAN,
    ]);
    assert_eq!(code, 0);
    let root = parse_xml(&out);
    assert_eq!(root.attr("tests"), Some("1"));
    assert_eq!(root.attr("failures"), Some("0"));
    let case = &root.children("testsuite")[0].children("testcase")[0];
    assert!(case.children.is_empty(), "passing");
}

// ---- positions of non-ASCII text ------------------------------------------

#[test]
fn non_ascii_columns_in_each_unit() {
    // Line 10 is `    command: ["𝄞 échö ☕", 42]`: before `42` come 26
    // characters, 27 UTF-16 code units (𝄞 is a surrogate pair) and 33 bytes.
    // Line 11 is `    ïmage: typo`: the key spans 5 characters, 6 bytes.
    let text = std::fs::read_to_string(common::root().join(UNICODE).join("compose.yaml")).unwrap();
    let line10 = text.lines().nth(9).unwrap();
    let before = &line10[..line10.find("42").unwrap()];
    assert_eq!(
        (
            before.chars().count(),
            before.encode_utf16().count(),
            before.len()
        ),
        (26, 27, 33)
    );
    let only_unicode = |format: &str| {
        let (_, out, _) = common::run(&[
            "check",
            "--no-env",
            "--select",
            "correctness,obsolete-version",
            "--format",
            format,
            UNICODE,
        ]);
        out
    };
    let compact = only_unicode("compact");
    assert!(
        compact.contains("compose.yaml:10:27: error[schema]"),
        "{compact}"
    );

    let doc: Value = serde_json::from_str(&only_unicode("json")).unwrap();
    let f42 = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("42"))
        .unwrap();
    assert_eq!(f42["location"]["start"]["column"], 27);
    assert_eq!(f42["location"]["end"]["column"], 29);
    let offset = text.find("42").unwrap();
    assert_eq!(f42["location"]["start"]["offset"], offset);
    let key = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("ïmage"))
        .unwrap();
    assert_eq!(key["location"]["end"]["column"], 10);
    assert_eq!(
        key["location"]["end"]["offset"].as_u64().unwrap()
            - key["location"]["start"]["offset"].as_u64().unwrap(),
        6
    );

    let sarif: Value = serde_json::from_str(&only_unicode("sarif")).unwrap();
    let region = |needle: &str| {
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["message"]["text"].as_str().unwrap().contains(needle))
            .unwrap()["locations"][0]["physicalLocation"]["region"]
            .clone()
    };
    assert_eq!(region("42")["startColumn"], 28);
    assert_eq!(region("42")["endColumn"], 30);
    assert_eq!(region("ïmage")["endColumn"], 10);

    let github = only_unicode("github");
    assert!(
        github.contains("line=10,col=27,endLine=10,endColumn=29"),
        "{github}"
    );

    let checkstyle = only_unicode("checkstyle");
    assert!(
        checkstyle.contains("line=\"10\" column=\"27\""),
        "{checkstyle}"
    );

    let rdjson: Value = serde_json::from_str(&only_unicode("rdjson")).unwrap();
    let d42 = rdjson["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("42"))
        .unwrap();
    assert_eq!(d42["location"]["range"]["start"]["column"], 34);
    assert_eq!(d42["location"]["range"]["end"]["column"], 36);
    let dkey = rdjson["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("ïmage"))
        .unwrap();
    assert_eq!(dkey["location"]["range"]["end"]["column"], 11);
}

// ---- fingerprints ----------------------------------------------------------

#[test]
fn fingerprints_survive_unrelated_edits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    let body = "services:\n  web:\n    image: nginx:1.27\n    privileged: maybe\n  db:\n    image: postgres:17\n    privileged: maybe\n";
    let fingerprints = |text: &str| {
        std::fs::write(&path, text).unwrap();
        let (_, gitlab, _) = run_env(
            dir.path(),
            &[
                "check",
                "--select",
                "correctness,obsolete-version",
                "--format",
                "gitlab",
                "compose.yaml",
            ],
            &[],
        );
        let (_, sarif, _) = run_env(
            dir.path(),
            &[
                "check",
                "--select",
                "correctness,obsolete-version",
                "--format",
                "sarif",
                "compose.yaml",
            ],
            &[],
        );
        let gitlab: Value = serde_json::from_str(&gitlab).unwrap();
        let sarif: Value = serde_json::from_str(&sarif).unwrap();
        let g: Vec<String> = gitlab
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect();
        let s: Vec<String> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["dockmasterContentHash/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let lines: Vec<u64> = gitlab
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["location"]["lines"]["begin"].as_u64().unwrap())
            .collect();
        (g, s, lines)
    };
    let (g1, s1, l1) = fingerprints(body);
    assert_eq!(g1.len(), 2);
    assert_ne!(g1[0], g1[1], "the same mistake twice gets two fingerprints");
    let (g2, s2, l2) = fingerprints(&format!("# a comment\n\n{body}"));
    assert_ne!(l1, l2, "the findings moved");
    assert_eq!(g1, g2);
    assert_eq!(s1, s2);
}

// ---- colour ------------------------------------------------------------------

#[test]
fn machine_formats_are_never_coloured() {
    for format in MACHINE_FORMATS {
        let (_, out, _) = common::run(&[
            "check",
            "--no-env",
            "--select",
            "correctness,obsolete-version",
            "--color",
            "always",
            "--format",
            format,
            PROJECT,
        ]);
        assert!(!out.contains('\u{1b}'), "{format}");
    }
}

// ---- --format / --output -------------------------------------------------------

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn human_on_stdout_and_sarif_in_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.sarif");
    let (code, out, err) = common::run(&[
        "check",
        "--no-env",
        "--select",
        "correctness,obsolete-version",
        "--format",
        "human",
        "--format",
        "sarif",
        "--output",
        "-",
        "--output",
        report.to_str().unwrap(),
        PROJECT,
    ]);
    assert_eq!(code, 1, "{err}");
    let (_, human, _) = common::run(&[
        "check",
        "--no-env",
        "--select",
        "correctness,obsolete-version",
        PROJECT,
    ]);
    assert_eq!(out, human);
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(written["version"], "2.1.0");
    assert_eq!(
        files_in(dir.path()),
        vec!["report.sarif"],
        "no temporary file left"
    );
}

#[test]
fn one_format_to_a_file_and_several_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let (code, out, _) = common::run(&[
        "check",
        "--no-env",
        "--format",
        "json",
        "--output",
        &d("r.json"),
        PROJECT,
    ]);
    assert_eq!((code, out.as_str()), (1, ""));
    let (code, out, _) = common::run(&[
        "check",
        "--no-env",
        "-o",
        &d("a.xml"),
        "--format",
        "junit",
        "--format",
        "gitlab",
        "-o",
        &d("b.json"),
        PROJECT,
    ]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(
        std::fs::read_to_string(d("a.xml"))
            .unwrap()
            .contains("<testsuites")
    );
    assert!(
        std::fs::read_to_string(d("b.json"))
            .unwrap()
            .starts_with('[')
    );
    assert_eq!(files_in(dir.path()), vec!["a.xml", "b.json", "r.json"]);
    // Without --format, --output writes human output (never coloured).
    let (_, _, _) = common::run(&[
        "check",
        "--no-env",
        "--color",
        "always",
        "-o",
        &d("h.txt"),
        PROJECT,
    ]);
    let human = std::fs::read_to_string(d("h.txt")).unwrap();
    assert!(human.contains("error[schema]") && !human.contains('\u{1b}'));
}

#[test]
fn an_existing_report_is_replaced_whole() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    std::fs::write(&report, "x".repeat(100_000)).unwrap();
    let (code, _, _) = common::run(&[
        "check",
        "--no-env",
        "--select",
        "correctness,obsolete-version",
        "--format",
        "json",
        "--output",
        report.to_str().unwrap(),
        CLEAN,
    ]);
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_ok(), "{text}");
    assert_eq!(files_in(dir.path()), vec!["report.json"]);
}

#[test]
fn invalid_pairings_are_usage_errors() {
    for args in [
        &["--format", "human", "--format", "sarif"][..],
        &[
            "--format", "human", "--format", "sarif", "--output", "r.sarif",
        ][..],
        &["--format", "sarif", "--output", "a", "--output", "b"][..],
        &[
            "--format", "json", "--format", "sarif", "--output", "-", "--output", "-",
        ][..],
        &[
            "--format", "json", "--format", "sarif", "--output", "r", "--output", "./r",
        ][..],
        &["--format", "yaml"][..],
    ] {
        let mut all = vec!["check", "--no-env"];
        all.extend_from_slice(args);
        all.push(CLEAN);
        let (code, out, err) = common::run(&all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: nothing linted or written");
        assert!(err.contains("error"), "{args:?}: {err}");
    }
    assert!(!common::root().join("r.sarif").exists());
}

#[test]
fn an_unwritable_output_is_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/report.sarif");
    for target in [missing, dir.path().to_path_buf()] {
        let (code, out, err) = common::run(&[
            "check",
            "--no-env",
            "--format",
            "sarif",
            "--output",
            target.to_str().unwrap(),
            PROJECT,
        ]);
        assert_eq!(code, 2, "{err}");
        assert!(out.is_empty());
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("dockmaster: error: cannot write the report to "),
            "{err}"
        );
    }
    assert!(files_in(dir.path()).is_empty(), "nothing left behind");
}

#[test]
fn load_errors_reach_machine_formats() {
    let (code, out, err) = common::run(&[
        "check",
        "--select",
        "correctness,obsolete-version",
        "--format",
        "junit",
        "no/such/file.yaml",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("no/such/file.yaml"));
    let root = parse_xml(&out);
    assert_eq!(root.attr("errors"), Some("1"));
    let dir: PathBuf = common::root();
    assert!(dir.join(CLEAN).is_dir());
}

#[test]
fn the_examples_in_docs_formats_md_are_real_output() {
    let doc = std::fs::read_to_string(common::root().join("docs/formats.md")).unwrap();
    let section = doc.split("## The examples below").nth(1).unwrap();
    let yaml = section
        .split("```yaml\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), yaml).unwrap();
    for format in ["compact", "github", "checkstyle"] {
        let (code, out, _) = run_env(
            dir.path(),
            &[
                "check",
                "--select",
                "correctness,obsolete-version",
                "--format",
                format,
                "compose.yaml",
            ],
            &[],
        );
        assert_eq!(code, 1);
        for line in out.lines() {
            assert!(doc.contains(line), "{format}: docs/formats.md lacks {line}");
        }
    }
    let (_, json, _) = run_env(
        dir.path(),
        &[
            "check",
            "--select",
            "correctness,obsolete-version",
            "--format",
            "json",
            "compose.yaml",
        ],
        &[],
    );
    let json: Value = serde_json::from_str(&json).unwrap();
    // The JSON and SARIF examples show the first finding.
    let first = json["findings"][0]["fingerprint"].as_str().unwrap();
    assert!(doc.contains(first), "docs/formats.md lacks {first}");
}
