//! `logging-invalid`: logging options the Docker daemon rejects when it
//! creates the container (Compose passes them through unchecked), and
//! rotation settings that have no effect.
//!
//! The option lists and checks mirror moby's `daemon/logger`: the generic
//! options every driver but `none` accepts (`mode`, `max-buffer-size`), and
//! the validators of the `json-file` and `local` drivers. The driver is
//! `json-file` when `logging` has options but no `driver` (the daemon's
//! default, unless the daemon is configured otherwise).

use crate::diag::{Finding, Severity};
use crate::model::Logging;
use crate::model::syntax::Parsed;
use crate::model::syntax::units::{parse_bytes, parse_log_max_file, parse_log_max_size};
use crate::rules::Context;

crate::declare_rule! {
    id: "logging-invalid",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "Logging options the json-file or local driver rejects, or rotation that has no effect",
    check: check,
}

/// Options the `json-file` driver knows (moby `jsonfilelog.ValidateLogOpt`).
pub const JSON_FILE_OPTIONS: &[&str] = &[
    "max-file",
    "max-size",
    "compress",
    "labels",
    "labels-regex",
    "env",
    "env-regex",
    "tag",
];

/// Options the `local` driver knows (moby `local.LogOptKeys`).
pub const LOCAL_OPTIONS: &[&str] = &[
    "max-file",
    "max-size",
    "compress",
    "labels",
    "labels-regex",
    "env",
    "env-regex",
    "tag",
];

/// Options the daemon accepts for every driver but `none`
/// (moby `logger.builtInLogOpts`).
pub const GENERIC_OPTIONS: &[&str] = &["mode", "max-buffer-size"];

/// The driver the daemon uses when `logging.driver` is absent.
const DEFAULT_DRIVER: &str = "json-file";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Driver {
    JsonFile,
    Local,
    Other,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        let Some(l) = &s.logging else { continue };
        check_logging(cx, s.name.as_str(), l, out);
    }
}

fn check_logging(cx: &Context<'_>, service: &str, l: &Logging, out: &mut Vec<Finding>) {
    let (driver_name, driver) = match &l.driver {
        Some(d) if crate::util::has_interpolation(&d.value) => return,
        Some(d) => (
            d.as_str(),
            match d.as_str() {
                "json-file" => Driver::JsonFile,
                "local" => Driver::Local,
                _ => Driver::Other,
            },
        ),
        None if l.options.is_empty() => return,
        None => (DEFAULT_DRIVER, Driver::JsonFile),
    };
    if driver_name == "none" {
        return;
    }
    let implied = if l.driver.is_none() {
        " (the default driver, as `logging` names none)"
    } else {
        ""
    };
    let opt = |name: &str| {
        l.option(name)
            .and_then(|o| o.value.as_ref().map(|v| (o, v)))
    };
    let resolved = |v: &crate::model::Sp<String>| !crate::util::has_interpolation(&v.value);

    // Generic options.
    let mode = opt("mode").filter(|(_, v)| resolved(v));
    if let Some((_, v)) = mode
        && !matches!(v.as_str(), "blocking" | "non-blocking" | "")
    {
        out.push(
            Finding::new(
                RULE.id,
                v.span,
                format!(
                    "logging `mode` of service `{service}` must be `blocking` or `non-blocking`, found `{}`",
                    v.value
                ),
            )
            .via(v.via)
            .help("the daemon refuses the container (\"logging mode not supported\")"),
        );
    }
    if let Some((o, v)) = opt("max-buffer-size").filter(|(_, v)| resolved(v)) {
        if let Parsed::Err(e) = parse_bytes(&v.value) {
            out.push(
                Finding::new(
                    RULE.id,
                    v.span,
                    format!(
                        "logging `max-buffer-size` of service `{service}` is not a size: {}",
                        e.message
                    ),
                )
                .via(v.via)
                .help("write a size such as `4m`"),
            );
        } else if mode.is_none_or(|(_, m)| m.as_str() != "non-blocking")
            && opt("mode").is_none_or(|(_, m)| resolved(m))
        {
            out.push(
                Finding::new(
                    RULE.id,
                    o.key.span,
                    format!(
                        "logging `max-buffer-size` of service `{service}` needs `mode: non-blocking`"
                    ),
                )
                .via(o.via)
                .help("add `mode: non-blocking` to the logging options, or remove `max-buffer-size`; the daemon refuses the container otherwise"),
            );
        }
    }

    if driver == Driver::Other {
        return;
    }
    let (known, label) = match driver {
        Driver::JsonFile => (JSON_FILE_OPTIONS, "json-file"),
        _ => (LOCAL_OPTIONS, "local"),
    };

    // Unknown options.
    for o in &l.options {
        let key = o.key.as_str();
        if known.contains(&key) || GENERIC_OPTIONS.contains(&key) {
            continue;
        }
        let candidates = known.iter().chain(GENERIC_OPTIONS).copied();
        let hint = crate::util::did_you_mean(key, candidates);
        let mut message = format!(
            "unknown logging option `{key}` for the {label} driver{implied} in service `{service}`"
        );
        if let Some(h) = hint {
            message.push_str(&format!("; did you mean `{h}`?"));
        }
        out.push(
            Finding::new(RULE.id, o.key.span, message)
                .via(o.via)
                .help(format!(
                    "the daemon refuses the container (\"unknown log opt '{key}'\"); the {label} driver knows {}",
                    known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                )),
        );
    }

    // max-size: `Some(true)` set and valid, `None` unknown (unresolved).
    let size_set: Option<bool> = match l.option("max-size") {
        None => Some(false),
        Some(o) => match &o.value {
            None => Some(false),
            Some(v) if !resolved(v) => None,
            Some(v) => match parse_log_max_size(&v.value) {
                Parsed::Ok(_) => Some(true),
                // `local` takes 0 (the daemon only refuses negative sizes).
                Parsed::Err(_)
                    if driver == Driver::Local
                        && matches!(parse_bytes(&v.value), Parsed::Ok(0)) =>
                {
                    Some(true)
                }
                Parsed::Err(e) => {
                    out.push(
                        Finding::new(
                            RULE.id,
                            v.span,
                            format!("logging `max-size` of service `{service}` is invalid: {}", e.message),
                        )
                        .via(v.via)
                        .help("write a positive size with an optional unit `k`, `m` or `g` (powers of 1000), e.g. `max-size: \"100m\"`"),
                    );
                    None
                }
                Parsed::Unresolved => None,
            },
        },
    };

    // max-file: the number of files, `None` when unknown. The defaults are
    // 1 (json-file) and 5 (local).
    let default_files = if driver == Driver::Local { 5 } else { 1 };
    let max_file = opt("max-file");
    let files: Option<i64> = match max_file {
        None => Some(default_files),
        Some((_, v)) if !resolved(v) => None,
        Some((_, v)) => {
            match parse_log_max_file(&v.value) {
                Parsed::Ok(n) => Some(i64::from(n)),
                Parsed::Err(_) if driver == Driver::Local && is_zero(&v.value) => Some(0),
                Parsed::Err(e) => {
                    out.push(
                    Finding::new(
                        RULE.id,
                        v.span,
                        format!("logging `max-file` of service `{service}` is invalid: {}", e.message),
                    )
                    .via(v.via)
                    .help("write the number of log files to keep, at least 1, e.g. `max-file: \"3\"`"),
                );
                    None
                }
                Parsed::Unresolved => None,
            }
        }
    };

    // compress: `None` when unknown. Off by default for json-file, on for
    // local.
    let compress = opt("compress");
    let compressing: Option<bool> = match compress {
        None => Some(driver == Driver::Local),
        Some((_, v)) if !resolved(v) => None,
        Some((_, v)) => {
            let b = go_bool(&v.value);
            if b.is_none() {
                out.push(
                    Finding::new(
                        RULE.id,
                        v.span,
                        format!(
                            "logging `compress` of service `{service}` must be `true` or `false`, found `{}`",
                            v.value
                        ),
                    )
                    .via(v.via)
                    .help("write `compress: \"true\"` or `compress: \"false\"`"),
                );
            }
            b
        }
    };

    match driver {
        Driver::JsonFile => {
            if let (Some(true), Some((_, c))) = (compressing, compress) {
                let why = match (size_set, files) {
                    (Some(false), _) => Some("`max-size` is not set"),
                    (_, Some(n)) if n < 2 => Some("`max-file` is less than 2"),
                    _ => None,
                };
                if let Some(why) = why {
                    out.push(
                        Finding::new(
                            RULE.id,
                            c.span,
                            format!(
                                "logging `compress` of service `{service}` needs rotation, but {why}"
                            ),
                        )
                        .via(c.via)
                        .help("compression applies to rotated files: set `max-size` and a `max-file` of at least 2; the daemon refuses the container (\"compress cannot be true when max-file is less than 2 or max-size is not set\")"),
                    );
                }
            }
            if let Some((o, v)) = max_file
                && size_set == Some(false)
                && files.is_some_and(|n| n > 1)
            {
                out.push(
                    Finding::new(
                        RULE.id,
                        v.span,
                        format!(
                            "logging `max-file` of service `{service}` has no effect without `max-size`: the json-file driver{implied} rotates by size only"
                        ),
                    )
                    .via(o.via)
                    .severity(Severity::Warning.min(cx.severity()))
                    .help("add `max-size` (e.g. `max-size: \"100m\"`); without it the log file grows without bound"),
                );
            }
        }
        Driver::Local => {
            if let (Some(true), Some(n), Some((_, v))) = (compressing, files, max_file)
                && n <= 1
            {
                out.push(
                    Finding::new(
                        RULE.id,
                        v.span,
                        format!(
                            "logging `max-file` of service `{service}` is {n}, but the local driver compresses rotated files and then needs at least 2"
                        ),
                    )
                    .via(v.via)
                    .help("set `max-file` to 2 or more, or `compress: \"false\"`; the daemon refuses the container (\"compression cannot be enabled when max file count is 1\")"),
                );
            }
        }
        Driver::Other => {}
    }
}

/// `0`, `00`, `+0`: a zero for Go's `strconv.Atoi`.
fn is_zero(s: &str) -> bool {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|c| c == b'0')
}

/// Go's `strconv.ParseBool`.
fn go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}
