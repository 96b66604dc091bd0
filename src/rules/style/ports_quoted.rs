//! `ports-quoted`: every short-syntax `ports` entry quoted, with the
//! configured quote style (`quote: double`, the default, or `single`).
//!
//! Quoting matters for `HOST:CONTAINER` numbers: a YAML 1.1 parser
//! (docker-compose v1, PyYAML and the tools built on it) reads an unquoted
//! `22:22` as the base-60 integer 1342. Entries with a variable
//! (`${PORT}:80`) or a lone number have no such problem, but the convention
//! quotes every entry so nobody has to know which ones matter. An entry
//! that could not be written in the configured style without escapes is
//! left alone; so are long-syntax entries, tagged values and block scalars.

use std::collections::HashSet;

use crate::diag::Finding;
use crate::load::yaml::{NodeKind, Style};
use crate::rules::style::tree::FileView;
use crate::rules::{Context, OptionKind, OptionSpec};

crate::declare_rule! {
    id: "ports-quoted",
    category: Style,
    production: Off,
    development: Off,
    fixable: Safe,
    summary: "A short-syntax port not quoted (or quoted in the other style)",
    options: [OptionSpec {
        name: "quote",
        kind: OptionKind::Choice(&["double", "single"]),
        help: "`double` (the default) or `single`, the quotes ports must use",
    }],
    check: check,
}

/// The value of `22:22`-like text for a YAML 1.1 parser, when it reads it
/// as a base-60 integer.
pub fn sexagesimal(text: &str) -> Option<u64> {
    let mut parts = text.split(':');
    let first = parts.next()?;
    if first.is_empty()
        || !first.bytes().all(|b| b.is_ascii_digit() || b == b'_')
        || !first.as_bytes()[0].is_ascii_digit()
        || first.starts_with('0')
    {
        return None;
    }
    let mut value: u64 = first.replace('_', "").parse().ok()?;
    let mut any = false;
    for p in parts {
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let d: u64 = p.parse().ok()?;
        if d >= 60 {
            return None;
        }
        value = value.checked_mul(60)?.checked_add(d)?;
        any = true;
    }
    any.then_some(value)
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let single = cx.options.string("quote") == Some("single");
    let (q, want, other) = if single {
        ('\'', "single quotes", "double quotes")
    } else {
        ('"', "double quotes", "single quotes")
    };
    for view in FileView::all(cx.project) {
        let mut seen = HashSet::new();
        for root in view.roots() {
            for s in view.services(root) {
                let Some(ports) = view.get(s.node, "ports") else {
                    continue;
                };
                for &item in view.items(ports.node) {
                    if !seen.insert(item) {
                        continue;
                    }
                    let NodeKind::Scalar { style, .. } = view.kind(item) else {
                        continue;
                    };
                    if view.yaml.node(item).tag.is_some() {
                        continue;
                    }
                    let written = view.source_text(item);
                    if written.contains(['\n', '\r']) {
                        continue;
                    }
                    let (content, message, label) = match style {
                        Style::Plain => (
                            written,
                            format!("port `{written}` of service `{}` is not quoted", s.name),
                            "not quoted",
                        ),
                        Style::SingleQuoted if !single => (
                            &written[1..written.len() - 1],
                            format!(
                                "port `{written}` of service `{}` is in {other}; the configured style is {want}",
                                s.name
                            ),
                            "other quotes",
                        ),
                        Style::DoubleQuoted if single => (
                            &written[1..written.len() - 1],
                            format!(
                                "port `{written}` of service `{}` is in {other}; the configured style is {want}",
                                s.name
                            ),
                            "other quotes",
                        ),
                        _ => continue,
                    };
                    // Text the configured style cannot hold as written (an
                    // escape, a quote inside) needs its own quoting.
                    let needs_other = content.contains(['\\', '"', '\''])
                        || (*style == Style::SingleQuoted && content.contains("''"));
                    if needs_other {
                        continue;
                    }
                    let quoted = format!("{q}{content}{q}");
                    let help = match sexagesimal(content) {
                        Some(n) if *style == Style::Plain => format!(
                            "write {quoted}: a YAML 1.1 parser (docker-compose v1, PyYAML) reads the unquoted `{content}` as the base-60 number {n}"
                        ),
                        _ => format!(
                            "write {quoted}; the convention quotes every port entry with {want}"
                        ),
                    };
                    let f = Finding::new(RULE.id, view.span(item), message).label(label);
                    out.push(view.fix_unless_shared(
                        f,
                        help,
                        item,
                        s.via.or(ports.via),
                        format!("write {quoted}"),
                        quoted,
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sexagesimal;

    #[test]
    fn base_60_like_yaml_1_1() {
        assert_eq!(sexagesimal("22:22"), Some(1342));
        assert_eq!(sexagesimal("1:2:3"), Some(3723));
        assert_eq!(sexagesimal("8080:80"), None);
        assert_eq!(sexagesimal("80"), None);
        assert_eq!(sexagesimal("0:22"), None);
        assert_eq!(sexagesimal("${P}:22"), None);
        assert_eq!(sexagesimal("127.0.0.1:22:22"), None);
    }
}
