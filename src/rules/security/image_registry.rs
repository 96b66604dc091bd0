//! `image-registry`: an image comes from a registry that is not trusted.
//! Off unless trusted registries are configured (`trusted-registries:` at
//! the top of `.dockmaster.yml`, or the rule's option of the same name);
//! the configuration then enables the rule at error, in both presets, and
//! every finding is an error.
//!
//! The registry is the first path component of the reference when it
//! contains `.` or `:` or is `localhost`; otherwise the image is on Docker
//! Hub, matched by `docker.io` and its aliases. `build.additional_contexts`
//! values `docker-image://...` are checked too. References holding an
//! unresolved variable are skipped.

use crate::diag::{Finding, Severity};
use crate::model::syntax::Parsed;
use crate::model::syntax::image::parse_image;
use crate::rules::{Context, OptionKind, OptionSpec, RuleOptions};

crate::declare_rule! {
    id: "image-registry",
    category: Security,
    production: Off,
    development: Off,
    fixable: No,
    summary: "An image comes from a registry that is not trusted",
    options: [OptionSpec {
        name: OPTION,
        kind: OptionKind::Strings,
        help: "registries images may come from: exact names, `*.suffix`, `prefix*` or `*`",
    }],
    check: check,
}

/// The option (and top-level configuration key) listing trusted registries.
pub const OPTION: &str = "trusted-registries";

/// The names of Docker Hub: an image without a registry is on Docker Hub,
/// and a pattern matching any of these names trusts it.
pub const DOCKER_HUB: &[&str] = &[
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "hub.docker.com",
];

const IMAGE_SCHEME: &str = "docker-image://";

/// The configured trusted registries; empty (the rule reports nothing)
/// unless configured.
pub fn trusted_registries(options: &RuleOptions) -> &[String] {
    options.strings(OPTION).unwrap_or_default()
}

/// Whether one pattern matches a registry host: `*` (any), `*.suffix`
/// (a host ending in `.suffix`, whatever its port), `prefix*` (a registry
/// starting with `prefix`), or an exact name (port included).
/// Case-insensitive.
pub fn pattern_matches(pattern: &str, registry: &str) -> bool {
    let pattern = pattern.trim().to_ascii_lowercase();
    let registry = registry.to_ascii_lowercase();
    if pattern.is_empty() {
        return false;
    }
    if pattern == "*" {
        return true;
    }
    if let Some(suffix) = pattern.strip_prefix('*') {
        // The host, without a port: `*.corp.example` trusts
        // `registry.corp.example:5000`.
        let host = match registry.rsplit_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => registry.as_str(),
        };
        return host.ends_with(suffix) && host.len() > suffix.len();
    }
    if let Some(prefix) = pattern.strip_suffix('*') {
        return registry.starts_with(prefix);
    }
    registry == pattern
}

/// Whether a registry (`None`: Docker Hub) is trusted by the patterns.
pub fn is_trusted(registry: Option<&str>, patterns: &[String]) -> bool {
    let names: Vec<&str> = match registry {
        None => DOCKER_HUB.to_vec(),
        Some(r) if DOCKER_HUB.contains(&r.to_ascii_lowercase().as_str()) => DOCKER_HUB.to_vec(),
        Some(r) => vec![r],
    };
    patterns
        .iter()
        .any(|p| names.iter().any(|n| pattern_matches(p, n)))
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let trusted = trusted_registries(cx.options);
    if trusted.is_empty() {
        return;
    }
    let help = "pull the image from a trusted registry (mirror it there), or add its registry to `trusted-registries` in `.dockmaster.yml`";
    for s in cx.project.services.values() {
        let name = &s.name.value;
        if let Some(image) = cx.facts.image(name)
            && !is_trusted(image.reference.registry.as_deref(), trusted)
        {
            let text = s
                .image
                .as_ref()
                .map(|i| i.value.as_str())
                .unwrap_or_default();
            out.push(
                Finding::new(
                    RULE.id,
                    image.registry_span.unwrap_or(image.span),
                    format!(
                        "image `{text}` of service `{name}` comes from `{}`, which is not a trusted registry",
                        image.reference.registry_host()
                    ),
                )
                .via(image.via)
                .severity(Severity::Error)
                .help(help),
            );
        }
        let Some(build) = &s.build else { continue };
        for kv in &build.additional_contexts {
            let Some(v) = &kv.value else { continue };
            let Some(reference) = v.value.strip_prefix(IMAGE_SCHEME) else {
                continue;
            };
            let Parsed::Ok(r) = parse_image(reference) else {
                continue;
            };
            if is_trusted(r.registry.as_deref(), trusted) {
                continue;
            }
            let span = match &r.registry_range {
                Some(range) => {
                    v.subspan(range.start + IMAGE_SCHEME.len()..range.end + IMAGE_SCHEME.len())
                }
                None => v.span,
            };
            out.push(
                Finding::new(
                    RULE.id,
                    span,
                    format!(
                        "build context `{}` of service `{name}` uses image `{reference}` from `{}`, which is not a trusted registry",
                        kv.key.value,
                        r.registry_host()
                    ),
                )
                .via(v.via)
                .severity(Severity::Error)
                .help(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn patterns() {
        assert!(pattern_matches("*", "anything.example"));
        assert!(pattern_matches(
            "registry.corp.example",
            "registry.corp.example"
        ));
        assert!(pattern_matches(
            "Registry.Corp.Example",
            "registry.corp.example"
        ));
        assert!(!pattern_matches(
            "registry.corp.example",
            "registry.corp.example:5000"
        ));
        assert!(pattern_matches("*.corp.example", "registry.corp.example"));
        assert!(pattern_matches("*.corp.example", "a.b.corp.example:5000"));
        assert!(!pattern_matches("*.corp.example", "corp.example"));
        assert!(!pattern_matches("*.corp.example", "evilcorp.example"));
        assert!(pattern_matches("registry.local*", "registry.local:5000"));
        assert!(pattern_matches("registry.local*", "registry.local"));
        assert!(!pattern_matches("registry.local*", "my.registry.local"));
        assert!(!pattern_matches("", "docker.io"));
    }

    #[test]
    fn docker_hub_and_its_aliases() {
        assert!(is_trusted(None, &list(&["docker.io"])));
        assert!(is_trusted(None, &list(&["hub.docker.com"])));
        assert!(is_trusted(Some("index.docker.io"), &list(&["docker.io"])));
        assert!(is_trusted(Some("docker.io"), &list(&["index.docker.io"])));
        assert!(!is_trusted(None, &list(&["registry.corp.example"])));
        assert!(!is_trusted(Some("quay.io"), &list(&["docker.io"])));
        assert!(is_trusted(
            Some("quay.io"),
            &list(&["docker.io", "quay.io"])
        ));
        assert!(!is_trusted(Some("ghcr.io"), &list(&[])));
    }

    #[test]
    fn the_list_is_empty_unless_set() {
        let mut options = RuleOptions::default();
        assert!(trusted_registries(&options).is_empty());
        options.set(
            OPTION,
            crate::rules::OptionValue::Strings(list(&["quay.io"])),
        );
        assert_eq!(trusted_registries(&options), ["quay.io"]);
    }
}
