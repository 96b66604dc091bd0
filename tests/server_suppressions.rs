//! The language server's "suppress" code action, checked on every fixture
//! and every file of the corpus: for each finding, the comment it inserts
//! silences that finding, leaves every other rule's findings as they were,
//! and adds no finding (a broken YAML file would add `yaml-syntax`).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dockmaster::server::actions::{Layouts, code_actions};
use dockmaster::server::lint::{Document, Entry, Workspace, lint};
use dockmaster::server::position::Encoding;
use lsp_types::{CodeActionOrCommand, TextEdit};

fn document(path: &Path, text: String) -> Document {
    let uri = dockmaster::server::uri::from_path(path, Path::new("/"));
    Document {
        uri,
        path: Some(path.to_path_buf()),
        language_id: "yaml".to_string(),
        version: 1,
        text,
    }
}

/// The findings of a document: (rule, message) → count.
fn findings(doc: &Document, cwd: &Path) -> (BTreeMap<(String, String), usize>, Vec<Entry>) {
    let ws = Workspace::new(Encoding::Utf8, cwd, std::iter::once(doc));
    let outcome = lint(doc, &ws);
    let entries = outcome.by_uri.get(&doc.uri).cloned().unwrap_or_default();
    let mut counts = BTreeMap::new();
    for e in &entries {
        if let Some(id) = e.id {
            *counts
                .entry((id.to_string(), e.diagnostic.message.clone()))
                .or_default() += 1;
        }
    }
    (counts, entries)
}

fn apply_utf8(text: &str, edits: &[TextEdit]) -> String {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let offset = |p: lsp_types::Position| starts[p.line as usize] + p.character as usize;
    let mut edits: Vec<&TextEdit> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(offset(e.range.start)));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(offset(e.range.start)..offset(e.range.end), &e.new_text);
    }
    out
}

/// Whether a finding cannot be silenced by editing the document alone: a
/// circular `extends` through another file reports the document's copy
/// that the loader reads from disk, so the comment takes effect once the
/// file is saved.
fn needs_saving(id: &str, message: &str) -> bool {
    id == "extends-invalid" && message.starts_with("circular reference")
}

type Key = (String, String);
type Counts = BTreeMap<Key, usize>;

fn count(m: &Counts, k: &Key) -> usize {
    m.get(k).copied().unwrap_or(0)
}

/// Apply suppression edits of rule `id`; each finding counted in `expect`
/// must be silenced, the findings of other rules must stay, and nothing
/// new may appear.
fn verify(
    doc: &Document,
    cwd: &Path,
    before: &Counts,
    id: &str,
    edits: &[TextEdit],
    expect: &Counts,
) -> Result<(), String> {
    let edited = apply_utf8(&doc.text, edits);
    let path = doc.path.as_deref().unwrap();
    let (after, _) = findings(&document(path, edited.clone()), cwd);
    let silenced = expect
        .iter()
        .all(|(k, n)| count(&after, k) + n <= count(before, k));
    let others_kept = before
        .iter()
        .filter(|((rule, _), _)| rule != id)
        .all(|(k, n)| count(&after, k) == *n);
    let nothing_new = after.keys().all(|k| before.contains_key(k));
    if silenced && others_kept && nothing_new {
        return Ok(());
    }
    let changed: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| count(before, k) != count(&after, k))
        .map(|k| format!("{k:?}: {} → {}", count(before, k), count(&after, k)))
        .collect();
    Err(format!(
        "{}: suppressing {id} — silenced: {silenced}, others kept: {others_kept}, nothing new: {nothing_new}\n--- edited:\n{edited}\n--- changed:\n{}",
        path.display(),
        changed.join("\n"),
    ))
}

/// Check the suppressions of one file: all those of one rule at once, and
/// when that fails (one comment can make another redundant: an anchor's
/// line silences the findings of every service that merges it), one by
/// one. Returns the problems found.
fn check_file(path: &Path, cwd: &Path, stats: &mut (usize, usize)) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    if text.contains('\r') {
        // The UTF-8 edit applier below splits at `\n` only.
        return Vec::new();
    }
    let doc = document(path, text.clone());
    let (before, entries) = findings(&doc, cwd);
    let broken = before.keys().any(|(rule, _)| rule == "yaml-syntax");
    let mut problems = Vec::new();
    // Per rule: each finding's edits and key.
    let mut by_rule: BTreeMap<&str, Vec<(Vec<TextEdit>, Key)>> = BTreeMap::new();
    let mut layouts = Layouts::default();
    for e in &entries {
        let Some(id) = e.id else { continue };
        let actions = code_actions(
            &[e],
            e.diagnostic.range,
            &[],
            None,
            Encoding::Utf8,
            &mut layouts,
        );
        let suppress = actions.iter().find_map(|a| match a {
            CodeActionOrCommand::CodeAction(a) if a.title.starts_with("Suppress") => Some(a),
            _ => None,
        });
        let meta = matches!(id, "unused-suppression" | "suppression-without-reason");
        let Some(action) = suppress else {
            if !meta && !broken {
                problems.push(format!(
                    "{}: no suppression offered for {id}: {}",
                    path.display(),
                    e.diagnostic.message
                ));
            }
            continue;
        };
        stats.0 += 1;
        let changes = action.edit.as_ref().unwrap().changes.iter().flatten();
        let Some(edits) = changes
            .filter(|(uri, _)| uri.as_str() == doc.uri)
            .map(|(_, edits)| edits)
            .next()
        else {
            // A comment in another file of the project (a related label).
            continue;
        };
        if needs_saving(id, &e.diagnostic.message) {
            continue;
        }
        stats.1 += 1;
        by_rule.entry(id).or_default().push((
            edits.clone(),
            (id.to_string(), e.diagnostic.message.clone()),
        ));
    }
    for (id, items) in by_rule {
        let mut all: Vec<TextEdit> = Vec::new();
        let mut expect = Counts::new();
        for (edits, key) in &items {
            for edit in edits {
                if !all.contains(edit) {
                    all.push(edit.clone());
                }
            }
            *expect.entry(key.clone()).or_default() += 1;
        }
        if verify(&doc, cwd, &before, id, &all, &expect).is_ok() {
            continue;
        }
        for (edits, key) in &items {
            let expect = Counts::from([(key.clone(), 1)]);
            if let Err(e) = verify(&doc, cwd, &before, id, edits, &expect) {
                problems.push(e);
            }
        }
    }
    problems
}

fn check_all(files: &[PathBuf], cwd: &Path) -> (Vec<String>, (usize, usize)) {
    let mut problems = Vec::new();
    let mut stats = (0, 0);
    for f in files {
        problems.extend(check_file(f, cwd, &mut stats));
    }
    (problems, stats)
}

#[test]
fn suppressions_silence_exactly_their_finding_in_the_fixtures() {
    let root = common::root();
    let files = common::yaml_files(&root.join("fixtures"));
    let (problems, (offered, applied)) = check_all(&files, &root);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    // The fixtures exercise this broadly.
    assert!(offered > 500 && applied > 500, "{offered} {applied}");
}

#[test]
fn suppressions_silence_exactly_their_finding_in_the_corpus() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let files = common::yaml_files(&corpus);
    let (problems, (offered, _)) = check_all(&files, &common::root());
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    assert!(offered > 1000, "{offered}");
}

/// A value from an anchor is reported once per service that merges it, at
/// the anchor with the merge site as a related label: each service's
/// suppression goes on its own merge line, not on the shared anchor line
/// (which would silence the rule for every service).
#[test]
fn a_merged_value_is_suppressed_at_each_merge_site() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let path = dir.path().join("compose.yaml");
    let text = "x-defaults: &defaults\n  privileged: true\n\nservices:\n  builder:\n    <<: *defaults\n    image: moby/buildkit:v0.18.2\n  worker:\n    <<: *defaults\n    image: busybox:1.36\n";
    let doc = document(&path, text.to_string());
    let ws = Workspace::new(Encoding::Utf8, dir.path(), std::iter::once(&doc));
    let entries = lint(&doc, &ws).by_uri[&doc.uri].clone();
    let mut layouts = Layouts::default();
    let mut seen = Vec::new();
    for e in entries.iter().filter(|e| e.id == Some("privileged")) {
        let actions = code_actions(
            &[e],
            e.diagnostic.range,
            &[],
            None,
            Encoding::Utf8,
            &mut layouts,
        );
        let Some(CodeActionOrCommand::CodeAction(a)) = actions.iter().find(
            |a| matches!(a, CodeActionOrCommand::CodeAction(a) if a.title.starts_with("Suppress")),
        ) else {
            panic!("no suppression for {:?}", e.diagnostic.message);
        };
        let edits: Vec<&TextEdit> = a
            .edit
            .as_ref()
            .unwrap()
            .changes
            .iter()
            .flatten()
            .flat_map(|(_, v)| v)
            .collect();
        let edited = apply_utf8(text, &edits.into_iter().cloned().collect::<Vec<_>>());
        seen.push((a.title.clone(), edited));
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            (
                "Suppress `privileged` for service `builder` (line 6 of compose.yaml)".to_string(),
                text.replacen(
                    "    <<: *defaults\n",
                    "    <<: *defaults  # dockmaster: ignore[privileged]\n",
                    1
                ),
            ),
            (
                "Suppress `privileged` for service `worker` (line 9 of compose.yaml)".to_string(),
                text.replace(
                    "    <<: *defaults\n    image: busybox",
                    "    <<: *defaults  # dockmaster: ignore[privileged]\n    image: busybox"
                ),
            ),
        ]
    );
}
