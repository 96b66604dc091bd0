//! `--format human`: each finding rendered by miette with the offending text,
//! the primary label at the exact span, secondary labels (the merge site, the
//! first definition...), the help and the rule's documentation reference;
//! then a summary line.
//!
//! miette's own `SourceCode` for strings rescans the file from the start for
//! every label; [`IndexedSource`] answers from the file's line index instead,
//! so rendering stays linear in the number of findings.

use std::fmt;
use std::sync::Arc;

use rayon::prelude::*;

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::diag::Severity;
use crate::report::{Item, Report, display_path};
use crate::source::SourceFile;

/// A source file answering miette's span queries from its line index.
#[derive(Clone)]
pub struct IndexedSource {
    file: Arc<SourceFile>,
    name: String,
}

impl IndexedSource {
    pub fn new(file: Arc<SourceFile>) -> IndexedSource {
        let name = display_path(&file.path);
        IndexedSource { file, name }
    }
}

impl fmt::Debug for IndexedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IndexedSource")
            .field("name", &self.name)
            .finish()
    }
}

impl SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text: &str = &self.file.text;
        let lines = &self.file.lines;
        let start = span.offset();
        let end = start + span.len();
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first_line = lines.line_of(start);
        let last_line = lines.line_of(if span.is_empty() { start } else { end - 1 });
        let ctx_first = first_line.saturating_sub(context_lines_before);
        let ctx_last = (last_line + context_lines_after).min(lines.line_count() - 1);
        let (data_start, column) = if context_lines_before == 0 {
            // miette shows this column in the snippet header: count
            // characters, as every other output does.
            let line_start = lines.line_start(first_line).min(start);
            (start, text[line_start..start].chars().count())
        } else {
            (lines.line_start(ctx_first), 0)
        };
        let data_end = lines.line_start(ctx_last + 1).min(text.len());
        let data_end = data_end.max(end);
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            if context_lines_before == 0 {
                first_line
            } else {
                ctx_first
            },
            column,
            ctx_last + 1,
        )))
    }
}

/// One diagnostic as miette sees it.
struct Rendered {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: IndexedSource,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered>,
}

impl fmt::Debug for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl MietteDiagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn MietteDiagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn MietteDiagnostic),
            ))
        }
    }
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

fn span(s: crate::span::Span) -> SourceSpan {
    (s.start as usize, s.len()).into()
}

fn to_miette(item: &Item) -> Rendered {
    let d = &item.diag;
    let file = item.file().clone();
    let primary_file = d.primary.span.file;
    let label_text = |m: &str| {
        if m.is_empty() {
            None
        } else {
            Some(m.to_string())
        }
    };
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        label_text(&d.primary.message),
        span(d.primary.span),
    )];
    let mut related = Vec::new();
    for l in &d.related {
        if l.span.file == primary_file {
            labels.push(LabeledSpan::new_with_span(
                label_text(&l.message),
                span(l.span),
            ));
        } else {
            // A label in another file gets a note of its own, with that
            // file's source.
            let other = item.sources.get(l.span.file).clone();
            related.push(Rendered {
                message: format!("{} ({})", l.message, display_path(&other.path)),
                code: String::new(),
                severity: miette::Severity::Advice,
                help: None,
                source: IndexedSource::new(other),
                labels: vec![LabeledSpan::new_primary_with_span(None, span(l.span))],
                related: Vec::new(),
            });
        }
    }
    let docs = format!(
        "run `dockmaster explain {}` for the rule's documentation",
        d.rule
    );
    let help = match &d.help {
        Some(h) => format!("{h}\n{docs}"),
        None => docs,
    };
    Rendered {
        message: d.message.clone(),
        code: format!("{}[{}]", d.severity, d.rule),
        severity: miette_severity(d.severity),
        help: Some(help),
        source: IndexedSource::new(file),
        labels,
        related,
    }
}

/// Render configuration errors (no summary line).
pub fn render_errors(report: &Report, color: bool, width: usize, out: &mut String) {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_urls(false)
        .with_width(width)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_break_words(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_context_lines(1);
    for item in &report.items {
        let mut rendered = to_miette(item);
        rendered.code = "error[config]".to_string();
        rendered.help = item.diag.help.clone();
        if handler.render_report(out, &rendered).is_err() {
            out.push_str(&format!("{}: {}\n", item.path(), item.diag.message));
        }
        out.push('\n');
    }
}

/// Render a report for people. `color` decides ANSI styling.
pub fn render(report: &Report, color: bool, width: usize, out: &mut String) {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_urls(false)
        .with_width(width)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_break_words(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_context_lines(1);
    // Findings are rendered independently, in parallel, and joined in
    // the report's order.
    let parts: Vec<String> = report
        .items
        .par_iter()
        .map(|item| {
            let mut out = String::new();
            let rendered = to_miette(item);
            if handler.render_report(&mut out, &rendered).is_err() {
                // A label outside the text (never expected): fall back to the
                // compact line, so nothing is lost.
                let (line, col) = item.start();
                out.push_str(&format!(
                    "{}:{line}:{col}: {}[{}]: {}\n",
                    item.path(),
                    item.diag.severity,
                    item.diag.rule,
                    item.diag.message
                ));
            }
            out.push('\n');
            out
        })
        .collect();
    out.reserve(parts.iter().map(String::len).sum::<usize>() + 100);
    for p in parts {
        out.push_str(&p);
    }
    out.push_str(&report.summary());
    out.push('\n');
}
