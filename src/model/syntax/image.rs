//! Image references: `[registry[:port]/]path[:tag][@digest]`.
//!
//! The registry is the first path component when it contains `.` or `:` or
//! is `localhost` (distribution/reference's rule); otherwise the image is on
//! Docker Hub. The tag is the text after the last `:` that follows the last
//! `/`, so `localhost:5000/app` has no tag.

use std::ops::Range;

use super::{Parsed, SyntaxError, unless_interpolated};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// `None` for Docker Hub images written without a registry.
    pub registry: Option<String>,
    pub registry_range: Option<Range<usize>>,
    /// The repository path as written, e.g. `coreos/etcd`, `library/postgres`.
    pub path: String,
    pub path_range: Range<usize>,
    pub tag: Option<String>,
    pub tag_range: Option<Range<usize>>,
    /// `sha256:...`
    pub digest: Option<String>,
    pub digest_range: Option<Range<usize>>,
}

impl ImageRef {
    /// The registry host, `docker.io` when none is written.
    pub fn registry_host(&self) -> &str {
        self.registry.as_deref().unwrap_or("docker.io")
    }

    /// The repository path without registry and without Docker Hub's
    /// `library/` prefix: the key of the image knowledge base
    /// (`postgres`, `coreos/etcd`, `milvusdb/milvus`).
    pub fn repository(&self) -> &str {
        match self.registry.as_deref() {
            None | Some("docker.io" | "index.docker.io" | "registry-1.docker.io") => {
                self.path.strip_prefix("library/").unwrap_or(&self.path)
            }
            _ => &self.path,
        }
    }
}

/// Whether a first path component names a registry.
fn is_registry(component: &str) -> bool {
    component.contains('.') || component.contains(':') || component == "localhost"
}

pub fn parse_image(s: &str) -> Parsed<ImageRef> {
    unless_interpolated(s, parse)
}

fn parse(s: &str) -> Result<ImageRef, SyntaxError> {
    if s.is_empty() {
        return Err(SyntaxError::new("the image reference is empty", 0..0));
    }
    if let Some(i) = s.find(char::is_whitespace) {
        return Err(SyntaxError::new(
            format!("invalid image reference `{s}`: it contains a space"),
            i..i + 1,
        ));
    }
    let (name, digest) = match s.find('@') {
        Some(i) => (&s[..i], Some((s[i + 1..].to_string(), i + 1..s.len()))),
        None => (s, None),
    };
    let (registry, rest_start) = match name.find('/') {
        Some(i) if is_registry(&name[..i]) => (Some((name[..i].to_string(), 0..i)), i + 1),
        _ => (None, 0),
    };
    let rest = &name[rest_start..];
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (path_end, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => {
            let at = rest_start + last_slash + i;
            (at, Some((name[at + 1..].to_string(), at + 1..name.len())))
        }
        None => (name.len(), None),
    };
    let path = &s[rest_start..path_end];
    if path.is_empty() {
        return Err(SyntaxError::new(
            format!("invalid image reference `{s}`: no repository name"),
            0..s.len(),
        ));
    }
    if let Some((t, r)) = &tag
        && t.is_empty()
    {
        return Err(SyntaxError::new(
            format!("invalid image reference `{s}`: empty tag"),
            r.start - 1..r.end,
        ));
    }
    Ok(ImageRef {
        registry_range: registry.as_ref().map(|(_, r)| r.clone()),
        registry: registry.map(|(r, _)| r),
        path: path.to_string(),
        path_range: rest_start..path_end,
        tag_range: tag.as_ref().map(|(_, r)| r.clone()),
        tag: tag.map(|(t, _)| t),
        digest_range: digest.as_ref().map(|(_, r)| r.clone()),
        digest: digest.map(|(d, _)| d),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> ImageRef {
        match parse_image(s) {
            Parsed::Ok(r) => r,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn docker_hub_images() {
        let r = ok("postgres:17");
        assert_eq!(
            (r.registry.as_deref(), r.path.as_str(), r.tag.as_deref()),
            (None, "postgres", Some("17"))
        );
        assert_eq!(r.repository(), "postgres");
        assert_eq!(r.registry_host(), "docker.io");
        let r = ok("docker.io/library/postgres");
        assert_eq!(r.repository(), "postgres");
        assert_eq!(r.tag, None);
        let r = ok("library/redis:7");
        assert_eq!(r.repository(), "redis");
        assert_eq!(
            ok("minio/minio:RELEASE.2023-03-20T20-16-18Z")
                .tag
                .as_deref(),
            Some("RELEASE.2023-03-20T20-16-18Z")
        );
    }

    #[test]
    fn registries_ports_and_digests() {
        let r = ok("quay.io/coreos/etcd:v3.5.5");
        assert_eq!(r.registry.as_deref(), Some("quay.io"));
        assert_eq!(r.repository(), "coreos/etcd");
        assert_eq!(r.tag_range, Some(20..26));
        let r = ok("localhost:5000/app");
        assert_eq!(
            (r.registry.as_deref(), r.path.as_str(), r.tag.as_deref()),
            (Some("localhost:5000"), "app", None)
        );
        let r = ok("registry.corp.example:5000/team/app:1.2@sha256:abcd");
        assert_eq!(r.registry.as_deref(), Some("registry.corp.example:5000"));
        assert_eq!(r.path, "team/app");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abcd"));
        let r = ok("nginx@sha256:0123");
        assert_eq!(
            (r.tag.as_deref(), r.digest.as_deref()),
            (None, Some("sha256:0123"))
        );
        let r = ok("localhost/app:dev");
        assert_eq!(
            (r.registry.as_deref(), r.tag.as_deref()),
            (Some("localhost"), Some("dev"))
        );
    }

    #[test]
    fn interpolation_and_errors() {
        assert!(parse_image("nginx:${TAG:-latest}").is_unresolved());
        assert!(parse_image("").is_err());
        assert!(parse_image("nginx:").is_err());
        assert!(parse_image("my image").is_err());
    }
}
