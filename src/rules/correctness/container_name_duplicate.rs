//! `container-name-duplicate`: two services with the same `container_name`.
//! Docker container names are unique on a host, so Compose refuses the
//! project.

use foldhash::{HashMap, HashMapExt};

use crate::diag::Finding;
use crate::model::{Service, Sp};
use crate::rules::Context;

use super::{doc_position, via_of_other};

crate::declare_rule! {
    id: "container-name-duplicate",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "Two services set the same container_name",
    check: check,
}

/// The services that already use one name, by profile: a service whose
/// `profiles` are non-empty and disjoint from another's never runs with it.
#[derive(Default)]
struct Users<'a> {
    /// The first user.
    any: Option<usize>,
    /// The first user without profiles.
    unprofiled: Option<usize>,
    /// The first user with each profile.
    by_profile: HashMap<&'a str, usize>,
}

impl<'a> Users<'a> {
    /// The first earlier user that can run together with `s`.
    fn clashing(&self, s: &Service) -> Option<usize> {
        if s.profiles.is_empty() {
            return self.any;
        }
        s.profiles
            .iter()
            .filter_map(|p| self.by_profile.get(p.as_str()).copied())
            .chain(self.unprofiled)
            .min()
    }

    fn add(&mut self, s: &'a Service, id: usize) {
        self.any.get_or_insert(id);
        if s.profiles.is_empty() {
            self.unprofiled.get_or_insert(id);
        }
        for p in &s.profiles {
            self.by_profile.entry(p.as_str()).or_insert(id);
        }
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // Document order: where each name is written (or merged in), then the
    // service's position. Two services taking the name from one anchor share
    // its span, so the position decides.
    let mut named: Vec<(&Service, &Sp<String>)> = cx
        .project
        .services
        .values()
        .filter_map(|s| s.container_name.as_ref().map(|c| (&**s, c)))
        .collect();
    named.sort_by_key(|(s, c)| (doc_position(c.span, c.via), s.index));
    // The raw text is compared: two identical texts give the same name once
    // interpolated, whatever the variables hold.
    let mut users: HashMap<&str, Users<'_>> = HashMap::new();
    for (id, (s, c)) in named.iter().enumerate() {
        let entry = users.entry(c.as_str()).or_default();
        if let Some(first) = entry.clashing(s) {
            let (other, earlier) = named[first];
            let name = s.name.as_str();
            let other = other.name.as_str();
            let f = Finding::new(
                RULE.id,
                c.span,
                format!(
                    "container name `{}` of service `{name}` is already used by service `{other}`",
                    c.value
                ),
            )
            .via(c.via)
            .related(earlier.span, format!("service `{other}` sets it here"));
            out.push(via_of_other(f, other, earlier.via).help(
                "give each service its own `container_name`, or remove it and let Compose name the containers `<project>-<service>-<n>`",
            ));
        }
        entry.add(s, id);
    }
}
