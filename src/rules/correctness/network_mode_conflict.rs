//! `network-mode-conflict`: `network_mode` together with `networks`, and
//! published ports on a service that does not have its own network stack.

use crate::diag::Finding;
use crate::rules::Context;

crate::declare_rule! {
    id: "network-mode-conflict",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "network_mode with networks, or ports with network_mode host, service:x or container:x",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        let Some(mode) = &s.network_mode else {
            continue;
        };
        // An unresolved mode may become empty, which is no mode at all.
        if crate::util::has_interpolation(&mode.value) || mode.value.is_empty() {
            continue;
        }
        let name = s.name.as_str();
        let m = mode.as_str();
        if !s.networks.is_empty() {
            let mut f = Finding::new(
                RULE.id,
                mode.span,
                format!("service `{name}` declares both `network_mode` and `networks`, which are mutually exclusive"),
            )
            .via(mode.via);
            if let Some(k) = s.networks_key {
                f = f.related(k, "`networks` set here");
            }
            out.push(f.help(
                "keep `networks` to attach the service to project networks, or `network_mode` to use another network stack (`host`, `none`, `service:<name>`); Compose refuses the file",
            ));
        }
        let (why, help) = if m == "host" {
            (
                "uses the host's network stack, so published ports are discarded".to_string(),
                "remove `ports`: with `network_mode: host` the service listens on the host's ports directly".to_string(),
            )
        } else if let Some(other) = m
            .strip_prefix("service:")
            .or_else(|| m.strip_prefix("container:"))
        {
            (
                "shares another container's network stack, and Docker refuses to publish ports in that mode".to_string(),
                format!("publish the ports on `{other}`, whose network stack this service joins"),
            )
        } else {
            continue;
        };
        for p in &s.ports {
            out.push(
                Finding::new(
                    RULE.id,
                    p.span,
                    format!("service `{name}` publishes a port but `network_mode: {m}` {why}"),
                )
                .via(p.via)
                .related(mode.span, "`network_mode` set here")
                .help(help.clone()),
            );
        }
    }
}
