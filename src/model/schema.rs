//! Validation against the Compose specification's own JSON schema.
//!
//! The schema (`compose-spec.json`, from compose-spec/compose-spec, Apache-2.0)
//! is embedded and interpreted directly over the spanned [`Value`] tree, so
//! every violation is reported at the exact key or value, all of them in one
//! run, with a did-you-mean for unknown keys. Only the keywords the Compose
//! schema uses are implemented: `type`, `properties`, `patternProperties`,
//! `additionalProperties`, `required`, `enum`, `oneOf`, `items`,
//! `uniqueItems`, `minimum`, `maximum`, `pattern`, `$ref`.
//!
//! Before validation Compose casts strings at some typed paths (compose-go
//! `loader/interpolate.go`): `privileged: "yes"` becomes `true` with a
//! warning, `scale: "two"` fails to cast. The same casts are applied here.
//! Strings holding an unresolved `${...}` are assumed to become a valid value
//! of the expected type.

use foldhash::{HashMap, HashMapExt};
use std::sync::LazyLock;

use regex::Regex;
use rustc_hash::FxHashMap;
use serde_json::Value as Json;

use crate::load::problem::{Problem, ProblemKind};
use crate::load::value::{ScalarType, Value, ValueKind, Via};
use crate::span::Span;
use crate::util::{did_you_mean, has_interpolation};

const SPEC: &str = include_str!("compose-spec.json");

type Id = usize;

/// The longest list whose items are checked for `uniqueItems` by a scan
/// rather than a hash map.
const UNIQUE_SCAN_UP_TO: usize = 16;

/// How many properties a node has before it gets an index by name.
const BY_NAME_FROM: usize = 8;

#[derive(Default, Debug)]
struct Node {
    types: Option<Vec<JsonType>>,
    properties: Vec<(String, Id)>,
    /// `properties` by name, for a node with many of them (a service has
    /// about a hundred: a scan compared each key with half of them). The
    /// schema's names fill it, so a fast hash without a key is safe: a
    /// file's keys are only looked up.
    by_name: FxHashMap<String, Id>,
    pattern_properties: Vec<(KeyPattern, Id)>,
    /// `None`: any additional property; `Some(None)`: forbidden.
    additional: Option<Option<Id>>,
    items: Option<Id>,
    one_of: Vec<Id>,
    required: Vec<String>,
    enumeration: Option<Vec<Json>>,
    unique_items: bool,
    minimum: Option<f64>,
    maximum: Option<f64>,
    pattern: Option<Regex>,
    reference: Option<Id>,
}

impl Node {
    /// The node of the property named `key`, if the node declares it.
    fn property(&self, key: &str) -> Option<Id> {
        if self.by_name.is_empty() {
            self.properties
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, c)| *c)
        } else {
            self.by_name.get(key).copied()
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JsonType {
    Null,
    Boolean,
    Integer,
    Number,
    String,
    Array,
    Object,
}

impl JsonType {
    fn name(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Boolean => "a boolean",
            JsonType::Integer => "an integer",
            JsonType::Number => "a number",
            JsonType::String => "a string",
            JsonType::Array => "a list",
            JsonType::Object => "a mapping",
        }
    }
}

struct Schema {
    nodes: Vec<Node>,
    root: Id,
}

static SCHEMA: LazyLock<Schema> = LazyLock::new(|| {
    let json: Json = serde_json::from_str(SPEC).expect("embedded compose-spec.json is valid JSON");
    let mut compiler = Compiler {
        nodes: Vec::new(),
        definitions: HashMap::new(),
        regexes: HashMap::new(),
        json: &json,
    };
    let root = compiler.compile(&json);
    Schema {
        nodes: compiler.nodes,
        root,
    }
});

struct Compiler<'a> {
    nodes: Vec<Node>,
    definitions: HashMap<String, Id>,
    /// Compiled patterns by their text: the schema repeats a few patterns
    /// (`^x-` 44 times), and compiling a regex costs more than the rest of
    /// the schema.
    regexes: HashMap<String, Regex>,
    json: &'a Json,
}

/// A `patternProperties` pattern: the regex, and a test without it for
/// the patterns the Compose schema uses (checked against every key of a
/// map that has them, such as every service name).
#[derive(Debug)]
struct KeyPattern {
    re: Regex,
    fast: Option<fn(&str) -> bool>,
}

impl KeyPattern {
    fn new(re: Regex) -> KeyPattern {
        let fast: Option<fn(&str) -> bool> = match re.as_str() {
            "^x-" => Some(|k| k.starts_with("x-")),
            "^[a-zA-Z0-9._-]+$" => Some(|k| {
                !k.is_empty()
                    && k.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            }),
            "^[a-z]+$" => Some(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_lowercase())),
            // `.` is any character but `\n`.
            ".+" => Some(|k| k.chars().any(|c| c != '\n')),
            "^.+$" => Some(|k| !k.is_empty() && !k.contains('\n')),
            _ => None,
        };
        KeyPattern { re, fast }
    }

    fn is_match(&self, key: &str) -> bool {
        match self.fast {
            Some(test) => test(key),
            None => self.re.is_match(key),
        }
    }

    fn as_str(&self) -> &str {
        self.re.as_str()
    }
}

impl Compiler<'_> {
    fn regex(&mut self, pattern: &str) -> Regex {
        self.regexes
            .entry(pattern.to_string())
            .or_insert_with(|| Regex::new(pattern).expect("schema patterns are valid regexes"))
            .clone()
    }

    fn compile(&mut self, j: &Json) -> Id {
        let id = self.nodes.len();
        self.nodes.push(Node::default());
        let Some(obj) = j.as_object() else {
            return id;
        };
        let mut node = Node::default();
        if let Some(r) = obj.get("$ref").and_then(Json::as_str) {
            node.reference = Some(self.definition(r));
        }
        if let Some(t) = obj.get("type") {
            let names: Vec<&str> = match t {
                Json::String(s) => vec![s.as_str()],
                Json::Array(a) => a.iter().filter_map(Json::as_str).collect(),
                _ => Vec::new(),
            };
            node.types = Some(
                names
                    .iter()
                    .filter_map(|n| {
                        Some(match *n {
                            "null" => JsonType::Null,
                            "boolean" => JsonType::Boolean,
                            "integer" => JsonType::Integer,
                            "number" => JsonType::Number,
                            "string" => JsonType::String,
                            "array" => JsonType::Array,
                            "object" => JsonType::Object,
                            _ => return None,
                        })
                    })
                    .collect(),
            );
        }
        if let Some(props) = obj.get("properties").and_then(Json::as_object) {
            for (k, v) in props {
                let child = self.compile(v);
                node.properties.push((k.clone(), child));
            }
            if node.properties.len() > BY_NAME_FROM {
                node.by_name = node.properties.iter().cloned().collect();
            }
        }
        if let Some(props) = obj.get("patternProperties").and_then(Json::as_object) {
            for (k, v) in props {
                let child = self.compile(v);
                let re = self.regex(k);
                node.pattern_properties.push((KeyPattern::new(re), child));
            }
        }
        match obj.get("additionalProperties") {
            Some(Json::Bool(false)) => node.additional = Some(None),
            Some(Json::Object(_)) => {
                let child = self.compile(&obj["additionalProperties"]);
                node.additional = Some(Some(child));
            }
            _ => {}
        }
        if let Some(items) = obj.get("items") {
            node.items = Some(self.compile(items));
        }
        if let Some(one_of) = obj.get("oneOf").and_then(Json::as_array) {
            node.one_of = one_of.iter().map(|b| self.compile(b)).collect();
        }
        if let Some(req) = obj.get("required").and_then(Json::as_array) {
            node.required = req
                .iter()
                .filter_map(|r| r.as_str().map(String::from))
                .collect();
        }
        node.enumeration = obj.get("enum").and_then(Json::as_array).cloned();
        node.unique_items = obj
            .get("uniqueItems")
            .and_then(Json::as_bool)
            .unwrap_or(false);
        node.minimum = obj.get("minimum").and_then(Json::as_f64);
        node.maximum = obj.get("maximum").and_then(Json::as_f64);
        node.pattern = obj
            .get("pattern")
            .and_then(Json::as_str)
            .map(|p| self.regex(p));
        self.nodes[id] = node;
        id
    }

    fn definition(&mut self, reference: &str) -> Id {
        if let Some(id) = self.definitions.get(reference) {
            return *id;
        }
        let name = reference.trim_start_matches("#/definitions/");
        let id = self.nodes.len();
        self.nodes.push(Node::default());
        self.definitions.insert(reference.to_string(), id);
        let json = self.json;
        let target = &json["definitions"][name];
        let compiled = self.compile(target);
        self.nodes[id].reference = Some(compiled);
        id
    }
}

/// A segment of the path to a value, for messages and cast lookups.
#[derive(Clone, Debug)]
enum Seg<'v> {
    Key(&'v str),
    Index,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cast {
    Bool,
    Int,
    Float,
}

/// Paths where Compose casts strings before validating (compose-go
/// `loader/interpolate.go`), except those judged by a dedicated rule
/// (`cpus`, `healthcheck.retries`, `ports.*.target`). [`cast_for`] is this
/// table as a match; a test checks that they agree.
#[cfg(test)]
const CASTS: &[(&[&str], Cast)] = &[
    (&["networks", "*", "external"], Cast::Bool),
    (&["networks", "*", "internal"], Cast::Bool),
    (&["networks", "*", "attachable"], Cast::Bool),
    (&["networks", "*", "enable_ipv4"], Cast::Bool),
    (&["networks", "*", "enable_ipv6"], Cast::Bool),
    (&["volumes", "*", "external"], Cast::Bool),
    (&["secrets", "*", "external"], Cast::Bool),
    (&["configs", "*", "external"], Cast::Bool),
    (&["services", "*", "cpu_count"], Cast::Int),
    (&["services", "*", "cpu_percent"], Cast::Float),
    (&["services", "*", "cpu_period"], Cast::Int),
    (&["services", "*", "cpu_quota"], Cast::Int),
    (&["services", "*", "cpu_rt_period"], Cast::Int),
    (&["services", "*", "cpu_rt_runtime"], Cast::Int),
    (&["services", "*", "cpu_shares"], Cast::Int),
    (&["services", "*", "init"], Cast::Bool),
    (&["services", "*", "oom_kill_disable"], Cast::Bool),
    (&["services", "*", "oom_score_adj"], Cast::Int),
    (&["services", "*", "privileged"], Cast::Bool),
    (&["services", "*", "read_only"], Cast::Bool),
    (&["services", "*", "ulimits", "*"], Cast::Int),
    (&["services", "*", "ulimits", "*", "hard"], Cast::Int),
    (&["services", "*", "ulimits", "*", "soft"], Cast::Int),
    (&["services", "*", "volumes", "[]", "read_only"], Cast::Bool),
    (
        &["services", "*", "volumes", "[]", "volume", "nocopy"],
        Cast::Bool,
    ),
    (
        &["services", "*", "depends_on", "*", "required"],
        Cast::Bool,
    ),
    (&["services", "*", "depends_on", "*", "restart"], Cast::Bool),
    (&["services", "*", "healthcheck", "disable"], Cast::Bool),
    (&["services", "*", "stdin_open"], Cast::Bool),
    (&["services", "*", "tty"], Cast::Bool),
    (&["services", "*", "deploy", "replicas"], Cast::Int),
    (
        &["services", "*", "deploy", "update_config", "parallelism"],
        Cast::Int,
    ),
    (
        &[
            "services",
            "*",
            "deploy",
            "update_config",
            "max_failure_ratio",
        ],
        Cast::Float,
    ),
    (
        &["services", "*", "deploy", "rollback_config", "parallelism"],
        Cast::Int,
    ),
    (
        &[
            "services",
            "*",
            "deploy",
            "rollback_config",
            "max_failure_ratio",
        ],
        Cast::Float,
    ),
    (
        &["services", "*", "deploy", "restart_policy", "max_attempts"],
        Cast::Int,
    ),
    (
        &[
            "services",
            "*",
            "deploy",
            "placement",
            "max_replicas_per_node",
        ],
        Cast::Int,
    ),
    (&["services", "*", "scale"], Cast::Int),
];

/// Whether a pattern of [`CASTS`] names `path` (`*` any key, `[]` any
/// item).
#[cfg(test)]
fn cast_applies(pattern: &[&str], path: &[Seg<'_>]) -> bool {
    pattern.len() == path.len()
        && pattern.iter().zip(path).all(|(p, s)| match (p, s) {
            (&"[]", Seg::Index) => true,
            (&"*", Seg::Key(_)) => true,
            (p, Seg::Key(k)) => p == k,
            _ => false,
        })
}

/// The cast Compose applies to a string at `path` ([`CASTS`] as a match:
/// it is asked for every string of a file, and most paths are rejected by
/// their first segments).
fn cast_for(path: &[Seg<'_>]) -> Option<Cast> {
    use Cast::*;
    use Seg::{Index, Key};
    let [Key(section), Key(_), rest @ ..] = path else {
        return None;
    };
    match (*section, rest) {
        (
            "networks",
            [Key("external" | "internal" | "attachable" | "enable_ipv4" | "enable_ipv6")],
        ) => Some(Bool),
        ("volumes" | "secrets" | "configs", [Key("external")]) => Some(Bool),
        ("services", rest) => match rest {
            [Key(key)] => match *key {
                "cpu_count" | "cpu_period" | "cpu_quota" | "cpu_rt_period" | "cpu_rt_runtime"
                | "cpu_shares" | "oom_score_adj" | "scale" => Some(Int),
                "cpu_percent" => Some(Float),
                "init" | "oom_kill_disable" | "privileged" | "read_only" | "stdin_open" | "tty" => {
                    Some(Bool)
                }
                _ => None,
            },
            [Key("ulimits"), Key(_)] | [Key("ulimits"), Key(_), Key("hard" | "soft")] => Some(Int),
            [Key("volumes"), Index, Key("read_only")]
            | [Key("volumes"), Index, Key("volume"), Key("nocopy")]
            | [Key("depends_on"), Key(_), Key("required" | "restart")]
            | [Key("healthcheck"), Key("disable")] => Some(Bool),
            [Key("deploy"), Key("replicas")]
            | [
                Key("deploy"),
                Key("update_config" | "rollback_config"),
                Key("parallelism"),
            ]
            | [Key("deploy"), Key("restart_policy"), Key("max_attempts")]
            | [
                Key("deploy"),
                Key("placement"),
                Key("max_replicas_per_node"),
            ] => Some(Int),
            [
                Key("deploy"),
                Key("update_config" | "rollback_config"),
                Key("max_failure_ratio"),
            ] => Some(Float),
            _ => None,
        },
        _ => None,
    }
}

/// The JSON type a value has for the schema (after Compose's cast).
#[derive(Clone, Copy, Debug)]
enum Seen {
    Null,
    Bool,
    Int,
    /// A float, and whether it is a whole number (computed once here: in
    /// the type test LLVM hoisted `fract` out of its branch, a call of
    /// `trunc` for every value checked).
    Float(f64, bool),
    Str,
    Array,
    Object,
    /// An unresolved interpolation: assumed to fit.
    Any,
}

impl Seen {
    fn float(f: f64) -> Seen {
        Seen::Float(f, f.fract() == 0.0)
    }
}

fn matches_type(seen: Seen, t: JsonType) -> bool {
    match (seen, t) {
        (Seen::Any, _) => true,
        (Seen::Null, JsonType::Null) => true,
        (Seen::Bool, JsonType::Boolean) => true,
        (Seen::Int, JsonType::Integer | JsonType::Number) => true,
        (Seen::Float(_, whole), JsonType::Integer) => whole,
        (Seen::Float(..), JsonType::Number) => true,
        (Seen::Str, JsonType::String) => true,
        (Seen::Array, JsonType::Array) => true,
        (Seen::Object, JsonType::Object) => true,
        _ => false,
    }
}

fn seen_name(seen: Seen, value: &Value) -> String {
    match seen {
        Seen::Str => match value.as_str() {
            Some(s) if s.chars().count() <= 40 => format!("the string `{s}`"),
            _ => "a string".to_string(),
        },
        Seen::Int | Seen::Float(..) | Seen::Bool => match value.as_str() {
            Some(s) => format!("{} `{s}`", value.type_name()),
            None => value.type_name().to_string(),
        },
        _ => value.type_name().to_string(),
    }
}

struct Validator<'v> {
    schema: &'static Schema,
    problems: Vec<Problem>,
    path: Vec<Seg<'v>>,
}

/// Validate the effective top-level value of a project.
/// Compile the schema now rather than on first use. The command line does
/// this on a worker thread while it finds the files and their
/// configuration, so that the first file's validation does not wait for it.
pub fn warm() {
    LazyLock::force(&SCHEMA);
}

pub fn validate(root: &Value) -> Vec<Problem> {
    let schema = &*SCHEMA;
    let mut v = Validator {
        schema,
        problems: Vec::new(),
        path: Vec::new(),
    };
    v.check(schema.root, root, root.span);
    v.problems
}

impl<'v> Validator<'v> {
    fn node(&self, id: Id) -> &'static Node {
        &self.schema.nodes[self.resolve(id)]
    }

    /// Merge a `$ref` node with its target: the Compose schema puts only
    /// `description` next to `$ref`, so following the reference suffices.
    fn resolve(&self, id: Id) -> Id {
        let mut id = id;
        while let Some(r) = self.schema.nodes[id].reference {
            id = r;
        }
        id
    }

    /// Where we are, for messages: "service `web`", "`deploy.resources` of
    /// service `web`", "the top level".
    fn place(&self) -> String {
        let keys: Vec<String> = self
            .path
            .iter()
            .map(|s| match s {
                Seg::Key(k) => (*k).to_string(),
                Seg::Index => "[]".to_string(),
            })
            .collect();
        describe_path(&keys)
    }

    fn seen(&mut self, value: &Value) -> Seen {
        match &value.kind {
            ValueKind::Invalid => Seen::Any,
            ValueKind::Seq(_) => Seen::Array,
            ValueKind::Map(_) => Seen::Object,
            ValueKind::Scalar(s) => match s.ty {
                ScalarType::Null => Seen::Null,
                ScalarType::Bool(_) => Seen::Bool,
                ScalarType::Int(_) => Seen::Int,
                ScalarType::Float(f) => Seen::float(f),
                ScalarType::Str => {
                    if has_interpolation(&s.text) {
                        return Seen::Any;
                    }
                    let Some(cast) = cast_for(&self.path) else {
                        return Seen::Str;
                    };
                    let text = &*s.text;
                    let lower = text.to_ascii_lowercase();
                    let (seen, failure) = match cast {
                        Cast::Bool => match lower.as_str() {
                            "true" | "false" => (Seen::Bool, None),
                            "y" | "yes" | "on" | "n" | "no" | "off" => {
                                let truth = matches!(lower.as_str(), "y" | "yes" | "on");
                                self.problems.push(Problem {
                                    kind: ProblemKind::SchemaWarning,
                                    span: value.span,
                                    message: format!(
                                        "`{text}` for a boolean is not supported by YAML 1.2; Compose reads it as `{truth}` with a warning, other YAML tools as a string"
                                    ),
                                    related: value.via.map(|v| (v.span, v.label().to_string())).into_iter().collect(),
                                });
                                (Seen::Bool, None)
                            }
                            _ => (
                                Seen::Any,
                                Some(format!("invalid boolean `{text}`: use `true` or `false`")),
                            ),
                        },
                        Cast::Int => match text.parse::<i64>() {
                            Ok(_) => (Seen::Int, None),
                            Err(_) => (Seen::Any, Some(format!("`{text}` is not an integer"))),
                        },
                        Cast::Float => match text.parse::<f64>() {
                            Ok(f) => (Seen::float(f), None),
                            Err(_) => (Seen::Any, Some(format!("`{text}` is not a number"))),
                        },
                    };
                    if let Some(reason) = failure {
                        let message = format!("{} has an invalid value: {reason}", self.place());
                        self.error_via(value.span, value.via, message);
                    }
                    seen
                }
            },
        }
    }

    fn error(&mut self, span: Span, message: String) {
        self.error_via(span, None, message);
    }

    /// An error at a value that may have arrived through a merge key or an
    /// alias: the site is shown as a second label.
    fn error_via(&mut self, span: Span, via: Option<Via>, message: String) {
        self.problems.push(Problem {
            kind: ProblemKind::Schema,
            span,
            message,
            related: via
                .map(|v| (v.span, v.label().to_string()))
                .into_iter()
                .collect(),
        });
    }

    /// `owner` is the span of the key that holds `value` (where to report
    /// something missing from it).
    fn check(&mut self, id: Id, value: &'v Value, owner: Span) {
        let id = self.resolve(id);
        let node = self.node(id);
        if matches!(value.kind, ValueKind::Invalid) {
            return;
        }
        let seen = self.seen(value);
        if !node.one_of.is_empty() {
            self.check_one_of(node, value, seen, owner);
            return;
        }
        if let Some(types) = &node.types
            && !types.iter().any(|t| matches_type(seen, *t))
        {
            let cast = matches!(seen, Seen::Str) && cast_for(&self.path).is_some();
            let expected = type_list(types);
            let message = if cast {
                format!(
                    "{} must be {expected}; Compose cannot convert {}",
                    self.place(),
                    seen_name(seen, value)
                )
            } else {
                format!(
                    "{} must be {expected}, found {}",
                    self.place(),
                    seen_name(seen, value)
                )
            };
            // An empty value has an empty span: point at its key.
            let at = if value.span.is_empty() {
                owner
            } else {
                value.span
            };
            self.error_via(at, value.via, message);
            return;
        }
        if matches!(seen, Seen::Any) {
            return;
        }
        if let Some(allowed) = &node.enumeration {
            self.check_enum(allowed, value);
        }
        if let Some(s) = value.as_scalar() {
            let number = match s.ty {
                ScalarType::Int(i) => Some(i as f64),
                ScalarType::Float(f) => Some(f),
                ScalarType::Str => match seen {
                    Seen::Int => s.text.parse::<f64>().ok(),
                    Seen::Float(f, _) => Some(f),
                    _ => None,
                },
                _ => None,
            };
            if let Some(n) = number {
                if let Some(min) = node.minimum
                    && n < min
                {
                    let message =
                        format!("{} must be at least {min}, found {}", self.place(), s.text);
                    self.error_via(value.span, value.via, message);
                }
                if let Some(max) = node.maximum
                    && n > max
                {
                    let message =
                        format!("{} must be at most {max}, found {}", self.place(), s.text);
                    self.error_via(value.span, value.via, message);
                }
            }
            if let (Some(re), Seen::Str) = (&node.pattern, seen)
                && !re.is_match(&s.text)
            {
                let message = format!(
                    "{} has an invalid value `{}` (it must match `{}`)",
                    self.place(),
                    s.text,
                    re.as_str()
                );
                self.error_via(value.span, value.via, message);
            }
        }
        match &value.kind {
            ValueKind::Map(map) => self.check_map(node, value, map, owner),
            ValueKind::Seq(items) => {
                if let Some(item) = node.items {
                    for v in items {
                        self.path.push(Seg::Index);
                        self.check(item, v, v.span);
                        self.path.pop();
                    }
                }
                if node.unique_items {
                    self.check_unique(items);
                }
            }
            _ => {}
        }
    }

    fn check_map(
        &mut self,
        node: &'static Node,
        value: &'v Value,
        map: &'v crate::load::value::Map,
        owner: Span,
    ) {
        for e in &map.entries {
            let key = &*e.key.text;
            let child = node.property(key).or_else(|| {
                node.pattern_properties
                    .iter()
                    .find(|(re, _)| re.is_match(key))
                    .map(|(_, c)| *c)
            });
            let child = match child {
                Some(c) => Some(c),
                None => match node.additional {
                    None => None,
                    Some(Some(c)) => Some(c),
                    Some(None) => {
                        self.unknown_key(node, e);
                        continue;
                    }
                },
            };
            if let Some(child) = child {
                self.path.push(Seg::Key(key));
                self.check(child, &e.value, e.key.span);
                self.path.pop();
            }
        }
        for req in &node.required {
            if map.get(req).is_none() {
                let span = if owner == value.span {
                    value.span
                } else {
                    owner
                };
                let message = format!("{} is missing the required key `{req}`", self.place());
                self.error(span, message);
            }
        }
    }

    fn unknown_key(&mut self, node: &'static Node, e: &'v crate::load::value::Entry) {
        let key = &*e.key.text;
        let place = self.place();
        // Keys matching no pattern of a name-keyed mapping (services,
        // networks...) are invalid names, not unknown keys.
        if node.properties.is_empty() && !node.pattern_properties.is_empty() {
            let pattern = node
                .pattern_properties
                .iter()
                .map(|(re, _)| re.as_str())
                .find(|p| *p != "^x-")
                .unwrap_or("");
            let message = if pattern == "^[a-zA-Z0-9._-]+$" {
                format!(
                    "`{key}` is not a valid name in {place}: use only letters, digits, `.`, `_` and `-`"
                )
            } else {
                format!("`{key}` is not allowed in {place} (keys must match `{pattern}`)")
            };
            self.error_via(e.key.span, e.key.via, message);
            return;
        }
        let candidates: Vec<&str> = node.properties.iter().map(|(k, _)| k.as_str()).collect();
        let allows_x = node
            .pattern_properties
            .iter()
            .any(|(re, _)| re.as_str() == "^x-");
        let mut message = format!("unknown key `{key}` in {place}");
        if let Some(s) = did_you_mean(key, candidates.iter().copied()) {
            message.push_str(&format!("; did you mean `{s}`?"));
        } else if allows_x {
            message.push_str("; custom keys must start with `x-`");
        }
        self.error_via(e.key.span, e.key.via, message);
    }

    fn check_enum(&mut self, allowed: &[Json], value: &Value) {
        let Some(s) = value.as_scalar() else { return };
        let ok = allowed.iter().any(|a| match a {
            Json::String(x) => *x == *s.text,
            Json::Number(n) => n.to_string() == *s.text,
            Json::Bool(b) => matches!(s.ty, ScalarType::Bool(v) if v == *b),
            Json::Null => s.ty == ScalarType::Null,
            _ => false,
        });
        if !ok {
            let names: Vec<String> = allowed
                .iter()
                .map(|a| match a {
                    Json::String(x) => x.clone(),
                    other => other.to_string(),
                })
                .collect();
            let list = names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut message = format!("{} must be one of {list}, found `{}`", self.place(), s.text);
            if let Some(sug) = did_you_mean(&s.text, names.iter().map(String::as_str)) {
                message.push_str(&format!("; did you mean `{sug}`?"));
            }
            self.error_via(value.span, value.via, message);
        }
    }

    fn check_unique(&mut self, items: &'v [Value]) {
        if items.len() < 2 {
            return;
        }
        // Most lists are short: a scan of the items before costs less than
        // a hash map. Both find the first equal item.
        let scan = items.len() <= UNIQUE_SCAN_UP_TO;
        let mut seen: HashMap<_, Span> = if scan {
            HashMap::new()
        } else {
            HashMap::with_capacity(items.len())
        };
        for (i, v) in items.iter().enumerate() {
            let Some(key) = canonical(v) else { continue };
            let first = if scan {
                items[..i]
                    .iter()
                    .find(|u| canonical(u) == Some(key))
                    .map(|u| u.span)
            } else {
                match seen.entry(key) {
                    std::collections::hash_map::Entry::Occupied(o) => Some(*o.get()),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(v.span);
                        None
                    }
                }
            };
            if let Some(first) = first {
                let place = self.place();
                let shown = v
                    .as_str()
                    .map_or_else(|| "this item".to_string(), |s| format!("`{s}`"));
                self.problems.push(Problem {
                    kind: ProblemKind::Schema,
                    span: v.span,
                    message: format!("{shown} appears twice in {place}; the items must be unique"),
                    related: vec![(first, "first listed here".to_string())],
                });
            }
        }
    }

    fn check_one_of(&mut self, node: &'static Node, value: &'v Value, seen: Seen, owner: Span) {
        if matches!(seen, Seen::Any) {
            return;
        }
        // Compose's branches differ by type: pick the branch that accepts
        // the value's type and report its errors.
        let branch = node.one_of.iter().copied().find(|b| {
            let n = self.node(self.resolve(*b));
            match &n.types {
                Some(types) => types.iter().any(|t| matches_type(seen, *t)),
                None => !n.one_of.is_empty(),
            }
        });
        match branch {
            Some(b) => self.check(b, value, owner),
            None => {
                let mut expected: Vec<JsonType> = Vec::new();
                for b in &node.one_of {
                    if let Some(types) = &self.node(self.resolve(*b)).types {
                        for t in types {
                            if !expected.contains(t) {
                                expected.push(*t);
                            }
                        }
                    }
                }
                let message = format!(
                    "{} must be {}, found {}",
                    self.place(),
                    type_list(&expected),
                    seen_name(seen, value)
                );
                let at = if value.span.is_empty() {
                    owner
                } else {
                    value.span
                };
                self.error_via(at, value.via, message);
            }
        }
    }
}

/// What makes two items equal for `uniqueItems`: a scalar's type and text.
fn canonical(v: &Value) -> Option<(std::mem::Discriminant<ScalarType>, &str)> {
    match &v.kind {
        ValueKind::Scalar(s) => Some((std::mem::discriminant(&s.ty), &s.text)),
        _ => None,
    }
}

fn type_list(types: &[JsonType]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for t in types {
        let n = t.name();
        // "an integer or a number" reads badly: a number covers both.
        if *t == JsonType::Integer && types.contains(&JsonType::Number) {
            continue;
        }
        if !names.contains(&n) {
            names.push(n);
        }
    }
    match names.len() {
        0 => "valid".to_string(),
        1 => names[0].to_string(),
        _ => {
            let (last, rest) = names.split_last().expect("non-empty");
            format!("{} or {last}", rest.join(", "))
        }
    }
}

/// Describe a path for messages: `services.web.deploy.resources` becomes
/// "`deploy.resources` of service `web`".
pub fn describe_path(keys: &[String]) -> String {
    if keys.is_empty() {
        return "the top level".to_string();
    }
    let (owner, rest) = match keys {
        [section, name, rest @ ..]
            if matches!(
                section.as_str(),
                "services" | "networks" | "volumes" | "secrets" | "configs" | "models"
            ) =>
        {
            let kind = match section.as_str() {
                "services" => "service",
                "networks" => "network",
                "volumes" => "volume",
                "secrets" => "secret",
                "configs" => "config",
                _ => "model",
            };
            (Some(format!("{kind} `{name}`")), rest)
        }
        _ => (None, keys),
    };
    let mut dotted = String::new();
    for k in rest {
        if k == "[]" {
            dotted.push_str("[]");
        } else {
            if !dotted.is_empty() {
                dotted.push('.');
            }
            dotted.push_str(k);
        }
    }
    match (owner, dotted.is_empty()) {
        (Some(o), true) => o,
        (Some(o), false) => format!("`{dotted}` of {o}"),
        (None, _) => format!("`{dotted}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_schema_compiles() {
        let s = &*SCHEMA;
        assert!(s.nodes.len() > 300);
        let root = &s.nodes[s.root];
        assert!(root.properties.iter().any(|(k, _)| k == "services"));
    }

    /// The match of casts finds what a scan of `CASTS` finds, for the path
    /// of every cast and for paths one segment off.
    #[test]
    fn casts_are_found_as_a_scan_finds_them() {
        let scan = |path: &[Seg<'_>]| {
            CASTS
                .iter()
                .find_map(|(pattern, cast)| cast_applies(pattern, path).then_some(*cast))
        };
        let mut paths: Vec<Vec<Seg<'static>>> = vec![vec![], vec![Seg::Index]];
        for (pattern, _) in CASTS {
            let path: Vec<Seg<'static>> = pattern
                .iter()
                .map(|p| match *p {
                    "[]" => Seg::Index,
                    "*" => Seg::Key("nofile"),
                    k => Seg::Key(k),
                })
                .collect();
            let mut shorter = path.clone();
            shorter.pop();
            let mut longer = path.clone();
            longer.push(Seg::Key("tty"));
            let mut indexed = path.clone();
            *indexed.last_mut().unwrap() = Seg::Index;
            paths.extend([path, shorter, longer, indexed]);
        }
        let mut found = 0;
        for path in &paths {
            assert_eq!(cast_for(path), scan(path), "{path:?}");
            found += usize::from(scan(path).is_some());
        }
        assert!(found >= CASTS.len());
    }

    /// The tests without a regex answer as the regex does, on chosen keys
    /// and on random ones, for every pattern of the schema.
    #[test]
    fn key_patterns_agree_with_their_regexes() {
        let patterns: Vec<&KeyPattern> = SCHEMA
            .nodes
            .iter()
            .flat_map(|n| n.pattern_properties.iter().map(|(p, _)| p))
            .collect();
        assert!(patterns.iter().filter(|p| p.fast.is_some()).count() >= 3);
        let keys = [
            "",
            "x",
            "x-",
            "x-a",
            "X-a",
            "ax-",
            "web",
            "web_1.a-b",
            "Web",
            "web app",
            "é",
            "a\n",
            "\n",
            "\na",
            "a\nb",
            "db$",
            "-",
            ".",
            "x-\n",
        ];
        let check = |k: &str| {
            for p in &patterns {
                assert_eq!(p.is_match(k), p.re.is_match(k), "{:?} on {k:?}", p.as_str());
            }
        };
        keys.iter().for_each(|k| check(k));
        proptest::proptest!(|(k in "[a-zA-Z0-9._ \n$é-]{0,6}")| check(&k));
    }

    #[test]
    fn paths_read_well() {
        let p = |v: &[&str]| describe_path(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(p(&[]), "the top level");
        assert_eq!(p(&["services", "web"]), "service `web`");
        assert_eq!(
            p(&["services", "web", "deploy", "resources"]),
            "`deploy.resources` of service `web`"
        );
        assert_eq!(
            p(&["services", "web", "ports", "[]", "mode"]),
            "`ports[].mode` of service `web`"
        );
        assert_eq!(p(&["include", "[]"]), "`include[]`");
    }
}
