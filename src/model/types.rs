//! The typed Compose model. Every leaf is an [`Sp`]: the value, the span
//! where it is written, and the site that pulled it in when it arrived
//! through an alias, a merge key, `extends` or another file.
//!
//! Short and long syntax are normalised into one form (a port is a
//! [`Port`] whether written `"8080:80"` or as a mapping). Values that could
//! not be parsed keep their error (`Parsed::Err`) for the rule that judges
//! them; values holding an unresolved `${...}` are `Parsed::Unresolved`.

use std::time::Duration;

use indexmap::IndexMap;

/// Services or resources by name, in the order of the file. Hashed with
/// foldhash rather than SipHash: the names come from the files being
/// linted, and hashing them is a cost of every project.
pub type NameMap<V> = IndexMap<String, V, foldhash::fast::RandomState>;

use crate::load::yaml::Comment;
use crate::load::{Origin, Problem, Value, Via};
use crate::model::syntax::Parsed;
use crate::model::syntax::ports::{PortRange, Protocol};
use crate::source::SourceMap;
use crate::span::{FileId, Span};

/// A value with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Sp<T> {
    pub value: T,
    pub span: Span,
    pub via: Option<Via>,
    /// For strings: where each character is written, so a finding can point
    /// inside the value ([`Sp::subspan`]).
    pub origin: Origin,
}

impl<T> Sp<T> {
    pub fn new(value: T, span: Span, via: Option<Via>) -> Sp<T> {
        Sp {
            value,
            span,
            via,
            origin: Origin::Whole,
        }
    }

    pub fn with_origin(mut self, origin: Origin) -> Sp<T> {
        self.origin = origin;
        self
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Sp<U> {
        Sp {
            value: f(self.value),
            span: self.span,
            via: self.via,
            origin: self.origin,
        }
    }

    pub fn as_ref(&self) -> Sp<&T> {
        Sp {
            value: &self.value,
            span: self.span,
            via: self.via,
            origin: self.origin.clone(),
        }
    }

    /// The span of a byte range of a string value; the whole span when the
    /// characters cannot be located one by one.
    pub fn subspan(&self, rel: std::ops::Range<usize>) -> Span {
        self.origin.locate(self.span, rel)
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl Sp<String> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl<T: Copy> Sp<Parsed<T>> {
    /// The parsed value, if it parsed.
    pub fn ok(&self) -> Option<T> {
        match &self.value {
            Parsed::Ok(v) => Some(*v),
            _ => None,
        }
    }
}

/// A `KEY=value` pair from a list or a mapping (`environment`, `labels`,
/// `build.args`, `sysctls`, `driver_opts`...).
#[derive(Clone, Debug)]
pub struct KeyValue {
    pub key: Sp<String>,
    /// `None` for a bare `KEY` (list) or `KEY:` with no value (mapping).
    pub value: Option<Sp<String>>,
    /// The whole entry (list item, or from key to value).
    pub span: Span,
    pub via: Option<Via>,
    /// Written as a `KEY=value` list item.
    pub list_form: bool,
}

/// The whole project: its files, the effective value, the typed model and
/// what loading found wrong.
#[derive(Debug, Default)]
pub struct Project {
    pub sources: SourceMap,
    /// Per loaded file: comments and top-level `version` keys.
    pub files: Vec<FileFacts>,
    /// The merged effective top-level value.
    pub root: Option<Value>,
    /// Problems found while loading and validating (`yaml-syntax`,
    /// `duplicate-key`, `schema`).
    pub problems: Vec<Problem>,

    pub name: Option<Sp<String>>,
    /// The enabled services (all of them unless profiles were selected).
    pub services: NameMap<Box<Service>>,
    /// Services disabled by the selected profiles (`--profile`): Compose
    /// leaves them out; a dependency on one is an error.
    pub disabled: NameMap<Box<Service>>,
    /// The selected profiles; `None` when none was selected and every
    /// service counts as enabled.
    pub profiles: Option<Vec<String>>,
    pub networks: NameMap<Resource>,
    pub volumes: NameMap<Resource>,
    pub secrets: NameMap<Resource>,
    pub configs: NameMap<Resource>,
    pub models: NameMap<Resource>,
    pub include: Vec<Include>,
    /// Top-level `x-` keys.
    pub extensions: Vec<Sp<String>>,
    /// The top-level `services:` key, when present.
    pub services_key: Option<Span>,
    /// The index of the `services` entry in the top-level mapping of
    /// [`Project::root`], so that finding a service's raw value costs no
    /// search through the top-level keys.
    pub services_entry: Option<usize>,
    /// Whether the files form a whole project as Compose would load it: the
    /// first file has one of Compose's default names (`compose.yaml`...), or
    /// several files were merged. A lone file with another name may be an
    /// overlay or an `extends` base, which can leave out `image`.
    pub complete: bool,
    /// Attributes a later file removed with `!reset`: dotted path
    /// (`services.db.healthcheck`) and the tagged value.
    pub resets: Vec<(String, Span)>,
}

/// What the rules may need to know about one file beyond the merged model.
#[derive(Debug, Clone)]
pub struct FileFacts {
    pub id: FileId,
    pub comments: Vec<Comment>,
    /// Top-level `version` entries: (key, value) spans, one per document.
    pub versions: Vec<(Span, Span)>,
    /// The file's YAML tree as written (documents, `<<` keys, anchors and
    /// aliases unexpanded), for rules about how the file is written (the
    /// style rules).
    pub yaml: std::sync::Arc<crate::load::yaml::YamlFile>,
}

/// A top-level network, volume, secret, config or model.
#[derive(Clone, Debug)]
pub struct Resource {
    /// The key naming it.
    pub key: Sp<String>,
    /// Its body (or the key when the body is empty).
    pub span: Span,
    pub name: Option<Sp<String>>,
    pub external: Option<Sp<Parsed<bool>>>,
    pub driver: Option<Sp<String>>,
    pub driver_opts: Vec<KeyValue>,
    pub labels: Vec<KeyValue>,
    /// Secrets and configs: `file`, `environment`, `content`.
    pub file: Option<Sp<String>>,
    pub environment: Option<Sp<String>>,
    pub content: Option<Sp<String>>,
    /// The raw value, for attributes not typed here.
    pub raw: Value,
}

impl Resource {
    pub fn is_external(&self) -> bool {
        matches!(
            self.external.as_ref().map(|e| &e.value),
            Some(Parsed::Ok(true))
        )
    }

    /// External, or set from an unresolved variable that may make it so.
    pub fn may_be_external(&self) -> bool {
        matches!(
            self.external.as_ref().map(|e| &e.value),
            Some(Parsed::Ok(true) | Parsed::Unresolved)
        )
    }
}

#[derive(Clone, Debug)]
pub struct Include {
    pub span: Span,
    pub via: Option<Via>,
    pub paths: Vec<Sp<String>>,
    pub project_directory: Option<Sp<String>>,
    pub env_files: Vec<Sp<String>>,
}

/// One service. Keys absent from the file are `None` or empty.
#[derive(Clone, Debug)]
pub struct Service {
    /// The service's key (`web:`); findings about something missing from the
    /// service point here.
    pub name: Sp<String>,
    /// The service's body.
    pub span: Span,
    /// Position in the top-level `services` mapping of the effective value.
    pub index: usize,

    pub image: Option<Sp<String>>,
    pub build: Option<Box<Build>>,
    pub pull_policy: Option<Sp<String>>,
    pub pull_refresh_after: Option<Sp<String>>,
    pub platform: Option<Sp<String>>,
    pub provider: Option<Box<Value>>,
    pub container_name: Option<Sp<String>>,
    pub hostname: Option<Sp<String>>,
    pub domainname: Option<Sp<String>>,
    pub labels: Vec<KeyValue>,
    pub label_file: Vec<Sp<String>>,
    pub annotations: Vec<KeyValue>,
    pub profiles: Vec<Sp<String>>,

    pub command: Option<Command>,
    pub entrypoint: Option<Command>,
    pub working_dir: Option<Sp<String>>,
    pub user: Option<Sp<String>>,
    pub stop_signal: Option<Sp<String>>,
    pub stop_grace_period: Option<Sp<Parsed<Duration>>>,
    pub environment: Vec<KeyValue>,
    pub environment_key: Option<Span>,
    pub env_file: Vec<EnvFile>,
    pub init: Option<Sp<Parsed<bool>>>,
    pub tty: Option<Sp<Parsed<bool>>>,
    pub stdin_open: Option<Sp<Parsed<bool>>>,
    pub attach: Option<Sp<Parsed<bool>>>,
    pub healthcheck: Option<Box<Healthcheck>>,
    pub restart: Option<Sp<String>>,
    pub depends_on: Vec<Dependency>,
    pub depends_on_key: Option<Span>,
    pub links: Vec<Link>,
    pub external_links: Vec<Sp<String>>,
    pub volumes_from: Vec<Sp<String>>,
    pub extends: Option<Box<Extends>>,
    pub post_start: Option<Box<Value>>,
    pub pre_stop: Option<Box<Value>>,
    pub develop: Option<Box<Value>>,

    pub ports: Vec<Port>,
    pub ports_key: Option<Span>,
    pub expose: Vec<Expose>,
    pub networks: Vec<NetworkAttachment>,
    pub networks_key: Option<Span>,
    pub network_mode: Option<Sp<String>>,
    pub extra_hosts: Vec<ExtraHost>,
    pub dns: Vec<Sp<String>>,
    pub dns_search: Vec<Sp<String>>,
    pub dns_opt: Vec<Sp<String>>,
    pub mac_address: Option<Sp<String>>,

    pub volumes: Vec<Mount>,
    pub volumes_key: Option<Span>,
    pub tmpfs: Vec<Sp<String>>,
    pub secrets: Vec<FileRef>,
    pub configs: Vec<FileRef>,
    pub storage_opt: Vec<KeyValue>,
    pub models: Vec<Sp<String>>,

    pub privileged: Option<Sp<Parsed<bool>>>,
    pub read_only: Option<Sp<Parsed<bool>>>,
    pub use_api_socket: Option<Sp<Parsed<bool>>>,
    pub cap_add: Vec<Sp<String>>,
    pub cap_drop: Vec<Sp<String>>,
    pub security_opt: Vec<Sp<String>>,
    pub security_opt_key: Option<Span>,
    pub group_add: Vec<Sp<String>>,
    pub devices: Vec<Device>,
    pub device_cgroup_rules: Vec<Sp<String>>,
    pub gpus: Option<Box<Value>>,
    pub pid: Option<Sp<String>>,
    pub ipc: Option<Sp<String>>,
    pub uts: Option<Sp<String>>,
    pub userns_mode: Option<Sp<String>>,
    pub cgroup: Option<Sp<String>>,
    pub cgroup_parent: Option<Sp<String>>,
    pub isolation: Option<Sp<String>>,
    pub runtime: Option<Sp<String>>,
    pub credential_spec: Option<Box<Value>>,
    pub sysctls: Vec<KeyValue>,
    pub ulimits: Vec<Ulimit>,
    pub oom_kill_disable: Option<Sp<Parsed<bool>>>,
    pub oom_score_adj: Option<Sp<Parsed<i64>>>,

    pub deploy: Option<Box<Deploy>>,
    pub scale: Option<Sp<Parsed<i64>>>,
    pub cpus: Option<Sp<Parsed<f64>>>,
    pub cpu_count: Option<Sp<Parsed<i64>>>,
    pub cpu_percent: Option<Sp<Parsed<i64>>>,
    pub cpu_shares: Option<Sp<Parsed<i64>>>,
    pub cpu_period: Option<Sp<Parsed<i64>>>,
    pub cpu_quota: Option<Sp<Parsed<i64>>>,
    pub cpu_rt_period: Option<Sp<Parsed<i64>>>,
    pub cpu_rt_runtime: Option<Sp<Parsed<i64>>>,
    pub cpuset: Option<Sp<String>>,
    pub mem_limit: Option<Sp<Parsed<u64>>>,
    pub mem_reservation: Option<Sp<Parsed<u64>>>,
    pub memswap_limit: Option<Sp<Parsed<u64>>>,
    pub mem_swappiness: Option<Sp<Parsed<i64>>>,
    pub shm_size: Option<Sp<Parsed<u64>>>,
    pub pids_limit: Option<Sp<Parsed<i64>>>,
    pub blkio_config: Option<Box<Value>>,
    pub logging: Option<Logging>,

    /// `x-` keys of the service.
    pub extensions: Vec<Sp<String>>,
}

#[derive(Clone, Debug)]
pub struct Build {
    pub key: Span,
    pub span: Span,
    pub via: Option<Via>,
    pub context: Option<Sp<String>>,
    pub dockerfile: Option<Sp<String>>,
    pub dockerfile_inline: Option<Sp<String>>,
    pub target: Option<Sp<String>>,
    pub network: Option<Sp<String>>,
    pub args: Vec<KeyValue>,
    pub labels: Vec<KeyValue>,
    pub secrets: Vec<FileRef>,
    pub additional_contexts: Vec<KeyValue>,
    pub privileged: Option<Sp<Parsed<bool>>>,
    pub tags: Vec<Sp<String>>,
    pub platforms: Vec<Sp<String>>,
    pub raw: Value,
}

/// `command` or `entrypoint`: a string is split into words the way Compose
/// splits it (shell-style, not run through a shell); a list is used as is.
#[derive(Clone, Debug)]
pub struct Command {
    pub key: Span,
    pub span: Span,
    pub via: Option<Via>,
    /// Written as a single string.
    pub shell_form: bool,
    /// The words, each with its own span when it can be located.
    pub args: Vec<Sp<String>>,
}

#[derive(Clone, Debug)]
pub struct EnvFile {
    pub span: Span,
    pub path: Sp<String>,
    pub required: Option<Sp<Parsed<bool>>>,
    pub format: Option<Sp<String>>,
}

#[derive(Clone, Debug)]
pub struct Healthcheck {
    pub key: Span,
    pub span: Span,
    pub via: Option<Via>,
    pub test: Option<HealthTest>,
    pub interval: Option<Sp<Parsed<Duration>>>,
    pub timeout: Option<Sp<Parsed<Duration>>>,
    pub start_period: Option<Sp<Parsed<Duration>>>,
    pub start_interval: Option<Sp<Parsed<Duration>>>,
    pub retries: Option<Sp<Parsed<i64>>>,
    pub disable: Option<Sp<Parsed<bool>>>,
}

impl Healthcheck {
    /// `disable: true`, or `test: ["NONE"]`.
    pub fn is_disabled(&self) -> bool {
        matches!(
            self.disable.as_ref().map(|d| &d.value),
            Some(Parsed::Ok(true))
        ) || self
            .test
            .as_ref()
            .is_some_and(|t| !t.shell_form && t.args.first().is_some_and(|a| a.as_str() == "NONE"))
    }
}

/// `healthcheck.test`: a string (run with `CMD-SHELL`) or a list whose first
/// item is `CMD`, `CMD-SHELL` or `NONE`.
#[derive(Clone, Debug)]
pub struct HealthTest {
    pub span: Span,
    pub via: Option<Via>,
    pub shell_form: bool,
    pub args: Vec<Sp<String>>,
}

#[derive(Clone, Debug)]
pub struct Dependency {
    /// The service depended on: the list item, or the mapping key.
    pub service: Sp<String>,
    /// The list item, or the whole `name: {...}` entry.
    pub span: Span,
    /// Written as a list item (`- db`).
    pub short: bool,
    pub condition: Option<Sp<String>>,
    pub required: Option<Sp<Parsed<bool>>>,
    pub restart: Option<Sp<Parsed<bool>>>,
}

impl Dependency {
    /// The condition, `service_started` when absent.
    pub fn condition(&self) -> &str {
        self.condition
            .as_ref()
            .map_or("service_started", |c| c.as_str())
    }

    pub fn is_required(&self) -> bool {
        !matches!(
            self.required.as_ref().map(|r| &r.value),
            Some(Parsed::Ok(false))
        )
    }
}

/// `links: [svc]` or `[svc:alias]`.
#[derive(Clone, Debug)]
pub struct Link {
    pub span: Span,
    pub via: Option<Via>,
    pub service: Sp<String>,
    pub alias: Option<Sp<String>>,
}

#[derive(Clone, Debug)]
pub struct Extends {
    pub key: Span,
    pub span: Span,
    pub via: Option<Via>,
    pub service: Option<Sp<String>>,
    pub file: Option<Sp<String>>,
}

/// Whether a port or mount could be understood.
#[derive(Clone, Debug, PartialEq)]
pub enum State {
    Ok,
    /// Holds an unresolved `${...}`: not judged.
    Unresolved,
    /// Malformed: where and why.
    Invalid {
        span: Span,
        message: String,
    },
}

/// A `ports` entry, short or long syntax.
#[derive(Clone, Debug)]
pub struct Port {
    pub span: Span,
    pub via: Option<Via>,
    pub long: bool,
    pub host_ip: Option<Sp<String>>,
    /// `None`: an ephemeral host port (container-only entry).
    pub published: Option<Sp<PortRange>>,
    pub target: Option<Sp<PortRange>>,
    pub protocol: Protocol,
    pub protocol_span: Option<Span>,
    pub mode: Option<Sp<String>>,
    pub name: Option<Sp<String>>,
    pub state: State,
}

/// An `expose` entry.
#[derive(Clone, Debug)]
pub struct Expose {
    pub span: Span,
    pub via: Option<Via>,
    pub range: Option<PortRange>,
    pub protocol: Protocol,
    pub state: State,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MountKind {
    /// A host path.
    Bind,
    /// A named volume, or an anonymous one when there is no source.
    Volume,
    Tmpfs,
    Npipe,
    Cluster,
    Image,
}

/// A `volumes` entry of a service, short or long syntax.
#[derive(Clone, Debug)]
pub struct Mount {
    pub span: Span,
    pub via: Option<Via>,
    pub long: bool,
    pub kind: MountKind,
    /// Host path or volume name; `None` for anonymous volumes and tmpfs.
    pub source: Option<Sp<String>>,
    pub target: Option<Sp<String>>,
    /// `:ro` or `read_only: true`.
    pub read_only: bool,
    /// Short-syntax options (`ro`, `z`, `nocopy`, ...).
    pub options: Vec<String>,
    pub propagation: Option<Sp<String>>,
    pub state: State,
}

impl Mount {
    pub fn is_anonymous(&self) -> bool {
        self.kind == MountKind::Volume && self.source.is_none()
    }
}

/// A service's `secrets` or `configs` entry (or `build.secrets`).
#[derive(Clone, Debug)]
pub struct FileRef {
    pub span: Span,
    pub via: Option<Via>,
    pub source: Sp<String>,
    pub target: Option<Sp<String>>,
    pub uid: Option<Sp<String>>,
    pub gid: Option<Sp<String>>,
    pub mode: Option<Sp<String>>,
}

/// A network the service joins.
#[derive(Clone, Debug)]
pub struct NetworkAttachment {
    pub name: Sp<String>,
    pub span: Span,
    pub aliases: Vec<Sp<String>>,
    pub ipv4_address: Option<Sp<String>>,
    pub ipv6_address: Option<Sp<String>>,
}

#[derive(Clone, Debug)]
pub struct ExtraHost {
    pub span: Span,
    pub via: Option<Via>,
    pub host: Option<Sp<String>>,
    pub ips: Vec<Sp<String>>,
    pub state: State,
}

#[derive(Clone, Debug)]
pub struct Device {
    pub span: Span,
    pub via: Option<Via>,
    pub long: bool,
    pub host: Option<Sp<String>>,
    pub container: Option<Sp<String>>,
    pub permissions: Option<Sp<String>>,
    pub state: State,
}

#[derive(Clone, Debug)]
pub struct Ulimit {
    pub name: Sp<String>,
    pub span: Span,
    /// A single value for both limits.
    pub single: Option<Sp<Parsed<i64>>>,
    pub soft: Option<Sp<Parsed<i64>>>,
    pub hard: Option<Sp<Parsed<i64>>>,
}

#[derive(Clone, Debug)]
pub struct Deploy {
    pub key: Span,
    pub span: Span,
    pub via: Option<Via>,
    pub mode: Option<Sp<String>>,
    pub replicas: Option<Sp<Parsed<i64>>>,
    pub resources: Option<Resources>,
    pub restart_policy: Option<RestartPolicy>,
    pub labels: Vec<KeyValue>,
    pub endpoint_mode: Option<Sp<String>>,
    pub raw: Value,
}

#[derive(Clone, Debug)]
pub struct Resources {
    pub key: Span,
    pub span: Span,
    pub limits: Option<ResourceSpec>,
    pub reservations: Option<ResourceSpec>,
}

#[derive(Clone, Debug)]
pub struct ResourceSpec {
    pub key: Span,
    pub span: Span,
    pub cpus: Option<Sp<Parsed<f64>>>,
    pub memory: Option<Sp<Parsed<u64>>>,
    pub pids: Option<Sp<Parsed<i64>>>,
    pub devices: Option<Value>,
    pub generic_resources: Option<Value>,
}

#[derive(Clone, Debug)]
pub struct RestartPolicy {
    pub key: Span,
    pub span: Span,
    pub condition: Option<Sp<String>>,
    pub delay: Option<Sp<Parsed<Duration>>>,
    pub max_attempts: Option<Sp<Parsed<i64>>>,
    pub window: Option<Sp<Parsed<Duration>>>,
}

#[derive(Clone, Debug)]
pub struct Logging {
    pub key: Span,
    pub span: Span,
    pub via: Option<Via>,
    pub driver: Option<Sp<String>>,
    pub options: Vec<KeyValue>,
    pub options_key: Option<Span>,
}

impl Logging {
    pub fn option(&self, name: &str) -> Option<&KeyValue> {
        self.options.iter().find(|o| o.key.as_str() == name)
    }
}
