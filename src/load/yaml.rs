//! The spanned YAML tree: parser events from granit-parser built into an
//! arena that keeps every node's byte range, tag and anchor, the file's
//! comments, duplicate keys and syntax errors.
//!
//! Aliases are kept by reference ([`NodeKind::Alias`]); they are expanded,
//! under a budget, by [`crate::load::value`].

use std::borrow::Cow;
use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle, Span as GSpan, options};

use crate::load::Limits;
use crate::load::problem::{Problem, ProblemKind};
use crate::span::{FileId, Span};

/// Index of a node in [`YamlFile::nodes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl Style {
    pub fn is_quoted(self) -> bool {
        matches!(self, Style::SingleQuoted | Style::DoubleQuoted)
    }
}

/// The text of a scalar: either exactly a slice of the source (so every
/// character of the value has a known position), or an owned string when
/// escapes or line folding changed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScalarText {
    Source { start: u32, end: u32 },
    Owned(Box<str>),
}

/// A YAML tag as written (`!reset`, `!override`, `!!str`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tag {
    /// Compose's `!reset`: remove the attribute from the merged result.
    Reset,
    /// Compose's `!override`: replace the attribute instead of merging.
    Override,
    /// A YAML core schema tag (`!!str`, `!!int`, ...), by its suffix.
    Core(Box<str>),
    /// Any other tag, as written.
    Other(Box<str>),
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Scalar {
        text: ScalarText,
        style: Style,
    },
    Seq(Vec<NodeId>),
    /// Entries in document order; duplicate keys are kept.
    Map(Vec<(NodeId, NodeId)>),
    /// An alias to an earlier anchored node.
    Alias {
        target: NodeId,
    },
    /// A node that could not be built: an undefined or cyclic alias. Already
    /// reported as a problem.
    Invalid,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: NodeKind,
    pub start: u32,
    pub end: u32,
    pub tag: Option<Tag>,
    /// The anchor defined on this node (`&name`), index into
    /// [`YamlFile::anchors`].
    pub anchor: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct Anchor {
    pub name: Box<str>,
    pub span: Span,
}

/// One `#` comment; `text` excludes the `#`.
#[derive(Clone, Debug)]
pub struct Comment {
    pub span: Span,
    pub text: Box<str>,
    /// Whether nothing but whitespace precedes the comment on its line.
    pub own_line: bool,
}

#[derive(Clone, Debug)]
pub struct Document {
    /// `None` for an empty document or one broken by a syntax error.
    pub root: Option<NodeId>,
    /// A syntax error stopped this document; it is not linted further.
    pub broken: bool,
    /// Position of the document (its `---` or its first content).
    pub start: u32,
}

/// A parsed file.
#[derive(Debug)]
pub struct YamlFile {
    pub file: FileId,
    pub nodes: Vec<Node>,
    pub documents: Vec<Document>,
    pub anchors: Vec<Anchor>,
    pub comments: Vec<Comment>,
    pub problems: Vec<Problem>,
}

impl YamlFile {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    pub fn span(&self, id: NodeId) -> Span {
        let n = self.node(id);
        Span {
            file: self.file,
            start: n.start,
            end: n.end,
        }
    }

    /// The value of a scalar node.
    pub fn scalar_text<'a>(&'a self, source: &'a str, id: NodeId) -> Option<&'a str> {
        match &self.node(id).kind {
            NodeKind::Scalar { text, .. } => Some(match text {
                ScalarText::Source { start, end } => &source[*start as usize..*end as usize],
                ScalarText::Owned(s) => s,
            }),
            _ => None,
        }
    }
}

enum Open {
    Seq {
        id: NodeId,
        items: Vec<NodeId>,
    },
    Map {
        id: NodeId,
        entries: Vec<(NodeId, NodeId)>,
        key: Option<NodeId>,
        /// Built once the mapping is large enough for a linear scan to hurt.
        index: Option<HashMap<Box<str>, usize>>,
    },
}

/// Parse `text` (already without BOM) into a [`YamlFile`].
pub fn parse(file: FileId, text: &str, limits: &Limits) -> YamlFile {
    let mut b = Builder {
        file,
        text,
        out: YamlFile {
            file,
            nodes: Vec::new(),
            documents: Vec::new(),
            anchors: Vec::new(),
            comments: Vec::new(),
            problems: Vec::new(),
        },
        stack: Vec::new(),
        anchor_ids: HashMap::new(),
        doc: None,
        limits,
        line_cache: (0, 0),
    };
    b.run();
    b.out
}

struct Builder<'a> {
    file: FileId,
    text: &'a str,
    out: YamlFile,
    stack: Vec<Open>,
    /// Parser anchor id to node, for the current document.
    anchor_ids: HashMap<usize, NodeId>,
    doc: Option<Document>,
    limits: &'a Limits,
    /// An offset and the number of line breaks before it: line numbers for
    /// messages are counted from the last one asked, not from the start of
    /// the file (thousands of duplicate keys stay linear).
    line_cache: (usize, usize),
}

impl<'a> Builder<'a> {
    fn run(&mut self) {
        let opts = options! {
            emit_anchor_events: true,
            emit_unresolved_aliases: true,
            flow_nesting_limit: self.limits.max_depth,
            block_nesting_limit: self.limits.max_depth,
        };
        let mut parser = Parser::new_from_str_with_options(self.text, opts);
        loop {
            match parser.next_event() {
                None => break,
                Some(Ok((event, span))) => {
                    if let Err(stop) = self.event(event, span)
                        && stop
                    {
                        break;
                    }
                }
                Some(Err(err)) => {
                    let offset = err
                        .marker()
                        .byte_offset()
                        .unwrap_or(self.text.len())
                        .min(self.text.len());
                    let mut offset = offset;
                    if matches!(err.kind(), granit_parser::ErrorKind::TabInBlockIndentation) {
                        // Point at the tab itself, not past it.
                        let line_start =
                            self.text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
                        if let Some(tab) = self.text[line_start..].find('\t') {
                            offset = line_start + tab;
                        }
                    }
                    let message = syntax_message(err.kind());
                    self.problem(ProblemKind::Syntax, self.char_span(offset), message);
                    if let Some(mut doc) = self.doc.take() {
                        doc.broken = true;
                        doc.root = None;
                        self.out.documents.push(doc);
                    } else {
                        self.out.documents.push(Document {
                            root: None,
                            broken: true,
                            start: offset as u32,
                        });
                    }
                    self.stack.clear();
                    match parser.proceed_next_document() {
                        Ok(true) => continue,
                        Ok(false) => break,
                        Err(_) => break,
                    }
                }
            }
        }
        if let Some(doc) = self.doc.take() {
            self.out.documents.push(doc);
        }
    }

    /// A span of one character at `offset` (for error positions).
    fn char_span(&self, offset: usize) -> Span {
        let len = self.text[offset..].chars().next().map_or(0, char::len_utf8);
        Span::new(self.file, offset, offset + len)
    }

    fn problem(&mut self, kind: ProblemKind, span: Span, message: String) {
        self.out.problems.push(Problem {
            kind,
            span,
            message,
            related: Vec::new(),
        });
    }

    fn range(span: &GSpan) -> (usize, usize) {
        span.byte_range().map_or((0, 0), |r| (r.start, r.end))
    }

    /// Handle one event. `Err(true)` stops parsing (budget exhausted).
    fn event(&mut self, event: Event<'a>, span: GSpan) -> Result<(), bool> {
        let (start, end) = Self::range(&span);
        match event {
            Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(..) => {
                if let Some(doc) = self.doc.take() {
                    self.out.documents.push(doc);
                }
                self.anchor_ids.clear();
                self.doc = Some(Document {
                    root: None,
                    broken: false,
                    start: start as u32,
                });
            }
            Event::DocumentEnd => {
                if let Some(doc) = self.doc.take() {
                    self.out.documents.push(doc);
                }
            }
            Event::Comment(text, _) => {
                let line_start = self.text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
                let own_line = self.text[line_start..start].trim().is_empty();
                self.out.comments.push(Comment {
                    span: Span::new(self.file, start, end),
                    text: text.as_ref().into(),
                    own_line,
                });
            }
            Event::Scalar(value, style, _anchor, tag) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let text = match value {
                    Cow::Borrowed(s) => match self.offset_of(s) {
                        Some(off) => ScalarText::Source {
                            start: off as u32,
                            end: (off + s.len()) as u32,
                        },
                        None => ScalarText::Owned(s.into()),
                    },
                    Cow::Owned(s) => ScalarText::Owned(s.into_boxed_str()),
                };
                let mut end = end;
                if matches!(style, Style::Literal | Style::Folded) {
                    // Block scalars' spans run over the trailing blank lines.
                    end = start + self.text[start..end].trim_end().len();
                }
                let id = self.push(
                    NodeKind::Scalar { text, style },
                    start,
                    end,
                    tag.map(conv_tag),
                )?;
                self.complete(id);
            }
            Event::SequenceStart(_, _, tag) => {
                let id = self.push(NodeKind::Seq(Vec::new()), start, end, tag.map(conv_tag))?;
                self.stack.push(Open::Seq {
                    id,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(_, _, tag) => {
                let id = self.push(NodeKind::Map(Vec::new()), start, end, tag.map(conv_tag))?;
                self.stack.push(Open::Map {
                    id,
                    entries: Vec::new(),
                    key: None,
                    index: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = self.stack.pop() else {
                    return Ok(());
                };
                let (id, kind, last) = match open {
                    Open::Seq { id, items } => {
                        let last = items.last().copied();
                        (id, NodeKind::Seq(items), last)
                    }
                    Open::Map {
                        id, entries, key, ..
                    } => {
                        let last = entries.last().map(|e| e.1).or(key);
                        (id, NodeKind::Map(entries), last)
                    }
                };
                let flow_end = self
                    .text
                    .as_bytes()
                    .get(start)
                    .is_some_and(|b| matches!(b, b']' | b'}'));
                let node_end = if flow_end && end > start {
                    end as u32
                } else {
                    let last_end = last.map_or(0, |l| self.out.nodes[l.0 as usize].end);
                    last_end.max(self.out.nodes[id.0 as usize].start)
                };
                let node = &mut self.out.nodes[id.0 as usize];
                node.kind = kind;
                node.end = node_end;
                self.complete(id);
            }
            Event::Anchor(anchor_id, name) => {
                if let Some(last) = self.out.nodes.len().checked_sub(1) {
                    let index = self.out.anchors.len() as u32;
                    self.out.anchors.push(Anchor {
                        name: name.as_ref().into(),
                        span: Span::new(self.file, start, end),
                    });
                    self.out.nodes[last].anchor = Some(index);
                    self.anchor_ids.insert(anchor_id, NodeId(last as u32));
                }
            }
            Event::Alias(anchor_id) => {
                let kind = match self.anchor_ids.get(&anchor_id).copied() {
                    Some(target) if self.is_open(target) => {
                        let name = self.text[start..end].to_string();
                        self.problem(
                            ProblemKind::Syntax,
                            Span::new(self.file, start, end),
                            format!("alias `{name}` refers to a node that contains it (a cycle)"),
                        );
                        NodeKind::Invalid
                    }
                    Some(target) => NodeKind::Alias { target },
                    None => NodeKind::Invalid,
                };
                let id = self.push(kind, start, end, None)?;
                self.complete(id);
            }
            Event::UnresolvedAlias(name) => {
                self.problem(
                    ProblemKind::Syntax,
                    Span::new(self.file, start, end),
                    format!("unknown anchor `{name}`: the alias `*{name}` refers to no `&{name}` defined before it in this document"),
                );
                let id = self.push(NodeKind::Invalid, start, end, None)?;
                self.complete(id);
            }
            _ => {}
        }
        Ok(())
    }

    fn offset_of(&self, s: &str) -> Option<usize> {
        let base = self.text.as_ptr() as usize;
        let p = s.as_ptr() as usize;
        (p >= base && p + s.len() <= base + self.text.len()).then(|| p - base)
    }

    fn is_open(&self, id: NodeId) -> bool {
        self.stack.iter().any(|o| match o {
            Open::Seq { id: i, .. } | Open::Map { id: i, .. } => *i == id,
        })
    }

    fn push(
        &mut self,
        kind: NodeKind,
        start: usize,
        end: usize,
        tag: Option<Tag>,
    ) -> Result<NodeId, bool> {
        if self.out.nodes.len() >= self.limits.max_nodes {
            let span = Span::new(self.file, start, end);
            self.problem(
                ProblemKind::Budget,
                span,
                format!(
                    "the file has more than {} YAML nodes; loading stopped here (raise the limit with --max-nodes)",
                    self.limits.max_nodes
                ),
            );
            if let Some(mut doc) = self.doc.take() {
                doc.broken = true;
                doc.root = None;
                self.out.documents.push(doc);
            }
            self.stack.clear();
            return Err(true);
        }
        let id = NodeId(self.out.nodes.len() as u32);
        self.out.nodes.push(Node {
            kind,
            start: start as u32,
            end: end as u32,
            tag,
            anchor: None,
        });
        Ok(id)
    }

    /// Attach a finished node to its parent (or make it the document root).
    fn complete(&mut self, id: NodeId) {
        let nodes = &self.out.nodes;
        let text = self.text;
        let Some(top) = self.stack.last_mut() else {
            if let Some(doc) = self.doc.as_mut() {
                doc.root = Some(id);
            }
            return;
        };
        let (entries, index, k) = match top {
            Open::Seq { items, .. } => {
                items.push(id);
                return;
            }
            Open::Map {
                key,
                entries,
                index,
                ..
            } => match key.take() {
                None => {
                    *key = Some(id);
                    return;
                }
                Some(k) => {
                    entries.push((k, id));
                    (entries, index, k)
                }
            },
        };
        let Some(key) = key_of(nodes, text, k) else {
            return;
        };
        let n = entries.len() - 1;
        let earlier = match index {
            Some(index) => index.insert(key.into(), n),
            None => {
                let prev = (0..n)
                    .rev()
                    .find(|&i| key_of(nodes, text, entries[i].0) == Some(key));
                if entries.len() > 16 {
                    let mut map = HashMap::with_capacity(entries.len() * 2);
                    for (i, (k, _)) in entries.iter().enumerate() {
                        if let Some(t) = key_of(nodes, text, *k) {
                            map.insert(t.into(), i);
                        }
                    }
                    *index = Some(map);
                }
                prev
            }
        };
        if let Some(prev) = earlier {
            let first = &nodes[entries[prev].0.0 as usize];
            let second = &nodes[k.0 as usize];
            let first_span = Span {
                file: self.file,
                start: first.start,
                end: first.end,
            };
            let second_span = Span {
                file: self.file,
                start: second.start,
                end: second.end,
            };
            let line = line_of(text, &mut self.line_cache, first.start as usize) + 1;
            let message = format!("mapping key `{key}` already defined at line {line}");
            self.out.problems.push(Problem {
                kind: ProblemKind::DuplicateKey,
                span: second_span,
                message,
                related: vec![(first_span, "first defined here".to_string())],
            });
        }
    }
}

/// The number of `\n` before `offset`, counted on from `cache` when it lies
/// before `offset`.
fn line_of(text: &str, cache: &mut (usize, usize), offset: usize) -> usize {
    let (from, before) = if cache.0 <= offset { *cache } else { (0, 0) };
    let line = before
        + text.as_bytes()[from..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
    *cache = (offset, line);
    line
}

fn key_of<'t>(nodes: &'t [Node], text: &'t str, id: NodeId) -> Option<&'t str> {
    match &nodes[id.0 as usize].kind {
        NodeKind::Scalar { text: t, .. } => Some(match t {
            ScalarText::Source { start, end } => &text[*start as usize..*end as usize],
            ScalarText::Owned(s) => s,
        }),
        _ => None,
    }
}

fn conv_tag(tag: Cow<'_, granit_parser::Tag>) -> Tag {
    if let Some(core) = tag.core_suffix() {
        return Tag::Core(core.into());
    }
    let original = tag.original();
    match original.as_str() {
        "!reset" => Tag::Reset,
        "!override" => Tag::Override,
        _ => Tag::Other(original.into_boxed_str()),
    }
}

/// A readable message for a parser error.
fn syntax_message(kind: &granit_parser::ErrorKind) -> String {
    use granit_parser::ErrorKind as K;
    let base = kind.to_string();
    match kind {
        K::TabInBlockIndentation => {
            "a tab character is used for indentation; YAML allows only spaces there".to_string()
        }
        K::RecursionLimitExceeded => format!("{base}: the document nests too deeply"),
        _ => base,
    }
}
