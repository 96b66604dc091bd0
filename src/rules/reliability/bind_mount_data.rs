//! `bind-mount-data`: a writable bind mount of a host directory, where
//! production wants a named volume (knowledge card 3).

use std::path::Path;

use crate::diag::Finding;
use crate::model::{MountKind, State};
use crate::rules::Context;
use crate::util::has_interpolation;

use super::paths::host_path_within;

crate::declare_rule! {
    id: "bind-mount-data",
    category: Reliability,
    production: Warning,
    development: Off,
    fixable: No,
    summary: "A writable bind mount of a host directory instead of a named volume",
    check: check,
}

/// Host paths left to `docker-socket` and `sensitive-mount`: the engine's
/// socket and the directories holding it, and the sensitive system paths
/// (matched by whole segments; `~/` also matches `/home/<user>/` and
/// `/root/`).
pub const EXCLUDED_HOST_PATHS: &[&str] = &[
    "/var/run",
    "/run",
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/",
    "/etc",
    "/proc",
    "/sys",
    "/root",
    "/boot",
    "/dev",
    "/var/lib/docker",
    "/var/lib/containerd",
    "~/.ssh",
    "~/.aws",
    "~/.docker",
    "~/.kube",
    "~/.gnupg",
];

/// File names without an extension that are files, not directories.
pub const FILE_NAMES: &[&str] = &[
    "Caddyfile",
    "Dockerfile",
    "Makefile",
    "Procfile",
    "Gemfile",
    "Jenkinsfile",
    ".env",
    ".htpasswd",
    ".npmrc",
    ".pypirc",
    ".gitconfig",
    ".bashrc",
    ".profile",
];

/// Whether a path that does not exist looks like a file rather than a
/// directory: its last segment has an extension (`nginx.conf`,
/// `init.sql`), or is a name of [`FILE_NAMES`].
pub fn looks_like_file(path: &str) -> bool {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if path.ends_with('/') || last.is_empty() || last == "." || last == ".." {
        return false;
    }
    if FILE_NAMES.contains(&last) {
        return true;
    }
    let stem_and_ext = last.trim_start_matches('.');
    match stem_and_ext.rsplit_once('.') {
        Some((stem, ext)) => {
            !stem.is_empty()
                && !ext.is_empty()
                && ext.len() <= 8
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
                && ext.chars().any(|c| c.is_ascii_alphabetic())
        }
        None => false,
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        for m in &s.volumes {
            if m.kind != MountKind::Bind || m.read_only || m.state != State::Ok {
                continue;
            }
            let Some(source) = &m.source else { continue };
            let path = source.as_str();
            if has_interpolation(path)
                || EXCLUDED_HOST_PATHS
                    .iter()
                    .any(|root| host_path_within(path, root))
            {
                continue;
            }
            let is_file = if path.starts_with('.') {
                let project_dir = cx
                    .project
                    .sources
                    .get(source.span.file)
                    .path
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                let p = project_dir.join(path);
                match std::fs::metadata(&p) {
                    Ok(meta) => meta.is_file(),
                    Err(_) => looks_like_file(path),
                }
            } else {
                looks_like_file(path)
            };
            if is_file {
                continue;
            }
            let target = m.target.as_ref().map(|t| t.as_str()).unwrap_or("");
            let volume = suggested_name(&s.name.value, target);
            out.push(
                Finding::new(
                    RULE.id,
                    source.span,
                    [
                        "service `",
                        &s.name.value,
                        "` bind-mounts the host directory `",
                        path,
                        "` at `",
                        target,
                        "`, writable",
                    ]
                    .concat(),
                )
                .via(source.via)
                .help(
                    [
                        "a host directory depends on the machine's paths, permissions and \
                         filesystem: in production use a named volume (`",
                        &volume,
                        ":",
                        target,
                        "`, declared under top-level `volumes:`) and keep bind mounts for \
                         development (`compose.override.yaml`); if the container only reads it, \
                         add `:ro` (knowledge card 3)",
                    ]
                    .concat(),
                ),
            );
        }
    }
}

/// A volume name for the suggestion: the service name and the last segment
/// of the target (`db_data` for `/var/lib/postgresql/data`).
fn suggested_name(service: &str, target: &str) -> String {
    let last = target
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect::<String>();
    if last.is_empty() || last == service {
        format!("{service}_data")
    } else {
        format!("{service}_{last}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_directories() {
        for f in [
            "./nginx.conf",
            "./config/app.yml",
            "/var/run/docker.sock",
            "./.env",
            "~/.gitconfig",
            "./init/01-schema.sql",
            "./certs/tls.crt",
            "./docker/Caddyfile",
        ] {
            assert!(looks_like_file(f), "{f}");
        }
        for d in [
            "./data",
            ".",
            "./",
            "..",
            "./volumes/etcd",
            "/srv/app/",
            "./.cache",
            "./data.d/",
            "~/work",
            "./v1.2",
            "./node_modules",
        ] {
            assert!(!looks_like_file(d), "{d}");
        }
    }

    #[test]
    fn volume_names() {
        assert_eq!(suggested_name("db", "/var/lib/postgresql/data"), "db_data");
        assert_eq!(suggested_name("etcd", "/etcd"), "etcd_data");
        assert_eq!(suggested_name("web", "/usr/share/nginx/html"), "web_html");
        assert_eq!(suggested_name("web", "/"), "web_data");
    }
}
