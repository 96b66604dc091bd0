//! `user-root`: `user` is `root` or `0`, with or without a group. A missing
//! `user` is not judged: the image's default user is unknown offline.

use crate::diag::Finding;
use crate::rules::Context;

crate::declare_rule! {
    id: "user-root",
    category: Security,
    production: Warning,
    development: Off,
    fixable: No,
    summary: "A service runs as root",
    check: check,
}

/// Whether a `user` value names root: `root` or `0`, alone or followed by
/// `:group`.
pub fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name == "0"
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        let Some(user) = &s.user else { continue };
        if !is_root(&user.value) {
            continue;
        }
        out.push(
            Finding::new(
                RULE.id,
                user.span,
                format!(
                    "service `{}` runs as root (`user: {}`): a process that escapes the container is root on the host unless the engine remaps users",
                    s.name.value, user.value
                ),
            )
            .via(user.via)
            .help("run as an unprivileged user: one the image creates (`user: app`) or a numeric one (`user: \"1000:1000\"`) that owns the files the service writes"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_with_or_without_group() {
        for u in ["root", "0", "root:root", "0:0", "0:1000", "root:users"] {
            assert!(is_root(u), "{u}");
        }
        for u in [
            "1000",
            "1000:0",
            "app",
            "rootless",
            "00x",
            "nobody:root",
            "",
        ] {
            assert!(!is_root(u), "{u}");
        }
    }
}
