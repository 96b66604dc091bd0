//! `devices` short syntax: `HOST_PATH[:CONTAINER_PATH[:PERMISSIONS]]`.
//!
//! Reference: compose-go `transform/device.go` `transformDeviceMapping`: the
//! entry is split on every `:`; one to three parts are accepted, more give
//! `confusing device mapping, please use long syntax`. An empty container
//! path means the host path; permissions default to `rwm`. Compose does not
//! check permissions, the Engine does (`validDeviceMode`): a non-empty
//! combination of `r`, `w` and `m`, each at most once.
//!
//! A CDI device name (`vendor.com/class=name`) is written as a single part.

use std::ops::Range;

use super::{Parsed, SyntaxError, quote, split_ranges, unless_interpolated};

/// One `devices` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceSpec {
    /// The host device path, or a CDI device name.
    pub host: String,
    pub host_range: Range<usize>,
    /// `None` when not written or empty: the host path is used.
    pub container: Option<String>,
    pub container_range: Option<Range<usize>>,
    /// `None` when not written: `rwm`.
    pub permissions: Option<String>,
    pub permissions_range: Option<Range<usize>>,
}

impl DeviceSpec {
    /// The path inside the container (the host path when not given).
    pub fn container_path(&self) -> &str {
        self.container.as_deref().unwrap_or(&self.host)
    }

    /// The effective cgroup permissions.
    pub fn effective_permissions(&self) -> &str {
        self.permissions.as_deref().unwrap_or("rwm")
    }

    /// Whether the host part is a CDI device name.
    pub fn is_cdi(&self) -> bool {
        self.container.is_none() && self.permissions.is_none() && is_cdi_name(&self.host)
    }
}

/// Parses a `devices` entry such as `/dev/ttyUSB0`, `/dev/sda:/dev/xvda:rwm`
/// or `vendor.com/device=gpu0`.
pub fn parse_device(s: &str) -> Parsed<DeviceSpec> {
    unless_interpolated(s, device)
}

/// Whether `s` is a fully qualified CDI device name, `VENDOR/CLASS=NAME`:
/// the vendor a domain-like name (letters, digits, `-`, `_`, `.`), the class
/// letters, digits, `-`, `_`; the name letters, digits, `-`, `_`, `.`, `:`.
pub fn is_cdi_name(s: &str) -> bool {
    let Some((kind, name)) = s.split_once('=') else {
        return false;
    };
    let Some((vendor, class)) = kind.split_once('/') else {
        return false;
    };
    let alnum_start = |p: &str| p.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    alnum_start(vendor)
        && alnum_start(class)
        && alnum_start(name)
        && vendor
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && class
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

fn device(s: &str) -> Result<DeviceSpec, SyntaxError> {
    if s.is_empty() {
        return Err(SyntaxError::new(
            "empty device mapping; expected HOST_PATH[:CONTAINER_PATH[:PERMISSIONS]]",
            0..0,
        ));
    }
    let parts = split_ranges(s, ':');
    if parts.len() > 3 {
        // Underline from the first surplus colon on.
        let from = parts.get(3).map_or(0, |(_, r)| r.start.saturating_sub(1));
        return Err(SyntaxError::new(
            format!(
                "confusing device mapping, please use long syntax: {s} \
                 (the short syntax is HOST_PATH[:CONTAINER_PATH[:PERMISSIONS]] \
                 and paths cannot contain `:`)"
            ),
            from..s.len(),
        ));
    }
    let (host, host_range) = parts[0].clone();
    if host.is_empty() {
        return Err(SyntaxError::new(
            format!("missing host device path in {}", quote(s)),
            0..1.min(s.len()),
        ));
    }
    let (container, container_range) = match parts.get(1) {
        Some((c, r)) if !c.is_empty() => (Some(c.to_string()), Some(r.clone())),
        _ => (None, None),
    };
    let (permissions, permissions_range) = match parts.get(2) {
        Some((p, r)) => {
            check_permissions(p, r.clone(), s)?;
            (Some(p.to_string()), Some(r.clone()))
        }
        None => (None, None),
    };
    Ok(DeviceSpec {
        host: host.to_string(),
        host_range,
        container,
        container_range,
        permissions,
        permissions_range,
    })
}

fn check_permissions(p: &str, range: Range<usize>, s: &str) -> Result<(), SyntaxError> {
    if p.is_empty() {
        return Err(SyntaxError::new(
            format!(
                "empty device permissions in {}; use a combination of r, w and m, or drop the last `:`",
                quote(s)
            ),
            range.start.saturating_sub(1)..range.start,
        ));
    }
    let mut seen = [false; 3];
    for (i, c) in p.char_indices() {
        let slot = match c {
            'r' => 0,
            'w' => 1,
            'm' => 2,
            _ => {
                return Err(SyntaxError::new(
                    format!(
                        "invalid device permissions {}: {} is not one of r (read), w (write), m (mknod)",
                        quote(p),
                        quote(&c.to_string())
                    ),
                    range.start + i..range.start + i + c.len_utf8(),
                ));
            }
        };
        if seen[slot] {
            return Err(SyntaxError::new(
                format!(
                    "invalid device permissions {}: {} is repeated",
                    quote(p),
                    quote(&c.to_string())
                ),
                range.start + i..range.start + i + 1,
            ));
        }
        seen[slot] = true;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> DeviceSpec {
        match parse_device(s) {
            Parsed::Ok(d) => d,
            other => panic!("{s:?}: {other:?}"),
        }
    }

    fn err(s: &str) -> SyntaxError {
        match parse_device(s) {
            Parsed::Err(e) => e,
            other => panic!("{s:?}: expected an error, got {other:?}"),
        }
    }

    #[test]
    fn forms() {
        let d = ok("/dev/ttyUSB0");
        assert_eq!(d.host, "/dev/ttyUSB0");
        assert_eq!(d.host_range, 0..12);
        assert_eq!(d.container, None);
        assert_eq!(d.container_path(), "/dev/ttyUSB0");
        assert_eq!(d.permissions, None);
        assert_eq!(d.effective_permissions(), "rwm");

        let d = ok("/dev/sda:/dev/xvda");
        assert_eq!(d.container.as_deref(), Some("/dev/xvda"));
        assert_eq!(d.container_range, Some(9..18));

        let d = ok("/dev/sda:/dev/xvda:rw");
        assert_eq!(d.permissions.as_deref(), Some("rw"));
        assert_eq!(d.permissions_range, Some(19..21));

        // An empty container path means the host path.
        let d = ok("/dev/sda::r");
        assert_eq!(d.container, None);
        assert_eq!(d.container_path(), "/dev/sda");
        assert_eq!(d.permissions.as_deref(), Some("r"));

        assert_eq!(
            ok("/dev/fuse:/dev/fuse:mwr").permissions.as_deref(),
            Some("mwr")
        );
    }

    #[test]
    fn cdi() {
        let d = ok("vendor.com/class=name");
        assert!(d.is_cdi());
        assert_eq!(d.host, "vendor.com/class=name");
        assert!(ok("nvidia.com/gpu=all").is_cdi());
        assert!(!ok("/dev/sda").is_cdi());
        assert!(is_cdi_name("nvidia.com/gpu=0"));
        assert!(!is_cdi_name("nvidia.com=0"));
        assert!(!is_cdi_name("/dev/x=y"));
        assert!(!is_cdi_name("a/b="));
    }

    #[test]
    fn errors() {
        let e = err("/dev/a:/dev/b:rw:x");
        assert!(
            e.message.starts_with(
                "confusing device mapping, please use long syntax: /dev/a:/dev/b:rw:x"
            ),
            "{}",
            e.message
        );
        assert_eq!(e.range, 16..18);

        let e = err("/dev/serial/by-path/pci-0000:01:00.0-usb-0:1.4:1.0-port0");
        assert!(
            e.message.starts_with("confusing device mapping"),
            "{}",
            e.message
        );

        let e = err("");
        assert_eq!(e.range, 0..0);

        let e = err(":/dev/b");
        assert_eq!(e.range, 0..1);
        assert!(
            e.message.contains("missing host device path"),
            "{}",
            e.message
        );

        let e = err("/dev/a:/dev/b:rx");
        assert_eq!(e.range, 15..16);
        assert!(e.message.contains("\"x\" is not one of r"), "{}", e.message);

        let e = err("/dev/a:/dev/b:rwr");
        assert_eq!(e.range, 16..17);
        assert!(e.message.contains("repeated"), "{}", e.message);

        let e = err("/dev/a:/dev/b:RW");
        assert_eq!(e.range, 14..15);

        let e = err("/dev/a:/dev/b:");
        assert_eq!(e.range, 13..14);
        assert!(
            e.message.contains("empty device permissions"),
            "{}",
            e.message
        );
    }

    #[test]
    fn interpolated() {
        assert_eq!(parse_device("${GPU_DEV}:/dev/dri"), Parsed::Unresolved);
        assert_eq!(parse_device("/dev/a:/dev/b:$PERMS"), Parsed::Unresolved);
    }

    #[test]
    fn no_panics() {
        for s in [
            ":", "::", ":::", "é", "é:é:é", "a::é", "a:b:é", "=", "/=", "a/=b",
        ] {
            let _ = parse_device(s);
            let _ = is_cdi_name(s);
        }
    }
}
