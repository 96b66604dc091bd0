//! `--format rdjson` and `--format rdjsonl`: reviewdog's diagnostic format
//! (`reviewdog -f=rdjson` / `-f=rdjsonl`), which reviewdog posts as review
//! comments and turns fixes into suggested changes.
//!
//! `rdjson` is one `DiagnosticResult` object; `rdjsonl` is one `Diagnostic`
//! per line (each with its `source`). Positions follow reviewdog's
//! definition: 1-based lines, 1-based columns **in UTF-8 bytes**, exclusive
//! ends. Fix edits become `suggestions` when they are in the finding's file
//! (a suggestion has no path of its own). Related locations are not written:
//! reviewdog's parser rejects fields it does not know.

use serde::Serialize;

use crate::diag::Severity;
use crate::report::{HOMEPAGE, Item, Range, Report, TOOL_NAME, rule_doc_url};

#[derive(Serialize)]
struct DiagnosticResult<'a> {
    source: Source,
    diagnostics: Vec<Diagnostic<'a>>,
}

#[derive(Serialize, Clone, Copy)]
struct Source {
    name: &'static str,
    url: &'static str,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    message: String,
    location: Location,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<Source>,
    code: Code,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suggestions: Vec<Suggestion<'a>>,
}

#[derive(Serialize)]
struct Location {
    path: String,
    range: RdRange,
}

#[derive(Serialize)]
struct RdRange {
    start: RdPosition,
    end: RdPosition,
}

#[derive(Serialize)]
struct RdPosition {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Code {
    value: &'static str,
    url: String,
}

#[derive(Serialize)]
struct Suggestion<'a> {
    range: RdRange,
    text: &'a str,
}

const SOURCE: Source = Source {
    name: TOOL_NAME,
    url: HOMEPAGE,
};

fn range(r: Range) -> RdRange {
    RdRange {
        start: RdPosition {
            line: r.start.line,
            column: r.start.byte_column,
        },
        end: RdPosition {
            line: r.end.line,
            column: r.end.byte_column,
        },
    }
}

fn diagnostic(item: &Item, with_source: bool) -> Diagnostic<'_> {
    let d = &item.diag;
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let suggestions = d
        .fix
        .iter()
        .flat_map(|f| &f.edits)
        .filter(|e| e.span.file == d.primary.span.file)
        .map(|e| Suggestion {
            range: range(item.locate(e.span).2),
            text: &e.replacement,
        })
        .collect();
    Diagnostic {
        message,
        location: Location {
            path: item.path(),
            range: range(item.range()),
        },
        severity: match d.severity {
            Severity::Error => "ERROR",
            Severity::Warning => "WARNING",
            Severity::Info => "INFO",
        },
        source: with_source.then_some(SOURCE),
        code: Code {
            value: d.rule,
            url: rule_doc_url(d.rule),
        },
        suggestions,
    }
}

/// `rdjson`: one `DiagnosticResult`.
pub fn render(report: &Report, out: &mut String) {
    let result = DiagnosticResult {
        source: SOURCE,
        diagnostics: report.items.iter().map(|i| diagnostic(i, false)).collect(),
    };
    out.push_str(&serde_json::to_string_pretty(&result).expect("JSON serialization"));
    out.push('\n');
}

/// `rdjsonl`: one `Diagnostic` per line.
pub fn render_lines(report: &Report, out: &mut String) {
    for item in &report.items {
        out.push_str(&serde_json::to_string(&diagnostic(item, true)).expect("JSON serialization"));
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::sample_report;

    #[test]
    fn rdjson() {
        let mut out = String::new();
        render(&sample_report(), &mut out);
        insta::assert_snapshot!(out);
    }

    #[test]
    fn rdjsonl() {
        let mut out = String::new();
        render_lines(&sample_report(), &mut out);
        insta::assert_snapshot!(out);
        for line in out.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(v["source"]["name"], "dockmaster");
        }
    }
}
