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
    let mut out = String::new();
    if let Some(h) = &p.published {
        h.value.push_to(&mut out);
        out.push(':');
    }
    if let Some(t) = &p.target {
        t.value.push_to(&mut out);
    }
    if p.protocol_span.is_some() {
        out.push('/');
        out.push_str(p.protocol.as_str());
    }
    out
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        if s.network_mode.as_ref().is_some_and(|m| m.value == "host") {
            continue;
        }
        let name = &s.name.value;
        for p in &s.ports {
            if p.state != State::Ok {
                continue;
            }
            let f = match &p.host_ip {
                Some(ip) => {
                    if !parse_ip(&ip.value).is_some_and(|a| a.is_unspecified()) {
                        continue;
                    }
                    Finding::new(
                        RULE.id,
                        ip.span,
                        [
                            "service `",
                            name,
                            "` binds port `",
                            &describe(p),
                            "` to `",
                            &ip.value,
                            "`, every host interface: ",
                            WHY,
                        ]
                        .concat(),
                    )
                    .via(ip.via)
                }
                None => {
                    let (what, after) = if p.published.is_some() {
                        ("` publishes port `", "`")
                    } else {
                        (
                            "` publishes container port `",
                            "` on an ephemeral host port",
                        )
                    };
                    Finding::new(
                        RULE.id,
                        p.span,
                        [
                            "service `",
                            name,
                            what,
                            &describe(p),
                            after,
                            " on every host interface: ",
                            WHY,
                        ]
                        .concat(),
                    )
                    .via(p.via)
                }
            };
            let mut help = String::with_capacity(HELP_BEFORE.len() + HELP_AFTER.len() + 40);
            help.push_str(HELP_BEFORE);
            match &p.published {
                Some(h) if !p.long => {
                    help.push_str("`\"127.0.0.1:");
                    h.value.push_to(&mut help);
                    help.push(':');
                    if let Some(t) = &p.target {
                        t.value.push_to(&mut help);
                    }
                    help.push_str("\"`");
                }
                None if !p.long => {
                    help.push_str("`\"127.0.0.1::");
                    if let Some(t) = &p.target {
                        t.value.push_to(&mut help);
                    }
                    help.push_str("\"`");
                }
                _ => help.push_str("`host_ip: 127.0.0.1`"),
            }
            help.push_str(HELP_AFTER);
            out.push(f.help(help));
        }
    }
}

const HELP_BEFORE: &str = "bind it to the interface that should receive the traffic: ";
const HELP_AFTER: &str = " for the host only, or the address of one interface; or remove the port if only other services use it (they reach it by service name)";
