//! Custom policies: declarative rules written in the configuration file.
//!
//! ```yaml
//! policies:
//!   - id: memory-at-most-8g
//!     severity: error
//!     message: memory limit at most 8g (card 7)
//!     select:
//!       image: "^milvusdb/"
//!     assert:
//!       - path: deploy.resources.limits.memory
//!         required: true
//!         max: 8g
//! ```
//!
//! A policy selects services (by name, image, label or profile; all of
//! them when `select` is absent) or the top level (`select: top-level`),
//! and asserts things about the values at a path of the normalised model,
//! so `ports[].host_ip` means the same for `"127.0.0.1:80:80"` and for the
//! long syntax. Findings point at the offending value, or at the service's
//! key (or the nearest existing ancestor) when the value is missing.

use std::time::Duration;

use regex::Regex;

use crate::config::Reader;
use crate::diag::{Diagnostic, Label, Severity};
use crate::load::{Value, ValueKind, Via};
use crate::model::syntax::{Parsed, units};
use crate::model::{MountKind, Project, Service, State};
use crate::rules;
use crate::span::{FileId, Span};

/// Which services a policy looks at.
#[derive(Clone, Debug, Default)]
pub struct Selector {
    pub top_level: bool,
    pub services: Option<Regex>,
    pub image: Option<Regex>,
    /// A label name, and optionally the value it must have.
    pub label: Option<(String, Option<String>)>,
    pub profile: Option<String>,
}

/// A bound for `max`/`min`, in the unit its text implies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Quantity {
    Number(f64),
    Bytes(u64),
    Duration(Duration),
}

#[derive(Clone, Debug)]
pub enum Check {
    Required,
    Forbidden,
    Matches(Regex),
    NotMatches(Regex),
    OneOf(Vec<String>),
    Equals(String),
    Max(Quantity, String),
    Min(Quantity, String),
}

#[derive(Clone, Debug)]
pub struct Assertion {
    pub path: Vec<Segment>,
    pub path_text: String,
    pub checks: Vec<Check>,
}

/// A segment of a policy path: a key, or `[]` (every element).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Each,
}

#[derive(Clone, Debug)]
pub struct Policy {
    /// The id findings are reported under.
    pub id: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub select: Selector,
    pub asserts: Vec<Assertion>,
}

const POLICY_KEYS: &[&str] = &["id", "severity", "message", "help", "select", "assert"];
const SELECT_KEYS: &[&str] = &["services", "image", "label", "profile"];
const ASSERT_KEYS: &[&str] = &[
    "path",
    "required",
    "forbidden",
    "matches",
    "not-matches",
    "one-of",
    "equals",
    "max",
    "min",
];

fn regex(r: &mut Reader, v: &Value, what: &str) -> Option<Regex> {
    let s = r.string(v, what)?;
    match Regex::new(s) {
        Ok(re) => Some(re),
        Err(e) => {
            let detail = e.to_string();
            let last = detail.lines().last().unwrap_or("").trim().to_string();
            r.error(
                v.span,
                format!("{what} is not a valid regular expression: {last}"),
            );
            None
        }
    }
}

/// Parse a `max`/`min` bound: a byte size (`8g`, `512m`), a duration
/// (`30s`, `1m30s`) or a number.
pub fn quantity(text: &str) -> Option<Quantity> {
    if let Ok(n) = text.parse::<f64>() {
        return Some(Quantity::Number(n));
    }
    if let Parsed::Ok(d) = units::parse_duration(text) {
        return Some(Quantity::Duration(d));
    }
    if let Parsed::Ok(b) = units::parse_bytes(text) {
        return Some(Quantity::Bytes(b));
    }
    None
}

/// Compare a value with a bound in the bound's unit; `None` when the value
/// cannot be read in that unit.
fn compare(value: &str, bound: Quantity) -> Option<std::cmp::Ordering> {
    match bound {
        Quantity::Number(b) => value.parse::<f64>().ok()?.partial_cmp(&b),
        Quantity::Bytes(b) => match units::parse_bytes(value) {
            Parsed::Ok(v) => Some(v.cmp(&b)),
            _ => None,
        },
        Quantity::Duration(b) => match units::parse_duration(value) {
            Parsed::Ok(v) => Some(v.cmp(&b)),
            _ => None,
        },
    }
}

fn parse_path(text: &str) -> Result<Vec<Segment>, String> {
    let mut out = Vec::new();
    for part in text.split('.') {
        if part.is_empty() {
            return Err(format!("`{text}` has an empty segment"));
        }
        let (key, each) = match part.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (part, false),
        };
        if key.contains(['[', ']']) {
            return Err(format!(
                "`{part}`: only `[]` (every element) is allowed in a path"
            ));
        }
        if !key.is_empty() {
            out.push(Segment::Key(key.to_string()));
        }
        if each {
            out.push(Segment::Each);
        }
    }
    Ok(out)
}

/// Read `policies:` from the configuration.
pub(crate) fn read_policies(v: &Value, r: &mut Reader, _file: FileId) -> Vec<Policy> {
    let Some(items) = v.as_seq() else {
        r.error(
            v.span,
            format!("`policies` must be a list, found {}", v.type_name()),
        );
        return Vec::new();
    };
    let mut out: Vec<Policy> = Vec::new();
    for item in items {
        let Some(m) = item.as_map() else {
            r.error(
                item.span,
                format!("a policy must be a mapping, found {}", item.type_name()),
            );
            continue;
        };
        r.keys(m, POLICY_KEYS, "a policy");
        let Some(id_value) = m.get("id") else {
            r.error(
                item.span,
                "a policy needs an `id` (the rule id its findings are reported under)",
            );
            continue;
        };
        let Some(id) = r.string(id_value, "the policy `id`") else {
            continue;
        };
        if !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            || id.is_empty()
        {
            r.error(
                id_value.span,
                format!("policy id `{id}` must be lowercase letters, digits and `-`"),
            );
            continue;
        }
        if rules::find(id).is_some() || id == "config" {
            r.error(
                id_value.span,
                format!("policy id `{id}` is already the id of a built-in rule; choose another"),
            );
            continue;
        }
        if out.iter().any(|p| p.id == id) {
            r.error(id_value.span, format!("policy id `{id}` is used twice"));
            continue;
        }
        let severity = match m.get("severity") {
            None => Severity::Warning,
            Some(s) => {
                match r.string(s, "`severity`") {
                    Some("error") => Severity::Error,
                    Some("warning") => Severity::Warning,
                    Some("info") => Severity::Info,
                    Some(other) => {
                        r.error(s.span, format!("`severity` must be one of `error`, `warning`, `info`, found `{other}`"));
                        Severity::Warning
                    }
                    None => Severity::Warning,
                }
            }
        };
        let Some(message) = m
            .get("message")
            .and_then(|v| r.string(v, "`message`"))
            .map(str::to_string)
        else {
            r.error(id_value.span, format!("policy `{id}` needs a `message`"));
            continue;
        };
        let help = m
            .get("help")
            .and_then(|v| r.string(v, "`help`"))
            .map(str::to_string);
        let mut select = Selector::default();
        if let Some(s) = m.get("select") {
            match &s.kind {
                ValueKind::Scalar(_) if s.as_str() == Some("top-level") => select.top_level = true,
                ValueKind::Map(sm) => {
                    r.keys(sm, SELECT_KEYS, "`select`");
                    if let Some(v) = sm.get("services") {
                        select.services = regex(r, v, "`select.services`");
                    }
                    if let Some(v) = sm.get("image") {
                        select.image = regex(r, v, "`select.image`");
                    }
                    if let Some(v) = sm.get("label") {
                        match &v.kind {
                            ValueKind::Map(lm) if lm.len() == 1 => {
                                let e = &lm.entries[0];
                                select.label = Some((e.key.text.to_string(), e.value.as_str().map(str::to_string)));
                            }
                            _ => {
                                if let Some(name) = r.string(v, "`select.label`") {
                                    select.label = Some((name.to_string(), None));
                                }
                            }
                        }
                    }
                    if let Some(v) = sm.get("profile") {
                        select.profile = r.string(v, "`select.profile`").map(str::to_string);
                    }
                }
                _ => r.error(
                    s.span,
                    "`select` must be `top-level` or a mapping of `services`, `image`, `label`, `profile`",
                ),
            }
        }
        let mut asserts = Vec::new();
        match m.get("assert").and_then(Value::as_seq) {
            None => r.error(
                id_value.span,
                format!("policy `{id}` needs `assert`: a list of checks"),
            ),
            Some(list) => {
                for a in list {
                    let Some(am) = a.as_map() else {
                        r.error(a.span, "an assertion must be a mapping with a `path`");
                        continue;
                    };
                    r.keys(am, ASSERT_KEYS, "an assertion");
                    let Some(pv) = am.get("path") else {
                        r.error(
                            a.span,
                            "an assertion needs a `path` (e.g. `deploy.resources.limits.memory`)",
                        );
                        continue;
                    };
                    let Some(path_text) = r.string(pv, "`path`") else {
                        continue;
                    };
                    let path = match parse_path(path_text) {
                        Ok(p) => p,
                        Err(e) => {
                            r.error(pv.span, format!("invalid path: {e}"));
                            continue;
                        }
                    };
                    let mut checks = Vec::new();
                    let mut wrote_check = false;
                    for (k, v) in am.iter() {
                        wrote_check |= ASSERT_KEYS[1..].contains(&&*k.text);
                        match &*k.text {
                            "required" if r.bool(v, "`required`") == Some(true) => {
                                checks.push(Check::Required);
                            }
                            "forbidden" if r.bool(v, "`forbidden`") == Some(true) => {
                                checks.push(Check::Forbidden);
                            }
                            "matches" => {
                                checks.extend(regex(r, v, "`matches`").map(Check::Matches))
                            }
                            "not-matches" => {
                                checks.extend(regex(r, v, "`not-matches`").map(Check::NotMatches))
                            }
                            "one-of" => checks.push(Check::OneOf(r.strings(v, "`one-of`"))),
                            "equals" => checks.extend(
                                r.string(v, "`equals`")
                                    .map(|s| Check::Equals(s.to_string())),
                            ),
                            "max" | "min" => {
                                let Some(text) = r.string(v, &format!("`{}`", k.text)) else {
                                    continue;
                                };
                                match quantity(text) {
                                    Some(q) if &*k.text == "max" => checks.push(Check::Max(q, text.to_string())),
                                    Some(q) => checks.push(Check::Min(q, text.to_string())),
                                    None => r.error(
                                        v.span,
                                        format!("`{}` must be a number, a byte size (`8g`) or a duration (`30s`), found `{text}`", k.text),
                                    ),
                                }
                            }
                            _ => {}
                        }
                    }
                    if checks.is_empty() && !wrote_check {
                        r.error(pv.span, "an assertion needs at least one check: `required`, `forbidden`, `matches`, `not-matches`, `one-of`, `equals`, `max` or `min`");
                        continue;
                    }
                    asserts.push(Assertion {
                        path,
                        path_text: path_text.to_string(),
                        checks,
                    });
                }
            }
        }
        out.push(Policy {
            id: Box::leak(id.to_string().into_boxed_str()),
            severity,
            message,
            help,
            select,
            asserts,
        });
    }
    out
}

/// A value found at a path.
#[derive(Clone, Debug)]
struct Found {
    text: Option<String>,
    span: Span,
    via: Option<Via>,
}

/// A node of the normalised model while walking a path.
#[derive(Clone)]
enum Node<'a> {
    Raw(&'a Value),
    /// A synthetic mapping (a normalised port, mount...).
    Fields(Span, Option<Via>, Vec<(&'static str, Found)>),
    /// A synthetic list.
    List(Span, Vec<Node<'a>>),
    Leaf(Found),
}

fn found(v: &Value) -> Found {
    Found {
        text: match &v.kind {
            ValueKind::Scalar(s) if s.ty != crate::load::ScalarType::Null => {
                Some(s.text.to_string())
            }
            _ => None,
        },
        span: v.span,
        via: v.via,
    }
}

fn leaf(text: impl Into<String>, span: Span, via: Option<Via>) -> Found {
    Found {
        text: Some(text.into()),
        span,
        via,
    }
}

/// The normalised view of a service attribute, when the model has one.
fn normalised<'a>(s: &'a Service, key: &str) -> Option<Node<'a>> {
    let span = |k: Option<Span>| k.unwrap_or(s.name.span);
    Some(match key {
        "ports" => Node::List(
            span(s.ports_key),
            s.ports
                .iter()
                .filter(|p| p.state == State::Ok)
                .map(|p| {
                    let mut f: Vec<(&'static str, Found)> = Vec::new();
                    if let Some(ip) = &p.host_ip {
                        f.push(("host_ip", leaf(ip.value.clone(), ip.span, ip.via)));
                    }
                    if let Some(pb) = &p.published {
                        f.push(("published", leaf(pb.value.to_string(), pb.span, pb.via)));
                    }
                    if let Some(t) = &p.target {
                        f.push(("target", leaf(t.value.to_string(), t.span, t.via)));
                    }
                    f.push((
                        "protocol",
                        leaf(
                            p.protocol.as_str(),
                            p.protocol_span.unwrap_or(p.span),
                            p.via,
                        ),
                    ));
                    if let Some(m) = &p.mode {
                        f.push(("mode", leaf(m.value.clone(), m.span, m.via)));
                    }
                    Node::Fields(p.span, p.via, f)
                })
                .collect(),
        ),
        "volumes" => Node::List(
            span(s.volumes_key),
            s.volumes
                .iter()
                .filter(|m| m.state == State::Ok)
                .map(|m| {
                    let kind = match m.kind {
                        MountKind::Bind => "bind",
                        MountKind::Volume => "volume",
                        MountKind::Tmpfs => "tmpfs",
                        MountKind::Npipe => "npipe",
                        MountKind::Cluster => "cluster",
                        MountKind::Image => "image",
                    };
                    let mut f: Vec<(&'static str, Found)> =
                        vec![("type", leaf(kind, m.span, m.via))];
                    if let Some(src) = &m.source {
                        f.push(("source", leaf(src.value.clone(), src.span, src.via)));
                    }
                    if let Some(t) = &m.target {
                        f.push(("target", leaf(t.value.clone(), t.span, t.via)));
                    }
                    f.push(("read_only", leaf(m.read_only.to_string(), m.span, m.via)));
                    Node::Fields(m.span, m.via, f)
                })
                .collect(),
        ),
        "environment" | "labels" => {
            let kvs = if key == "environment" {
                &s.environment
            } else {
                &s.labels
            };
            let key_span = if key == "environment" {
                s.environment_key
            } else {
                None
            };
            Node::Fields(
                span(key_span),
                None,
                kvs.iter()
                    .map(|kv| {
                        let name: &'static str = Box::leak(kv.key.value.clone().into_boxed_str());
                        let v = match &kv.value {
                            Some(v) => leaf(v.value.clone(), v.span, v.via),
                            None => Found {
                                text: Some(String::new()),
                                span: kv.span,
                                via: kv.via,
                            },
                        };
                        (name, v)
                    })
                    .collect(),
            )
        }
        "depends_on" => Node::List(
            span(s.depends_on_key),
            s.depends_on
                .iter()
                .map(|d| {
                    Node::Fields(
                        d.span,
                        d.service.via,
                        vec![
                            (
                                "service",
                                leaf(d.service.value.clone(), d.service.span, d.service.via),
                            ),
                            (
                                "condition",
                                match &d.condition {
                                    Some(c) => leaf(c.value.clone(), c.span, c.via),
                                    None => leaf("service_started", d.span, d.service.via),
                                },
                            ),
                        ],
                    )
                })
                .collect(),
        ),
        "networks" => Node::List(
            span(s.networks_key),
            s.networks
                .iter()
                .map(|n| {
                    Node::Fields(
                        n.span,
                        n.name.via,
                        vec![("name", leaf(n.name.value.clone(), n.name.span, n.name.via))],
                    )
                })
                .collect(),
        ),
        _ => return None,
    })
}

/// Walk `path` from `node`; `missing` collects the nearest existing
/// ancestor of each value that is absent.
fn walk<'a>(
    node: Node<'a>,
    path: &[Segment],
    out: &mut Vec<Found>,
    missing: &mut Vec<(Span, Option<Via>)>,
    anchor: (Span, Option<Via>),
) {
    let Some((first, rest)) = path.split_first() else {
        match node {
            Node::Raw(v) => out.push(found(v)),
            Node::Leaf(f) => out.push(f),
            Node::Fields(span, via, _) => out.push(Found {
                text: None,
                span,
                via,
            }),
            Node::List(span, _) => out.push(Found {
                text: None,
                span,
                via: None,
            }),
        }
        return;
    };
    match (first, node) {
        (Segment::Each, Node::List(_, items)) => {
            for i in items {
                let a = match &i {
                    Node::Fields(s, v, _) => (*s, *v),
                    Node::Raw(v) => (v.span, v.via),
                    _ => anchor,
                };
                walk(i, rest, out, missing, a);
            }
        }
        (Segment::Each, Node::Raw(v)) => match &v.kind {
            ValueKind::Seq(items) => {
                for i in items {
                    walk(Node::Raw(i), rest, out, missing, (i.span, i.via));
                }
            }
            ValueKind::Map(m) => {
                for e in &m.entries {
                    walk(
                        Node::Raw(&e.value),
                        rest,
                        out,
                        missing,
                        (e.key.span, e.key.via),
                    );
                }
            }
            _ => missing.push(anchor),
        },
        (Segment::Key(k), Node::Raw(v)) => match v.as_map().and_then(|m| m.entry(k)) {
            Some(e) => walk(
                Node::Raw(&e.value),
                rest,
                out,
                missing,
                (e.key.span, e.key.via),
            ),
            // An absent list has no elements to judge.
            None if rest.first() == Some(&Segment::Each) => {}
            None => missing.push(anchor),
        },
        (Segment::Key(k), Node::Fields(_, _, fields)) => {
            match fields.into_iter().find(|(n, _)| n == k) {
                Some((_, f)) => {
                    let a = (f.span, f.via);
                    walk(Node::Leaf(f), rest, out, missing, a);
                }
                None if rest.first() == Some(&Segment::Each) => {}
                None => missing.push(anchor),
            }
        }
        _ => missing.push(anchor),
    }
}

fn selected(p: &Policy, s: &Service, project: &Project) -> bool {
    let sel = &p.select;
    if let Some(re) = &sel.services
        && !re.is_match(&s.name.value)
    {
        return false;
    }
    if let Some(re) = &sel.image {
        match &s.image {
            Some(i) if re.is_match(&i.value) => {}
            _ => return false,
        }
    }
    if let Some((name, value)) = &sel.label {
        match s.labels.iter().find(|l| l.key.value == *name) {
            None => return false,
            Some(l) => {
                if let Some(want) = value
                    && l.value.as_ref().map(|v| v.value.as_str()) != Some(want.as_str())
                {
                    return false;
                }
            }
        }
    }
    if let Some(profile) = &sel.profile
        && !s.profiles.iter().any(|x| x.value == *profile)
    {
        return false;
    }
    let _ = project;
    true
}

/// What one policy looks at: the top level, or one service.
struct Target<'a> {
    who: String,
    raw: &'a Value,
    service: Option<&'a Service>,
    anchor: (Span, Option<Via>),
}

fn targets<'a>(p: &Policy, project: &'a Project) -> Vec<Target<'a>> {
    if p.select.top_level {
        return project
            .root
            .iter()
            .map(|root| Target {
                who: "the top level".to_string(),
                raw: root,
                service: None,
                anchor: (Span::new(root.span.file, 0, 0), None),
            })
            .collect();
    }
    project
        .services
        .values()
        .filter(|s| selected(p, s, project))
        .filter_map(|s| {
            Some(Target {
                who: format!("service `{}`", s.name.value),
                raw: project.raw_service(s)?,
                service: Some(s),
                anchor: (s.name.span, s.name.via),
            })
        })
        .collect()
}

/// Evaluate the policies over a project.
pub fn run(project: &Project, policies: &[Policy]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for p in policies {
        for t in targets(p, project) {
            for a in &p.asserts {
                let mut values = Vec::new();
                let mut missing = Vec::new();
                // The first segment may have a normalised view.
                let start = match (t.service, a.path.first()) {
                    (Some(s), Some(Segment::Key(k))) => normalised(s, k),
                    _ => None,
                };
                match start {
                    Some(node) => {
                        let rest = &a.path[1..];
                        let present = match &node {
                            Node::List(_, items) => !items.is_empty(),
                            Node::Fields(_, _, f) => !f.is_empty(),
                            _ => true,
                        };
                        let key_exists = match a.path.first() {
                            Some(Segment::Key(k)) => t.raw.get(k).is_some(),
                            _ => false,
                        };
                        if present || key_exists {
                            let at = match &node {
                                Node::List(s, _) | Node::Fields(s, _, _) => (*s, None),
                                _ => t.anchor,
                            };
                            walk(node, rest, &mut values, &mut missing, at);
                        } else if rest.first() != Some(&Segment::Each) {
                            missing.push(t.anchor);
                        }
                    }
                    None => walk(
                        Node::Raw(t.raw),
                        &a.path,
                        &mut values,
                        &mut missing,
                        t.anchor,
                    ),
                }
                for check in &a.checks {
                    judge(p, a, check, &t.who, &values, &missing, &mut out);
                }
            }
        }
    }
    out
}

fn judge(
    p: &Policy,
    a: &Assertion,
    check: &Check,
    who: &str,
    values: &[Found],
    missing: &[(Span, Option<Via>)],
    out: &mut Vec<Diagnostic>,
) {
    let mut push = |span: Span, via: Option<Via>, detail: String| {
        let mut related = Vec::new();
        if let Some(v) = via {
            related.push(Label {
                span: v.span,
                message: v.label().to_string(),
            });
        }
        out.push(Diagnostic {
            rule: p.id,
            category: "policy",
            severity: p.severity,
            message: format!("{}: {detail}", p.message),
            primary: Label {
                span,
                message: String::new(),
            },
            related,
            help: p.help.clone().map(Into::into),
            fix: None,
        });
    };
    match check {
        Check::Required => {
            for (span, via) in missing {
                push(*span, *via, format!("{who} has no `{}`", a.path_text));
            }
        }
        Check::Forbidden => {
            for v in values {
                push(v.span, v.via, format!("{who} sets `{}`", a.path_text));
            }
        }
        _ => {
            for v in values {
                let Some(text) = &v.text else { continue };
                if crate::util::has_interpolation(text) {
                    continue;
                }
                let problem = match check {
                    Check::Matches(re) => (!re.is_match(text))
                        .then(|| format!("which does not match `{}`", re.as_str())),
                    Check::NotMatches(re) => re
                        .is_match(text)
                        .then(|| format!("which matches `{}`", re.as_str())),
                    Check::OneOf(list) => (!list.contains(text)).then(|| {
                        format!(
                            "not one of {}",
                            list.iter()
                                .map(|x| format!("`{x}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }),
                    Check::Equals(want) => (text != want).then(|| format!("not `{want}`")),
                    Check::Max(q, bound) => match compare(text, *q) {
                        Some(std::cmp::Ordering::Greater) => Some(format!("more than `{bound}`")),
                        None => Some(format!("which cannot be compared with `{bound}`")),
                        _ => None,
                    },
                    Check::Min(q, bound) => match compare(text, *q) {
                        Some(std::cmp::Ordering::Less) => Some(format!("less than `{bound}`")),
                        None => Some(format!("which cannot be compared with `{bound}`")),
                        _ => None,
                    },
                    Check::Required | Check::Forbidden => None,
                };
                if let Some(detail) = problem {
                    push(
                        v.span,
                        v.via,
                        format!("`{}` of {who} is `{text}`, {detail}", a.path_text),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_compare_in_their_unit() {
        assert_eq!(
            compare("8192m", quantity("8g").unwrap()),
            Some(std::cmp::Ordering::Equal)
        );
        assert_eq!(
            compare("9g", quantity("8g").unwrap()),
            Some(std::cmp::Ordering::Greater)
        );
        assert_eq!(
            compare("1m30s", quantity("2m").unwrap()),
            Some(std::cmp::Ordering::Less)
        );
        assert_eq!(
            compare("4", quantity("4").unwrap()),
            Some(std::cmp::Ordering::Equal)
        );
        assert_eq!(
            compare("0.5", quantity("1").unwrap()),
            Some(std::cmp::Ordering::Less)
        );
        assert_eq!(compare("lots", quantity("8g").unwrap()), None);
    }

    #[test]
    fn paths() {
        assert_eq!(
            parse_path("ports[].host_ip").unwrap(),
            [
                Segment::Key("ports".into()),
                Segment::Each,
                Segment::Key("host_ip".into())
            ]
        );
        assert!(parse_path("a..b").is_err());
        assert!(parse_path("ports[0]").is_err());
    }
}
