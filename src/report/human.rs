//! `--format human`: each finding rendered by miette with the offending text,
//! the primary label at the exact span, secondary labels (the merge site, the
//! first definition...), the help and the rule's documentation reference;
//! then a summary line.
//!
//! miette's own `SourceCode` for strings rescans the file from the start for
//! every label; [`IndexedSource`] answers from the file's line index instead,
//! so rendering stays linear in the number of findings.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use rayon::prelude::*;

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::diag::Severity;
use crate::report::{Item, Report};
use crate::source::SourceFile;

/// A source file answering miette's span queries from its line index.
#[derive(Clone)]
pub struct IndexedSource {
    file: Arc<SourceFile>,
    name: String,
}

impl IndexedSource {
    pub fn new(file: Arc<SourceFile>) -> IndexedSource {
        let name = file.shown_path().to_owned();
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

/// The lines miette shows for the span `start..end` with `before` and
/// `after` lines of context: the span's first line, the snippet's first and
/// last lines (0-based), and where the snippet's text ends. Both
/// [`IndexedSource::read_span`] and the plain renderer read snippets
/// through it.
fn snippet(
    file: &SourceFile,
    start: usize,
    end: usize,
    before: usize,
    after: usize,
) -> (usize, usize, usize, usize) {
    let lines = &file.lines;
    let first_line = lines.line_of(start);
    let last_line = lines.line_of(if start == end { start } else { end - 1 });
    let ctx_first = first_line.saturating_sub(before);
    let ctx_last = (last_line + after).min(lines.line_count() - 1);
    let data_end = lines.line_start(ctx_last + 1).min(file.text.len()).max(end);
    (first_line, ctx_first, ctx_last, data_end)
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
        let (first_line, ctx_first, ctx_last, data_end) = snippet(
            &self.file,
            start,
            end,
            context_lines_before,
            context_lines_after,
        );
        let (data_start, column) = if context_lines_before == 0 {
            // miette shows this column in the snippet header: count
            // characters, as every other output does.
            let line_start = lines.line_start(first_line).min(start);
            (start, text[line_start..start].chars().count())
        } else {
            (lines.line_start(ctx_first), 0)
        };
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

/// The help shown for a finding of `rule`: its own help, if any, then
/// where the rule's documentation is.
fn shown_help(rule: &str, help: Option<&str>) -> String {
    const BEFORE: &str = "run `dockmaster explain ";
    const AFTER: &str = "` for the rule's documentation";
    let own = help.map_or(0, |h| h.len() + 1);
    let mut shown = String::with_capacity(own + BEFORE.len() + rule.len() + AFTER.len());
    if let Some(h) = help {
        shown.push_str(h);
        shown.push('\n');
    }
    shown.push_str(BEFORE);
    shown.push_str(rule);
    shown.push_str(AFTER);
    shown
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
                message: format!("{} ({})", l.message, other.shown_path()),
                code: String::new(),
                severity: miette::Severity::Advice,
                help: None,
                source: IndexedSource::new(other),
                labels: vec![LabeledSpan::new_primary_with_span(None, span(l.span))],
                related: Vec::new(),
            });
        }
    }
    let help = shown_help(d.rule, d.help.as_deref());
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
    let (handler, _) = handlers(color, width);
    for item in &report.items {
        let mut rendered = to_miette(item);
        rendered.code = "error[config]".to_string();
        rendered.help = item.diag.help.as_deref().map(str::to_string);
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
fn prewrap(text: &str, width: usize) -> Option<Cow<'_, str>> {
    // A line of printable ASCII that fits and does not end in a space is
    // its own wrapping (most messages and helps).
    if text.len() <= width
        && !text.ends_with(' ')
        && text.bytes().all(|b| (0x20..0x7f).contains(&b))
        && !text.trim().is_empty()
    {
        return Some(Cow::Borrowed(text));
    }
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
        let bytes = line.as_bytes();
        let printable = bytes.iter().all(|b| (0x20..0x7f).contains(b));
        if printable {
            wrap_printable(line, width, &mut out, "\n");
            continue;
        }
        let (mut start, mut end, mut used) = (0, 0, 0);
        let mut words = 0;
        let mut i = 0;
        while i < bytes.len() {
            let mut word_end = i;
            while word_end < bytes.len() && bytes[word_end] != b' ' {
                word_end += 1;
            }
            let mut space_end = word_end;
            while space_end < bytes.len() && bytes[space_end] == b' ' {
                space_end += 1;
            }
            let word = &line[i..word_end];
            let w = if printable || word.bytes().all(|b| (0x20..0x7f).contains(&b)) {
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
    Some(Cow::Owned(out))
}

/// [`prewrap`] of one line of printable ASCII, where a word's width is its
/// length: a word fits when it ends at most `width` bytes after the start
/// of its output line, so each break is found by looking back from there
/// instead of measuring every word.
fn wrap_printable(line: &str, width: usize, out: &mut String, separator: &str) {
    let b = line.as_bytes();
    // Where the word starting at `i` ends (an empty word before leading
    // spaces), and where the spaces after it end.
    let word_end = |i: usize| {
        b[i..]
            .iter()
            .position(|&c| c == b' ')
            .map_or(b.len(), |n| i + n)
    };
    let spaces_end = |i: usize| {
        b[i..]
            .iter()
            .position(|&c| c != b' ')
            .map_or(b.len(), |n| i + n)
    };
    let trimmed = b.len() - b.iter().rev().take_while(|&&c| c == b' ').count();
    let mut start = 0;
    loop {
        if trimmed.saturating_sub(start) <= width {
            out.push_str(&line[start..trimmed.max(start)]);
            return;
        }
        let limit = start + width;
        // The line's first word goes on it whatever its width; then the
        // last word that ends by `limit`.
        let first = word_end(start);
        let mut end = first;
        if first < limit {
            let mut e = limit;
            while e > first {
                if b[e] == b' ' && b[e - 1] != b' ' {
                    end = e;
                    break;
                }
                e -= 1;
            }
        }
        out.push_str(&line[start..end]);
        start = spaces_end(end);
        if start >= trimmed {
            return;
        }
        out.push_str(separator);
    }
}

/// Whether `text` is printable ASCII (so without line breaks): tested a
/// chunk at a time without stopping early, which the compiler vectorises.
fn printable(text: &str) -> bool {
    text.as_bytes().chunks(32).all(|chunk| {
        chunk
            .iter()
            .fold(true, |ok, &b| ok & (b.wrapping_sub(0x20) < 0x5f))
    })
}

/// [`prewrap`] of `text` written into `out` with `separator` between its
/// lines (a line break and the next line's indentation), without a text
/// of its own: `false`, with `out` in any state, when `prewrap` cannot
/// wrap it.
fn wrap_into(out: &mut String, text: &str, width: usize, separator: &str) -> bool {
    // One line of printable ASCII (most messages) needs no search for
    // line breaks.
    if printable(text) {
        return wrap_line_into(out, text, width, separator);
    }
    // `prewrap` wraps each line alone.
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        if !wrap_line_into(out, line, width, separator) {
            return false;
        }
    }
    true
}

/// [`wrap_into`] of one line.
fn wrap_line_into(out: &mut String, line: &str, width: usize, separator: &str) -> bool {
    if printable(line) {
        // Blank when only spaces.
        if line.bytes().all(|b| b == b' ') {
            return false;
        }
        wrap_printable(line, width, out, separator);
        return true;
    }
    let Some(wrapped) = prewrap(line, width) else {
        return false;
    };
    for (i, part) in wrapped.split('\n').enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(part);
    }
    true
}

/// The message, help and related messages of a finding wrapped for a
/// handler that does not wrap, and `true`; or the finding unchanged and
/// `false` (see [`prewrap`]).
fn prewrapped(mut rendered: Rendered, width: usize) -> (Rendered, bool) {
    let text_width = width.saturating_sub(2);
    let message =
        prewrap(&rendered.message, text_width.saturating_sub(MESSAGE_INDENT)).map(Cow::into_owned);
    let help = match &rendered.help {
        Some(h) => prewrap(h, text_width.saturating_sub(HELP_INDENT)).map(|h| Some(h.into_owned())),
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
                .map(Cow::into_owned)
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

/// The handler of the human format, and the same handler for texts wrapped
/// beforehand by [`prewrap`].
fn handlers(color: bool, width: usize) -> (GraphicalReportHandler, GraphicalReportHandler) {
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
    let prewrapping = wrapping.clone().with_wrap_lines(false);
    (wrapping, prewrapping)
}

/// One finding rendered by miette.
fn render_with_miette(
    item: &Item,
    (wrapping, prewrapping): &(GraphicalReportHandler, GraphicalReportHandler),
    width: usize,
    out: &mut String,
) {
    let (rendered, done) = prewrapped(to_miette(item), width);
    let handler = if done { prewrapping } else { wrapping };
    if handler.render_report(out, &rendered).is_err() {
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
}

/// Findings rendered by one task.
const CHUNK: usize = 64;

/// Bytes reserved per finding: most take 600 to 900.
const BYTES_PER_FINDING: usize = 1024;

/// Render a report for people. `color` decides ANSI styling.
pub fn render(report: &Report, color: bool, width: usize, out: &mut String) {
    let parts = render_parts(report, color, width);
    out.reserve(parts.iter().map(String::len).sum());
    for p in parts {
        out.push_str(&p);
    }
}

/// The text of [`render`] in pieces, in order: the findings a chunk at a
/// time, then the summary. A writer writes them one after the other, so the
/// report is never copied into one text (on the corpus, 5.4 MB copied and
/// as many bytes of fresh memory).
pub fn render_parts(report: &Report, color: bool, width: usize) -> Vec<String> {
    let handlers = handlers(color, width);
    // Findings are rendered independently, in parallel, a chunk at a time
    // into one text each. Most findings take the plain path (see
    // [`plain::render`]); the others, and every finding in colour, miette.
    let mut parts: Vec<String> = report
        .items
        .par_chunks(CHUNK)
        .map(|items| {
            let mut out = String::with_capacity(items.len() * BYTES_PER_FINDING);
            for item in items {
                let at = out.len();
                if plain::long_lines(item) {
                    plain::render_long(item, width, &mut out);
                } else if color || !plain::render(item, width, &mut out) {
                    out.truncate(at);
                    render_with_miette(item, &handlers, width, &mut out);
                }
                out.push('\n');
            }
            out
        })
        .collect();
    let mut summary = report.summary();
    summary.push('\n');
    parts.push(summary);
    parts
}

/// Whether the plain renderer agrees with miette on every finding of
/// `report` it takes, at `width`: `Err` names the first finding where they
/// differ, with both renderings. Returns how many findings it took. For
/// tests and the fuzz target.
#[doc(hidden)]
pub fn plain_agrees_with_miette(report: &Report, width: usize) -> Result<usize, String> {
    let handlers = handlers(false, width);
    let mut taken = 0;
    for item in &report.items {
        let mut ours = String::new();
        if !plain::render(item, width, &mut ours) {
            continue;
        }
        taken += 1;
        let mut theirs = String::new();
        render_with_miette(item, &handlers, width, &mut theirs);
        if ours != theirs {
            let (line, col) = item.start();
            return Err(format!(
                "{}:{line}:{col} ({}) at width {width}:\n--- plain\n{ours}--- miette\n{theirs}",
                item.path(),
                item.diag.rule
            ));
        }
    }
    Ok(taken)
}

/// miette's graphical rendering of the common finding, byte for byte,
/// without going through miette: miette took two fifths of a run over the
/// corpus (formatting machinery, a `String` per line and per label, a
/// second read of the snippet for the header), this a small fraction of it.
///
/// It covers a finding without colour whose labels each lie within one
/// line, at distinct offsets, in snippets (the labelled lines and one line
/// of context on each side) of printable ASCII with tabs and `\n` or
/// `\r\n` line breaks, and whose message, help and notes [`prewrap`] can
/// wrap; a label in another file is drawn as miette draws it, as a note
/// after the help: 99 findings in 100 on the corpus. Every other finding
/// goes to miette. `tests::plain_rendering_is_miettes` compares the two
/// over the fixtures and the corpus.
mod plain {
    use std::borrow::Cow;
    use std::cell::RefCell;
    use std::rc::Rc;

    use rustc_hash::FxHashMap;

    use super::{HELP_INDENT, MESSAGE_INDENT, shown_help, wrap_into};
    use crate::diag::Severity;
    use crate::report::Item;
    use crate::source::SourceFile;

    /// miette's default tab width.
    const TAB_WIDTH: usize = 4;

    /// One line of the snippet, as miette splits it: its 1-based number,
    /// the offset and length of the line with its line break, and its text
    /// without the line break.
    struct Line<'a> {
        number: usize,
        offset: usize,
        length: usize,
        text: &'a str,
    }

    impl Line<'_> {
        /// miette's `Line::span_applies`: the span shows on this line.
        fn applies(&self, start: usize, len: usize) -> bool {
            let spanlen = len.max(1);
            let end = self.offset + self.length;
            (start >= self.offset && start < end)
                || (start < self.offset && start + spanlen > end)
                || (start + spanlen > self.offset && start + spanlen <= end)
        }

        /// miette's `Line::span_line_only`: the span lies within this line.
        fn line_only(&self, start: usize, len: usize) -> bool {
            start >= self.offset && start + len <= self.offset + self.length
        }

        /// miette's `visual_offset` for an ASCII line: the column of a
        /// byte offset, tabs expanded, one past the end for an offset in
        /// the line break.
        fn column(&self, offset: usize, tabs: bool) -> usize {
            let index = offset - self.offset;
            let before = &self.text[..index.min(self.text.len())];
            // Without tabs in the file, every byte of a plain line is one
            // column.
            let width = if tabs {
                visual_width(before)
            } else {
                before.len()
            };
            if index > self.text.len() {
                width + 1
            } else {
                width
            }
        }
    }

    /// Width of ASCII text with tabs expanded from column 0.
    fn visual_width(text: &str) -> usize {
        text.bytes().fold(0, |col, b| {
            if b == b'\t' {
                col + TAB_WIDTH - col % TAB_WIDTH
            } else {
                col + 1
            }
        })
    }

    fn push_expanded(out: &mut String, text: &str) {
        if !text.contains('\t') {
            out.push_str(text);
            return;
        }
        let mut col = 0;
        for c in text.chars() {
            if c == '\t' {
                let n = TAB_WIDTH - col % TAB_WIDTH;
                spaces(out, n);
                col += n;
            } else {
                out.push(c);
                col += 1;
            }
        }
    }

    /// Printable ASCII, tabs and line breaks `\n` and `\r\n`: what this
    /// renderer measures exactly.
    fn simple(data: &str) -> bool {
        let b = data.as_bytes();
        // Without `\r` (most files), a test of each byte alone, which the
        // compiler vectorises.
        if b.iter().all(|&c| matches!(c, 0x20..=0x7e | b'\t' | b'\n')) {
            return true;
        }
        b.iter().enumerate().all(|(i, &c)| match c {
            0x20..=0x7e | b'\t' | b'\n' => true,
            b'\r' => b.get(i + 1) == Some(&b'\n'),
            _ => false,
        })
    }

    /// `n` copies of `unit`, from `run` (that many copies of it) while it
    /// lasts: a slice is copied at once, where pushing character by
    /// character checked and encoded each.
    fn repeat(out: &mut String, run: &str, unit: &str, n: usize) {
        let mut left = n;
        while left > 0 {
            let take = left.min(run.len() / unit.len());
            out.push_str(&run[..take * unit.len()]);
            left -= take;
        }
    }

    const SPACES: &str = "                                                                ";
    const RULES: &str = "────────────────────────────────────────────────────────────────";

    fn spaces(out: &mut String, n: usize) {
        repeat(out, SPACES, " ", n);
    }

    /// `n` horizontal rules (`─`).
    fn rules(out: &mut String, n: usize) {
        repeat(out, RULES, "─", n);
    }

    /// How many decimal digits `n` has.
    fn digits(mut n: usize) -> usize {
        let mut d = 1;
        while n >= 10 {
            n /= 10;
            d += 1;
        }
        d
    }

    /// The numbers below 1,000 as text, three digits each with leading
    /// zeros (`000001002…999`): a line number or column is a slice of it.
    const SMALL_NUMBERS: &str = {
        const BYTES: [u8; 3000] = {
            let mut b = [0u8; 3000];
            let mut n = 0;
            while n < 1000 {
                b[n * 3] = b'0' + (n / 100) as u8;
                b[n * 3 + 1] = b'0' + (n / 10 % 10) as u8;
                b[n * 3 + 2] = b'0' + (n % 10) as u8;
                n += 1;
            }
            b
        };
        match std::str::from_utf8(&BYTES) {
            Ok(s) => s,
            Err(_) => panic!("ASCII digits"),
        }
    };

    /// A number right-aligned in `width` columns.
    fn number(out: &mut String, n: usize, width: usize) {
        spaces(out, width.saturating_sub(digits(n)));
        if n < 1000 {
            let d = digits(n);
            out.push_str(&SMALL_NUMBERS[n * 3 + 3 - d..n * 3 + 3]);
        } else if n < 1_000_000 {
            // Line numbers of long files: the thousands, then three digits.
            let (high, low) = (n / 1000, n % 1000);
            let d = digits(high);
            out.push_str(&SMALL_NUMBERS[high * 3 + 3 - d..high * 3 + 3]);
            out.push_str(&SMALL_NUMBERS[low * 3..low * 3 + 3]);
        } else {
            crate::util::push_decimal(out, n);
        }
    }

    /// Gutter widths up to this many digits come from [`GUTTERS`].
    const WIDEST: usize = 3;

    /// Where the gutters of width `w` (1 to [`WIDEST`]) start in
    /// [`GUTTERS`]: `10^w` of them, `w + 6` bytes each.
    const fn gutters_at(w: usize) -> usize {
        let mut at = 0;
        let mut v = 1;
        let mut count = 10;
        while v < w {
            at += count * (v + 6);
            v += 1;
            count *= 10;
        }
        at
    }

    /// ` {n:>w$} │ ` for every width `w` up to [`WIDEST`] and number `n`
    /// below `10^w`, one after the other, made at compile time (a table of
    /// strings made at run time cost more than the lines it served).
    const GUTTERS: &str = {
        const LEN: usize = gutters_at(WIDEST + 1);
        const BYTES: [u8; LEN] = {
            let mut b = [0u8; LEN];
            let mut w = 1;
            let mut count = 10;
            while w <= WIDEST {
                let base = gutters_at(w);
                let mut n = 0;
                while n < count {
                    let at = base + n * (w + 6);
                    b[at] = b' ';
                    // Right-aligned digits, spaces before them.
                    let mut i = 0;
                    let mut v = n;
                    while i < w {
                        let c = at + w - i;
                        b[c] = if i == 0 || v > 0 {
                            b'0' + (v % 10) as u8
                        } else {
                            b' '
                        };
                        v /= 10;
                        i += 1;
                    }
                    // " │ ": a space, U+2502 in UTF-8, a space.
                    b[at + w + 1] = b' ';
                    b[at + w + 2] = 0xE2;
                    b[at + w + 3] = 0x94;
                    b[at + w + 4] = 0x82;
                    b[at + w + 5] = b' ';
                    n += 1;
                }
                w += 1;
                count *= 10;
            }
            b
        };
        match std::str::from_utf8(&BYTES) {
            Ok(s) => s,
            Err(_) => panic!("ASCII and box drawing"),
        }
    };

    /// A snippet line's gutter, ` {n:>width$} │ `: for the line numbers
    /// and widths of nearly every snippet, a slice of [`GUTTERS`] (writing
    /// the number each time took a tenth of the rendering).
    fn line_gutter(out: &mut String, n: usize, width: usize) {
        const AT: [usize; WIDEST + 1] = [0, gutters_at(1), gutters_at(2), gutters_at(3)];
        let w = width.max(digits(n));
        if w <= WIDEST {
            let at = AT[w] + n * (w + 6);
            out.push_str(&GUTTERS[at..at + w + 6]);
        } else {
            out.push(' ');
            number(out, n, width);
            out.push_str(" │ ");
        }
    }

    fn icon(severity: Severity) -> &'static str {
        match severity {
            Severity::Error => "×",
            Severity::Warning => "⚠",
            Severity::Info => "☞",
        }
    }

    /// A label as miette keeps it: where, and its text if it has one.
    struct Label<'a> {
        start: usize,
        len: usize,
        text: Option<&'a str>,
        primary: bool,
    }

    /// The snippet miette reads for a span with one line of context on
    /// each side (`IndexedSource::read_span`): its first line (0-based),
    /// its last line, and its byte range.
    struct Context {
        start: usize,
        end: usize,
        first: usize,
        last: usize,
        data: std::ops::Range<usize>,
    }

    fn context(file: &SourceFile, start: usize, end: usize) -> Context {
        let (_, first, last, data_end) = super::snippet(file, start, end, 1, 1);
        let data_start = file.lines.line_start(first);
        Context {
            start,
            end,
            first,
            last,
            data: data_start..data_end,
        }
    }

    /// The lines of a snippet as miette's `get_lines` splits them (at
    /// `\n`, a `\r` before it left out of the text), read from the line
    /// index: in a [`simple`] snippet its lines are miette's.
    fn split_lines<'a>(file: &'a SourceFile, cx: &Context) -> Vec<Line<'a>> {
        let text: &str = &file.text;
        let bytes = text.as_bytes();
        let mut lines = Vec::with_capacity(cx.last - cx.first + 1);
        let mut number = cx.first;
        let mut at = cx.data.start;
        while at < cx.data.end {
            let next = file.lines.line_start(number + 1).min(cx.data.end);
            let mut text_end = next;
            if text_end > at && bytes[text_end - 1] == b'\n' {
                text_end -= 1;
                if text_end > at && bytes[text_end - 1] == b'\r' {
                    text_end -= 1;
                }
            }
            number += 1;
            lines.push(Line {
                number,
                offset: at,
                length: next - at,
                text: &text[at..text_end],
            });
            at = next;
        }
        lines
    }

    /// The snippets of one file's labels, ready to draw.
    struct Drawn<'a> {
        file: &'a SourceFile,
        labels: Vec<Label<'a>>,
        contexts: Vec<Context>,
        snippets: Vec<Vec<Line<'a>>>,
        tabs: bool,
        /// The single label spans lines: drawn in a gutter, not underlined.
        gutter: bool,
    }

    impl Drawn<'_> {
        fn draw(&self, out: &mut String) {
            let name = self.file.shown_path();
            let mut shown = Vec::new();
            for (cx, lines) in self.contexts.iter().zip(&self.snippets) {
                let gutter = self.gutter.then(|| &self.labels[0]);
                snippet(
                    out,
                    self.file,
                    name,
                    cx,
                    lines,
                    &self.labels,
                    self.tabs,
                    gutter,
                    &mut shown,
                );
            }
        }
    }

    /// A label at `span` of `file` with `text` as miette keeps it, or
    /// `None` when this renderer does not take it (a text over several
    /// lines, a span outside the text or at its very end).
    fn label<'a>(
        file: &SourceFile,
        span: crate::span::Span,
        text: &'a str,
        primary: bool,
    ) -> Option<Label<'a>> {
        let (start, end) = (span.start as usize, span.end as usize);
        if text.contains('\n') || start >= file.text.len() || end > file.text.len() || start > end {
            return None;
        }
        Some(Label {
            start,
            len: end - start,
            text: (!text.is_empty()).then_some(text),
            primary,
        })
    }

    /// The snippets miette draws for `labels` in `file`, or `None` when
    /// this renderer cannot draw them as miette does.
    fn drawn<'a>(file: &'a SourceFile, mut labels: Vec<Label<'a>>) -> Option<Drawn<'a>> {
        let text: &str = &file.text;
        // A label over more than one line is drawn with a gutter: this
        // renderer draws it when it is the snippet's only label and has no
        // text (a long-syntax port, an `extends` block). Found here through
        // the line index, before any snippet is read (such a label may span
        // a whole file).
        let lines = &file.lines;
        let over_lines = |l: &Label| l.start + l.len > lines.line_start(lines.line_of(l.start) + 1);
        let gutter = match labels.as_slice() {
            [one] if over_lines(one) => {
                if one.text.is_some() {
                    return None;
                }
                true
            }
            _ => {
                if labels.iter().any(over_lines) {
                    return None;
                }
                false
            }
        };
        // miette sorts the labels by offset with an unstable sort: two at
        // one offset could come in either order.
        labels.sort_by_key(|l| l.start);
        if labels.windows(2).any(|w| w[0].start == w[1].start) {
            return None;
        }
        // The snippets: one per label, merged as miette merges them (when
        // the left one's line plus its line count reaches the right one's
        // first line).
        let mut contexts: Vec<Context> = Vec::with_capacity(labels.len());
        for l in &labels {
            let right = context(file, l.start, l.start + l.len);
            if let Some(left) = contexts.last()
                && left.first + left.last + 1 >= right.first
            {
                let merged = context(file, left.start, left.end.max(right.end));
                *contexts.last_mut().expect("a context") = merged;
                continue;
            }
            contexts.push(right);
        }
        let made_of = file.made_of();
        let other_characters =
            !made_of.plain && !contexts.iter().all(|cx| simple(&text[cx.data.clone()]));
        if other_characters {
            // Other characters (a `—` in a comment) are drawn as they are
            // on a line no label touches, where nothing is measured: when
            // the line has no tab (whose width would count theirs) and the
            // snippet no lone `\r` (a line break for the line index, not
            // for miette).
            let lone_cr = |data: &[u8]| {
                data.iter()
                    .enumerate()
                    .any(|(i, &c)| c == b'\r' && data.get(i + 1) != Some(&b'\n'))
            };
            if contexts
                .iter()
                .any(|cx| lone_cr(&text.as_bytes()[cx.data.clone()]))
            {
                return None;
            }
        }
        let snippets: Vec<Vec<Line>> = contexts.iter().map(|cx| split_lines(file, cx)).collect();
        if other_characters {
            for line in snippets.iter().flatten() {
                let touched = labels.iter().any(|l| line.applies(l.start, l.len));
                if !(simple(line.text) || !touched && !line.text.contains('\t')) {
                    return None;
                }
            }
        }
        // Every label shows within one line, without a gutter (unless it
        // is the single label drawn with one).
        for lines in snippets.iter().filter(|_| !gutter) {
            for line in lines {
                if labels
                    .iter()
                    .any(|l| line.applies(l.start, l.len) && !line.line_only(l.start, l.len))
                {
                    return None;
                }
            }
        }
        Some(Drawn {
            file,
            labels,
            contexts,
            snippets,
            tabs: made_of.tabs,
            gutter,
        })
    }

    /// A message as miette's `render_causes` shows it: after the icon, its
    /// lines (wrapped by [`prewrap`] to `width`) continued by a bar; or
    /// `false`, with `out` in any state, when `prewrap` cannot wrap it.
    fn push_message(out: &mut String, severity_icon: &str, message: &str, width: usize) -> bool {
        out.push_str("  ");
        out.push_str(severity_icon);
        out.push(' ');
        if !wrap_into(out, message, width, "\n  │ ") {
            return false;
        }
        out.push('\n');
        true
    }

    /// Lines longer than this many bytes are not shown in snippets (the
    /// longest line of the shared corpus has 278 characters).
    pub const LONG_LINE: usize = 1024;

    /// Whether a snippet of `item` would show a line longer than
    /// [`LONG_LINE`]: a line of one of its labels, or a line around one.
    pub fn long_lines(item: &Item) -> bool {
        let d = &item.diag;
        std::iter::once(&d.primary).chain(&d.related).any(|l| {
            let file = item.sources.get(l.span.file);
            let index = &file.lines;
            let first = index.line_of(l.span.start as usize).saturating_sub(1);
            let last = (index.line_of(l.span.end as usize) + 1).min(index.line_count() - 1);
            (first..=last).any(|n| {
                index.line_start(n + 1).min(file.text.len())
                    - index.line_start(n).min(file.text.len())
                    > LONG_LINE
            })
        })
    }

    /// A finding whose snippet would show a line longer than [`LONG_LINE`]
    /// (a generated or hostile file), drawn without the text of its lines:
    /// where it is, and how long the line is. Shown whole, a line of 600 KB
    /// with a variable every six bytes was printed 100,000 times (60 GB).
    pub fn render_long(item: &Item, width: usize, out: &mut String) {
        let d = &item.diag;
        let text_width = width.saturating_sub(2);
        let message_width = text_width.saturating_sub(MESSAGE_INDENT);
        out.push_str(d.severity.as_str());
        out.push('[');
        out.push_str(d.rule);
        out.push_str("]\n\n");
        let at = out.len();
        if !push_message(out, icon(d.severity), &d.message, message_width) {
            out.truncate(at);
            out.push_str("  ");
            out.push_str(icon(d.severity));
            out.push(' ');
            out.push_str(&d.message.replace('\n', "\n  │ "));
            out.push('\n');
        }
        for (l, primary) in
            std::iter::once((&d.primary, true)).chain(d.related.iter().map(|l| (l, false)))
        {
            let file = item.sources.get(l.span.file);
            let index = &file.lines;
            let n = index.line_of(l.span.start as usize);
            let (line, column) = file.line_col(l.span.start as usize);
            let length = index.line_range(&file.text, n).len();
            let w = digits(line);
            spaces(out, w + 2);
            out.push_str("╭─[");
            out.push_str(file.shown_path());
            out.push(':');
            number(out, line, 0);
            out.push(':');
            number(out, column, 0);
            out.push_str("]\n");
            line_gutter(out, line, w);
            out.push_str("(a line of ");
            number(out, length, 0);
            out.push_str(" bytes, not shown)");
            if !l.message.is_empty() {
                out.push_str(if primary { ": " } else { ": ☞ " });
                out.push_str(&l.message.replace('\n', " "));
            }
            out.push('\n');
            spaces(out, w + 2);
            out.push_str("╰────\n");
        }
        match wrapped_help(
            d.rule,
            d.help.as_ref(),
            text_width.saturating_sub(HELP_INDENT),
        ) {
            Some(help) => out.push_str(&help),
            None => {
                out.push_str("  help: ");
                out.push_str(&shown_help(d.rule, d.help.as_deref()).replace('\n', "\n        "));
                out.push('\n');
            }
        }
    }

    /// Render `item` into `out` as miette would, or return `false` (with
    /// `out` in any state) when it is not a finding this renderer covers.
    pub fn render(item: &Item, width: usize, out: &mut String) -> bool {
        let d = &item.diag;
        let file = item.file();
        let text_width = width.saturating_sub(2);
        let message_width = text_width.saturating_sub(MESSAGE_INDENT);
        // The labels in the finding's file; each label in another file is
        // a note of its own after the help (see `to_miette`), with its
        // message and the path of its file.
        let mut labels = Vec::with_capacity(1 + d.related.len());
        let mut notes = Vec::new();
        for (l, primary) in
            std::iter::once((&d.primary, true)).chain(d.related.iter().map(|l| (l, false)))
        {
            if l.span.file == d.primary.span.file {
                let Some(label) = label(file, l.span, &l.message, primary) else {
                    return false;
                };
                labels.push(label);
            } else {
                let other = item.sources.get(l.span.file);
                let message = format!("{} ({})", l.message, other.shown_path());
                let Some(label) = label(other, l.span, "", true) else {
                    return false;
                };
                let Some(drawn) = drawn(other, vec![label]) else {
                    return false;
                };
                notes.push((message, drawn));
            }
        }
        let Some(drawn) = drawn(file, labels) else {
            return false;
        };
        let Some(help) = wrapped_help(
            d.rule,
            d.help.as_ref(),
            text_width.saturating_sub(HELP_INDENT),
        ) else {
            return false;
        };

        // Header and message, wrapped straight into `out`.
        out.push_str(d.severity.as_str());
        out.push('[');
        out.push_str(d.rule);
        out.push_str("]\n\n");
        if !push_message(out, icon(d.severity), &d.message, message_width) {
            return false;
        }
        drawn.draw(out);
        out.push_str(&help);
        // The notes, as miette's `render_related` draws advice.
        for (message, drawn) in &notes {
            out.push_str("\nAdvice: \n");
            if !push_message(out, "☞", message, message_width) {
                return false;
            }
            drawn.draw(out);
        }
        true
    }

    /// The helps of a rule wrapped (`None`: [`prewrap`] cannot wrap it),
    /// by width and rule: the rule's findings without a help of their own,
    /// then by their own help: a constant text by its address (hashing
    /// its bytes for each finding cost more than the rest of the lookup),
    /// any other by its text.
    #[derive(Default)]
    struct Helps {
        shared: Option<Option<Rc<str>>>,
        constant: FxHashMap<Address, Option<Rc<str>>>,
        own: FxHashMap<Box<str>, Option<Rc<str>>>,
    }

    /// A constant text by its address and length.
    type Address = (usize, usize);

    fn address(s: &'static str) -> Address {
        (s.as_ptr() as usize, s.len())
    }

    thread_local! {
        /// Helps wrapped by [`prewrap`]: most findings of a rule share
        /// their help, and wrapping it again for each took a tenth of a
        /// run. By width and rule id (a constant, by its address).
        static HELPS: RefCell<FxHashMap<(usize, Address), Helps>> =
            RefCell::new(FxHashMap::default());
    }

    /// Most helps of their own kept per rule and width, per thread.
    const HELPS_KEPT: usize = 1024;

    /// The help block of a finding of `rule` as shown, wrapped to `width`
    /// and indented: its own help, if any, then the pointer to the rule's
    /// documentation.
    fn wrapped_help(
        rule: &'static str,
        help: Option<&Cow<'static, str>>,
        width: usize,
    ) -> Option<Rc<str>> {
        let wrap = || {
            let shown = shown_help(rule, help.map(|h| &**h));
            let mut block = String::with_capacity(shown.len() + 64);
            block.push_str("  help: ");
            wrap_into(&mut block, &shown, width, "\n        ").then(|| {
                block.push('\n');
                Rc::from(block)
            })
        };
        HELPS.with(|cache| {
            let mut cache = cache.borrow_mut();
            let helps = cache.entry((width, address(rule))).or_default();
            match help {
                None => helps.shared.get_or_insert_with(wrap).clone(),
                Some(Cow::Borrowed(constant)) => {
                    let key = address(constant);
                    if let Some(hit) = helps.constant.get(&key) {
                        return hit.clone();
                    }
                    let wrapped = wrap();
                    if helps.constant.len() >= HELPS_KEPT {
                        helps.constant.clear();
                    }
                    helps.constant.insert(key, wrapped.clone());
                    wrapped
                }
                Some(Cow::Owned(own)) => {
                    if let Some(hit) = helps.own.get(own.as_str()) {
                        return hit.clone();
                    }
                    let wrapped = wrap();
                    if helps.own.len() >= HELPS_KEPT {
                        helps.own.clear();
                    }
                    helps.own.insert(Box::from(own.as_str()), wrapped.clone());
                    wrapped
                }
            }
        })
    }

    /// miette's `render_line_gutter` for a single label over several lines
    /// (so one gutter column): where it starts, ends or passes this line.
    fn gutter_cell(l: &Line, label: &Label) -> &'static str {
        let (start, len) = (label.start, label.len);
        let end = l.offset + l.length;
        let spanlen = len.max(1);
        let starts_here = start >= l.offset && start < end;
        let ends_here = start + spanlen > l.offset && start + spanlen <= end;
        if !l.applies(start, len) || (starts_here && ends_here) {
            "    "
        } else if start >= l.offset {
            "╭─▶ "
        } else if start + len >= l.offset && start + len <= end {
            "╰─▶ "
        } else if start < l.offset && start + len > end {
            "│   "
        } else {
            "    "
        }
    }

    /// miette's `render_context` for labels that each lie within a line,
    /// or for one label over several lines (`gutter`), which has no text.
    #[allow(clippy::too_many_arguments)]
    fn snippet<'l, 't>(
        out: &mut String,
        file: &SourceFile,
        name: &str,
        cx: &Context,
        lines: &[Line],
        labels: &'l [Label<'t>],
        tabs: bool,
        gutter: Option<&Label>,
        shown: &mut Vec<(&'l Label<'t>, usize)>,
    ) {
        let index = &file.lines;
        let inside = labels
            .iter()
            .filter(|l| cx.start <= l.start && l.start + l.len <= cx.end);
        let Some(head) = inside
            .clone()
            .find(|l| l.primary)
            .or_else(|| inside.clone().next())
        else {
            return;
        };
        let linum_width = digits(lines.last().map_or(0, |l| l.number));
        let pad = linum_width + 2;
        let line = index.line_of(head.start);
        let column = head.start - index.line_start(line).min(head.start);
        spaces(out, pad);
        out.push_str("╭─[");
        out.push_str(name);
        out.push(':');
        number(out, line + 1, 0);
        out.push(':');
        number(out, column + 1, 0);
        out.push_str("]\n");
        for l in lines {
            line_gutter(out, l.number, linum_width);
            if let Some(label) = gutter {
                out.push_str(gutter_cell(l, label));
            }
            if tabs {
                push_expanded(out, l.text);
            } else {
                out.push_str(l.text);
            }
            out.push('\n');
            if gutter.is_some() {
                continue;
            }
            shown.clear();
            let here = labels.iter().filter(|hl| l.applies(hl.start, hl.len));
            if here.clone().next().is_none() {
                continue;
            }
            // The underlines, left to right.
            spaces(out, linum_width + 1);
            out.push_str(" · ");
            let mut highest = 0;
            for hl in here {
                let from = l.column(hl.start, tabs).max(highest);
                let to = if hl.len == 0 {
                    from + 1
                } else {
                    l.column(hl.start + hl.len, tabs).max(from + 1)
                };
                let bar = (from + to) / 2;
                spaces(out, from.saturating_sub(highest));
                rules(out, bar - from);
                out.push(if hl.len == 0 {
                    '▲'
                } else if hl.text.is_some() {
                    '┬'
                } else {
                    '─'
                });
                rules(out, to - bar - 1);
                highest = highest.max(to);
                shown.push((hl, bar));
            }
            out.push('\n');
            // The label texts, right to left, each with the bars of the
            // labels to its left.
            for &(hl, _) in shown.iter().rev() {
                let Some(label) = hl.text else { continue };
                spaces(out, linum_width + 1);
                out.push_str(" · ");
                let mut at = 1;
                for &(other, bar) in shown.iter() {
                    while at < bar + 1 {
                        out.push(' ');
                        at += 1;
                    }
                    if !std::ptr::eq(other, hl) {
                        out.push('│');
                        at += 1;
                    } else {
                        out.push_str("╰── ");
                        out.push_str(label);
                        out.push('\n');
                        break;
                    }
                }
            }
        }
        spaces(out, pad);
        out.push_str("╰────\n");
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn numbers_are_right_aligned_decimals() {
            for n in (0..2000).chain([9_999, 10_000, 123_456, usize::MAX]) {
                for width in [0, 1, 3, 5, 40] {
                    let mut out = String::from("x");
                    super::number(&mut out, n, width);
                    assert_eq!(out, format!("x{n:>width$}"), "{n} in {width}");
                    let mut out = String::from("x");
                    super::line_gutter(&mut out, n, width);
                    assert_eq!(out, format!("x {n:>width$} │ "), "{n} in {width}");
                }
            }
        }
    }
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

    /// Every YAML file under a directory.
    /// The plain renderer prints what miette prints, byte for byte, for
    /// every finding it takes, over the fixtures and the corpus (when
    /// present), with every rule selected, at three widths; and it takes
    /// most findings.
    #[test]
    fn plain_rendering_is_miettes() {
        let report = crate::report::testing::fixtures_and_corpus_report();
        let (mut plain_count, mut total) = (0, 0);
        for width in [40, 100, 200] {
            total += report.items.len();
            plain_count +=
                plain_agrees_with_miette(&report, width).unwrap_or_else(|e| panic!("{e}"));
        }
        assert!(total > 1000, "only {total} findings rendered");
        assert!(
            plain_count * 100 >= total * 95,
            "the plain renderer took only {plain_count} of {total} findings"
        );
        // Findings with a label in another file (an `include`, an
        // `extends` base, an override) are among those compared.
        let elsewhere = report
            .items
            .iter()
            .filter(|i| {
                i.diag
                    .related
                    .iter()
                    .any(|l| l.span.file != i.diag.primary.span.file)
            })
            .filter(|i| plain::render(i, 100, &mut String::new()))
            .count();
        assert!(
            elsewhere >= 5,
            "the plain renderer took {elsewhere} findings with a label in another file"
        );
        // And labels over several lines, drawn in a gutter.
        let over_lines = report
            .items
            .iter()
            .filter(|i| {
                let file = i.file();
                let (start, end) = (i.diag.primary.span.start, i.diag.primary.span.end);
                end > start
                    && file.lines.line_of(start as usize) < file.lines.line_of(end as usize - 1)
            })
            .filter(|i| plain::render(i, 100, &mut String::new()))
            .count();
        assert!(
            over_lines >= 5,
            "the plain renderer took {over_lines} findings with a label over several lines"
        );
        // And snippets with lines of other characters than printable
        // ASCII (lines no label touches).
        let other_characters = report
            .items
            .iter()
            .filter(|i| {
                let mut out = String::new();
                plain::render(i, 100, &mut out)
                    && out.lines().any(|l| {
                        l.trim_start().starts_with(|c: char| c.is_ascii_digit())
                            && l.split_once(" │ ").is_some_and(|(_, t)| {
                                // Past a gutter drawn for a label over lines.
                                !t.trim_start_matches(['│', '╭', '╰', '─', '▶', ' '])
                                    .is_ascii()
                            })
                    })
            })
            .count();
        assert!(
            other_characters >= 3,
            "the plain renderer took {other_characters} findings with lines of other characters"
        );
    }

    #[test]
    fn prewrap_agrees_with_textwrap_on_messages() {
        agrees("service `web` logs with Docker's default `json-file` driver without `max-size`, so its log grows without bound", 98).unwrap();
        agrees("a\nb c  d   \n  e", 3).unwrap();
        // A word wider than the line, alone on its last line (the looking
        // back from the width once added an empty line after it).
        agrees("aaaaaaaaaaaaaaaaaaaa\na", 0).unwrap();
        agrees("aaaaaaaaaaaaaaaaaaaa   \na b", 5).unwrap();
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
