//! `volumes-unquoted`: short-syntax `volumes` entries of a service written
//! without quotes, when the quotes are not needed: the same text written
//! plain must read back as the same string. Entries that need their quotes
//! (a `: ` or ` #` inside, a leading `*`, `&`, `!`..., text a YAML parser
//! would read as a number, a boolean or null) are left alone.

use std::collections::HashSet;

use crate::diag::Finding;
use crate::load::ScalarType;
use crate::load::value::resolve_plain;
use crate::load::yaml::{NodeKind, Style};
use crate::rules::Context;
use crate::rules::style::ports_quoted::sexagesimal;
use crate::rules::style::tree::FileView;

crate::declare_rule! {
    id: "volumes-unquoted",
    category: Style,
    production: Off,
    development: Off,
    fixable: Safe,
    summary: "A short-syntax volume in quotes it does not need",
    check: check,
}

/// Whether `text` written as a plain scalar reads back as the same string,
/// in block context or, with `flow`, inside `[...]`; also for YAML 1.1
/// parsers (no `yes`/`on`/base-60 lookalikes).
pub fn plain_safe(text: &str, flow: bool) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if text.trim() != text || text.contains(['\n', '\r', '\t']) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if text.contains(": ") || text.contains(" #") || text.ends_with(':') {
        return false;
    }
    if flow && text.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    if text.chars().any(|c| c.is_control() || c == '\u{feff}') {
        return false;
    }
    let yaml11 = matches!(
        text.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null" | "~"
    ) || sexagesimal(text).is_some();
    !yaml11 && resolve_plain(text) == ScalarType::Str
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for view in FileView::all(cx.project) {
        let mut seen = HashSet::new();
        for root in view.roots() {
            for s in view.services(root) {
                let Some(volumes) = view.get(s.node, "volumes") else {
                    continue;
                };
                let flow = view.is_flow(volumes.node);
                for &item in view.items(volumes.node) {
                    if !seen.insert(item) {
                        continue;
                    }
                    let NodeKind::Scalar { style, .. } = view.kind(item) else {
                        continue;
                    };
                    if !matches!(style, Style::SingleQuoted | Style::DoubleQuoted)
                        || view.yaml.node(item).tag.is_some()
                    {
                        continue;
                    }
                    let written = view.source_text(item);
                    let Some(value) = view.scalar(item) else {
                        continue;
                    };
                    if written.contains(['\n', '\r']) || !plain_safe(value, flow) {
                        continue;
                    }
                    let f = Finding::new(
                        RULE.id,
                        view.span(item),
                        format!(
                            "volume `{written}` of service `{}` is in quotes it does not need",
                            s.name
                        ),
                    )
                    .label("quoted");
                    out.push(view.fix_unless_shared(
                        f,
                        format!("write `{value}` without quotes"),
                        item,
                        s.via.or(volumes.via),
                        "remove the quotes".to_string(),
                        value.to_string(),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::plain_safe;

    #[test]
    fn plain_only_when_it_reads_back_the_same() {
        for ok in [
            "./data:/data",
            "db-data:/var/lib/postgresql/data:ro",
            "/var/run/docker.sock:/var/run/docker.sock",
            "${DATA_DIR:-./data}:/data",
            "~/.ssh:/root/.ssh:ro",
            "C:\\data:/data",
        ] {
            assert!(plain_safe(ok, false), "{ok}");
        }
        for no in [
            "",
            " ./a:/a",
            "./a: /a",
            "./a #x:/a",
            "*x",
            "&a",
            "!x",
            "-x",
            "'a'",
            "yes",
            "on",
            "1",
            "1.5",
            "null",
            "~",
            "22:22",
            "a:",
            "%x",
            "@x",
            "`x",
        ] {
            assert!(!plain_safe(no, false), "{no}");
        }
        assert!(!plain_safe("a,b", true));
        assert!(plain_safe("a,b", false));
    }
}
