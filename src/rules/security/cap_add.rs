//! `cap-add`: a `cap_add` item grants a critical or dangerous Linux
//! capability. Capabilities are compared case-insensitively, with or without
//! the `CAP_` prefix.

use crate::diag::{Finding, Severity};
use crate::rules::Context;

crate::declare_rule! {
    id: "cap-add",
    category: Security,
    production: Error,
    development: Warning,
    fixable: No,
    summary: "A service adds a critical or dangerous Linux capability",
    check: check,
}

/// Capabilities that amount to root on the host (error in production).
pub const CRITICAL: &[(&str, &str)] = &[
    ("ALL", "every capability, as good as `privileged`"),
    (
        "SYS_ADMIN",
        "mounts, namespaces and dozens of other administrative operations: the classic container escape",
    ),
    (
        "SYS_MODULE",
        "loading kernel modules into the host's kernel",
    ),
    ("SYS_RAWIO", "raw access to I/O ports and device memory"),
];

/// Capabilities that widen the attack surface (warning).
pub const DANGEROUS: &[(&str, &str)] = &[
    (
        "NET_ADMIN",
        "reconfiguring interfaces, routes and firewall rules",
    ),
    ("SYS_PTRACE", "tracing and inspecting other processes"),
    ("BPF", "loading BPF programs into the kernel"),
    (
        "PERFMON",
        "kernel performance monitoring, which exposes kernel data",
    ),
    ("SYS_BOOT", "rebooting the host"),
    ("SYS_TIME", "setting the host's clock"),
    (
        "DAC_READ_SEARCH",
        "bypassing read permission checks on files (`open_by_handle_at` escapes)",
    ),
    ("SYSLOG", "reading the kernel log and kernel addresses"),
    ("SYS_NICE", "raising the priority of any process"),
    ("IPC_LOCK", "locking unlimited memory"),
    ("LEASE", "taking leases on any file"),
];

/// The canonical name of a capability: upper case, without `CAP_`.
pub fn canonical(cap: &str) -> String {
    let upper = cap.trim().to_ascii_uppercase();
    upper
        .strip_prefix("CAP_")
        .map(str::to_string)
        .unwrap_or(upper)
}

/// The tier of a capability and what it grants.
pub fn classify(cap: &str) -> Option<(bool, &'static str)> {
    let c = canonical(cap);
    if let Some((_, why)) = CRITICAL.iter().find(|(n, _)| *n == c) {
        return Some((true, why));
    }
    DANGEROUS
        .iter()
        .find(|(n, _)| *n == c)
        .map(|(_, why)| (false, *why))
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        for cap in &s.cap_add {
            let Some((critical, why)) = classify(&cap.value) else {
                continue;
            };
            let tier = if critical { "critical" } else { "dangerous" };
            let mut f = Finding::new(
                RULE.id,
                cap.span,
                format!(
                    "service `{}` adds the {tier} capability `{}`: {why}",
                    s.name.value,
                    canonical(&cap.value)
                ),
            )
            .via(cap.via)
            .help("remove it unless the service cannot work without it; then keep it, drop the rest with `cap_drop: [ALL]`, and say why in a comment");
            // The critical tier takes the rule's level (error in production,
            // warning in development); the dangerous tier is a warning.
            if !critical {
                f = f.severity(Severity::Warning.min(cx.severity()));
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_are_matched_in_any_spelling() {
        assert_eq!(classify("SYS_ADMIN").map(|c| c.0), Some(true));
        assert_eq!(classify("cap_sys_admin").map(|c| c.0), Some(true));
        assert_eq!(classify(" all ").map(|c| c.0), Some(true));
        assert_eq!(classify("CAP_NET_ADMIN").map(|c| c.0), Some(false));
        assert_eq!(classify("Sys_Ptrace").map(|c| c.0), Some(false));
        assert_eq!(classify("NET_BIND_SERVICE"), None);
        assert_eq!(classify("CHOWN"), None);
        assert_eq!(classify("SYS_ADMINX"), None);
    }
}
