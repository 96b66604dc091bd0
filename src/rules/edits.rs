//! Helpers for rules that offer fixes: edits are built from spans and the
//! layout of the lines they sit on (indentation), never by re-reading YAML.

use crate::diag::Edit;
use crate::model::Project;
use crate::span::Span;

/// The text of the line holding `span.start`, without its line break.
pub fn line_text(project: &Project, span: Span) -> &str {
    let file = project.sources.get(span.file);
    let line = file.lines.line_of(span.start as usize);
    &file.text[file.lines.line_range(&file.text, line)]
}

/// The span of the whole line holding `span.start`, including its line
/// break (for deleting a line).
pub fn whole_line(project: &Project, span: Span) -> Span {
    let file = project.sources.get(span.file);
    let line = file.lines.line_of(span.start as usize);
    let start = file.lines.line_start(line);
    let end = file.lines.line_start(line + 1).min(file.text.len());
    Span::new(span.file, start, end)
}

/// The spans of the lines from the one holding `from.start` to the one
/// holding `to.end` (inclusive), with the last line break.
pub fn lines_between(project: &Project, from: Span, to: Span) -> Span {
    let file = project.sources.get(from.file);
    let first = file.lines.line_of(from.start as usize);
    let last = file
        .lines
        .line_of((to.end as usize).saturating_sub(1).max(to.start as usize));
    let start = file.lines.line_start(first);
    let end = file.lines.line_start(last + 1).min(file.text.len());
    Span::new(from.file, start, end)
}

/// The number of spaces before the first character of the line holding
/// `span.start`.
pub fn indent_of_line(project: &Project, span: Span) -> usize {
    let text = line_text(project, span);
    text.len() - text.trim_start_matches(' ').len()
}

/// The column (0-based, in bytes) of `span.start` on its line.
pub fn column(project: &Project, span: Span) -> usize {
    let file = project.sources.get(span.file);
    let line = file.lines.line_of(span.start as usize);
    span.start as usize - file.lines.line_start(line)
}

/// The line break the file uses (`\r\n` or `\n`).
pub fn newline(project: &Project, span: Span) -> &'static str {
    if project.sources.get(span.file).lines.has_crlf() {
        "\r\n"
    } else {
        "\n"
    }
}

/// Apply non-overlapping edits to a text (edits are sorted here); an edit
/// overlapping an earlier one is skipped, and so is an insertion at the
/// offset of an earlier insertion (their order would be arbitrary: two
/// blocks added at the end of the same mapping would interleave). Returns
/// the new text and how many edits were applied.
pub fn apply(text: &str, edits: &[Edit]) -> (String, usize) {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    let mut inserted_at = None;
    let mut applied = 0;
    for e in sorted {
        let (s, t) = (e.span.start as usize, e.span.end as usize);
        if s < at || t > text.len() || (s == t && inserted_at == Some(s)) {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(&e.replacement);
        at = t;
        if s == t {
            inserted_at = Some(s);
        }
        applied += 1;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    #[test]
    fn edits_apply_in_order_and_skip_overlaps() {
        let text = "abcdef";
        let e = |s, t, r: &str| Edit {
            span: Span::new(FileId(0), s, t),
            replacement: r.to_string(),
        };
        let (out, n) = apply(text, &[e(4, 5, "E"), e(0, 1, "A"), e(0, 2, "X")]);
        assert_eq!((out.as_str(), n), ("AbcdEf", 2));
        // Two insertions at one offset: the second waits for another pass;
        // an insertion right after a replacement is no conflict.
        let (out, n) = apply(
            text,
            &[e(3, 3, "1"), e(3, 3, "2"), e(1, 3, "X"), e(6, 6, "!")],
        );
        assert_eq!((out.as_str(), n), ("aX1def!", 3));
    }
}
