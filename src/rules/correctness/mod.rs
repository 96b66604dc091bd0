//! Correctness: Compose rejects the file, or `docker compose up` fails.

pub mod duplicate_key;
pub mod extends_invalid;
pub mod include_invalid;
pub mod interpolation_invalid;
pub mod interpolation_unset;
pub mod schema;
pub mod yaml_syntax;

use crate::diag::Finding;
use crate::load::{Problem, ProblemKind};
use crate::rules::Context;

/// Report the loader's problems of some kinds under a rule.
pub(crate) fn report_problems(
    cx: &Context<'_>,
    rule: &'static str,
    kinds: &[ProblemKind],
    out: &mut Vec<Finding>,
) {
    for p in cx
        .project
        .problems
        .iter()
        .filter(|p| kinds.contains(&p.kind))
    {
        out.push(problem_finding(rule, p));
    }
}

pub(crate) fn problem_finding(rule: &'static str, p: &Problem) -> Finding {
    let mut f = Finding::new(rule, p.span, p.message.clone());
    for (span, label) in &p.related {
        f = f.related(*span, label.clone());
    }
    f
}
