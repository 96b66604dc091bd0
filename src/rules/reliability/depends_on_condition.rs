//! `depends-on-condition`: an explicit `depends_on` entry (short form, or
//! long form with `service_started` or no `condition`) on a service that
//! has a healthcheck.

use crate::diag::{Edit, Finding, Fix};
use crate::load::Value;
use crate::model::{Project, Service};
use crate::rules::Context;
use crate::rules::edits;
use crate::span::Span;

crate::declare_rule! {
    id: "depends-on-condition",
    category: Reliability,
    production: Warning,
    development: Warning,
    fixable: Safe,
    summary: "A dependency on a service with a healthcheck that does not wait for it to be healthy",
    check: check,
}

const HEALTHY: &str = "service_healthy";
const STARTED: &str = "service_started";

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        let flagged: Vec<usize> = s
            .depends_on
            .iter()
            .enumerate()
            .filter(|(_, d)| {
                (d.short || d.condition().trim() == STARTED)
                    && cx
                        .project
                        .service(&d.service.value)
                        .is_some_and(|t| cx.facts.health(t).has_check())
            })
            .map(|(i, _)| i)
            .collect();
        if flagged.is_empty() {
            continue;
        }
        for &i in &flagged {
            let d = &s.depends_on[i];
            let target = &d.service.value;
            let span = if d.short { d.span } else { d.service.span };
            let mut f = Finding::new(
                RULE.id,
                span,
                [
                    "service `",
                    &s.name.value,
                    "` depends on `",
                    target,
                    "` without waiting for it to be healthy",
                ]
                .concat(),
            )
            .via(d.service.via);
            if let Some(c) = &d.condition {
                f = f.related(
                    c.span,
                    "`service_started` only waits for the container to start",
                );
            }
            if let Some(h) = cx
                .project
                .service(target)
                .and_then(|t| t.healthcheck.as_ref())
            {
                f = f.related(h.key, ["`", target, "` has a healthcheck"].concat());
            }
            // As written, the name holds a `${...}` (an interpolated value
            // is no longer one in the model).
            let interpolated =
                crate::util::has_interpolation(cx.project.sources.slice(d.service.span));
            f = f.help(if d.short && interpolated {
                format!(
                    "`{target}` can report when it is ready, but this entry takes the service's \
                     name from a variable, and the long form names it as a mapping key, which \
                     Compose does not interpolate: to wait for `{target}` to be healthy, name it \
                     literally (`{target}: {{condition: {HEALTHY}}}`) and give up the variable, \
                     or silence this finding (knowledge card 4)"
                )
            } else {
                [
                    "`",
                    target,
                    "` can report when it is ready: write `",
                    target,
                    ": {condition: ",
                    HEALTHY,
                    "}` under `depends_on` so that `",
                    &s.name.value,
                    "` starts only once `",
                    target,
                    "` is healthy (knowledge card 4)",
                ]
                .concat()
            });
            f = f.fix(cx.fix(|| fix(cx.project, s, &flagged, i)));
            out.push(f);
        }
    }
}

/// The fix of the flagged entry `i`: the short list rewritten as a mapping
/// (every flagged entry `service_healthy`, the others `service_started`;
/// the same edits for each finding of the list, so applying several of
/// them applies the rewrite once), or the `condition` of the long-form
/// entry set. `None` when the text cannot be edited safely (shared through
/// an anchor, flow style over several lines, several files...).
fn fix(project: &Project, s: &Service, flagged: &[usize], i: usize) -> Option<Fix> {
    let body = project.raw_service(s)?;
    let entry = body.as_map()?.entry("depends_on")?;
    if entry.key.via.is_some() || entry.value.via.is_some() {
        return None;
    }
    let file = entry.key.span.file;
    let mut title = format!(
        "wait for `{}` to be healthy (`condition: {HEALTHY}`)",
        s.depends_on[i].service.value
    );
    let edits = match entry.value.as_seq() {
        Some(items) => {
            let names: Vec<String> = flagged
                .iter()
                .map(|&i| format!("`{}`", s.depends_on[i].service.value))
                .collect();
            title = format!(
                "rewrite `depends_on` as a mapping that waits for {} to be healthy",
                names.join(" and ")
            );
            let names: Vec<&str> = s.depends_on.iter().map(|d| d.service.as_str()).collect();
            let unique = names
                .iter()
                .enumerate()
                .all(|(i, n)| !names[..i].contains(n));
            if !unique || items.len() != s.depends_on.len() {
                return None;
            }
            let conditions: Vec<&str> = (0..items.len())
                .map(|i| {
                    if flagged.contains(&i) {
                        HEALTHY
                    } else {
                        STARTED
                    }
                })
                .collect();
            rewrite_list(project, s, entry.key.span, &entry.value, items, &conditions)?
        }
        None => {
            let map = entry.value.as_map()?;
            let e = map.entry(&s.depends_on[i].service.value)?;
            if e.key.via.is_some() || e.value.via.is_some() {
                return None;
            }
            vec![set_condition(project, &e.value)?]
        }
    };
    if edits.iter().any(|e| e.span.file != file) {
        return None;
    }
    Some(Fix::safe(title, edits))
}

fn text(project: &Project, span: Span) -> &str {
    project.sources.get(span.file).slice(span)
}

/// Set `condition: service_healthy` in a long-form entry's body.
fn set_condition(project: &Project, body: &Value) -> Option<Edit> {
    let map = body.as_map()?;
    if let Some(c) = map.entry("condition") {
        if c.value.via.is_some() || c.value.as_scalar().is_none() {
            return None;
        }
        return Some(Edit {
            span: c.value.span,
            replacement: HEALTHY.to_string(),
        });
    }
    let src = text(project, body.span);
    if src.starts_with('{') {
        let file = project.sources.get(body.span.file);
        if file.lines.line_of(body.span.start as usize)
            != file.lines.line_of(body.span.end as usize - 1)
        {
            return None;
        }
        let inner = src[1..src.len() - 1].trim();
        let at = Span::new(
            body.span.file,
            body.span.start as usize + 1,
            body.span.start as usize + 1,
        );
        return Some(if inner.is_empty() {
            Edit {
                span: Span::new(
                    body.span.file,
                    body.span.start as usize,
                    body.span.end as usize,
                ),
                replacement: format!("{{condition: {HEALTHY}}}"),
            }
        } else {
            Edit {
                span: at,
                replacement: format!("condition: {HEALTHY}, "),
            }
        });
    }
    // A block mapping: a new first line at the indentation of its keys.
    let end = super::block_map_end(project, body)?;
    let file = project.sources.get(body.span.file);
    let line_start = file
        .lines
        .line_start(file.lines.line_of(body.span.start as usize));
    Some(Edit {
        span: Span::new(body.span.file, line_start, line_start),
        replacement: format!(
            "{}condition: {HEALTHY}{}",
            " ".repeat(end.column),
            end.newline
        ),
    })
}

/// Rewrite a short `depends_on` list as a mapping with a condition per
/// entry, keeping comments.
fn rewrite_list(
    project: &Project,
    s: &Service,
    key: Span,
    list: &Value,
    items: &[Value],
    conditions: &[&str],
) -> Option<Vec<Edit>> {
    // Every entry written in the file of the key (a list merged from
    // several files is not rewritten); keys are never interpolated, so an
    // entry written with a variable cannot become a mapping key.
    if items.is_empty()
        || items.iter().any(|i| {
            i.via.is_some()
                || i.span.file != key.file
                || i.as_scalar().is_none()
                || crate::util::has_interpolation(text(project, i.span))
        })
    {
        return None;
    }
    let file = project.sources.get(key.file);
    let src = &*file.text;
    let nl = edits::newline(project, key);
    let key_col = edits::column(project, key);
    let step = key_col
        .checked_sub(edits::column(project, s.name.span))
        .filter(|c| *c > 0 && s.name.span.file == key.file)
        .unwrap_or(2);
    let line_of = |offset: u32| file.lines.line_of(offset as usize);
    if text(project, list.span).starts_with('[') {
        // `depends_on: [a, b]` on one line, nothing after it but spaces.
        let line = line_of(list.span.start);
        if line_of(list.span.end - 1) != line || line_of(key.start) != line {
            return None;
        }
        let range = file.lines.line_range(src, line);
        let inside = |i: &Value| i.span.start >= list.span.start && i.span.end <= list.span.end;
        if !items.iter().all(inside)
            || !src[list.span.end as usize..range.end].trim().is_empty()
            || src[key.end as usize..list.span.start as usize].trim() != ":"
        {
            return None;
        }
        let mut out = String::new();
        for (item, cond) in items.iter().zip(conditions) {
            out.push_str(nl);
            out.push_str(&" ".repeat(key_col + step));
            out.push_str(text(project, item.span));
            out.push(':');
            out.push_str(nl);
            out.push_str(&" ".repeat(key_col + 2 * step));
            out.push_str(&format!("condition: {cond}"));
        }
        return Some(vec![Edit {
            span: Span::new(key.file, key.end as usize + 1, list.span.end as usize),
            replacement: out,
        }]);
    }
    // A block list: one `- name` per line.
    let mut edits = Vec::new();
    let mut lines = Vec::new();
    for (item, cond) in items.iter().zip(conditions) {
        let line = line_of(item.span.start);
        if line_of(item.span.end.max(item.span.start + 1) - 1) != line || lines.contains(&line) {
            return None;
        }
        lines.push(line);
        let range = file.lines.line_range(src, line);
        let before = &src[range.start..item.span.start as usize];
        let dash = before.find('-')?;
        if !before[..dash].bytes().all(|b| b == b' ')
            || !before[dash + 1..].bytes().all(|b| b == b' ')
        {
            return None;
        }
        let col = if dash > key_col { dash } else { key_col + step };
        let rest = &src[item.span.end as usize..range.end];
        edits.push(Edit {
            span: Span::new(key.file, range.start, range.end),
            replacement: format!(
                "{}{}:{rest}{nl}{}condition: {cond}",
                " ".repeat(col),
                text(project, item.span),
                " ".repeat(col + step),
            ),
        });
    }
    Some(edits)
}
