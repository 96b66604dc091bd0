//! `restart-policy`: a long-running service with neither `restart` nor
//! `deploy.restart_policy`.

use crate::diag::Finding;
use crate::rules::Context;

crate::declare_rule! {
    id: "restart-policy",
    category: Reliability,
    production: Info,
    development: Off,
    fixable: No,
    summary: "A long-running service without a restart policy",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        if s.restart.is_some()
            || s.deploy
                .as_ref()
                .is_some_and(|d| d.restart_policy.is_some())
            || cx.facts.is_one_shot(&s.name.value)
            || super::scaled_to_zero(s)
            || super::is_fragment(cx, s)
        {
            continue;
        }
        out.push(
            Finding::new(
                RULE.id,
                s.name.span,
                ["service `", &s.name.value, "` has no restart policy"].concat(),
            )
            .via(s.name.via)
            .help(
                "without `restart`, a container that crashes, or every container after the host \
                 reboots, stays stopped: add `restart: unless-stopped` (or `on-failure`), or \
                 `restart: \"no\"` to make staying down a deliberate choice",
            ),
        );
    }
}
