//! `sensitive-mount`: a bind mount (short syntax, long syntax, or a
//! top-level volume with `driver_opts` `o: bind` and a `device`) whose host
//! path is `/` or lies inside a sensitive host directory, by whole path
//! segments. Writable mounts are errors in production, read-only ones
//! warnings. The engine's socket and the directories holding it belong to
//! `docker-socket`.

use crate::diag::{Finding, Severity};
use crate::model::{MountKind, State};
use crate::rules::Context;

crate::declare_rule! {
    id: "sensitive-mount",
    category: Security,
    production: Error,
    development: Warning,
    fixable: No,
    summary: "A sensitive host directory is bind-mounted into a container",
    check: check,
}

/// Host directories whose content gives away the host, with what they hold.
/// A mount of one of them or of anything inside it is reported; `/` itself
/// is reported too.
pub const SENSITIVE_PATHS: &[(&str, &str)] = &[
    (
        "/etc",
        "the host's configuration (users, password hashes, services)",
    ),
    ("/proc", "the host's processes and kernel settings"),
    ("/sys", "the host's kernel and device settings"),
    ("/root", "the home directory of the host's root user"),
    ("/boot", "the host's kernel and boot loader"),
    ("/dev", "the host's devices"),
    (
        "/var/lib/docker",
        "the Docker engine's data: the files of every container, image and volume",
    ),
    (
        "/var/lib/containerd",
        "containerd's data: the files of every container and image",
    ),
];

/// Credential directories in a home directory (`~/.ssh`, and
/// `/home/<user>/.ssh`).
pub const HOME_SECRETS: &[(&str, &str)] = &[
    (".ssh", "SSH keys"),
    (".aws", "AWS credentials"),
    (".docker", "container registry credentials"),
    (".kube", "Kubernetes credentials"),
    (".gnupg", "GPG keys"),
];

/// Device files inside `/dev` that hold no data: a mount of one gives
/// nothing away (`/dev/null:/app/.env:ro` hides a file).
pub const HARMLESS_DEVICES: &[&str] = &[
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
];

/// Files inside `/etc` that are shared read-only to give the container the
/// host's time zone; they hold nothing secret.
pub const HARMLESS_READ_ONLY: &[&str] = &["/etc/localtime", "/etc/timezone"];

/// Why a host path is sensitive: the sensitive directory it is or lies in,
/// and what that directory holds.
pub fn sensitive(path: &str) -> Option<(String, &'static str)> {
    if super::docker_socket::exposure(path).is_some() {
        return None;
    }
    let clean = super::clean_path(path);
    if HARMLESS_DEVICES.contains(&clean.as_str()) {
        return None;
    }
    if clean == "/" {
        return Some(("/".to_string(), "the host's whole filesystem"));
    }
    if let Some((base, what)) = SENSITIVE_PATHS
        .iter()
        .find(|(base, _)| super::within(&clean, base))
    {
        return Some((base.to_string(), what));
    }
    let segments: Vec<&str> = clean.split('/').collect();
    let home_dir = match segments.as_slice() {
        ["~", dir, ..] => Some(("~".to_string(), *dir)),
        ["", "home", user, dir, ..] => Some((format!("/home/{user}"), *dir)),
        _ => None,
    };
    let (home, dir) = home_dir?;
    HOME_SECRETS
        .iter()
        .find(|(d, _)| *d == dir)
        .map(|(d, what)| (format!("{home}/{d}"), *what))
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let read_only_severity = Severity::Warning.min(cx.severity());
    for s in cx.project.services.values() {
        for m in &s.volumes {
            if m.state != State::Ok || m.kind != MountKind::Bind {
                continue;
            }
            let Some(src) = &m.source else { continue };
            let Some((base, what)) = sensitive(&src.value) else {
                continue;
            };
            if m.read_only && HARMLESS_READ_ONLY.contains(&super::clean_path(&src.value).as_str()) {
                continue;
            }
            let access = if m.read_only { "read-only" } else { "writable" };
            let inside = if super::clean_path(&src.value) == base {
                String::new()
            } else {
                format!(", inside `{base}`")
            };
            let mut f = Finding::new(
                RULE.id,
                src.span,
                format!(
                    "service `{}` mounts host path `{}`{inside} ({access}): {what}",
                    s.name.value, src.value
                ),
            )
            .via(src.via)
            .help(if m.read_only {
                "mount only the files the service needs, or copy them into the image"
            } else {
                "mount only the files the service needs, read-only (`:ro`), or copy them into the image"
            });
            if m.read_only {
                f = f.severity(read_only_severity);
            }
            out.push(f);
        }
    }
    for v in cx.project.volumes.values() {
        if v.driver.as_ref().is_some_and(|d| d.value != "local") {
            continue;
        }
        let opt = |k: &str| v.driver_opts.iter().find(|o| o.key.value == k);
        let Some(o) = opt("o").and_then(|o| o.value.as_ref()) else {
            continue;
        };
        let options: Vec<&str> = o.value.split(',').map(str::trim).collect();
        if !options.iter().any(|o| matches!(*o, "bind" | "rbind")) {
            continue;
        }
        let Some(device) = opt("device").and_then(|d| d.value.as_ref()) else {
            continue;
        };
        let Some((base, what)) = sensitive(&device.value) else {
            continue;
        };
        let read_only = options.contains(&"ro");
        let access = if read_only { "read-only" } else { "writable" };
        let inside = if super::clean_path(&device.value) == base {
            String::new()
        } else {
            format!(", inside `{base}`")
        };
        let mut f = Finding::new(
            RULE.id,
            device.span,
            format!(
                "volume `{}` binds host path `{}`{inside} ({access}): {what}",
                v.key.value, device.value
            ),
        )
        .via(device.via)
        .help("bind only a directory made for the service, or use a plain named volume");
        if read_only {
            f = f.severity(read_only_severity);
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(p: &str) -> Option<String> {
        sensitive(p).map(|(b, _)| b)
    }

    #[test]
    fn sensitive_paths_by_segment() {
        assert_eq!(base("/"), Some("/".into()));
        assert_eq!(base("//"), Some("/".into()));
        assert_eq!(base("/etc"), Some("/etc".into()));
        assert_eq!(base("/etc/"), Some("/etc".into()));
        assert_eq!(base("/etc/nginx/conf.d"), Some("/etc".into()));
        assert_eq!(base("/proc"), Some("/proc".into()));
        assert_eq!(
            base("/var/lib/docker/volumes"),
            Some("/var/lib/docker".into())
        );
        assert_eq!(base("/srv/../etc"), Some("/etc".into()));
        assert_eq!(base("/etcd"), None);
        assert_eq!(base("/etc-data"), None);
        assert_eq!(base("/var/www"), None);
        assert_eq!(base("/srv/app"), None);
        assert_eq!(base("/var/lib/dockerd"), None);
        assert_eq!(base("./etc"), None);
        assert_eq!(base("etc"), None);
    }

    #[test]
    fn home_secrets() {
        assert_eq!(base("~/.ssh"), Some("~/.ssh".into()));
        assert_eq!(base("~/.ssh/id_rsa"), Some("~/.ssh".into()));
        assert_eq!(base("~/.aws/"), Some("~/.aws".into()));
        assert_eq!(
            base("/home/alice/.kube/config"),
            Some("/home/alice/.kube".into())
        );
        assert_eq!(base("/root/.ssh"), Some("/root".into()));
        assert_eq!(base("~/.sshd"), None);
        assert_eq!(base("~/projects/.ssh"), None);
        assert_eq!(base("/home/alice"), None);
        assert_eq!(base("/home/alice/code"), None);
    }

    #[test]
    fn harmless_devices() {
        assert_eq!(base("/dev/null"), None);
        assert_eq!(base("/dev/urandom"), None);
        assert_eq!(base("/dev/shm"), Some("/dev".into()));
        assert_eq!(base("/dev/null/x"), Some("/dev".into()));
        // Harmless only when read-only: the check is in the rule.
        assert_eq!(base("/etc/localtime"), Some("/etc".into()));
    }

    #[test]
    fn sockets_belong_to_docker_socket() {
        assert_eq!(base("/var/run/docker.sock"), None);
        assert_eq!(base("/var/run"), None);
        assert_eq!(base("/run"), None);
        assert_eq!(base("~/.docker/run/docker.sock"), None);
        assert_eq!(base("~/.docker/config.json"), Some("~/.docker".into()));
    }
}
