use crate::diag::{Finding, Severity};
use crate::load::ProblemKind;
use crate::rules::Context;

crate::declare_rule! {
    id: "interpolation-unset",
    category: Correctness,
    production: Warning,
    development: Warning,
    fixable: No,
    summary: "A variable that no environment source sets",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for p in &cx.project.problems {
        match p.kind {
            ProblemKind::VariableUnset => out.push(
                super::problem_finding(RULE.id, p)
                    .label("not set")
                    .help("set it in the environment or in `.env`, or give it a default (`${NAME:-value}`); if the container's shell should expand it, escape it as `$$NAME`"),
            ),
            ProblemKind::VariableRequired => out.push(
                super::problem_finding(RULE.id, p)
                    .label("required")
                    .severity(Severity::Error)
                    .help("Compose refuses to load the file until the variable is set (in the environment, in `.env` or with `--env-file`)"),
            ),
            _ => {}
        }
    }
}
