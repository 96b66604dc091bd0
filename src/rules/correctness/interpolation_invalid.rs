use crate::diag::Finding;
use crate::load::ProblemKind;
use crate::rules::Context;

crate::declare_rule! {
    id: "interpolation-invalid",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "A `${...}` that Compose's interpolation cannot parse",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for p in cx
        .project
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::InterpolationInvalid)
    {
        out.push(
            super::problem_finding(RULE.id, p)
                .label("not a valid `${...}`")
                .help("write `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}`, `${NAME?message}`, `${NAME:+alt}` or `${NAME+alt}`; to pass a literal `$` to the container, escape it as `$$`"),
        );
    }
}
