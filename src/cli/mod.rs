//! The `dockmaster` command.

pub mod args;
pub mod discover;
pub mod fix;
pub mod output;
pub mod run;

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use crate::cli::args::{CheckArgs, Cli, ColorChoice, Command, Format, PresetArg};
use crate::config;
use crate::load::env::EnvOptions;
use crate::load::{Input, Limits, LoadOptions};
use crate::report::{self, Report};
use crate::rules::{self, Preset};

/// Exit code: findings at or above the threshold.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage, I/O or configuration error.
pub const EXIT_ERROR: u8 = 2;

/// Run the command line; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Check(args) => check(&args),
        Command::Rules => print_out(&rules_table()),
        Command::Server => crate::server::run(),
        Command::Explain { rule } => match rules::find(&rule) {
            Some(r) => print_out(&explain(r)),
            None => {
                let ids = rules::ALL.iter().map(|r| r.id);
                let hint = crate::util::did_you_mean(&rule, ids)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                eprintln!(
                    "dockmaster: error: unknown rule `{rule}`{hint} (`dockmaster rules` lists them)"
                );
                ExitCode::from(EXIT_ERROR)
            }
        },
    }
}

/// Write to stdout completely; a closed pipe ends the program quietly.
fn print_out(text: &str) -> ExitCode {
    match write_stdout(&[text]) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(EXIT_ERROR),
    }
}

fn write_stdout(parts: &[impl AsRef<str>]) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    let written = parts
        .iter()
        .try_for_each(|p| lock.write_all(p.as_ref().as_bytes()))
        .and_then(|()| lock.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// The `rules` table.
pub fn rules_table() -> String {
    let mut out = String::new();
    let width = rules::ALL
        .iter()
        .map(|r| r.id.len())
        .max()
        .unwrap_or(10)
        .max(4);
    out.push_str(&format!(
        "{:width$}  {:12}  {:10}  {:11}  {:7}  {}\n",
        "RULE", "CATEGORY", "PRODUCTION", "DEVELOPMENT", "FIX", "SUMMARY"
    ));
    for r in rules::ALL {
        out.push_str(&format!(
            "{:width$}  {:12}  {:10}  {:11}  {:7}  {}\n",
            r.id,
            r.category.as_str(),
            r.production.as_str(),
            r.development.as_str(),
            r.fixable.as_str(),
            r.summary
        ));
    }
    out
}

/// A rule's document with its metadata.
pub fn explain(r: &rules::Rule) -> String {
    format!(
        "{}\n\ncategory: {} · production: {} · development: {} · fixable: {}\n\n{}",
        r.id,
        r.category,
        r.production.as_str(),
        r.development.as_str(),
        r.fixable.as_str(),
        r.doc.trim_start_matches(|c| c != '\n').trim_start()
    )
}

/// One unit of linting: files merged into one project.
#[derive(Debug)]
pub struct Job {
    pub inputs: Vec<Input>,
    /// The preset from the command line or the first file's name.
    pub preset: Preset,
    /// Whether `preset` was given on the command line.
    pub preset_explicit: bool,
    /// The configuration file that applies.
    pub config: Option<Arc<config::Config>>,
    /// Found by walking a directory (the configuration's `exclude` applies);
    /// files named on the command line are always linted.
    pub walked: bool,
}

/// `path` relative to `base` when both are absolute (`../compose.yaml` for
/// a file found in a parent directory), else `path` as it is.
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    use std::path::Component;
    if !path.is_absolute() || !base.is_absolute() {
        return path.to_path_buf();
    }
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return path.to_path_buf();
    }
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c.as_os_str());
    }
    out
}

/// A `COMPOSE_*` setting as Compose reads it: from the process
/// environment, else from `--env-file` files or the `.env` of the working
/// directory; never with `--no-env`. Empty values count as unset.
fn compose_var(args: &CheckArgs, name: &str) -> Option<String> {
    if args.no_env {
        return None;
    }
    let options = EnvOptions {
        no_env: false,
        env_files: args.env_file.clone(),
        extra: Vec::new(),
        process: None,
    };
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    // An unreadable or malformed env file is reported when the project
    // loads; here it only means the setting is not there.
    let env = crate::load::env::Environment::load(&cwd, &options).ok()?;
    env.get(name).filter(|v| !v.is_empty()).map(str::to_string)
}

/// Decide which files to lint, grouped into projects: the files of one
/// `-f` list; a base file with the override file beside it; every other
/// file alone.
fn plan(args: &CheckArgs) -> (Vec<Job>, Vec<String>) {
    let mut groups: Vec<(Vec<Input>, bool)> = Vec::new();
    let mut errors = Vec::new();
    let mut stdin_used = false;
    let mut read_stdin = |errors: &mut Vec<String>| -> Option<Input> {
        if stdin_used {
            errors.push("standard input (`-`) can be read only once".to_string());
            return None;
        }
        stdin_used = true;
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().lock().read_to_end(&mut bytes) {
            errors.push(format!("standard input: {e}"));
            return None;
        }
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("<stdin>"));
        Some(Input::text(name, bytes))
    };
    if !args.file.is_empty() {
        let mut inputs = Vec::new();
        for f in &args.file {
            if f.as_os_str() == "-" {
                inputs.extend(read_stdin(&mut errors));
            } else {
                inputs.push(Input::file(f.clone()));
            }
        }
        groups.push((inputs, false));
    }
    if args.paths.is_empty() && args.file.is_empty() {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        if let Some(list) = compose_var(args, "COMPOSE_FILE") {
            let sep =
                compose_var(args, "COMPOSE_PATH_SEPARATOR").unwrap_or_else(|| ":".to_string());
            let files = list
                .split(sep.as_str())
                .filter(|f| !f.is_empty())
                .map(Input::file)
                .collect();
            groups.push((files, false));
        } else {
            match discover::default_files(&cwd) {
                Some(mut files) => {
                    if args.no_override {
                        files.truncate(1);
                    }
                    let rel = files
                        .iter()
                        .map(|f| Input::file(relative_to(f, &cwd)))
                        .collect();
                    groups.push((rel, false));
                }
                None => errors.push(format!(
                    "no Compose file found in {} or its parents (looked for {})",
                    cwd.display(),
                    discover::DEFAULT_NAMES.join(", ")
                )),
            }
        }
    }
    for path in &args.paths {
        if path.as_os_str() == "-" {
            if let Some(input) = read_stdin(&mut errors) {
                groups.push((vec![input], false));
            }
            continue;
        }
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                let (files, walk_errors) = discover::walk(path);
                for (p, e) in walk_errors {
                    errors.push(format!("{}: {e}", report::display_path(&p)));
                }
                if files.is_empty() {
                    errors.push(format!(
                        "{}: no Compose file found (looked for compose*.yaml, docker-compose*.yml, *.compose.yaml and their .yml/.yaml variants)",
                        report::display_path(path)
                    ));
                }
                for group in discover::group(&files, !args.no_override) {
                    groups.push((group.into_iter().map(Input::file).collect(), true));
                }
            }
            // Explicit files are always linted, whatever their name; the
            // loader reports what cannot be read.
            _ => {
                let group = if args.no_override {
                    vec![path.clone()]
                } else {
                    discover::with_override(path)
                };
                groups.push((group.into_iter().map(Input::file).collect(), false));
            }
        }
    }
    // The same project reached twice (a base file and its override both
    // named) is linted once.
    let mut seen: std::collections::HashSet<Vec<PathBuf>> = std::collections::HashSet::new();
    let mut jobs = Vec::new();
    for (inputs, walked) in groups {
        if inputs.is_empty() {
            continue;
        }
        let key: Vec<PathBuf> = inputs.iter().map(|i| i.path.clone()).collect();
        if !seen.insert(key) && inputs.iter().all(|i| i.content.is_none()) {
            continue;
        }
        let first = &inputs[0].path;
        let preset = match args.preset {
            Some(PresetArg::Production) => Preset::Production,
            Some(PresetArg::Development) => Preset::Development,
            None => Preset::for_file_name(
                &first
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default(),
            ),
        };
        jobs.push(Job {
            inputs,
            preset,
            preset_explicit: args.preset.is_some(),
            config: None,
            walked,
        });
    }
    (jobs, errors)
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    rayon::spawn(crate::model::schema::warm);
    let options = LoadOptions {
        limits: Limits {
            max_file_size: args.max_file_size,
            ..Limits::default()
        },
        env: EnvOptions {
            no_env: args.no_env,
            env_files: args.env_file.clone(),
            extra: Vec::new(),
            process: None,
        },
    };
    let outputs = match output::pair(&args.format, &args.output) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("dockmaster: error: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let selection = match run::Selection::from_args(args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("dockmaster: error: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let (mut jobs, mut errors) = plan(args);
    let finder = config::Finder::default();
    if let Err(e) = run::attach_configs(&mut jobs, args, &finder) {
        if let Some(message) = &e.unreadable {
            eprintln!("dockmaster: error: {message}");
            return ExitCode::from(EXIT_ERROR);
        }
        let mut out = String::new();
        let report = e.report();
        report::human::render_errors(&report, use_color_stderr(args.color), 100, &mut out);
        eprint!("{out}");
        return ExitCode::from(EXIT_ERROR);
    }
    if let Err(e) = selection.check_policies(&jobs) {
        eprintln!("dockmaster: error: {e}");
        return ExitCode::from(EXIT_ERROR);
    }
    let profiles: Option<Vec<String>> = if !args.profile.is_empty() {
        Some(
            args.profile
                .iter()
                .flat_map(|p| p.split(','))
                .map(|p| p.trim().to_string())
                .collect(),
        )
    } else {
        compose_var(args, "COMPOSE_PROFILES")
            .map(|v| v.split(',').map(|p| p.trim().to_string()).collect())
    };
    // Destinations are checked before linting: a usage error or an
    // unwritable file ends the run before any work.
    let mut pending = Vec::new();
    for out in &outputs {
        if let output::Destination::File(path) = &out.destination {
            match output::PendingFile::create(path) {
                Ok(p) => pending.push(Some(p)),
                Err(e) => {
                    eprintln!("dockmaster: error: {e}");
                    return ExitCode::from(EXIT_ERROR);
                }
            }
        } else {
            pending.push(None);
        }
    }
    if args.fix || args.diff {
        let profiles = profiles.as_deref();
        return fix::check(
            args, &jobs, &options, &selection, profiles, &outputs, pending, errors,
        );
    }
    let (mut report, load_errors, fails) = run::lint(
        &jobs,
        &options,
        &selection,
        profiles.as_deref(),
        args.fail_on,
    );
    errors.extend(load_errors);
    report.errors = errors.clone();
    let mut write_failed = false;
    for (out, file) in outputs.iter().zip(pending) {
        let to_stdout = out.destination == output::Destination::Stdout;
        let text = render(out.format, &report, args, to_stdout);
        match file {
            None => write_failed |= write_stdout(&text).is_err(),
            Some(file) => {
                if let Err(e) = file.commit(&text) {
                    errors.push(e);
                }
            }
        }
    }
    for e in &errors {
        eprintln!("dockmaster: error: {e}");
    }
    // The process ends with this function: freeing every finding, its
    // message and the sources one by one would only delay the exit (the
    // main thread alone, after the work is done).
    std::mem::forget(report);
    if !errors.is_empty() || write_failed {
        ExitCode::from(EXIT_ERROR)
    } else if fails {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

fn use_color_stderr(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    }
}

/// Render one format, in parts to write one after the other (the human
/// report comes in chunks; the others as one text). Only human output on a
/// terminal-bound standard output may be coloured; machine formats never
/// are.
fn render(format: Format, report: &Report, args: &CheckArgs, to_stdout: bool) -> Vec<String> {
    let mut out = String::new();
    let cwd = std::env::current_dir().ok();
    match format {
        Format::Human => {
            if !report.items.is_empty() || report.errors.is_empty() {
                let color = to_stdout && use_color(args.color);
                let width = if to_stdout && std::io::stdout().is_terminal() {
                    terminal_width().unwrap_or(100)
                } else {
                    100
                };
                return report::human::render_parts(report, color, width);
            }
        }
        Format::Compact => report::compact::render(report, &mut out),
        Format::Json => report::json::render(report, &mut out),
        Format::Sarif => report::sarif::render(report, cwd.as_deref(), &mut out),
        Format::Github => report::github::render(report, &mut out),
        Format::Gitlab => {
            let project_dir = std::env::var_os("CI_PROJECT_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from);
            let cwd = cwd.unwrap_or_else(|| PathBuf::from("."));
            report::gitlab::render(report, project_dir.as_deref(), &cwd, &mut out)
        }
        Format::Checkstyle => report::checkstyle::render(report, &mut out),
        Format::Junit => report::junit::render(report, &mut out),
        Format::Rdjson => report::rdjson::render(report, &mut out),
        Format::Rdjsonl => report::rdjson::render_lines(report, &mut out),
    }
    vec![out]
}

fn terminal_width() -> Option<usize> {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())
}

#[cfg(test)]
mod relative_tests {
    use super::relative_to;
    use std::path::{Path, PathBuf};

    #[test]
    fn paths_relative_to_the_working_directory() {
        let r = |p: &str, b: &str| relative_to(Path::new(p), Path::new(b));
        assert_eq!(
            r("/a/b/compose.yaml", "/a/b"),
            PathBuf::from("compose.yaml")
        );
        assert_eq!(
            r("/a/compose.yaml", "/a/b/c"),
            PathBuf::from("../../compose.yaml")
        );
        assert_eq!(
            r("/x/compose.yaml", "/a"),
            PathBuf::from("../x/compose.yaml")
        );
        assert_eq!(
            r("rel/compose.yaml", "/a"),
            PathBuf::from("rel/compose.yaml")
        );
    }
}
