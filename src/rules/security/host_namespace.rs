//! `host-namespace`: a service joins one of the host's namespaces
//! (`network_mode`, `pid`, `ipc`, `userns_mode`, `uts` or `cgroup` set to
//! `host`).

use crate::diag::Finding;
use crate::model::{Service, Sp};
use crate::rules::Context;

crate::declare_rule! {
    id: "host-namespace",
    category: Security,
    production: Warning,
    development: Info,
    fixable: No,
    summary: "A service shares a namespace with the host",
    check: check,
}

/// Each namespace key, what sharing it gives the container, and what to do.
const NAMESPACES: &[(&str, &str, &str)] = &[
    (
        "network_mode",
        "the host's network stack: it can bind any host port and reach services listening on the host's loopback, and it leaves the project network, so it cannot resolve other services by name",
        "remove `network_mode: host`, publish the ports the service serves under `ports:` (bound to `127.0.0.1` when only the host needs them) and reach other services by name",
    ),
    (
        "pid",
        "the host's process namespace: it sees every process on the host and, with enough privileges, can signal or trace them",
        "remove `pid: host`; to see another container's processes, use `pid: \"service:<name>\"`",
    ),
    (
        "ipc",
        "the host's IPC namespace: shared memory and semaphores of host processes",
        "remove `ipc: host`; to share memory with another container, use `ipc: shareable` there and `ipc: \"service:<name>\"` here",
    ),
    (
        "userns_mode",
        "the host's user namespace: when the engine remaps users (`userns-remap`), this container opts out and its root is root on the host",
        "remove `userns_mode: host`",
    ),
    (
        "uts",
        "the host's UTS namespace: it sees the host's name and, with enough privileges, can change it",
        "remove `uts: host`; set `hostname:` if the service needs a particular name",
    ),
    (
        "cgroup",
        "the host's cgroup namespace: it sees the host's whole cgroup hierarchy",
        "remove `cgroup: host` (the default, `private`, gives the container its own view)",
    ),
];

fn field<'s>(s: &'s Service, key: &str) -> Option<&'s Sp<String>> {
    match key {
        "network_mode" => s.network_mode.as_ref(),
        "pid" => s.pid.as_ref(),
        "ipc" => s.ipc.as_ref(),
        "userns_mode" => s.userns_mode.as_ref(),
        "uts" => s.uts.as_ref(),
        "cgroup" => s.cgroup.as_ref(),
        _ => None,
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        for (key, what, help) in NAMESPACES {
            let Some(v) = field(s, key) else { continue };
            if v.value != "host" {
                continue;
            }
            out.push(
                Finding::new(
                    RULE.id,
                    v.span,
                    format!("service `{}` shares {what} (`{key}: host`)", s.name.value),
                )
                .via(v.via)
                .help(*help),
            );
        }
    }
}
