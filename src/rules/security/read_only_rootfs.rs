//! `read-only-rootfs`: a service does not set `read_only: true`. Off in both
//! presets: most images write somewhere and need `tmpfs` mounts first.

use crate::diag::Finding;
use crate::model::syntax::Parsed;
use crate::rules::Context;

crate::declare_rule! {
    id: "read-only-rootfs",
    category: Security,
    production: Off,
    development: Off,
    fixable: No,
    summary: "A service's root filesystem is writable",
    check: check,
}

const HELP: &str = "add `read_only: true`, with `tmpfs:` mounts (`/tmp`, `/run`) and volumes for the paths the service writes";

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        let name = &s.name.value;
        match &s.read_only {
            Some(v) => match v.value {
                Parsed::Ok(true) | Parsed::Unresolved | Parsed::Err(_) => {}
                Parsed::Ok(false) => out.push(
                    Finding::new(
                        RULE.id,
                        v.span,
                        format!(
                            "service `{name}` keeps a writable root filesystem (`read_only: {}`)",
                            cx.project.sources.slice(v.span)
                        ),
                    )
                    .via(v.via)
                    .help(HELP),
                ),
            },
            None => out.push(
                Finding::new(
                    RULE.id,
                    s.name.span,
                    format!(
                        "service `{name}` has a writable root filesystem (no `read_only: true`)"
                    ),
                )
                .via(s.name.via)
                .help(HELP),
            ),
        }
    }
}
