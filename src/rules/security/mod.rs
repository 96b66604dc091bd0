//! Security: settings that weaken the isolation between a container and its
//! host, or that leak credentials.
//!
//! The helpers here are shared by the rules of the category: how Docker
//! splits a `security_opt` entry, host-path normalisation and segment-wise
//! containment, the text of a value as written in the file, and access to
//! the raw entries of a service (for keys the typed model keeps only as
//! values).

pub mod cap_add;
pub mod cap_drop;
pub mod devices;
pub mod docker_socket;
pub mod host_namespace;
pub mod image_registry;
pub mod no_new_privileges;
pub mod port_all_interfaces;
pub mod privileged;
pub mod read_only_rootfs;
pub mod secret_in_environment;
pub mod security_profile;
pub mod sensitive_mount;
pub mod user_root;

use std::borrow::Cow;

use crate::load::{Entry, Origin, Via, ViaKind};
use crate::model::{Project, Service, Sp};

/// Whether a value is shared with other users through an alias, a merge key
/// or `extends`: an edit at its definition would change every user, so
/// fixes are refused.
pub(crate) fn is_shared(via: Option<Via>) -> bool {
    via.is_some_and(|v| matches!(v.kind, ViaKind::Alias | ViaKind::Merge | ViaKind::Extends))
}

/// The entry `key: value` of a service's effective mapping.
pub(crate) fn service_entry<'p>(
    project: &'p Project,
    service: &Service,
    key: &str,
) -> Option<&'p Entry> {
    project.raw_service(service)?.as_map()?.entry(key)
}

/// One `security_opt` entry split the way Docker splits it: the bare forms
/// `no-new-privileges` (and `disable`) are whole; otherwise the entry is cut
/// at the first `=` when it has one, else at the first `:` (the older
/// separator the daemon still honours). Returns the key and, when there is
/// one, the value with its byte offset in the entry.
///
/// Reference: docker/compose `pkg/compose/create.go` `parseSecurityOpts` and
/// moby `daemon/daemon_unix.go` `parseSecurityOpt`.
pub(crate) fn split_security_opt(opt: &str) -> (&str, Option<(&str, usize)>) {
    if let Some(i) = opt.find('=') {
        return (&opt[..i], Some((&opt[i + 1..], i + 1)));
    }
    if let Some(i) = opt.find(':') {
        return (&opt[..i], Some((&opt[i + 1..], i + 1)));
    }
    (opt, None)
}

/// A host path cleaned like Go's `path.Clean`: repeated and trailing `/`
/// removed, `.` segments dropped, `..` resolved lexically. Relative paths
/// stay relative; `~` stays as written.
pub(crate) fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return String::new();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Whether a cleaned path is `base` or lies inside it, by whole segments:
/// `/etc/ssl` is inside `/etc`, `/etcd` is not.
pub(crate) fn within(path: &str, base: &str) -> bool {
    if base == "/" {
        return path.starts_with('/');
    }
    path == base
        || path
            .strip_prefix(base)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The text of a string value as it is written in the file, before
/// interpolation: the value itself when its characters are written verbatim,
/// else the source text of its span without the surrounding quotes. Rules
/// that must tell a literal from a variable (`${DB_PASSWORD}`) read this.
pub(crate) fn written<'a>(project: &'a Project, sp: &'a Sp<String>) -> Cow<'a, str> {
    match &sp.origin {
        Origin::Pieces(_) => {
            let text = project.sources.slice(sp.span);
            let unquoted = ['"', '\'']
                .iter()
                .find_map(|q| text.strip_prefix(*q).and_then(|t| t.strip_suffix(*q)))
                .unwrap_or(text);
            Cow::Borrowed(unquoted)
        }
        _ => Cow::Borrowed(sp.value.as_str()),
    }
}

/// A Compose interpolation found in a text as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Interpolation {
    /// Byte range of the whole `${...}` or `$NAME`.
    pub range: std::ops::Range<usize>,
    /// The text the file itself supplies for it: the default of
    /// `${VAR:-text}` / `${VAR-text}` or the alternative of `${VAR:+text}` /
    /// `${VAR+text}`, when not empty.
    pub literal: Option<String>,
}

/// The interpolations of a text, as Compose reads them (`$$` is an escaped
/// `$`). Nested defaults (`${A:-${B}}`) count as literal only when the inner
/// text has literal characters.
pub(crate) fn interpolations(text: &str) -> Vec<Interpolation> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'$') => i += 2,
            Some(b'{') => {
                // Find the matching `}`.
                let mut depth = 0usize;
                let mut j = i + 1;
                let mut close = None;
                while j < b.len() {
                    match b[j] {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                close = Some(j);
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                let Some(close) = close else {
                    // Unclosed: treat the rest as one (invalid) interpolation.
                    out.push(Interpolation {
                        range: i..b.len(),
                        literal: None,
                    });
                    break;
                };
                let inner = &text[i + 2..close];
                let name_end = inner
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(inner.len());
                let rest = &inner[name_end..];
                // `:-`/`-` give a default, `:+`/`+` an alternative; `:?`/`?`
                // only an error message.
                let supplied = [":-", ":+", "-", "+"]
                    .iter()
                    .find_map(|op| rest.strip_prefix(op));
                let literal = supplied.and_then(|d| {
                    let lit = literal_text(d);
                    (!lit.is_empty()).then_some(lit)
                });
                out.push(Interpolation {
                    range: i..close + 1,
                    literal,
                });
                i = close + 1;
            }
            Some(c) if *c == b'_' || c.is_ascii_alphabetic() => {
                let mut j = i + 1;
                while j < b.len() && (b[j] == b'_' || b[j].is_ascii_alphanumeric()) {
                    j += 1;
                }
                out.push(Interpolation {
                    range: i..j,
                    literal: None,
                });
                i = j;
            }
            _ => i += 1,
        }
    }
    out
}

/// The characters a text supplies itself, once every interpolation is
/// replaced by its literal default (or nothing) and `$$` by `$`.
pub(crate) fn literal_text(text: &str) -> String {
    let mut out = String::new();
    let mut at = 0;
    for x in interpolations(text) {
        out.push_str(&text[at..x.range.start].replace("$$", "$"));
        if let Some(l) = &x.literal {
            out.push_str(l);
        }
        at = x.range.end;
    }
    out.push_str(&text[at..].replace("$$", "$"));
    out
}

/// Whether a text as written supplies characters of its own, rather than
/// being wholly variables without literal defaults: `hunter2` and
/// `${DB_PASSWORD:-hunter2}` do, `${DB_PASSWORD}` and `$PW` do not.
pub(crate) fn is_literal(text: &str) -> bool {
    // `!literal_text(text).is_empty()` without building the text: `$$`
    // becomes `$` (never nothing) and an interpolation's literal is never
    // empty, so the text is literal when anything lies between its
    // interpolations or one supplies a literal.
    let mut at = 0;
    for x in interpolations(text) {
        if x.range.start > at || x.literal.is_some() {
            return true;
        }
        at = x.range.end;
    }
    at < text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_opts_split_like_docker() {
        assert_eq!(
            split_security_opt("no-new-privileges"),
            ("no-new-privileges", None)
        );
        assert_eq!(
            split_security_opt("no-new-privileges:true"),
            ("no-new-privileges", Some(("true", 18)))
        );
        assert_eq!(
            split_security_opt("seccomp=unconfined"),
            ("seccomp", Some(("unconfined", 8)))
        );
        // `=` wins over an earlier `:`.
        assert_eq!(
            split_security_opt("label:type=x"),
            ("label:type", Some(("x", 11)))
        );
        assert_eq!(
            split_security_opt("label:seccomp:unconfined"),
            ("label", Some(("seccomp:unconfined", 6)))
        );
    }

    #[test]
    fn paths_clean_like_go() {
        assert_eq!(clean_path("/var/run/"), "/var/run");
        assert_eq!(
            clean_path("//var//run/./docker.sock"),
            "/var/run/docker.sock"
        );
        assert_eq!(clean_path("/etc/../etc/ssl"), "/etc/ssl");
        assert_eq!(clean_path("/.."), "/");
        assert_eq!(clean_path("/"), "/");
        assert_eq!(clean_path("./data/"), "data");
        assert_eq!(clean_path("../x"), "../x");
        assert_eq!(clean_path("~/.ssh/"), "~/.ssh");
    }

    #[test]
    fn containment_is_by_whole_segments() {
        assert!(within("/etc", "/etc"));
        assert!(within("/etc/ssl/certs", "/etc"));
        assert!(!within("/etcd", "/etc"));
        assert!(!within("/etc-data", "/etc"));
        assert!(within("/anything", "/"));
        assert!(!within("relative", "/"));
        assert!(within("/var/lib/docker/volumes", "/var/lib/docker"));
        assert!(!within("/var/lib/dockerd", "/var/lib/docker"));
    }

    #[test]
    fn literal_or_variable() {
        assert!(is_literal("hunter2"));
        assert!(!is_literal("${DB_PASSWORD}"));
        assert!(!is_literal("$DB_PASSWORD"));
        assert!(!is_literal("${DB_PASSWORD:?set it}"));
        assert!(!is_literal("${DB_PASSWORD:-}"));
        assert!(!is_literal("${A}${B}"));
        assert!(!is_literal("${A:-${B}}"));
        assert!(is_literal("${DB_PASSWORD:-hunter2}"));
        assert!(is_literal("${DB_PASSWORD-hunter2}"));
        assert!(is_literal("${FLAG:+hunter2}"));
        assert!(is_literal("${A:-${B:-x}}"));
        assert!(is_literal("pa$$word"));
        assert!(is_literal("$$"));
        assert!(!is_literal(""));
        assert_eq!(literal_text("x${A:-y}z$B"), "xyz");
    }
}
