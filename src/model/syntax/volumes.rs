//! Service `volumes` short syntax: `[SOURCE:]TARGET[:OPTIONS]`.
//!
//! Reference: compose-go `format/volume.go` `ParseVolume` (v2, with the
//! `${...}` tracking added for `--no-interpolate`):
//!
//! * the spec is split on `:`, except inside `${...}` and except the colon of
//!   a Windows drive (a section that so far is exactly one letter, as in
//!   `C:\data` or `c:/data`); specs of one or two bytes are an anonymous
//!   volume's target as they are;
//! * one section: an anonymous volume mounted at it; two: source and target;
//!   three: source, target and comma-separated options; more: `too many
//!   colons`; an empty section: `empty section between colons`;
//! * options are not validated (unknown ones are ignored by Compose), `ro`
//!   and `rw` set read-only (the last one wins);
//! * the source is a bind mount when [`is_bind_source`], a named volume
//!   otherwise.
//!
//! The target is kept as written (compose-go later applies `path.Clean`).

use std::ops::Range;

use super::{Parsed, SyntaxError, has_interpolation};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VolumeSource {
    /// An anonymous volume (no source).
    None,
    /// A host path.
    Bind(String),
    /// A named volume.
    Named(String),
}

impl VolumeSource {
    pub fn text(&self) -> Option<&str> {
        match self {
            VolumeSource::None => None,
            VolumeSource::Bind(s) | VolumeSource::Named(s) => Some(s),
        }
    }
}

/// One `volumes` entry in short syntax.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShortVolume {
    pub source: VolumeSource,
    pub source_range: Option<Range<usize>>,
    pub target: String,
    pub target_range: Range<usize>,
    /// Whether the `ro` option is in effect (the last of `ro`/`rw` wins).
    pub read_only: bool,
    /// Every non-empty option, in order (`ro`, `rw`, `z`, `Z`, `nocopy`,
    /// propagation modes, `cached`, `delegated`, `consistent`, or anything
    /// else: Compose ignores unknown options).
    pub options: Vec<String>,
    pub options_range: Option<Range<usize>>,
}

/// Parses a `volumes` entry.
///
/// Interpolation: text whose target or options are interpolated is
/// [`Parsed::Unresolved`], as is interpolated text that does not parse. When
/// only the source is interpolated the entry is `Ok`, the source kept as
/// written and classified by [`classify_interpolated_source`].
pub fn parse_volume(s: &str) -> Parsed<ShortVolume> {
    if !has_interpolation(s) {
        return volume(s).into();
    }
    let Ok(mut v) = volume(s) else {
        return Parsed::Unresolved;
    };
    let options_interpolated = v
        .options_range
        .clone()
        .and_then(|r| s.get(r))
        .is_some_and(has_interpolation);
    if has_interpolation(&v.target) || options_interpolated {
        return Parsed::Unresolved;
    }
    if let Some(src) = v.source.text()
        && has_interpolation(src)
    {
        v.source = classify_interpolated_source(src);
    }
    Parsed::Ok(v)
}

/// Whether a volume source is a host path, as compose-go's `isFilePath`: it
/// starts with `.`, `/` or `~`, is a Windows named pipe (`\\`), or starts
/// with a drive letter and a colon (`C:\`, `C:/`).
pub fn is_bind_source(src: &str) -> bool {
    let mut chars = src.chars();
    match chars.next() {
        None => false,
        Some('.' | '/' | '~') => true,
        Some(_) if src.starts_with("\\\\") => true,
        Some(c) => c.is_alphabetic() && chars.next() == Some(':'),
    }
}

/// Bind or named, for a source containing interpolation, guessed from the
/// text as written:
///
/// * a source that [`is_bind_source`] as written (`./${DIR}`, `/srv/$X`);
/// * a source starting with a variable (`$VAR` or `${VAR...}`) directly
///   followed by `/` or `\` (`${HOME}/data`, `$PWD/x`);
/// * a source starting with `${VAR:-default}`, `${VAR-default}`,
///   `${VAR:+alt}` or `${VAR+alt}` whose default/alternative value is a host
///   path (`${DATA_DIR:-./data}`);
///
/// are bind mounts; anything else (`${VOLUME_NAME}`, `db_${ENV}`) is taken
/// for a named volume. The text is kept as written.
pub fn classify_interpolated_source(src: &str) -> VolumeSource {
    if is_bind_source(src) || interpolated_path(src) {
        VolumeSource::Bind(src.to_string())
    } else {
        VolumeSource::Named(src.to_string())
    }
}

fn interpolated_path(src: &str) -> bool {
    let Some(rest) = src.strip_prefix('$') else {
        return false;
    };
    if let Some(braced) = rest.strip_prefix('{') {
        // Find the matching `}`.
        let b = braced.as_bytes();
        let mut depth = 1usize;
        let mut i = 0;
        let mut close = None;
        while i < b.len() {
            match b[i] {
                b'$' if b.get(i + 1) == Some(&b'{') => {
                    depth += 1;
                    i += 1;
                }
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(i);
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        let Some(close) = close else {
            return false;
        };
        let after = braced.get(close + 1..).unwrap_or("");
        if after.starts_with('/') || after.starts_with('\\') {
            return true;
        }
        let inner = braced.get(..close).unwrap_or("");
        let name_len = inner
            .bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
            .count();
        let op_and_value = inner.get(name_len..).unwrap_or("");
        let value = [":-", ":+", "-", "+"]
            .iter()
            .find_map(|op| op_and_value.strip_prefix(op));
        return value.is_some_and(|v| is_bind_source(v) || interpolated_path(v));
    }
    let name_len = rest
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
        .count();
    let after = rest.get(name_len..).unwrap_or("");
    name_len > 0 && (after.starts_with('/') || after.starts_with('\\'))
}

fn volume(s: &str) -> Result<ShortVolume, SyntaxError> {
    let invalid = |why: &str, range: Range<usize>| {
        SyntaxError::new(format!("invalid spec: {s}: {why}"), range)
    };
    match s.len() {
        0 => return Err(SyntaxError::new("invalid empty volume spec", 0..0)),
        1 | 2 => {
            return Ok(ShortVolume {
                source: VolumeSource::None,
                source_range: None,
                target: s.to_string(),
                target_range: 0..s.len(),
                read_only: false,
                options: Vec::new(),
                options_range: None,
            });
        }
        _ => {}
    }

    let b = s.as_bytes();
    let mut source: Option<Range<usize>> = None;
    let mut target: Option<Range<usize>> = None;
    let mut options: Option<Range<usize>> = None;
    let mut buf_start = 0;
    let mut depth = 0usize;

    // Each byte, then an end-of-spec marker (`None`). Only ASCII bytes
    // matter (`$`, `{`, `}`, `:`), and they are never part of another
    // character.
    for i in 0..=b.len() {
        let c = b.get(i).copied();
        match c {
            Some(b'$') if b.get(i + 1) == Some(&b'{') => {
                depth += 1;
                continue;
            }
            Some(b'}') if depth > 0 => {
                depth -= 1;
                continue;
            }
            Some(b':') if depth == 0 => {}
            Some(_) => continue,
            None => {}
        }
        // A drive letter (`C:`): the section so far is one letter.
        let windows_drive = c.is_some() && {
            let mut chars = s[buf_start..i].chars();
            matches!((chars.next(), chars.next()), (Some(l), None) if l.is_alphabetic())
        };
        if windows_drive {
            continue;
        }
        let section = buf_start..i;
        if section.is_empty() {
            // Underline the colon(s) around the empty section.
            let start = section.start.saturating_sub(1);
            let end = if c.is_some() { i + 1 } else { i };
            return Err(invalid(
                "empty section between colons",
                start..end.max(start),
            ));
        }
        if source.is_none() && c.is_none() {
            target = Some(section);
        } else if source.is_none() {
            source = Some(section);
        } else if target.is_none() {
            target = Some(section);
        } else if c.is_some() {
            return Err(invalid(
                "too many colons (a spec is [SOURCE:]TARGET[:OPTIONS])",
                i..s.len(),
            ));
        } else {
            options = Some(section);
        }
        buf_start = i + usize::from(c.is_some());
    }

    let text = |r: &Range<usize>| s.get(r.clone()).unwrap_or("");
    let source_value = match &source {
        None => VolumeSource::None,
        Some(r) if is_bind_source(text(r)) => VolumeSource::Bind(text(r).to_string()),
        Some(r) => VolumeSource::Named(text(r).to_string()),
    };
    let target_range = target.unwrap_or(s.len()..s.len());
    let mut read_only = false;
    let mut opts = Vec::new();
    if let Some(r) = &options {
        for o in text(r).split(',').filter(|o| !o.is_empty()) {
            match o {
                "ro" => read_only = true,
                "rw" => read_only = false,
                _ => {}
            }
            opts.push(o.to_string());
        }
    }
    Ok(ShortVolume {
        source: source_value,
        source_range: source,
        target: text(&target_range).to_string(),
        target_range,
        read_only,
        options: opts,
        options_range: options,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> ShortVolume {
        match parse_volume(s) {
            Parsed::Ok(v) => v,
            other => panic!("{s:?}: {other:?}"),
        }
    }

    fn err(s: &str) -> SyntaxError {
        match parse_volume(s) {
            Parsed::Err(e) => e,
            other => panic!("{s:?}: expected an error, got {other:?}"),
        }
    }

    fn bind(s: &str) -> VolumeSource {
        VolumeSource::Bind(s.into())
    }

    fn named(s: &str) -> VolumeSource {
        VolumeSource::Named(s.into())
    }

    #[test]
    fn anonymous() {
        for path in ["/path", "/path/foo", "C:\\path", "Z:\\path\\foo", ".", "/a"] {
            let v = ok(path);
            assert_eq!(v.source, VolumeSource::None, "{path}");
            assert_eq!(v.source_range, None);
            assert_eq!(v.target, path);
            assert_eq!(v.target_range, 0..path.len());
        }
        // One or two bytes are a target whatever they are.
        assert_eq!(ok(":").target, ":");
        assert_eq!(ok("a:").target, "a:");
    }

    #[test]
    fn bind_mounts() {
        for path in ["./foo", "~/thing", "../other", "/foo", "/home/user"] {
            let spec = format!("{path}:/target");
            let v = ok(&spec);
            assert_eq!(v.source, bind(path));
            assert_eq!(v.source_range, Some(0..path.len()));
            assert_eq!(v.target, "/target");
            assert_eq!(v.target_range, path.len() + 1..spec.len());
            assert!(!v.read_only);
            assert!(v.options.is_empty());
            assert_eq!(v.options_range, None);
        }
    }

    #[test]
    fn windows_paths() {
        let v = ok("C:\\source\\foo:D:\\target:ro,rprivate");
        assert_eq!(v.source, bind("C:\\source\\foo"));
        assert_eq!(v.source_range, Some(0..13));
        assert_eq!(v.target, "D:\\target");
        assert_eq!(v.target_range, 14..23);
        assert!(v.read_only);
        assert_eq!(v.options, ["ro", "rprivate"]);
        assert_eq!(v.options_range, Some(24..35));

        let v = ok("c:/:d:/forward/slashes");
        assert_eq!(v.source, bind("c:/"));
        assert_eq!(v.target, "d:/forward/slashes");

        let v = ok("name:D::rW");
        assert_eq!(v.source, named("name"));
        assert_eq!(v.target, "D:");
        assert_eq!(v.options, ["rW"]);
        assert!(!v.read_only);

        let v = ok(r"\\.\pipe\docker_engine:\\.\pipe\inside");
        assert_eq!(v.source, bind(r"\\.\pipe\docker_engine"));
        assert_eq!(v.target, r"\\.\pipe\inside");

        let v = ok("0123456789name:d:");
        assert_eq!(v.source, named("0123456789name"));
        assert_eq!(v.target, "d:");
    }

    #[test]
    fn named_volumes_and_options() {
        let v = ok("name:/target:nocopy");
        assert_eq!(v.source, named("name"));
        assert_eq!(v.source_range, Some(0..4));
        assert_eq!(v.options, ["nocopy"]);

        let v = ok("./data:/data:ro,z");
        assert!(v.read_only);
        assert_eq!(v.options, ["ro", "z"]);
        assert_eq!(v.options_range, Some(13..17));

        let v = ok("./data:/data:ro,rw");
        assert!(!v.read_only);
        let v = ok("./data:/data:rw,ro");
        assert!(v.read_only);

        // Unknown options are kept, not rejected.
        let v = ok("name:/target:bogus,,cached");
        assert_eq!(v.options, ["bogus", "cached"]);
    }

    #[test]
    fn errors() {
        let e = err("");
        assert_eq!(e.message, "invalid empty volume spec");
        assert_eq!(e.range, 0..0);

        let e = err("/foo:/foo:ro:foo");
        assert_eq!(
            e.message,
            "invalid spec: /foo:/foo:ro:foo: too many colons (a spec is [SOURCE:]TARGET[:OPTIONS])"
        );
        assert_eq!(e.range, 12..16);

        let e = err(":foo");
        assert_eq!(
            e.message,
            "invalid spec: :foo: empty section between colons"
        );
        assert_eq!(e.range, 0..1);

        let e = err("/foo::ro");
        assert!(e.message.ends_with("empty section between colons"));
        assert_eq!(e.range, 4..6);

        let e = err("./a:/b:");
        assert!(e.message.ends_with("empty section between colons"));
        assert_eq!(e.range, 6..7);

        let e = err("/a:");
        assert_eq!(e.range, 2..3);

        // A device path with colons is not a volume spec.
        let e = err("/dev/usb-0:1.3:1.0-port0:/dev/usb-0:1.3:1.0-port0");
        assert!(e.message.contains("too many colons"), "{}", e.message);
    }

    #[test]
    fn interpolation_in_source() {
        let v = ok("${DATA_DIR:-./data}:/data:ro");
        assert_eq!(v.source, bind("${DATA_DIR:-./data}"));
        assert_eq!(v.source_range, Some(0..19));
        assert_eq!(v.target, "/data");
        assert_eq!(v.target_range, 20..25);
        assert!(v.read_only);

        assert_eq!(
            ok("${TIME:-12:30:45}:/t").source,
            named("${TIME:-12:30:45}")
        );
        assert_eq!(ok("${HOME}/data:/data").source, bind("${HOME}/data"));
        assert_eq!(ok("$HOME/data:/data").source, bind("$HOME/data"));
        assert_eq!(ok("./${DIR}:/data").source, bind("./${DIR}"));
        assert_eq!(ok("${VOLUME}:/data").source, named("${VOLUME}"));
        assert_eq!(ok("db_${ENV}:/data").source, named("db_${ENV}"));
        assert_eq!(ok("${D-/srv}:/data").source, bind("${D-/srv}"));
        assert_eq!(ok("${D:+~/x}:/data").source, bind("${D:+~/x}"));
        assert_eq!(
            ok("${D:?/must be set}:/data").source,
            named("${D:?/must be set}")
        );
        assert_eq!(ok("${A:-${B:-./x}}:/data").source, bind("${A:-${B:-./x}}"));
        assert_eq!(ok("${A:-${B}/x}:/data").source, bind("${A:-${B}/x}"));
    }

    #[test]
    fn interpolation_elsewhere_is_unresolved() {
        assert_eq!(parse_volume("data:${TARGET}"), Parsed::Unresolved);
        assert_eq!(parse_volume("./data:/data:${MODE}"), Parsed::Unresolved);
        assert_eq!(parse_volume("${VOLUME_SPEC}"), Parsed::Unresolved);
        assert_eq!(parse_volume("$V"), Parsed::Unresolved);
        // Malformed once we look past the variable: still not reported.
        assert_eq!(parse_volume("${SRC}::ro"), Parsed::Unresolved);
        assert_eq!(parse_volume("${A}:/b:ro:x"), Parsed::Unresolved);
    }

    #[test]
    fn escaped_dollars_are_literal() {
        let v = ok("$${NOT_A_VAR:x}:/data");
        assert_eq!(v.source, named("$${NOT_A_VAR:x}"));
        assert_eq!(v.target, "/data");
        // Unterminated `${` at the end still ends the last section.
        let v = ok("data:/x$${y");
        assert_eq!(v.target, "/x$${y");
    }

    #[test]
    fn bind_source_detection() {
        for s in [
            ".",
            "./a",
            "../a",
            "/a",
            "~",
            "~/a",
            "\\\\server\\share",
            "C:\\a",
            "c:/a",
            "C:",
        ] {
            assert!(is_bind_source(s), "{s}");
        }
        for s in ["", "name", "a界", "1:/x", "\\a", "volume_1"] {
            assert!(!is_bind_source(s), "{s}");
        }
    }

    #[test]
    fn no_panics() {
        for s in [
            "é",
            "éé",
            "é:é",
            "ééé:",
            ":é:",
            "${",
            "${}",
            "}}}",
            "$",
            "$$",
            "a:${",
            "${a:-",
            "::::",
            "é::é",
            "${a}:${b}:${c}:${d}",
            "\u{0}\u{0}\u{0}",
        ] {
            let _ = parse_volume(s);
            let _ = classify_interpolated_source(s);
        }
    }
}
