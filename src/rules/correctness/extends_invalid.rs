use crate::diag::{Finding, Severity};
use crate::load::ProblemKind;
use crate::rules::Context;

crate::declare_rule! {
    id: "extends-invalid",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "An `extends` that Compose cannot resolve: missing service or file, or a cycle",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for p in &cx.project.problems {
        match p.kind {
            ProblemKind::ExtendsInvalid => out.push(
                super::problem_finding(RULE.id, p)
                    .help("`extends.service` must name a service of the same file, or of `extends.file` (relative to this file); chains must not loop"),
            ),
            ProblemKind::ExtendsRemote => out.push(super::problem_finding(RULE.id, p).severity(Severity::Info)),
            _ => {}
        }
    }
}
