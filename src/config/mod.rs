//! The configuration file, `.dockmaster.yml` (or `.dockmaster.yaml`).
//!
//! Found by walking up from each linted file's directory to the repository
//! root (the nearest wins); `--config PATH` names one, `--no-config` ignores
//! them. Loaded with dockmaster's own spanned YAML loader, so every mistake
//! (an unknown key, an unknown rule id, a wrong type, a bad pattern) is an
//! error at its position, with a did-you-mean. Nothing is silently ignored.

pub mod policy;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::diag::{Diagnostic, Label, Level, Severity};
use crate::load::value::Resolver;
use crate::load::{Limits, Value, ValueKind, yaml};
use crate::rules::{self, OptionKind, OptionValue, Preset, RuleOptions};
use crate::source::{SourceFile, SourceMap};
use crate::span::{FileId, Span};
use crate::util::did_you_mean;

/// The names a configuration file may have, in order of preference.
pub const FILE_NAMES: [&str; 2] = [".dockmaster.yml", ".dockmaster.yaml"];

/// A rule's level and options, as configured.
#[derive(Clone, Debug, Default)]
pub struct RuleConfig {
    pub level: Option<Level>,
    pub options: RuleOptions,
}

/// Settings for the files matching some globs.
#[derive(Clone, Debug)]
pub struct Override {
    pub globs: GlobSet,
    pub preset: Option<Preset>,
    pub rules: Vec<(&'static str, RuleConfig)>,
}

/// A loaded configuration file.
#[derive(Clone, Debug)]
pub struct Config {
    pub path: PathBuf,
    /// The directory the file is in: globs are relative to it.
    pub dir: PathBuf,
    pub preset: Option<Preset>,
    pub fail_on: Option<Severity>,
    /// Rule ids (categories expanded), policy ids and `policies`.
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub rules: Vec<(&'static str, RuleConfig)>,
    pub overrides: Vec<Override>,
    pub trusted_registries: Vec<String>,
    pub exclude: GlobSet,
    pub env_files: Vec<PathBuf>,
    pub variables: Vec<(String, String)>,
    pub no_env: bool,
    pub require_reason: bool,
    pub one_shot: Vec<String>,
    pub policies: Vec<policy::Policy>,
    /// The configuration file's source, for findings of policies.
    pub source: Arc<SourceFile>,
}

/// Configuration errors: positioned diagnostics in the configuration file.
#[derive(Debug)]
pub struct ConfigError {
    pub sources: Arc<SourceMap>,
    pub diagnostics: Vec<Diagnostic>,
    /// For a file that could not be read: the message as one line
    /// (`PATH: reason`), since there is no text to point into.
    pub unreadable: Option<String>,
}

impl ConfigError {
    fn io(path: &Path, message: String) -> ConfigError {
        let mut sources = SourceMap::new();
        let file = sources.add(SourceFile::new(path.to_path_buf(), "", false));
        ConfigError {
            sources: Arc::new(sources),
            unreadable: Some(format!("{}: {message}", path.display())),
            diagnostics: vec![diagnostic(Span::new(file, 0, 0), message, None)],
        }
    }
}

fn diagnostic(span: Span, message: String, help: Option<Cow<'static, str>>) -> Diagnostic {
    Diagnostic {
        rule: "config",
        category: "configuration",
        severity: Severity::Error,
        message,
        primary: Label {
            span,
            message: String::new(),
        },
        related: Vec::new(),
        help,
        fix: None,
    }
}

/// Collects errors while reading a configuration value.
pub(crate) struct Reader {
    pub errors: Vec<Diagnostic>,
    /// Selector items that name no rule or category: policy ids if the
    /// file defines them (checked once its policies are read).
    pub pending: Vec<(String, Span)>,
}

impl Reader {
    pub(crate) fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(diagnostic(span, message.into(), None));
    }

    pub(crate) fn error_help(
        &mut self,
        span: Span,
        message: impl Into<String>,
        help: impl Into<Cow<'static, str>>,
    ) {
        self.errors
            .push(diagnostic(span, message.into(), Some(help.into())));
    }

    /// Check that `map` has only `allowed` keys.
    pub(crate) fn keys(&mut self, map: &crate::load::Map, allowed: &[&str], what: &str) {
        for (k, _) in map.iter() {
            if !allowed.contains(&&*k.text) {
                let hint = did_you_mean(&k.text, allowed.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                self.error_help(
                    k.span,
                    format!("unknown key `{}` in {what}{hint}", k.text),
                    format!("the keys allowed here are {}", list(allowed)),
                );
            }
        }
    }

    pub(crate) fn string<'v>(&mut self, v: &'v Value, what: &str) -> Option<&'v str> {
        match &v.kind {
            ValueKind::Scalar(s) if s.ty == crate::load::ScalarType::Str => Some(&s.text),
            ValueKind::Scalar(s) if !matches!(s.ty, crate::load::ScalarType::Null) => Some(&s.text),
            _ => {
                self.error(
                    v.span,
                    format!("{what} must be a string, found {}", v.type_name()),
                );
                None
            }
        }
    }

    pub(crate) fn strings(&mut self, v: &Value, what: &str) -> Vec<String> {
        match &v.kind {
            ValueKind::Seq(items) => items
                .iter()
                .filter_map(|i| {
                    self.string(i, &format!("an item of {what}"))
                        .map(str::to_string)
                })
                .collect(),
            _ => {
                self.error(
                    v.span,
                    format!("{what} must be a list of strings, found {}", v.type_name()),
                );
                Vec::new()
            }
        }
    }

    pub(crate) fn bool(&mut self, v: &Value, what: &str) -> Option<bool> {
        match &v.kind {
            ValueKind::Scalar(s) => match s.ty {
                crate::load::ScalarType::Bool(b) => Some(b),
                _ => {
                    self.error(
                        v.span,
                        format!("{what} must be `true` or `false`, found `{}`", s.text),
                    );
                    None
                }
            },
            _ => {
                self.error(
                    v.span,
                    format!("{what} must be `true` or `false`, found {}", v.type_name()),
                );
                None
            }
        }
    }

    fn choice<T: Copy>(&mut self, v: &Value, what: &str, choices: &[(&str, T)]) -> Option<T> {
        let s = self.string(v, what)?;
        match choices.iter().find(|(n, _)| *n == s) {
            Some((_, t)) => Some(*t),
            None => {
                let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
                let hint = did_you_mean(s, names.iter().copied())
                    .map(|x| format!("; did you mean `{x}`?"))
                    .unwrap_or_default();
                self.error(
                    v.span,
                    format!("{what} must be one of {}, found `{s}`{hint}", list(&names)),
                );
                None
            }
        }
    }

    /// Rule ids or categories, `policies`, or policy ids (checked later).
    fn selectors(&mut self, v: &Value, what: &str) -> Vec<String> {
        let mut out = Vec::new();
        let items: Vec<&Value> = match &v.kind {
            ValueKind::Seq(items) => items.iter().collect(),
            _ => {
                self.error(
                    v.span,
                    format!(
                        "{what} must be a list of rule ids, categories or policy ids, found {}",
                        v.type_name()
                    ),
                );
                return out;
            }
        };
        for item in items {
            let Some(s) = self.string(item, &format!("an item of {what}")) else {
                continue;
            };
            match rules::classify_selector(s) {
                rules::Selector::Rules(ids) => out.extend(ids.into_iter().map(String::from)),
                rules::Selector::Policies => out.push(rules::POLICIES.to_string()),
                rules::Selector::Other(_) => {
                    self.pending.push((s.to_string(), item.span));
                    out.push(s.to_string());
                }
            }
        }
        out
    }

    fn level(&mut self, v: &Value, what: &str) -> Option<Level> {
        self.choice(
            v,
            what,
            &[
                ("off", Level::Off),
                ("info", Level::Info),
                ("warning", Level::Warning),
                ("error", Level::Error),
            ],
        )
    }

    fn globs(&mut self, v: &Value, what: &str) -> GlobSet {
        let mut b = GlobSetBuilder::new();
        let items: Vec<&Value> = match &v.kind {
            ValueKind::Seq(items) => items.iter().collect(),
            _ => vec![v],
        };
        for item in items {
            let Some(s) = self.string(item, &format!("an item of {what}")) else {
                continue;
            };
            match Glob::new(s) {
                Ok(g) => {
                    b.add(g);
                }
                Err(e) => self.error(item.span, format!("invalid glob `{s}`: {}", e.kind())),
            }
        }
        b.build().unwrap_or_else(|_| GlobSet::empty())
    }

    fn rules(&mut self, v: &Value) -> Vec<(&'static str, RuleConfig)> {
        let Some(map) = v.as_map() else {
            self.error(
                v.span,
                format!(
                    "`rules` must be a mapping of rule ids, found {}",
                    v.type_name()
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for e in &map.entries {
            let Some(rule) = rules::find(&e.key.text) else {
                let hint = did_you_mean(&e.key.text, rules::ALL.iter().map(|r| r.id))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                self.error_help(
                    e.key.span,
                    format!("unknown rule `{}`{hint}", e.key.text),
                    "`dockmaster rules` lists the rule ids",
                );
                continue;
            };
            let mut rc = RuleConfig::default();
            match &e.value.kind {
                ValueKind::Scalar(_) => {
                    rc.level = self.level(&e.value, &format!("the level of `{}`", rule.id))
                }
                ValueKind::Map(m) => {
                    let mut allowed: Vec<&str> = vec!["level"];
                    allowed.extend(rule.options.iter().map(|o| o.name));
                    self.keys(m, &allowed, &format!("the settings of rule `{}`", rule.id));
                    for (k, v) in m.iter() {
                        if &*k.text == "level" {
                            rc.level = self.level(v, &format!("the level of `{}`", rule.id));
                            continue;
                        }
                        let Some(spec) = rule.options.iter().find(|o| o.name == &*k.text) else {
                            continue;
                        };
                        let what = format!("option `{}` of `{}`", spec.name, rule.id);
                        let value = match spec.kind {
                            OptionKind::Strings => {
                                Some(OptionValue::Strings(self.strings(v, &what)))
                            }
                            OptionKind::Bool => self.bool(v, &what).map(OptionValue::Bool),
                            OptionKind::String => self
                                .string(v, &what)
                                .map(|s| OptionValue::String(s.to_string())),
                            OptionKind::Choice(choices) => {
                                let pairs: Vec<(&str, &str)> =
                                    choices.iter().map(|c| (*c, *c)).collect();
                                self.choice(v, &what, &pairs)
                                    .map(|c| OptionValue::String(c.to_string()))
                            }
                        };
                        if let Some(value) = value {
                            rc.options.set(spec.name, value);
                        }
                    }
                }
                _ => self.error(
                    e.value.span,
                    format!(
                        "the settings of `{}` must be a level or a mapping, found {}",
                        rule.id,
                        e.value.type_name()
                    ),
                ),
            }
            out.push((rule.id, rc));
        }
        out
    }
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

const TOP_KEYS: &[&str] = &[
    "preset",
    "fail-on",
    "select",
    "ignore",
    "rules",
    "overrides",
    "trusted-registries",
    "policies",
    "exclude",
    "env-files",
    "variables",
    "no-env",
    "require-reason",
    "one-shot",
];

const PRESETS: &[(&str, Preset)] = &[
    ("production", Preset::Production),
    ("development", Preset::Development),
];

impl Config {
    /// Read and check a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::io(
                path,
                format!(
                    "cannot read the configuration: {}",
                    crate::load::project::io_message(&e)
                ),
            )
        })?;
        Config::parse(path, &text)
    }

    /// Check a configuration given as text.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut sources = SourceMap::new();
        let id = sources.add(SourceFile::new(path.to_path_buf(), text, false));
        let source = sources.get(id).clone();
        let limits = Limits::default();
        let tree = yaml::parse(id, text, &limits);
        let mut r = Reader {
            errors: Vec::new(),
            pending: Vec::new(),
        };
        for p in &tree.problems {
            r.error(p.span, p.message.clone());
        }
        let value = match tree.documents.iter().find_map(|d| d.root) {
            Some(root) if r.errors.is_empty() => {
                Resolver::new(&tree, text, &limits).resolve_root(root).ok()
            }
            _ => None,
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut config = Config {
            path: path.to_path_buf(),
            dir: dir.clone(),
            preset: None,
            fail_on: None,
            select: None,
            ignore: Vec::new(),
            rules: Vec::new(),
            overrides: Vec::new(),
            trusted_registries: Vec::new(),
            exclude: GlobSet::empty(),
            env_files: Vec::new(),
            variables: Vec::new(),
            no_env: false,
            require_reason: false,
            one_shot: Vec::new(),
            policies: Vec::new(),
            source,
        };
        if let Some(value) = &value {
            if value.is_null() {
                // An empty configuration file is a valid one.
            } else if let Some(map) = value.as_map() {
                r.keys(map, TOP_KEYS, "the configuration");
                config.read(map, &mut r, id);
            } else {
                r.error(
                    value.span,
                    format!(
                        "the configuration must be a mapping, found {}",
                        value.type_name()
                    ),
                );
            }
        }
        if r.errors.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError {
                sources: Arc::new(sources),
                unreadable: None,
                diagnostics: r.errors,
            })
        }
    }

    fn read(&mut self, map: &crate::load::Map, r: &mut Reader, file: FileId) {
        for e in &map.entries {
            let v = &e.value;
            match &*e.key.text {
                "preset" => self.preset = r.choice(v, "`preset`", PRESETS),
                "fail-on" => {
                    self.fail_on = r.choice(
                        v,
                        "`fail-on`",
                        &[
                            ("error", Severity::Error),
                            ("warning", Severity::Warning),
                            ("info", Severity::Info),
                        ],
                    )
                }
                "select" => self.select = Some(r.selectors(v, "`select`")),
                "ignore" => self.ignore = r.selectors(v, "`ignore`"),
                "rules" => self.rules = r.rules(v),
                "trusted-registries" => {
                    self.trusted_registries = r.strings(v, "`trusted-registries`")
                }
                "exclude" => self.exclude = r.globs(v, "`exclude`"),
                "env-files" => {
                    self.env_files = r
                        .strings(v, "`env-files`")
                        .into_iter()
                        .map(|f| self.dir.join(f))
                        .collect()
                }
                "variables" => match v.as_map() {
                    Some(m) => {
                        for (k, val) in m.iter() {
                            let text = match &val.kind {
                                ValueKind::Scalar(s) => s.text.to_string(),
                                _ => {
                                    r.error(
                                        val.span,
                                        format!(
                                            "the value of variable `{}` must be a scalar",
                                            k.text
                                        ),
                                    );
                                    continue;
                                }
                            };
                            self.variables.push((k.text.to_string(), text));
                        }
                    }
                    None => r.error(
                        v.span,
                        format!("`variables` must be a mapping, found {}", v.type_name()),
                    ),
                },
                "no-env" => self.no_env = r.bool(v, "`no-env`").unwrap_or(false),
                "require-reason" => {
                    self.require_reason = r.bool(v, "`require-reason`").unwrap_or(false)
                }
                "one-shot" => self.one_shot = r.strings(v, "`one-shot`"),
                "overrides" => {
                    let Some(items) = v.as_seq() else {
                        r.error(
                            v.span,
                            format!("`overrides` must be a list, found {}", v.type_name()),
                        );
                        continue;
                    };
                    for item in items {
                        let Some(m) = item.as_map() else {
                            r.error(
                                item.span,
                                format!(
                                    "an override must be a mapping, found {}",
                                    item.type_name()
                                ),
                            );
                            continue;
                        };
                        r.keys(m, &["files", "preset", "rules"], "an override");
                        let Some(files) = m.get("files") else {
                            r.error(
                                item.span,
                                "an override needs `files`: the globs of the files it applies to",
                            );
                            continue;
                        };
                        self.overrides.push(Override {
                            globs: r.globs(files, "`files`"),
                            preset: m
                                .get("preset")
                                .and_then(|p| r.choice(p, "`preset`", PRESETS)),
                            rules: m.get("rules").map(|v| r.rules(v)).unwrap_or_default(),
                        });
                    }
                }
                "policies" => self.policies = policy::read_policies(v, r, file),
                _ => {}
            }
        }
        let ids: Vec<String> = self.policies.iter().map(|p| p.id.to_string()).collect();
        for (name, span) in std::mem::take(&mut r.pending) {
            if !ids.contains(&name) {
                r.error_help(
                    span,
                    rules::unknown_selector(&name, &ids),
                    "`dockmaster rules` lists the rule ids and categories; `policies` selects every policy of this file",
                );
            }
        }
    }

    /// The overrides that apply to a project whose first file is `file`.
    pub fn applies(&self, file: &Path) -> Vec<&Override> {
        let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
        let rel = file
            .strip_prefix(&self.dir)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| file.to_path_buf());
        let rel = crate::source::normalize(&rel);
        self.overrides
            .iter()
            .filter(|o| o.globs.is_match(&rel))
            .collect()
    }

    /// Whether a file found while walking is excluded.
    pub fn excludes(&self, file: &Path) -> bool {
        let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
        let rel = file.strip_prefix(&self.dir).unwrap_or(&file);
        self.exclude.is_match(crate::source::normalize(rel))
    }
}

/// Finds configuration files, caching the search per directory.
#[derive(Default)]
pub struct Finder {
    cache: Mutex<HashMap<PathBuf, Option<Arc<Config>>>>,
    loaded: Mutex<HashMap<PathBuf, Arc<Config>>>,
    /// By directory as written, before `canonicalize` (a system call per
    /// file otherwise: the files of a walk share few directories).
    written: Mutex<HashMap<PathBuf, Option<Arc<Config>>>>,
}

impl Finder {
    /// The configuration for a file: the nearest `.dockmaster.yml` walking
    /// up from its directory, stopping at the repository root (a directory
    /// holding `.git`).
    pub fn for_file(&self, file: &Path) -> Result<Option<Arc<Config>>, ConfigError> {
        let dir = file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        if let Some(hit) = self.written.lock().expect("lock").get(&dir) {
            return Ok(hit.clone());
        }
        let canonical = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        let found = self.for_dir(&canonical)?;
        self.written
            .lock()
            .expect("lock")
            .insert(dir, found.clone());
        Ok(found)
    }

    fn for_dir(&self, dir: &Path) -> Result<Option<Arc<Config>>, ConfigError> {
        if let Some(hit) = self.cache.lock().expect("lock").get(dir) {
            return Ok(hit.clone());
        }
        let found = FILE_NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file());
        let result = match found {
            Some(path) => Some(self.load(&path)?),
            None if dir.join(".git").exists() => None,
            None => match dir.parent() {
                Some(parent) => self.for_dir(parent)?,
                None => None,
            },
        };
        self.cache
            .lock()
            .expect("lock")
            .insert(dir.to_path_buf(), result.clone());
        Ok(result)
    }

    /// Load a configuration file once.
    pub fn load(&self, path: &Path) -> Result<Arc<Config>, ConfigError> {
        if let Some(c) = self.loaded.lock().expect("lock").get(path) {
            return Ok(c.clone());
        }
        // Shown relative to the working directory, as linted files are.
        let shown = std::env::current_dir()
            .ok()
            .and_then(|cwd| std::fs::canonicalize(cwd).ok())
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| path.to_path_buf());
        let mut c = Config::load(&shown)?;
        // Globs are relative to the file's directory, wherever we run from.
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        c.dir = std::fs::canonicalize(&dir).unwrap_or(dir);
        let c = Arc::new(c);
        self.loaded
            .lock()
            .expect("lock")
            .insert(path.to_path_buf(), c.clone());
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        match Config::parse(Path::new(".dockmaster.yml"), text) {
            Ok(_) => Vec::new(),
            Err(e) => e
                .diagnostics
                .iter()
                .map(|d| {
                    let (l, c) = e
                        .sources
                        .get(d.primary.span.file)
                        .line_col(d.primary.span.start as usize);
                    format!("{l}:{c}: {}", d.message)
                })
                .collect(),
        }
    }

    #[test]
    fn a_good_configuration() {
        let c = Config::parse(
            Path::new("/repo/.dockmaster.yml"),
            "preset: development\nfail-on: error\nignore: [schema]\nrules:\n  duplicate-key: warning\n  yaml-syntax:\n    level: info\noverrides:\n  - files: ['prod/**']\n    preset: production\ntrusted-registries: ['*.corp.example']\n",
        )
        .unwrap();
        assert_eq!(c.preset, Some(Preset::Development));
        assert_eq!(c.fail_on, Some(Severity::Error));
        assert_eq!(c.ignore, ["schema"]);
        assert_eq!(c.rules.len(), 2);
        assert_eq!(c.rules[1].1.level, Some(Level::Info));
        assert_eq!(c.applies(Path::new("/repo/prod/compose.yaml")).len(), 1);
        assert_eq!(c.applies(Path::new("/repo/dev/compose.yaml")).len(), 0);
    }

    #[test]
    fn mistakes_are_positioned_errors() {
        assert_eq!(
            errors("presett: production\n"),
            ["1:1: unknown key `presett` in the configuration; did you mean `preset`?"]
        );
        assert_eq!(
            errors("rules:\n  duplicate-keys: off\n"),
            ["2:3: unknown rule `duplicate-keys`; did you mean `duplicate-key`?"]
        );
        assert_eq!(
            errors("preset: prod\n"),
            ["1:9: `preset` must be one of `production`, `development`, found `prod`"]
        );
        assert_eq!(
            errors("rules:\n  schema: loud\n"),
            [
                "2:11: the level of `schema` must be one of `off`, `info`, `warning`, `error`, found `loud`"
            ]
        );
        assert_eq!(
            errors("select: schema\n"),
            ["1:9: `select` must be a list of rule ids, categories or policy ids, found a string"]
        );
        assert_eq!(
            errors("exclude: ['a/[']\n"),
            ["1:11: invalid glob `a/[`: unclosed character class; missing ']'"]
        );
        assert_eq!(
            errors("ignore: [securty]\n"),
            ["1:10: unknown rule, category or policy `securty`; did you mean `security`?"]
        );
        assert_eq!(
            errors("rules:\n  schema:\n    levle: off\n"),
            ["3:5: unknown key `levle` in the settings of rule `schema`; did you mean `level`?"]
        );
        assert_eq!(
            errors("rules:\n  ports-quoted:\n    quote: doubel\n"),
            [
                "3:12: option `quote` of `ports-quoted` must be one of `double`, `single`, found `doubel`; did you mean `double`?"
            ]
        );
    }

    /// The `yaml` blocks of docs/configuration.md that are configurations.
    fn doc_examples() -> Vec<String> {
        let doc = include_str!("../../docs/configuration.md");
        doc.split("```yaml\n")
            .skip(1)
            .filter_map(|b| b.split("```").next())
            .filter(|b| !b.starts_with("services:"))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn the_documented_examples_are_valid() {
        let examples = doc_examples();
        assert!(examples.len() >= 2);
        for e in examples {
            if let Err(err) = Config::parse(Path::new(".dockmaster.yml"), &e) {
                panic!(
                    "{e}\n{:?}",
                    err.diagnostics
                        .iter()
                        .map(|d| &d.message)
                        .collect::<Vec<_>>()
                );
            }
        }
    }

    #[test]
    fn the_json_schema_knows_every_key() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../docs/configuration.schema.json")).unwrap();
        let mut keys: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut ours = TOP_KEYS.to_vec();
        keys.sort_unstable();
        ours.sort_unstable();
        assert_eq!(keys, ours);
    }

    #[test]
    fn an_empty_file_is_fine() {
        assert!(errors("").is_empty());
        assert!(errors("# nothing yet\n").is_empty());
    }
}
