//! `log-rotation`: the effective logging driver is `json-file` (written, or
//! implied when `logging.driver` is absent) and `max-size` is not set.

use std::sync::LazyLock;

use crate::diag::{Edit, Finding, Fix};
use crate::model::Service;
use crate::rules::Context;

crate::declare_rule! {
    id: "log-rotation",
    category: Reliability,
    production: Warning,
    development: Off,
    fixable: Unsafe,
    summary: "Container logs that are never rotated (json-file without max-size)",
    check: check,
}

/// Docker's default logging driver, used when `logging.driver` is absent.
pub const DEFAULT_DRIVER: &str = "json-file";
/// The options the fix adds (knowledge card 8).
pub const MAX_SIZE: &str = "100m";
pub const MAX_FILE: &str = "3";

/// Made once: hundreds of findings share it.
static HELP: LazyLock<String> = LazyLock::new(|| {
    [
        "set `max-size` under `logging.options` (knowledge card 8: `max-size: \"",
        MAX_SIZE,
        "\"`, `max-file: \"",
        MAX_FILE,
        "\"`), or use the `local` driver, which rotates by default",
    ]
    .concat()
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        if super::is_fragment(cx, s) {
            continue;
        }
        let name = &s.name.value;
        let logging = s.logging.as_ref();
        let driver = logging.and_then(|l| l.driver.as_ref());
        if let Some(d) = driver
            && d.as_str() != DEFAULT_DRIVER
        {
            // `local` rotates by default; other drivers are out of scope; an
            // unresolved driver is not judged.
            continue;
        }
        if logging.is_some_and(|l| l.option("max-size").is_some()) {
            continue;
        }
        let max_file = logging.and_then(|l| l.option("max-file"));
        let how = if driver.is_some() {
            "uses the `json-file` logging driver"
        } else {
            "logs with Docker's default `json-file` driver"
        };
        let rest = match max_file {
            Some(_) => " with `max-file` but without `max-size`, so its log is never rotated",
            None => " without `max-size`, so its log grows without bound",
        };
        let message = ["service `", name, "` ", how, rest].concat();
        let body = cx.project.raw_service(s);
        let (span, via) = body
            .and_then(|b| super::nearest_key(b, &["logging", "options"]))
            .unwrap_or((s.name.span, s.name.via));
        let mut f = Finding::new(RULE.id, span, message).via(via);
        if let Some(d) = driver {
            f = f.related(d.span, "the driver is set here").via(d.via);
        }
        if let Some(m) = max_file {
            f = f.related(m.key.span, "`max-file` has no effect without `max-size`");
        }
        f = f.help(HELP.as_str());
        f = f.fix(cx.fix(|| fix(cx, s, max_file.is_some())));
        out.push(f);
    }
}

/// Add `max-size` (and `max-file` when absent) where they belong: at the end
/// of `logging.options`, as a new `options` at the end of `logging`, or as a
/// new `logging` block at the end of the service. Only in block mappings
/// written in the service itself (not in an anchor shared with others).
fn fix(cx: &Context<'_>, s: &Service, has_max_file: bool) -> Option<Fix> {
    let body = cx.project.raw_service(s)?;
    let mut options = vec![format!("max-size: \"{MAX_SIZE}\"")];
    if !has_max_file {
        options.push(format!("max-file: \"{MAX_FILE}\""));
    }
    let project = cx.project;
    let file = project.sources.get(body.span.file);
    let column_of = |span: crate::span::Span| {
        let line = file.lines.line_of(span.start as usize);
        span.start as usize - file.lines.line_start(line)
    };
    let (end, lines) = match body.as_map()?.entry("logging") {
        None => {
            let end = super::block_map_end(project, body)?;
            let step = end
                .column
                .checked_sub(column_of(s.name.span))
                .filter(|s| *s > 0)?;
            let mut lines = vec![
                (0, "logging:".to_string()),
                (step, format!("driver: {DEFAULT_DRIVER}")),
                (step, "options:".to_string()),
            ];
            lines.extend(options.into_iter().map(|o| (2 * step, o)));
            (end, lines)
        }
        Some(logging) => {
            if logging.key.via.is_some() {
                return None;
            }
            match logging.value.as_map()?.entry("options") {
                None => {
                    let end = super::block_map_end(project, &logging.value)?;
                    let step = end
                        .column
                        .checked_sub(column_of(logging.key.span))
                        .filter(|s| *s > 0)?;
                    let mut lines = vec![(0, "options:".to_string())];
                    lines.extend(options.into_iter().map(|o| (step, o)));
                    (end, lines)
                }
                Some(opts) => {
                    if opts.key.via.is_some() {
                        return None;
                    }
                    let end = super::block_map_end(project, &opts.value)?;
                    (end, options.into_iter().map(|o| (0, o)).collect())
                }
            }
        }
    };
    if end.at.file != s.name.span.file {
        return None;
    }
    let title = if has_max_file {
        format!("set `max-size: \"{MAX_SIZE}\"`")
    } else {
        format!("set `max-size: \"{MAX_SIZE}\"` and `max-file: \"{MAX_FILE}\"`")
    };
    Some(Fix::unsafe_(
        title,
        vec![Edit {
            span: end.at,
            replacement: super::indented_lines(&end, &lines),
        }],
    ))
}
