//! `depends-on-undefined`: a dependency, explicit (`depends_on`) or implicit
//! (`links`, `volumes_from`, `network_mode`/`ipc`/`pid`/`uts`/`cgroup`
//! `service:x`), that names no service of the project; or, once profiles can
//! be selected, a required one that the selection disables.

use crate::diag::Finding;
use crate::model::{Project, Service};
use crate::rules::Context;
use crate::rules::facts::{Edge, EdgeKind};

use super::{Activation, AlreadyReported, Suggester, all_definitions_visible, list_names};

crate::declare_rule! {
    id: "depends-on-undefined",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "A dependency (depends_on, links, volumes_from, network_mode: service:x...) on a service that does not exist",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let project = cx.project;
    if !all_definitions_visible(project) {
        return;
    }
    let activation = Activation::from_context(cx);
    let reported = AlreadyReported::new(project);
    let mut suggester = Suggester::new();
    for s in project.services.values() {
        for edge in cx.facts.edges(&s.name.value) {
            // Values are interpolated, keys are not: a `depends_on` mapping
            // key holding `${...}` is a service name as written.
            let is_key = matches!(edge.kind, EdgeKind::DependsOn(i) if s.depends_on.get(i).is_some_and(|d| !d.short));
            if (!is_key && crate::util::has_interpolation(&edge.target))
                || reported.contains(edge.span)
            {
                continue;
            }
            if let Some(f) = judge(project, &activation, &mut suggester, s, edge) {
                out.push(f);
            }
        }
    }
}

/// The finding for one edge, if its target is missing or disabled.
fn judge(
    project: &Project,
    activation: &Activation,
    suggester: &mut Suggester,
    s: &Service,
    edge: &Edge,
) -> Option<Finding> {
    let name = &s.name.value;
    let target = &edge.target;
    // Services the selected profiles disable are kept apart by the model.
    match project
        .services
        .get(target)
        .or_else(|| project.disabled.get(target))
    {
        Some(t) if activation.is_enabled(t) => None,
        // A target switched off by the selected profiles: Compose skips
        // the dependency only when it is not required.
        Some(t) => {
            if !edge.required {
                return None;
            }
            let profiles = list_names(t.profiles.iter().map(|p| p.as_str()));
            Some(
                Finding::new(
                    RULE.id,
                    edge.span,
                    format!("service `{target}` is required by `{name}` but is disabled; it can be enabled by profiles {profiles}"),
                )
                .via(edge.via)
                .related(t.name.span, format!("`{target}` is only enabled by profiles {profiles}"))
                .help(format!(
                    "activate one of its profiles ({profiles}), or mark the dependency `required: false` if `{name}` can start without it"
                )),
            )
        }
        None => {
            let candidates = project
                .services
                .keys()
                .map(String::as_str)
                .filter(|k| *k != name.as_str());
            let hint = suggester.suggest(target, candidates, project.services.len());
            let what = match edge.kind {
                EdgeKind::DependsOn(_) => {
                    format!("service `{name}` depends on undefined service `{target}`")
                }
                EdgeKind::Link => format!("service `{name}` links to undefined service `{target}`"),
                EdgeKind::VolumesFrom => {
                    format!("service `{name}` takes volumes from undefined service `{target}`")
                }
                kind => format!(
                    "`{}: service:{target}` of service `{name}` names an undefined service",
                    kind.describe()
                ),
            };
            let mut message = what;
            if let Some(h) = hint {
                message.push_str(&format!("; did you mean `{h}`?"));
            }
            let help = match (edge.kind, hint) {
                (_, Some(h)) => format!("write `{h}`, or define a service `{target}`"),
                (EdgeKind::DependsOn(_), None) if !edge.required => format!(
                    "`required: false` only excuses a service that profiles disable; define a service `{target}` or remove the entry"
                ),
                (EdgeKind::DependsOn(_) | EdgeKind::Link | EdgeKind::VolumesFrom, None) => {
                    format!("define a service `{target}`, or remove the entry")
                }
                (kind, None) => format!(
                    "define a service `{target}`, or write `{}: container:<name>` to join a container started outside this project",
                    kind.describe()
                ),
            };
            let mut f = Finding::new(RULE.id, edge.span, message)
                .via(edge.via)
                .help(help);
            if let Some(h) = hint.and_then(|h| project.services.get(h)) {
                f = f.related(
                    h.name.span,
                    format!("service `{}` is defined here", h.name.value),
                );
            }
            Some(f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Input, Limits, load_project};

    fn project(text: &str) -> Project {
        let loaded = load_project(
            &[Input::text("compose.yaml", text.as_bytes().to_vec())],
            &Limits::default(),
        )
        .unwrap();
        crate::model::build(loaded)
    }

    /// With profiles selected, a required dependency on a disabled service
    /// is reported; `required: false` excuses it.
    #[test]
    fn disabled_targets_with_a_profile_selection() {
        let p = project(
            "services:\n  web:\n    image: a\n    depends_on:\n      dbg:\n        condition: service_started\n      opt:\n        condition: service_started\n        required: false\n  dbg:\n    image: b\n    profiles: [debug]\n  opt:\n    image: c\n    profiles: [debug]\n",
        );
        let facts = crate::rules::facts::Facts::new(&p);
        let web = &p.services["web"];
        let edges = facts.edges("web");
        let all = Activation::default();
        assert!(
            edges
                .iter()
                .all(|e| judge(&p, &all, &mut Suggester::new(), web, e).is_none())
        );
        let none = Activation {
            selected: Some(vec!["other".to_string()]),
        };
        let found: Vec<String> = edges
            .iter()
            .filter_map(|e| judge(&p, &none, &mut Suggester::new(), web, e))
            .map(|f| f.message)
            .collect();
        assert_eq!(
            found,
            vec![
                "service `dbg` is required by `web` but is disabled; it can be enabled by profiles `debug`"
            ]
        );
        let debug = Activation {
            selected: Some(vec!["debug".to_string()]),
        };
        assert!(
            edges
                .iter()
                .all(|e| judge(&p, &debug, &mut Suggester::new(), web, e).is_none())
        );
    }
}
