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

use crate::diag::{Diagnostic, Finding, Level, Severity};
use crate::model::Project;

pub mod correctness;
pub mod edits;
pub mod facts;
pub mod knowledge;
pub mod operability;
pub mod reliability;
pub mod security;
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
    /// `*.development.*`, `*.local.*` and `*.test.*` are development files.
    pub fn for_file_name(name: &str) -> Preset {
        let lower = name.to_ascii_lowercase();
        let parts: Vec<&str> = lower.split('.').collect();
        let dev = parts.len() > 2
            && parts[1..parts.len() - 1]
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
}

impl OptionKind {
    pub fn describe(self) -> &'static str {
        match self {
            OptionKind::Strings => "a list of strings",
            OptionKind::Bool => "a boolean",
            OptionKind::String => "a string",
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
}

impl Context<'_> {
    /// The severity of the rule in this run.
    pub fn severity(&self) -> Severity {
        self.level.severity().unwrap_or(Severity::Info)
    }
}

/// Which rules run and at what level.
#[derive(Clone, Debug)]
pub struct Settings {
    pub preset: Preset,
    /// Levels set explicitly (configuration): they override the preset and
    /// any severity a rule chose for a finding.
    pub overrides: Vec<(&'static str, Level)>,
    /// When set, only these rules run (`--select`); a selected rule that is
    /// off in the preset runs at warning.
    pub select: Option<Vec<&'static str>>,
    /// Rules that do not run (`--ignore`).
    pub ignore: Vec<&'static str>,
    /// Options per rule from the configuration file.
    pub options: Vec<(&'static str, RuleOptions)>,
    /// Services the configuration says run once and exit.
    pub one_shot: Vec<String>,
}

impl Settings {
    pub fn new(preset: Preset) -> Settings {
        Settings {
            preset,
            overrides: Vec::new(),
            select: None,
            ignore: Vec::new(),
            options: Vec::new(),
            one_shot: Vec::new(),
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
            select: Some(ids.to_vec()),
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
        if self.ignore.contains(&rule.id) {
            return (Level::Off, true);
        }
        if let Some(l) = self.explicit(rule) {
            return (l, true);
        }
        let preset = rule.level(self.preset);
        match &self.select {
            Some(ids) if !ids.contains(&rule.id) => (Level::Off, false),
            Some(_) if preset == Level::Off => (Level::Warning, false),
            _ => (preset, false),
        }
    }
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
pub fn run(project: &Project, settings: &Settings) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let facts = facts::Facts::with_one_shot(project, &settings.one_shot);
    // Rules are independent: they run in parallel (a large project uses
    // every core), their findings joined in the order of `ALL`.
    let per_rule: Vec<Vec<Diagnostic>> = ALL
        .par_iter()
        .map(|rule| {
            let (level, explicit) = settings.level(rule);
            let Some(default_severity) = level.severity() else {
                return Vec::new();
            };
            let cx = Context {
                project,
                facts: &facts,
                preset: settings.preset,
                level,
                options: settings.options_for(rule.id),
            };
            let mut findings = Vec::new();
            (rule.check)(&cx, &mut findings);
            findings
                .into_iter()
                .map(|f| {
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
                })
                .collect()
        })
        .collect();
    per_rule.into_iter().flatten().collect()
}

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
        ] {
            assert_eq!(Preset::for_file_name(dev), Preset::Development, "{dev}");
        }
        for prod in [
            "compose.yaml",
            "docker-compose.yml",
            "compose.prod.yaml",
            "dev.yaml",
            "test.yml",
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
