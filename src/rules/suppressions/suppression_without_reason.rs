use crate::diag::Finding;
use crate::rules::Context;

crate::declare_rule! {
    id: "suppression-without-reason",
    category: Suppressions,
    production: Off,
    development: Off,
    fixable: No,
    summary: "A suppression comment that does not say why (with --require-reason)",
    check: check,
}

/// Reported by `crate::suppress` once every rule has run.
fn check(_: &Context<'_>, _: &mut Vec<Finding>) {}
