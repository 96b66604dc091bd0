use crate::diag::{Finding, Severity};
use crate::load::ProblemKind;
use crate::rules::Context;

crate::declare_rule! {
    id: "include-invalid",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "An `include` that Compose cannot follow: not a list, a missing file, a cycle",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for p in &cx.project.problems {
        match p.kind {
            ProblemKind::IncludeInvalid => out.push(
                super::problem_finding(RULE.id, p)
                    .help("list the Compose files to include, with paths relative to this file (or `project_directory`); included files must not include this one back"),
            ),
            ProblemKind::IncludeRemote => out.push(super::problem_finding(RULE.id, p).severity(Severity::Info)),
            _ => {}
        }
    }
}
