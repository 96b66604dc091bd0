use crate::diag::Finding;
use crate::load::ProblemKind;
use crate::rules::Context;

crate::declare_rule! {
    id: "yaml-syntax",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "The file is not well-formed YAML, is not UTF-8, or exceeds a resource budget",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    super::report_problems(
        cx,
        RULE.id,
        &[ProblemKind::Syntax, ProblemKind::Budget],
        out,
    );
}
