//! `obsolete-version`: a top-level `version` key, which Compose ignores
//! with a warning. Each file and each document is reported on its own, as
//! Compose warns once per file. The fix deletes the `version` entry's
//! line(s) and nothing else.

use crate::diag::{Edit, Finding, Fix};
use crate::model::Project;
use crate::rules::{Context, edits};
use crate::span::Span;

crate::declare_rule! {
    id: "obsolete-version",
    category: Operability,
    production: Warning,
    development: Warning,
    fixable: Safe,
    summary: "A top-level `version` key, which Compose ignores",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for file in &cx.project.files {
        for &(key, value) in &file.versions {
            let text = cx.project.sources.get(key.file).text.get(value.range());
            let shown = text.filter(|t| !t.is_empty() && !t.contains('\n'));
            let message = match shown {
                Some(v) => format!("the top-level `version: {v}` is obsolete: Compose ignores it"),
                None => "the top-level `version` is obsolete: Compose ignores it".to_string(),
            };
            let mut f = Finding::new(RULE.id, key, message)
                .label("obsolete since Compose v2")
                .help("delete the line: Compose reads every file with the latest Compose specification and only warns `the attribute `version` is obsolete`");
            f = f.fix(cx.fix(|| {
                let span = deletable(cx.project, key, value)?;
                Some(Fix::safe(
                    "delete the `version` line",
                    vec![Edit {
                        span,
                        replacement: String::new(),
                    }],
                ))
            }));
            out.push(f);
        }
    }
}

/// The lines of a top-level `version: value` entry, when they hold nothing
/// else: the key starts its line, only `:` and blanks separate key and value
/// (no anchor, tag or comment), and only blanks or a comment follow the
/// value. Anything else (a flow mapping on one line, an anchored value that
/// an alias may use, an indented root) gets no fix.
fn deletable(project: &Project, key: Span, value: Span) -> Option<Span> {
    let text = &project.sources.get(key.file).text;
    if key.file != value.file || value.start < key.end {
        return None;
    }
    if edits::column(project, key) != 0 {
        return None;
    }
    let between = text.get(key.end as usize..value.start as usize)?;
    let between = between.trim_start_matches([' ', '\t']);
    if !between.starts_with(':') || !between[1..].trim().is_empty() {
        return None;
    }
    let last = edits::line_text(
        project,
        Span::new(value.file, value.end as usize, value.end as usize),
    );
    let line_start = edits::whole_line(
        project,
        Span::new(value.file, value.end as usize, value.end as usize),
    )
    .start;
    let after = text.get(value.end as usize..line_start as usize + last.len())?;
    let after = after.trim_start_matches([' ', '\t']);
    if !(after.is_empty() || after.starts_with('#')) {
        return None;
    }
    Some(edits::lines_between(project, key, value))
}

#[cfg(test)]
mod tests {
    use crate::load::{Input, Limits, load_project};
    use crate::rules::{Preset, Settings, edits, run};

    /// The text after applying the rule's fixes, and the number of findings.
    fn fixed(text: &str) -> (String, usize) {
        let loaded = load_project(
            &[Input::text("compose.yaml", text.as_bytes().to_vec())],
            &Limits::default(),
        )
        .unwrap();
        let project = crate::model::build(loaded);
        let diags = run(
            &project,
            &Settings::only(Preset::Production, &[super::RULE.id]),
        );
        let all: Vec<_> = diags
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .flat_map(|f| f.edits.clone())
            .collect();
        (edits::apply(text, &all).0, diags.len())
    }

    #[test]
    fn the_fix_deletes_exactly_the_entry() {
        assert_eq!(
            fixed("version: '3.8' # old\nservices:\n  web:\n    image: nginx:1.27\n"),
            ("services:\n  web:\n    image: nginx:1.27\n".to_string(), 1)
        );
        assert_eq!(
            fixed(
                "services:\r\n  web:\r\n    image: a:1\r\nversion: \"3\"\r\nvolumes:\r\n  d:\r\n"
            ),
            (
                "services:\r\n  web:\r\n    image: a:1\r\nvolumes:\r\n  d:\r\n".to_string(),
                1
            )
        );
        // The value on the next line goes with the key.
        assert_eq!(
            fixed("version:\n  \"3\"\nservices: {}\n"),
            ("services: {}\n".to_string(), 1)
        );
        // At the end of a file without a final line break.
        assert_eq!(
            fixed("services: {}\nversion: '3'"),
            ("services: {}\n".to_string(), 1)
        );
    }

    #[test]
    fn no_fix_when_the_line_holds_more() {
        for text in [
            "{version: \"3\", services: {}}\n",
            "version: &v \"3\"\nx-v: *v\nservices: {}\n",
            "version: !!str 3\nservices: {}\n",
        ] {
            let (out, n) = fixed(text);
            assert_eq!(n, 1, "{text}");
            assert_eq!(out, text, "{text}");
        }
    }

    #[test]
    fn nested_versions_are_not_reported() {
        let (out, n) = fixed("x-meta:\n  version: 1.4.2\nservices: {}\n");
        assert_eq!(
            (out.as_str(), n),
            ("x-meta:\n  version: 1.4.2\nservices: {}\n", 0)
        );
    }
}
