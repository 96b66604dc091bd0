use crate::diag::Finding;
use crate::rules::Context;

crate::declare_rule! {
    id: "unused-suppression",
    category: Suppressions,
    production: Warning,
    development: Warning,
    fixable: No,
    summary: "A suppression comment that silences nothing, names an unknown rule or is malformed",
    check: check,
}

/// Reported by `crate::suppress` once every rule has run.
fn check(_: &Context<'_>, _: &mut Vec<Finding>) {}
