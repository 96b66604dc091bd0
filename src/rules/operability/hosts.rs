//! Host references in free text, shared by `localhost-reference` and
//! `unknown-host`: URLs (`scheme://[user[:password]@]host[:port]`) and
//! `host:port` tokens, found in a service's environment values, `command`,
//! `entrypoint` and `healthcheck.test`.
//!
//! The tokenizer is deliberately strict, because a false host is a false
//! finding:
//!
//! * a `host:port` token must stand alone: it starts the text or follows a
//!   separator (space, `=`, `,`, `;`, a quote, `(`, `[`, `@`, `>` or `|`),
//!   and its port ends the text or is followed by one (space, `/`, `,`, `;`,
//!   a quote, `)`, `]`, `}`, `|`, `&`, `?`, `#`, `<`, `>`, `\`, or a `.`
//!   that ends the text or a sentence). So `a:b:80`, `user:1234@host`,
//!   `docker.io/library/redis:7` and `${PREFIX}db:5432` are not tokens;
//! * the port is a decimal number from 1 to 65535 without a leading zero;
//! * the host is an IPv4 address, a bracketed IPv6 address, or a name that
//!   starts with a letter (so times such as `12:30` are not hosts) made of
//!   letters, digits, `.`, `-` and `_`;
//! * in a URL the user information (everything up to the last `@` of the
//!   authority) is skipped, and a port that is not a number makes the whole
//!   URL unreadable (no reference);
//! * nothing that overlaps an unresolved `${VAR}` or `$VAR` counts: the
//!   value is only known once variables are substituted.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use crate::model::{Service, Sp};

/// Schemes whose URLs name a host even without a port (for `unknown-host`):
/// network protocols. Other schemes (`s3://bucket`, `file://`, `gs://`)
/// often hold something else where the host would be.
pub const NETWORK_SCHEMES: &[&str] = &[
    "http",
    "https",
    "ws",
    "wss",
    "tcp",
    "udp",
    "grpc",
    "grpcs",
    "redis",
    "rediss",
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongodb",
    "amqp",
    "amqps",
    "nats",
    "mqtt",
    "ldap",
    "ldaps",
    "smtp",
    "clickhouse",
    "memcached",
];

/// Words in a variable or option name that mark an address meant for a
/// browser or for clients outside the project (CORS origins, public and
/// callback URLs, advertised listeners). `localhost` there is seen from the
/// user's machine, through a published port, and is right. Entries match
/// whole words of the name, case-insensitively (see
/// [`names_other_address`]).
pub const OUTSIDE_ADDRESS_WORDS: &[&str] = &[
    "CORS",
    "ORIGIN",
    "PUBLIC",
    "EXTERNAL",
    "REDIRECT",
    "CALLBACK",
    "ADVERTISE",
    "BROWSER",
    "ALLOWED",
    "FRONTEND",
    "SITE_URL",
    "ROOT_URL",
    "BASE_URL",
    "APP_URL",
    "SERVER_URL",
    "WEB_URL",
    "NEXTAUTH_URL",
];

/// Words in a variable or option name that mark an address the service
/// binds to, not one it connects to (`--listen-client-urls`,
/// `BIND_ADDRESS`).
pub const BIND_ADDRESS_WORDS: &[&str] = &["LISTEN", "BIND"];

/// The words of a variable or option name, uppercased: split at `_`,
/// `-`, `.` and camelCase boundaries (`CYPRESS_baseUrl` → `CYPRESS`,
/// `BASE`, `URL`).
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_uppercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// A word of a name stands for a word of a list: the same, or with an
/// inflection (`ORIGINS`, `ADVERTISED`, `LISTENERS`).
fn word_matches(word: &str, listed: &str) -> bool {
    word.strip_prefix(listed)
        .is_some_and(|rest| matches!(rest, "" | "S" | "ES" | "D" | "ED" | "ER" | "ERS" | "ING"))
}

/// Whether a variable or option name marks an address that is no
/// destination inside the project: one for the outside, or one to bind to.
/// A listed entry matches whole words of the name, in order
/// (`BASE_URL` matches `API_BASE_URL`, not `DATABASE_URL`).
pub fn names_other_address(name: &str) -> bool {
    // The listed entries split at `_` once, not for every name.
    static LISTED: std::sync::LazyLock<Vec<Vec<&'static str>>> = std::sync::LazyLock::new(|| {
        OUTSIDE_ADDRESS_WORDS
            .iter()
            .chain(BIND_ADDRESS_WORDS)
            .map(|listed| listed.split('_').collect())
            .collect()
    });
    let words = name_words(name);
    LISTED.iter().any(|listed| {
        words
            .windows(listed.len())
            .any(|w| w.iter().zip(listed).all(|(word, l)| word_matches(word, l)))
    })
}

/// What kind of host a reference names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostKind {
    /// `localhost`, `127.0.0.0/8`, `::1`.
    Loopback,
    /// `0.0.0.0` or `::`: a bind address, not a destination.
    Unspecified,
    /// Any other IP address.
    Ip,
    /// A name without a dot (`redis`, `minio`).
    Bare,
    /// A name with a dot (`host.docker.internal`, `example.com`).
    Dotted,
}

/// A host reference inside a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostRef<'a> {
    /// The host as written (IPv6 without its brackets).
    pub host: &'a str,
    pub kind: HostKind,
    /// Where the host is written (brackets included).
    pub host_range: Range<usize>,
    /// The explicit port.
    pub port: Option<u16>,
    /// `host[:port]`: what a finding points at.
    pub range: Range<usize>,
    /// Where the reference starts: its scheme for a URL, else its host.
    pub start: usize,
    /// The URL scheme as written (compare it ignoring ASCII case), when
    /// the reference is a URL.
    pub scheme: Option<&'a str>,
}

impl HostRef<'_> {
    /// The explicit port, or the default of `http` (80) and `https` (443).
    pub fn effective_port(&self) -> Option<u16> {
        self.port.or(match self.scheme {
            Some(s) if s.eq_ignore_ascii_case("http") => Some(80),
            Some(s) if s.eq_ignore_ascii_case("https") => Some(443),
            _ => None,
        })
    }
}

/// Byte ranges of unresolved interpolation: `${...}` (nested braces
/// included) and `$NAME`; `$$` is an escaped `$`.
pub fn interpolation_ranges(s: &str) -> Vec<Range<usize>> {
    let b = s.as_bytes();
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
                let mut depth = 0usize;
                let mut j = i + 1;
                while j < b.len() {
                    match b[j] {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                let end = (j + 1).min(b.len());
                out.push(i..end);
                i = end;
            }
            Some(c) if *c == b'_' || c.is_ascii_alphabetic() => {
                let mut j = i + 1;
                while j < b.len() && (b[j] == b'_' || b[j].is_ascii_alphanumeric()) {
                    j += 1;
                }
                out.push(i..j);
                i = j;
            }
            _ => i += 1,
        }
    }
    out
}

fn overlaps(ranges: &[Range<usize>], r: &Range<usize>) -> bool {
    ranges.iter().any(|m| m.start < r.end && r.start < m.end)
}

fn is_scheme_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-')
}

fn is_host_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_')
}

/// Characters that end a URL's authority.
fn ends_authority(c: u8) -> bool {
    c.is_ascii_whitespace()
        || matches!(
            c,
            b'/' | b'?'
                | b'#'
                | b'"'
                | b'\''
                | b','
                | b';'
                | b')'
                | b'}'
                | b'\\'
                | b'|'
                | b'<'
                | b'>'
                | b'`'
        )
}

/// May come right before a free-text `host:port`.
fn starts_token(c: u8) -> bool {
    c.is_ascii_whitespace()
        || matches!(
            c,
            b'=' | b',' | b';' | b'"' | b'\'' | b'(' | b'[' | b'@' | b'>' | b'|' | b'`'
        )
}

/// May come right after the port of a free-text `host:port`.
fn ends_token(s: &[u8], at: usize) -> bool {
    let Some(&c) = s.get(at) else { return true };
    c.is_ascii_whitespace()
        || matches!(
            c,
            b'/' | b','
                | b';'
                | b'"'
                | b'\''
                | b')'
                | b']'
                | b'}'
                | b'|'
                | b'&'
                | b'?'
                | b'#'
                | b'<'
                | b'>'
                | b'\\'
                | b'`'
        )
        || (c == b'.' && s.get(at + 1).is_none_or(|n| n.is_ascii_whitespace()))
}

/// A port number: 1 to 65535, decimal, no sign, no leading zero.
pub fn parse_port(s: &str) -> Option<u16> {
    if s.is_empty() || s.len() > 5 || s.starts_with('0') || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse::<u32>()
        .ok()
        .filter(|p| (1..=65535).contains(p))
        .map(|p| p as u16)
}

/// Classify a host (IPv6 given without brackets); `None` when it is no
/// valid host.
pub fn classify(host: &str, bracketed: bool) -> Option<HostKind> {
    if bracketed {
        let ip: Ipv6Addr = host.parse().ok()?;
        return Some(if ip.is_loopback() {
            HostKind::Loopback
        } else if ip.is_unspecified() {
            HostKind::Unspecified
        } else {
            HostKind::Ip
        });
    }
    if host.is_empty() {
        return None;
    }
    if host.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        let ip: Ipv4Addr = host.parse().ok()?;
        return Some(if ip.is_loopback() {
            HostKind::Loopback
        } else if ip.is_unspecified() {
            HostKind::Unspecified
        } else {
            HostKind::Ip
        });
    }
    let b = host.as_bytes();
    if !b[0].is_ascii_alphabetic() || !b.iter().all(|c| is_host_char(*c)) {
        return None;
    }
    if host
        .split('.')
        .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
    {
        return None;
    }
    if host.eq_ignore_ascii_case("localhost") {
        return Some(HostKind::Loopback);
    }
    Some(if host.contains('.') {
        HostKind::Dotted
    } else {
        HostKind::Bare
    })
}

/// Every host reference in `s`, in order.
pub fn host_refs(s: &str) -> Vec<HostRef<'_>> {
    // A URL (`://`) and a `host:port` token both need a `:` (most values
    // have none).
    if !s.contains(':') {
        return Vec::new();
    }
    let b = s.as_bytes();
    let masked = interpolation_ranges(s);
    let mut out = Vec::new();
    // Ranges already read as URLs (scheme to end of authority).
    let mut urls: Vec<Range<usize>> = Vec::new();

    let mut from = 0;
    while let Some(sep) = crate::util::find_scheme_separator(s, from) {
        from = sep + 3;
        let mut start = sep;
        while start > 0 && is_scheme_char(b[start - 1]) {
            start -= 1;
        }
        while start < sep && !b[start].is_ascii_alphabetic() {
            start += 1;
        }
        if start == sep {
            continue;
        }
        let auth_start = sep + 3;
        let mut end = auth_start;
        let mut in_bracket = false;
        while end < b.len() {
            let c = b[end];
            if in_bracket {
                if c == b']' {
                    in_bracket = false;
                }
            } else if c == b'[' {
                in_bracket = true;
            } else if c == b']' || ends_authority(c) {
                break;
            }
            end += 1;
        }
        urls.push(start..end);
        from = end.max(from);
        let scheme = &s[start..sep];
        let auth = &s[auth_start..end];
        let host_start = auth_start + auth.rfind('@').map_or(0, |i| i + 1);
        let hostport = &s[host_start..end];
        let (host_range, bracketed, port_text) = if hostport.starts_with('[') {
            let Some(close) = hostport.find(']') else {
                continue;
            };
            let rest = &hostport[close + 1..];
            let port = match rest.strip_prefix(':') {
                Some(p) => Some((p, host_start + close + 2)),
                None if rest.is_empty() => None,
                None => continue,
            };
            (host_start..host_start + close + 1, true, port)
        } else {
            match hostport.find(':') {
                Some(i) => (
                    host_start..host_start + i,
                    false,
                    Some((&hostport[i + 1..], host_start + i + 1)),
                ),
                None => (host_start..end, false, None),
            }
        };
        let port = match port_text {
            None => None,
            Some((p, _)) => match parse_port(p) {
                Some(p) => Some(p),
                None => continue,
            },
        };
        let range = host_range.start..end;
        if overlaps(&masked, &range) {
            continue;
        }
        let host_text = if bracketed {
            &s[host_range.start + 1..host_range.end - 1]
        } else {
            &s[host_range.clone()]
        };
        let Some(kind) = classify(host_text, bracketed) else {
            continue;
        };
        out.push(HostRef {
            host: host_text,
            kind,
            host_range,
            port,
            range,
            start,
            scheme: Some(scheme),
        });
    }

    for (colon, _) in s.match_indices(':') {
        if urls.iter().any(|u| u.start <= colon && colon < u.end) {
            continue;
        }
        // The host before the colon.
        let (host_start, bracketed) = if colon > 0 && b[colon - 1] == b']' {
            match s[..colon].rfind('[') {
                Some(open) => (open, true),
                None => continue,
            }
        } else {
            let mut i = colon;
            while i > 0 && is_host_char(b[i - 1]) {
                i -= 1;
            }
            (i, false)
        };
        if host_start == colon || (host_start > 0 && !starts_token(b[host_start - 1])) {
            continue;
        }
        // The port after it.
        let mut port_end = colon + 1;
        while port_end < b.len() && b[port_end].is_ascii_digit() {
            port_end += 1;
        }
        let Some(port) = parse_port(&s[colon + 1..port_end]) else {
            continue;
        };
        if !ends_token(b, port_end) {
            continue;
        }
        let range = host_start..port_end;
        if overlaps(&masked, &range) {
            continue;
        }
        let host_text = if bracketed {
            &s[host_start + 1..colon - 1]
        } else {
            &s[host_start..colon]
        };
        let Some(kind) = classify(host_text, bracketed) else {
            continue;
        };
        out.push(HostRef {
            host: host_text,
            kind,
            host_range: host_start..colon,
            port: Some(port),
            start: range.start,
            range,
            scheme: None,
        });
    }
    out.sort_by_key(|r| r.range.start);
    out
}

/// Where in a service a string was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place<'a> {
    /// The value of an environment variable (its name).
    Environment(&'a str),
    Command,
    Entrypoint,
    Healthcheck,
}

impl Place<'_> {
    pub fn describe(&self) -> String {
        let mut out = String::new();
        self.push_describe(&mut out);
        out
    }

    /// Append [`Place::describe`] to `out`.
    pub fn push_describe(&self, out: &mut String) {
        match self {
            Place::Environment(k) => {
                out.push('`');
                out.push_str(k);
                out.push('`');
            }
            Place::Command => out.push_str("its `command`"),
            Place::Entrypoint => out.push_str("its `entrypoint`"),
            Place::Healthcheck => out.push_str("its healthcheck"),
        }
    }
}

/// A string of a service that may name other hosts.
#[derive(Clone, Copy, Debug)]
pub struct Text<'a> {
    pub place: Place<'a>,
    pub text: &'a Sp<String>,
    /// The word before it in a `command` or `entrypoint` (`--url` in
    /// `--url http://...`).
    pub previous: Option<&'a str>,
}

impl Text<'_> {
    /// Whether the reference starting at `at` (its scheme, for a URL) is
    /// no destination inside the project (an address for the outside, or
    /// one to bind to): the variable's name says so, or the option written
    /// before it does (`--cors=URL`, or `--cors URL` with the option as the
    /// previous word).
    pub fn other_address(&self, at: usize) -> bool {
        let option = |w: &str| w.starts_with('-') && names_other_address(w);
        match self.place {
            Place::Environment(k) => names_other_address(k),
            _ => {
                let before = self.text.value.get(..at).unwrap_or_default();
                let mut words = before.split_whitespace();
                if !before.is_empty() && !before.ends_with(char::is_whitespace) {
                    // The reference is inside a word: `--cors=URL`.
                    return words.next_back().is_some_and(option);
                }
                match words.next_back() {
                    Some(w) => option(w),
                    None => self.previous.is_some_and(option),
                }
            }
        }
    }
}

/// Every host reference in the strings of a service ([`places`]), in
/// order, each with the string it is in. `Facts::host_refs` keeps them for
/// the rules that read them.
pub fn service_refs(s: &Service) -> Vec<(Text<'_>, HostRef<'_>)> {
    let mut out = Vec::new();
    for t in places(s) {
        out.extend(host_refs(&t.text.value).into_iter().map(|r| (t, r)));
    }
    out
}

/// The strings of a service that may name other hosts: environment values,
/// `command` and `entrypoint` words, `healthcheck.test` items.
pub fn places(s: &Service) -> Vec<Text<'_>> {
    let args = |c: &Option<crate::model::Command>| c.as_ref().map_or(0, |c| c.args.len());
    let mut out = Vec::with_capacity(
        s.environment.len()
            + args(&s.command)
            + args(&s.entrypoint)
            + s.healthcheck
                .as_ref()
                .and_then(|h| h.test.as_ref())
                .map_or(0, |t| t.args.len()),
    );
    for kv in &s.environment {
        if let Some(v) = &kv.value {
            out.push(Text {
                place: Place::Environment(kv.key.as_str()),
                text: v,
                previous: None,
            });
        }
    }
    let commands = [
        (Place::Command, s.command.as_ref().map(|c| &c.args)),
        (Place::Entrypoint, s.entrypoint.as_ref().map(|c| &c.args)),
        (
            Place::Healthcheck,
            s.healthcheck
                .as_ref()
                .and_then(|h| h.test.as_ref())
                .map(|t| &t.args),
        ),
    ];
    for (place, args) in commands {
        let Some(args) = args else { continue };
        for (i, a) in args.iter().enumerate() {
            out.push(Text {
                place,
                text: a,
                previous: i.checked_sub(1).map(|j| args[j].as_str()),
            });
        }
    }
    out
}

/// The namespace a service's `network_mode` puts it in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetMode<'a> {
    /// The project's networks (no `network_mode`, or `bridge`).
    Networks,
    Host,
    None,
    /// `service:NAME`: the namespace of another service.
    Service(&'a str),
    /// `container:...`, a named network, or an unresolved value.
    Other,
}

pub fn net_mode(s: &Service) -> NetMode<'_> {
    let Some(m) = &s.network_mode else {
        return NetMode::Networks;
    };
    match m.as_str() {
        "bridge" | "default" => NetMode::Networks,
        "host" => NetMode::Host,
        "none" => NetMode::None,
        v => match v.strip_prefix("service:") {
            Some(name) if !crate::util::has_interpolation(name) => NetMode::Service(name),
            _ => NetMode::Other,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (host, port, text at `range`) of every reference.
    fn refs(s: &str) -> Vec<(String, Option<u16>, String)> {
        host_refs(s)
            .into_iter()
            .map(|r| (r.host.to_string(), r.port, s[r.range].to_string()))
            .collect()
    }

    fn one(s: &str) -> (String, Option<u16>, String) {
        let r = refs(s);
        assert_eq!(r.len(), 1, "{s}: {r:?}");
        r.into_iter().next().unwrap()
    }

    #[test]
    fn urls() {
        assert_eq!(
            one("http://etcd:2379"),
            ("etcd".into(), Some(2379), "etcd:2379".into())
        );
        assert_eq!(
            one("-advertise-client-urls=http://etcd:2379"),
            ("etcd".into(), Some(2379), "etcd:2379".into())
        );
        assert_eq!(
            one("postgres://user:secret@db:5432/app?sslmode=disable"),
            ("db".into(), Some(5432), "db:5432".into())
        );
        assert_eq!(
            one("amqp://guest:guest@rabbitmq/"),
            ("rabbitmq".into(), None, "rabbitmq".into())
        );
        assert_eq!(
            one("jdbc:postgresql://db:5432/x"),
            ("db".into(), Some(5432), "db:5432".into())
        );
        let r = &host_refs("curl -f http://localhost/health")[0];
        assert_eq!((r.kind, r.effective_port()), (HostKind::Loopback, Some(80)));
        let r = &host_refs("https://localhost")[0];
        assert_eq!(r.effective_port(), Some(443));
        let r = &host_refs("redis://localhost")[0];
        assert_eq!(r.effective_port(), None);
        // Several URLs in one word.
        let r = refs("http://0.0.0.0:2379,http://0.0.0.0:4001");
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].1, Some(4001));
        // A port that is not a number, an empty host, a file URL.
        assert!(refs("http://host:abc/").is_empty());
        assert!(refs("PLAINTEXT://:9092").is_empty());
        assert!(refs("unix:///var/run/docker.sock").is_empty());
        assert!(refs("http://host:0/").is_empty());
        assert!(refs("http://host:65536/").is_empty());
    }

    #[test]
    fn ipv6() {
        let r = &host_refs("http://[::1]:9000/minio")[0];
        assert_eq!(
            (r.host, r.kind, r.port),
            ("::1", HostKind::Loopback, Some(9000))
        );
        let r = &host_refs("--addr [::1]:8080")[0];
        assert_eq!(
            (r.kind, r.port, r.range.clone()),
            (HostKind::Loopback, Some(8080), 7..17)
        );
        assert_eq!(host_refs("[::]:80")[0].kind, HostKind::Unspecified);
        // A bare IPv6 address has no port that could be told apart.
        assert!(refs("fe80::1:8080").is_empty());
        assert!(refs("::1").is_empty());
    }

    #[test]
    fn host_port_tokens() {
        assert_eq!(
            one("redis:6379"),
            ("redis".into(), Some(6379), "redis:6379".into())
        );
        assert_eq!(one("localhost:2379").0, "localhost");
        assert_eq!(one("127.0.0.1:9000").0, "127.0.0.1");
        assert_eq!(one("127.0.0.1:9000").1, Some(9000));
        assert_eq!(
            one("wait-for-it.sh db:5432 -- npm start").2,
            "db:5432".to_string()
        );
        assert_eq!(one("--broker=kafka:9092").0, "kafka");
        assert_eq!(one("'minio:9000'").0, "minio");
        assert_eq!(one("(mino:9000)").0, "mino");
        assert_eq!(one("connect to db:5432.").0, "db");
        let r = refs("127.0.0.1:6370 127.0.0.1:6371");
        assert_eq!(r.len(), 2);
        assert_eq!(host_refs("0.0.0.0:2379")[0].kind, HostKind::Unspecified);
    }

    #[test]
    fn what_is_not_a_host() {
        // Times and durations.
        assert!(refs("12:30").is_empty());
        assert!(refs("at 12:30:00").is_empty());
        assert!(refs("0 12:30 * * *").is_empty());
        // user:password.
        assert!(refs("admin:secret").is_empty());
        assert!(refs("KEY=user:pass").is_empty());
        // A password that looks like a port, followed by `@`.
        assert_eq!(one("user:1234@db:5432").0, "db");
        // Port mappings and longer colon chains.
        assert!(refs("8080:80").is_empty());
        assert!(refs("localhost:8080:80").is_empty());
        assert!(refs("zoo1:2888:3888").is_empty());
        // Out of range, zero, leading zero, empty.
        assert!(refs("localhost:99999").is_empty());
        assert!(refs("localhost:0").is_empty());
        assert!(refs("localhost:080").is_empty());
        assert!(refs("localhost:").is_empty());
        assert!(refs("zulip@localhost:$$(cat file)").is_empty());
        // An image reference with a path, and a version.
        assert!(refs("docker.io/library/redis:7").is_empty());
        assert!(refs("nginx:1.27").is_empty());
        // Protocol names and Windows paths.
        assert!(refs("PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT").is_empty());
        assert!(refs(r"C:\data").is_empty());
        // Hosts that are no names.
        assert!(refs("-x:80").is_empty());
        assert!(refs("a..b:80").is_empty());
        assert!(refs("1.2.3:80").is_empty());
        assert!(refs("999.1.1.1:80").is_empty());
    }

    #[test]
    fn localhost_inside_longer_words() {
        let r = one("mylocalhost:80");
        assert_eq!(r.0, "mylocalhost");
        assert_eq!(classify(&r.0, false), Some(HostKind::Bare));
        assert_eq!(
            classify("localhost.localdomain", false),
            Some(HostKind::Dotted)
        );
        assert_eq!(classify("LOCALHOST", false), Some(HostKind::Loopback));
        assert_eq!(
            one("storage.gcs.127.0.0.1.nip.io:4443").0,
            "storage.gcs.127.0.0.1.nip.io"
        );
        assert_eq!(
            classify("storage.gcs.127.0.0.1.nip.io", false),
            Some(HostKind::Dotted)
        );
        assert_eq!(classify("127.1.2.3", false), Some(HostKind::Loopback));
        assert_eq!(classify("10.0.0.1", false), Some(HostKind::Ip));
    }

    #[test]
    fn interpolation_is_never_a_host() {
        assert_eq!(interpolation_ranges("a${B:-c}d$E f$$G"), vec![1..8, 9..11]);
        assert_eq!(interpolation_ranges("${A:-${B}}x"), vec![0..10]);
        assert!(refs("${REDIS_URL:-redis://localhost:6379}").is_empty());
        assert!(refs("${HOST:-localhost}:8080").is_empty());
        assert!(refs("localhost:${PORT}").is_empty());
        assert!(refs("http://localhost:${PORT}/").is_empty());
        assert!(refs("http://${HOST}:8080/").is_empty());
        assert!(refs("${PREFIX}redis:6379").is_empty());
        assert!(refs("$HOST:6379").is_empty());
        assert!(refs("EXTERNAL://${DOCKER_HOST_IP:-127.0.0.1}:9092").is_empty());
        // Interpolation elsewhere in the text does not hide a literal host.
        assert_eq!(one("postgres://${USER}:${PASS}@db:5432/app").0, "db");
        assert_eq!(one("redis:6379 ${OPTS}").0, "redis");
        // `$$` is a literal dollar.
        assert_eq!(one("$$x redis:6379").0, "redis");
    }

    #[test]
    fn other_addresses() {
        for n in [
            "--listen-client-urls",
            "BIND_ADDRESS",
            "TEMPORAL_CORS_ORIGINS",
            "NEXT_PUBLIC_API_URL",
            "KAFKA_ADVERTISED_LISTENERS",
            "--advertise-kafka-addr",
            "API_EXTERNAL_URL",
            "oauth.redirect-uri",
            "SITE_URL",
            "CYPRESS_baseUrl",
            "KAFKA_CFG_LISTENERS",
            "allowedOrigins",
        ] {
            assert!(names_other_address(n), "{n}");
        }
        for n in [
            "ETCD_ENDPOINTS",
            "MINIO_ADDRESS",
            "DATABASE_URL",
            "--broker",
            "REDIS_HOST",
        ] {
            assert!(!names_other_address(n), "{n}");
        }
        let args = [
            Sp::new("etcd".to_string(), crate::span::Span::default(), None),
            Sp::new(
                "--listen-client-urls".to_string(),
                crate::span::Span::default(),
                None,
            ),
            Sp::new(
                "http://127.0.0.1:2379".to_string(),
                crate::span::Span::default(),
                None,
            ),
            Sp::new(
                "--cors=http://localhost:3000".to_string(),
                crate::span::Span::default(),
                None,
            ),
            Sp::new(
                "--endpoint=http://localhost:3000".to_string(),
                crate::span::Span::default(),
                None,
            ),
        ];
        let text = |i: usize| Text {
            place: Place::Command,
            text: &args[i],
            previous: Some(args[i - 1].as_str()),
        };
        assert!(text(2).other_address(0));
        assert!(text(3).other_address(7));
        assert!(!text(4).other_address(11));
        assert!(!text(1).other_address(0));
    }

    #[test]
    fn ranges_point_at_host_and_port() {
        let s = "INTERNAL://kafka1:19092,EXTERNAL://localhost:9092";
        let r = host_refs(s);
        assert_eq!(r.len(), 2);
        assert_eq!(&s[r[0].range.clone()], "kafka1:19092");
        assert_eq!(&s[r[1].range.clone()], "localhost:9092");
        assert_eq!(&s[r[1].host_range.clone()], "localhost");
        assert_eq!(r[1].scheme, Some("EXTERNAL"));
    }
}
