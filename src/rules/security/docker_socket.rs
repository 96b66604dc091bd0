//! `docker-socket`: the container engine's API socket (or a directory that
//! holds it) is mounted into a container, read from by a top-level secret or
//! config, or handed over with `use_api_socket: true`.

use crate::diag::Finding;
use crate::model::syntax::Parsed;
use crate::model::{MountKind, State};
use crate::rules::Context;

crate::declare_rule! {
    id: "docker-socket",
    category: Security,
    production: Error,
    development: Warning,
    fixable: No,
    summary: "The container engine's API socket is mounted into a container",
    check: check,
}

/// File names of container engine API sockets: a host path whose file name
/// ends in one of these is the engine's API, wherever it lives
/// (`/var/run/docker.sock`, `/run/user/1000/docker.sock`,
/// `~/.docker/run/docker.sock`, `/var/run/dind-docker.sock`...).
pub const ENGINE_SOCKETS: &[&str] = &["docker.sock", "podman.sock", "containerd.sock"];

/// Windows named pipes of the Docker engine (`\\.\pipe\docker_engine`).
pub const ENGINE_PIPES: &[&str] = &["docker_engine"];

/// Host directories that hold an engine socket: mounting them exposes it.
pub const SOCKET_DIRS: &[&str] = &[
    "/run",
    "/var/run",
    "/run/podman",
    "/var/run/podman",
    "/run/containerd",
    "/var/run/containerd",
];

const HELP: &str = "do not give a container the engine's API: whoever reaches it controls every container and, through them, the host. If the service must talk to the engine, put a filtering proxy in front of the socket (for example tecnativa/docker-socket-proxy) and allow only the calls it needs";

/// What a host path exposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// The API socket (or named pipe) itself.
    Socket,
    /// A directory holding it.
    Directory,
}

/// Whether a host path is an engine API socket or a directory holding one.
pub fn exposure(path: &str) -> Option<Exposure> {
    let lower = path.to_ascii_lowercase();
    let unified = lower.replace('\\', "/");
    let name = unified.rsplit('/').next().unwrap_or(&unified);
    if ENGINE_SOCKETS.iter().any(|s| name.ends_with(s)) {
        return Some(Exposure::Socket);
    }
    if unified.contains("/pipe/") && ENGINE_PIPES.contains(&name) {
        return Some(Exposure::Socket);
    }
    let clean = super::clean_path(path);
    if SOCKET_DIRS.contains(&clean.as_str()) {
        return Some(Exposure::Directory);
    }
    None
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        let name = &s.name.value;
        for m in &s.volumes {
            if m.state != State::Ok || !matches!(m.kind, MountKind::Bind | MountKind::Npipe) {
                continue;
            }
            let Some(src) = &m.source else { continue };
            let Some(exposure) = exposure(&src.value) else {
                continue;
            };
            let what = match exposure {
                Exposure::Socket => format!("the container engine's API socket `{}`", src.value),
                Exposure::Directory => format!(
                    "`{}`, the host directory that holds the container engine's API socket",
                    src.value
                ),
            };
            let ro = if m.read_only {
                " (read-only does not help: the API works through a read-only socket file)"
            } else {
                ""
            };
            out.push(
                Finding::new(
                    RULE.id,
                    src.span,
                    format!("service `{name}` mounts {what}{ro}"),
                )
                .label("full control of the engine, and so of the host")
                .via(src.via)
                .help(HELP),
            );
        }
        if let Some(u) = &s.use_api_socket
            && matches!(u.value, Parsed::Ok(true))
        {
            out.push(
                Finding::new(
                    RULE.id,
                    u.span,
                    format!(
                        "service `{name}` is given the Docker engine's API socket (`use_api_socket: true`)"
                    ),
                )
                .via(u.via)
                .help(HELP),
            );
        }
    }
    for (kind, map) in [
        ("secret", &cx.project.secrets),
        ("config", &cx.project.configs),
    ] {
        for r in map.values() {
            let Some(file) = &r.file else { continue };
            if exposure(&file.value).is_some() {
                out.push(
                    Finding::new(
                        RULE.id,
                        file.span,
                        format!(
                            "{kind} `{}` reads the container engine's API socket `{}`",
                            r.key.value, file.value
                        ),
                    )
                    .via(file.via)
                    .help(HELP),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockets_and_their_directories() {
        for p in [
            "/var/run/docker.sock",
            "/run/docker.sock",
            "//var/run/docker.sock",
            "/run/user/1000/docker.sock",
            "~/.docker/run/docker.sock",
            "/run/podman/podman.sock",
            "/run/containerd/containerd.sock",
            "\\\\.\\pipe\\docker_engine",
            "/var/run/dind-docker.sock",
        ] {
            assert_eq!(exposure(p), Some(Exposure::Socket), "{p}");
        }
        for p in ["/var/run", "/run/", "/var/run/containerd", "/run/podman"] {
            assert_eq!(exposure(p), Some(Exposure::Directory), "{p}");
        }
        for p in [
            "/var/run/dbus",
            "/run/udev",
            "/var/lib/docker",
            "./docker.socket",
            "/srv/docker.sock.d/x",
            "/running",
        ] {
            assert_eq!(exposure(p), None, "{p}");
        }
    }
}
