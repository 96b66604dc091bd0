//! Assembling a project the way Compose does (compose-go `loader/loader.go`):
//! for each file in order, its documents are merged, its `include`d
//! projects are loaded (each with its own project directory and `.env`) and
//! placed under the file's own definitions, its services' `extends` are
//! resolved (from the same file or another one), and the result is merged
//! onto what earlier files produced.
//!
//! Values keep the span of the file that wrote them; values brought in by
//! `extends` or `include` also carry that site as their [`Via`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::load::Limits;
use crate::load::env::{EnvOptions, Environment};
use crate::load::merge::Merger;
use crate::load::problem::{Problem, ProblemKind};
use crate::load::project::{Input, LoadError, LoadedFile, load_file};
use crate::load::value::{Value, ValueKind, Via, ViaKind};
use crate::source::SourceMap;
use crate::span::Span;

/// Whether a path names a remote resource (git repository, OCI artifact)
/// that dockmaster does not fetch.
pub fn is_remote(path: &str) -> bool {
    path.contains("://") || path.starts_with("git@")
}

pub struct Assembler<'a> {
    pub limits: &'a Limits,
    pub sources: SourceMap,
    pub files: Vec<LoadedFile>,
    pub problems: Vec<Problem>,
    merger: Merger,
    /// Files being included, outermost first (cycle detection).
    include_stack: Vec<PathBuf>,
    /// Effective values of files read for `extends`, by canonical path.
    extends_cache: HashMap<PathBuf, Option<Value>>,
    /// `extends` already resolved (by the span of their value): an included
    /// file's services arrive resolved and are not resolved again from the
    /// including file's directory.
    extends_done: std::collections::HashSet<Span>,
    /// Paths as given, parallel to `include_stack`, for messages.
    include_names: Vec<String>,
    /// `extends` cycles already reported (their members, sorted).
    cycles: std::collections::HashSet<Vec<(PathBuf, String)>>,
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Give every node of `v` that has no via yet this one.
fn set_via(v: &mut Value, via: Via) {
    if v.via.is_none() {
        v.via = Some(via);
    }
    match &mut v.kind {
        ValueKind::Map(m) => {
            for e in &mut m.entries {
                if e.key.via.is_none() {
                    e.key.via = Some(via);
                }
                set_via(&mut e.value, via);
            }
        }
        ValueKind::Seq(items) => {
            for i in items {
                set_via(i, via);
            }
        }
        _ => {}
    }
}

impl<'a> Assembler<'a> {
    pub fn new(limits: &'a Limits) -> Assembler<'a> {
        Assembler {
            limits,
            sources: SourceMap::new(),
            files: Vec::new(),
            problems: Vec::new(),
            merger: Merger::default(),
            include_stack: Vec::new(),
            extends_cache: HashMap::new(),
            extends_done: std::collections::HashSet::new(),
            include_names: Vec::new(),
            cycles: std::collections::HashSet::new(),
        }
    }

    pub fn take_merge_problems(&mut self) -> Vec<Problem> {
        std::mem::take(&mut self.merger.problems)
    }

    /// Attributes removed with `!reset`, by dotted path.
    pub fn take_resets(&mut self) -> Vec<(String, Span)> {
        std::mem::take(&mut self.merger.resets)
    }

    pub fn merge(&mut self, base: Value, over: Value) -> Value {
        self.merger.merge(base, over, &[])
    }

    fn problem(&mut self, kind: ProblemKind, span: Span, message: String) {
        self.problems.push(Problem {
            kind,
            span,
            message,
            related: Vec::new(),
        });
    }

    /// Load one file of the project and return its effective value: its
    /// documents merged, its includes placed under it, its extends resolved.
    pub fn file(&mut self, input: &Input, env: &Environment) -> Result<Option<Value>, LoadError> {
        let mut loaded = load_file(&mut self.sources, input, self.limits, env)?;
        let docs = std::mem::take(&mut loaded.documents);
        let id = loaded.id;
        self.files.push(loaded);
        let mut value: Option<Value> = None;
        for doc in docs {
            value = Some(match value {
                None => doc,
                Some(base) => self.merger.merge(base, doc, &[]),
            });
        }
        let Some(mut value) = value else {
            return Ok(None);
        };
        let dir = input
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        if value.get("include").is_some() {
            let canon = canonical(&input.path);
            self.include_stack.push(canon);
            self.include_names
                .push(crate::source::display_path(&input.path));
            if let Some(included) = self.includes(&value, &dir, env) {
                value = self.merger.merge(included, value, &[]);
            }
            self.include_stack.pop();
            self.include_names.pop();
        }
        let _ = id;
        self.resolve_extends(&mut value, &input.path, env);
        Ok(Some(value))
    }

    /// Load the projects a file includes, merged in order.
    fn includes(&mut self, value: &Value, dir: &Path, env: &Environment) -> Option<Value> {
        let include = value.get("include")?;
        // Not a list: the schema reports it (`include` must be a list).
        let entries = include.as_seq()?;
        let mut out: Option<Value> = None;
        for entry in entries {
            let (paths, project_dir, env_files): (Vec<&Value>, Option<&Value>, Vec<&Value>) =
                match &entry.kind {
                    ValueKind::Scalar(_) => (vec![entry], None, Vec::new()),
                    ValueKind::Map(m) => {
                        let list = |k: &str| -> Vec<&Value> {
                            match m.get(k) {
                                Some(v) => match &v.kind {
                                    ValueKind::Seq(items) => items.iter().collect(),
                                    _ => vec![v],
                                },
                                None => Vec::new(),
                            }
                        };
                        (list("path"), m.get("project_directory"), list("env_file"))
                    }
                    _ => continue,
                };
            let mut resolved_paths = Vec::new();
            for p in &paths {
                let Some(text) = p.as_str() else { continue };
                if p.as_scalar().is_some_and(|s| s.unresolved) {
                    continue;
                }
                if is_remote(text) {
                    self.problem(
                        ProblemKind::IncludeRemote,
                        p.span,
                        format!("`{text}` is a remote include; dockmaster does not fetch it, so its services are not linted"),
                    );
                    continue;
                }
                let path = crate::source::normalize(&dir.join(text));
                if !path.is_file() {
                    let message = if path.exists() {
                        format!("{text} is not a file")
                    } else {
                        format!(
                            "{text} is not a file: it does not exist (paths are relative to {})",
                            display_dir(dir)
                        )
                    };
                    self.problem(ProblemKind::IncludeInvalid, p.span, message);
                    continue;
                }
                let canon = canonical(&path);
                if self.include_stack.contains(&canon) {
                    let mut chain = self.include_names.clone();
                    chain.push(crate::source::display_path(&path));
                    self.problem(
                        ProblemKind::IncludeInvalid,
                        p.span,
                        format!("include cycle detected: {}", chain.join(" includes ")),
                    );
                    continue;
                }
                resolved_paths.push((path, p.span));
            }
            let Some((first, _)) = resolved_paths.first() else {
                continue;
            };
            let project_dir = project_dir
                .and_then(Value::as_str)
                .map(|d| crate::source::normalize(&dir.join(d)))
                .unwrap_or_else(|| first.parent().map(Path::to_path_buf).unwrap_or_default());
            let env_file_paths: Vec<PathBuf> = env_files
                .iter()
                .filter_map(|v| v.as_str().map(|s| crate::source::normalize(&dir.join(s))))
                .collect();
            for (f, v) in env_file_paths.iter().zip(&env_files) {
                if !f.is_file() {
                    self.problem(
                        ProblemKind::IncludeInvalid,
                        v.span,
                        format!("env file {} not found", v.as_str().unwrap_or_default()),
                    );
                }
            }
            let included_env = match Environment::load_with(
                &project_dir,
                &EnvOptions {
                    no_env: false,
                    env_files: env_file_paths.into_iter().filter(|f| f.is_file()).collect(),
                    extra: Vec::new(),
                    process: None,
                },
                env.pairs(),
            ) {
                Ok(e) => e,
                Err(e) => {
                    self.problem(
                        ProblemKind::IncludeInvalid,
                        entry.span,
                        format!("{}: {}", e.path.display(), e.message),
                    );
                    env.clone()
                }
            };
            let via = Via {
                span: entry.span,
                kind: ViaKind::Include,
            };
            for (path, span) in resolved_paths {
                let loaded = self.file(&Input::file(path.clone()), &included_env);
                match loaded {
                    Ok(Some(mut v)) => {
                        set_via(&mut v, via);
                        // An included project's own `include` and `name` are
                        // not part of the including project.
                        if let ValueKind::Map(m) = &mut v.kind {
                            m.entries.retain(|e| {
                                !matches!(&*e.key.text, "include" | "name" | "version")
                            });
                        }
                        out = Some(match out {
                            None => v,
                            Some(base) => self.merger.merge(base, v, &[]),
                        });
                    }
                    Ok(None) => {}
                    Err(e) => self.problem(
                        ProblemKind::IncludeInvalid,
                        span,
                        format!("cannot read {}: {}", e.path.display(), e.message),
                    ),
                }
            }
        }
        out
    }

    /// Resolve the `extends` of every service of a file's value.
    fn resolve_extends(&mut self, value: &mut Value, file: &Path, env: &Environment) {
        let names: Vec<String> = match value.get("services").and_then(Value::as_map) {
            Some(m) => m
                .entries
                .iter()
                .filter(|e| {
                    e.value
                        .get("extends")
                        .is_some_and(|x| !self.extends_done.contains(&x.span))
                })
                .map(|e| e.key.text.to_string())
                .collect(),
            None => return,
        };
        let spans: Vec<Span> = value
            .get("services")
            .and_then(Value::as_map)
            .map(|m| {
                m.entries
                    .iter()
                    .filter_map(|e| e.value.get("extends"))
                    .map(|x| x.span)
                    .collect()
            })
            .unwrap_or_default();
        for name in names {
            let mut stack = Vec::new();
            if let Some(resolved) = self.extended(value, file, &name, env, &mut stack)
                && let Some(ValueKind::Map(services)) = value_services_mut(value)
                && let Some(e) = services.entries.iter_mut().find(|e| *e.key.text == *name)
            {
                e.value = resolved;
            }
        }
        self.extends_done.extend(spans);
    }

    /// The service `name` of `file` (whose value is `value`) with its
    /// `extends` chain applied; `None` when it does not extend anything or
    /// cannot be resolved (already reported).
    fn extended(
        &mut self,
        value: &Value,
        file: &Path,
        name: &str,
        env: &Environment,
        stack: &mut Vec<(PathBuf, String)>,
    ) -> Option<Value> {
        let services = value.get("services")?.as_map()?;
        let service = services.get(name)?;
        let extends = service.get("extends")?;
        let extends_span = services
            .entry(name)
            .and_then(|e| e.value.as_map())
            .and_then(|m| m.entry("extends"))
            .map_or(extends.span, |e| e.key.span.to(e.value.span));
        let (base_name, base_file) = match &extends.kind {
            ValueKind::Scalar(_) => (extends.as_str()?.to_string(), None),
            ValueKind::Map(m) => {
                let Some(s) = m.get("service").and_then(Value::as_str) else {
                    // `service` missing: the schema reports it.
                    return None;
                };
                (s.to_string(), m.get("file"))
            }
            _ => return None,
        };
        let key = (canonical(file), name.to_string());
        if let Some(start) = stack.iter().position(|k| *k == key) {
            let cycle: Vec<(PathBuf, String)> = stack[start..].to_vec();
            let mut members = cycle.clone();
            members.sort();
            if self.cycles.insert(members) {
                let show = |(f, s): &(PathBuf, String)| {
                    format!(
                        "`{s}` in {}",
                        crate::source::display_path(&relative_to_cwd(f))
                    )
                };
                let chain: Vec<String> = cycle
                    .iter()
                    .chain(std::iter::once(&key))
                    .map(show)
                    .collect();
                self.problem(
                    ProblemKind::ExtendsInvalid,
                    extends_span,
                    format!("circular reference: {}", chain.join(" extends ")),
                );
            }
            return None;
        }
        stack.push(key);
        let result = self.extended_inner(
            service,
            value,
            file,
            name,
            &base_name,
            base_file,
            extends_span,
            env,
            stack,
        );
        stack.pop();
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn extended_inner(
        &mut self,
        service: &Value,
        value: &Value,
        file: &Path,
        name: &str,
        base_name: &str,
        base_file: Option<&Value>,
        extends_span: Span,
        env: &Environment,
        stack: &mut Vec<(PathBuf, String)>,
    ) -> Option<Value> {
        // The base service, with its own extends applied.
        let (base, base_path) = match base_file {
            None => {
                let Some(base) = value
                    .get("services")
                    .and_then(Value::as_map)
                    .and_then(|m| m.get(base_name))
                else {
                    self.problem(
                        ProblemKind::ExtendsInvalid,
                        extends_span,
                        format!(
                            "cannot extend service `{name}` in {}: service `{base_name}` not found",
                            display_file(file)
                        ),
                    );
                    return None;
                };
                let resolved = self.extended(value, file, base_name, env, stack);
                (resolved.unwrap_or_else(|| base.clone()), file.to_path_buf())
            }
            Some(f) => {
                let text = f.as_str()?;
                if f.as_scalar().is_some_and(|s| s.unresolved) {
                    return None;
                }
                if is_remote(text) {
                    self.problem(
                        ProblemKind::ExtendsRemote,
                        f.span,
                        format!("`{text}` is a remote file; dockmaster does not fetch it, so service `{name}` is linted without what it extends"),
                    );
                    return None;
                }
                let path =
                    crate::source::normalize(&file.parent().unwrap_or(Path::new("")).join(text));
                let canon = canonical(&path);
                let other = match self.extends_cache.get(&canon) {
                    Some(v) => v.clone(),
                    None => {
                        if !path.is_file() {
                            self.problem(
                                ProblemKind::ExtendsInvalid,
                                f.span,
                                format!("cannot read {text}: no such file"),
                            );
                            self.extends_cache.insert(canon, None);
                            return None;
                        }
                        let loaded = match crate::load::project::load_file(
                            &mut self.sources,
                            &Input::file(path.clone()),
                            self.limits,
                            env,
                        ) {
                            Ok(mut lf) => {
                                let docs = std::mem::take(&mut lf.documents);
                                self.files.push(lf);
                                let mut v: Option<Value> = None;
                                for d in docs {
                                    v = Some(match v {
                                        None => d,
                                        Some(b) => self.merger.merge(b, d, &[]),
                                    });
                                }
                                v
                            }
                            Err(e) => {
                                self.problem(
                                    ProblemKind::ExtendsInvalid,
                                    f.span,
                                    format!("cannot read {text}: {}", e.message),
                                );
                                None
                            }
                        };
                        self.extends_cache.insert(canon, loaded.clone());
                        loaded
                    }
                };
                let other = other?;
                let Some(services) = other.get("services") else {
                    self.problem(
                        ProblemKind::ExtendsInvalid,
                        f.span,
                        format!(
                            "cannot extend service `{name}` in {}: no services section",
                            display_file(&path)
                        ),
                    );
                    return None;
                };
                let Some(services_map) = services.as_map() else {
                    self.problem(
                        ProblemKind::ExtendsInvalid,
                        f.span,
                        format!(
                            "cannot extend service `{name}` in {}: services must be a mapping",
                            display_file(&path)
                        ),
                    );
                    return None;
                };
                let Some(base) = services_map.get(base_name) else {
                    self.problem(
                        ProblemKind::ExtendsInvalid,
                        extends_span,
                        format!(
                            "cannot extend service `{name}` in {}: service `{base_name}` not found in {text}",
                            display_file(file)
                        ),
                    );
                    return None;
                };
                let base = base.clone();
                let resolved = self.extended(&other, &path, base_name, env, stack);
                (resolved.unwrap_or(base), path)
            }
        };
        let _ = base_path;
        let mut base = base;
        set_via(
            &mut base,
            Via {
                span: extends_span,
                kind: ViaKind::Extends,
            },
        );
        let mut merged = self.merger.merge(base, service.clone(), &["services", "*"]);
        // Resolved: Compose drops the `extends` key, and so do we (an
        // unresolved one stays, so rules know the service is incomplete).
        if let ValueKind::Map(m) = &mut merged.kind {
            m.entries.retain(|e| &*e.key.text != "extends");
        }
        Some(merged)
    }
}

/// A canonical path shown relative to the working directory when it is
/// under it.
fn relative_to_cwd(p: &Path) -> PathBuf {
    match std::env::current_dir()
        .ok()
        .and_then(|cwd| canonical(&cwd).into())
    {
        Some(cwd) => p
            .strip_prefix(&cwd)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| p.to_path_buf()),
        None => p.to_path_buf(),
    }
}

fn value_services_mut(value: &mut Value) -> Option<&mut ValueKind> {
    match &mut value.kind {
        ValueKind::Map(m) => m
            .entries
            .iter_mut()
            .find(|e| &*e.key.text == "services")
            .map(|e| &mut e.value.kind),
        _ => None,
    }
}

fn display_file(p: &Path) -> String {
    crate::source::display_path(p)
}

fn display_dir(p: &Path) -> String {
    if p.as_os_str().is_empty() {
        ".".to_string()
    } else {
        crate::source::display_path(p)
    }
}
