//! `--format json`: dockmaster's own versioned JSON document.
//!
//! The schema is `docs/json-format.schema.json`, described in
//! `docs/json-format.md`. Version 1: fields may be added; removing or
//! changing one bumps `version`.

use serde::Serialize;

use crate::diag::{Applicability, Severity};
use crate::report::fingerprint::content_fingerprints;
use crate::report::{HOMEPAGE, Item, Range, Report, RuleDocUrl, TOOL_NAME, VERSION};
use crate::span::Span;

/// The `version` this module writes.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    findings: Findings<'a>,
    summary: Summary,
    errors: &'a [String],
}

/// The findings, serialized one by one as they are built (no list of them
/// is kept).
struct Findings<'a> {
    report: &'a Report,
    fingerprints: &'a [String],
}

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.report
                .items
                .iter()
                .zip(self.fingerprints)
                .map(|(item, fingerprint)| finding(item, fingerprint)),
        )
    }
}

/// The address of a rule's document ([`RuleDocUrl`]), written into the
/// output without building it first.
struct DocsUrl(&'static str);

impl Serialize for DocsUrl {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&RuleDocUrl(self.0))
    }
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
    homepage: &'static str,
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'static str,
    severity: &'static str,
    category: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    docs: DocsUrl,
    fingerprint: &'a str,
    location: Location<'a>,
    related: Vec<Location<'a>>,
    fix: Option<Fix<'a>>,
}

#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    start: Pos,
    end: Pos,
    message: Option<&'a str>,
}

#[derive(Serialize)]
struct Pos {
    line: usize,
    column: usize,
    offset: usize,
}

#[derive(Serialize)]
struct Fix<'a> {
    title: &'a str,
    applicability: &'static str,
    edits: Vec<Edit<'a>>,
}

#[derive(Serialize)]
struct Edit<'a> {
    file: &'a str,
    start: Pos,
    end: Pos,
    replacement: &'a str,
}

#[derive(Serialize)]
struct Summary {
    findings: usize,
    by_severity: BySeverity,
    files: usize,
}

#[derive(Serialize)]
struct BySeverity {
    error: usize,
    warning: usize,
    info: usize,
}

fn positions(range: Range) -> (Pos, Pos) {
    let pos = |p: crate::report::Position| Pos {
        line: p.line,
        column: p.column,
        offset: p.offset,
    };
    (pos(range.start), pos(range.end))
}

fn location<'a>(item: &'a Item, span: Span, message: &'a str) -> Location<'a> {
    let (_, file, range) = item.locate(span);
    let (start, end) = positions(range);
    Location {
        file,
        start,
        end,
        message: (!message.is_empty()).then_some(message),
    }
}

fn finding<'a>(item: &'a Item, fingerprint: &'a str) -> Finding<'a> {
    let d = &item.diag;
    Finding {
        rule: d.rule,
        severity: d.severity.as_str(),
        category: d.category,
        message: &d.message,
        help: d.help.as_deref(),
        docs: DocsUrl(d.rule),
        fingerprint,
        location: location(item, d.primary.span, &d.primary.message),
        related: d
            .related
            .iter()
            .map(|l| location(item, l.span, &l.message))
            .collect(),
        fix: d.fix.as_ref().map(|f| Fix {
            title: &f.title,
            applicability: match f.applicability {
                Applicability::Safe => "safe",
                Applicability::Unsafe => "unsafe",
            },
            edits: f
                .edits
                .iter()
                .map(|e| {
                    let (_, file, range) = item.locate(e.span);
                    let (start, end) = positions(range);
                    Edit {
                        file,
                        start,
                        end,
                        replacement: &e.replacement,
                    }
                })
                .collect(),
        }),
    }
}

/// Bytes reserved per finding: a finding without related labels or a fix
/// takes 700 to 1,000 bytes, so that the document is rarely copied as it
/// grows.
const BYTES_PER_FINDING: usize = 1024;

pub fn render(report: &Report, out: &mut String) {
    let paths: Vec<&str> = report.items.iter().map(|i| i.file().shown_path()).collect();
    let fingerprints = content_fingerprints(report, &paths);
    let doc = Document {
        version: SCHEMA_VERSION,
        tool: Tool {
            name: TOOL_NAME,
            version: VERSION,
            homepage: HOMEPAGE,
        },
        findings: Findings {
            report,
            fingerprints: &fingerprints,
        },
        summary: Summary {
            findings: report.items.len(),
            by_severity: BySeverity {
                error: report.count(Severity::Error),
                warning: report.count(Severity::Warning),
                info: report.count(Severity::Info),
            },
            files: report.files,
        },
        errors: &report.errors,
    };
    let mut buf = Vec::with_capacity(1024 + report.items.len() * BYTES_PER_FINDING);
    serde_json::to_writer_pretty(&mut buf, &doc).expect("JSON serialization");
    buf.push(b'\n');
    let text = String::from_utf8(buf).expect("serde_json writes UTF-8");
    if out.is_empty() {
        *out = text;
    } else {
        out.push_str(&text);
    }
}

#[cfg(test)]
mod tests {
    use crate::report::testing::sample_report;

    #[test]
    fn docs_url_is_the_rule_doc_url() {
        let written = serde_json::to_string(&super::DocsUrl("log-rotation")).unwrap();
        let expected = crate::report::rule_doc_url("log-rotation");
        assert_eq!(written, format!("\"{expected}\""));
    }

    #[test]
    fn findings_with_related_labels_and_fixes() {
        let mut out = String::new();
        super::render(&sample_report(), &mut out);
        insta::assert_snapshot!(out);
    }
}
