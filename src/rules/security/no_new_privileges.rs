//! `no-new-privileges`: `security_opt` does not enable `no-new-privileges`,
//! or disables it explicitly.
//!
//! Docker reads the entries in order and the last `no-new-privileges` entry
//! wins. Accepted spellings: `no-new-privileges`, `no-new-privileges:true`,
//! `no-new-privileges=true` (the value as Go's `strconv.ParseBool` reads it,
//! and `true`/`false` in any case).

use crate::diag::{Edit, Finding, Fix};
use crate::load::{Entry, ValueKind};
use crate::model::{Project, Service, Sp};
use crate::rules::{Context, edits};
use crate::span::Span;
use crate::util::has_interpolation;

crate::declare_rule! {
    id: "no-new-privileges",
    category: Security,
    production: Warning,
    development: Off,
    fixable: Safe,
    summary: "A service does not set `no-new-privileges`",
    check: check,
}

const ENTRY: &str = "no-new-privileges:true";

/// What the `security_opt` entries of a service say about
/// `no-new-privileges`.
#[derive(Debug)]
enum Setting<'s> {
    Enabled,
    Disabled(&'s Sp<String>),
    /// A value Docker refuses (`no-new-privileges:maybe`).
    Invalid(&'s Sp<String>, String),
    /// Depends on a variable that is not resolved.
    Unknown,
    Missing,
}

/// A `no-new-privileges` value as Docker parses it (`strconv.ParseBool`,
/// with `true`/`false` in any case).
fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "t" | "1" => Some(true),
        "false" | "f" | "0" => Some(false),
        _ => None,
    }
}

fn setting(s: &Service) -> Setting<'_> {
    let mut out = Setting::Missing;
    for opt in &s.security_opt {
        let (key, value) = super::split_security_opt(&opt.value);
        if key != "no-new-privileges" {
            continue;
        }
        out = match value {
            None => Setting::Enabled,
            Some(_) if has_interpolation(&opt.value) => Setting::Unknown,
            Some((v, _)) => match parse_bool(v) {
                Some(true) => Setting::Enabled,
                Some(false) => Setting::Disabled(opt),
                None => Setting::Invalid(opt, v.to_string()),
            },
        };
    }
    out
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        let name = &s.name.value;
        match setting(s) {
            Setting::Enabled | Setting::Unknown => {}
            Setting::Disabled(opt) => out.push(
                Finding::new(
                    RULE.id,
                    opt.span,
                    format!(
                        "service `{name}` explicitly allows its processes to gain privileges (`{}`)",
                        opt.value
                    ),
                )
                .via(opt.via)
                .help("write `no-new-privileges:true` unless the service must run setuid programs (then say why in a comment)"),
            ),
            Setting::Invalid(opt, v) => out.push(
                Finding::new(
                    RULE.id,
                    opt.span,
                    format!(
                        "service `{name}` sets `no-new-privileges` to `{v}`, which Docker does not accept as a boolean"
                    ),
                )
                .via(opt.via)
                .help("write `no-new-privileges:true`"),
            ),
            Setting::Missing => out.push(missing(cx, s)),
        }
    }
}

fn missing(cx: &Context<'_>, s: &Service) -> Finding {
    let project = cx.project;
    let name = &s.name.value;
    let help = "add `security_opt: [\"no-new-privileges:true\"]`: setuid and setgid programs in the image then cannot raise the privileges of the process that runs them";
    match super::service_entry(project, s, "security_opt") {
        Some(e) => {
            let mut f = Finding::new(
                RULE.id,
                e.key.span,
                [
                    "service `",
                    name,
                    "` sets `security_opt` without `no-new-privileges:true`",
                ]
                .concat(),
            )
            .via(e.key.via)
            .help(help);
            f = f.fix(cx.fix(|| {
                Some(Fix::safe(
                    "add `no-new-privileges:true` to `security_opt`",
                    add_to_list(project, e)?,
                ))
            }));
            f
        }
        None => {
            let mut f = Finding::new(
                RULE.id,
                s.name.span,
                [
                    "service `",
                    name,
                    "` does not set `no-new-privileges:true` in `security_opt`",
                ]
                .concat(),
            )
            .via(s.name.via)
            .help(help);
            f = f.fix(cx.fix(|| {
                Some(Fix::safe(
                    "add `security_opt: [no-new-privileges:true]`",
                    add_block(project, s)?,
                ))
            }));
            f
        }
    }
}

fn insert(at: Span, text: String) -> Edit {
    Edit {
        span: Span {
            end: at.start,
            ..at
        },
        replacement: text,
    }
}

/// Where the next line starts after the line holding `span.end`, and
/// whether that line ends the file without a line break.
fn after_line(project: &Project, span: Span) -> (Span, bool) {
    let file = project.sources.get(span.file);
    let last = (span.end as usize)
        .saturating_sub(1)
        .max(span.start as usize);
    let line = edits::whole_line(project, Span::new(span.file, last, last));
    let ends_without_break =
        !file.text[line.range()].ends_with('\n') && !file.text[line.range()].ends_with('\r');
    (
        Span::new(span.file, line.end as usize, line.end as usize),
        ends_without_break,
    )
}

/// Add the entry to an existing `security_opt` list (block or flow style),
/// unless the list is shared through an anchor.
fn add_to_list(project: &Project, e: &Entry) -> Option<Vec<Edit>> {
    if super::is_shared(e.key.via) || super::is_shared(e.value.via) {
        return None;
    }
    let ValueKind::Seq(items) = &e.value.kind else {
        return None;
    };
    let text = project.sources.slice(e.value.span);
    let nl = edits::newline(project, e.value.span);
    if text.starts_with('[') {
        return Some(vec![match items.last() {
            Some(last) if last.span.file == e.value.span.file => insert(
                Span {
                    start: last.span.end,
                    ..last.span
                },
                format!(", {ENTRY}"),
            ),
            Some(_) => return None,
            None => Edit {
                span: e.value.span,
                replacement: format!("[{ENTRY}]"),
            },
        }]);
    }
    if !text.starts_with('-') {
        return None;
    }
    let last = items.last()?;
    if last.span.file != e.value.span.file || super::is_shared(last.via) {
        return None;
    }
    // The column of the `-` of the items.
    let dash = edits::column(project, e.value.span);
    let (at, eof) = after_line(project, last.span);
    let line = format!("{}- {ENTRY}", " ".repeat(dash));
    Some(vec![insert(
        at,
        if eof {
            format!("{nl}{line}")
        } else {
            format!("{line}{nl}")
        },
    )])
}

/// Add a `security_opt` block to a service written as a block mapping in
/// this file (not through an alias, `extends` or another file).
fn add_block(project: &Project, s: &Service) -> Option<Vec<Edit>> {
    let entry = project.raw_services()?.entries.get(s.index)?;
    if entry.key.via.is_some() || entry.value.via.is_some() {
        return None;
    }
    let map = entry.value.as_map()?;
    let file = entry.key.span.file;
    if project.sources.slice(entry.value.span).starts_with('{') {
        return None;
    }
    // The indentation of the service's keys: an own key, or the `<<` line
    // of a merge key written in the body.
    let indent = map
        .entries
        .iter()
        .find(|k| k.key.via.is_none() && k.key.span.file == file)
        .map(|k| edits::column(project, k.key.span))
        .or_else(|| {
            map.entries.iter().find_map(|k| {
                k.key
                    .via
                    .filter(|v| {
                        v.span.file == file
                            && v.span.start > entry.key.span.end
                            && entry.value.span.contains(v.span)
                    })
                    .map(|v| edits::indent_of_line(project, v.span))
            })
        })?;
    if indent <= edits::column(project, entry.key.span) {
        return None;
    }
    let nl = edits::newline(project, entry.key.span);
    let (at, eof) = after_line(project, entry.key.span);
    if eof {
        return None;
    }
    let pad = " ".repeat(indent);
    Some(vec![insert(
        at,
        format!("{pad}security_opt:{nl}{pad}  - {ENTRY}{nl}"),
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_as_docker_reads_them() {
        assert_eq!(parse_bool("true"), Some(true));
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool("1"), Some(true));
        assert_eq!(parse_bool("False"), Some(false));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("yes"), None);
        assert_eq!(parse_bool(""), None);
    }
}
