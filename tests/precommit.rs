//! The pre-commit hook (`.pre-commit-hooks.yaml`) runs `dockmaster check`
//! on the files whose names `dockmaster check DIR` treats as Compose files.
//!
//! pre-commit matches `files` with Python's `re.search` on the path from
//! the repository root; the pattern uses only syntax that Python and the
//! `regex` crate read alike (`(?i)`, groups, classes, `?`, `$`), so it is
//! checked here with `regex`. Running pre-commit itself needs it installed
//! and the network: docs/ci.md records that run.

mod common;

use dockmaster::cli::discover::is_compose_file_name;
use dockmaster::load::value::Resolver;
use dockmaster::load::{Limits, Value, yaml};
use dockmaster::span::FileId;

fn hook() -> Value {
    let text = std::fs::read_to_string(common::root().join(".pre-commit-hooks.yaml"))
        .expect("read .pre-commit-hooks.yaml");
    let limits = Limits::default();
    let tree = yaml::parse(FileId(0), &text, &limits);
    assert!(tree.problems.is_empty(), "{:?}", tree.problems);
    let root = tree
        .documents
        .iter()
        .find_map(|d| d.root)
        .expect("a document");
    let root = Resolver::new(&tree, &text, &limits)
        .resolve_root(root)
        .expect("a YAML value");
    let hooks = root.as_seq().expect("a list of hooks");
    assert_eq!(hooks.len(), 1);
    hooks[0].clone()
}

fn field(hook: &Value, key: &str) -> String {
    hook.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("`{key}` is missing"))
        .to_string()
}

#[test]
fn the_hook_runs_check_serially_on_the_files_it_is_given() {
    let hook = hook();
    assert_eq!(field(&hook, "id"), "dockmaster");
    assert_eq!(field(&hook, "entry"), "dockmaster check");
    assert_eq!(field(&hook, "language"), "rust");
    assert_eq!(field(&hook, "pass_filenames"), "true");
    assert_eq!(field(&hook, "require_serial"), "true");
}

#[test]
fn the_hook_matches_the_names_discovery_treats_as_compose_files() {
    let files = regex::Regex::new(&field(&hook(), "files")).expect("a valid regex");
    let names = [
        // Compose's own names and their overrides.
        "compose.yaml",
        "compose.yml",
        "docker-compose.yml",
        "docker-compose.yaml",
        "compose.override.yml",
        "compose.override.yaml",
        "docker-compose.override.yml",
        "docker-compose.override.yaml",
        // Variants.
        "compose.prod.yaml",
        "compose.dev.yml",
        "docker-compose.prod.yml",
        "docker-compose-dev.yml",
        "compose-test.yaml",
        "app.compose.yaml",
        "app.compose.yml",
        "my.app.compose.yaml",
        ".compose.yml",
        "Docker-Compose.YML",
        "COMPOSE.YAML",
        "App.Compose.Yml",
        // Not Compose files.
        "composer.yaml",
        "composer.lock.yml",
        "compose.json",
        "compose",
        "docker-compose",
        "values.yaml",
        "my-compose.yaml",
        "app-compose.yml",
        "app.composer.yaml",
        "compose.yaml.bak",
        ".compose.yml.bak",
        "compose.yaml~",
        "compose.ym",
        "compose.yamll",
        "kustomization.yaml",
        "docker.compose",
    ];
    for name in names {
        let want = is_compose_file_name(name);
        for path in [
            name.to_string(),
            format!("deploy/{name}"),
            format!("a/b.c/{name}"),
        ] {
            assert_eq!(
                files.is_match(&path),
                want,
                "`{path}`: discovery says {want}, the hook's `files` does not agree"
            );
        }
    }
    // A directory name alone never makes a file match.
    for path in ["compose.yaml/notes.txt", "docker-compose/values.yaml"] {
        assert!(!files.is_match(path), "{path}");
    }
}
