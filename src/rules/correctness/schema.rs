//! `schema`: violations of the Compose schema (found while loading) and the
//! malformed values Compose rejects while converting the model.

use foldhash::{HashMap, HashMapExt};

use crate::diag::{Finding, Severity};
use crate::load::ProblemKind;
use crate::model::syntax::Parsed;
use crate::model::{Project, Resource, Service, State};
use crate::rules::Context;

crate::declare_rule! {
    id: "schema",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "A key, type or value that the Compose specification does not allow",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let project = cx.project;
    for p in &project.problems {
        match p.kind {
            ProblemKind::Structure | ProblemKind::Schema => {
                out.push(super::problem_finding(RULE.id, p))
            }
            ProblemKind::SchemaWarning => out.push(
                super::problem_finding(RULE.id, p)
                    .severity(Severity::Warning.min(cx.severity()))
                    .help("write `true` or `false`"),
            ),
            _ => {}
        }
    }
    if let Some(name) = &project.name
        && !crate::util::has_interpolation(&name.value)
        && !valid_project_name(&name.value)
    {
        out.push(
                Finding::new(RULE.id, name.span, format!("invalid project name `{}`", name.value))
                    .via(name.via)
                    .help("a project name may contain only lowercase letters, digits, `-` and `_`, and must start with a letter or digit"),
            );
    }
    let overlay = looks_like_overlay(project);
    for s in project.services.values() {
        check_service(s, overlay, out);
    }
    for (_, secret) in &project.secrets {
        check_external(secret, "secret", out);
        if !secret.may_be_external() && secret.file.is_none() && secret.environment.is_none() {
            out.push(
                Finding::new(
                    RULE.id,
                    secret.key.span,
                    format!("secret `{}` declares neither `file` nor `environment`", secret.key.value),
                )
                .via(secret.key.via)
                .help("give the secret a `file:` or an `environment:` to read it from, or mark it `external: true`"),
            );
        }
    }
    for (kind, map) in [
        ("network", &project.networks),
        ("volume", &project.volumes),
        ("config", &project.configs),
    ] {
        for (_, r) in map {
            check_external(r, kind, out);
        }
    }
}

/// An overlay file (meant to be merged onto a base file) or an `extends`
/// base legitimately leaves out `image`: only a whole project (see
/// [`Project::complete`]) in which some service has an image, a build or a
/// provider is judged.
fn looks_like_overlay(project: &Project) -> bool {
    !project.complete
        || !project
            .services
            .values()
            .any(|s| s.image.is_some() || s.build.is_some() || s.provider.is_some())
}

fn valid_project_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn valid_container_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn state_finding(state: &State, what: &str, service: &Service) -> Option<Finding> {
    match state {
        State::Invalid { span, message } => Some(Finding::new(
            RULE.id,
            *span,
            format!(
                "invalid {what} in service `{}`: {message}",
                service.name.value
            ),
        )),
        _ => None,
    }
}

fn check_service(s: &Service, overlay: bool, out: &mut Vec<Finding>) {
    let name = &s.name.value;
    if !overlay
        && s.image.is_none()
        && s.build.is_none()
        && s.provider.is_none()
        && s.extends.is_none()
    {
        out.push(
            Finding::new(
                RULE.id,
                s.name.span,
                format!("service `{name}` has neither an image nor a build context"),
            )
            .via(s.name.via)
            .help("add `image:` (the image to run) or `build:` (where to build it from)"),
        );
    }
    if let Some(b) = &s.build
        && let (Some(file), Some(inline)) = (&b.dockerfile, &b.dockerfile_inline)
    {
        out.push(
            Finding::new(
                RULE.id,
                inline.span,
                format!(
                    "service `{name}` sets both `build.dockerfile` and `build.dockerfile_inline`"
                ),
            )
            .related(file.span, "`dockerfile` set here")
            .help("keep only one of them"),
        );
    }
    if let Some(c) = &s.container_name
        && !crate::util::has_interpolation(&c.value)
        && !valid_container_name(&c.value)
    {
        out.push(
            Finding::new(
                RULE.id,
                c.span,
                format!("invalid container name `{}` in service `{name}`", c.value),
            )
            .via(c.via)
            .help("a container name must match `[a-zA-Z0-9][a-zA-Z0-9_.-]+`"),
        );
    }
    for kv in &s.environment {
        if kv.key.value.ends_with(char::is_whitespace) {
            out.push(
                Finding::new(
                    RULE.id,
                    kv.key.span,
                    format!("environment variable `{}` of service `{name}` is declared with a trailing space", kv.key.value.trim_end()),
                )
                .via(kv.via)
                .help("remove the space before `=`; Compose refuses the file"),
            );
        }
    }
    for m in &s.volumes {
        if let Some(f) = state_finding(&m.state, "volume", s) {
            out.push(f.via(m.via));
        }
    }
    let mut targets: HashMap<&str, &crate::model::Mount> = HashMap::new();
    for m in &s.volumes {
        let Some(t) = &m.target else { continue };
        if crate::util::has_interpolation(&t.value) {
            continue;
        }
        let key = t.value.trim_end_matches('/');
        if let Some(first) = targets.get(key) {
            out.push(
                Finding::new(
                    RULE.id,
                    t.span,
                    format!("service `{name}` mounts `{}` twice", t.value),
                )
                .via(t.via)
                .related(first.span, "first mounted here")
                .help("keep one mount per container path; Compose refuses the file"),
            );
        } else {
            targets.insert(key, m);
        }
    }
    for h in &s.extra_hosts {
        if let Some(f) = state_finding(&h.state, "extra_hosts entry", s) {
            out.push(f.via(h.via));
        }
    }
    for d in &s.devices {
        if let Some(f) = state_finding(&d.state, "device", s) {
            out.push(f.via(d.via));
        }
    }
    for d in &s.depends_on {
        if let Some(r) = &d.required
            && let Parsed::Err(e) = &r.value
        {
            out.push(Finding::new(
                RULE.id,
                r.span,
                format!("`depends_on.{}.required`: {}", d.service.value, e.message),
            ));
        }
    }
}

fn check_external(r: &Resource, kind: &str, out: &mut Vec<Finding>) {
    if !r.is_external() {
        return;
    }
    let Some(map) = r.raw.as_map() else { return };
    for e in &map.entries {
        let k = &*e.key.text;
        if matches!(k, "external" | "name") || k.starts_with("x-") {
            continue;
        }
        out.push(
            Finding::new(
                RULE.id,
                e.key.span,
                format!("{kind} `{}` is external, so `{k}` cannot be set", r.key.value),
            )
            .via(e.key.via)
            .help("an external resource is created outside Compose: only `name` may accompany `external: true`"),
        );
    }
    if let (Some(name), Some(ext)) = (&r.name, r.raw.get("external").and_then(|x| x.get("name"))) {
        out.push(
            Finding::new(
                RULE.id,
                ext.span,
                format!(
                    "{kind} `{}` sets both `name` and `external.name`",
                    r.key.value
                ),
            )
            .related(name.span, "`name` set here")
            .help("`external.name` is deprecated: keep `name` and `external: true`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(valid_project_name("milvus"));
        assert!(valid_project_name("my_app-2"));
        assert!(!valid_project_name("MyApp"));
        assert!(!valid_project_name("-app"));
        assert!(valid_container_name("milvus-etcd"));
        assert!(!valid_container_name("my app"));
        assert!(!valid_container_name("_x"));
    }
}
