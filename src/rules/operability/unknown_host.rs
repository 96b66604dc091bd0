//! `unknown-host`: a URL or `host:port` whose host is a bare name that
//! nothing in the project defines: a typo in service discovery
//! (knowledge card 5).

use foldhash::{HashSet, HashSetExt};

use crate::diag::Finding;
use crate::model::{Project, Service, State};
use crate::rules::Context;
use crate::util::has_interpolation;

use super::hosts::{HostKind, NETWORK_SCHEMES, NetMode, net_mode};

crate::declare_rule! {
    id: "unknown-host",
    category: Operability,
    production: Warning,
    development: Warning,
    fixable: No,
    summary: "A host name that is no service, alias or container of the project",
    check: check,
}

/// The names Docker's DNS resolves for every service of the project:
/// service names, container names, host names, network aliases and links,
/// lowercased. `None` when one of them holds an unresolved variable: the
/// names are then not all known.
fn project_names(p: &Project) -> Option<HashSet<String>> {
    let mut out = HashSet::new();
    let mut known = true;
    let mut add = |s: &str| {
        known &= !has_interpolation(s);
        out.insert(s.to_ascii_lowercase());
    };
    for s in p.services.values() {
        add(&s.name.value);
        for v in [&s.container_name, &s.hostname].into_iter().flatten() {
            add(&v.value);
        }
        for n in &s.networks {
            for alias in &n.aliases {
                add(&alias.value);
            }
        }
        for l in &s.links {
            add(&l.service.value);
            if let Some(alias) = &l.alias {
                add(&alias.value);
            }
        }
    }
    known.then_some(out)
}

/// Names only one service resolves: its `extra_hosts` and
/// `external_links` (`container` or `container:alias`). `None` when one of
/// them holds an unresolved variable.
fn own_names(s: &Service) -> Option<Vec<String>> {
    if s.extra_hosts.iter().any(|h| h.state != State::Ok)
        || s.external_links.iter().any(|l| has_interpolation(&l.value))
    {
        return None;
    }
    let mut out: Vec<String> = s
        .extra_hosts
        .iter()
        .filter_map(|h| h.host.as_ref())
        .map(|h| h.value.to_ascii_lowercase())
        .collect();
    for l in &s.external_links {
        out.extend(l.value.split(':').map(str::to_ascii_lowercase));
    }
    Some(out)
}

/// `<project>-<service>-<n>` (or with `_`): the name Compose gives a
/// service's container, which Docker's DNS resolves too.
fn is_container_name_of(host: &str, services: &[String]) -> bool {
    let Some(i) = host.rfind(['-', '_']) else {
        return false;
    };
    let (rest, n) = (&host[..i], &host[i + 1..]);
    if n.is_empty() || !n.bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    services.iter().any(|s| {
        rest.strip_suffix(s.as_str())
            .and_then(|p| p.strip_suffix(['-', '_']))
            .is_some_and(|p| !p.is_empty())
    })
}

/// Whether a project's host names are all visible: a whole project (see
/// [`Project::complete`]: a lone `docker-compose.s3.yml` is usually merged
/// onto a base file whose services it names) whose every `include` was
/// followed (a remote one is not fetched: its services are unknown).
fn judged(p: &Project) -> bool {
    p.complete && !p.services.is_empty() && p.includes_followed()
}

/// Whether names in a service may resolve through something else than the
/// project: the host's network (`network_mode: host`), another namespace,
/// search domains or DNS servers of its own, or an external network shared
/// with containers of other projects.
fn resolves_elsewhere(p: &Project, s: &Service) -> bool {
    if net_mode(s) != NetMode::Networks || !s.dns_search.is_empty() || !s.dns.is_empty() {
        return true;
    }
    let attached: Vec<&str> = if s.networks.is_empty() {
        vec!["default"]
    } else {
        s.networks.iter().map(|n| n.name.as_str()).collect()
    };
    attached.iter().any(|n| {
        has_interpolation(n)
            || p.networks.get(*n).is_some_and(|r| r.may_be_external())
            || (*n != "default" && !p.networks.contains_key(*n))
    })
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let p = cx.project;
    if !judged(p) {
        return;
    }
    let Some(names) = project_names(p) else {
        return;
    };
    let services: Vec<String> = p.services.keys().map(|k| k.to_ascii_lowercase()).collect();
    for (i, s) in p.services.values().enumerate() {
        if resolves_elsewhere(p, s) {
            continue;
        }
        let Some(own) = own_names(s) else {
            continue;
        };
        for (t, r) in cx.facts.host_refs(i, s).iter() {
            let (place, text) = (t.place, t.text);
            // An address for a browser or outside clients is resolved
            // by the user's machine, not by Docker's DNS; a bind
            // address is no destination.
            if r.kind != HostKind::Bare || t.other_address(r.start) {
                continue;
            }
            if r.port.is_none()
                && !r
                    .scheme
                    .is_some_and(|sch| NETWORK_SCHEMES.iter().any(|n| sch.eq_ignore_ascii_case(n)))
            {
                continue;
            }
            let host = r.host.to_ascii_lowercase();
            if names.contains(&host)
                || own.contains(&host)
                || is_container_name_of(&host, &services)
            {
                continue;
            }
            let candidates = names
                .iter()
                .map(String::as_str)
                .chain(own.iter().map(String::as_str));
            let suggestion = crate::util::did_you_mean(&host, candidates);
            let help = match suggestion {
                Some(n) => format!("did you mean `{n}`?"),
                None => "name a service of the project (Docker's DNS resolves service names, container names and network aliases), or map the name in `extra_hosts`".to_string(),
            };
            let mut f = Finding::new(
                RULE.id,
                text.subspan(r.host_range.clone()),
                format!(
                    "service `{}` refers to host `{}` in {}, which is no service, alias or container of the project",
                    s.name.value,
                    r.host,
                    place.describe()
                ),
            )
            .label("unknown host")
            .via(text.via)
            .help(help);
            if let Some(n) = suggestion
                && let Some(other) = p
                    .services
                    .values()
                    .find(|o| o.name.value.eq_ignore_ascii_case(n))
            {
                f = f.related(other.name.span, format!("service `{}`", other.name.value));
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_container_names() {
        let services = vec!["db".to_string(), "web-app".to_string()];
        assert!(is_container_name_of("myproj-db-1", &services));
        assert!(is_container_name_of("myproj_db_2", &services));
        assert!(is_container_name_of("x-web-app-1", &services));
        assert!(!is_container_name_of("db-1", &services));
        assert!(!is_container_name_of("myproj-db", &services));
        assert!(!is_container_name_of("myproj-cache-1", &services));
    }
}
