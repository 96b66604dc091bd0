//! The effective YAML value of a document: aliases expanded and merge keys
//! (`<<: *a`, `<<: [*a, *b]`) resolved, every node still carrying the span
//! where it is written plus, when it arrived through an alias or a merge key,
//! the site that pulled it in ([`Via`]).
//!
//! Expansion runs under budgets (values created through aliases, nesting
//! depth), so an alias bomb ends in a `yaml-syntax` finding, not in an
//! exhausted machine.

use std::sync::Arc;

use crate::load::Limits;
use crate::load::problem::{Problem, ProblemKind};
use crate::load::yaml::{NodeId, NodeKind, ScalarText, Style, Tag, YamlFile};
use crate::span::Span;

/// How a value came to be where it is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViaKind {
    /// `key: *anchor`
    Alias,
    /// `<<: *anchor`
    Merge,
    /// `extends:` of the service.
    Extends,
    /// Supplied by a later file (an override file or a later `-f`) or a
    /// later document of the same file.
    Override,
    /// Imported by a top-level `include`.
    Include,
}

/// The site that pulled a value in: an alias, a merge key, an `extends`...
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Via {
    pub span: Span,
    pub kind: ViaKind,
}

impl Via {
    pub fn label(&self) -> &'static str {
        match self.kind {
            ViaKind::Alias => "used through this alias",
            ViaKind::Merge => "merged in here",
            ViaKind::Extends => "inherited through `extends` here",
            ViaKind::Override => "applied by this file",
            ViaKind::Include => "included here",
        }
    }
}

/// Compose's merge tags, kept on the value they are written on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeTag {
    Reset,
    Override,
}

/// The YAML 1.2 core-schema type of a scalar.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ScalarType {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

/// Where the characters of a string come from in the source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Origin {
    /// Only the whole span is known (escapes or line folding changed the
    /// text, or the value is not a string).
    #[default]
    Whole,
    /// The text is written character for character from this byte offset
    /// (plain scalars, quoted ones without escapes).
    Exact(u32),
    /// The text was assembled by interpolation: each piece maps a range of
    /// the text to the source range that produced it.
    Pieces(Arc<[Piece]>),
}

/// A piece of an interpolated string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Byte range in the resulting text.
    pub text: std::ops::Range<u32>,
    /// Byte range in the source file that produced it.
    pub source: std::ops::Range<u32>,
    /// The piece is literal source text (so offsets inside it map one to
    /// one), not the value of a `${...}`.
    pub verbatim: bool,
}

impl Piece {
    /// The pieces of `pieces` whose text meets `a..b` (an empty range or
    /// piece counts as one byte wide). Every origin keeps its pieces in the
    /// order of their text, without overlaps, so they are found by binary
    /// search: a scalar of 20,000 lines has 20,000 pieces or more, and
    /// scanning them for each of its words or variables was quadratic.
    pub fn touching(pieces: &[Piece], a: u32, b: u32) -> &[Piece] {
        let from = pieces.partition_point(|p| p.text.end.max(p.text.start + 1) <= a);
        let end = b.max(a + 1);
        let len = pieces[from..].partition_point(|p| p.text.start < end);
        &pieces[from..from + len]
    }
}

impl Origin {
    /// Where the lines of a scalar written over several lines (a block
    /// scalar, a plain scalar folded over lines) come from: each line's
    /// text between its indentation and its trailing blanks, found in
    /// `value` in turn past blanks and line breaks only, is a verbatim
    /// piece. `Whole` unless every other character of
    /// `value` is found so: a mapping is only made where it is certain.
    pub fn of_lines(source: &str, span: Span, value: &str) -> Origin {
        /// What indentation, folding and trailing blanks leave between the
        /// lines' texts in the value.
        const GAP: [char; 3] = [' ', '\t', '\n'];
        let Some(written) = source.get(span.start as usize..span.end as usize) else {
            return Origin::Whole;
        };
        let mut pieces = Vec::new();
        let mut at = 0;
        let mut offset = span.start as usize;
        for line in written.split_inclusive('\n') {
            let body = line.trim_end_matches(['\n', '\r']);
            let indent = body.len() - body.trim_start_matches([' ', '\t']).len();
            let content = body[indent..].trim_end_matches([' ', '\t']);
            if !content.is_empty() {
                let gap = value[at..].len() - value[at..].trim_start_matches(GAP).len();
                let start = at + gap;
                if !value[start..].starts_with(content) {
                    return Origin::Whole;
                }
                let source_start = (offset + indent) as u32;
                pieces.push(Piece {
                    text: start as u32..(start + content.len()) as u32,
                    source: source_start..source_start + content.len() as u32,
                    verbatim: true,
                });
                at = start + content.len();
            }
            offset += line.len();
        }
        if !value[at..].trim_start_matches(GAP).is_empty() {
            return Origin::Whole;
        }
        Origin::of_pieces(pieces, value.len())
    }

    /// The origin that `pieces` of a text of `len` bytes make: `Exact`
    /// when one verbatim piece is the whole text.
    fn of_pieces(pieces: Vec<Piece>, len: usize) -> Origin {
        match pieces.as_slice() {
            [] => Origin::Whole,
            [one] if one.verbatim && one.text.start == 0 && one.text.end as usize == len => {
                Origin::Exact(one.source.start)
            }
            _ => Origin::Pieces(Arc::from(pieces)),
        }
    }

    /// Where the characters of a quoted scalar whose text is not its
    /// source (escapes, `''`, or folded over lines) come from. Its source is
    /// decoded again here: runs of characters written as they are become
    /// verbatim pieces, each escape a piece of its own (the escape's source
    /// for the character it stands for), folded line breaks and the blanks
    /// around them no piece. `Whole` unless the decoding gives `value`
    /// exactly: a mapping is only made where it is certain.
    pub fn of_quoted(source: &str, span: Span, value: &str, double: bool) -> Origin {
        let quote = if double { '"' } else { '\'' };
        let Some(written) = source.get(span.start as usize..span.end as usize) else {
            return Origin::Whole;
        };
        let Some(inner) = written
            .strip_prefix(quote)
            .and_then(|w| w.strip_suffix(quote))
        else {
            return Origin::Whole;
        };
        match decode_quoted(inner, span.start as usize + 1, double) {
            Some((text, pieces)) if text == value => Origin::of_pieces(pieces, value.len()),
            _ => Origin::Whole,
        }
    }

    /// The span of a byte range of the text, within the value's `span`.
    pub fn locate(&self, span: Span, rel: std::ops::Range<usize>) -> Span {
        let mk = |start: u32, end: u32| Span {
            file: span.file,
            start,
            end: end.max(start),
        };
        match self {
            Origin::Whole => span,
            Origin::Exact(start) => mk(start + rel.start as u32, start + rel.end as u32),
            Origin::Pieces(pieces) => {
                let (a, b) = (rel.start as u32, rel.end as u32);
                let touched = Piece::touching(pieces, a, b);
                match touched {
                    [] => span,
                    [p] if p.verbatim => {
                        let offset = p.source.start - p.text.start;
                        mk(a + offset, b.min(p.text.end) + offset)
                    }
                    _ => {
                        let start = touched
                            .iter()
                            .map(|p| p.source.start)
                            .min()
                            .unwrap_or(span.start);
                        let end = touched
                            .iter()
                            .map(|p| p.source.end)
                            .max()
                            .unwrap_or(span.end);
                        mk(start, end)
                    }
                }
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct Scalar {
    pub text: Box<str>,
    pub style: Style,
    pub ty: ScalarType,
    /// Where the characters of `text` are written.
    pub origin: Origin,
    /// The text holds a `${...}` that interpolation could not resolve (an
    /// unset variable without default, or invalid syntax); it is kept as
    /// written and rules do not judge it.
    pub unresolved: bool,
}

#[derive(Clone, Debug)]
pub enum ValueKind {
    Scalar(Scalar),
    Seq(Vec<Value>),
    Map(Map),
    /// Could not be built (undefined alias...), already reported.
    Invalid,
}

#[derive(Clone, Debug)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
    pub via: Option<Via>,
    pub tag: Option<MergeTag>,
}

#[derive(Clone, Debug)]
pub struct Key {
    pub text: Box<str>,
    pub span: Span,
    pub via: Option<Via>,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub key: Key,
    pub value: Value,
}

#[derive(Clone, Debug, Default)]
pub struct Map {
    pub entries: Vec<Entry>,
}

impl Map {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| &*e.key.text == key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Key, &Value)> {
        self.entries.iter().map(|e| (&e.key, &e.value))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Value {
    pub fn as_map(&self) -> Option<&Map> {
        match &self.kind {
            ValueKind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Value]> {
        match &self.kind {
            ValueKind::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            ValueKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a non-null scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Scalar(s) if s.ty != ScalarType::Null => Some(&s.text),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.kind, ValueKind::Scalar(s) if s.ty == ScalarType::Null)
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map()?.get(key)
    }

    /// A sub-span of a scalar's text (byte range relative to the text). Falls
    /// back to the whole span when the text is not written verbatim.
    pub fn subspan(&self, rel: std::ops::Range<usize>) -> Span {
        match &self.kind {
            ValueKind::Scalar(s) => s.origin.locate(self.span, rel),
            _ => self.span,
        }
    }

    /// Where the characters of a scalar's text come from.
    pub fn origin(&self) -> Origin {
        match &self.kind {
            ValueKind::Scalar(s) => s.origin.clone(),
            _ => Origin::Whole,
        }
    }

    /// Human name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            ValueKind::Scalar(s) => match s.ty {
                ScalarType::Null => "null",
                ScalarType::Bool(_) => "a boolean",
                ScalarType::Int(_) => "an integer",
                ScalarType::Float(_) => "a number",
                ScalarType::Str => "a string",
            },
            ValueKind::Seq(_) => "a list",
            ValueKind::Map(_) => "a mapping",
            ValueKind::Invalid => "an invalid value",
        }
    }
}

/// Resolve the YAML 1.2 core schema type of a plain scalar.
pub fn resolve_plain(text: &str) -> ScalarType {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarType::Null,
        "true" | "True" | "TRUE" => return ScalarType::Bool(true),
        "false" | "False" | "FALSE" => return ScalarType::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return ScalarType::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return ScalarType::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return ScalarType::Float(f64::NAN),
        _ => {}
    }
    let b = text.as_bytes();
    let first = b[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return ScalarType::Str;
    }
    let (neg, digits) = match first {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
        return match text.parse::<i64>() {
            Ok(v) => ScalarType::Int(v),
            Err(_) => ScalarType::Float(text.parse().unwrap_or(f64::INFINITY)),
        };
    }
    if !neg && first != b'+' {
        if let Some(hex) = text.strip_prefix("0x")
            && let Ok(v) = i64::from_str_radix(hex, 16)
        {
            return ScalarType::Int(v);
        }
        if let Some(oct) = text.strip_prefix("0o")
            && let Ok(v) = i64::from_str_radix(oct, 8)
        {
            return ScalarType::Int(v);
        }
    }
    if is_float(digits)
        && let Ok(v) = text.parse::<f64>()
    {
        return ScalarType::Float(v);
    }
    ScalarType::Str
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - f;
        if int_digits == 0 && frac_digits == 0 {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    let _ = frac_digits;
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let e = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == e {
            return false;
        }
    }
    i == b.len()
}

/// Stops a document's resolution when a budget is exhausted.
#[derive(Debug)]
pub struct Abort;

/// Expands one document of a [`YamlFile`] into a [`Value`].
pub struct Resolver<'a> {
    yaml: &'a YamlFile,
    text: &'a str,
    limits: &'a Limits,
    /// Values created inside alias expansions so far.
    expanded: usize,
    budget: usize,
    pub problems: Vec<Problem>,
}

impl<'a> Resolver<'a> {
    pub fn new(yaml: &'a YamlFile, text: &'a str, limits: &'a Limits) -> Resolver<'a> {
        let budget = limits.max_alias_values.saturating_add(2 * yaml.nodes.len());
        Resolver {
            yaml,
            text,
            limits,
            expanded: 0,
            budget,
            problems: Vec::new(),
        }
    }

    pub fn resolve_root(&mut self, root: NodeId) -> Result<Value, Abort> {
        self.resolve(root, None, 0)
    }

    fn span(&self, id: NodeId) -> Span {
        self.yaml.span(id)
    }

    fn budget_problem(&mut self, span: Span, message: String) -> Abort {
        self.problems.push(Problem {
            kind: ProblemKind::Budget,
            span,
            message,
            related: Vec::new(),
        });
        Abort
    }

    fn resolve(&mut self, id: NodeId, via: Option<Via>, depth: usize) -> Result<Value, Abort> {
        if depth > self.limits.max_value_depth {
            let span = via.map_or(self.span(id), |v| v.span);
            return Err(self.budget_problem(
                span,
                format!(
                    "the document nests deeper than {} levels once aliases are expanded",
                    self.limits.max_value_depth
                ),
            ));
        }
        if via.is_some() {
            self.expanded += 1;
            if self.expanded > self.budget {
                let span = via.map_or(self.span(id), |v| v.span);
                return Err(self.budget_problem(
                    span,
                    format!(
                        "expanding aliases creates more than {} values (an alias bomb?); the document is not linted further",
                        self.budget
                    ),
                ));
            }
        }
        let node = self.yaml.node(id);
        let span = self.span(id);
        let tag = match node.tag {
            Some(Tag::Reset) => Some(MergeTag::Reset),
            Some(Tag::Override) => Some(MergeTag::Override),
            _ => None,
        };
        let kind = match &node.kind {
            NodeKind::Alias { target } => {
                let via = via.or(Some(Via {
                    span,
                    kind: ViaKind::Alias,
                }));
                let mut v = self.resolve(*target, via, depth + 1)?;
                if tag.is_some() {
                    v.tag = tag;
                }
                return Ok(v);
            }
            NodeKind::Invalid => ValueKind::Invalid,
            NodeKind::Scalar { text, style } => {
                let (text, origin) = match text {
                    ScalarText::Source { start, end } => (
                        Box::<str>::from(&self.text[*start as usize..*end as usize]),
                        Origin::Exact(*start),
                    ),
                    ScalarText::Owned(s) => {
                        let origin = match style {
                            Style::Plain | Style::Literal | Style::Folded => {
                                Origin::of_lines(self.text, span, s)
                            }
                            Style::SingleQuoted => Origin::of_quoted(self.text, span, s, false),
                            Style::DoubleQuoted => Origin::of_quoted(self.text, span, s, true),
                        };
                        (s.clone(), origin)
                    }
                };
                let ty = match (&node.tag, style) {
                    (Some(Tag::Core(core)), _) => core_tagged(core, &text),
                    (_, Style::Plain) => resolve_plain(&text),
                    _ => ScalarType::Str,
                };
                ValueKind::Scalar(Scalar {
                    text,
                    style: *style,
                    ty,
                    origin,
                    unresolved: false,
                })
            }
            NodeKind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.resolve(*item, via, depth + 1)?);
                }
                ValueKind::Seq(out)
            }
            NodeKind::Map(entries) => ValueKind::Map(self.resolve_map(entries, via, depth)?),
        };
        Ok(Value {
            kind,
            span,
            via,
            tag,
        })
    }

    fn is_merge_key(&self, id: NodeId) -> bool {
        let node = self.yaml.node(id);
        matches!(
            &node.kind,
            NodeKind::Scalar {
                style: Style::Plain,
                ..
            }
        ) && self.yaml.scalar_text(self.text, id) == Some("<<")
    }

    fn resolve_map(
        &mut self,
        entries: &[(NodeId, NodeId)],
        via: Option<Via>,
        depth: usize,
    ) -> Result<Map, Abort> {
        let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
        // Keys written explicitly win over merged ones, wherever they are.
        let has_merge = entries.iter().any(|(k, _)| self.is_merge_key(*k));
        let explicit: Vec<&str> = if has_merge {
            entries
                .iter()
                .filter(|(k, _)| !self.is_merge_key(*k))
                .filter_map(|(k, _)| self.yaml.scalar_text(self.text, *k))
                .collect()
        } else {
            Vec::new()
        };
        let mut merged_keys: Vec<Box<str>> = Vec::new();
        let mut index: Option<std::collections::HashMap<Box<str>, usize>> = None;
        for (k, v) in entries {
            if has_merge && self.is_merge_key(*k) {
                let sources = self.merge_sources(*v);
                for (source, site) in sources {
                    let merge_via = via.or(Some(Via {
                        span: site,
                        kind: ViaKind::Merge,
                    }));
                    let value = self.resolve(source, merge_via, depth + 1)?;
                    match value.kind {
                        ValueKind::Map(m) => {
                            for e in m.entries {
                                if explicit.contains(&&*e.key.text) || merged_keys.contains(&e.key.text) {
                                    continue;
                                }
                                merged_keys.push(e.key.text.clone());
                                if let Some(index) = index.as_mut() {
                                    index.insert(e.key.text.clone(), out.len());
                                }
                                out.push(e);
                            }
                        }
                        ValueKind::Invalid => {}
                        _ => self.problems.push(Problem {
                            kind: ProblemKind::Syntax,
                            span: site,
                            message: format!(
                                "the merge key `<<` needs a mapping or a list of mappings, found {}",
                                value.type_name()
                            ),
                            related: Vec::new(),
                        }),
                    }
                }
                continue;
            }
            let key_node = self.yaml.node(*k);
            let key_span = self.span(*k);
            let key_text: Box<str> = match &key_node.kind {
                NodeKind::Scalar { .. } => {
                    self.yaml.scalar_text(self.text, *k).unwrap_or("").into()
                }
                NodeKind::Alias { target } => match self.yaml.scalar_text(self.text, *target) {
                    Some(t) => t.into(),
                    None => {
                        self.non_string_key(key_span);
                        continue;
                    }
                },
                NodeKind::Invalid => continue,
                _ => {
                    self.non_string_key(key_span);
                    continue;
                }
            };
            let value = self.resolve(*v, via, depth + 1)?;
            let entry = Entry {
                key: Key {
                    text: key_text,
                    span: key_span,
                    via,
                },
                value,
            };
            // A duplicate key (already reported): the last occurrence wins.
            let prev = if out.len() > 16 {
                let index = index.get_or_insert_with(|| {
                    out.iter()
                        .enumerate()
                        .map(|(i, e)| (e.key.text.clone(), i))
                        .collect()
                });
                match index.get(&entry.key.text) {
                    Some(&i) => Some(i),
                    None => {
                        index.insert(entry.key.text.clone(), out.len());
                        None
                    }
                }
            } else {
                out.iter().position(|e| e.key.text == entry.key.text)
            };
            match prev {
                Some(i) => out[i] = entry,
                None => out.push(entry),
            }
        }
        Ok(Map { entries: out })
    }

    fn non_string_key(&mut self, span: Span) {
        self.problems.push(Problem {
            kind: ProblemKind::Structure,
            span,
            message: "a mapping key must be a string, not a list or a mapping".to_string(),
            related: Vec::new(),
        });
    }

    /// The nodes a `<<` value merges, each with the site to show as "merged
    /// in here".
    fn merge_sources(&mut self, v: NodeId) -> Vec<(NodeId, Span)> {
        match &self.yaml.node(v).kind {
            NodeKind::Seq(items) => items.iter().map(|i| (*i, self.span(*i))).collect(),
            _ => vec![(v, self.span(v))],
        }
    }
}

fn core_tagged(core: &str, text: &str) -> ScalarType {
    match core {
        "str" => ScalarType::Str,
        "null" => ScalarType::Null,
        "bool" | "int" | "float" => match resolve_plain(text) {
            ScalarType::Str | ScalarType::Null => ScalarType::Str,
            t => t,
        },
        _ => resolve_plain(text),
    }
}

/// The blanks of YAML's flow line folding.
const BLANK: [char; 2] = [' ', '\t'];

/// The text of a quoted scalar's content `inner` (between its quotes, at
/// byte `base` of the file), decoded as YAML 1.2 does, with where each part
/// comes from: runs written as they are (verbatim pieces), escapes (a piece
/// each). Line folding: blanks before a line break and at the start of the
/// next line go; the break becomes a space, or one line feed per empty
/// line that follows it; in a double-quoted scalar, `\` before a break
/// removes the break and the next line's leading blanks. `None` for an
/// escape YAML does not have (the parser refused the scalar already).
fn decode_quoted(inner: &str, base: usize, double: bool) -> Option<(String, Vec<Piece>)> {
    let mut text = String::with_capacity(inner.len());
    let mut pieces: Vec<Piece> = Vec::new();
    let at = |i: usize| (base + i) as u32;
    // The run of verbatim characters being read: its start in `inner`.
    let mut run: Option<usize> = None;
    let mut rest = inner;
    while let Some(c) = rest.chars().next() {
        let i = inner.len() - rest.len();
        match c {
            '\\' if double => {
                flush(&mut run, i, inner, &mut text, &mut pieces, base);
                let after = &rest[1..];
                let e = after.chars().next()?;
                if e == '\n' || e == '\r' {
                    // An escaped line break: nothing, nor the next line's
                    // leading blanks; empty lines after it are line feeds.
                    let (empty, next) = fold(after);
                    text.extend(std::iter::repeat_n('\n', empty));
                    rest = next;
                    continue;
                }
                let (decoded, len) = match e {
                    'x' => (hex(after.get(1..3)?)?, 3),
                    'u' => (hex(after.get(1..5)?)?, 5),
                    'U' => (hex(after.get(1..9)?)?, 9),
                    _ => (escaped(e)?, e.len_utf8()),
                };
                let start = text.len() as u32;
                text.push(decoded);
                pieces.push(Piece {
                    text: start..text.len() as u32,
                    source: at(i)..at(i + 1 + len),
                    verbatim: false,
                });
                rest = &after[len..];
            }
            '\'' if !double => {
                flush(&mut run, i, inner, &mut text, &mut pieces, base);
                if !rest[1..].starts_with('\'') {
                    return None;
                }
                let start = text.len() as u32;
                text.push('\'');
                pieces.push(Piece {
                    text: start..start + 1,
                    source: at(i)..at(i + 2),
                    verbatim: false,
                });
                rest = &rest[2..];
            }
            '\n' | '\r' => {
                // Blanks before the break are not content (those written
                // as escapes were flushed as pieces already).
                let end = run.map_or(i, |r| r + inner[r..i].trim_end_matches(BLANK).len());
                flush(&mut run, end, inner, &mut text, &mut pieces, base);
                let (empty, next) = fold(rest);
                rest = next;
                if empty == 0 {
                    text.push(' ');
                } else {
                    text.extend(std::iter::repeat_n('\n', empty));
                }
            }
            _ => {
                if run.is_none() {
                    run = Some(i);
                }
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    flush(&mut run, inner.len(), inner, &mut text, &mut pieces, base);
    Some((text, pieces))
}

/// A line break at the start of `rest` and the empty lines after it: how
/// many empty lines, and the text after them and the next line's leading
/// blanks.
fn fold(rest: &str) -> (usize, &str) {
    let mut empty = 0;
    let mut tail = rest;
    loop {
        tail = tail
            .strip_prefix("\r\n")
            .or_else(|| tail.strip_prefix(['\n', '\r']))
            .unwrap_or(tail);
        let line = tail.trim_start_matches(BLANK);
        if line.starts_with(['\n', '\r']) {
            empty += 1;
            tail = line;
        } else {
            return (empty, line);
        }
    }
}

/// End the verbatim run at byte `end` of `inner`: its text, and a piece.
fn flush(
    run: &mut Option<usize>,
    end: usize,
    inner: &str,
    text: &mut String,
    pieces: &mut Vec<Piece>,
    base: usize,
) {
    if let Some(start) = run.take()
        && end > start
    {
        let t = text.len() as u32;
        text.push_str(&inner[start..end]);
        pieces.push(Piece {
            text: t..text.len() as u32,
            source: (base + start) as u32..(base + end) as u32,
            verbatim: true,
        });
    }
}

/// The character of a one-letter escape of a double-quoted scalar.
fn escaped(e: char) -> Option<char> {
    Some(match e {
        '0' => '\0',
        'a' => '\u{7}',
        'b' => '\u{8}',
        't' | '\t' => '\t',
        'n' => '\n',
        'v' => '\u{b}',
        'f' => '\u{c}',
        'r' => '\r',
        'e' => '\u{1b}',
        ' ' => ' ',
        '"' => '"',
        '/' => '/',
        '\\' => '\\',
        'N' => '\u{85}',
        '_' => '\u{a0}',
        'L' => '\u{2028}',
        'P' => '\u{2029}',
        _ => return None,
    })
}

/// The character of the hexadecimal digits of `\x`, `\u` or `\U`.
fn hex(digits: &str) -> Option<char> {
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    char::from_u32(u32::from_str_radix(digits, 16).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of `key` in a one-document YAML text.
    fn scalar(text: &str, key: &str) -> (Scalar, Span) {
        let limits = Limits::default();
        let yaml = crate::load::yaml::parse(crate::span::FileId(0), text, &limits);
        let root = yaml.documents[0].root.expect("a root");
        let value = Resolver::new(&yaml, text, &limits)
            .resolve_root(root)
            .expect("resolved");
        let v = value.get(key).expect("the key");
        (v.as_scalar().expect("a scalar").clone(), v.span)
    }

    /// Every piece's text is the source's, and the pieces hold every
    /// character of the value but blanks and line breaks.
    fn mapped(text: &str, key: &str) -> Vec<Piece> {
        let (s, _) = scalar(text, key);
        let Origin::Pieces(pieces) = &s.origin else {
            panic!("{key}: {:?}", s.origin);
        };
        let mut covered = vec![false; s.text.len()];
        for p in pieces.iter() {
            let (t, src) = (p.text.start as usize..p.text.end as usize, p.source.clone());
            assert_eq!(
                &s.text[t.clone()],
                &text[src.start as usize..src.end as usize]
            );
            covered[t].fill(true);
        }
        for (i, c) in s.text.char_indices() {
            assert!(
                covered[i] || c.is_whitespace(),
                "{key}: {c:?} at {i} not mapped"
            );
        }
        pieces.to_vec()
    }

    #[test]
    fn scalars_over_lines_map_line_by_line() {
        let text = "literal: |\n  one ${A}\n    more\n\n  two\nfolded: >-\n  a b\n  c\r\n\n  d\nplain: x\n  y  \n  \tz\nkeep: |+\n  k\n\n";
        assert_eq!(mapped(text, "literal").len(), 3);
        assert_eq!(mapped(text, "folded").len(), 3);
        assert_eq!(mapped(text, "plain").len(), 3);
        assert_eq!(mapped(text, "keep").len(), 1);
        // One line is written as it is: exact.
        let (s, span) = scalar("k: |-\n  only\n", "k");
        assert_eq!(s.origin, Origin::Exact(span.start));
    }

    /// The pieces of a quoted scalar: each verbatim piece's text is the
    /// source's, each other piece an escape (`\\...` or `''`) standing for
    /// its text; the pieces follow one another in the text and the source,
    /// and only folded blanks and line breaks are left between them.
    fn mapped_quoted(text: &str, key: &str) -> (Box<str>, Vec<Piece>) {
        let (s, span) = scalar(text, key);
        let pieces = match &s.origin {
            Origin::Pieces(pieces) => pieces.to_vec(),
            Origin::Exact(start) => vec![Piece {
                text: 0..s.text.len() as u32,
                source: *start..*start + s.text.len() as u32,
                verbatim: true,
            }],
            Origin::Whole => panic!("{text:?}: not mapped"),
        };
        let mut last = (0, span.start + 1);
        for p in &pieces {
            let (t, src) = (
                p.text.start as usize..p.text.end as usize,
                p.source.start as usize..p.source.end as usize,
            );
            let written = &text[src.clone()];
            if p.verbatim {
                assert_eq!(&s.text[t.clone()], written, "{text:?}");
            } else {
                assert!(
                    written.starts_with('\\') || written == "''",
                    "{text:?}: {written:?}"
                );
            }
            assert!(
                p.text.start >= last.0 && p.source.start >= last.1,
                "{text:?}: {pieces:?}"
            );
            assert!(
                s.text[last.0 as usize..t.start]
                    .chars()
                    .all(|c| c == ' ' || c == '\n'),
                "{text:?}: {:?} not mapped",
                &s.text[last.0 as usize..t.start]
            );
            last = (p.text.end, p.source.end);
        }
        assert!(
            s.text[last.0 as usize..]
                .chars()
                .all(|c| c == ' ' || c == '\n')
        );
        (s.text, pieces)
    }

    #[test]
    fn quoted_scalars_map_their_runs_and_escapes() {
        let (t, p) = mapped_quoted("q: \"a\\tb ${X}\"\n", "q");
        assert_eq!((&*t, p.len()), ("a\tb ${X}", 3));
        assert_eq!(p[1].source, 5..7);
        let (t, p) = mapped_quoted("q: 'it''s ${X}'\n", "q");
        assert_eq!((&*t, p.len()), ("it's ${X}", 3));
        // Folded: blanks around a break go, the break is a space or one
        // line feed per empty line; an escaped break is nothing.
        let (t, _) = mapped_quoted("q: \"one  \n    two\n\n  \n  three\"\n", "q");
        assert_eq!(&*t, "one two\n\nthree");
        let (t, _) = mapped_quoted("q: 'one\r\n  two\r\n\r\n  three'\n", "q");
        assert_eq!(&*t, "one two\nthree");
        let (t, _) = mapped_quoted("q: \"a \\\n    b\\\n\n  c\"\n", "q");
        assert_eq!(&*t, "a b\nc");
        // Escaped blanks before a break stay.
        let (t, _) = mapped_quoted("q: \"a\\t \n b\"\n", "q");
        assert_eq!(&*t, "a\t b");
        let (t, p) = mapped_quoted("q: \"\\x41\\u00e9\\U0001F600\\\\\\\"\\/\\N\\_\\0\"\n", "q");
        assert_eq!(&*t, "Aé😀\\\"/\u{85}\u{a0}\0");
        assert_eq!(p.len(), 9);
        // Written as it is: exact.
        let (s, span) = scalar("q: \"plain\"\n", "q");
        assert_eq!(s.origin, Origin::Exact(span.start + 1));
    }

    #[test]
    fn quoted_scalars_agree_with_the_parser() {
        // Values written with random escapes, blanks and folds: the
        // decoding here must give the parser's text (`mapped_quoted` fails
        // on `Whole`), and the pieces must map it.
        let piece = proptest::sample::select(vec![
            "a", "$", "${X}", "é", " ", "\t", "\\t", "\\\"", "\\x20", "\\u00E9", "\\ ", "\\\\",
            "'", " \n   ", "\n\n  ", "\r\n ", "\\\n  ", "\\\n\n ", "\\\r\n\t",
        ]);
        proptest::proptest!(|(parts in proptest::collection::vec(piece, 1..12))| {
            let written: String = parts.concat();
            mapped_quoted(&format!("q: \"x{written}x\"\n"), "q");
            let single: String = written.replace('\\', "").replace('\'', "''");
            mapped_quoted(&format!("q: 'x{single}x'\n"), "q");
        });
    }

    /// The binary search finds the pieces the scan finds, with empty pieces
    /// and ranges, at every position.
    #[test]
    fn touching_pieces_are_those_a_scan_finds() {
        use proptest::prelude::*;
        // Pieces as (gap before, length), laid out in order.
        proptest!(|(layout in proptest::collection::vec((0u32..3, 0u32..4), 0..12), a in 0u32..40, len in 0u32..6)| {
            let mut at = 0;
            let pieces: Vec<Piece> = layout
                .iter()
                .map(|&(gap, n)| {
                    at += gap;
                    let p = Piece { text: at..at + n, source: at..at + n, verbatim: true };
                    at += n;
                    p
                })
                .collect();
            let b = a + len;
            let scan: Vec<&Piece> = pieces
                .iter()
                .filter(|p| p.text.start < b.max(a + 1) && a < p.text.end.max(p.text.start + 1))
                .collect();
            let found: Vec<&Piece> = Piece::touching(&pieces, a, b).iter().collect();
            prop_assert_eq!(found, scan);
        });
    }

    #[test]
    fn scalars_whose_lines_are_not_found_stay_whole() {
        // A quoted scalar whose decoding is not its text: a span without
        // its quotes.
        let source = "q: \"a\\tb\"\n";
        let (_, span) = scalar(source, "q");
        assert_eq!(Origin::of_quoted(source, span, "a b", true), Origin::Whole);
        let inner = Span {
            start: span.start + 1,
            ..span
        };
        assert_eq!(
            Origin::of_quoted(source, inner, "a\tb", true),
            Origin::Whole
        );
        // A value that the lines do not make.
        let source = "k: |\n  one\n  two\n";
        let (_, span) = scalar(source, "k");
        assert_eq!(
            Origin::of_lines(source, span, "one\nthree\n"),
            Origin::Whole
        );
        assert_eq!(
            Origin::of_lines(source, span, "one\ntwo\nmore"),
            Origin::Whole
        );
    }

    #[test]
    fn plain_scalars_resolve_like_yaml_1_2() {
        assert_eq!(resolve_plain(""), ScalarType::Null);
        assert_eq!(resolve_plain("~"), ScalarType::Null);
        assert_eq!(resolve_plain("true"), ScalarType::Bool(true));
        assert_eq!(resolve_plain("yes"), ScalarType::Str);
        assert_eq!(resolve_plain("off"), ScalarType::Str);
        assert_eq!(resolve_plain("42"), ScalarType::Int(42));
        assert_eq!(resolve_plain("-7"), ScalarType::Int(-7));
        assert_eq!(resolve_plain("0x1F"), ScalarType::Int(31));
        assert_eq!(resolve_plain("0o17"), ScalarType::Int(15));
        assert_eq!(resolve_plain("0.5"), ScalarType::Float(0.5));
        assert_eq!(resolve_plain(".5"), ScalarType::Float(0.5));
        assert_eq!(resolve_plain("1e3"), ScalarType::Float(1000.0));
        assert_eq!(resolve_plain("22:22"), ScalarType::Str);
        assert_eq!(resolve_plain("1.2.3"), ScalarType::Str);
        assert_eq!(resolve_plain("."), ScalarType::Str);
        assert_eq!(resolve_plain("-"), ScalarType::Str);
        assert_eq!(resolve_plain("512m"), ScalarType::Str);
    }
}
