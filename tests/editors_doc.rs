//! `docs/editors.md` against real output: its compact example is what
//! `dockmaster check --format compact` prints, and its VS Code problem
//! matcher and Run on Save patterns read that output and pick the Compose
//! files out.

mod common;

use dockmaster::cli::discover::is_compose_file_name;
use serde_json::Value;

fn doc() -> String {
    std::fs::read_to_string(common::root().join("docs/editors.md")).unwrap()
}

/// The fenced blocks of a language, in order.
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let fence = format!("```{lang}\n");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(&fence) {
        let body = &rest[i + fence.len()..];
        let end = body.find("```").unwrap();
        out.push(body[..end].to_string());
        rest = &body[end..];
    }
    out
}

fn compact() -> String {
    let (code, out, err) = common::run_in(
        &common::root().join("fixtures/editors"),
        &[
            "check",
            "--no-config",
            "--no-env",
            "--format",
            "compact",
            "compose.yaml",
        ],
    );
    assert_eq!(code, 1, "{err}");
    out
}

#[test]
fn the_compact_example_is_real_output() {
    let out = compact();
    let example = &blocks(&doc(), "text")[0];
    assert!(!example.trim().is_empty());
    for line in example.lines() {
        assert!(
            out.lines().any(|l| l == line),
            "not in the output: {line}\n{out}"
        );
    }
}

#[test]
fn the_problem_matcher_reads_every_line() {
    let out = compact();
    let tasks: Value = blocks(&doc(), "json")
        .iter()
        .map(|b| serde_json::from_str::<Value>(b).expect("valid JSON"))
        .find(|v| v.get("tasks").is_some())
        .expect("the tasks.json example");
    let p = &tasks["tasks"][0]["problemMatcher"]["pattern"];
    let re = regex::Regex::new(p["regexp"].as_str().unwrap()).unwrap();
    let group = |c: &regex::Captures<'_>, k: &str| {
        c.get(p[k].as_u64().unwrap() as usize)
            .unwrap()
            .as_str()
            .to_string()
    };
    for line in out.lines() {
        let c = re
            .captures(line)
            .unwrap_or_else(|| panic!("no match: {line}"));
        assert_eq!(group(&c, "file"), "compose.yaml");
        assert!(group(&c, "line").parse::<u32>().is_ok());
        assert!(group(&c, "column").parse::<u32>().is_ok());
        let code = group(&c, "code");
        assert!(dockmaster::rules::find(&code).is_some(), "{code}");
        assert!(line.ends_with(&format!("]: {}", group(&c, "message"))));
    }
}

#[test]
fn the_run_on_save_pattern_matches_compose_files() {
    let settings: Value = blocks(&doc(), "json")
        .iter()
        .map(|b| serde_json::from_str::<Value>(b).expect("valid JSON"))
        .find(|v| v.get("emeraldwalk.runonsave").is_some())
        .expect("the Run on Save example");
    let re = regex::Regex::new(
        settings["emeraldwalk.runonsave"]["commands"][0]["match"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    for name in [
        "compose.yaml",
        "compose.yml",
        "compose.override.yaml",
        "docker-compose.yml",
        "docker-compose.prod.yaml",
        "app.compose.yaml",
        "values.yaml",
        "my-compose.yaml",
        "compose.json",
        "composer.yaml",
        "compose-dev.yml",
    ] {
        let path = format!("/home/me/project/{name}");
        assert_eq!(
            re.is_match(&path),
            is_compose_file_name(name),
            "{name}: the pattern and the server disagree"
        );
    }
    // A directory named like a Compose file does not count.
    assert!(!re.is_match("/home/me/compose/values.yaml"));
}
