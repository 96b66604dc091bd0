//! `container-name-duplicate`: two services with the same `container_name`.
//! Docker container names are unique on a host, so Compose refuses the
//! project.

use std::collections::HashMap;

use crate::diag::Finding;
use crate::rules::Context;

use super::{doc_position, via_of_other};

crate::declare_rule! {
    id: "container-name-duplicate",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "Two services set the same container_name",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // Document order: where each name is written (or merged in), then the
    // service's position. Two services taking the name from one anchor share
    // its span, so the position decides.
    let mut named: Vec<_> = cx
        .project
        .services
        .values()
        .filter_map(|s| s.container_name.as_ref().map(|c| (s, c)))
        .collect();
    named.sort_by_key(|(s, c)| (doc_position(c.span, c.via), s.index));
    // The raw text is compared: two identical texts give the same name once
    // interpolated, whatever the variables hold.
    let mut first: HashMap<&str, (&str, &crate::model::Sp<String>)> = HashMap::new();
    for (s, c) in named {
        let name = s.name.as_str();
        match first.get(c.as_str()) {
            None => {
                first.insert(c.as_str(), (name, c));
            }
            Some((other, earlier)) => {
                let mut f = Finding::new(
                    RULE.id,
                    c.span,
                    format!(
                        "container name `{}` of service `{name}` is already used by service `{other}`",
                        c.value
                    ),
                )
                .via(c.via)
                .related(earlier.span, format!("service `{other}` sets it here"));
                f = via_of_other(f, other, earlier.via);
                out.push(f.help(
                    "give each service its own `container_name`, or remove it and let Compose name the containers `<project>-<service>-<n>`",
                ));
            }
        }
    }
}
