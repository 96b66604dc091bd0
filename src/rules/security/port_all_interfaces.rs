//! `port-all-interfaces`: a published port binds every host interface: no
//! host IP (short syntax without one, container-only entries, long syntax
//! without `host_ip`), or an explicit `0.0.0.0`, `::` or `[::]`.

use crate::diag::Finding;
use crate::model::syntax::ports::parse_ip;
use crate::model::{Port, State};
use crate::rules::Context;

crate::declare_rule! {
    id: "port-all-interfaces",
    category: Security,
    production: Warning,
    development: Off,
    fixable: No,
    summary: "A published port listens on every host interface",
    check: check,
}

const WHY: &str = "Docker's published ports bypass host firewalls such as UFW";

/// How the entry reads in messages: `8080:80`, `80/udp`.
fn describe(p: &Port) -> String {
    let target = p
        .target
        .as_ref()
        .map(|t| t.value.to_string())
        .unwrap_or_default();
    let proto = if p.protocol_span.is_some() {
        format!("/{}", p.protocol)
    } else {
        String::new()
    };
    match &p.published {
        Some(h) => format!("{}:{target}{proto}", h.value),
        None => format!("{target}{proto}"),
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        // Ports of a host-network service are not published (Compose
        // refuses the pair; `network-mode-conflict` reports it).
        if s.network_mode.as_ref().is_some_and(|m| m.value == "host") {
            continue;
        }
        let name = &s.name.value;
        for p in &s.ports {
            if p.state != State::Ok {
                continue;
            }
            let spec = describe(p);
            let f = match &p.host_ip {
                Some(ip) => {
                    if !parse_ip(&ip.value).is_some_and(|a| a.is_unspecified()) {
                        continue;
                    }
                    Finding::new(
                        RULE.id,
                        ip.span,
                        format!(
                            "service `{name}` binds port `{spec}` to `{}`, every host interface: {WHY}",
                            ip.value
                        ),
                    )
                    .via(ip.via)
                }
                None => {
                    let what = if p.published.is_some() {
                        format!("publishes port `{spec}`")
                    } else {
                        format!("publishes container port `{spec}` on an ephemeral host port")
                    };
                    Finding::new(
                        RULE.id,
                        p.span,
                        format!("service `{name}` {what} on every host interface: {WHY}"),
                    )
                    .via(p.via)
                }
            };
            let example = match &p.published {
                Some(h) if !p.long => format!(
                    "`\"127.0.0.1:{}:{}\"`",
                    h.value,
                    p.target
                        .as_ref()
                        .map(|t| t.value.to_string())
                        .unwrap_or_default()
                ),
                None if !p.long => format!(
                    "`\"127.0.0.1::{}\"`",
                    p.target
                        .as_ref()
                        .map(|t| t.value.to_string())
                        .unwrap_or_default()
                ),
                _ => "`host_ip: 127.0.0.1`".to_string(),
            };
            out.push(f.help(format!(
                "bind it to the interface that should receive the traffic: {example} for the host only, or the address of one interface; or remove the port if only other services use it (they reach it by service name)"
            )));
        }
    }
}
