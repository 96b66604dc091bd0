//! Correctness: Compose rejects the file, or `docker compose up` fails.

pub mod container_name_duplicate;
pub mod container_name_scale;
pub mod depends_on_cycle;
pub mod depends_on_undefined;
pub mod duplicate_key;
pub mod extends_invalid;
pub mod healthcheck_invalid;
pub mod healthy_needs_healthcheck;
pub mod include_invalid;
pub mod interpolation_invalid;
pub mod interpolation_unset;
pub mod logging_invalid;
pub mod network_mode_conflict;
pub mod port_conflict;
pub mod port_invalid;
pub mod resource_invalid;
pub mod schema;
pub mod undefined_reference;
pub mod yaml_syntax;

use crate::diag::Finding;
use crate::load::{Problem, ProblemKind};
use crate::rules::Context;

/// Report the loader's problems of some kinds under a rule.
pub(crate) fn report_problems(
    cx: &Context<'_>,
    rule: &'static str,
    kinds: &[ProblemKind],
    out: &mut Vec<Finding>,
) {
    for p in cx
        .project
        .problems
        .iter()
        .filter(|p| kinds.contains(&p.kind))
    {
        out.push(problem_finding(rule, p));
    }
}

pub(crate) fn problem_finding(rule: &'static str, p: &Problem) -> Finding {
    let mut f = Finding::new(rule, p.span, p.message.clone());
    for (span, label) in &p.related {
        f = f.related(*span, label.clone());
    }
    f
}

// ---------------------------------------------------------------------------
// Helpers shared by the correctness rules.

use crate::load::Via;
use crate::model::syntax::Parsed;
use crate::model::{Service, Sp};
use crate::span::Span;

/// Where a value stands in document order: the site that applied it when it
/// arrived through a merge key, an alias or another file, else where it is
/// written. Pairs ("earlier", "later") are ordered by this key, then by the
/// service's position.
pub(crate) fn doc_position(span: Span, via: Option<Via>) -> Span {
    via.map_or(span, |v| v.span)
}

/// How many containers a service runs, as Compose decides it (compose-go
/// `GetScale`): `scale` when set, else `deploy.replicas`, else one. `None`
/// when the deciding value is unresolved or malformed. The span and via
/// are those of the deciding value; the name is the key it was set with.
pub(crate) struct ReplicaCount {
    pub count: i64,
    pub span: Span,
    pub via: Option<Via>,
    pub key: &'static str,
}

pub(crate) fn replica_count(s: &Service) -> Option<ReplicaCount> {
    let (value, key): (&Sp<Parsed<i64>>, &'static str) = match (&s.scale, &s.deploy) {
        (Some(scale), _) => (scale, "scale"),
        (None, Some(d)) => (d.replicas.as_ref()?, "deploy.replicas"),
        (None, None) => return None,
    };
    Some(ReplicaCount {
        count: value.ok()?,
        span: value.span,
        via: value.via,
        key,
    })
}

/// Whether every service, volume, network, secret and config the project
/// refers to can be seen, so that a missing one is really missing:
/// - the project is whole ([`Project::complete`](crate::model::Project)):
///   a lone file with a name Compose does not load by itself
///   (`docker-compose.prod.yml`, `compose.override.yaml`, `jibri.yml`) may
///   be an overlay whose references are defined in the base file;
/// - every `include` could be followed (a remote or missing one may define
///   what the project uses).
pub(crate) fn all_definitions_visible(project: &crate::model::Project) -> bool {
    project.complete
        && !project.problems.iter().any(|p| {
            matches!(
                p.kind,
                ProblemKind::IncludeRemote | ProblemKind::IncludeInvalid
            )
        })
}

/// Which services the selected profiles (`--profile`, `COMPOSE_PROFILES`)
/// enable; without a selection every profile counts as active.
#[derive(Clone, Debug, Default)]
pub(crate) struct Activation {
    /// `None`: every profile is active.
    pub selected: Option<Vec<String>>,
}

impl Activation {
    pub fn from_context(cx: &Context<'_>) -> Activation {
        Activation {
            selected: cx.project.profiles.clone(),
        }
    }

    /// A service without profiles is always enabled; one with profiles when
    /// one of them is selected (or `*` is).
    pub fn is_enabled(&self, s: &Service) -> bool {
        match &self.selected {
            None => true,
            Some(sel) => {
                s.profiles.is_empty()
                    || sel.iter().any(|p| p == "*")
                    || s.profiles.iter().any(|p| sel.contains(&p.value))
            }
        }
    }
}

/// `a`, `a` and `b`, `a`, `b` and `c`, each in backticks.
pub(crate) fn list_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        _ => {
            let (last, rest) = names.split_last().expect("non-empty");
            format!("{} and {last}", rest.join(", "))
        }
    }
}

/// The spans where loading and schema validation already reported a
/// problem: a value of the wrong type (`interval: 30`, a number where the
/// schema wants a string) is reported there, not again by the rule that
/// judges the value's content.
pub(crate) struct AlreadyReported(std::collections::HashSet<Span>);

impl AlreadyReported {
    pub fn new(project: &crate::model::Project) -> AlreadyReported {
        AlreadyReported(project.problems.iter().map(|p| p.span).collect())
    }

    pub fn contains(&self, span: Span) -> bool {
        self.0.contains(&span)
    }
}

/// Add the site that brought a value to another service (the earlier one
/// of a pair) as a label naming that service, so it does not read like the
/// site of the value the finding is about.
pub(crate) fn via_of_other(f: Finding, service: &str, via: Option<Via>) -> Finding {
    match via {
        Some(v) => f.related(v.span, format!("{} (service `{service}`)", v.label())),
        None => f,
    }
}

/// Name comparisons a rule may spend on did-you-mean suggestions in one
/// run: a file with thousands of undefined names among thousands of
/// services stays fast, and only its first findings get a suggestion.
const SUGGESTION_BUDGET: usize = 200_000;

/// Did-you-mean suggestions under [`SUGGESTION_BUDGET`].
pub(crate) struct Suggester {
    budget: usize,
}

impl Suggester {
    pub fn new() -> Suggester {
        Suggester {
            budget: SUGGESTION_BUDGET,
        }
    }

    /// The closest candidate (see [`crate::util::did_you_mean`]), if the
    /// budget still covers comparing `word` with all `count` of them.
    pub fn suggest<'a>(
        &mut self,
        word: &str,
        candidates: impl IntoIterator<Item = &'a str>,
        count: usize,
    ) -> Option<&'a str> {
        if count > self.budget {
            self.budget = 0;
            return None;
        }
        self.budget -= count;
        crate::util::did_you_mean(word, candidates)
    }
}
