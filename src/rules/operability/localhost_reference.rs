//! `localhost-reference`: a service reaches `localhost` (or `127.0.0.0/8`,
//! `::1`) on a port that another service serves. Inside a container,
//! localhost is the container itself; other services are reached by their
//! service name (knowledge card 5).
//!
//! Also implicit references: an image known to dial a peer on localhost
//! unless a variable is set (Milvus's `ETCD_ENDPOINTS`, `MINIO_ADDRESS`),
//! when the variable is absent and a service of the project serves the
//! peer.

use std::cell::OnceCell;

use crate::diag::Finding;
use crate::model::syntax::ports::PortRange;
use crate::model::{Service, State};
use crate::rules::Context;
use crate::rules::knowledge::Peer;

use super::hosts::{HostKind, NetMode, Place, net_mode};

crate::declare_rule! {
    id: "localhost-reference",
    category: Operability,
    production: Warning,
    development: Warning,
    fixable: No,
    summary: "A service reaches `localhost` on a port that another service serves",
    check: check,
}

/// The container ports a service serves: the targets of its `ports`, its
/// `expose` entries and its image's default ports (knowledge base).
fn served(cx: &Context<'_>, s: &Service) -> Vec<PortRange> {
    let mut out: Vec<PortRange> = s
        .ports
        .iter()
        .filter_map(|p| p.target.as_ref().map(|t| t.value))
        .collect();
    out.extend(s.expose.iter().filter_map(|e| e.range));
    if let Some(f) = cx.facts.image_facts(&s.name.value) {
        out.extend(f.ports.iter().map(|&p| PortRange::single(p)));
    }
    out
}

/// A service that serves a port in another service's namespace, and the
/// name to reach it by.
struct Server<'a> {
    service: &'a Service,
    /// The service whose name reaches it: itself, or the service whose
    /// network namespace it joins (`network_mode: service:X`).
    address: &'a str,
}

/// Who serves a port (`serves` says whether a service does), seen from
/// service `a`: `None` when a service in `a`'s namespace serves it (one
/// with `network_mode: service:a`), else the other services reachable on
/// the project's networks that serve it.
fn servers<'a>(
    cx: &Context<'a>,
    a: &Service,
    serves: impl Fn(usize, &Service) -> bool,
) -> Option<Vec<Server<'a>>> {
    let mut out = Vec::new();
    for (i, b) in cx.project.services.values().enumerate() {
        if !serves(i, b) {
            continue;
        }
        let address = match net_mode(b) {
            NetMode::Networks => b.name.as_str(),
            NetMode::Service(x) => x,
            _ => continue,
        };
        if address == a.name.as_str() {
            return None;
        }
        out.push(Server {
            service: b,
            address,
        });
    }
    Some(out)
}

fn names(servers: &[Server<'_>]) -> String {
    let names: Vec<String> = servers
        .iter()
        .map(|s| format!("`{}`", s.service.name.value))
        .collect();
    match names.as_slice() {
        [one] => format!("service {one}"),
        [init @ .., last] => format!("services {} and {last}", init.join(", ")),
        [] => String::new(),
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // The ports each service serves (in the order of the services), found
    // once for the project when a reference needs them.
    let all_served = OnceCell::new();
    for (i, a) in cx.project.services.values().enumerate() {
        // With `network_mode: host` localhost is the host; with
        // `service:`/`container:` it is the namespace joined, which is
        // how sidecars are meant to talk.
        if net_mode(a) != NetMode::Networks {
            continue;
        }
        explicit(cx, i, a, &all_served, out);
        implicit(cx, a, out);
    }
}

fn explicit(
    cx: &Context<'_>,
    index: usize,
    a: &Service,
    all_served: &OnceCell<Vec<Vec<PortRange>>>,
    out: &mut Vec<Finding>,
) {
    // A port entry holding an unresolved variable may be any port: the
    // service's own ports are not known.
    if a.ports.iter().any(|p| p.state == State::Unresolved)
        || a.expose.iter().any(|e| e.state == State::Unresolved)
    {
        return;
    }
    let own = served(cx, a);
    let name = &a.name.value;
    // A healthcheck probes its own container, whose ports are often not
    // declared: judge it only when the image's ports are known.
    let known_ports = cx
        .facts
        .image_facts(name)
        .is_some_and(|f| !f.ports.is_empty());
    for (t, r) in cx.facts.host_refs(index, a).iter() {
        let (place, text) = (t.place, t.text);
        if place == Place::Healthcheck && !known_ports {
            continue;
        }
        if r.kind != HostKind::Loopback {
            continue;
        }
        let Some(port) = r.effective_port() else {
            continue;
        };
        if own.iter().any(|p| p.contains(port)) || t.other_address(r.start) {
            continue;
        }
        let all_served = all_served.get_or_init(|| {
            cx.project
                .services
                .values()
                .map(|b| served(cx, b))
                .collect()
        });
        let Some(found) = servers(cx, a, |i, b| {
            b.name.value != *name && all_served[i].iter().any(|p| p.contains(port))
        }) else {
            continue;
        };
        if found.is_empty() {
            continue;
        }
        let written = &text.value[r.range.clone()];
        let with = |s: &Server<'_>| match r.port {
            Some(p) => format!("{}:{p}", s.address),
            None => s.address.to_string(),
        };
        let help = match found.as_slice() {
            [one] => format!("write `{}` instead of `{written}`", with(one)),
            _ => {
                let all: Vec<String> = found.iter().map(|s| format!("`{}`", with(s))).collect();
                format!(
                    "write the address of the service meant ({}) instead of `{written}`",
                    all.join(" or ")
                )
            }
        };
        let mut f = Finding::new(
            RULE.id,
            text.subspan(r.range.clone()),
            format!(
                "service `{name}` reaches `{written}` in {}, but localhost is the `{name}` container itself; port {port} is served by {}",
                place.describe(),
                names(&found)
            ),
        )
        .label(format!("localhost inside `{name}`"))
        .via(text.via)
        .help(help);
        for s in &found {
            f = f.related(s.service.name.span, format!("serves port {port}"));
        }
        out.push(f);
    }
}

fn implicit(cx: &Context<'_>, a: &Service, out: &mut Vec<Finding>) {
    let (Some(facts), Some(img)) = (
        cx.facts.image_facts(&a.name.value),
        cx.facts.image(&a.name.value),
    ) else {
        return;
    };
    if facts.peers.is_empty() {
        return;
    }
    // A mounted configuration file may set the peers; an `env_file` may
    // set the variables.
    let mounts_config = a.volumes.iter().filter_map(|m| m.target.as_ref()).any(|t| {
        let t = t.value.trim_end_matches('/');
        facts
            .config_mounts
            .iter()
            .any(|c| c == t || c.strip_prefix(t).is_some_and(|rest| rest.starts_with('/')))
    });
    if mounts_config || !a.env_file.is_empty() {
        return;
    }
    let own = served(cx, a);
    let name = &a.name.value;
    for peer in &facts.peers {
        if a.environment.iter().any(|kv| kv.key.value == peer.env) {
            continue;
        }
        if own.iter().any(|p| p.contains(peer.port)) {
            continue;
        }
        let Some(found) = servers(cx, a, |_, b| {
            b.name.value != *name && runs_peer(cx, b, peer)
        }) else {
            continue;
        };
        let Some(first) = found.first() else {
            continue;
        };
        let mut f = Finding::new(
            RULE.id,
            img.span,
            format!(
                "service `{name}` does not set `{}`, so `{}` dials its default `{}`, the `{name}` container itself; port {} is served by {}",
                peer.env,
                img.reference.repository(),
                peer.default,
                peer.port,
                names(&found)
            ),
        )
        .label(format!("dials `{}` unless `{}` is set", peer.default, peer.env))
        .via(img.via)
        .help(format!(
            "set `{}: {}:{}` in the `environment` of `{name}`",
            peer.env, first.address, peer.port
        ));
        for s in &found {
            f = f.related(s.service.name.span, format!("serves port {}", peer.port));
        }
        out.push(f);
    }
}

/// Whether a service runs an image that serves a peer.
fn runs_peer(cx: &Context<'_>, b: &Service, peer: &Peer) -> bool {
    cx.facts
        .image(&b.name.value)
        .is_some_and(|i| peer.served_by.iter().any(|r| r == i.reference.repository()))
}
