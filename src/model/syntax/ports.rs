//! `ports` short syntax, `expose` entries, port numbers and IP addresses.
//!
//! Reference: docker/go-connections `nat.ParsePortSpec`, reached through
//! compose-go `types.ParsePortConfig`. Docker Compose v5 links
//! go-connections v0.7.0 (the newest version any of its dependencies asks
//! for), so acceptance follows v0.7.0; messages keep the v0.4.0 wording
//! (`Invalid containerPort: ...`) with an explanation added.
//!
//! `[[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL]` is split on every `:`:
//! the last part is the container port (and protocol), the one before it the
//! host port (may be empty: an ephemeral host port), everything before that
//! the IP. So an IPv6 address may be written in brackets (`[::1]:80:80`) or,
//! as go-connections v0.7 accepts it, bare when a host port follows
//! (`::1:80:80` binds `::1`). Quirks mirrored from go-connections:
//!
//! * port numbers are `strconv.ParseInt` decimals in `0..=65535`, so a sign
//!   is allowed (`+80`) and `0` is accepted;
//! * a range is cut at its first `-`; `start-end` needs `start <= end`;
//! * the protocol (after the first `/`) is case-insensitive, empty means
//!   `tcp`;
//! * `[]` as IP means no IP.

use std::fmt;
use std::net::IpAddr;
use std::ops::Range;

use super::{Parsed, SyntaxError, quote, split_ranges, unless_interpolated};
use crate::util::find_byte;

/// An inclusive range of ports; a single port has `start == end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PortRange {
    pub start: u16,
    pub end: u16,
}

impl PortRange {
    pub fn single(port: u16) -> PortRange {
        PortRange {
            start: port,
            end: port,
        }
    }

    pub fn is_single(&self) -> bool {
        self.start == self.end
    }

    /// Number of ports in the range.
    pub fn count(&self) -> u32 {
        u32::from(self.end).saturating_sub(u32::from(self.start)) + 1
    }

    pub fn contains(&self, port: u16) -> bool {
        self.start <= port && port <= self.end
    }

    /// Push the range as [`fmt::Display`] writes it, without the
    /// formatting machinery (rules build many messages with ports).
    pub fn push_to(&self, out: &mut String) {
        crate::util::push_decimal(out, usize::from(self.start));
        if !self.is_single() {
            out.push('-');
            crate::util::push_decimal(out, usize::from(self.end));
        }
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_single() {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}-{}", self.start, self.end)
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Protocol {
    #[default]
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    /// Case-insensitive, like go-connections (which lowercases first).
    pub fn parse(s: &str) -> Option<Protocol> {
        match s.to_ascii_lowercase().as_str() {
            "tcp" => Some(Protocol::Tcp),
            "udp" => Some(Protocol::Udp),
            "sctp" => Some(Protocol::Sctp),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One `ports` entry in short syntax.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortSpec {
    /// The host IP, without brackets for IPv6 (`"::1"`).
    pub host_ip: Option<String>,
    /// Where the IP is written in the input (brackets included).
    pub host_ip_range: Option<Range<usize>>,
    /// `None` = an ephemeral host port.
    pub published: Option<PortRange>,
    pub published_range: Option<Range<usize>>,
    pub target: PortRange,
    pub target_range: Range<usize>,
    pub protocol: Protocol,
    /// Where the protocol is written, if it is.
    pub protocol_range: Option<Range<usize>>,
}

/// Parses a `ports` entry: `[[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`.
pub fn parse_port(s: &str) -> Parsed<PortSpec> {
    unless_interpolated(s, |s| {
        port_spec(s).map_err(|e| ip_without_host_port(s).unwrap_or(e))
    })
}

/// Parses an `expose` entry: `PORT[/PROTOCOL]` or `START-END[/PROTOCOL]`.
pub fn parse_expose(s: &str) -> Parsed<(PortRange, Protocol)> {
    unless_interpolated(s, |s| {
        let (port, port_range, proto) = split_proto(s);
        if port.is_empty() {
            return Err(SyntaxError::new(
                format!(
                    "No port specified: {} has no port before the protocol",
                    quote(s)
                ),
                0..s.len(),
            ));
        }
        let protocol = protocol(proto)?;
        if let Some(colon) = find_byte(port.as_bytes(), b':') {
            return Err(SyntaxError::new(
                format!(
                    "Invalid port: {}: expose takes container ports only (publish host ports with `ports`)",
                    quote(port)
                ),
                colon..colon + 1,
            ));
        }
        let range = port_range_of(port, port_range.start, "port")?;
        Ok((range, protocol))
    })
}

/// Parses a port or a port range (`8080`, `8000-8010`), as in the long
/// syntax `published` and `target`.
pub fn parse_port_number(s: &str) -> Parsed<PortRange> {
    unless_interpolated(s, |s| port_range_of(s, 0, "port"))
}

/// Parses an IP address like Go's `net.ParseIP`, also accepting the
/// bracketed form `[::1]`.
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    let inner = s
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(s);
    inner.parse().ok()
}

fn port_spec(s: &str) -> Result<PortSpec, SyntaxError> {
    let parts = split_ranges(s, ':');
    let n = parts.len();
    let (container, container_range) = parts.get(n.wrapping_sub(1)).cloned().unwrap_or(("", 0..0));
    let host = if n >= 2 {
        parts.get(n - 2).cloned()
    } else {
        None
    };
    let ip_range = match &host {
        Some((_, r)) if n >= 3 => Some(0..r.start.saturating_sub(1)),
        _ => None,
    };

    // SplitProtoPort: the container port, then the protocol after the first `/`.
    let (cport, cport_range, proto) = split_proto(container);
    let cport_range = shift(cport_range, container_range.start);
    if cport.is_empty() {
        let range = match &proto {
            // Point at the `/` that has no port before it.
            Some(_) => container_range.start..container_range.start + 1,
            None if container_range.start > 0 => container_range.start - 1..container_range.start,
            None => 0..s.len(),
        };
        let why = if container.is_empty() && n > 1 {
            "nothing follows the last `:`; the container port is required"
        } else {
            "the container port is required"
        };
        return Err(SyntaxError::new(
            format!("No port specified: {}: {why}", quote(s)),
            range,
        ));
    }
    let proto = proto.map(|(p, r)| (p, shift(r, container_range.start)));
    let protocol = protocol(proto.clone())?;
    let protocol_range = proto.and_then(|(p, r)| (!p.is_empty()).then_some(r));

    // The IP.
    let (host_ip, host_ip_range) = match ip_range {
        Some(r) if !r.is_empty() => {
            let text = s.get(r.clone()).unwrap_or("");
            let (ip, ip_sub) = if text.starts_with('[') {
                match strip_brackets(text) {
                    Ok(inner) => (inner, r.start + 1..r.start + 1 + inner.len()),
                    Err(why) => {
                        return Err(SyntaxError::new(
                            format!("Invalid ip address {text}: {why}"),
                            r,
                        ));
                    }
                }
            } else {
                (text, r.clone())
            };
            if ip.is_empty() {
                (None, None)
            } else if ip.parse::<IpAddr>().is_err() {
                return Err(SyntaxError::new(
                    format!("Invalid ip address: {ip}: not an IPv4 or IPv6 address"),
                    ip_sub,
                ));
            } else {
                (Some(ip.to_string()), Some(r))
            }
        }
        _ => (None, None),
    };

    let target = port_range_of(cport, cport_range.start, "containerPort")?;

    let mut published = None;
    let mut published_range = None;
    if let Some((hp, hr)) = host
        && !hp.is_empty()
    {
        let h = port_range_of(hp, hr.start, "hostPort")?;
        if h.end - h.start != target.end - target.start && !target.is_single() {
            return Err(SyntaxError::new(
                format!(
                    "Invalid ranges specified for container and host Ports: {cport} and {hp}: \
                     a host port range must have as many ports as the container range \
                     ({} vs {})",
                    h.count(),
                    target.count()
                ),
                hr.start..cport_range.end,
            ));
        }
        published = Some(h);
        published_range = Some(hr);
    }

    Ok(PortSpec {
        host_ip,
        host_ip_range,
        published,
        published_range,
        target,
        target_range: cport_range,
        protocol,
        protocol_range,
    })
}

/// When `IP:CONTAINER` was written (an IP but no host port), explain that.
/// Only when the container part itself is fine, so that the hint never hides
/// another mistake.
fn ip_without_host_port(s: &str) -> Option<SyntaxError> {
    let colon = s.rfind(':')?;
    let prefix = s.get(..colon)?;
    let container = s.get(colon + 1..)?;
    let ip = parse_ip(prefix)?;
    let (cport, _, proto) = split_proto(container);
    if port_range_of(cport, 0, "").is_err() || protocol(proto).is_err() {
        return None;
    }
    let written = match ip {
        IpAddr::V6(_) if !prefix.starts_with('[') => format!("[{prefix}]"),
        _ => prefix.to_string(),
    };
    Some(SyntaxError::new(
        format!(
            "missing host port: {} binds {ip} but has no host port; \
             write {written}::{container} for an ephemeral host port, \
             or {written}:HOST_PORT:{container}",
            quote(s)
        ),
        0..colon,
    ))
}

/// A piece of the input and where it is.
type Piece<'a> = (&'a str, Range<usize>);

/// Splits `PORT[/PROTO]` at the first `/`: the port, its range, and the
/// protocol text with its range, if a `/` is present.
fn split_proto(s: &str) -> (&str, Range<usize>, Option<Piece<'_>>) {
    match find_byte(s.as_bytes(), b'/') {
        Some(i) => (
            s.get(..i).unwrap_or(""),
            0..i,
            Some((s.get(i + 1..).unwrap_or(""), i + 1..s.len())),
        ),
        None => (s, 0..s.len(), None),
    }
}

fn protocol(proto: Option<Piece<'_>>) -> Result<Protocol, SyntaxError> {
    match proto {
        None => Ok(Protocol::Tcp),
        Some(("", _)) => Ok(Protocol::Tcp),
        Some((p, r)) => Protocol::parse(p).ok_or_else(|| {
            SyntaxError::new(format!("Invalid proto: {p}: expected tcp, udp or sctp"), r)
        }),
    }
}

/// go-connections `parsePortRange`, with errors naming `what` and pointing
/// into the input at `offset`.
fn port_range_of(text: &str, offset: usize, what: &str) -> Result<PortRange, SyntaxError> {
    let whole = offset..offset + text.len();
    let fail = |detail: String, range: Range<usize>| {
        SyntaxError::new(format!("Invalid {what}: {text}: {detail}"), range)
    };
    if text.is_empty() {
        return Err(fail("no port given".into(), whole));
    }
    let (start, end) = match find_byte(text.as_bytes(), b'-') {
        Some(i) => (
            (text.get(..i).unwrap_or(""), offset..offset + i),
            Some((text.get(i + 1..).unwrap_or(""), offset + i + 1..whole.end)),
        ),
        None => ((text, whole.clone()), None),
    };
    let start_port = port_number(start.0).map_err(|why| {
        let range = if start.0.is_empty() {
            whole.clone()
        } else {
            start.1.clone()
        };
        fail(
            if end.is_some() {
                format!("invalid start port {}: {why}", quote(start.0))
            } else {
                why
            },
            range,
        )
    })?;
    let Some(end) = end.filter(|e| e.0 != start.0) else {
        return Ok(PortRange::single(start_port));
    };
    let end_port = port_number(end.0).map_err(|why| {
        let range = if end.0.is_empty() {
            whole.clone()
        } else {
            end.1.clone()
        };
        fail(format!("invalid end port {}: {why}", quote(end.0)), range)
    })?;
    if end_port < start_port {
        return Err(SyntaxError::new(
            format!(
                "Invalid range specified for the Port: {text}: the start port {start_port} is greater than the end port {end_port}"
            ),
            whole,
        ));
    }
    Ok(PortRange {
        start: start_port,
        end: end_port,
    })
}

/// go-connections `parsePortNumber`: `strconv.ParseInt(s, 10, 0)` in
/// `0..=65535`.
fn port_number(s: &str) -> Result<u16, String> {
    if s.is_empty() {
        return Err("the port is empty".into());
    }
    let (neg, digits) = match s.as_bytes()[0] {
        b'-' => (true, s.get(1..).unwrap_or("")),
        b'+' => (false, s.get(1..).unwrap_or("")),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err("not a port number".into());
    }
    let trimmed = digits.trim_start_matches('0');
    let value: Option<u32> = if trimmed.is_empty() {
        Some(0)
    } else if trimmed.len() > 5 {
        None
    } else {
        trimmed.parse().ok()
    };
    match value {
        Some(0) => Ok(0),
        Some(v) if !neg => u16::try_from(v).map_err(|_| "port numbers go from 0 to 65535".into()),
        _ => Err("port numbers go from 0 to 65535".into()),
    }
}

/// Go's `net.SplitHostPort(ip + ":")` applied to a bracketed IP: the text
/// inside the brackets, or why it is malformed.
fn strip_brackets(ip: &str) -> Result<&str, &'static str> {
    let Some(end) = ip.find(']') else {
        return Err("missing ']' in address");
    };
    if end + 1 != ip.len() {
        return Err(if ip.as_bytes().get(end + 1) == Some(&b':') {
            "too many colons in address"
        } else {
            "missing port in address"
        });
    }
    let inner = ip.get(1..end).unwrap_or("");
    if inner.contains('[') {
        return Err("unexpected '[' in address");
    }
    Ok(inner)
}

fn shift(r: Range<usize>, by: usize) -> Range<usize> {
    super::shift(r, by)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> PortSpec {
        match parse_port(s) {
            Parsed::Ok(p) => p,
            other => panic!("{s:?}: {other:?}"),
        }
    }

    fn err(s: &str) -> SyntaxError {
        match parse_port(s) {
            Parsed::Err(e) => e,
            other => panic!("{s:?}: expected an error, got {other:?}"),
        }
    }

    fn r(start: u16, end: u16) -> PortRange {
        PortRange { start, end }
    }

    #[test]
    fn container_only() {
        let p = ok("3000");
        assert_eq!(p.target, PortRange::single(3000));
        assert_eq!(p.target_range, 0..4);
        assert_eq!(p.published, None);
        assert_eq!(p.published_range, None);
        assert_eq!(p.host_ip, None);
        assert_eq!(p.protocol, Protocol::Tcp);
        assert_eq!(p.protocol_range, None);
    }

    #[test]
    fn host_and_container() {
        let p = ok("8080:80");
        assert_eq!(p.published, Some(PortRange::single(8080)));
        assert_eq!(p.published_range, Some(0..4));
        assert_eq!(p.target, PortRange::single(80));
        assert_eq!(p.target_range, 5..7);
    }

    #[test]
    fn ranges_and_protocols() {
        let p = ok("8080-8081:80-81/udp");
        assert_eq!(p.published, Some(r(8080, 8081)));
        assert_eq!(p.published_range, Some(0..9));
        assert_eq!(p.target, r(80, 81));
        assert_eq!(p.target_range, 10..15);
        assert_eq!(p.protocol, Protocol::Udp);
        assert_eq!(p.protocol_range, Some(16..19));

        let p = ok("127.0.0.1:8080-8081:80-81/udp");
        assert_eq!(p.host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(p.host_ip_range, Some(0..9));
        assert_eq!(p.published, Some(r(8080, 8081)));
        assert_eq!(p.published_range, Some(10..19));
        assert_eq!(p.target, r(80, 81));
        assert_eq!(p.target_range, 20..25);
        assert_eq!(p.protocol_range, Some(26..29));

        assert_eq!(ok("80/SCTP").protocol, Protocol::Sctp);
        assert_eq!(ok("80/Udp").protocol, Protocol::Udp);
        // An empty protocol means tcp.
        let p = ok("80/");
        assert_eq!(p.protocol, Protocol::Tcp);
        assert_eq!(p.protocol_range, None);
        // A host range with a single container port is a pool.
        let p = ok("9000-9010:80");
        assert_eq!(p.published, Some(r(9000, 9010)));
        assert_eq!(p.target, PortRange::single(80));
        // Same-port range written twice is a single port.
        assert_eq!(ok("80-80").target, PortRange::single(80));
        assert_eq!(ok("80-080").target, PortRange::single(80));
    }

    #[test]
    fn ipv6() {
        let p = ok("[::1]:80:80");
        assert_eq!(p.host_ip.as_deref(), Some("::1"));
        assert_eq!(p.host_ip_range, Some(0..5));
        assert_eq!(p.published_range, Some(6..8));
        assert_eq!(p.target_range, 9..11);

        let p = ok("[::]:8200:8200");
        assert_eq!(p.host_ip.as_deref(), Some("::"));

        // go-connections v0.7 accepts a bare IPv6 when a host port follows.
        let p = ok("::1:80:80");
        assert_eq!(p.host_ip.as_deref(), Some("::1"));
        assert_eq!(p.host_ip_range, Some(0..3));
        assert_eq!(p.published, Some(PortRange::single(80)));

        let p = ok("[fe80::1]::53/udp");
        assert_eq!(p.host_ip.as_deref(), Some("fe80::1"));
        assert_eq!(p.published, None);
        assert_eq!(p.protocol, Protocol::Udp);

        // Brackets around IPv4 are stripped; `[]` means no IP.
        assert_eq!(ok("[1.2.3.4]:80:80").host_ip.as_deref(), Some("1.2.3.4"));
        assert_eq!(ok("[]:80:80").host_ip, None);
    }

    #[test]
    fn ephemeral_host_port() {
        let p = ok("127.0.0.1::80");
        assert_eq!(p.host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(p.published, None);
        assert_eq!(p.published_range, None);
        assert_eq!(p.target_range, 11..13);

        let p = ok(":80");
        assert_eq!(p.published, None);
        assert_eq!(p.target, PortRange::single(80));
        assert_eq!(p.target_range, 1..3);
    }

    #[test]
    fn go_number_quirks() {
        assert_eq!(ok("0").target, PortRange::single(0));
        assert_eq!(ok("0:80").published, Some(PortRange::single(0)));
        assert_eq!(ok("+80").target, PortRange::single(80));
        assert_eq!(ok("0080").target, PortRange::single(80));
        assert_eq!(ok("65535").target, PortRange::single(65535));
    }

    #[test]
    fn errors() {
        let e = err(" 80");
        assert_eq!(e.range, 0..3);
        assert!(
            e.message.starts_with("Invalid containerPort:  80"),
            "{}",
            e.message
        );

        let e = err("80:");
        assert_eq!(e.range, 2..3);
        assert!(
            e.message.starts_with("No port specified: \"80:\""),
            "{}",
            e.message
        );

        let e = err("");
        assert_eq!(e.range, 0..0);
        assert!(e.message.starts_with("No port specified"), "{}", e.message);

        let e = err("/udp");
        assert_eq!(e.range, 0..1);

        let e = err("8080:80/tcpp");
        assert_eq!(e.range, 8..12);
        assert!(
            e.message.starts_with("Invalid proto: tcpp"),
            "{}",
            e.message
        );

        let e = err("80/udp/x");
        assert_eq!(e.range, 3..8);
        assert!(
            e.message.starts_with("Invalid proto: udp/x"),
            "{}",
            e.message
        );

        let e = err("65536");
        assert_eq!(e.range, 0..5);
        assert!(e.message.contains("0 to 65535"), "{}", e.message);

        let e = err("8080:8o");
        assert_eq!(e.range, 5..7);
        assert!(
            e.message.starts_with("Invalid containerPort: 8o"),
            "{}",
            e.message
        );

        let e = err("80a:80");
        assert_eq!(e.range, 0..3);
        assert!(
            e.message.starts_with("Invalid hostPort: 80a"),
            "{}",
            e.message
        );

        let e = err("8080-8o81:80");
        assert_eq!(e.range, 5..9);
        assert!(
            e.message.contains("invalid end port \"8o81\""),
            "{}",
            e.message
        );

        let e = err("81-80");
        assert_eq!(e.range, 0..5);
        assert!(
            e.message
                .starts_with("Invalid range specified for the Port: 81-80"),
            "{}",
            e.message
        );

        let e = err("80-");
        assert_eq!(e.range, 0..3);
        let e = err("-80");
        assert_eq!(e.range, 0..3);
        let e = err("1-2-3");
        assert_eq!(e.range, 2..5);

        let e = err("8080-8082:80-81");
        assert_eq!(e.range, 0..15);
        assert!(
            e.message.starts_with(
                "Invalid ranges specified for container and host Ports: 80-81 and 8080-8082"
            ),
            "{}",
            e.message
        );
        // A single host port cannot serve a container range.
        let e = err("8080:80-81");
        assert_eq!(e.range, 0..10);

        let e = err("300.1.1.1:80:80");
        assert_eq!(e.range, 0..9);
        assert!(
            e.message.starts_with("Invalid ip address: 300.1.1.1"),
            "{}",
            e.message
        );

        let e = err("localhost:80:80");
        assert_eq!(e.range, 0..9);

        let e = err("[::1:80:80");
        assert_eq!(e.range, 0..4);
        assert!(e.message.contains("missing ']'"), "{}", e.message);

        let e = err("[::1]x:80:80");
        assert_eq!(e.range, 0..6);
        assert!(
            e.message.contains("missing port in address"),
            "{}",
            e.message
        );

        let e = err("[zz]:80:80");
        assert_eq!(e.range, 1..3);
    }

    #[test]
    fn ip_without_host_port_hint() {
        // The hint never hides a container-port mistake.
        let e = err("::1:80:8o");
        assert!(
            e.message.starts_with("Invalid containerPort: 8o"),
            "{}",
            e.message
        );
        let e = err("127.0.0.1:8o");
        assert!(
            e.message.starts_with("Invalid containerPort"),
            "{}",
            e.message
        );

        let e = err("127.0.0.1:80");
        assert_eq!(e.range, 0..9);
        assert!(e.message.contains("127.0.0.1::80"), "{}", e.message);

        let e = err("[::1]:80");
        assert_eq!(e.range, 0..5);
        assert!(e.message.contains("[::1]::80"), "{}", e.message);

        let e = err("::1:80");
        assert_eq!(e.range, 0..3);
        assert!(e.message.contains("[::1]::80"), "{}", e.message);
    }

    #[test]
    fn interpolated() {
        assert_eq!(parse_port("${PORT:-8080}:80"), Parsed::Unresolved);
        assert_eq!(parse_port("$HOST_IP:80:80"), Parsed::Unresolved);
        assert!(parse_port("$$:80").is_err());
    }

    #[test]
    fn expose() {
        assert_eq!(
            parse_expose("3000"),
            Parsed::Ok((PortRange::single(3000), Protocol::Tcp))
        );
        assert_eq!(
            parse_expose("8000-8010/udp"),
            Parsed::Ok((r(8000, 8010), Protocol::Udp))
        );
        assert_eq!(parse_expose("${P}"), Parsed::Unresolved);
        let e = parse_expose("80:80").err().cloned().unwrap();
        assert_eq!(e.range, 2..3);
        assert!(
            e.message.contains("expose takes container ports only"),
            "{}",
            e.message
        );
        let e = parse_expose("80/http").err().cloned().unwrap();
        assert_eq!(e.range, 3..7);
        let e = parse_expose("/tcp").err().cloned().unwrap();
        assert_eq!(e.range, 0..4);
        let e = parse_expose("70000").err().cloned().unwrap();
        assert_eq!(e.range, 0..5);
        assert!(
            e.message.starts_with("Invalid port: 70000"),
            "{}",
            e.message
        );
    }

    #[test]
    fn port_numbers() {
        assert_eq!(
            parse_port_number("8080"),
            Parsed::Ok(PortRange::single(8080))
        );
        assert_eq!(parse_port_number("8000-9000"), Parsed::Ok(r(8000, 9000)));
        assert_eq!(parse_port_number("${P}"), Parsed::Unresolved);
        assert!(parse_port_number("").is_err());
        assert!(parse_port_number("9000-8000").is_err());
        assert!(parse_port_number("http").is_err());
        assert!(parse_port_number("-1").is_err());
        assert!(parse_port_number("99999999999999999999").is_err());
    }

    #[test]
    fn ips() {
        assert_eq!(parse_ip("127.0.0.1"), Some("127.0.0.1".parse().unwrap()));
        assert_eq!(parse_ip("::1"), Some("::1".parse().unwrap()));
        assert_eq!(parse_ip("[::1]"), Some("::1".parse().unwrap()));
        assert_eq!(
            parse_ip("::ffff:1.2.3.4"),
            Some("::ffff:1.2.3.4".parse().unwrap())
        );
        assert_eq!(parse_ip("[::1"), None);
        assert_eq!(parse_ip("01.2.3.4"), None);
        assert_eq!(parse_ip("1.2.3"), None);
        assert_eq!(parse_ip("fe80::1%eth0"), None);
        assert_eq!(parse_ip(""), None);
    }

    #[test]
    fn range_helpers() {
        assert_eq!(r(80, 81).count(), 2);
        assert_eq!(PortRange::single(1).count(), 1);
        assert!(r(80, 90).contains(85));
        assert_eq!(r(80, 81).to_string(), "80-81");
        assert_eq!(PortRange::single(80).to_string(), "80");
        assert_eq!(Protocol::Sctp.to_string(), "sctp");
    }

    #[test]
    fn no_panics() {
        for s in [
            ":",
            "::",
            ":::",
            "[",
            "]",
            "[]",
            "[:",
            "é:é",
            "1:é/é",
            "-",
            "--",
            "/",
            "//",
            "[é]:1:1",
            "\u{0}",
            "1-",
            "-1-",
            "::::::1",
            "[::1]::",
            "a:b:c:d:e",
        ] {
            let _ = parse_port(s);
            let _ = parse_expose(s);
            let _ = parse_port_number(s);
            let _ = parse_ip(s);
        }
    }
}
