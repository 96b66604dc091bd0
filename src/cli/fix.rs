//! `check --fix`, `--unsafe-fixes` and `--diff`: the planned projects fixed
//! by the engine ([`crate::fix`]), the files written or shown as a diff, the
//! remaining findings reported, and a summary on standard error.
//!
//! Projects that share no file are fixed in parallel; projects sharing a
//! file (the same file named twice on the command line) one after the
//! other, each starting from the texts the previous one left. Files are
//! written only at the end, each atomically.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use rayon::prelude::*;

use crate::cli::args::CheckArgs;
use crate::cli::output::{Destination, Output, PendingFile};
use crate::cli::run::{self, Selection};
use crate::cli::{EXIT_ERROR, EXIT_FINDINGS, Job};
use crate::fix::{self, FileOutcome, Linted, NoteLevel, Options};
use crate::load::{Input, LoadOptions};
use crate::report::{self, Report};
use crate::source::display_path;

/// The identity of a file of the run.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Stdin,
    Path(PathBuf),
}

/// A file changed by the fixes of the run.
#[derive(Clone, Debug)]
struct Changed {
    /// The path as first given.
    path: PathBuf,
    /// The text as read (without BOM) and the text after fixing.
    original: Arc<str>,
    text: String,
    bom: bool,
    fixed: usize,
}

impl Changed {
    fn bytes(&self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + 3);
        if self.bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        out.extend_from_slice(text.as_bytes());
        out
    }

    fn is_changed(&self) -> bool {
        *self.original != *self.text
    }
}

/// What fixing one project gave.
struct Done {
    job: usize,
    result: Result<Linted, Vec<String>>,
    notes: Vec<fix::Note>,
}

/// The canonical path of a file (the path made absolute when it does not
/// exist).
fn key_of(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|d| d.join(path))
                .unwrap_or_else(|_| path.to_path_buf())
        };
        crate::source::normalize(&abs)
    })
}

/// Run `check` with `--fix` or `--diff`, after planning: fix, write or show,
/// report. Returns the exit code.
#[allow(clippy::too_many_arguments)]
pub fn check(
    args: &CheckArgs,
    jobs: &[Job],
    options: &LoadOptions,
    selection: &Selection,
    profiles: Option<&[String]>,
    outputs: &[Output],
    pending: Vec<Option<PendingFile>>,
    mut errors: Vec<String>,
) -> ExitCode {
    let diff = args.diff;
    let opts = Options {
        unsafe_fixes: args.unsafe_fixes,
        ..Options::default()
    };
    let keys: Vec<Vec<Key>> = jobs
        .iter()
        .map(|j| {
            j.inputs
                .iter()
                .map(|i| match i.content {
                    Some(_) => Key::Stdin,
                    None => Key::Path(key_of(&i.path)),
                })
                .collect()
        })
        .collect();
    let linted: HashSet<PathBuf> = keys
        .iter()
        .flatten()
        .filter_map(|k| match k {
            Key::Path(p) => Some(p.clone()),
            Key::Stdin => None,
        })
        .collect();
    let stdin: Option<Vec<u8>> = jobs
        .iter()
        .flat_map(|j| &j.inputs)
        .find_map(|i| i.content.clone());

    // Fix: projects sharing a file in one chain, chains in parallel.
    let chains = chains(&keys);
    let fixed: Vec<(Vec<Done>, BTreeMap<Key, Changed>)> = chains
        .par_iter()
        .map(|chain| {
            let mut changed: BTreeMap<Key, Changed> = BTreeMap::new();
            let mut done = Vec::new();
            for &j in chain {
                done.push(fix_job(
                    &jobs[j],
                    j,
                    &keys[j],
                    &linted,
                    &mut changed,
                    (options, selection, profiles),
                    opts,
                ));
            }
            (done, changed)
        })
        .collect();
    let mut done: Vec<Done> = Vec::new();
    let mut changed: BTreeMap<Key, Changed> = BTreeMap::new();
    for (d, c) in fixed {
        done.extend(d);
        changed.extend(c);
    }
    done.sort_by_key(|d| d.job);
    changed.retain(|_, c| c.is_changed());

    // Write or show.
    let mut out_bytes: Vec<u8> = Vec::new();
    let mut failed: HashSet<Key> = HashSet::new();
    let mut ordered: Vec<(&Key, &Changed)> = changed.iter().collect();
    ordered.sort_by_key(|(k, c)| (display_path(&c.path), (*k).clone()));
    if diff {
        for (_, c) in &ordered {
            let bom = if c.bom { "\u{FEFF}" } else { "" };
            out_bytes.extend_from_slice(
                fix::unified_diff(
                    &display_path(&c.path),
                    &format!("{bom}{}", c.original),
                    &format!("{bom}{}", c.text),
                )
                .as_bytes(),
            );
        }
    } else {
        for (k, c) in &ordered {
            if let Key::Path(_) = k
                && let Err(e) = fix::write_atomic(&c.path, &c.bytes(&c.original), &c.bytes(&c.text))
            {
                errors.push(e);
                failed.insert((*k).clone());
            }
        }
        if let Some(raw) = &stdin {
            match changed.get(&Key::Stdin) {
                Some(c) => out_bytes.extend_from_slice(&c.bytes(&c.text)),
                None => out_bytes.extend_from_slice(raw),
            }
        }
    }
    // A file that could not be written keeps its text.
    for k in &failed {
        if let Some(c) = changed.get_mut(k) {
            c.text = c.original.to_string();
            c.fixed = 0;
        }
    }
    let final_texts: HashMap<Key, String> = changed
        .iter()
        .map(|(k, c)| (k.clone(), c.text.clone()))
        .collect();
    changed.retain(|_, c| c.is_changed());

    // Findings that a later project of the chain or a failed write made
    // stale are linted again from the final texts.
    for d in &mut done {
        let Ok(linted) = &d.result else { continue };
        let job = &jobs[d.job];
        let own: HashSet<&Key> = keys[d.job].iter().collect();
        let stale = linted.project.sources.iter().any(|(_, f)| {
            let key = Key::Path(key_of(&f.path));
            // In a dry run only the project's own files hold new texts.
            (!diff || own.contains(&key)) && final_texts.get(&key).is_some_and(|t| *f.text != **t)
        });
        if stale {
            let inputs = with_texts(job, &keys[d.job], &changed);
            d.result = run::lint_job(job, &inputs, options, selection, profiles)
                .map(|(project, diags)| Linted { project, diags })
                .map_err(|es| load_errors(&es));
        }
    }

    // The report of what remains.
    let mut report = Report::default();
    let mut fails = false;
    let mut notes: Vec<fix::Note> = Vec::new();
    for d in done {
        notes.extend(d.notes);
        match d.result {
            Ok(linted) => {
                let t = run::threshold(&jobs[d.job], args.fail_on);
                fails |= linted.diags.iter().any(|x| x.severity >= t);
                report.files += linted.project.sources.len();
                report.extend(Arc::new(linted.project.sources), linted.diags);
            }
            Err(es) => errors.extend(es),
        }
    }
    report.finish();
    report.errors = errors.clone();
    notes.sort();
    notes.dedup();

    // Standard output holds the diff, or the fixed standard input; the
    // findings meant for it go to standard error then (with `--diff`, only
    // to files).
    let stdout_taken = diff || stdin.is_some();
    let mut write_failed = false;
    for (out, file) in outputs.iter().zip(pending) {
        let to_stdout = out.destination == Destination::Stdout;
        match file {
            None if stdout_taken => {
                if !diff {
                    for part in super::render(out.format, &report, args, false) {
                        eprint!("{part}");
                    }
                }
            }
            None => {
                let text = super::render(out.format, &report, args, to_stdout);
                write_failed |= super::write_stdout(&text).is_err();
            }
            Some(file) => {
                let text = super::render(out.format, &report, args, false);
                if let Err(e) = file.commit(&text) {
                    errors.push(e);
                }
            }
        }
    }
    if !out_bytes.is_empty() {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        if let Err(e) = lock.write_all(&out_bytes).and_then(|()| lock.flush())
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            write_failed = true;
        }
    }
    for n in &notes {
        let level = match n.level {
            NoteLevel::Note => "note",
            NoteLevel::Warning => "warning",
        };
        eprintln!("dockmaster: {level}: {}", n.message);
    }
    eprintln!("{}", summary(&changed, &report, opts, diff));
    for e in &errors {
        eprintln!("dockmaster: error: {e}");
    }
    if !errors.is_empty() || write_failed {
        ExitCode::from(EXIT_ERROR)
    } else if (diff && !changed.is_empty()) || (!diff && fails) {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// Fix one project, starting from the texts earlier projects of its chain
/// left, and record what it changed.
fn fix_job(
    job: &Job,
    index: usize,
    keys: &[Key],
    linted: &HashSet<PathBuf>,
    changed: &mut BTreeMap<Key, Changed>,
    (options, selection, profiles): (&LoadOptions, &Selection, Option<&[String]>),
    opts: Options,
) -> Done {
    let inputs = with_texts(job, keys, changed);
    let engine_keys: Vec<Option<PathBuf>> = keys
        .iter()
        .map(|k| match k {
            Key::Path(p) => Some(p.clone()),
            Key::Stdin => None,
        })
        .collect();
    let is_linted = |k: &Path| linted.contains(k);
    let files = fix::Files {
        key: &key_of,
        linted: &is_linted,
    };
    let lint = |inputs: &[Input]| {
        run::lint_job(job, inputs, options, selection, profiles)
            .map(|(project, diags)| Linted { project, diags })
    };
    match fix::fix_project(&inputs, &engine_keys, &files, &lint, opts) {
        Ok(outcome) => {
            for (f, key) in outcome.files.iter().zip(keys) {
                record(changed, key, f);
            }
            Done {
                job: index,
                result: Ok(outcome.linted),
                notes: outcome.notes,
            }
        }
        Err(es) => Done {
            job: index,
            result: Err(load_errors(&es)),
            notes: Vec::new(),
        },
    }
}

fn record(changed: &mut BTreeMap<Key, Changed>, key: &Key, f: &FileOutcome) {
    let Some(original) = &f.original else { return };
    if !f.changed() {
        return;
    }
    match changed.get_mut(key) {
        Some(c) => {
            c.text = f.text.clone();
            c.fixed += f.fixed;
        }
        None => {
            changed.insert(
                key.clone(),
                Changed {
                    path: f.path.clone(),
                    original: original.clone(),
                    text: f.text.clone(),
                    bom: f.bom,
                    fixed: f.fixed,
                },
            );
        }
    }
}

/// A job's inputs with the texts of the files already changed.
fn with_texts(job: &Job, keys: &[Key], changed: &BTreeMap<Key, Changed>) -> Vec<Input> {
    job.inputs
        .iter()
        .zip(keys)
        .map(|(input, key)| match changed.get(key) {
            Some(c) => Input::text(input.path.clone(), c.bytes(&c.text)),
            None => input.clone(),
        })
        .collect()
}

fn load_errors(es: &[crate::load::project::LoadError]) -> Vec<String> {
    es.iter()
        .map(|e| format!("{}: {}", report::display_path(&e.path), e.message))
        .collect()
}

/// Group the jobs that share a file into chains (in the order of the jobs).
fn chains(keys: &[Vec<Key>]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..keys.len()).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut owner: HashMap<&Key, usize> = HashMap::new();
    for (j, ks) in keys.iter().enumerate() {
        for k in ks {
            if let Some(&o) = owner.get(k) {
                let (a, b) = (find(&mut parent, o), find(&mut parent, j));
                parent[b.max(a)] = a.min(b);
            } else {
                owner.insert(k, j);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for j in 0..keys.len() {
        let root = find(&mut parent, j);
        groups.entry(root).or_default().push(j);
    }
    groups.into_values().collect()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "Fixed 3 problems in 2 files (1 fix left: use --unsafe-fixes)."
fn summary(changed: &BTreeMap<Key, Changed>, report: &Report, opts: Options, diff: bool) -> String {
    let fixed: usize = changed.values().map(|c| c.fixed).sum();
    let files = changed.len();
    let (mut unsafe_left, mut left) = (0, 0);
    for item in &report.items {
        if let Some(f) = &item.diag.fix {
            if opts.applies(f) {
                left += 1;
            } else {
                unsafe_left += 1;
            }
        }
    }
    let head = match (diff, fixed) {
        (false, 0) => "No problems fixed".to_string(),
        (true, 0) => "No problems would be fixed".to_string(),
        (false, n) => format!(
            "Fixed {} in {}",
            plural(n, "problem", "problems"),
            plural(files, "file", "files")
        ),
        (true, n) => format!(
            "Would fix {} in {}",
            plural(n, "problem", "problems"),
            plural(files, "file", "files")
        ),
    };
    let mut extra = Vec::new();
    if unsafe_left > 0 {
        extra.push(format!(
            "{} left: use --unsafe-fixes",
            plural(unsafe_left, "fix", "fixes")
        ));
    }
    if left > 0 {
        extra.push(format!("{} not applied", plural(left, "fix", "fixes")));
    }
    if extra.is_empty() {
        format!("{head}.")
    } else {
        format!("{head} ({}).", extra.join("; "))
    }
}
