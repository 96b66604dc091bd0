//! `healthcheck-missing`: a service without an effective healthcheck; at
//! the preset's severity when another service depends on it, at info for
//! other long-running services. Services scaled to zero are not started by
//! `up`, so nothing waits for them.

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
            Health::Missing => ("has no healthcheck".to_string(), None),
            Health::Disabled(h) => {
                let at = h
                    .disable
                    .as_ref()
                    .map(|d| d.span)
                    .or(h.test.as_ref().map(|t| t.span))
                    .unwrap_or(h.key);
                (
                    "has its healthcheck disabled".to_string(),
                    Some((at, "disabled here")),
                )
            }
            Health::Incomplete(h) => (
                "has a `healthcheck` without a `test`".to_string(),
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
            let who = if others == 0 {
                format!("`{first}` depends")
            } else {
                format!(
                    "`{first}` and {others} other service{} depend",
                    plural(others)
                )
            };
            Finding::new(
                RULE.id,
                s.name.span,
                format!("service `{name}` {what}, but {who} on it"),
            )
        } else {
            Finding::new(RULE.id, s.name.span, format!("service `{name}` {what}"))
                .severity(Severity::Info)
        };
        f = f.via(s.name.via);
        if let Some((span, label)) = related {
            f = f.related(span, label);
        }
        for (d, edge) in &dependents {
            f = f.related(
                edge.span,
                format!("`{d}` depends on it here ({})", edge.kind.describe()),
            );
        }
        let waiters: Vec<&str> = dependents.iter().map(|(d, _)| *d).collect();
        out.push(f.help(help(cx, s, &waiters)));
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn help(cx: &Context<'_>, s: &Service, waiters: &[&str]) -> String {
    let name = &s.name.value;
    let known = if s.build.is_none() {
        cx.facts.image_facts(name)
    } else {
        None
    };
    let mut help = match known.and_then(|k| k.healthcheck_yaml().map(|y| (k, y))) {
        Some((k, test)) => {
            let mut h = format!("add `healthcheck:` with `test: {test}`");
            if let Some(needs) = &k.healthcheck_needs {
                h.push_str(&format!(" (it needs {needs} in the image)"));
            }
            if let Some(note) = &k.healthcheck_note {
                h.push_str(&format!("; {note}"));
            }
            h
        }
        None => "add a `healthcheck:` whose `test` checks that the service answers, with a tool \
                 the image ships (for example `[\"CMD\", \"curl\", \"-f\", \
                 \"http://localhost:PORT/health\"]`)"
            .to_string(),
    };
    match waiters {
        [] => help.push_str(". Docker then reports whether the service is healthy"),
        [one] => help.push_str(&format!(
            ". Then make `{one}` wait for it: `depends_on: {{{name}: {{condition: service_healthy}}}}` \
             (knowledge card 4)"
        )),
        _ => help.push_str(&format!(
            ". Then make the services that depend on it wait for it: \
             `depends_on: {{{name}: {{condition: service_healthy}}}}` (knowledge card 4)"
        )),
    }
    help
}
