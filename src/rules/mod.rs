//! Rules: one file per rule, grouped by category.
//!
//! A rule is a [`Rule`] value declared with [`declare_rule!`] in its own
//! file: its id, category, level in each preset, a one-line summary, whether
//! it offers fixes, its documentation (`rules/<id>.md`, embedded) and its
//! check, a function over the typed model of one project. Rules read the
//! model only; they never parse text and never print.
//!
//! [`ALL`] lists every rule; [`run`] runs the enabled ones and gives each
//! finding its final severity.

use std::fmt;

use crate::diag::{Diagnostic, Finding, Fix, Level, Severity};
use crate::model::Project;

pub mod correctness;
pub mod edits;
pub mod facts;
pub mod knowledge;
pub mod operability;
pub mod reference;
pub mod reliability;
pub mod security;
pub mod style;
pub mod suppressions;

/// What a rule is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Correctness,
    Reliability,
    Operability,
    Security,
    Style,
    /// Rules about suppression comments themselves.
    Suppressions,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Reliability => "reliability",
            Category::Operability => "operability",
            Category::Security => "security",
            Category::Style => "style",
            Category::Suppressions => "suppressions",
        }
    }

    pub const ALL: [Category; 6] = [
        Category::Correctness,
        Category::Reliability,
        Category::Operability,
        Category::Security,
        Category::Style,
        Category::Suppressions,
    ];

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a rule offers fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fixable {
    No,
    /// Safe fixes, applied by `--fix`.
    Safe,
    /// Only unsafe fixes (`--unsafe-fixes`).
    Unsafe,
}

impl Fixable {
    pub fn as_str(self) -> &'static str {
        match self {
            Fixable::No => "no",
            Fixable::Safe => "safe",
            Fixable::Unsafe => "unsafe",
        }
    }
}

/// The two presets: what matters in production and in development.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preset {
    Production,
    Development,
}

impl Preset {
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Production => "production",
            Preset::Development => "development",
        }
    }

    pub fn parse(s: &str) -> Option<Preset> {
        match s {
            "production" => Some(Preset::Production),
            "development" => Some(Preset::Development),
            _ => None,
        }
    }

    /// The preset a file's name implies: `compose.override.*`, `*.dev.*`,
    /// `*.development.*`, `*.local.*` and `*.test.*` are development files,
    /// and so are `dev.compose.yaml` and the like (the marker first).
    pub fn for_file_name(name: &str) -> Preset {
        let lower = name.to_ascii_lowercase();
        let parts: Vec<&str> = lower.split('.').collect();
        let dev = parts.len() > 2
            && parts[..parts.len() - 1]
                .iter()
                .any(|p| matches!(*p, "override" | "dev" | "development" | "local" | "test"));
        if dev {
            Preset::Development
        } else {
            Preset::Production
        }
    }
}

/// A rule: metadata, documentation and check.
pub struct Rule {
    pub id: &'static str,
    pub category: Category,
    pub production: Level,
    pub development: Level,
    pub fixable: Fixable,
    pub summary: &'static str,
    /// The rule's document, `rules/<id>.md`.
    pub doc: &'static str,
    /// Options the configuration file may set for the rule.
    pub options: &'static [OptionSpec],
    pub check: fn(&Context<'_>, &mut Vec<Finding>),
}

/// An option a rule accepts in the configuration file
/// (`rules: {image-tag: {mutable-tags: [...]}}`).
#[derive(Clone, Copy, Debug)]
pub struct OptionSpec {
    pub name: &'static str,
    pub kind: OptionKind,
    /// One line for `dockmaster explain` and the configuration schema.
    pub help: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    /// A list of strings.
    Strings,
    Bool,
    String,
    /// One string out of a fixed set (read with [`RuleOptions::string`]);
    /// the configuration refuses any other value.
    Choice(&'static [&'static str]),
}

impl OptionKind {
    pub fn describe(self) -> &'static str {
        match self {
            OptionKind::Strings => "a list of strings",
            OptionKind::Bool => "a boolean",
            OptionKind::String => "a string",
            OptionKind::Choice(_) => "one of the listed strings",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionValue {
    Strings(Vec<String>),
    Bool(bool),
    String(String),
}

/// The options set for one rule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleOptions {
    values: Vec<(&'static str, OptionValue)>,
}

impl RuleOptions {
    pub fn set(&mut self, name: &'static str, value: OptionValue) {
        self.values.retain(|(n, _)| *n != name);
        self.values.push((name, value));
    }

    pub fn get(&self, name: &str) -> Option<&OptionValue> {
        self.values.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// A list option, when set.
    pub fn strings(&self, name: &str) -> Option<&[String]> {
        match self.get(name) {
            Some(OptionValue::Strings(v)) => Some(v),
            _ => None,
        }
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.get(name) {
            Some(OptionValue::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    pub fn string(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(OptionValue::String(s)) => Some(s),
            _ => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

impl Rule {
    pub fn level(&self, preset: Preset) -> Level {
        match preset {
            Preset::Production => self.production,
            Preset::Development => self.development,
        }
    }
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).finish()
    }
}

/// Declare the rule of a file: `declare_rule!(id, Category, production,
/// development, fixable, "summary", check)`. The document is
/// `rules/<id>.md`.
#[macro_export]
macro_rules! declare_rule {
    (
        id: $id:literal,
        category: $category:ident,
        production: $prod:ident,
        development: $dev:ident,
        fixable: $fix:ident,
        summary: $summary:literal,
        $(options: [$($opt:expr),* $(,)?],)?
        check: $check:path $(,)?
    ) => {
        pub static RULE: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            category: $crate::rules::Category::$category,
            production: $crate::diag::Level::$prod,
            development: $crate::diag::Level::$dev,
            fixable: $crate::rules::Fixable::$fix,
            summary: $summary,
            doc: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $id, ".md")),
            options: &[$($($opt),*)?],
            check: $check,
        };
    };
}

/// Every rule, in documentation order.
pub static ALL: &[&Rule] = &[
    &correctness::yaml_syntax::RULE,
    &correctness::duplicate_key::RULE,
    &correctness::schema::RULE,
    &correctness::interpolation_invalid::RULE,
    &correctness::interpolation_unset::RULE,
    &correctness::extends_invalid::RULE,
    &correctness::include_invalid::RULE,
    &correctness::depends_on_undefined::RULE,
    &correctness::depends_on_cycle::RULE,
    &correctness::healthy_needs_healthcheck::RULE,
    &correctness::undefined_reference::RULE,
    &correctness::container_name_duplicate::RULE,
    &correctness::container_name_scale::RULE,
    &correctness::port_invalid::RULE,
    &correctness::port_conflict::RULE,
    &correctness::healthcheck_invalid::RULE,
    &correctness::resource_invalid::RULE,
    &correctness::logging_invalid::RULE,
    &correctness::network_mode_conflict::RULE,
    &reliability::depends_on_condition::RULE,
    &reliability::healthcheck_missing::RULE,
    &reliability::resource_limits::RULE,
    &reliability::log_rotation::RULE,
    &reliability::stateful_without_volume::RULE,
    &reliability::bind_mount_data::RULE,
    &reliability::restart_policy::RULE,
    &operability::obsolete_version::RULE,
    &operability::unused_resource::RULE,
    &operability::localhost_reference::RULE,
    &operability::unknown_host::RULE,
    &operability::image_tag::RULE,
    &operability::image_digest::RULE,
    &security::privileged::RULE,
    &security::docker_socket::RULE,
    &security::host_namespace::RULE,
    &security::cap_add::RULE,
    &security::cap_drop::RULE,
    &security::no_new_privileges::RULE,
    &security::security_profile::RULE,
    &security::sensitive_mount::RULE,
    &security::secret_in_environment::RULE,
    &security::port_all_interfaces::RULE,
    &security::user_root::RULE,
    &security::read_only_rootfs::RULE,
    &security::devices::RULE,
    &security::image_registry::RULE,
    &style::services_order::RULE,
    &style::service_keys_order::RULE,
    &style::top_level_order::RULE,
    &style::depends_on_order::RULE,
    &style::ports_order::RULE,
    &style::ports_quoted::RULE,
    &style::volumes_unquoted::RULE,
    &style::project_name::RULE,
    &suppressions::unused_suppression::RULE,
    &suppressions::suppression_without_reason::RULE,
];

pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}

/// What a check sees.
pub struct Context<'a> {
    pub project: &'a Project,
    /// Facts derived once for all rules (dependency graph, images...).
    pub facts: &'a facts::Facts<'a>,
    pub preset: Preset,
    /// The level the rule runs at in this run (never `Off`).
    pub level: Level,
    /// The rule's options from the configuration file.
    pub options: &'a RuleOptions,
    /// Whether findings carry their fixes ([`Settings::fixes`]).
    pub fixes: bool,
}

impl Context<'_> {
    /// The severity of the rule in this run.
    pub fn severity(&self) -> Severity {
        self.level.severity().unwrap_or(Severity::Info)
    }

    /// A finding's fix, built by `build` only when this run shows or
    /// applies fixes. A rule whose message or help depends on whether a
    /// fix can be made builds it itself, always.
    pub fn fix(&self, build: impl FnOnce() -> Option<Fix>) -> Option<Fix> {
        if self.fixes { build() } else { None }
    }
}

/// Which rules run and at what level.
#[derive(Clone, Debug)]
pub struct Settings {
    pub preset: Preset,
    /// Levels set explicitly (configuration): they override the preset and
    /// any severity a rule chose for a finding.
    pub overrides: Vec<(&'static str, Level)>,
    /// When set, only these rules and policies run (`--select`; categories
    /// are expanded, [`POLICIES`] stands for every policy); a selected rule
    /// that is off in the preset runs at warning.
    pub select: Option<Vec<String>>,
    /// Rules and policies that do not run (`--ignore`).
    pub ignore: Vec<String>,
    /// The ids of the configuration's custom policies.
    pub policies: Vec<String>,
    /// Options per rule from the configuration file.
    pub options: Vec<(&'static str, RuleOptions)>,
    /// Services the configuration says run once and exit.
    pub one_shot: Vec<String>,
    /// The preset came from the first file's name, not from the user: a
    /// finding in a merged file whose name marks it for development
    /// (`compose.override.yaml`) gets the development preset's verdict.
    pub preset_by_file: bool,
    /// Whether findings carry their fixes: off when no output of the run
    /// shows them and nothing applies them (the human report, for one), so
    /// that rules do not build edits nobody reads.
    pub fixes: bool,
}

impl Settings {
    pub fn new(preset: Preset) -> Settings {
        Settings {
            preset,
            overrides: Vec::new(),
            select: None,
            ignore: Vec::new(),
            policies: Vec::new(),
            options: Vec::new(),
            one_shot: Vec::new(),
            preset_by_file: false,
            fixes: true,
        }
    }

    /// The options set for a rule.
    pub fn options_for(&self, id: &str) -> &RuleOptions {
        static NONE: std::sync::LazyLock<RuleOptions> =
            std::sync::LazyLock::new(RuleOptions::default);
        self.options
            .iter()
            .find(|(r, _)| *r == id)
            .map_or(&NONE, |(_, o)| o)
    }

    /// Only the given rules.
    pub fn only(preset: Preset, ids: &[&'static str]) -> Settings {
        Settings {
            select: Some(ids.iter().map(|i| i.to_string()).collect()),
            ..Settings::new(preset)
        }
    }

    fn explicit(&self, rule: &Rule) -> Option<Level> {
        self.overrides
            .iter()
            .rev()
            .find(|(id, _)| *id == rule.id)
            .map(|(_, l)| *l)
    }

    /// The level a rule runs at, and whether a configured level overrides
    /// the severities the rule chooses itself.
    pub fn level(&self, rule: &Rule) -> (Level, bool) {
        let selected = |ids: &[String]| ids.iter().any(|i| i == rule.id);
        if selected(&self.ignore) {
            return (Level::Off, true);
        }
        // A selection limits every rule, whatever level the configuration
        // gives it.
        if self.select.as_deref().is_some_and(|ids| !selected(ids)) {
            return (Level::Off, true);
        }
        if let Some(l) = self.explicit(rule) {
            return (l, true);
        }
        let preset = rule.level(self.preset);
        match &self.select {
            Some(_) if preset == Level::Off => (Level::Warning, false),
            _ => (preset, false),
        }
    }

    /// Whether a rule runs in this run (at any level).
    pub fn runs(&self, rule: &Rule) -> bool {
        self.level(rule).0 != Level::Off
    }

    /// Whether a custom policy runs: not ignored, and selected (by id or
    /// by [`POLICIES`]) when there is a selection.
    pub fn runs_policy(&self, id: &str) -> bool {
        let named = |ids: &[String]| ids.iter().any(|i| i == id || i == POLICIES);
        !named(&self.ignore) && self.select.as_deref().is_none_or(named)
    }
}

/// The selector that stands for every custom policy of the configuration.
pub const POLICIES: &str = "policies";

/// What a `--select`/`--ignore` item names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// Built-in rules (one rule, or a category's rules).
    Rules(Vec<&'static str>),
    /// Every custom policy ([`POLICIES`]).
    Policies,
    /// Neither a rule, a category nor `policies`: a policy id if a
    /// configuration defines it, else an error (the message is ready).
    Other(String),
}

/// Classify a selector item.
pub fn classify_selector(item: &str) -> Selector {
    if item == POLICIES {
        return Selector::Policies;
    }
    match resolve_selector(item) {
        Ok(ids) => Selector::Rules(ids),
        Err(message) => Selector::Other(message),
    }
}

/// The error for a selector that names no rule, category or policy.
pub fn unknown_selector(item: &str, policies: &[String]) -> String {
    let names = ALL
        .iter()
        .map(|r| r.id)
        .chain(Category::ALL.iter().map(|c| c.as_str()))
        .chain(std::iter::once(POLICIES))
        .chain(policies.iter().map(String::as_str));
    let hint = crate::util::did_you_mean(item, names)
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    format!("unknown rule, category or policy `{item}`{hint}")
}

/// Resolve a `--select`/`--ignore` item: a rule id or a category.
pub fn resolve_selector(item: &str) -> Result<Vec<&'static str>, String> {
    if let Some(r) = find(item) {
        return Ok(vec![r.id]);
    }
    if let Some(c) = Category::parse(item) {
        return Ok(ALL
            .iter()
            .filter(|r| r.category == c)
            .map(|r| r.id)
            .collect());
    }
    let names = ALL
        .iter()
        .map(|r| r.id)
        .chain(Category::ALL.iter().map(|c| c.as_str()));
    let hint = crate::util::did_you_mean(item, names)
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    Err(format!("unknown rule or category `{item}`{hint}"))
}

/// Run every enabled rule over a project.
///
/// When the preset follows the file names ([`Settings::preset_by_file`])
/// and a production project merges a development file (the base file with
/// its `compose.override.yaml`), the rules run in both presets: a finding
/// that points into the development file takes the development verdict,
/// every other finding the production one. The development settings of an
/// override are not production mistakes.
pub fn run(project: &Project, settings: &Settings) -> Vec<Diagnostic> {
    let mut facts = facts::Facts::with_one_shot(project, &settings.one_shot);
    // Both rules read the same host references: they are found once. (The
    // two rules run at the same level in both presets.)
    if settings.runs(&operability::localhost_reference::RULE)
        || settings.runs(&operability::unknown_host::RULE)
    {
        facts = facts.with_host_refs(project);
    }
    let dev_files: Vec<crate::span::FileId> =
        if settings.preset_by_file && settings.preset == Preset::Production {
            project
                .files
                .iter()
                .map(|f| f.id)
                .filter(|&id| {
                    let path = &project.sources.get(id).path;
                    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    Preset::for_file_name(name) == Preset::Development
                })
                .collect()
        } else {
            Vec::new()
        };
    if dev_files.is_empty() {
        return run_preset(project, &facts, settings, settings.preset);
    }
    let in_dev = |d: &Diagnostic| dev_files.contains(&d.primary.span.file);
    let mut out = run_preset(project, &facts, settings, Preset::Production);
    out.retain(|d| !in_dev(d));
    let mut dev = run_preset(project, &facts, settings, Preset::Development);
    dev.retain(in_dev);
    out.extend(dev);
    out
}

fn run_preset(
    project: &Project,
    facts: &facts::Facts<'_>,
    settings: &Settings,
    preset: Preset,
) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let owned;
    let settings = if settings.preset == preset {
        settings
    } else {
        owned = Settings {
            preset,
            ..settings.clone()
        };
        &owned
    };
    // Rules are independent: in a large project they run in parallel (it
    // uses every core), their findings joined in the order of `ALL`. A
    // small one runs them in turn: projects are linted in parallel already,
    // and splitting its few microseconds of work cost more than it saved.
    // A rule's findings go to `findings`; it returns the severity they
    // take (`None` when it does not run) and whether a configured level
    // overrides the severities it chose.
    let run_rule = |rule: &'static Rule, findings: &mut Vec<Finding>| {
        let (level, explicit) = settings.level(rule);
        let default_severity = level.severity()?;
        let cx = Context {
            project,
            facts,
            preset,
            level,
            options: settings.options_for(rule.id),
            fixes: settings.fixes,
        };
        (rule.check)(&cx, findings);
        Some((default_severity, explicit))
    };
    let diagnostic =
        |rule: &'static Rule, default_severity: Severity, explicit: bool, f: Finding| {
            let severity = if explicit {
                default_severity
            } else {
                f.severity.unwrap_or(default_severity)
            };
            Diagnostic {
                rule: rule.id,
                category: rule.category.as_str(),
                severity,
                message: f.message,
                primary: f.primary,
                related: f.related,
                help: f.help,
                fix: f.fix,
            }
        };
    if project.services.len() >= PARALLEL_RULES_FROM {
        let per_rule: Vec<Vec<Diagnostic>> = ALL
            .par_iter()
            .map(|rule| {
                let mut findings = Vec::new();
                match run_rule(rule, &mut findings) {
                    Some((severity, explicit)) => findings
                        .into_iter()
                        .map(|f| diagnostic(rule, severity, explicit, f))
                        .collect(),
                    None => Vec::new(),
                }
            })
            .collect();
        let mut out = Vec::with_capacity(per_rule.iter().map(Vec::len).sum());
        out.extend(per_rule.into_iter().flatten());
        return out;
    }
    // Every rule's findings go to one buffer the thread keeps from project
    // to project, so that the diagnostics are made at once, in a vector of
    // their number (growing the vector rule by rule copied them over and
    // over).
    thread_local! {
        static FINDINGS: std::cell::Cell<Vec<Finding>> = const { std::cell::Cell::new(Vec::new()) };
    }
    let mut findings = FINDINGS.take();
    findings.clear();
    // Per rule that ran: where its findings end, their severity, whether it
    // overrides theirs.
    let mut ran: Vec<(&'static Rule, usize, Severity, bool)> = Vec::new();
    for rule in ALL {
        if let Some((severity, explicit)) = run_rule(rule, &mut findings)
            && ran.last().map_or(0, |r| r.1) < findings.len()
        {
            ran.push((rule, findings.len(), severity, explicit));
        }
    }
    let mut out = Vec::with_capacity(findings.len());
    let mut drain = findings.drain(..);
    let mut at = 0;
    for (rule, end, severity, explicit) in ran {
        out.extend(
            drain
                .by_ref()
                .take(end - at)
                .map(|f| diagnostic(rule, severity, explicit, f)),
        );
        at = end;
    }
    drop(drain);
    FINDINGS.set(findings);
    out
}

/// The number of services from which a project's rules run in parallel.
const PARALLEL_RULES_FROM: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_file_names() {
        for dev in [
            "compose.override.yaml",
            "docker-compose.override.yml",
            "compose.dev.yaml",
            "docker-compose.development.yml",
            "compose.local.yml",
            "app.test.yaml",
            "dev.compose.yaml",
            "local.docker-compose.yml",
        ] {
            assert_eq!(Preset::for_file_name(dev), Preset::Development, "{dev}");
        }
        for prod in [
            "compose.yaml",
            "docker-compose.yml",
            "compose.prod.yaml",
            "dev.yaml",
            "test.yml",
            "prod.compose.yaml",
            "developer.compose.yaml",
        ] {
            assert_eq!(Preset::for_file_name(prod), Preset::Production, "{prod}");
        }
    }

    #[test]
    fn rule_ids_are_unique_and_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for r in ALL {
            assert!(seen.insert(r.id), "duplicate id {}", r.id);
            assert!(
                r.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                r.id
            );
        }
    }
}
