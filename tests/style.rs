//! The style rules beyond their fixtures: the exact text of fixes (line
//! breaks, the end of the file), the labels of ordering findings, and every
//! rule with its fixes applied over the corpus (skipped with a notice when
//! the corpus is absent), whose counts `docs/corpus-findings-style.md`
//! records.

mod common;

use std::collections::HashMap;
use std::path::Path;

use dockmaster::diag::Diagnostic;
use dockmaster::load::{Input, Limits, Value, ValueKind, load_project};
use dockmaster::rules::{self, Category, OptionValue, Preset, RuleOptions, Settings};

fn style_rules() -> Vec<&'static rules::Rule> {
    rules::ALL
        .iter()
        .copied()
        .filter(|r| r.category == Category::Style)
        .collect()
}

/// The effective value of a file, written so that the order of entries and
/// items does not count and a scalar counts by its text: what every fix of
/// a style rule must keep.
fn canonical(path: &Path, drop_name: bool) -> String {
    fn canon(v: &Value, top: bool, drop_name: bool) -> String {
        match &v.kind {
            ValueKind::Scalar(s) => format!("{:?}", s.text),
            ValueKind::Seq(items) => {
                let mut items: Vec<String> = items.iter().map(|i| canon(i, false, false)).collect();
                items.sort();
                format!("[{}]", items.join(","))
            }
            ValueKind::Map(m) => {
                let mut entries: Vec<String> = m
                    .entries
                    .iter()
                    .filter(|e| !(top && drop_name && &*e.key.text == "name"))
                    .map(|e| format!("{:?}:{}", e.key.text, canon(&e.value, false, false)))
                    .collect();
                entries.sort();
                format!("{{{}}}", entries.join(","))
            }
            ValueKind::Invalid => "!".to_string(),
        }
    }
    let loaded = load_project(&[Input::file(path)], &Limits::default()).unwrap();
    loaded
        .root
        .as_ref()
        .map_or_else(String::new, |r| canon(r, true, drop_name))
}

fn lint(input: Input, ids: &[&'static str], options: Option<RuleOptions>) -> Vec<Diagnostic> {
    let loaded = load_project(&[input], &Limits::default()).unwrap();
    let project = dockmaster::model::build(loaded);
    let mut settings = Settings::only(Preset::Production, ids);
    if let Some(o) = options {
        settings.options.push((ids[0], o));
    }
    rules::run(&project, &settings)
}

/// Findings of one rule on a text, and the text with their fixes applied.
fn fixed(rule: &str, path: &str, text: &str) -> (Vec<Diagnostic>, String) {
    let rule = rules::find(rule).unwrap();
    let diags = lint(
        Input::text(path, text.as_bytes().to_vec()),
        &[rule.id],
        None,
    );
    let edits: Vec<_> = diags
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| f.edits.clone())
        .collect();
    let (out, applied) = rules::edits::apply(text, &edits);
    assert_eq!(applied, edits.len(), "overlapping edits");
    (diags, out)
}

#[test]
fn reordering_keeps_line_breaks_and_the_end_of_the_file() {
    let (_, out) = fixed(
        "services-order",
        "compose.yaml",
        "services:\r\n  web:\r\n    image: nginx:1.27\r\n\r\n  # data\r\n  db:\r\n    image: postgres:16.4\r\n",
    );
    assert_eq!(
        out,
        "services:\r\n  # data\r\n  db:\r\n    image: postgres:16.4\r\n\r\n  web:\r\n    image: nginx:1.27\r\n"
    );
    let (_, out) = fixed(
        "services-order",
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n  db:\n    image: postgres:16.4",
    );
    assert_eq!(
        out,
        "services:\n  db:\n    image: postgres:16.4\n  web:\n    image: nginx:1.27\n"
            .trim_end_matches('\n')
    );
    // Only the entries that move are rewritten.
    let (diags, _) = fixed(
        "ports-order",
        "compose.yaml",
        "services:\n  web:\n    ports:\n      - \"80:80\"\n      - \"90:90\"\n      - \"85:85\"\n      - \"99:99\"\n",
    );
    let edit = &diags[0].fix.as_ref().unwrap().edits[0];
    assert_eq!(edit.replacement, "      - \"85:85\"\n      - \"90:90\"\n");
}

#[test]
fn a_deeper_comment_after_the_last_entry_moves_with_it() {
    let (_, out) = fixed(
        "services-order",
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n  db:\n    image: postgres:16.4\n    # ports:\n    #   - \"5432:5432\"\n# a comment about the file's end\n",
    );
    assert_eq!(
        out,
        "services:\n  db:\n    image: postgres:16.4\n    # ports:\n    #   - \"5432:5432\"\n  web:\n    image: nginx:1.27\n# a comment about the file's end\n"
    );
}

#[test]
fn a_file_header_stays_at_the_top() {
    let (_, out) = fixed(
        "top-level-order",
        "compose.yaml",
        "# My stack\nvolumes:\n  data: {}\nservices:\n  web:\n    image: nginx:1.27\n",
    );
    assert_eq!(
        out,
        "# My stack\nservices:\n  web:\n    image: nginx:1.27\nvolumes:\n  data: {}\n"
    );
}

#[test]
fn entries_that_do_not_start_their_line_are_not_moved() {
    // The first key shares its line with the sequence's dash.
    let text = "services:\n  web:\n    ports:\n      - target: 80\n        published: 8080\n    image: nginx:1.27\n";
    let (diags, out) = fixed("service-keys-order", "compose.yaml", text);
    assert_eq!(diags.len(), 1);
    assert_eq!(
        out.replace("    image: nginx:1.27\n", ""),
        text.replace("    image: nginx:1.27\n", "").as_str()
    );
    let text = "services:\n  web:\n    depends_on:\n      -\n        db\n      -\n        api\n";
    let (diags, out) = fixed("depends-on-order", "compose.yaml", text);
    assert_eq!(diags.len(), 1);
    assert!(diags[0].fix.is_none());
    assert!(
        diags[0]
            .help
            .as_deref()
            .unwrap()
            .contains("No automatic fix: an entry does not start its own line")
    );
    assert_eq!(out, text);
}

#[test]
fn entries_move_with_their_anchors_block_scalars_and_unindented_items() {
    // Items at the parent key's column, one carrying an anchor.
    let (_, out) = fixed(
        "ports-order",
        "compose.yaml",
        "services:\n  web:\n    ports:\n    - &https \"443:443\"\n    - \"80:80\"\n    image: nginx:1.27\n",
    );
    assert_eq!(
        out,
        "services:\n  web:\n    ports:\n    - \"80:80\"\n    - &https \"443:443\"\n    image: nginx:1.27\n"
    );
    // A literal block moves whole, its blank line inside included.
    let (_, out) = fixed(
        "service-keys-order",
        "compose.yaml",
        "services:\n  web:\n    command: |\n      a\n\n      b\n    image: x:1\n",
    );
    assert_eq!(
        out,
        "services:\n  web:\n    image: x:1\n    command: |\n      a\n\n      b\n"
    );
}

#[test]
fn an_anchor_name_used_twice_blocks_the_fix() {
    // `*a` in `web` refers to the second `&a`; moving `db` above `web`
    // would not change that, but moving entries across a redefined anchor
    // is refused rather than reasoned about.
    let text = "x-a: &a {restart: always}\nservices:\n  web:\n    <<: *a\n    image: w:1\n  db:\n    labels: &a {k: v}\n    image: d:1\n";
    let (diags, out) = fixed("services-order", "compose.yaml", text);
    assert_eq!(diags.len(), 1);
    assert!(diags[0].fix.is_none());
    assert_eq!(out, text);
}

#[test]
fn two_merge_keys_block_the_fix() {
    let text = "x-a: &a {restart: always}\nx-b: &b {user: root}\nservices:\n  web:\n    <<: *a\n    ports: [\"80:80\"]\n    <<: *b\n    image: w:1\n";
    let (diags, out) = fixed("service-keys-order", "compose.yaml", text);
    assert_eq!(diags.len(), 1);
    assert!(
        diags[0]
            .help
            .as_deref()
            .unwrap()
            .contains("two `<<` merge keys")
    );
    assert_eq!(out, text);
}

#[test]
fn each_file_of_a_merged_project_is_judged_on_its_own() {
    let loaded = load_project(
        &[
            Input::text(
                "compose.yaml",
                b"services:\n  api:\n    image: a:1\n  web:\n    image: w:1\n".to_vec(),
            ),
            Input::text(
                "compose.override.yaml",
                b"services:\n  web:\n    ports: [\"80:80\"]\n  cache:\n    image: r:1\n".to_vec(),
            ),
        ],
        &Limits::default(),
    )
    .unwrap();
    let project = dockmaster::model::build(loaded);
    let diags = rules::run(
        &project,
        &Settings::only(Preset::Production, &["services-order"]),
    );
    assert_eq!(diags.len(), 1);
    let file = &project.sources.get(diags[0].primary.span.file).path;
    assert_eq!(file.to_str(), Some("compose.override.yaml"));
    assert_eq!(
        diags[0].message,
        "service `cache` is out of alphabetical order: it belongs before `web`"
    );
    assert!(diags[0].fix.is_some());
}

/// Line and column (1-based) of a byte offset.
fn line_col(text: &str, offset: u32) -> (usize, usize) {
    let before = &text[..offset as usize];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

#[test]
fn ordering_findings_point_at_the_entry_and_label_where_it_belongs() {
    let text = "services:\n  api:\n    image: a:1\n  web:\n    image: w:1\n  db:\n    image: d:1\n";
    let (diags, _) = fixed("services-order", "compose.yaml", text);
    let d = &diags[0];
    assert_eq!(line_col(text, d.primary.span.start), (6, 3));
    assert_eq!(d.related.len(), 1);
    assert_eq!(line_col(text, d.related[0].span.start), (2, 3));
    assert_eq!(d.related[0].message, "`db` belongs after this");
    assert_eq!(
        d.message,
        "service `db` is out of alphabetical order: it belongs between `api` and `web`"
    );
    // Belonging first: the label is on the entry it belongs before.
    let text = "services:\n  web:\n    image: w:1\n  db:\n    image: d:1\n";
    let (diags, _) = fixed("services-order", "compose.yaml", text);
    assert_eq!(line_col(text, diags[0].related[0].span.start), (2, 3));
    assert_eq!(diags[0].related[0].message, "`db` belongs before this");
}

#[test]
fn shared_nodes_are_reported_once_where_written_with_the_merge_site() {
    let text = "x-app: &app\n  depends_on: [db, cache]\n  ports:\n    - 22:22\nservices:\n  a:\n    <<: *app\n  b:\n    <<: *app\n  cache:\n    image: r:1\n  db:\n    image: p:1\n";
    for rule in ["depends-on-order", "ports-quoted"] {
        let (diags, out) = fixed(rule, "compose.yaml", text);
        assert_eq!(diags.len(), 1, "{rule}");
        let d = &diags[0];
        assert!(d.fix.is_none(), "{rule}");
        assert_eq!(out, text);
        assert_eq!(
            line_col(text, d.related.last().unwrap().span.start),
            (7, 9),
            "{rule}"
        );
        assert_eq!(d.related.last().unwrap().message, "merged in here");
        assert!(
            d.help.as_deref().unwrap().contains("No automatic fix"),
            "{rule}"
        );
    }
}

#[test]
fn ports_quoted_reads_its_quote_option() {
    let mut single = RuleOptions::default();
    single.set("quote", OptionValue::String("single".to_string()));
    let text = "services:\n  web:\n    ports:\n      - \"80:80\"\n      - '443:443'\n      - \"${P:-8080}:80\"\n";
    let diags = lint(
        Input::text("compose.yaml", text.as_bytes().to_vec()),
        &["ports-quoted"],
        Some(single),
    );
    let fixes: Vec<&str> = diags
        .iter()
        .map(|d| d.fix.as_ref().unwrap().edits[0].replacement.as_str())
        .collect();
    assert_eq!(fixes, ["'80:80'", "'${P:-8080}:80'"]);
}

#[test]
fn project_name_fix_writes_the_directory_name() {
    let text = "# header\nx-a: &a\n  restart: always\nversion: \"3\"\n\n# the services\nservices:\n  web:\n    <<: *a\n    image: nginx:1.27\n";
    let (diags, out) = fixed("project-name", "/srv/Shop Front/compose.yaml", text);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].primary.span.start, 0);
    assert_eq!(
        diags[0].fix.as_ref().unwrap().applicability,
        dockmaster::diag::Applicability::Unsafe
    );
    insta::assert_snapshot!(out);
    // A directory whose name is a number is quoted.
    let (_, out) = fixed("project-name", "/srv/2024/compose.yaml", "services: {}\n");
    assert_eq!(out, "name: \"2024\"\nservices: {}\n");
    // A flow mapping at the top, or no key to insert before: no fix.
    for text in ["{services: {}}\n", "x-a: 1\n"] {
        let (diags, out) = fixed("project-name", "/srv/shop/compose.yaml", text);
        assert_eq!((diags.len(), out.as_str()), (1, text));
    }
}

// --- the corpus -------------------------------------------------------

/// The findings of a rule on the corpus, with and without a fix.
#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    findings: usize,
    fixed: usize,
    files: usize,
}

fn load_findings(diags: &[Diagnostic]) -> HashMap<(String, String), usize> {
    let mut out = HashMap::new();
    for d in diags {
        if matches!(d.rule, "yaml-syntax" | "duplicate-key" | "schema") {
            let message: String = d.message.chars().filter(|c| !c.is_ascii_digit()).collect();
            *out.entry((d.rule.to_string(), message)).or_default() += 1;
        }
    }
    out
}

fn non_blank_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect();
    lines.sort_unstable();
    lines
}

/// Check one rule's fixes on one file; returns its counts.
fn check_fixes(
    rule: &'static rules::Rule,
    copy: &Path,
    text: &str,
    problems: &mut Vec<String>,
) -> Counts {
    let ids = [rule.id, "yaml-syntax", "duplicate-key", "schema"];
    let before = lint(Input::file(copy), &ids, None);
    let own: Vec<&Diagnostic> = before.iter().filter(|d| d.rule == rule.id).collect();
    let edits: Vec<_> = own
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| f.edits.clone())
        .collect();
    let counts = Counts {
        findings: own.len(),
        fixed: own.iter().filter(|d| d.fix.is_some()).count(),
        files: usize::from(!own.is_empty()),
    };
    if edits.is_empty() {
        return counts;
    }
    let name = copy.display();
    let (out, applied) = rules::edits::apply(text, &edits);
    if applied != edits.len() {
        problems.push(format!("{name}: {}: overlapping edits", rule.id));
    }
    match rule.id {
        "ports-quoted" | "volumes-unquoted" => {
            let (a, b): (Vec<&str>, Vec<&str>) = (text.lines().collect(), out.lines().collect());
            let unquoted = |l: &str| l.replace(['"', '\''], "").replace("\\\\", "\\");
            if a.len() != b.len() || a.iter().zip(&b).any(|(x, y)| unquoted(x) != unquoted(y)) {
                problems.push(format!(
                    "{name}: {}: the fix changed more than quotes",
                    rule.id
                ));
            }
        }
        "project-name" => {
            let mut lines = non_blank_lines(&out);
            match lines.iter().position(|l| l.starts_with("name: ")) {
                Some(p) => {
                    lines.remove(p);
                }
                None => problems.push(format!("{name}: project-name: no `name:` line added")),
            }
            if lines != non_blank_lines(text) {
                problems.push(format!("{name}: project-name: the fix changed other lines"));
            }
        }
        _ => {
            if non_blank_lines(&out) != non_blank_lines(text) {
                problems.push(format!(
                    "{name}: {}: the lines changed, not only their order",
                    rule.id
                ));
            }
        }
    }
    let value = canonical(copy, false);
    std::fs::write(copy, &out).unwrap();
    if canonical(copy, rule.id == "project-name") != value {
        problems.push(format!(
            "{name}: {}: the fix changed the file's value",
            rule.id
        ));
    }
    let after = lint(Input::file(copy), &ids, None);
    let (was, now) = (load_findings(&before), load_findings(&after));
    for (key, n) in &now {
        if was.get(key).copied().unwrap_or(0) < *n {
            problems.push(format!(
                "{name}: {}: the fix added {}[{}]",
                rule.id, key.0, key.1
            ));
        }
    }
    let left = after.iter().filter(|d| d.rule == rule.id).count();
    if left != counts.findings - counts.fixed {
        problems.push(format!(
            "{name}: {}: {left} finding(s) after the fixes, {} had no fix",
            rule.id,
            counts.findings - counts.fixed
        ));
    }
    std::fs::write(copy, text).unwrap();
    counts
}

/// The table of `docs/corpus-findings-style.md`: rule → counts.
fn documented_counts() -> HashMap<String, Counts> {
    let doc =
        std::fs::read_to_string(common::root().join("docs/corpus-findings-style.md")).unwrap();
    let mut out = HashMap::new();
    for line in doc.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 6 || !cells[1].starts_with('`') {
            continue;
        }
        let num = |s: &str| s.parse::<usize>().ok();
        if let (Some(findings), Some(fixed), Some(files)) =
            (num(cells[2]), num(cells[3]), num(cells[4]))
        {
            out.insert(
                cells[1].trim_matches('`').to_string(),
                Counts {
                    findings,
                    fixed,
                    files,
                },
            );
        }
    }
    out
}

#[test]
fn style_fixes_on_the_corpus_keep_every_line_and_load_cleanly() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let files = common::yaml_files(&corpus);
    let tmp = tempfile::tempdir().unwrap();
    let mut copies = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let dir = tmp.path().join(format!("f{i}"));
        std::fs::create_dir(&dir).unwrap();
        let copy = dir.join(file.file_name().unwrap());
        std::fs::write(&copy, &text).unwrap();
        copies.push((copy, text));
    }
    let mut problems = Vec::new();
    let mut counts = HashMap::new();
    for rule in style_rules() {
        let mut total = Counts::default();
        for (copy, text) in &copies {
            let c = check_fixes(rule, copy, text, &mut problems);
            total.findings += c.findings;
            total.fixed += c.fixed;
            total.files += c.files;
        }
        counts.insert(rule.id.to_string(), total);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let mut table: Vec<String> = counts
        .iter()
        .map(|(r, c)| format!("| `{r}` | {} | {} | {} |", c.findings, c.fixed, c.files))
        .collect();
    table.sort();
    assert_eq!(
        documented_counts(),
        counts,
        "docs/corpus-findings-style.md is out of date; the counts are:\n{}",
        table.join("\n")
    );
}
