//! `extra_hosts` list entries: `HOST=IP` or `HOST:IP`.
//!
//! Reference: compose-go `types/hostList.go` `NewHostsList`: the entry is cut
//! at the first `=` if there is one, otherwise at the first `:` (so
//! `myhost:::1` maps `myhost` to `::1`); the IP part may list several
//! addresses separated by `,`, each optionally in brackets (`[::1]`). The
//! host name must be non-empty and contain neither `:` nor `=`. Compose
//! does not check the addresses, the Engine does (`ValidateExtraHost`): each
//! must be an IP address or the special value `host-gateway`.

use std::net::IpAddr;
use std::ops::Range;

use super::{Parsed, SyntaxError, quote, split_ranges, unless_interpolated};

/// The special address resolving to the host's gateway IP.
pub const HOST_GATEWAY: &str = "host-gateway";

/// One `extra_hosts` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraHost {
    pub host: String,
    pub host_range: Range<usize>,
    /// The addresses, brackets removed (`::1`), or `host-gateway`.
    pub ips: Vec<String>,
    /// Where the whole address part is written.
    pub ip_range: Range<usize>,
    /// Where each address is written (brackets included), parallel to `ips`.
    pub ip_ranges: Vec<Range<usize>>,
}

/// Parses an `extra_hosts` list entry such as `somehost=162.242.195.82`,
/// `otherhost:50.31.209.229`, `myhostv6=::1`, `myhostv6:[::1]` or
/// `host.docker.internal:host-gateway`.
pub fn parse_extra_host(s: &str) -> Parsed<ExtraHost> {
    unless_interpolated(s, extra_host)
}

fn extra_host(s: &str) -> Result<ExtraHost, SyntaxError> {
    let Some(sep) = s.find('=').or_else(|| s.find(':')) else {
        return Err(SyntaxError::new(
            format!("invalid additional host, missing IP: {s} (write HOST=IP or HOST:IP)"),
            0..s.len(),
        ));
    };
    let host = s.get(..sep).unwrap_or("");
    if host.is_empty() {
        return Err(SyntaxError::new(
            format!(
                "bad host name '': {} has no host name before the separator",
                quote(s)
            ),
            sep..sep + 1,
        ));
    }
    if let Some(bad) = host.find([':', '=']) {
        return Err(SyntaxError::new(
            format!(
                "bad host name '{host}': a host name cannot contain {}",
                quote(s.get(bad..bad + 1).unwrap_or(":"))
            ),
            0..sep,
        ));
    }
    let ip_start = sep + 1;
    let ip_part = s.get(ip_start..).unwrap_or("");
    let mut ips = Vec::new();
    let mut ip_ranges = Vec::new();
    for (ip, r) in split_ranges(ip_part, ',') {
        let range = r.start + ip_start..r.end + ip_start;
        if ip.is_empty() {
            let why = if ip_part.is_empty() {
                format!("missing IP address for host '{host}'")
            } else {
                format!("empty IP address in {}", quote(ip_part))
            };
            let range = if ip_part.is_empty() {
                sep..sep + 1
            } else {
                range
            };
            return Err(SyntaxError::new(why, range));
        }
        let bare = if ip.len() > 2 && ip.starts_with('[') && ip.ends_with(']') {
            ip.get(1..ip.len() - 1).unwrap_or(ip)
        } else {
            ip
        };
        if bare != HOST_GATEWAY && bare.parse::<IpAddr>().is_err() {
            return Err(SyntaxError::new(
                format!(
                    "invalid IP address in add-host: {} (expected an IPv4 or IPv6 address, or {HOST_GATEWAY})",
                    quote(bare)
                ),
                range,
            ));
        }
        ips.push(bare.to_string());
        ip_ranges.push(range);
    }
    Ok(ExtraHost {
        host: host.to_string(),
        host_range: 0..sep,
        ips,
        ip_range: ip_start..s.len(),
        ip_ranges,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> ExtraHost {
        match parse_extra_host(s) {
            Parsed::Ok(h) => h,
            other => panic!("{s:?}: {other:?}"),
        }
    }

    fn err(s: &str) -> SyntaxError {
        match parse_extra_host(s) {
            Parsed::Err(e) => e,
            other => panic!("{s:?}: expected an error, got {other:?}"),
        }
    }

    #[test]
    fn separators() {
        let h = ok("somehost=162.242.195.82");
        assert_eq!(h.host, "somehost");
        assert_eq!(h.host_range, 0..8);
        assert_eq!(h.ips, ["162.242.195.82"]);
        assert_eq!(h.ip_range, 9..23);
        assert_eq!(h.ip_ranges, vec![Range { start: 9, end: 23 }]);

        let h = ok("otherhost:50.31.209.229");
        assert_eq!(h.host, "otherhost");
        assert_eq!(h.ips, ["50.31.209.229"]);
        assert_eq!(h.ip_range, 10..23);
    }

    #[test]
    fn ipv6() {
        // Cut at the first `:` when there is no `=`.
        let h = ok("myhostv6:::1");
        assert_eq!(h.host, "myhostv6");
        assert_eq!(h.ips, ["::1"]);
        assert_eq!(h.ip_range, 9..12);

        let h = ok("myhostv6=::1");
        assert_eq!(h.ips, ["::1"]);

        let h = ok("myhostv6:[::1]");
        assert_eq!(h.ips, ["::1"]);
        assert_eq!(h.ip_ranges, vec![Range { start: 9, end: 14 }]);

        // With `=`, colons after it belong to the address.
        let h = ok("v6=fe80::1:2");
        assert_eq!(h.ips, ["fe80::1:2"]);
    }

    #[test]
    fn host_gateway_and_multiple_ips() {
        let h = ok("host.docker.internal:host-gateway");
        assert_eq!(h.host, "host.docker.internal");
        assert_eq!(h.ips, [HOST_GATEWAY]);

        let h = ok("multi=10.0.0.1,[::1],10.0.0.2");
        assert_eq!(h.ips, ["10.0.0.1", "::1", "10.0.0.2"]);
        assert_eq!(h.ip_ranges, [6..14, 15..20, 21..29]);
        assert_eq!(h.ip_range, 6..29);
    }

    #[test]
    fn errors() {
        let e = err("somehost");
        assert_eq!(
            e.message,
            "invalid additional host, missing IP: somehost (write HOST=IP or HOST:IP)"
        );
        assert_eq!(e.range, 0..8);

        let e = err("");
        assert_eq!(e.range, 0..0);

        let e = err("=1.2.3.4");
        assert_eq!(e.range, 0..1);
        assert!(e.message.starts_with("bad host name ''"), "{}", e.message);

        let e = err("a:b=1.2.3.4");
        assert_eq!(e.range, 0..3);
        assert!(
            e.message.starts_with("bad host name 'a:b'"),
            "{}",
            e.message
        );

        let e = err("host=");
        assert_eq!(e.range, 4..5);
        assert!(e.message.contains("missing IP address"), "{}", e.message);

        let e = err("host=1.2.3.4,");
        assert_eq!(e.range, 13..13);

        let e = err("host=localhost");
        assert_eq!(e.range, 5..14);
        assert!(
            e.message
                .starts_with("invalid IP address in add-host: \"localhost\"")
        );

        let e = err("host=1.2.3.4,999.1.1.1");
        assert_eq!(e.range, 13..22);

        let e = err("host:[::1");
        assert_eq!(e.range, 5..9);

        // `myhost:::1`-style entries cut at `=` first: the host keeps its colon.
        let e = err("my:host=1.2.3.4");
        assert!(
            e.message.starts_with("bad host name 'my:host'"),
            "{}",
            e.message
        );
    }

    #[test]
    fn interpolated() {
        assert_eq!(parse_extra_host("db:${DB_IP}"), Parsed::Unresolved);
        assert_eq!(parse_extra_host("$HOST=1.2.3.4"), Parsed::Unresolved);
    }

    #[test]
    fn no_panics() {
        for s in [
            "=", ":", "==", "::", "é=é", "é:[]", "a=[]", "a=,", "a=[é]", "a=,,",
        ] {
            let _ = parse_extra_host(s);
        }
    }
}
