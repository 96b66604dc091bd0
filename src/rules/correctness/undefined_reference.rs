//! `undefined-reference`: a service uses a named volume, a network, a
//! secret, a config or a build secret that the top level does not declare.

use crate::diag::Finding;
use crate::load::Via;
use crate::model::{MountKind, NameMap, Resource, Service};
use crate::rules::Context;
use crate::span::Span;

use super::{Suggester, all_definitions_visible};

crate::declare_rule! {
    id: "undefined-reference",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "A named volume, network, secret or config that is not declared at the top level",
    check: check,
}

/// The network every project has without declaring it.
const IMPLICIT_NETWORKS: &[&str] = &["default"];

struct Reference<'a> {
    /// `volume`, `network`, `secret`, `config`, `build secret`.
    what: &'static str,
    /// The top-level key that declares it.
    section: &'static str,
    name: &'a str,
    span: Span,
    via: Option<Via>,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let project = cx.project;
    if !all_definitions_visible(project) {
        return;
    }
    let mut suggester = Suggester::new();
    for s in project.services.values() {
        for r in references(s) {
            if crate::util::has_interpolation(r.name) {
                continue;
            }
            let declared: &NameMap<Resource> = match r.section {
                "volumes" => &project.volumes,
                "networks" => &project.networks,
                "secrets" => &project.secrets,
                _ => &project.configs,
            };
            if declared.contains_key(r.name)
                || (r.section == "networks" && IMPLICIT_NETWORKS.contains(&r.name))
            {
                continue;
            }
            out.push(finding(s, &r, declared, &mut suggester));
        }
    }
}

fn references(s: &Service) -> Vec<Reference<'_>> {
    let mut refs = Vec::new();
    for m in &s.volumes {
        if m.kind != MountKind::Volume {
            continue;
        }
        if let Some(src) = &m.source {
            refs.push(Reference {
                what: "volume",
                section: "volumes",
                name: src.as_str(),
                span: src.span,
                via: src.via,
            });
        }
    }
    for n in &s.networks {
        refs.push(Reference {
            what: "network",
            section: "networks",
            name: n.name.as_str(),
            span: n.name.span,
            via: n.name.via,
        });
    }
    for (list, what, section) in [
        (&s.secrets, "secret", "secrets"),
        (&s.configs, "config", "configs"),
    ] {
        for f in list {
            refs.push(Reference {
                what,
                section,
                name: f.source.as_str(),
                span: f.source.span,
                via: f.source.via,
            });
        }
    }
    if let Some(b) = &s.build {
        for f in &b.secrets {
            refs.push(Reference {
                what: "build secret",
                section: "secrets",
                name: f.source.as_str(),
                span: f.source.span,
                via: f.source.via,
            });
        }
    }
    refs
}

fn finding(
    s: &Service,
    r: &Reference<'_>,
    declared: &NameMap<Resource>,
    suggester: &mut Suggester,
) -> Finding {
    let name = r.name;
    let hint = suggester.suggest(name, declared.keys().map(String::as_str), declared.len());
    let mut message = format!(
        "service `{}` refers to undefined {} `{name}`",
        s.name.value, r.what
    );
    if let Some(h) = hint {
        message.push_str(&format!("; did you mean `{h}`?"));
    }
    let declare = match r.section {
        "volumes" => format!("declare it under the top-level `volumes:` (`{name}: {{}}`, or `external: true` for a volume created outside Compose)"),
        "networks" => format!("declare it under the top-level `networks:` (`{name}: {{}}`, or `external: true` for a network created outside Compose)"),
        "secrets" => "declare it under the top-level `secrets:` with `file:`, `environment:` or `external: true`".to_string(),
        _ => "declare it under the top-level `configs:` with `file:`, `environment:`, `content:` or `external: true`".to_string(),
    };
    let help = match hint {
        Some(h) => format!("write `{h}`, or {declare}"),
        None if r.what == "volume" => {
            format!("{declare}; to mount a host directory instead, start the path with `./` or `/`")
        }
        None => declare,
    };
    let mut f = Finding::new(RULE.id, r.span, message).via(r.via).help(help);
    if let Some(res) = hint.and_then(|h| declared.get(h)) {
        f = f.related(
            res.key.span,
            format!(
                "{} `{}` is declared here",
                r.what.trim_start_matches("build "),
                res.key.value
            ),
        );
    }
    f
}
