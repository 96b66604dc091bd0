//! `security-profile`: a `security_opt` entry switches off a confinement:
//! seccomp or AppArmor `unconfined`, SELinux `label:disable`, or
//! `systempaths=unconfined`. Docker reads `:` and `=` alike.

use crate::diag::Finding;
use crate::rules::Context;

crate::declare_rule! {
    id: "security-profile",
    category: Security,
    production: Error,
    development: Warning,
    fixable: No,
    summary: "A service switches off seccomp, AppArmor, SELinux or the masking of system paths",
    check: check,
}

/// `(key, value)` pairs that switch a confinement off, what is lost, and
/// what to write instead.
pub const UNCONFINED: &[(&str, &str, &str, &str)] = &[
    (
        "seccomp",
        "unconfined",
        "the default seccomp filter, so every system call reaches the host's kernel",
        "remove it; if the service needs a system call that Docker's default profile blocks, give it a profile that allows just that one (`seccomp=./seccomp.json`)",
    ),
    (
        "apparmor",
        "unconfined",
        "its AppArmor profile",
        "remove it, or name a profile written for the service (`apparmor=my-profile`)",
    ),
    (
        "label",
        "disable",
        "SELinux separation from the host and the other containers",
        "remove it; to share a bind-mounted directory under SELinux, relabel the mount with `:z` (shared) or `:Z` (private)",
    ),
    (
        "systempaths",
        "unconfined",
        "the masking of sensitive paths under `/proc` and `/sys`",
        "remove it",
    ),
];

/// What an entry switches off, when it does.
pub fn unconfined(opt: &str) -> Option<(&'static str, &'static str)> {
    // Compose takes `systempaths=unconfined` itself, spelt exactly so.
    if opt == "systempaths=unconfined" {
        return Some((UNCONFINED[3].2, UNCONFINED[3].3));
    }
    let (key, value) = super::split_security_opt(opt);
    let (value, _) = value?;
    UNCONFINED
        .iter()
        .take(3)
        .find(|(k, v, _, _)| *k == key && *v == value)
        .map(|(_, _, what, help)| (*what, *help))
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        for opt in &s.security_opt {
            let Some((what, help)) = unconfined(&opt.value) else {
                continue;
            };
            out.push(
                Finding::new(
                    RULE.id,
                    opt.span,
                    format!(
                        "service `{}` runs without {what} (`{}`)",
                        s.name.value, opt.value
                    ),
                )
                .via(opt.via)
                .help(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_separators_count() {
        for opt in [
            "seccomp:unconfined",
            "seccomp=unconfined",
            "apparmor:unconfined",
            "apparmor=unconfined",
            "label:disable",
            "label=disable",
            "systempaths=unconfined",
        ] {
            assert!(unconfined(opt).is_some(), "{opt}");
        }
        for opt in [
            "seccomp=./profile.json",
            "apparmor=docker-default",
            "label=type:svirt_apache_t",
            // A SELinux label option `seccomp:unconfined`, which Docker
            // refuses; it does not switch seccomp off.
            "label:seccomp:unconfined",
            "no-new-privileges:true",
            "Seccomp:unconfined",
            "systempaths:unconfined",
        ] {
            assert!(unconfined(opt).is_none(), "{opt}");
        }
    }
}
