//! `healthcheck-invalid`: a `healthcheck` that Compose or the Docker Engine
//! rejects, or that cannot mean what it says.

use std::time::Duration;

use crate::diag::Finding;
use crate::model::syntax::Parsed;
use crate::model::{Healthcheck, Sp};
use crate::rules::Context;

use super::AlreadyReported;

crate::declare_rule! {
    id: "healthcheck-invalid",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "A healthcheck test, duration or retry count that Compose rejects or misreads",
    check: check,
}

/// The words a list-form `test` may start with.
const TEST_KINDS: &[&str] = &["CMD", "CMD-SHELL", "NONE"];

/// The Engine rejects non-zero healthcheck durations below this
/// (`Interval in Healthcheck cannot be less than 1ms`).
const MINIMUM_DURATION: Duration = Duration::from_millis(1);

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let reported = AlreadyReported::new(cx.project);
    for s in cx.project.services.values() {
        let Some(h) = &s.healthcheck else { continue };
        let name = s.name.as_str();
        check_test(name, h, out);
        for (key, label, value) in [
            ("interval", "Interval", &h.interval),
            ("timeout", "Timeout", &h.timeout),
            ("start_period", "StartPeriod", &h.start_period),
            ("start_interval", "StartInterval", &h.start_interval),
        ] {
            if let Some(v) = value
                && !reported.contains(v.span)
            {
                check_duration(name, key, label, v, out);
            }
        }
        if let (Some(si), None) = (&h.start_interval, &h.start_period) {
            out.push(
                Finding::new(
                    RULE.id,
                    si.span,
                    format!(
                        "`healthcheck.start_interval` of service `{name}` is set without `start_period`, which Compose rejects"
                    ),
                )
                .via(si.via)
                .related(h.key, "this `healthcheck` sets no `start_period`")
                .help("add `start_period` (the time the checks run every `start_interval`); `docker compose up` fails with \"healthcheck.start_interval requires healthcheck.start_period to be set\""),
            );
        }
        if let Some(r) = &h.retries
            && !reported.contains(r.span)
        {
            check_retries(name, r, out);
        }
    }
}

fn check_test(name: &str, h: &Healthcheck, out: &mut Vec<Finding>) {
    let Some(test) = &h.test else { return };
    if test.shell_form {
        let Some(text) = test.args.first() else {
            return;
        };
        if text.trim() == "NONE" {
            out.push(
                Finding::new(
                    RULE.id,
                    test.span,
                    format!(
                        "`healthcheck.test` of service `{name}` is the string `NONE`, which runs a shell command named NONE and always fails"
                    ),
                )
                .via(test.via)
                .help("to disable the image's healthcheck write `test: [\"NONE\"]` or `disable: true`; Compose turns a string test into [\"CMD-SHELL\", \"<string>\"]"),
            );
        }
        return;
    }
    let Some(first) = test.args.first() else {
        return;
    };
    if crate::util::has_interpolation(&first.value) || TEST_KINDS.contains(&first.as_str()) {
        return;
    }
    let upper = first.value.to_ascii_uppercase();
    let help = if TEST_KINDS.contains(&upper.as_str()) {
        format!("write `{upper}`: the first item is case-sensitive")
    } else {
        format!(
            "start the list with `CMD` to run `{}` directly (`[\"CMD\", \"{}\", ...]`), or with `CMD-SHELL` to run a shell command line",
            first.value, first.value
        )
    };
    out.push(
        Finding::new(
            RULE.id,
            first.span,
            format!(
                "`healthcheck.test` of service `{name}` must start with \"CMD\", \"CMD-SHELL\" or \"NONE\", not `{}`",
                first.value
            ),
        )
        .via(first.via)
        .help(help),
    );
}

fn check_duration(
    name: &str,
    key: &str,
    label: &str,
    v: &Sp<Parsed<Duration>>,
    out: &mut Vec<Finding>,
) {
    match &v.value {
        Parsed::Err(e) => out.push(
            Finding::new(
                RULE.id,
                v.span,
                format!(
                    "`healthcheck.{key}` of service `{name}` is not a duration: {}",
                    e.message
                ),
            )
            .via(v.via)
            .help("write a number followed by a unit (`us`, `ms`, `s`, `m`, `h`), combinable: `30s`, `1m30s`, `500ms`"),
        ),
        Parsed::Ok(d) if !d.is_zero() && *d < MINIMUM_DURATION => out.push(
            Finding::new(
                RULE.id,
                v.span,
                format!("`healthcheck.{key}` of service `{name}` is below the Engine's minimum of 1ms"),
            )
            .via(v.via)
            .help(format!(
                "use at least `1ms` (or `0` for the default); Docker refuses the container with \"{label} in Healthcheck cannot be less than 1ms\""
            )),
        ),
        _ => {}
    }
}

fn check_retries(name: &str, r: &Sp<Parsed<i64>>, out: &mut Vec<Finding>) {
    let why = match &r.value {
        Parsed::Ok(n) if *n < 0 => "it is negative".to_string(),
        Parsed::Err(e) => e.message.clone(),
        _ => return,
    };
    out.push(
        Finding::new(
            RULE.id,
            r.span,
            format!("`healthcheck.retries` of service `{name}` must be a whole number of at least 0: {why}"),
        )
        .via(r.via)
        .help("write the number of consecutive failures after which the container is unhealthy, e.g. `retries: 3`"),
    );
}
