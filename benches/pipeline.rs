//! Benchmarks of the pipeline, stage by stage, over the same inputs:
//!
//! - `corpus`: every YAML file of the shared corpus of real Compose files
//!   (`$DOCKMASTER_CORPUS` or `../shared/corpus`; skipped with a notice when
//!   absent), each linted as its own project;
//! - `services-1000`, `services-20000`: one synthetic file with that many
//!   services (`benches/support`, generated here, not committed);
//! - `tree`: 10,000 small files in 2,000 directories (generated once under
//!   `target/bench-tree`).
//!
//! Stages, on one thread (the work, comparable between stages): `load_only`
//! (bytes to spanned tree to effective value), `model` (typed project and
//! schema validation), `rules` (every rule enabled in the preset, fixes
//! built, then suppressions), `render_human` and `render_json` (the report),
//! `lint_human` and `lint_json` (the command line's `run::lint` in a pool
//! of one thread, then the report in that format written to a file; fixes
//! built only for JSON, as the command line does).
//! On every core (the wall time a user sees): `load_parallel` (projects
//! loaded in parallel) and `lint_parallel` (the command line's `run::lint`,
//! then the human report written to a file). `tree` measures the directory
//! walk and the whole command as a process. Run: `cargo bench --bench
//! pipeline` (docs/performance.md).
//!
//! The benchmarks allocate with mimalloc, as the `dockmaster` binary does,
//! so that each stage costs what it costs a user.

mod support;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use divan::{Bencher, black_box};
use dockmaster::cli::Job;
use dockmaster::cli::args::Format;
use dockmaster::cli::run::{self, Selection};
use dockmaster::load::{Input, LoadOptions, LoadedProject, load_project_with};
use dockmaster::model::Project;
use dockmaster::report::{self, Report};
use dockmaster::rules::{Preset, Settings};

fn main() {
    divan::Divan::default()
        .sample_count(10)
        .sample_size(1)
        .config_with_args()
        .main();
}

const CASES: &[&str] = &["corpus", "services-1000", "services-20000"];

/// The projects of a case, read into memory (the file system is not
/// measured, except by `tree`).
fn projects(case: &str) -> &'static [Vec<Input>] {
    static CORPUS: LazyLock<Vec<Vec<Input>>> = LazyLock::new(corpus);
    static S1000: LazyLock<Vec<Vec<Input>>> = LazyLock::new(|| synthetic(1000));
    static S20000: LazyLock<Vec<Vec<Input>>> = LazyLock::new(|| synthetic(20_000));
    match case {
        "corpus" => &CORPUS,
        "services-1000" => &S1000,
        "services-20000" => &S20000,
        _ => unreachable!("unknown case {case}"),
    }
}

fn corpus() -> Vec<Vec<Input>> {
    let dir = std::env::var_os("DOCKMASTER_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if !dir.is_dir() {
        eprintln!(
            "notice: corpus not found at {} (set DOCKMASTER_CORPUS); the corpus cases measure nothing",
            dir.display()
        );
        return Vec::new();
    }
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read corpus").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")) {
                files.push(p);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read corpus file");
            vec![Input::text(p, bytes)]
        })
        .collect()
}

fn synthetic(n: usize) -> Vec<Vec<Input>> {
    vec![vec![Input::text(
        "compose.yaml",
        support::compose(n).into_bytes(),
    )]]
}

fn options() -> LoadOptions {
    let mut o = LoadOptions::default();
    o.env.no_env = true;
    o
}

fn settings(inputs: &[Input]) -> Settings {
    let name = inputs[0]
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Settings::new(Preset::for_file_name(&name))
}

fn load(inputs: &[Input]) -> Option<LoadedProject> {
    load_project_with(inputs, &options()).ok()
}

fn built(case: &str) -> Vec<(Project, Settings)> {
    projects(case)
        .iter()
        .filter_map(|p| Some((dockmaster::model::build(load(p)?), settings(p))))
        .collect()
}

fn render(report: &Report) -> Vec<String> {
    report::human::render_parts(report, false, 100)
}

fn render_json_text(report: &Report) -> Vec<String> {
    let mut out = String::new();
    report::json::render(report, &mut out);
    vec![out]
}

/// The report written as the command line writes it (`-o FILE`): its parts
/// one after the other into a new temporary file in `dir` (without the
/// command line's final `fsync`, which measures the disk, and its rename).
/// The file is returned, to be removed after the sample is timed: writing
/// over the last sample's file instead would time the kernel's freeing of
/// that file's pages (0.6 ms on the corpus), which the command line, that
/// writes a new file, does not do.
fn write(dir: &Path, parts: &[String]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new_in(dir).expect("create the report");
    dockmaster::cli::output::write_parts(file.as_file_mut(), parts).expect("write the report");
    file
}

/// A pool of one thread: the stages run in it, so that their times add up
/// to the work done.
fn one_thread<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    static POOL: LazyLock<rayon::ThreadPool> = LazyLock::new(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a thread pool")
    });
    POOL.install(f)
}

fn out_file() -> tempfile::NamedTempFile {
    tempfile::NamedTempFile::new().expect("temporary file")
}

fn out_dir() -> tempfile::TempDir {
    tempfile::TempDir::new().expect("temporary directory")
}

#[divan::bench(args = CASES)]
fn load_only(bencher: Bencher, case: &str) {
    let projects = projects(case);
    bencher.bench_local(|| {
        one_thread(|| {
            for p in projects {
                drop(black_box(load(p)));
            }
        })
    });
}

#[divan::bench(args = CASES)]
fn load_parallel(bencher: Bencher, case: &str) {
    use rayon::prelude::*;
    let projects = projects(case);
    bencher.bench_local(|| {
        projects.par_iter().for_each(|p| drop(black_box(load(p))));
    });
}

#[divan::bench(args = CASES)]
fn model(bencher: Bencher, case: &str) {
    let projects = projects(case);
    bencher
        .with_inputs(|| projects.iter().filter_map(|p| load(p)).collect::<Vec<_>>())
        .bench_local_values(|loaded| {
            one_thread(|| {
                for l in loaded {
                    drop(black_box(dockmaster::model::build(l)));
                }
            })
        });
}

#[divan::bench(args = CASES)]
fn rules(bencher: Bencher, case: &str) {
    let built = built(case);
    bencher.bench_local(|| {
        one_thread(|| {
            for (p, s) in &built {
                drop(black_box(dockmaster::check_project(p, s)));
            }
        })
    });
}

fn report(case: &str) -> Report {
    let mut report = Report::default();
    for (p, s) in built(case) {
        let kept = dockmaster::check_project(&p, &s).kept;
        report.files += p.sources.len();
        report.extend(Arc::new(p.sources), kept);
    }
    report.finish();
    report
}

#[divan::bench(args = CASES)]
fn render_human(bencher: Bencher, case: &str) {
    let report = report(case);
    bencher.bench_local(|| one_thread(|| drop(black_box(render(&report)))));
}

#[divan::bench(args = CASES)]
fn render_json(bencher: Bencher, case: &str) {
    let report = report(case);
    bencher.bench_local(|| one_thread(|| drop(black_box(render_json_text(&report)))));
}

/// The command line's jobs for a case: each project with the preset its
/// file name gives, no configuration.
fn jobs(case: &str) -> Vec<Job> {
    projects(case)
        .iter()
        .map(|inputs| Job {
            inputs: inputs.clone(),
            preset: settings(inputs).preset,
            preset_explicit: false,
            config: None,
            walked: false,
        })
        .collect()
}

/// The command line's lint (`run::lint`: load, model, rules and
/// suppressions for each project, the report put in order), then the
/// report rendered in `format` and written to a file. Fixes are built only
/// for a format that shows them, as the command line does. The report and
/// its file are returned, and freed after the sample is timed: the command
/// line never frees the report (it exits).
fn lint_command(jobs: &[Job], format: Format, dir: &Path) -> (Report, tempfile::NamedTempFile) {
    let selection = Selection {
        without_fixes: !format.shows_fixes(),
        ..Selection::default()
    };
    let (report, errors, _) = run::lint(jobs, &options(), &selection, None, None);
    assert!(errors.is_empty(), "{errors:?}");
    let text = match format {
        Format::Human => render(&report),
        Format::Json => render_json_text(&report),
        _ => unreachable!("no benchmark for {format:?}"),
    };
    let file = write(dir, &text);
    (report, file)
}

/// A report freed, after its sample is timed, by the thread that made it.
/// Freed by divan's thread instead, its memory would go back to the pool's
/// thread through the allocator's list of frees from other threads, which
/// the next sample would pay to collect: a cost of the benchmark, not of
/// the command line (which never frees the report).
struct FreedInPool(Option<(Report, tempfile::NamedTempFile)>);

impl Drop for FreedInPool {
    fn drop(&mut self) {
        let done = self.0.take();
        one_thread(move || drop(done));
    }
}

/// [`lint_command`] on one thread: the work of the whole lint, to compare
/// with the stages above.
fn lint(bencher: Bencher, case: &str, format: Format) {
    let jobs = jobs(case);
    let dir = out_dir();
    bencher
        .bench_local(|| FreedInPool(Some(one_thread(|| lint_command(&jobs, format, dir.path())))));
}

#[divan::bench(args = CASES)]
fn lint_human(bencher: Bencher, case: &str) {
    lint(bencher, case, Format::Human);
}

#[divan::bench(args = CASES)]
fn lint_json(bencher: Bencher, case: &str) {
    lint(bencher, case, Format::Json);
}

/// [`lint_command`] with the human report on every core (projects in
/// parallel): the wall time a user sees.
#[divan::bench(args = CASES)]
fn lint_parallel(bencher: Bencher, case: &str) {
    let jobs = jobs(case);
    let dir = out_dir();
    bencher.bench_local(|| lint_command(&jobs, Format::Human, dir.path()));
}

mod tree {
    use super::*;

    /// 10,000 files in 2,000 directories, made once.
    fn tree() -> &'static Path {
        static TREE: LazyLock<PathBuf> = LazyLock::new(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-tree");
            let marker = root.join(".complete");
            if !marker.exists() {
                let _ = std::fs::remove_dir_all(&root);
                let n = support::tree(&root, 2000).expect("make the tree");
                assert_eq!(n, 10_000);
                std::fs::write(&marker, "").expect("write the marker");
            }
            root
        });
        &TREE
    }

    #[divan::bench]
    fn walk(bencher: Bencher) {
        let root = tree();
        bencher.bench_local(|| {
            let (files, errors) = dockmaster::cli::discover::walk(root);
            assert_eq!((files.len(), errors.len()), (10_000, 0));
        });
    }

    /// `dockmaster check --format human -o FILE TREE` as a process: the
    /// walk, grouping, configuration lookup, parallel lint and writing.
    #[divan::bench]
    fn command(bencher: Bencher) {
        let root = tree();
        let out = out_file();
        bencher.bench_local(|| {
            let status = std::process::Command::new(env!("CARGO_BIN_EXE_dockmaster"))
                .args(["check", "--no-env", "-o"])
                .arg(out.path())
                .arg(root)
                .status()
                .expect("run dockmaster");
            assert_eq!(status.code(), Some(1));
        });
    }
}
