//! `unused-resource`: a top-level volume, network, secret or config that no
//! service uses, judged on the merged project.

use foldhash::HashSet;

use crate::diag::Finding;
use crate::model::{MountKind, NameMap, Project, Resource, Service, State};
use crate::rules::Context;
use crate::util::has_interpolation;

crate::declare_rule! {
    id: "unused-resource",
    category: Operability,
    production: Warning,
    development: Info,
    fixable: No,
    summary: "A top-level volume, network, secret or config that no service uses",
    check: check,
}

/// The names a project's services use, per kind of resource. `any` is set
/// when some use cannot be read yet (an unresolved `${...}` name), so every
/// resource of that kind may be the one used.
#[derive(Default)]
struct Uses<'a> {
    names: HashSet<&'a str>,
    any: bool,
}

impl<'a> Uses<'a> {
    fn add(&mut self, name: &'a str) {
        if has_interpolation(name) {
            self.any = true;
        } else {
            self.names.insert(name);
        }
    }

    fn uses(&self, name: &str) -> bool {
        self.any || self.names.contains(name)
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let p = cx.project;
    if !judged(p) {
        return;
    }
    let mut volumes = Uses::default();
    let mut networks = Uses::default();
    let mut secrets = Uses::default();
    let mut configs = Uses::default();
    for s in p.services.values() {
        volume_uses(p, s, &mut volumes);
        for n in &s.networks {
            networks.add(&n.name.value);
        }
        if s.networks.is_empty() && s.network_mode.is_none() {
            networks.add("default");
        }
        // A network named in `network_mode` or `build.network` is taken as
        // used, whatever Compose makes of it.
        if let Some(m) = &s.network_mode {
            networks.add(&m.value);
        }
        if let Some(n) = s.build.as_ref().and_then(|b| b.network.as_ref()) {
            networks.add(&n.value);
        }
        for r in &s.secrets {
            secrets.add(&r.source.value);
        }
        for r in s.build.iter().flat_map(|b| &b.secrets) {
            secrets.add(&r.source.value);
        }
        for r in &s.configs {
            configs.add(&r.source.value);
        }
    }
    report(
        &p.volumes,
        "volume",
        &volumes,
        "mount it in the service that needs it (`- NAME:/path`) or delete it",
        out,
    );
    report(
        &p.networks,
        "network",
        &networks,
        "attach the services that need it (`networks: [NAME]`) or delete it",
        out,
    );
    report(
        &p.secrets,
        "secret",
        &secrets,
        "grant it to the service that needs it (`secrets: [NAME]`) or delete it",
        out,
    );
    report(
        &p.configs,
        "config",
        &configs,
        "give it to the service that needs it (`configs: [NAME]`) or delete it",
        out,
    );
}

/// A project is judged when its services are all visible: it has services
/// (a file without any is an overlay for another file's services), every
/// `include` was followed, and no `extends` of another file was left
/// unresolved (remote or missing: the uses there are unknown).
fn judged(p: &Project) -> bool {
    !p.services.is_empty()
        && p.includes_followed()
        && !p
            .services
            .values()
            .any(|s| s.extends.as_ref().is_some_and(|e| e.file.is_some()))
}

fn volume_uses<'a>(p: &'a Project, s: &'a Service, uses: &mut Uses<'a>) {
    for m in &s.volumes {
        match (&m.state, &m.source) {
            (State::Unresolved, _) | (State::Invalid { .. }, None) => {
                unresolved_mount(p, s, m.span, uses)
            }
            (_, Some(src)) if m.kind == MountKind::Volume => uses.add(&src.value),
            _ => {}
        }
    }
}

/// A short-syntax mount whose target or options hold an unresolved
/// variable (or that does not parse): its source is the text before the first `:` (a `$` there
/// makes every volume a candidate).
fn unresolved_mount<'a>(
    p: &'a Project,
    s: &'a Service,
    span: crate::span::Span,
    uses: &mut Uses<'a>,
) {
    let text = p
        .raw_service(s)
        .and_then(|raw| raw.get("volumes"))
        .and_then(|v| v.as_seq())
        .and_then(|items| items.iter().find(|i| i.span == span))
        .and_then(|i| i.as_str());
    match text {
        Some(t) => {
            let source = t.split(':').next().unwrap_or(t);
            if source.contains('$') {
                uses.any = true;
            } else {
                uses.add(source);
            }
        }
        None => uses.any = true,
    }
}

fn report(
    declared: &NameMap<Resource>,
    kind: &str,
    uses: &Uses<'_>,
    help: &str,
    out: &mut Vec<Finding>,
) {
    for (name, r) in declared {
        if uses.uses(name) {
            continue;
        }
        out.push(
            Finding::new(
                RULE.id,
                r.key.span,
                format!("{kind} `{name}` is declared but no service uses it"),
            )
            .via(r.key.via)
            .help(help.replace("NAME", name)),
        );
    }
}
