//! `healthcheck-missing`: a service without an effective healthcheck; at
//! the preset's severity when another service depends on it, at info for
//! other long-running services. Services scaled to zero are not started by
//! `up`, so nothing waits for them.

use std::borrow::Cow;

use crate::diag::{Finding, Severity};
use crate::model::Service;
use crate::rules::Context;
use crate::rules::facts::Health;

crate::declare_rule! {
    id: "healthcheck-missing",
    category: Reliability,
    production: Warning,
    development: Info,
    fixable: No,
    summary: "A service without a healthcheck, so nothing can wait for it to be ready",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        let name = &s.name.value;
        if cx.facts.is_one_shot(name) || super::scaled_to_zero(s) || super::is_fragment(cx, s) {
            continue;
        }
        let health = cx.facts.health(s);
        let (what, related) = match health {
            Health::Check(_) => continue,
            Health::Missing => ("has no healthcheck", None),
            Health::Disabled(h) => {
                let at = h
                    .disable
                    .as_ref()
                    .map(|d| d.span)
                    .or(h.test.as_ref().map(|t| t.span))
                    .unwrap_or(h.key);
                ("has its healthcheck disabled", Some((at, "disabled here")))
            }
            Health::Incomplete(h) => (
                "has a `healthcheck` without a `test`",
                Some((
                    h.key,
                    "no `test` here, and the image is not known to define one",
                )),
            ),
        };
        let dependents: Vec<_> = cx
            .facts
            .dependents(name)
            .iter()
            .filter(|(d, _)| *d != name.as_str())
            .collect();
        let mut f = if let Some((first, _)) = dependents.first() {
            let others = dependents.len() - 1;
            let mut message = ["service `", name, "` ", what, ", but `", first, "`"].concat();
            if others == 0 {
                message.push_str(" depends");
            } else {
                message.push_str(" and ");
                crate::util::push_decimal(&mut message, others);
                message.push_str(" other service");
                message.push_str(plural(others));
                message.push_str(" depend");
            }
            message.push_str(" on it");
            Finding::new(RULE.id, s.name.span, message)
        } else {
            Finding::new(
                RULE.id,
                s.name.span,
                ["service `", name, "` ", what].concat(),
            )
            .severity(Severity::Info)
        };
        f = f.via(s.name.via);
        if let Some((span, label)) = related {
            f = f.related(span, label);
        }
        for (d, edge) in &dependents {
            f = f.related(
                edge.span,
                ["`", d, "` depends on it here (", edge.kind.describe(), ")"].concat(),
            );
        }
        let waiters: Vec<&str> = dependents.iter().map(|(d, _)| *d).collect();
        out.push(f.help(help(cx, s, &waiters)));
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The help when nothing is known of the image.
macro_rules! unknown_image_help {
    () => {
        "add a `healthcheck:` whose `test` checks that the service answers, with a tool the \
         image ships (for example `[\"CMD\", \"curl\", \"-f\", \"http://localhost:PORT/health\"]`)"
    };
}

/// The end of the help when no service depends on this one.
macro_rules! alone {
    () => {
        ". Docker then reports whether the service is healthy"
    };
}

/// Borrowed when nothing is known of the image and no service depends on
/// this one (most findings).
fn help(cx: &Context<'_>, s: &Service, waiters: &[&str]) -> Cow<'static, str> {
    let name = &s.name.value;
    let known = if s.build.is_none() {
        cx.facts.image_facts(name)
    } else {
        None
    };
    let mut help = match known.and_then(|k| k.healthcheck_yaml().map(|y| (k, y))) {
        Some((k, test)) => {
            let mut h = ["add `healthcheck:` with `test: ", &test, "`"].concat();
            if let Some(needs) = &k.healthcheck_needs {
                h.push_str(" (it needs ");
                h.push_str(needs);
                h.push_str(" in the image)");
            }
            if let Some(note) = &k.healthcheck_note {
                h.push_str("; ");
                h.push_str(note);
            }
            h
        }
        None if waiters.is_empty() => {
            return Cow::Borrowed(concat!(unknown_image_help!(), alone!()));
        }
        None => unknown_image_help!().to_string(),
    };
    match waiters {
        [] => help.push_str(alone!()),
        [one] => {
            help.push_str(". Then make `");
            help.push_str(one);
            help.push_str("` wait for it: `depends_on: {");
            help.push_str(name);
            help.push_str(": {condition: service_healthy}}` (knowledge card 4)");
        }
        _ => {
            help.push_str(". Then make the services that depend on it wait for it: `depends_on: {");
            help.push_str(name);
            help.push_str(": {condition: service_healthy}}` (knowledge card 4)");
        }
    }
    Cow::Owned(help)
}
