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

/// The width of miette's indentation before a message (`  × `) and before
/// a help (`  help: `).
const MESSAGE_INDENT: usize = 4;
const HELP_INDENT: usize = 8;

/// Wrap `text` to `width` columns exactly as textwrap does with the options
/// the handler gives miette (words at ASCII spaces, never split nor broken,
/// first fit, the trailing spaces of each line dropped), without its
/// allocations per word: textwrap took a third of rendering. `None` when a
/// line is blank: miette indents blank lines differently when it does not
/// wrap, so such a text is left to miette's own wrapping.
fn prewrap(text: &str, width: usize) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 16);
    for (n, line) in text.split('\n').enumerate() {
        if line.trim().is_empty() {
            return None;
        }
        if n > 0 {
            out.push('\n');
        }
        // The current output line: where it starts, where its last word
        // ends, and its width so far (words and the spaces after them).
        let (mut start, mut end, mut used) = (0, 0, 0);
        let mut words = 0;
        let mut i = 0;
        while i < line.len() {
            let word_end = line[i..].find(' ').map_or(line.len(), |k| i + k);
            let space_end = line[word_end..]
                .find(|c| c != ' ')
                .map_or(line.len(), |k| word_end + k);
            let word = &line[i..word_end];
            let w = if word.bytes().all(|b| (0x20..0x7f).contains(&b)) {
                word.len()
            } else {
                textwrap::core::display_width(word)
            };
            if used + w > width && words > 0 {
                out.push_str(&line[start..end]);
                out.push('\n');
                (start, used, words) = (i, 0, 0);
            }
            used += w + (space_end - word_end);
            end = word_end;
            words += 1;
            i = space_end;
        }
        out.push_str(&line[start..end]);
    }
    Some(out)
}

/// The message, help and related messages of a finding wrapped for a
/// handler that does not wrap, and `true`; or the finding unchanged and
/// `false` (see [`prewrap`]).
fn prewrapped(mut rendered: Rendered, width: usize) -> (Rendered, bool) {
    let text_width = width.saturating_sub(2);
    let message = prewrap(&rendered.message, text_width.saturating_sub(MESSAGE_INDENT));
    let help = match &rendered.help {
        Some(h) => prewrap(h, text_width.saturating_sub(HELP_INDENT)).map(Some),
        None => Some(None),
    };
    let related: Option<Vec<String>> = rendered
        .related
        .iter()
        .map(|r| {
            r.help
                .is_none()
                .then(|| prewrap(&r.message, text_width.saturating_sub(MESSAGE_INDENT)))
                .flatten()
        })
        .collect();
    match (message, help, related) {
        (Some(m), Some(h), Some(rel)) => {
            rendered.message = m;
            rendered.help = h;
            for (r, m) in rendered.related.iter_mut().zip(rel) {
                r.message = m;
            }
            (rendered, true)
        }
        _ => (rendered, false),
    }
}

/// Render a report for people. `color` decides ANSI styling.
pub fn render(report: &Report, color: bool, width: usize, out: &mut String) {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let wrapping = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_urls(false)
        .with_width(width)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_break_words(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_context_lines(1);
    // The same output, the texts wrapped beforehand by `prewrap`.
    let prewrapping = wrapping.clone().with_wrap_lines(false);
    // Findings are rendered independently, in parallel, and joined in
    // the report's order.
    let parts: Vec<String> = report
        .items
        .par_iter()
        .map(|item| {
            let mut out = String::new();
            let (rendered, done) = prewrapped(to_miette(item), width);
            let handler = if done { &prewrapping } else { &wrapping };
            let result = handler.render_report(&mut out, &rendered);
            if result.is_err() {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What miette prints for a text it does not wrap (`wrap_lines(false)`).
    fn indent_unwrapped(text: &str, first: &str, rest: &str) -> String {
        text.split_terminator('\n')
            .enumerate()
            .map(|(i, l)| format!("{}{l}", if i == 0 { first } else { rest }))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn textwrap_fill(text: &str, width: usize, first: &str, rest: &str) -> String {
        let opts = textwrap::Options::new(width)
            .initial_indent(first)
            .subsequent_indent(rest)
            .break_words(false)
            .word_separator(textwrap::WordSeparator::AsciiSpace)
            .word_splitter(textwrap::WordSplitter::NoHyphenation);
        textwrap::fill(text, opts)
    }

    fn agrees(text: &str, width: usize) -> Result<(), TestCaseError> {
        for (first, rest) in [("  × ", "  │ "), ("  help: ", "        "), ("  ☞ ", "  │ ")] {
            let indent = textwrap::core::display_width(first);
            let ours = prewrap(text, width.saturating_sub(indent))
                .map(|t| indent_unwrapped(&t, first, rest));
            if let Some(ours) = ours {
                prop_assert_eq!(ours, textwrap_fill(text, width, first, rest), "{:?}", text);
            } else {
                prop_assert!(text.split('\n').any(|l| l.trim().is_empty()));
            }
        }
        Ok(())
    }

    #[test]
    fn prewrap_agrees_with_textwrap_on_messages() {
        agrees("service `web` logs with Docker's default `json-file` driver without `max-size`, so its log grows without bound", 98).unwrap();
        agrees("a\nb c  d   \n  e", 3).unwrap();
        assert_eq!(prewrap("a\n\nb", 10), None);
    }

    proptest! {
        #[test]
        fn prewrap_agrees_with_textwrap(
            parts in proptest::collection::vec(
                prop_oneof![
                    6 => "[a-z`_./:-]{1,12}",
                    3 => Just(" ".to_string()),
                    1 => Just("  ".to_string()),
                    1 => Just("\n".to_string()),
                    1 => "[é漢字\u{301}\t]{1,3}",
                    1 => "[a-z]{20,40}",
                ],
                0..40,
            ),
            width in 0usize..60,
        ) {
            agrees(&parts.concat(), width)?;
        }
    }
}
