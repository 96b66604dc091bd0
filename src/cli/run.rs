//! Linting the planned projects: settings from the command line and the
//! configuration file, loading, rules, in parallel.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::cli::Job;
use crate::cli::args::{CheckArgs, FailOn};
use crate::config::{self, Config, ConfigError};
use crate::diag::{Diagnostic, Level, Severity};
use crate::load::project::LoadError;
use crate::load::{Input, LoadOptions};
use crate::model::Project;
use crate::report::{self, Report};
use crate::rules::{self, OptionValue, Settings};

/// Rule selection from the command line.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Rule ids (categories expanded), `policies`, policy ids.
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    /// Items that name no rule or category: they must be the id of a
    /// policy in a configuration that applies ([`Selection::check_policies`]).
    pub pending: Vec<String>,
    /// `--require-reason`.
    pub require_reason: bool,
    /// No output of the run shows fixes and none is applied: rules skip
    /// building them ([`Settings::fixes`]).
    pub without_fixes: bool,
}

impl Selection {
    pub fn from_args(args: &CheckArgs) -> Result<Selection, String> {
        let mut pending = Vec::new();
        let mut resolve = |items: &[String]| -> Vec<String> {
            let mut out = Vec::new();
            for item in items.iter().flat_map(|i| i.split(',')) {
                let item = item.trim();
                if item.is_empty() {
                    continue;
                }
                match rules::classify_selector(item) {
                    rules::Selector::Rules(ids) => out.extend(ids.into_iter().map(String::from)),
                    rules::Selector::Policies => out.push(rules::POLICIES.to_string()),
                    rules::Selector::Other(_) => {
                        pending.push(item.to_string());
                        out.push(item.to_string());
                    }
                }
            }
            out
        };
        let select = (!args.select.is_empty()).then(|| resolve(&args.select));
        let ignore = resolve(&args.ignore);
        Ok(Selection {
            select,
            ignore,
            pending,
            require_reason: args.require_reason,
            without_fixes: !(args.fix || args.diff) && args.format.iter().all(|f| !f.shows_fixes()),
        })
    }

    /// The items that name no rule, category or policy of the jobs'
    /// configurations: an error each.
    pub fn check_policies(&self, jobs: &[Job]) -> Result<(), String> {
        let ids: Vec<String> = jobs
            .iter()
            .filter_map(|j| j.config.as_deref())
            .flat_map(|c| c.policies.iter().map(|p| p.id.to_string()))
            .collect();
        match self.pending.iter().find(|p| !ids.contains(p)) {
            Some(name) => Err(rules::unknown_selector(name, &ids)),
            None => Ok(()),
        }
    }
}

impl ConfigError {
    /// The errors as a report, for the human renderer.
    pub fn report(&self) -> Report {
        let mut r = Report::default();
        r.extend(self.sources.clone(), self.diagnostics.clone());
        r.finish();
        r
    }
}

/// Find the configuration of every job (`--config` for all, none with
/// `--no-config`).
pub fn attach_configs(
    jobs: &mut Vec<Job>,
    args: &CheckArgs,
    finder: &config::Finder,
) -> Result<(), ConfigError> {
    if args.no_config {
        return Ok(());
    }
    if let Some(path) = &args.config {
        let c = finder.load(&std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()))?;
        for j in jobs.iter_mut() {
            j.config = Some(c.clone());
        }
    } else {
        attach_found(jobs, finder)?;
    }
    // A walked file the configuration excludes is not linted.
    jobs.retain(|j| {
        !(j.walked
            && j.inputs
                .first()
                .is_some_and(|i| excluded(j.config.as_deref(), &i.path)))
    });
    Ok(())
}

fn attach_found(jobs: &mut [Job], finder: &config::Finder) -> Result<(), ConfigError> {
    for j in jobs {
        let Some(first) = j.inputs.first() else {
            continue;
        };
        let path = if first.content.is_some() && first.path.as_os_str() == "<stdin>" {
            // Standard input without `--stdin-filename`: look from the
            // current directory.
            Path::new("./-").to_path_buf()
        } else {
            // A file, or standard input named by `--stdin-filename`: look
            // from its directory.
            first.path.clone()
        };
        j.config = finder.for_file(&path)?;
    }
    Ok(())
}

/// The rule settings of a job: the preset (command line, else the
/// configuration's overrides, else its `preset`, else the file name), then
/// levels and options from the configuration (with its per-file overrides),
/// then `--select`/`--ignore`.
pub fn settings(job: &Job, selection: &Selection) -> Settings {
    let config = job.config.as_deref();
    let first = job
        .inputs
        .first()
        .map(|i| i.path.as_path())
        .unwrap_or(Path::new(""));
    let overrides: Vec<&config::Override> = config
        .map(|c| c.applies(&absolute(first)))
        .unwrap_or_default();
    let mut preset = job.preset;
    let mut by_file = !job.preset_explicit;
    if !job.preset_explicit {
        if let Some(p) = config.and_then(|c| c.preset) {
            preset = p;
            by_file = false;
        }
        if let Some(p) = overrides.iter().rev().find_map(|o| o.preset) {
            preset = p;
            by_file = false;
        }
    }
    let mut s = Settings::new(preset);
    s.preset_by_file = by_file;
    s.fixes = !selection.without_fixes;
    if let Some(c) = config {
        s.one_shot = c.one_shot.clone();
        s.select = c.select.clone();
        s.ignore = c.ignore.clone();
        let rules = c
            .rules
            .iter()
            .chain(overrides.iter().flat_map(|o| o.rules.iter()));
        for (id, rc) in rules {
            if let Some(level) = rc.level {
                s.overrides.push((*id, level));
            }
            if !rc.options.is_empty() {
                let mut merged = s.options_for(id).clone();
                for spec in rules::find(id).map(|r| r.options).unwrap_or_default() {
                    if let Some(v) = rc.options.get(spec.name) {
                        merged.set(spec.name, v.clone());
                    }
                }
                s.options.retain(|(r, _)| r != id);
                s.options.push((*id, merged));
            }
        }
        if !c.trusted_registries.is_empty()
            && let Some(r) = rules::find("image-registry")
        {
            let mut o = s.options_for(r.id).clone();
            o.set(
                "trusted-registries",
                OptionValue::Strings(c.trusted_registries.clone()),
            );
            s.options.retain(|(id, _)| *id != r.id);
            s.options.push((r.id, o));
            if !s.overrides.iter().any(|(id, _)| *id == r.id) {
                s.overrides.push((r.id, Level::Error));
            }
        }
    }
    if let Some(select) = &selection.select {
        s.select = Some(select.clone());
    }
    s.ignore.extend(selection.ignore.iter().cloned());
    // Requiring reasons is asked for explicitly: it holds whatever the
    // selection.
    if selection.require_reason || config.is_some_and(|c| c.require_reason) {
        s.overrides
            .push(("suppression-without-reason", Level::Error));
        if let Some(select) = &mut s.select {
            select.push("suppression-without-reason".to_string());
        }
    }
    if let Some(c) = config {
        s.policies = c.policies.iter().map(|p| p.id.to_string()).collect();
    }
    s
}

fn absolute(p: &Path) -> std::path::PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

/// The failure threshold of a job.
pub fn threshold(job: &Job, cli: Option<FailOn>) -> Severity {
    match cli {
        Some(FailOn::Error) => Severity::Error,
        Some(FailOn::Warning) => Severity::Warning,
        Some(FailOn::Info) => Severity::Info,
        None => job
            .config
            .as_ref()
            .and_then(|c| c.fail_on)
            .unwrap_or(Severity::Warning),
    }
}

/// Environment options of a job: the command line's, completed by the
/// configuration's.
fn load_options(job: &Job, base: &LoadOptions) -> LoadOptions {
    let mut o = base.clone();
    if let Some(c) = &job.config {
        if o.env.env_files.is_empty() {
            o.env.env_files = c.env_files.clone();
        }
        o.env.no_env |= c.no_env;
        o.env.extra.extend(c.variables.iter().cloned());
    }
    o
}

/// Load and lint one job from `inputs` (the job's own, or the same files
/// with other contents, as `--fix` does): the findings left after the
/// suppression comments.
pub fn lint_job(
    job: &Job,
    inputs: &[Input],
    options: &LoadOptions,
    selection: &Selection,
    profiles: Option<&[String]>,
) -> Result<(Project, Vec<Diagnostic>), Vec<LoadError>> {
    let loaded = crate::load::load_project_with(inputs, &load_options(job, options))?;
    let project = crate::model::build_with(loaded, profiles);
    let settings = settings(job, selection);
    let mut diags = rules::run(&project, &settings);
    if let Some(c) = &job.config {
        diags.extend(
            crate::config::policy::run(&project, &c.policies)
                .into_iter()
                .filter(|d| settings.runs_policy(d.rule)),
        );
    }
    let diags = crate::suppress::apply(&project, diags, &settings).kept;
    Ok((project, diags))
}

/// Lint the jobs in parallel; results in deterministic order. Returns the
/// report, the errors (files that could not be read) and whether a finding
/// reached its job's failure threshold.
pub fn lint(
    jobs: &[Job],
    options: &LoadOptions,
    selection: &Selection,
    profiles: Option<&[String]>,
    fail_on: Option<FailOn>,
) -> (Report, Vec<String>, bool) {
    let results: Vec<_> = jobs
        .par_iter()
        .map(|job| {
            lint_job(job, &job.inputs, options, selection, profiles).map(|(project, mut diags)| {
                report::order(&project.sources, &mut diags);
                let t = threshold(job, fail_on);
                let fails = diags.iter().any(|d| d.severity >= t);
                let files = project.sources.len();
                (Arc::new(project.sources), diags, files, fails)
            })
        })
        .collect();
    let mut report = Report::default();
    let mut errors = Vec::new();
    let mut fails = false;
    let mut projects = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok((sources, diags, files, f)) => {
                report.files += files;
                fails |= f;
                projects.push((sources, diags));
            }
            Err(es) => errors.extend(
                es.iter()
                    .map(|e| format!("{}: {}", report::display_path(&e.path), e.message)),
            ),
        }
    }
    report.extend_ordered(projects);
    report.finish();
    (report, errors, fails)
}

/// The configuration that applies to a walked file excludes it.
pub fn excluded(config: Option<&Config>, file: &Path) -> bool {
    config.is_some_and(|c| c.excludes(&absolute(file)))
}
