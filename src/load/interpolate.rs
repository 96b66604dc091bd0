//! Compose's interpolation of `${VAR}` in string values (compose-go
//! `template/template.go`), keeping track of where every character of the
//! result comes from.
//!
//! Grammar: `$$` is a literal `$`; `$NAME` and `${NAME}` substitute a
//! variable (`NAME` = `[_A-Za-z][_A-Za-z0-9]*`); `${NAME<op><text>}` with
//! `<op>` one of `:-`, `-`, `:?`, `?`, `:+`, `+`, where `<text>` is itself
//! interpolated when it is used; a `$` followed by anything else is left as
//! it is. Braces are matched by counting `${` openings against `}`, so
//! `${A:-${B:-x}}` nests. Anything else after `${` is invalid.

use std::ops::Range;

/// Where a variable's value is looked up.
pub trait Lookup {
    fn get(&self, name: &str) -> Option<&str>;
}

impl Lookup for std::collections::HashMap<String, String> {
    fn get(&self, name: &str) -> Option<&str> {
        std::collections::HashMap::get(self, name).map(String::as_str)
    }
}

/// A problem met while interpolating one string. Ranges are byte ranges of
/// the template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Issue {
    /// `${` that does not form a valid expression.
    Invalid {
        range: Range<usize>,
        message: String,
    },
    /// A variable without default that no source sets (Compose substitutes
    /// an empty string and warns).
    Unset { range: Range<usize>, name: String },
    /// `${VAR:?msg}` / `${VAR?msg}` with VAR unset (or empty for `:?`):
    /// Compose refuses the file.
    Required {
        range: Range<usize>,
        name: String,
        message: String,
    },
}

/// A piece of the result: `text` (range of the output) produced by
/// `source` (range of the template); `verbatim` when copied literally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub text: Range<usize>,
    pub source: Range<usize>,
    pub verbatim: bool,
}

/// The result of interpolating one string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub text: String,
    pub pieces: Vec<Span>,
    /// A variable without default was unset, or the template is invalid:
    /// the value cannot be known.
    pub unresolved: bool,
    pub issues: Vec<Issue>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// `:-`
    DefaultIfEmpty,
    /// `-`
    DefaultIfUnset,
    /// `:?`
    RequiredNonEmpty,
    /// `?`
    Required,
    /// `:+`
    AltIfNonEmpty,
    /// `+`
    AltIfSet,
}

/// Whether `s` needs interpolating at all.
pub fn has_dollar(s: &str) -> bool {
    s.contains('$')
}

/// Interpolate `template`.
pub fn interpolate(template: &str, env: &dyn Lookup) -> Output {
    let mut out = Output {
        text: String::with_capacity(template.len()),
        pieces: Vec::new(),
        unresolved: false,
        issues: Vec::new(),
    };
    expand(template, 0, env, &mut out, 0);
    out
}

fn is_name_start(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphabetic()
}

fn is_name_char(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphanumeric()
}

/// The index of the `}` closing a `${` that starts at `open` (the `$`),
/// counting nested `${`.
fn closing_brace(s: &str, open: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        if b[i] == b'$' && b.get(i + 1) == Some(&b'{') {
            depth += 1;
            i += 2;
            continue;
        }
        if b[i] == b'}' {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

fn push_literal(out: &mut Output, text: &str, source: Range<usize>) {
    if text.is_empty() {
        return;
    }
    let start = out.text.len();
    out.text.push_str(text);
    // Merge with a preceding verbatim piece that ends where this starts.
    if let Some(last) = out.pieces.last_mut()
        && last.verbatim
        && last.text.end == start
        && last.source.end == source.start
    {
        last.text.end = out.text.len();
        last.source.end = source.end;
        return;
    }
    out.pieces.push(Span {
        text: start..out.text.len(),
        source,
        verbatim: true,
    });
}

fn push_value(out: &mut Output, value: &str, source: Range<usize>) {
    let start = out.text.len();
    out.text.push_str(value);
    out.pieces.push(Span {
        text: start..out.text.len(),
        source,
        verbatim: false,
    });
}

/// Expand `s` (a slice of the template starting at byte `base`) into `out`.
/// `nested` output (defaults) is attributed to the enclosing expression by
/// the caller.
fn expand(s: &str, base: usize, env: &dyn Lookup, out: &mut Output, depth: usize) {
    let b = s.as_bytes();
    let mut i = 0;
    let mut lit_start = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'$') => {
                push_literal(out, &s[lit_start..i], base + lit_start..base + i);
                push_value(out, "$", base + i..base + i + 2);
                i += 2;
                lit_start = i;
            }
            Some(c) if is_name_start(*c) => {
                push_literal(out, &s[lit_start..i], base + lit_start..base + i);
                let mut j = i + 1;
                while j < b.len() && is_name_char(b[j]) {
                    j += 1;
                }
                let name = &s[i + 1..j];
                let range = base + i..base + j;
                match env.get(name) {
                    Some(v) => push_value(out, v, range),
                    None => {
                        out.unresolved = true;
                        out.issues.push(Issue::Unset {
                            range: range.clone(),
                            name: name.to_string(),
                        });
                        push_value(out, "", range);
                    }
                }
                i = j;
                lit_start = i;
            }
            Some(b'{') => {
                push_literal(out, &s[lit_start..i], base + lit_start..base + i);
                let end = closing_brace(s, i);
                let Some(end) = end else {
                    let range = base + i..base + s.len();
                    out.unresolved = true;
                    out.issues.push(Issue::Invalid {
                        range: range.clone(),
                        message: format!("`{}` has no closing `}}`", &s[i..]),
                    });
                    push_value(out, &s[i..], range);
                    i = b.len();
                    lit_start = i;
                    continue;
                };
                braced(&s[i..=end], base + i, env, out, depth);
                i = end + 1;
                lit_start = i;
            }
            // A lone `$`: left as it is.
            _ => i += 1,
        }
    }
    push_literal(out, &s[lit_start..], base + lit_start..base + s.len());
}

/// `${...}` at `base`; `expr` includes `${` and `}`.
fn braced(expr: &str, base: usize, env: &dyn Lookup, out: &mut Output, depth: usize) {
    let range = base..base + expr.len();
    let inner = &expr[2..expr.len() - 1];
    let ib = inner.as_bytes();
    let invalid = |out: &mut Output, message: String| {
        out.unresolved = true;
        out.issues.push(Issue::Invalid {
            range: range.clone(),
            message,
        });
        push_value(out, expr, range.clone());
    };
    if ib.is_empty() || !is_name_start(ib[0]) {
        let why = if ib.is_empty() {
            "`${}` names no variable".to_string()
        } else if ib[0] == b' ' || ib.last() == Some(&b' ') {
            format!("`{expr}` has spaces around the variable name")
        } else if ib[0].is_ascii_digit() {
            format!("`{expr}`: a variable name cannot start with a digit")
        } else {
            format!(
                "`{expr}` is not a variable reference (shell forms like `${{#VAR}}` and `${{!VAR}}` are not supported)"
            )
        };
        return invalid(out, why);
    }
    let mut n = 1;
    while n < ib.len() && is_name_char(ib[n]) {
        n += 1;
    }
    let name = &inner[..n];
    let rest = &inner[n..];
    let (op, arg_offset) = if rest.is_empty() {
        (None, 0)
    } else if rest.starts_with(":-") {
        (Some(Op::DefaultIfEmpty), 2)
    } else if rest.starts_with(":?") {
        (Some(Op::RequiredNonEmpty), 2)
    } else if rest.starts_with(":+") {
        (Some(Op::AltIfNonEmpty), 2)
    } else if rest.starts_with('-') {
        (Some(Op::DefaultIfUnset), 1)
    } else if rest.starts_with('?') {
        (Some(Op::Required), 1)
    } else if rest.starts_with('+') {
        (Some(Op::AltIfSet), 1)
    } else {
        let hint = if rest.starts_with(":=") || rest.starts_with('=') {
            " (assigning a default with `:=` is a shell form Compose does not support; use `:-`)"
        } else if rest.starts_with('/') {
            " (substitution with `/` is a shell form Compose does not support)"
        } else if rest.starts_with(':') {
            " (substrings with `:offset` are a shell form Compose does not support)"
        } else {
            ""
        };
        return invalid(
            out,
            format!(
                "`{expr}` is not a valid expression: after the name `{name}` comes `{rest}`{hint}"
            ),
        );
    };
    let Some(op) = op else {
        match env.get(name) {
            Some(v) => push_value(out, v, range),
            None => {
                out.unresolved = true;
                out.issues.push(Issue::Unset {
                    range: range.clone(),
                    name: name.to_string(),
                });
                push_value(out, "", range);
            }
        }
        return;
    };
    let arg = &rest[arg_offset..];
    let arg_base = base + 2 + n + arg_offset;
    let value = env.get(name);
    let set = value.is_some();
    let non_empty = value.is_some_and(|v| !v.is_empty());
    // Expand the default/message/replacement only when it is used.
    let expand_arg = |out: &mut Output| {
        let mut nested = Output {
            text: String::new(),
            pieces: Vec::new(),
            unresolved: false,
            issues: Vec::new(),
        };
        if depth < 64 {
            expand(arg, arg_base, env, &mut nested, depth + 1);
        }
        out.unresolved |= nested.unresolved;
        out.issues.append(&mut nested.issues);
        nested.text
    };
    match op {
        Op::DefaultIfEmpty | Op::DefaultIfUnset => {
            let use_default = if op == Op::DefaultIfEmpty {
                !non_empty
            } else {
                !set
            };
            if use_default {
                let d = expand_arg(out);
                push_value(out, &d, range);
            } else {
                push_value(out, value.unwrap_or_default(), range);
            }
        }
        Op::RequiredNonEmpty | Op::Required => {
            let missing = if op == Op::RequiredNonEmpty {
                !non_empty
            } else {
                !set
            };
            if missing {
                let message = expand_arg(out);
                out.unresolved = true;
                out.issues.push(Issue::Required {
                    range: range.clone(),
                    name: name.to_string(),
                    message,
                });
                push_value(out, "", range);
            } else {
                push_value(out, value.unwrap_or_default(), range);
            }
        }
        Op::AltIfNonEmpty | Op::AltIfSet => {
            let use_alt = if op == Op::AltIfNonEmpty {
                non_empty
            } else {
                set
            };
            if use_alt {
                let a = expand_arg(out);
                push_value(out, &a, range);
            } else {
                push_value(out, "", range);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn text(t: &str, e: &[(&str, &str)]) -> String {
        interpolate(t, &env(e)).text
    }

    #[test]
    fn the_full_grammar() {
        let e = [("A", "a"), ("EMPTY", "")];
        assert_eq!(text("$A ${A} x$A-y", &e), "a a xa-y");
        assert_eq!(
            text("${EMPTY:-d} ${EMPTY-d} ${UNSET:-d} ${UNSET-d}", &e),
            "d  d d"
        );
        assert_eq!(
            text("${A:+r} ${EMPTY:+r} ${EMPTY+r} ${UNSET+r}", &e),
            "r  r "
        );
        assert_eq!(text("${UNSET:-${A:-x}}", &e), "a");
        assert_eq!(text("${UNSET:-${ALSO:-x}}", &e), "x");
        assert_eq!(text("$$A $$$A", &e), "$A $a");
        assert_eq!(text("cost $1 $@ $ and $", &e), "cost $1 $@ $ and $");
        // The first operator wins: `-` before `:-`.
        assert_eq!(text("${UNSET-b:-c}", &e), "b:-c");
        assert_eq!(text("${A?err}", &e), "a");
    }

    #[test]
    fn unset_and_required_variables() {
        let o = interpolate("image: app:${TAG}", &env(&[]));
        assert!(o.unresolved);
        assert_eq!(
            o.issues,
            [Issue::Unset {
                range: 11..17,
                name: "TAG".into()
            }]
        );
        let o = interpolate("${DB:?set DB please}", &env(&[("DB", "")]));
        assert_eq!(
            o.issues,
            [Issue::Required {
                range: 0..20,
                name: "DB".into(),
                message: "set DB please".into()
            }]
        );
        assert!(
            interpolate("${DB?x}", &env(&[("DB", "")]))
                .issues
                .is_empty()
        );
        // Variables in an unused default are not looked at.
        assert!(
            interpolate("${A:-$NOPE}", &env(&[("A", "1")]))
                .issues
                .is_empty()
        );
        assert!(!interpolate("${NOPE:-x}", &env(&[])).unresolved);
    }

    #[test]
    fn invalid_forms() {
        for t in [
            "${}",
            "${ VAR }",
            "${VAR",
            "${1A}",
            "${VAR.x}",
            "${VAR:=x}",
            "${VAR/a/b}",
            "${#VAR}",
            "${VAR:0:2}",
            "${!VAR}",
        ] {
            let o = interpolate(t, &env(&[("VAR", "v")]));
            assert!(
                matches!(o.issues.as_slice(), [Issue::Invalid { .. }]),
                "{t}: {:?}",
                o.issues
            );
            assert!(o.unresolved, "{t}");
        }
    }

    #[test]
    fn pieces_map_the_result_to_the_template() {
        let o = interpolate("nginx:${TAG:-latest}", &env(&[]));
        assert_eq!(o.text, "nginx:latest");
        assert_eq!(
            o.pieces,
            [
                Span {
                    text: 0..6,
                    source: 0..6,
                    verbatim: true
                },
                Span {
                    text: 6..12,
                    source: 6..20,
                    verbatim: false
                }
            ]
        );
        let o = interpolate("a$$b", &env(&[]));
        assert_eq!(o.text, "a$b");
        assert_eq!(o.pieces.len(), 3);
    }
}

/// Interpolating the string values of a document.
pub mod apply {
    use std::collections::HashSet;
    use std::sync::Arc;

    use super::{Issue, Lookup, interpolate};
    use crate::load::problem::{Problem, ProblemKind};
    use crate::load::value::{Origin, Piece, ScalarType, Value, ValueKind};
    use crate::span::Span;

    /// Interpolate every string value of `root` (never keys), as Compose
    /// does for each file before merging. Problems are appended to
    /// `problems`, once per source position.
    pub fn value(root: &mut Value, env: &dyn Lookup, problems: &mut Vec<Problem>) {
        let mut seen: HashSet<(Span, &'static str)> = HashSet::new();
        walk(root, env, problems, &mut seen, None);
    }

    /// Where a value is, as a chain up to the root on the stack: the
    /// dotted path is spelled out only for a value that has a problem.
    struct Path<'p> {
        part: Part<'p>,
        parent: Option<&'p Path<'p>>,
    }

    enum Part<'p> {
        Key(&'p str),
        Index(usize),
    }

    /// `services.web.environment[0]`.
    fn spell(path: Option<&Path<'_>>) -> String {
        let mut parts = Vec::new();
        let mut at = path;
        while let Some(p) = at {
            parts.push(&p.part);
            at = p.parent;
        }
        let mut out = String::new();
        for part in parts.into_iter().rev() {
            match part {
                Part::Key(k) => {
                    if !out.is_empty() && !k.starts_with('[') {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Part::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    fn walk(
        v: &mut Value,
        env: &dyn Lookup,
        problems: &mut Vec<Problem>,
        seen: &mut HashSet<(Span, &'static str)>,
        path: Option<&Path<'_>>,
    ) {
        match &mut v.kind {
            ValueKind::Map(m) => {
                for e in &mut m.entries {
                    let here = Path {
                        part: Part::Key(&e.key.text),
                        parent: path,
                    };
                    walk(&mut e.value, env, problems, seen, Some(&here));
                }
            }
            ValueKind::Seq(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let here = Path {
                        part: Part::Index(i),
                        parent: path,
                    };
                    walk(item, env, problems, seen, Some(&here));
                }
            }
            ValueKind::Scalar(s) => {
                if s.ty != ScalarType::Str || !s.text.contains('$') {
                    return;
                }
                let out = interpolate(&s.text, env);
                let locate = |r: &std::ops::Range<usize>| s.origin.locate(v.span, r.clone());
                let where_ = if out.issues.is_empty() {
                    String::new()
                } else {
                    spell(path)
                };
                for issue in &out.issues {
                    let (kind, range, message) = match issue {
                        Issue::Invalid { range, message } => (
                            ProblemKind::InterpolationInvalid,
                            range,
                            format!("invalid interpolation format for `{where_}`: {message}"),
                        ),
                        Issue::Unset { range, name } => (
                            ProblemKind::VariableUnset,
                            range,
                            format!(
                                "the variable `{name}` is not set; Compose substitutes an empty string (`{where_}`)"
                            ),
                        ),
                        Issue::Required {
                            range,
                            name,
                            message,
                        } => (
                            ProblemKind::VariableRequired,
                            range,
                            if message.is_empty() {
                                format!(
                                    "required variable `{name}` is missing a value (`{where_}`)"
                                )
                            } else {
                                format!(
                                    "required variable `{name}` is missing a value: {message} (`{where_}`)"
                                )
                            },
                        ),
                    };
                    let span = locate(range);
                    // An anchored value is interpolated once per use: report
                    // it once, where it is written.
                    let key = match kind {
                        ProblemKind::InterpolationInvalid => "invalid",
                        ProblemKind::VariableUnset => "unset",
                        _ => "required",
                    };
                    if seen.insert((span, key)) {
                        problems.push(Problem {
                            kind,
                            span,
                            message,
                            related: v
                                .via
                                .map(|via| (via.span, via.label().to_string()))
                                .into_iter()
                                .collect(),
                        });
                    }
                }
                if out.unresolved {
                    // Keep the text as written: rules do not judge it.
                    s.unresolved = true;
                    return;
                }
                s.origin = match &s.origin {
                    Origin::Exact(start) => Origin::Pieces(Arc::from(
                        out.pieces
                            .iter()
                            .map(|p| Piece {
                                text: p.text.start as u32..p.text.end as u32,
                                source: start + p.source.start as u32..start + p.source.end as u32,
                                verbatim: p.verbatim,
                            })
                            .collect::<Vec<_>>(),
                    )),
                    Origin::Pieces(lines) => Origin::Pieces(Arc::from(through(lines, &out.pieces))),
                    Origin::Whole => Origin::Whole,
                };
                s.text = out.text.into_boxed_str();
            }
            ValueKind::Invalid => {}
        }
    }

    /// The pieces of an interpolated text whose template came in `pieces` (a
    /// scalar written over several lines): each piece of the interpolation maps
    /// through the template's pieces it reads. Copied text stays verbatim where
    /// the template's piece was; a substituted `${...}` covers the source of
    /// the pieces its expression touches.
    fn through(pieces: &[Piece], interpolated: &[super::Span]) -> Vec<Piece> {
        let mut out = Vec::with_capacity(pieces.len() + interpolated.len());
        for p in interpolated {
            let (start, end) = (p.source.start as u32, p.source.end as u32);
            // The template's pieces are never empty: "meets" is the same as
            // for a range of the text.
            let touched = Piece::touching(pieces, start, end).iter();
            if p.verbatim {
                for t in touched {
                    let (a, b) = (start.max(t.text.start), end.min(t.text.end));
                    if a >= b {
                        continue;
                    }
                    let text = p.text.start as u32 + (a - start);
                    // An escape's character (`\t`, `''`) comes from the
                    // whole escape.
                    let source = if t.verbatim {
                        let source = t.source.start + (a - t.text.start);
                        source..source + (b - a)
                    } else {
                        t.source.clone()
                    };
                    out.push(Piece {
                        text: text..text + (b - a),
                        source,
                        verbatim: t.verbatim,
                    });
                }
            } else {
                let hull = touched.fold(None, |hull: Option<std::ops::Range<u32>>, t| {
                    Some(match hull {
                        None => t.source.clone(),
                        Some(h) => h.start.min(t.source.start)..h.end.max(t.source.end),
                    })
                });
                if let Some(source) = hull {
                    out.push(Piece {
                        text: p.text.start as u32..p.text.end as u32,
                        source,
                        verbatim: false,
                    });
                }
            }
        }
        out
    }
}
