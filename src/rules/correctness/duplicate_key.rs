use crate::diag::Finding;
use crate::load::ProblemKind;
use crate::rules::Context;

crate::declare_rule! {
    id: "duplicate-key",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "A mapping holds the same key twice",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for p in cx
        .project
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::DuplicateKey)
    {
        let mut f = super::problem_finding(RULE.id, p).label("written again here");
        if p.message.contains("`<<`") {
            f = f.help("merge several anchors with one key: `<<: [*a, *b]`");
        } else {
            f = f.help("remove one of the two; Compose refuses the file, and other YAML tools silently keep only the last");
        }
        out.push(f);
    }
}
