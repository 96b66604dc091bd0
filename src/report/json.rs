//! `--format json`: dockmaster's own versioned JSON document.
//!
//! The schema is `docs/json-format.schema.json`, described in
//! `docs/json-format.md`. Version 1: fields may be added; removing or
//! changing one bumps `version`.

use serde::Serialize;

use crate::diag::Applicability;
use crate::report::fingerprint::content_fingerprints;
use crate::report::{Item, Range, Report, RuleDocUrl};
use crate::span::Span;

/// The `version` this module writes.
pub const SCHEMA_VERSION: u32 = 1;

#[cfg(test)]
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    findings: Findings<'a>,
    summary: Summary,
    errors: &'a [String],
}

#[cfg(test)]
/// The findings, serialized one by one as they are built (no list of them
/// is kept).
struct Findings<'a> {
    report: &'a Report,
    fingerprints: &'a [String],
}

#[cfg(test)]
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

#[cfg(test)]
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

#[cfg(test)]
#[derive(Serialize)]
struct Summary {
    findings: usize,
    by_severity: BySeverity,
    files: usize,
}

#[cfg(test)]
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
    let text = write::document(report, &fingerprints, BYTES_PER_FINDING);
    if out.is_empty() {
        *out = text;
    } else {
        out.push_str(&text);
    }
}

/// The document written directly, as `serde_json::to_writer_pretty` writes
/// the structures above (two spaces of indentation, `": "` after keys,
/// `null` for an absent value, `[]` for an empty list), then a line break.
/// serde_json escaped every string byte by byte and indented every key
/// through its formatter: two thirds of the rendering. A test compares the
/// two on the fixtures, the corpus and the sample report.
mod write {
    use super::{Finding, Location, Pos, SCHEMA_VERSION};
    use crate::diag::Severity;
    use crate::report::{HOMEPAGE, Report, TOOL_NAME, VERSION, push_doc_url};

    /// A JSON text being written: where each open object or list is, and
    /// whether it has a member yet.
    struct Writer {
        out: String,
        /// Per open object or list: whether a member was written.
        open: Vec<bool>,
    }

    /// A line break and the indentation of the deepest level the document
    /// reaches (a fix's edit's position: five levels).
    const NEWLINE: &str = "\n                                ";

    impl Writer {
        fn newline(&mut self) {
            let indent = 2 * self.open.len();
            match NEWLINE.get(..1 + indent) {
                Some(line) => self.out.push_str(line),
                None => {
                    self.out.push_str(NEWLINE);
                    self.out
                        .extend(std::iter::repeat_n(' ', 1 + indent - NEWLINE.len()));
                }
            }
        }

        /// Before a member of the innermost object or list.
        fn member(&mut self) {
            if let Some(has) = self.open.last_mut() {
                if *has {
                    self.out.push(',');
                }
                *has = true;
            }
            self.newline();
        }

        fn begin(&mut self, bracket: char) {
            self.out.push(bracket);
            self.open.push(false);
        }

        fn end(&mut self, bracket: char) {
            if self.open.pop() == Some(true) {
                self.newline();
            }
            self.out.push(bracket);
        }

        fn key(&mut self, key: &str) {
            self.member();
            self.out.push('"');
            self.out.push_str(key);
            self.out.push('"');
            self.out.push(':');
            self.out.push(' ');
        }

        fn str(&mut self, key: &str, value: &str) {
            self.key(key);
            string(&mut self.out, value);
        }

        fn opt_str(&mut self, key: &str, value: Option<&str>) {
            match value {
                Some(v) => self.str(key, v),
                None => {
                    self.key(key);
                    self.out.push_str("null");
                }
            }
        }

        fn num(&mut self, key: &str, value: usize) {
            self.key(key);
            crate::util::push_decimal(&mut self.out, value);
        }

        fn pos(&mut self, key: &str, p: &Pos) {
            self.key(key);
            self.begin('{');
            self.num("line", p.line);
            self.num("column", p.column);
            self.num("offset", p.offset);
            self.end('}');
        }

        /// The members a location and an edit share.
        fn place(&mut self, file: &str, start: &Pos, end: &Pos) {
            self.str("file", file);
            self.pos("start", start);
            self.pos("end", end);
        }

        fn location(&mut self, l: &Location<'_>) {
            self.begin('{');
            self.place(l.file, &l.start, &l.end);
            self.opt_str("message", l.message);
            self.end('}');
        }

        fn finding(&mut self, f: &Finding<'_>) {
            self.begin('{');
            self.str("rule", f.rule);
            self.str("severity", f.severity);
            self.str("category", f.category);
            self.str("message", f.message);
            self.opt_str("help", f.help);
            self.key("docs");
            self.out.push('"');
            // A rule id and the homepage need no escaping (checked by the
            // test that compares this writer with serde_json).
            push_doc_url(&mut self.out, f.docs.0);
            self.out.push('"');
            self.str("fingerprint", f.fingerprint);
            self.key("location");
            self.location(&f.location);
            self.key("related");
            self.begin('[');
            for l in &f.related {
                self.member();
                self.location(l);
            }
            self.end(']');
            self.key("fix");
            match &f.fix {
                None => self.out.push_str("null"),
                Some(fix) => {
                    self.begin('{');
                    self.str("title", fix.title);
                    self.str("applicability", fix.applicability);
                    self.key("edits");
                    self.begin('[');
                    for e in &fix.edits {
                        self.member();
                        self.begin('{');
                        self.place(e.file, &e.start, &e.end);
                        self.str("replacement", e.replacement);
                        self.end('}');
                    }
                    self.end(']');
                    self.end('}');
                }
            }
            self.end('}');
        }
    }

    /// A JSON string as serde_json writes it: `"` and `\\` escaped, the
    /// short escapes for backspace, form feed, line feed, carriage return
    /// and tab, `\u00XX` (lower-case hex) for the other control characters;
    /// everything else, DEL and non-ASCII included, as it is. Runs of
    /// plain bytes are copied at once.
    fn string(out: &mut String, s: &str) {
        /// Whether serde_json escapes this byte.
        fn escaped(c: u8) -> bool {
            c < 0x20 || c == b'"' || c == b'\\'
        }
        const BLOCK: usize = 16;
        out.push('"');
        let b = s.as_bytes();
        let (mut start, mut i) = (0, 0);
        while i < b.len() {
            // Most text has nothing to escape: a block of bytes is tested
            // at once, without an early exit (which the compiler
            // vectorises).
            if let Some(block) = b.get(i..i + BLOCK)
                && !block.iter().fold(false, |any, &c| any | escaped(c))
            {
                i += BLOCK;
                continue;
            }
            let c = b[i];
            if escaped(c) {
                out.push_str(&s[start..i]);
                match c {
                    b'"' => out.push_str("\\\""),
                    b'\\' => out.push_str("\\\\"),
                    b'\n' => out.push_str("\\n"),
                    b'\r' => out.push_str("\\r"),
                    b'\t' => out.push_str("\\t"),
                    0x08 => out.push_str("\\b"),
                    0x0c => out.push_str("\\f"),
                    _ => {
                        const HEX: &[u8; 16] = b"0123456789abcdef";
                        out.push_str("\\u00");
                        out.push(char::from(HEX[usize::from(c >> 4)]));
                        out.push(char::from(HEX[usize::from(c & 0xf)]));
                    }
                }
                start = i + 1;
            }
            i += 1;
        }
        out.push_str(&s[start..]);
        out.push('"');
    }

    pub(super) fn document(report: &Report, fingerprints: &[String], per_finding: usize) -> String {
        let mut w = Writer {
            out: String::with_capacity(1024 + report.items.len() * per_finding),
            open: Vec::new(),
        };
        w.begin('{');
        w.num("version", SCHEMA_VERSION as usize);
        w.key("tool");
        w.begin('{');
        w.str("name", TOOL_NAME);
        w.str("version", VERSION);
        w.str("homepage", HOMEPAGE);
        w.end('}');
        w.key("findings");
        w.begin('[');
        for (item, fingerprint) in report.items.iter().zip(fingerprints) {
            w.member();
            w.finding(&super::finding(item, fingerprint));
        }
        w.end(']');
        w.key("summary");
        w.begin('{');
        w.num("findings", report.items.len());
        w.key("by_severity");
        w.begin('{');
        w.num("error", report.count(Severity::Error));
        w.num("warning", report.count(Severity::Warning));
        w.num("info", report.count(Severity::Info));
        w.end('}');
        w.num("files", report.files);
        w.end('}');
        w.key("errors");
        w.begin('[');
        for e in &report.errors {
            w.member();
            string(&mut w.out, e);
        }
        w.end(']');
        w.end('}');
        w.out.push('\n');
        w.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;
    use crate::report::testing::sample_report;
    use crate::report::{HOMEPAGE, TOOL_NAME, VERSION};

    /// The document as serde_json writes the structures: what
    /// [`write::document`] replaces.
    fn with_serde(report: &Report) -> String {
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
        let mut text = serde_json::to_string_pretty(&doc).expect("JSON serialization");
        text.push('\n');
        text
    }

    fn render(report: &Report) -> String {
        let mut out = String::new();
        super::render(report, &mut out);
        out
    }

    #[test]
    fn the_writer_is_serde_jsons_pretty_printer() {
        let mut report = sample_report();
        report.errors = vec![
            "a \"quoted\" \\ path\twith\ncontrol \u{1} \u{1f} \u{7f} and é 漢 \r\u{8}\u{c}"
                .to_string(),
            String::new(),
        ];
        // Escapes before, inside and after whole blocks of plain bytes.
        for n in 0..40 {
            let plain = "x".repeat(n);
            report.errors.push(format!("{plain}\"{plain}\u{1}"));
            report.errors.push(format!("é{plain}\\"));
        }
        assert_eq!(render(&report), with_serde(&report));
        assert_eq!(render(&Report::default()), with_serde(&Report::default()));
    }

    #[test]
    fn the_writer_agrees_with_serde_json_on_the_fixtures_and_the_corpus() {
        let report = crate::report::testing::fixtures_and_corpus_report();
        assert!(report.items.len() > 100, "{} findings", report.items.len());
        assert!(report.items.iter().any(|i| i.diag.fix.is_some()));
        assert!(report.items.iter().any(|i| !i.diag.related.is_empty()));
        let (ours, theirs) = (render(&report), with_serde(&report));
        if ours != theirs {
            let at = ours
                .bytes()
                .zip(theirs.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(ours.len().min(theirs.len()));
            let from = at.saturating_sub(200);
            panic!(
                "differ at byte {at}:\nours:   {}\ntheirs: {}",
                &ours[from..(at + 200).min(ours.len())],
                &theirs[from..(at + 200).min(theirs.len())]
            );
        }
    }

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
