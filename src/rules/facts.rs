//! Facts derived once per project and shared by the rules: the dependency
//! graph (explicit and implicit edges), who depends on whom, one-shot
//! services, health states and parsed image references.

use foldhash::{HashMap, HashMapExt, HashSet};

use crate::load::Via;
use crate::model::syntax::Parsed;
use crate::model::syntax::image::{ImageRef, parse_image};
use crate::model::{Healthcheck, Project, Service, Sp};
use crate::rules::knowledge::{ImageFacts, KnowledgeBase};
use crate::span::Span;

/// How a dependency edge is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// An entry of `depends_on` (its index).
    DependsOn(usize),
    /// `links: [svc]` or `[svc:alias]`.
    Link,
    /// `volumes_from: [svc]` (not `container:...`).
    VolumesFrom,
    /// `network_mode: service:svc`.
    NetworkMode,
    Ipc,
    Pid,
    Uts,
    Cgroup,
}

impl EdgeKind {
    pub fn is_explicit(self) -> bool {
        matches!(self, EdgeKind::DependsOn(_))
    }

    /// How the edge reads in messages.
    pub fn describe(self) -> &'static str {
        match self {
            EdgeKind::DependsOn(_) => "depends_on",
            EdgeKind::Link => "links",
            EdgeKind::VolumesFrom => "volumes_from",
            EdgeKind::NetworkMode => "network_mode",
            EdgeKind::Ipc => "ipc",
            EdgeKind::Pid => "pid",
            EdgeKind::Uts => "uts",
            EdgeKind::Cgroup => "cgroup",
        }
    }
}

/// A dependency of one service on another.
#[derive(Clone, Debug)]
pub struct Edge {
    pub target: String,
    /// Where the target is named (the `depends_on` entry, the link...).
    pub span: Span,
    pub via: Option<Via>,
    pub kind: EdgeKind,
    /// `required: false` excuses a disabled target.
    pub required: bool,
    /// The condition (`service_started` for implicit edges).
    pub condition: String,
}

/// A service's parsed image reference.
#[derive(Clone, Debug)]
pub struct Image {
    pub reference: ImageRef,
    /// The `image` value.
    pub span: Span,
    pub via: Option<Via>,
    /// Spans of the parts, when they can be located.
    pub tag_span: Option<Span>,
    pub digest_span: Option<Span>,
    pub registry_span: Option<Span>,
}

/// Whether a service can tell when it is ready.
#[derive(Clone, Copy, Debug)]
pub enum Health<'a> {
    /// A `healthcheck.test` that is not disabled.
    Check(&'a Healthcheck),
    /// `disable: true` or `test: ["NONE"]`.
    Disabled(&'a Healthcheck),
    /// A `healthcheck` block without `test` and no image check known.
    Incomplete(&'a Healthcheck),
    /// No `healthcheck` at all.
    Missing,
}

impl Health<'_> {
    pub fn has_check(&self) -> bool {
        matches!(self, Health::Check(_))
    }
}

/// Derived facts about a project.
pub struct Facts<'p> {
    pub kb: &'static KnowledgeBase,
    /// The host references of each service (by position), found once for
    /// `localhost-reference` and `unknown-host` when one of them runs
    /// ([`Facts::with_host_refs`]).
    host_refs: Option<Vec<HostRefs<'p>>>,
    edges: HashMap<&'p str, Vec<Edge>>,
    dependents: HashMap<String, Vec<(&'p str, Edge)>>,
    one_shot: HashSet<String>,
    images: HashMap<&'p str, Image>,
    built: BuiltImages<'p>,
    partial_file: bool,
}

/// A host reference with the string it is in.
type HostRef<'p> = (
    crate::rules::operability::hosts::Text<'p>,
    crate::rules::operability::hosts::HostRef<'p>,
);

type HostRefs<'p> = Vec<HostRef<'p>>;

/// The images the project builds (the `image` and `build.tags` of services
/// with `build`), indexed so that asking whether an image is built costs
/// one lookup, not a pass over every service.
#[derive(Default)]
struct BuiltImages<'p> {
    /// As written, for references that do not parse (compared verbatim).
    raw: HashSet<&'p str>,
    /// Parsed: registry host, repository, tag (`latest` when none), digest.
    parsed: HashSet<ImageKey>,
}

type ImageKey = (String, String, String, Option<String>);

fn image_key(r: &ImageRef) -> ImageKey {
    (
        r.registry_host().to_string(),
        r.repository().to_string(),
        r.tag.clone().unwrap_or_else(|| "latest".to_string()),
        r.digest.clone(),
    )
}

impl<'p> Facts<'p> {
    pub fn new(project: &'p Project) -> Facts<'p> {
        Facts::with_one_shot(project, &[])
    }

    /// Facts where the configuration names some services one-shot.
    pub fn with_one_shot(project: &'p Project, configured: &[String]) -> Facts<'p> {
        let kb = KnowledgeBase::get();
        let mut edges = HashMap::with_capacity(project.services.len());
        let mut dependents: HashMap<String, Vec<(&'p str, Edge)>> = HashMap::new();
        let mut one_shot: HashSet<String> = configured.iter().cloned().collect();
        let mut images = HashMap::new();
        let mut built = BuiltImages::default();
        for (name, s) in &project.services {
            if let Some(build) = &s.build {
                for t in s.image.iter().chain(&build.tags) {
                    built.raw.insert(t.value.as_str());
                    if let Parsed::Ok(r) = parse_image(&t.value) {
                        built.parsed.insert(image_key(&r));
                    }
                }
            }
            let es = service_edges(s);
            for e in &es {
                if e.condition == "service_completed_successfully" {
                    one_shot.insert(e.target.clone());
                }
                dependents
                    .entry(e.target.clone())
                    .or_default()
                    .push((name.as_str(), e.clone()));
            }
            edges.insert(name.as_str(), es);
            if let Some(img) = s.image.as_ref().and_then(image_of) {
                images.insert(name.as_str(), img);
            }
        }
        Facts {
            kb,
            host_refs: None,
            edges,
            dependents,
            one_shot,
            images,
            built,
            partial_file: crate::rules::reliability::first_file_is_partial(project),
        }
    }

    /// The host references in the strings of `service`, the one at
    /// `index` of the project's services, in order, each with its string
    /// ([`crate::rules::operability::hosts::service_refs`]): those found
    /// beforehand ([`Facts::with_host_refs`]), or else found now.
    pub fn host_refs<'s>(
        &'s self,
        index: usize,
        service: &'s Service,
    ) -> std::borrow::Cow<'s, [HostRef<'s>]>
    where
        'p: 's,
    {
        match self.host_refs.as_ref().and_then(|r| r.get(index)) {
            Some(found) => std::borrow::Cow::Borrowed(found),
            None => {
                std::borrow::Cow::Owned(crate::rules::operability::hosts::service_refs(service))
            }
        }
    }

    /// Find the host references of every service of the project once, for
    /// the rules that read them ([`Facts::host_refs`]).
    pub fn with_host_refs(mut self, project: &'p Project) -> Facts<'p> {
        self.host_refs = Some(
            project
                .services
                .values()
                .map(|s| crate::rules::operability::hosts::service_refs(s))
                .collect(),
        );
        self
    }

    /// Whether the project's first file is named like an override file or
    /// an `extends` base (asked for every service by several rules).
    pub fn partial_file(&self) -> bool {
        self.partial_file
    }

    /// Whether a service of the project builds this image (`app` and
    /// `app:latest` name the same image, so do `postgres` and
    /// `docker.io/library/postgres`).
    pub fn is_built(&self, image: &str) -> bool {
        if self.built.raw.is_empty() {
            // Nothing is built with a name (most projects).
            return false;
        }
        self.built.raw.contains(image)
            || matches!(parse_image(image), Parsed::Ok(r) if self.built.parsed.contains(&image_key(&r)))
    }

    /// The dependencies of a service, explicit and implicit, in the order
    /// they are written.
    pub fn edges(&self, service: &str) -> &[Edge] {
        self.edges.get(service).map_or(&[], Vec::as_slice)
    }

    /// The services depending on `service`, with the edge.
    pub fn dependents(&self, service: &str) -> &[(&'p str, Edge)] {
        self.dependents.get(service).map_or(&[], Vec::as_slice)
    }

    /// Another service waits for it with `service_completed_successfully`.
    pub fn is_one_shot(&self, service: &str) -> bool {
        self.one_shot.contains(service)
    }

    /// The parsed image of a service (not when it is unresolved or invalid).
    pub fn image(&self, service: &str) -> Option<&Image> {
        self.images.get(service)
    }

    /// What the knowledge base knows about a service's image.
    pub fn image_facts(&self, service: &str) -> Option<&'static ImageFacts> {
        self.image(service)
            .and_then(|i| self.kb.lookup(&i.reference))
    }

    /// The health state of a service.
    pub fn health<'s>(&self, service: &'s Service) -> Health<'s> {
        match &service.healthcheck {
            None => Health::Missing,
            Some(h) if h.is_disabled() => Health::Disabled(h),
            Some(h) if h.test.is_none() => Health::Incomplete(h),
            Some(h) => Health::Check(h),
        }
    }
}

fn image_of(image: &Sp<String>) -> Option<Image> {
    let Parsed::Ok(reference) = parse_image(&image.value) else {
        return None;
    };
    let part = |r: &Option<std::ops::Range<usize>>| r.clone().map(|r| image.subspan(r));
    Some(Image {
        tag_span: part(&reference.tag_range),
        digest_span: part(&reference.digest_range),
        registry_span: part(&reference.registry_range),
        reference,
        span: image.span,
        via: image.via,
    })
}

fn service_edges(s: &Service) -> Vec<Edge> {
    let mut out = Vec::new();
    for (i, d) in s.depends_on.iter().enumerate() {
        out.push(Edge {
            target: d.service.value.clone(),
            span: if d.short { d.span } else { d.service.span },
            via: d.service.via,
            kind: EdgeKind::DependsOn(i),
            required: d.is_required(),
            condition: d.condition().to_string(),
        });
    }
    let implicit = |target: &Sp<String>, kind: EdgeKind| Edge {
        target: target.value.clone(),
        span: target.span,
        via: target.via,
        kind,
        required: true,
        condition: "service_started".to_string(),
    };
    for l in &s.links {
        out.push(implicit(&l.service, EdgeKind::Link));
    }
    for v in &s.volumes_from {
        if v.value.starts_with("container:") {
            continue;
        }
        let name = v.value.split(':').next().unwrap_or_default();
        let mut e = implicit(v, EdgeKind::VolumesFrom);
        e.target = name.to_string();
        e.span = v.subspan(0..name.len());
        out.push(e);
    }
    for (field, kind) in [
        (&s.network_mode, EdgeKind::NetworkMode),
        (&s.ipc, EdgeKind::Ipc),
        (&s.pid, EdgeKind::Pid),
        (&s.uts, EdgeKind::Uts),
        (&s.cgroup, EdgeKind::Cgroup),
    ] {
        if let Some(v) = field
            && let Some(name) = v.value.strip_prefix("service:")
        {
            let mut e = implicit(v, kind);
            e.target = name.to_string();
            e.span = v.subspan(8..v.value.len());
            out.push(e);
        }
    }
    out
}
