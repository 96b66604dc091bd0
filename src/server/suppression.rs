//! Where a suppression comment can go without changing what the YAML says.
//!
//! A `# dockmaster: ignore[rule]` comment silences a finding when it sits at
//! the end of a line the finding points at, or alone on the line just above
//! it (`src/suppress.rs`). The comment goes at the end of the line unless
//! that line
//!
//! - is blank (the comment would stand alone and apply to the next line),
//! - already holds a comment (the directive would become part of its text),
//! - ends with a block scalar header (`command: |`), or lies in a scalar
//!   that goes on over the next line (`#` there would be text),
//! - or would grow wider than 100 characters;
//!
//! then it goes on its own line above, with the line's indentation.
//! Every placement is checked by parsing the edited text: the YAML tree
//! (every node, value, style, tag and anchor) must be the same as before,
//! with the directive as a comment on the intended line. A placement that
//! fails the check is not offered. A file with a YAML syntax error gets no
//! suppression: its structure is not known past the error.

use crate::load::Limits;
use crate::load::ProblemKind;
use crate::load::yaml::{self, NodeKind, Style, YamlFile};
use crate::source::SourceFile;
use crate::span::{FileId, Span};

/// Widest line an end-of-line comment may make; past it the comment goes
/// on its own line above, when it can.
const MAX_WIDTH: usize = 100;

fn parse(text: &str) -> YamlFile {
    yaml::parse(FileId(0), text, &Limits::default())
}

/// A parsed file, to place comments in.
pub struct Layout {
    parsed: YamlFile,
    /// Per line: appending a comment would change the YAML or the comment's
    /// meaning.
    no_append: Vec<bool>,
    /// Per line: the line holds only a comment (a comment above it would
    /// apply to the next line that is not a comment).
    comment_only: Vec<bool>,
}

impl Layout {
    /// `None` when the file does not parse.
    pub fn new(file: &SourceFile) -> Option<Layout> {
        let text: &str = &file.text;
        let parsed = parse(text);
        if parsed
            .problems
            .iter()
            .any(|p| matches!(p.kind, ProblemKind::Syntax | ProblemKind::Budget))
        {
            return None;
        }
        let lines = &file.lines;
        let mut no_append = vec![false; lines.line_count()];
        for node in &parsed.nodes {
            let NodeKind::Scalar { style, .. } = &node.kind else {
                continue;
            };
            let (start, end) = (node.start as usize, node.end as usize);
            let first = lines.line_of(start);
            let last = lines.line_of(end.saturating_sub(1).max(start));
            let block = matches!(style, Style::Literal | Style::Folded);
            // A block scalar's span holds its content lines; the last line
            // of a flow scalar may take a comment after it.
            let upto = if block { last + 1 } else { last };
            for flag in &mut no_append[first..upto] {
                *flag = true;
            }
        }
        let mut comment_only = vec![false; lines.line_count()];
        let mut comment_at: Vec<Option<usize>> = vec![None; lines.line_count()];
        for c in &parsed.comments {
            let l = lines.line_of(c.span.start as usize);
            no_append[l] = true;
            comment_only[l] |= c.own_line;
            comment_at[l].get_or_insert(c.span.start as usize);
        }
        for (l, flag) in no_append.iter_mut().enumerate() {
            let range = lines.line_range(text, l);
            let content = match comment_at[l] {
                Some(c) => &text[range.start..c.max(range.start)],
                None => &text[range],
            };
            if content.trim().is_empty() || ends_with_block_header(content) {
                *flag = true;
            }
        }
        Some(Layout {
            parsed,
            no_append,
            comment_only,
        })
    }

    /// The edit that puts `comment` (`# dockmaster: ...`) where it applies
    /// to `line`: at the end of the line, or on its own line above it.
    /// `None` when neither keeps the YAML as it is.
    pub fn place(&self, file: &SourceFile, line: usize, comment: &str) -> Option<(Span, String)> {
        let text: &str = &file.text;
        // In a file without content (only comments, or nothing), findings
        // point at its start, which no line comment reaches.
        if line >= file.lines.line_count() || self.parsed.documents.iter().all(|d| d.root.is_none())
        {
            return None;
        }
        let range = file.lines.line_range(text, line);
        let content = text[range.clone()].trim_end();
        let end = range.start + content.len();
        let append = (
            Span::new(FileId(0), end, range.end),
            format!("  {comment}"),
            false,
        );
        let indent: String = content
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let eol = line_break(&text[range.end..]);
        let above = (
            Span::new(FileId(0), range.start, range.start),
            format!("{indent}{comment}{eol}"),
            true,
        );
        let wide = content.chars().count() + 2 + comment.chars().count() > MAX_WIDTH;
        let mut order = Vec::new();
        if !self.no_append[line] && !wide {
            order.push(append.clone());
        }
        if !self.comment_only[line] {
            order.push(above);
        }
        if !self.no_append[line] && wide {
            order.push(append);
        }
        order
            .into_iter()
            .find(|(span, repl, own_line)| self.keeps_yaml(text, *span, repl, line, *own_line))
            .map(|(span, repl, _)| (span, repl))
    }

    /// The edit that puts `comment` (`# dockmaster: ignore-file[...]`) at
    /// the top of the file, where file-wide suppressions go.
    pub fn place_file_wide(&self, file: &SourceFile, comment: &str) -> Option<(Span, String)> {
        let text: &str = &file.text;
        let first = file.lines.line_range(text, 0);
        let eol = line_break(&text[first.end..]);
        let span = Span::new(FileId(0), 0, 0);
        let repl = format!("{comment}{eol}");
        self.keeps_yaml(text, span, &repl, 0, true)
            .then_some((span, repl))
    }

    /// Whether the edit leaves the YAML tree as it is and adds the directive
    /// as a comment where the suppression engine reads it for `line`.
    fn keeps_yaml(&self, text: &str, span: Span, repl: &str, line: usize, own_line: bool) -> bool {
        let mut edited = text.to_string();
        edited.replace_range(span.range(), repl);
        let after = parse(&edited);
        let lines = crate::source::LineIndex::new(&edited);
        let comment_start = span.start as usize + repl.find('#').unwrap_or(0);
        let comment_ok = after.comments.iter().any(|c| {
            c.span.start as usize == comment_start
                && c.own_line == own_line
                && lines.line_of(comment_start) == line
        });
        comment_ok
            && after.comments.len() == self.parsed.comments.len() + 1
            && same_problems(&self.parsed, &after)
            && same_tree(&self.parsed, text, &after, &edited)
    }
}

/// The line break `rest` (the text after a line's content) starts with;
/// `\n` at the end of the text.
fn line_break(rest: &str) -> &'static str {
    if rest.starts_with("\r\n") {
        "\r\n"
    } else if rest.starts_with('\r') {
        "\r"
    } else {
        "\n"
    }
}

/// Whether a line's content (without its comment) ends with a block scalar
/// header: `|` or `>` with optional chomping and indentation indicators.
fn ends_with_block_header(content: &str) -> bool {
    let t = content.trim_end();
    let head = t.trim_end_matches(|c: char| matches!(c, '+' | '-' | '1'..='9'));
    if t.len() - head.len() > 2 {
        return false;
    }
    let Some(before) = head.strip_suffix(['|', '>']) else {
        return false;
    };
    before.is_empty() || before.ends_with([' ', '\t'])
}

fn same_problems(a: &YamlFile, b: &YamlFile) -> bool {
    a.problems.len() == b.problems.len()
        && a.problems
            .iter()
            .zip(&b.problems)
            .all(|(x, y)| x.kind == y.kind && x.message == y.message)
}

/// The same nodes with the same values, styles, tags, anchors and children.
fn same_tree(a: &YamlFile, at: &str, b: &YamlFile, bt: &str) -> bool {
    if a.nodes.len() != b.nodes.len()
        || a.documents.len() != b.documents.len()
        || a.anchors.len() != b.anchors.len()
    {
        return false;
    }
    if !a
        .documents
        .iter()
        .zip(&b.documents)
        .all(|(x, y)| x.root == y.root && x.broken == y.broken)
    {
        return false;
    }
    if !a
        .anchors
        .iter()
        .zip(&b.anchors)
        .all(|(x, y)| x.name == y.name)
    {
        return false;
    }
    a.nodes.iter().zip(&b.nodes).enumerate().all(|(i, (x, y))| {
        let id = yaml::NodeId(i as u32);
        x.tag == y.tag
            && x.anchor == y.anchor
            && match (&x.kind, &y.kind) {
                (NodeKind::Scalar { style: sx, .. }, NodeKind::Scalar { style: sy, .. }) => {
                    sx == sy && a.scalar_text(at, id) == b.scalar_text(bt, id)
                }
                (NodeKind::Seq(x), NodeKind::Seq(y)) => x == y,
                (NodeKind::Map(x), NodeKind::Map(y)) => x == y,
                (NodeKind::Alias { target: x }, NodeKind::Alias { target: y }) => x == y,
                (NodeKind::Invalid, NodeKind::Invalid) => true,
                _ => false,
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, line: usize) -> Option<String> {
        let file = SourceFile::new("c.yaml".into(), text, false);
        let layout = Layout::new(&file)?;
        let (span, repl) = layout.place(&file, line, "# dockmaster: ignore[r]")?;
        let mut out = text.to_string();
        out.replace_range(span.range(), &repl);
        Some(out)
    }

    #[test]
    fn end_of_line_when_it_fits() {
        assert_eq!(
            apply("services:\n  web:\n    privileged: true\n", 2).unwrap(),
            "services:\n  web:\n    privileged: true  # dockmaster: ignore[r]\n"
        );
        // Trailing blanks are replaced; `\r\n` is kept.
        assert_eq!(
            apply("a:\r\n  b: 1   \r\n", 1).unwrap(),
            "a:\r\n  b: 1  # dockmaster: ignore[r]\r\n"
        );
        // After the last line of a quoted scalar.
        assert_eq!(
            apply("b: \"one\n  two\"\n", 1).unwrap(),
            "b: \"one\n  two\"  # dockmaster: ignore[r]\n"
        );
        // A plain scalar that merely ends in `|`.
        assert_eq!(
            apply("x:\n  - echo a\n", 1).unwrap(),
            "x:\n  - echo a  # dockmaster: ignore[r]\n"
        );
    }

    #[test]
    fn own_line_when_the_line_cannot_take_a_comment() {
        // Block scalar headers, with indicators and a comment.
        for header in ["|", ">-", "|+2", "| # note"] {
            let text = format!("x:\n  command: {header}\n    run # not a comment\n");
            assert_eq!(
                apply(&text, 1).unwrap(),
                format!(
                    "x:\n  # dockmaster: ignore[r]\n  command: {header}\n    run # not a comment\n"
                ),
            );
        }
        // A sequence entry that is a block scalar.
        assert_eq!(
            apply("x:\n  - >\n    folded\n", 1).unwrap(),
            "x:\n  # dockmaster: ignore[r]\n  - >\n    folded\n"
        );
        // A line that already has a comment.
        assert_eq!(
            apply("x:\n  - a # keep\n", 1).unwrap(),
            "x:\n  # dockmaster: ignore[r]\n  - a # keep\n"
        );
        // A quoted scalar going on over the next line.
        assert_eq!(
            apply("a: 1\nb: \"one\n  two\"\n", 1).unwrap(),
            "a: 1\n# dockmaster: ignore[r]\nb: \"one\n  two\"\n"
        );
        // A plain scalar going on over the next line.
        assert_eq!(
            apply("a: one\n  two\n", 0).unwrap(),
            "# dockmaster: ignore[r]\na: one\n  two\n"
        );
        // A wide line.
        let wide = format!("a: {}\n", "x".repeat(90));
        assert_eq!(
            apply(&wide, 0).unwrap(),
            format!("# dockmaster: ignore[r]\n{wide}")
        );
        // Not above a line that is only a comment: it would apply to the
        // line after it.
        assert_eq!(apply("# only\n# comments\n", 0), None);
        // A blank line.
        assert_eq!(
            apply("a: 1\n\nb: 2\n", 1).unwrap(),
            "a: 1\n# dockmaster: ignore[r]\n\nb: 2\n"
        );
    }

    #[test]
    fn nowhere_inside_a_scalar() {
        let text = "x:\n  command: |\n    one\n\n    two\n  b: \"p\n    q\"\n  c: >\n\n    z\n";
        for line in [2, 3, 4, 8, 9] {
            assert_eq!(apply(text, line), None, "line {}", line + 1);
        }
        // Plain multi-line scalars too, but for their last line.
        assert_eq!(apply("a: one\n  two\n  three\n", 1), None);
        assert_eq!(
            apply("a: one\n  two\n", 1).unwrap(),
            "a: one\n  two  # dockmaster: ignore[r]\n"
        );
        // A file that does not parse.
        assert_eq!(apply("a: [\n", 0), None);
        // Past the end.
        assert_eq!(apply("a: 1\n", 7), None);
    }

    #[test]
    fn file_wide_at_the_top() {
        let text = "# only\r\n# comments\r\n";
        let file = SourceFile::new("c.yaml".into(), text, false);
        let layout = Layout::new(&file).unwrap();
        let (span, repl) = layout
            .place_file_wide(&file, "# dockmaster: ignore-file[r]")
            .unwrap();
        assert_eq!(span.range(), 0..0);
        assert_eq!(repl, "# dockmaster: ignore-file[r]\r\n");
    }

    #[test]
    fn block_header_detection() {
        for yes in ["a: |", "a: >-", "- |2+", "  key: !!str |", "|"] {
            assert!(ends_with_block_header(yes), "{yes}");
        }
        for no in ["a: b|", "a: x>", "a: |x", "a: |123"] {
            assert!(!ends_with_block_header(no), "{no}");
        }
    }
}
