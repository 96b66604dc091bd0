//! `file:` URIs ↔ paths.

use std::path::{Path, PathBuf};

/// The path of a `file:` URI (`file:///a/b`, `file://localhost/a/b`);
/// `None` for other schemes, other hosts and malformed escapes.
pub fn to_path(uri: &str) -> Option<PathBuf> {
    let (scheme, rest) = uri.split_once(':')?;
    if !scheme.eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = rest.strip_prefix("//")?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => return None,
    };
    if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    // A query or fragment is not part of the path.
    let path = path.split(['?', '#']).next().unwrap_or("");
    let bytes = decode(path)?;
    bytes_to_path(bytes)
}

#[cfg(unix)]
fn bytes_to_path(bytes: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

#[cfg(not(unix))]
fn bytes_to_path(bytes: Vec<u8>) -> Option<PathBuf> {
    let s = String::from_utf8(bytes).ok()?;
    // `/C:/x` is `C:/x`.
    let s = match s.as_bytes() {
        [b'/', d, b':', ..] if d.is_ascii_alphabetic() => s[1..].to_string(),
        _ => s,
    };
    Some(PathBuf::from(s))
}

fn decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The `file:` URI of a path; a relative path is taken from `cwd`.
pub fn from_path(path: &Path, cwd: &Path) -> String {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let absolute = crate::source::normalize(&absolute);
    let bytes = path_bytes(&absolute);
    let mut out = String::from("file://");
    if !bytes.starts_with(b"/") {
        out.push('/');
    }
    for b in bytes {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b'\\' => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn round_trip() {
        let cwd = Path::new("/work");
        for p in ["/a b/cömpose.yaml", "/x/100%/c:d#e?.yml"] {
            let uri = from_path(Path::new(p), cwd);
            assert!(
                !uri["file://".len()..].contains([' ', ':', '#', '?']),
                "{uri}"
            );
            assert_eq!(to_path(&uri), Some(PathBuf::from(p)), "{uri}");
        }
        assert_eq!(
            from_path(Path::new("d/./compose.yaml"), cwd),
            "file:///work/d/compose.yaml"
        );
        assert_eq!(
            from_path(Path::new("/a b/é.yaml"), cwd),
            "file:///a%20b/%C3%A9.yaml"
        );
    }

    #[test]
    #[cfg(unix)]
    fn file_uris_only() {
        assert_eq!(
            to_path("file:///tmp/compose.yaml"),
            Some(PathBuf::from("/tmp/compose.yaml"))
        );
        assert_eq!(
            to_path("FILE://localhost/tmp/a%20b.yaml"),
            Some(PathBuf::from("/tmp/a b.yaml"))
        );
        assert_eq!(to_path("untitled:Untitled-1"), None);
        assert_eq!(to_path("file://server/share/c.yaml"), None);
        assert_eq!(to_path("file:///bad%zz"), None);
        assert_eq!(to_path("file:///trunc%2"), None);
        assert_eq!(to_path("file:"), None);
    }
}
