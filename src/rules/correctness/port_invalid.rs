//! `port-invalid`: `ports` and `expose` entries that Compose cannot parse.
//!
//! The short syntaxes are parsed while the model is built (the parsers
//! follow go-connections, which Compose uses); this rule reports what they
//! kept as malformed, plus what only the long syntax can get wrong.

use crate::diag::{Finding, Severity};
use crate::model::State;
use crate::rules::Context;

crate::declare_rule! {
    id: "port-invalid",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "A ports or expose entry that Compose cannot parse",
    check: check,
}

/// The values of a long-syntax port's `mode`.
const PORT_MODES: &[&str] = &["host", "ingress"];

const SHORT_HELP: &str = "write `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`, e.g. `\"127.0.0.1:8080:80\"`, `\"8080:80/udp\"` or `\"3000\"`; ports are 0 to 65535, ranges `START-END`, protocols `tcp`, `udp` or `sctp`";
const LONG_HELP: &str = "a long-syntax port needs `target` (the container port); `published` is a host port or range and the address goes in `host_ip` (`host_ip: 127.0.0.1` with `published: 8080`, not `published: 127.0.0.1:8080`); `protocol` is `tcp`, `udp` or `sctp`";
const EXPOSE_HELP: &str = "write a container port or range with an optional protocol, e.g. `\"3000\"` or `\"8000-8010/udp\"`; to publish a host port use `ports`";

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        let name = s.name.as_str();
        for p in &s.ports {
            if let State::Invalid { span, message } = &p.state {
                out.push(
                    Finding::new(
                        RULE.id,
                        *span,
                        format!("invalid `ports` entry in service `{name}`: {message}"),
                    )
                    .via(p.via)
                    .help(if p.long { LONG_HELP } else { SHORT_HELP }),
                );
                continue;
            }
            if !p.long {
                continue;
            }
            if let Some(t) = &p.target
                && !t.is_single()
            {
                out.push(
                    Finding::new(
                        RULE.id,
                        t.span,
                        format!(
                            "invalid `ports` entry in service `{name}`: the long syntax takes a single `target` port, not the range {}",
                            t.value
                        ),
                    )
                    .via(t.via)
                    .help("write one long-syntax entry per container port, or use the short syntax `\"8000-8010:8000-8010\"` for a range"),
                );
            }
            if let Some(mode) = &p.mode
                && !crate::util::has_interpolation(&mode.value)
                && !PORT_MODES.contains(&mode.as_str())
            {
                let hint = crate::util::did_you_mean(&mode.value, PORT_MODES.iter().copied())
                    .map(|h| format!("; did you mean `{h}`?"))
                    .unwrap_or_default();
                out.push(
                    Finding::new(
                        RULE.id,
                        mode.span,
                        format!(
                            "invalid `ports` entry in service `{name}`: `mode` must be `host` or `ingress`, found `{}`{hint}",
                            mode.value
                        ),
                    )
                    .via(mode.via)
                    .severity(Severity::Warning.min(cx.severity()))
                    .help("`mode: host` publishes the port on each node, `ingress` load-balances it (Swarm); `docker compose` ignores other values, `docker stack deploy` refuses them"),
                );
            }
        }
        for x in &s.expose {
            if let State::Invalid { span, message } = &x.state {
                out.push(
                    Finding::new(
                        RULE.id,
                        *span,
                        format!("invalid `expose` entry in service `{name}`: {message}"),
                    )
                    .via(x.via)
                    .help(EXPOSE_HELP),
                );
            }
        }
    }
}
