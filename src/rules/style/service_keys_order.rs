//! `service-keys-order`: the keys of a service in the conventional group
//! order (dclint's groups and order, with every current Compose key placed
//! in a group). `x-` keys, `<<` and keys Compose does not know stay where
//! they are.

use std::collections::HashSet;

use crate::diag::Finding;
use crate::rules::Context;
use crate::rules::style::tree::FileView;
use crate::rules::style::{OrderCheck, order_finding};

crate::declare_rule! {
    id: "service-keys-order",
    category: Style,
    production: Off,
    development: Off,
    fixable: Safe,
    summary: "Keys of a service not in the conventional group order",
    check: check,
}

/// The groups in order, each with its keys in order. The first keys of
/// each group are dclint's; the keys dclint does not place follow them.
pub const GROUPS: [(&str, &[&str]); 8] = [
    (
        "core definitions",
        &[
            "image",
            "build",
            "container_name",
            "extends",
            "provider",
            "platform",
            "pull_policy",
            "pull_refresh_after",
            "profiles",
        ],
    ),
    (
        "service dependencies",
        &["depends_on", "links", "external_links"],
    ),
    (
        "data management and configuration",
        &[
            "volumes",
            "volumes_from",
            "configs",
            "secrets",
            "tmpfs",
            "models",
        ],
    ),
    ("environment configuration", &["environment", "env_file"]),
    (
        "networking",
        &[
            "ports",
            "networks",
            "network_mode",
            "extra_hosts",
            "expose",
            "hostname",
            "domainname",
            "dns",
            "dns_search",
            "dns_opt",
            "mac_address",
        ],
    ),
    (
        "runtime behaviour",
        &[
            "command",
            "entrypoint",
            "working_dir",
            "restart",
            "healthcheck",
            "init",
            "tty",
            "stdin_open",
            "attach",
            "stop_signal",
            "stop_grace_period",
            "post_start",
            "pre_stop",
            "develop",
            "deploy",
            "scale",
            "cpus",
            "cpu_count",
            "cpu_percent",
            "cpu_shares",
            "cpu_period",
            "cpu_quota",
            "cpu_rt_period",
            "cpu_rt_runtime",
            "cpuset",
            "mem_limit",
            "mem_reservation",
            "memswap_limit",
            "mem_swappiness",
            "shm_size",
            "pids_limit",
            "oom_kill_disable",
            "oom_score_adj",
            "ulimits",
            "blkio_config",
            "storage_opt",
            "gpus",
        ],
    ),
    (
        "operational metadata",
        &["logging", "labels", "annotations", "label_file"],
    ),
    (
        "security and execution context",
        &[
            "user",
            "isolation",
            "group_add",
            "privileged",
            "read_only",
            "cap_add",
            "cap_drop",
            "security_opt",
            "userns_mode",
            "pid",
            "ipc",
            "uts",
            "cgroup",
            "cgroup_parent",
            "devices",
            "device_cgroup_rules",
            "sysctls",
            "credential_spec",
            "use_api_socket",
            "runtime",
        ],
    ),
];

/// (group, position in the group) of a key Compose knows.
fn rank(key: &str) -> Option<(usize, usize)> {
    GROUPS
        .iter()
        .enumerate()
        .find_map(|(g, (_, keys))| keys.iter().position(|k| *k == key).map(|p| (g, p)))
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for view in FileView::all(cx.project) {
        let mut seen = HashSet::new();
        for root in view.roots() {
            for s in view.services(root) {
                if !seen.insert(s.node) {
                    continue;
                }
                let (keys, names, spans) = view.ranked_entries(s.node, rank);
                let help = match crate::rules::style::reorder::misplaced(&keys) {
                    Some(m) => {
                        let (g, _) = keys[m.index].unwrap_or((0, 0));
                        format!(
                            "`{}` is in the {} group (group {} of {}); `dockmaster explain service-keys-order` lists the groups and their keys in order",
                            names[m.index],
                            GROUPS[g].0,
                            g + 1,
                            GROUPS.len()
                        )
                    }
                    None => continue,
                };
                let service = s.name.clone();
                let message = move |name: &str, place: &str| {
                    format!(
                        "key `{name}` of service `{service}` is out of order: it belongs {place}"
                    )
                };
                out.extend(order_finding(
                    &view,
                    OrderCheck {
                        rule: RULE.id,
                        coll: s.node,
                        keys,
                        spans,
                        names,
                        via: view.sharing(s.node, s.via),
                        message: &message,
                        help,
                        fix_title: "reorder the keys of the service",
                    },
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every service key of the Compose schema has exactly one place.
    #[test]
    fn every_schema_key_is_in_one_group() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../model/compose-spec.json")).unwrap();
        let props = schema["definitions"]["service"]["properties"]
            .as_object()
            .unwrap();
        let mut placed: Vec<&str> = GROUPS.iter().flat_map(|(_, k)| k.iter().copied()).collect();
        let total = placed.len();
        placed.sort_unstable();
        placed.dedup();
        assert_eq!(placed.len(), total, "a key is in two groups");
        let mut known: Vec<&str> = props.keys().map(String::as_str).collect();
        known.sort_unstable();
        assert_eq!(placed, known);
    }
}
