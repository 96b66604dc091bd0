//! Merging documents and files the way Compose merges them (compose-go
//! `override/merge.go` and `override/uncity.go`; compose-semantics.md §3).
//!
//! Mappings merge key by key; sequences append; scalars are replaced. Some
//! attributes have their own rule: `command`, `entrypoint` and
//! `healthcheck.test` are replaced; `depends_on`, service `networks` and
//! `models` merge as mappings; `environment`, `labels` and the other keyed
//! lists merge by key; `logging` merges only for the same driver; `build`
//! strings become `{context: ...}`; `ulimits` entries are replaced. After
//! merging, list entries that share a key collapse (volumes by target, ports
//! by binding, ...), the later taking the place of the earlier. `!reset`
//! removes an attribute and `!override` replaces it without merging.
//!
//! The same engine serves several `-f` files, the override file, several
//! documents in one file and `extends`.

use crate::load::problem::{Problem, ProblemKind};
use crate::load::value::{Entry, Key, Map, MergeTag, Origin, Scalar, ScalarType, Value, ValueKind};
use crate::load::yaml::Style;
use crate::model::syntax::{Parsed, ports, volumes};

/// How the attribute at a path merges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// The later value replaces the earlier one.
    Replace,
    /// Lists or mappings of `KEY=value`, merged by key.
    Keyed,
    /// A string or a list of strings, appended, duplicates dropped.
    Values,
    /// A list of names or a mapping keyed by name, merged as a mapping.
    Names,
    /// `depends_on`: short entries become `{condition: service_started}`.
    DependsOn,
    /// Sequences appended, then collapsed by a key.
    Unique(UniqueBy),
    /// `logging`: merged only for the same driver.
    Logging,
    /// `build`: a string is `{context: ...}`.
    Build,
    /// The general rule.
    Default,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum UniqueBy {
    MountTarget,
    DeviceTarget,
    SecretTarget,
    ConfigTarget,
    Port,
    Whole,
    Subnet,
}

/// The rule for a path (`["services", "*", "environment"]`).
fn rule_for(path: &[&str]) -> Rule {
    match path {
        ["services", _, "command" | "entrypoint"] => Rule::Replace,
        ["services", _, "healthcheck", "test"] => Rule::Replace,
        ["services", _, "ulimits", _] => Rule::Replace,
        ["services", _, "depends_on"] => Rule::DependsOn,
        ["services", _, "networks" | "models"] => Rule::Names,
        [
            "services",
            _,
            "environment" | "labels" | "annotations" | "sysctls" | "storage_opt",
        ]
        | [
            "services",
            _,
            "build",
            "args" | "labels" | "additional_contexts",
        ]
        | ["services", _, "deploy", "labels"]
        | ["volumes" | "networks" | "secrets" | "configs", _, "labels"] => Rule::Keyed,
        [
            "services",
            _,
            "dns" | "dns_opt" | "dns_search" | "env_file" | "label_file" | "tmpfs",
        ] => Rule::Values,
        [
            "services",
            _,
            "cap_add" | "cap_drop" | "links" | "profiles" | "expose" | "external_links",
        ]
        | ["services", _, "build", "tags"] => Rule::Unique(UniqueBy::Whole),
        ["services", _, "extra_hosts"] | ["services", _, "build", "extra_hosts"] => {
            Rule::Unique(UniqueBy::Whole)
        }
        ["services", _, "volumes"] => Rule::Unique(UniqueBy::MountTarget),
        ["services", _, "devices"] => Rule::Unique(UniqueBy::DeviceTarget),
        ["services", _, "secrets"] | ["services", _, "build", "secrets"] => {
            Rule::Unique(UniqueBy::SecretTarget)
        }
        ["services", _, "configs"] => Rule::Unique(UniqueBy::ConfigTarget),
        ["services", _, "ports"] => Rule::Unique(UniqueBy::Port),
        ["networks", _, "ipam", "config"] => Rule::Unique(UniqueBy::Subnet),
        ["services", _, "logging"] => Rule::Logging,
        ["services", _, "build"] => Rule::Build,
        _ => Rule::Default,
    }
}

/// Merges one value onto another, collecting Compose's merge errors.
#[derive(Default)]
pub struct Merger {
    pub problems: Vec<Problem>,
    /// Attributes removed with `!reset`: their dotted path (with real names,
    /// `services.db.healthcheck`) and the tagged value.
    pub resets: Vec<(String, crate::span::Span)>,
    /// The real keys along the current path.
    names: Vec<String>,
}

impl Merger {
    /// Merge `over` (a later document, file or the extending service) onto
    /// `base`; `path` is where they sit (`[]` for whole documents,
    /// `["services", "*"]` for services).
    pub fn merge(&mut self, base: Value, over: Value, path: &[&'static str]) -> Value {
        let mut path: Vec<&'static str> = path.to_vec();
        self.names = path.iter().map(|s| s.to_string()).collect();
        self.merge_at(&mut path, base, over)
    }

    fn merge_at(&mut self, path: &mut Vec<&'static str>, base: Value, over: Value) -> Value {
        if over.tag == Some(MergeTag::Override) {
            return over;
        }
        let rule = rule_for(path);
        match rule {
            Rule::Replace => return over,
            Rule::Build => {
                let base = build_to_map(base);
                let over = build_to_map(over);
                return self.general(path, base, over);
            }
            Rule::Logging => {
                let driver =
                    |v: &Value| v.get("driver").and_then(Value::as_str).map(str::to_string);
                let (bd, od) = (driver(&base), driver(&over));
                if bd.is_some() && od.is_some() && bd != od {
                    return over;
                }
                return self.general(path, base, over);
            }
            Rule::DependsOn | Rule::Names => {
                // Two lists stay a list (the same services, without the
                // synthetic mappings Compose's conversion would create);
                // otherwise the list becomes a mapping of names.
                if let (ValueKind::Seq(_), ValueKind::Seq(_)) = (&base.kind, &over.kind) {
                    let span = over.span;
                    let via = over.via;
                    let ValueKind::Seq(mut items) = base.kind else {
                        unreachable!()
                    };
                    let ValueKind::Seq(more) = over.kind else {
                        unreachable!()
                    };
                    for item in more {
                        let key = unique_key(UniqueBy::Whole, &item);
                        if key.is_none()
                            || !items.iter().any(|i| unique_key(UniqueBy::Whole, i) == key)
                        {
                            items.push(item);
                        }
                    }
                    return Value {
                        kind: ValueKind::Seq(items),
                        span,
                        via,
                        tag: None,
                    };
                }
                let base = names_to_map(base, rule == Rule::DependsOn);
                let over = names_to_map(over, rule == Rule::DependsOn);
                return self.general(path, base, over);
            }
            Rule::Keyed => {
                if matches!(
                    (&base.kind, &over.kind),
                    (ValueKind::Map(_), ValueKind::Map(_))
                ) {
                    return self.general(path, base, over);
                }
                let span = over.span;
                let via = over.via;
                let mut items = keyed_items(base);
                for item in keyed_items(over) {
                    let key = keyed_key(&item);
                    match items.iter().position(|i| keyed_key(i) == key) {
                        Some(i) => items[i] = item,
                        None => items.push(item),
                    }
                }
                return Value {
                    kind: ValueKind::Seq(items),
                    span,
                    via,
                    tag: None,
                };
            }
            Rule::Values => {
                let span = over.span;
                let via = over.via;
                let mut items = value_items(base);
                for item in value_items(over) {
                    let key = item.as_str().map(str::to_string);
                    match items
                        .iter()
                        .position(|i| i.as_str().map(str::to_string) == key && key.is_some())
                    {
                        Some(i) => items[i] = item,
                        None => items.push(item),
                    }
                }
                return Value {
                    kind: ValueKind::Seq(items),
                    span,
                    via,
                    tag: None,
                };
            }
            Rule::Unique(by) => {
                if let (ValueKind::Seq(_), ValueKind::Seq(_)) = (&base.kind, &over.kind) {
                    let span = over.span;
                    let via = over.via;
                    let ValueKind::Seq(mut items) = base.kind else {
                        unreachable!()
                    };
                    let ValueKind::Seq(more) = over.kind else {
                        unreachable!()
                    };
                    for item in more {
                        let key = unique_key(by, &item);
                        let existing = key.as_ref().and_then(|k| {
                            items
                                .iter()
                                .position(|i| unique_key(by, i).as_ref() == Some(k))
                        });
                        match existing {
                            Some(i) => items[i] = item,
                            None => items.push(item),
                        }
                    }
                    return Value {
                        kind: ValueKind::Seq(items),
                        span,
                        via,
                        tag: None,
                    };
                }
            }
            Rule::Default => {}
        }
        self.general(path, base, over)
    }

    fn general(&mut self, path: &mut Vec<&'static str>, base: Value, over: Value) -> Value {
        match (base.kind, over.kind) {
            (ValueKind::Map(b), ValueKind::Map(o)) => Value {
                kind: ValueKind::Map(self.merge_maps(path, b, o)),
                span: base.span,
                via: base.via,
                tag: None,
            },
            (ValueKind::Seq(mut b), ValueKind::Seq(o)) => {
                b.extend(o);
                Value {
                    kind: ValueKind::Seq(b),
                    span: over.span,
                    via: over.via,
                    tag: None,
                }
            }
            (
                bk @ (ValueKind::Map(_) | ValueKind::Seq(_)),
                ok @ (ValueKind::Map(_) | ValueKind::Seq(_)),
            ) => {
                let what = |k: &ValueKind| {
                    if matches!(k, ValueKind::Map(_)) {
                        "a mapping"
                    } else {
                        "a list"
                    }
                };
                self.problems.push(Problem {
                    kind: ProblemKind::Schema,
                    span: over.span,
                    message: format!(
                        "cannot override `{}`: it is {} here but {} where it is first defined",
                        path.join("."),
                        what(&ok),
                        what(&bk)
                    ),
                    related: vec![(base.span, "first defined here".to_string())],
                });
                Value {
                    kind: ok,
                    span: over.span,
                    via: over.via,
                    tag: over.tag,
                }
            }
            (_, kind) => Value {
                kind,
                span: over.span,
                via: over.via,
                tag: over.tag,
            },
        }
    }

    fn merge_maps(&mut self, path: &mut Vec<&'static str>, mut base: Map, over: Map) -> Map {
        for entry in over.entries {
            let pos = base
                .entries
                .iter()
                .position(|e| e.key.text == entry.key.text);
            if entry.value.tag == Some(MergeTag::Reset) {
                if let Some(i) = pos {
                    base.entries.remove(i);
                    let mut at = self.names.join(".");
                    if !at.is_empty() {
                        at.push('.');
                    }
                    at.push_str(&entry.key.text);
                    self.resets.push((at, entry.value.span));
                }
                continue;
            }
            match pos {
                Some(i) => {
                    let old = std::mem::replace(&mut base.entries[i].value, placeholder());
                    let key = segment(path, &entry.key.text);
                    path.push(key);
                    self.names.push(entry.key.text.to_string());
                    let merged = self.merge_at(path, old, entry.value);
                    self.names.pop();
                    path.pop();
                    base.entries[i].value = merged;
                }
                None => base.entries.push(entry),
            }
        }
        base
    }
}

/// The path segment for a key: names under the top-level sections (and
/// under `ulimits`, `depends_on`, service `networks`) become `*`; attribute
/// names the merge rules mention are kept; anything else becomes `?`.
fn segment(path: &[&'static str], key: &str) -> &'static str {
    match path {
        ["services" | "networks" | "volumes" | "secrets" | "configs" | "models"] => "*",
        [
            "services",
            _,
            "ulimits" | "depends_on" | "networks" | "models",
        ] => "*",
        _ => static_key(key),
    }
}

/// Attribute names that merge rules mention; anything else is irrelevant
/// to the rules and maps to `?`.
fn static_key(key: &str) -> &'static str {
    const KEYS: &[&str] = &[
        "services",
        "networks",
        "volumes",
        "secrets",
        "configs",
        "models",
        "command",
        "entrypoint",
        "healthcheck",
        "test",
        "ulimits",
        "depends_on",
        "environment",
        "labels",
        "annotations",
        "sysctls",
        "storage_opt",
        "build",
        "args",
        "additional_contexts",
        "deploy",
        "dns",
        "dns_opt",
        "dns_search",
        "env_file",
        "label_file",
        "tmpfs",
        "cap_add",
        "cap_drop",
        "links",
        "profiles",
        "expose",
        "external_links",
        "tags",
        "extra_hosts",
        "devices",
        "ports",
        "ipam",
        "config",
        "logging",
    ];
    KEYS.iter().copied().find(|k| *k == key).unwrap_or("?")
}

fn placeholder() -> Value {
    Value {
        kind: ValueKind::Invalid,
        span: Default::default(),
        via: None,
        tag: None,
    }
}

fn synthetic(text: String, like: &Value) -> Value {
    Value {
        kind: ValueKind::Scalar(Scalar {
            text: text.into_boxed_str(),
            style: Style::Plain,
            ty: ScalarType::Str,
            origin: Origin::Whole,
            unresolved: false,
        }),
        span: like.span,
        via: like.via,
        tag: None,
    }
}

/// `build: ./dir` is `build: {context: ./dir}`.
fn build_to_map(v: Value) -> Value {
    if !matches!(v.kind, ValueKind::Scalar(_)) || v.is_null() {
        return v;
    }
    let key = Key {
        text: "context".into(),
        span: v.span,
        via: v.via,
    };
    Value {
        span: v.span,
        via: v.via,
        tag: v.tag,
        kind: ValueKind::Map(Map {
            entries: vec![Entry { key, value: v }],
        }),
    }
}

/// A list of names becomes a mapping of names (to `null`, or for
/// `depends_on` to `{condition: service_started, required: true}`).
fn names_to_map(v: Value, depends_on: bool) -> Value {
    let ValueKind::Seq(items) = v.kind else {
        return v;
    };
    let entries = items
        .into_iter()
        .filter_map(|item| {
            let name = item.as_str()?.to_string();
            let key = Key {
                text: name.into_boxed_str(),
                span: item.span,
                via: item.via,
            };
            let value = if depends_on {
                let cond = synthetic("service_started".to_string(), &item);
                Value {
                    kind: ValueKind::Map(Map {
                        entries: vec![Entry {
                            key: Key {
                                text: "condition".into(),
                                span: item.span,
                                via: item.via,
                            },
                            value: cond,
                        }],
                    }),
                    span: item.span,
                    via: item.via,
                    tag: None,
                }
            } else {
                Value {
                    kind: ValueKind::Scalar(Scalar {
                        text: "".into(),
                        style: Style::Plain,
                        ty: ScalarType::Null,
                        origin: Origin::Whole,
                        unresolved: false,
                    }),
                    span: item.span,
                    via: item.via,
                    tag: None,
                }
            };
            Some(Entry { key, value })
        })
        .collect();
    Value {
        kind: ValueKind::Map(Map { entries }),
        span: v.span,
        via: v.via,
        tag: v.tag,
    }
}

/// The items of a keyed list; mapping entries become `KEY=value` strings.
fn keyed_items(v: Value) -> Vec<Value> {
    match v.kind {
        ValueKind::Seq(items) => items,
        ValueKind::Map(m) => m
            .entries
            .into_iter()
            .map(|e| {
                let text = match e.value.as_str() {
                    Some(val) => format!("{}={val}", e.key.text),
                    None => e.key.text.to_string(),
                };
                let mut item = synthetic(text, &e.value);
                item.span = e.key.span.to(e.value.span);
                item.via = e.key.via;
                item
            })
            .collect(),
        ValueKind::Scalar(_) if !v.is_null() => vec![v],
        _ => Vec::new(),
    }
}

fn keyed_key(v: &Value) -> Option<String> {
    v.as_str()
        .map(|s| s.split('=').next().unwrap_or(s).to_string())
}

fn value_items(v: Value) -> Vec<Value> {
    match v.kind {
        ValueKind::Seq(items) => items,
        ValueKind::Scalar(_) if !v.is_null() => vec![v],
        ValueKind::Map(_) => vec![v],
        _ => Vec::new(),
    }
}

/// The key entries of a list collapse on.
fn unique_key(by: UniqueBy, v: &Value) -> Option<String> {
    match by {
        UniqueBy::Whole => match &v.kind {
            ValueKind::Scalar(s) => Some(s.text.to_string()),
            _ => None,
        },
        UniqueBy::MountTarget => match &v.kind {
            ValueKind::Scalar(s) => match volumes::parse_volume(&s.text) {
                Parsed::Ok(vol) => Some(vol.target),
                _ => None,
            },
            ValueKind::Map(_) => v.get("target").and_then(Value::as_str).map(str::to_string),
            _ => None,
        },
        UniqueBy::DeviceTarget => match &v.kind {
            ValueKind::Scalar(s) => {
                let parts: Vec<&str> = s.text.split(':').collect();
                Some(
                    parts
                        .get(1)
                        .or(parts.first())
                        .map(|p| p.to_string())
                        .unwrap_or_default(),
                )
            }
            ValueKind::Map(_) => v
                .get("target")
                .or_else(|| v.get("source"))
                .and_then(Value::as_str)
                .map(str::to_string),
            _ => None,
        },
        UniqueBy::SecretTarget | UniqueBy::ConfigTarget => {
            let default = |source: &str| {
                if by == UniqueBy::SecretTarget {
                    format!("/run/secrets/{source}")
                } else {
                    format!("/{source}")
                }
            };
            match &v.kind {
                ValueKind::Scalar(s) => Some(default(&s.text)),
                ValueKind::Map(_) => match v.get("target").and_then(Value::as_str) {
                    Some(t) => Some(t.to_string()),
                    None => v.get("source").and_then(Value::as_str).map(default),
                },
                _ => None,
            }
        }
        UniqueBy::Port => match &v.kind {
            ValueKind::Scalar(s) => match ports::parse_port(&s.text) {
                Parsed::Ok(p) => Some(format!(
                    "{}|{}|{}|{}",
                    p.host_ip.unwrap_or_else(|| "0.0.0.0".into()),
                    p.published.map(|r| r.to_string()).unwrap_or_default(),
                    p.target,
                    p.protocol.as_str()
                )),
                _ => Some(s.text.to_string()),
            },
            ValueKind::Map(_) => {
                let get = |k: &str| {
                    v.get(k)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                let ip = v
                    .get("host_ip")
                    .and_then(Value::as_str)
                    .unwrap_or("0.0.0.0");
                let proto = v.get("protocol").and_then(Value::as_str).unwrap_or("tcp");
                Some(format!(
                    "{ip}|{}|{}|{proto}",
                    get("published"),
                    get("target")
                ))
            }
            _ => None,
        },
        UniqueBy::Subnet => v.get("subnet").and_then(Value::as_str).map(str::to_string),
    }
}

/// Drop `!reset` values that have nothing to reset (the first document of a
/// project), so that later stages never see them.
pub fn strip_resets(value: &mut Value) {
    match &mut value.kind {
        ValueKind::Map(m) => {
            m.entries.retain(|e| e.value.tag != Some(MergeTag::Reset));
            for e in &mut m.entries {
                strip_resets(&mut e.value);
            }
        }
        ValueKind::Seq(items) => {
            items.retain(|v| v.tag != Some(MergeTag::Reset));
            for v in items {
                strip_resets(v);
            }
        }
        _ => {}
    }
}

/// Merge `over` onto `base` with Compose's rules (convenience for whole
/// documents).
pub fn merge(base: Value, over: Value) -> Value {
    Merger::default().merge(base, over, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::env::Environment;
    use crate::load::project::{Input, load_file};
    use crate::load::{Limits, value::ValueKind};
    use crate::source::SourceMap;

    /// Merge two YAML texts as two files of a project.
    fn merged(base: &str, over: &str) -> (Value, Vec<Problem>) {
        let mut sources = SourceMap::new();
        let env = Environment::default();
        let limits = Limits::default();
        let mut a = load_file(&mut sources, &Input::text("a.yaml", base), &limits, &env).unwrap();
        let mut b = load_file(&mut sources, &Input::text("b.yaml", over), &limits, &env).unwrap();
        let mut m = Merger::default();
        let v = m.merge(a.documents.remove(0), b.documents.remove(0), &[]);
        (v, m.problems)
    }

    fn strings(v: &Value) -> Vec<String> {
        match &v.kind {
            ValueKind::Seq(items) => items
                .iter()
                .map(|i| i.as_str().unwrap_or("<map>").to_string())
                .collect(),
            ValueKind::Map(m) => m
                .entries
                .iter()
                .map(|e| format!("{}={}", e.key.text, e.value.as_str().unwrap_or("")))
                .collect(),
            _ => vec![v.as_str().unwrap_or_default().to_string()],
        }
    }

    fn web<'a>(v: &'a Value, key: &str) -> &'a Value {
        v.get("services")
            .unwrap()
            .get("web")
            .unwrap()
            .get(key)
            .unwrap()
    }

    #[test]
    fn commands_are_replaced_and_lists_appended() {
        let (v, _) = merged(
            "services:\n  web:\n    command: [a, b]\n    cap_add: [NET_ADMIN]\n",
            "services:\n  web:\n    command: [c]\n    cap_add: [SYS_TIME, NET_ADMIN]\n",
        );
        assert_eq!(strings(web(&v, "command")), ["c"]);
        assert_eq!(strings(web(&v, "cap_add")), ["NET_ADMIN", "SYS_TIME"]);
    }

    #[test]
    fn environment_merges_by_key_across_forms() {
        let (v, _) = merged(
            "services:\n  web:\n    environment:\n      A: '1'\n      B: '2'\n",
            "services:\n  web:\n    environment:\n      - B=3\n      - C=4\n",
        );
        assert_eq!(strings(web(&v, "environment")), ["A=1", "B=3", "C=4"]);
        let (v, _) = merged(
            "services:\n  web:\n    environment: {A: '1', B: '2'}\n",
            "services:\n  web:\n    environment: {B: '3'}\n",
        );
        assert_eq!(strings(web(&v, "environment")), ["A=1", "B=3"]);
    }

    #[test]
    fn ports_and_volumes_collapse_by_key() {
        let (v, _) = merged(
            "services:\n  web:\n    ports: ['8080:80', '9000:9000']\n    volumes: ['data:/data', './a:/app']\n",
            "services:\n  web:\n    ports: ['8080:80', '8443:443']\n    volumes: ['./b:/app:ro']\n",
        );
        assert_eq!(
            strings(web(&v, "ports")),
            ["8080:80", "9000:9000", "8443:443"]
        );
        assert_eq!(strings(web(&v, "volumes")), ["data:/data", "./b:/app:ro"]);
    }

    #[test]
    fn depends_on_merges_short_and_long_forms() {
        let (v, _) = merged(
            "services:\n  web:\n    depends_on: [db, cache]\n",
            "services:\n  web:\n    depends_on:\n      db:\n        condition: service_healthy\n",
        );
        let d = web(&v, "depends_on").as_map().unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(
            d.get("db").unwrap().get("condition").unwrap().as_str(),
            Some("service_healthy")
        );
        assert_eq!(
            d.get("cache").unwrap().get("condition").unwrap().as_str(),
            Some("service_started")
        );
    }

    #[test]
    fn reset_and_override_tags() {
        let (v, _) = merged(
            "services:\n  web:\n    ports: ['80:80']\n    healthcheck: {test: [CMD, 'true']}\n    environment: {A: '1'}\n",
            "services:\n  web:\n    ports: !override ['8443:443']\n    healthcheck: !reset {}\n    environment:\n      A: !reset null\n",
        );
        assert_eq!(strings(web(&v, "ports")), ["8443:443"]);
        assert!(
            v.get("services")
                .unwrap()
                .get("web")
                .unwrap()
                .get("healthcheck")
                .is_none()
        );
        assert_eq!(web(&v, "environment").as_map().unwrap().len(), 0);
    }

    #[test]
    fn logging_merges_only_for_the_same_driver() {
        let (v, _) = merged(
            "services:\n  web:\n    logging: {driver: json-file, options: {max-size: 10m}}\n",
            "services:\n  web:\n    logging: {options: {max-file: '3'}}\n",
        );
        assert_eq!(
            strings(web(&v, "logging").get("options").unwrap()),
            ["max-size=10m", "max-file=3"]
        );
        let (v, _) = merged(
            "services:\n  web:\n    logging: {driver: json-file, options: {max-size: 10m}}\n",
            "services:\n  web:\n    logging: {driver: syslog}\n",
        );
        assert!(web(&v, "logging").get("options").is_none());
    }

    #[test]
    fn a_build_string_merges_as_a_context() {
        let (v, _) = merged(
            "services:\n  web:\n    build: ./app\n",
            "services:\n  web:\n    build: {dockerfile: Dockerfile.prod}\n",
        );
        let b = web(&v, "build");
        assert_eq!(b.get("context").unwrap().as_str(), Some("./app"));
        assert_eq!(
            b.get("dockerfile").unwrap().as_str(),
            Some("Dockerfile.prod")
        );
    }

    #[test]
    fn a_mapping_cannot_override_a_list() {
        let (_, problems) = merged(
            "services:\n  web:\n    ports: ['80:80']\n",
            "services:\n  web:\n    ports: {a: b}\n",
        );
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .message
                .starts_with("cannot override `services.*.ports`"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn spans_point_into_the_file_that_wrote_the_value() {
        let (v, _) = merged(
            "services:\n  web:\n    image: a\n    restart: always\n",
            "services:\n  web:\n    image: b\n",
        );
        let s = v
            .get("services")
            .unwrap()
            .as_map()
            .unwrap()
            .entry("web")
            .unwrap();
        // The service key stays where the service is defined...
        assert_eq!(s.key.span.file.0, 0);
        // ...the image is the override's, the restart policy the base's.
        assert_eq!(s.value.get("image").unwrap().span.file.0, 1);
        assert_eq!(s.value.get("restart").unwrap().span.file.0, 0);
    }
}
