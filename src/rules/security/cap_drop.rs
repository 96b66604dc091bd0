//! `cap-drop`: a service does not drop every capability (`cap_drop: [ALL]`)
//! before adding back the ones it needs. Off in both presets: many images
//! need some of Docker's default capabilities (`CHOWN`, `SETUID`...).

use crate::diag::Finding;
use crate::rules::Context;

crate::declare_rule! {
    id: "cap-drop",
    category: Security,
    production: Off,
    development: Off,
    fixable: No,
    summary: "A service keeps Docker's default capabilities instead of dropping them all",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        if s.cap_drop
            .iter()
            .any(|c| super::cap_add::canonical(&c.value) == "ALL")
        {
            continue;
        }
        let name = &s.name.value;
        let f = match super::service_entry(cx.project, s, "cap_drop") {
            Some(e) => Finding::new(
                RULE.id,
                e.key.span,
                format!("service `{name}` drops some capabilities but not `ALL`"),
            )
            .via(e.key.via),
            None => Finding::new(
                RULE.id,
                s.name.span,
                format!(
                    "service `{name}` keeps Docker's default capabilities (no `cap_drop: [ALL]`)"
                ),
            )
            .via(s.name.via),
        };
        out.push(f.help(
            "add `cap_drop: [ALL]` and add back only the capabilities the service needs with `cap_add` (for example `NET_BIND_SERVICE` to listen on a port below 1024)",
        ));
    }
}
