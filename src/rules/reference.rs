//! The rule reference under `docs/rules/`: one page per rule, generated
//! from its document (`rules/<id>.md`) and metadata, and an index.
//! `tests/docs.rs` fails when the pages on disk differ from what this
//! module generates, and rewrites them with `DOCKMASTER_UPDATE_DOCS=1`.

use std::fmt::Write as _;

use super::{ALL, Category, Rule};

/// The first line of every generated page.
pub const GENERATED: &str = "<!-- Generated from rules/*.md by `DOCKMASTER_UPDATE_DOCS=1 cargo test --test docs`: edit the source, not this page. -->";

/// The file name of a rule's page under `docs/rules/`.
pub fn file_name(rule: &Rule) -> String {
    format!("{}.md", rule.id)
}

/// The body of a rule document without its `# id` heading and the
/// `<!-- example-... -->` directives the tests read.
fn body(rule: &Rule) -> String {
    let mut lines = rule.doc.lines().peekable();
    if lines.peek().is_some_and(|l| l.starts_with("# ")) {
        lines.next();
    }
    let kept: Vec<&str> = lines
        .filter(|l| !(l.starts_with("<!-- example-") && l.ends_with("-->")))
        .collect();
    kept.join("\n").trim().to_string()
}

/// One rule's page.
pub fn page(rule: &Rule) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{GENERATED}\n");
    let _ = writeln!(s, "# `{}`\n", rule.id);
    let _ = writeln!(s, "| | |\n|---|---|");
    let _ = writeln!(
        s,
        "| Category | [{0}](README.md#{0}) |",
        rule.category.as_str()
    );
    let _ = writeln!(s, "| Production preset | {} |", rule.production.as_str());
    let _ = writeln!(s, "| Development preset | {} |", rule.development.as_str());
    let _ = writeln!(s, "| Fixable | {} |", rule.fixable.as_str());
    for o in rule.options {
        let _ = writeln!(
            s,
            "| Option `{}` | {}: {} |",
            o.name,
            o.kind.describe(),
            o.help.replace('|', "\\|")
        );
    }
    let _ = writeln!(s, "\n{}\n", body(rule));
    let _ = writeln!(
        s,
        "---\n\n`dockmaster explain {}` prints this page. [All rules](README.md).",
        rule.id
    );
    s
}

/// The index of every rule, by category.
pub fn index() -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{GENERATED}\n");
    let _ = writeln!(s, "# Rules\n");
    let _ = writeln!(
        s,
        "Every rule dockmaster has, by category, with its level in each preset \
         (`off` rules run only when selected or configured) and whether \
         `--fix` can repair it. `dockmaster rules` prints the same table; \
         [configuration.md](../configuration.md) shows how to change levels.\n"
    );
    for c in Category::ALL {
        let rules: Vec<&Rule> = ALL.iter().copied().filter(|r| r.category == c).collect();
        if rules.is_empty() {
            continue;
        }
        let _ = writeln!(s, "## {}\n", c.as_str());
        let _ = writeln!(s, "| Rule | Summary | Production | Development | Fixable |");
        let _ = writeln!(s, "|---|---|---|---|---|");
        for r in rules {
            let _ = writeln!(
                s,
                "| [`{}`]({}) | {} | {} | {} | {} |",
                r.id,
                file_name(r),
                r.summary.replace('|', "\\|"),
                r.production.as_str(),
                r.development.as_str(),
                r.fixable.as_str()
            );
        }
        let _ = writeln!(s);
    }
    s
}
