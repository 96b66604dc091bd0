//! `container-name-scale`: a fixed `container_name` on a service that runs
//! several containers (`scale` or `deploy.replicas` above 1). Each replica
//! would need the same name, so Compose refuses the project.

use crate::diag::Finding;
use crate::rules::Context;

use super::replica_count;

crate::declare_rule! {
    id: "container-name-scale",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "container_name on a service with scale or deploy.replicas above 1",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        let Some(c) = &s.container_name else { continue };
        let Some(r) = replica_count(s) else { continue };
        if r.count <= 1 {
            continue;
        }
        let name = s.name.as_str();
        let mut f = Finding::new(
            RULE.id,
            c.span,
            format!(
                "service `{name}` sets `container_name` but runs {} containers (`{}: {}`); container names must be unique",
                r.count, r.key, r.count
            ),
        )
        .via(c.via)
        .related(r.span, format!("`{}` set here", r.key));
        f = f.via(r.via);
        out.push(f.help(format!(
            "remove `container_name` so Compose can name the replicas `<project>-{name}-1`, `-2`...; the same applies to `docker compose up --scale {name}=N`, which the linter cannot see"
        )));
    }
}
