//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "dockmaster",
    version,
    about = "A linter and policy checker for Docker Compose files",
    long_about = "A linter and policy checker for Docker Compose files.\n\nExit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 usage, I/O or configuration error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint Compose files.
    Check(Box<CheckArgs>),
    /// List every rule: id, category, level per preset, fixability.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// The rule id, e.g. `depends-on-condition`.
        rule: String,
    },
    /// Run the language server (LSP) on standard input and output, for
    /// editors (docs/editors.md).
    Server,
}

/// Output formats (`docs/formats.md` describes each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Rendered findings with source excerpts, for people.
    Human,
    /// One line per finding: `PATH:LINE:COL: SEVERITY[RULE-ID]: MESSAGE`.
    Compact,
    /// dockmaster's versioned JSON document (docs/json-format.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// Checkstyle XML.
    Checkstyle,
    /// JUnit XML: a test suite per file, a failing test case per finding.
    Junit,
    /// reviewdog's rdjson (DiagnosticResult).
    Rdjson,
    /// reviewdog's rdjsonl: one diagnostic per line.
    Rdjsonl,
}

impl Format {
    /// Whether the format carries the findings' fixes.
    pub fn shows_fixes(self) -> bool {
        matches!(
            self,
            Format::Json | Format::Sarif | Format::Rdjson | Format::Rdjsonl
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Compact => "compact",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Checkstyle => "checkstyle",
            Format::Junit => "junit",
            Format::Rdjson => "rdjson",
            Format::Rdjsonl => "rdjsonl",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PresetArg {
    Production,
    Development,
}

#[derive(Args, Debug, Clone)]
pub struct CheckArgs {
    /// Files or directories to lint; `-` reads standard input. Without a
    /// path, the Compose file of the current directory, found the way
    /// Docker Compose finds it.
    pub paths: Vec<PathBuf>,

    /// A Compose file of one project, merged in order like `docker compose
    /// -f` (repeatable; `-` is standard input).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Vec<PathBuf>,

    /// Lint the project with these profiles active (repeatable; `*` for
    /// all). Without it (and without COMPOSE_PROFILES) every service is
    /// linted.
    #[arg(long, value_name = "NAME")]
    pub profile: Vec<String>,

    /// Lint a base file without merging the `compose.override.yaml` beside
    /// it.
    #[arg(long)]
    pub no_override: bool,

    /// Output format (default human). Repeat it, with one `--output` per
    /// `--format` in the same order, to write several formats in one run.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Vec<Format>,

    /// Write the report to FILE instead of standard output (`-` is standard
    /// output). With several `--format`s, the n-th `--output` receives the
    /// n-th format.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Vec<PathBuf>,

    /// When to use colours in human output on standard output (files are
    /// never coloured).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Exit with 1 when a finding has this severity or a higher one
    /// (default: the configuration's `fail-on`, else `warning`).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Use this configuration file instead of looking for the nearest
    /// `.dockmaster.yml`.
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore configuration files.
    #[arg(long)]
    pub no_config: bool,

    /// Lint with this preset. Without it, files named like
    /// `compose.override.*`, `*.dev.*`, `*.development.*`, `*.local.*` or
    /// `*.test.*` (also `dev.compose.yaml`...) are linted as development,
    /// others as production.
    #[arg(long, value_enum)]
    pub preset: Option<PresetArg>,

    /// Run only these rules or categories (comma-separated or repeated). A
    /// selected rule that is off in the preset runs at warning.
    #[arg(long, value_delimiter = ',', value_name = "RULE|CATEGORY")]
    pub select: Vec<String>,

    /// Do not run these rules or categories (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "RULE|CATEGORY")]
    pub ignore: Vec<String>,

    /// Read interpolation variables from this file instead of `.env`
    /// (repeatable; later files win).
    #[arg(long, value_name = "FILE")]
    pub env_file: Vec<PathBuf>,

    /// Interpolate with only what the files and the command line say: ignore
    /// the process environment and `.env` (reproducible results); files
    /// given with `--env-file` are still read.
    #[arg(long)]
    pub no_env: bool,

    /// Make a suppression comment without a reason an error.
    #[arg(long)]
    pub require_reason: bool,

    /// The file name to show for standard input (`-`).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,

    /// Largest file to read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_file_size: u64,

    /// Apply the safe fixes to the linted files, then report what remains
    /// (docs/fixes.md). With `-`, print the fixed text on standard output.
    #[arg(long, help_heading = "Fixes")]
    pub fix: bool,

    /// With `--fix` or `--diff`, apply the unsafe fixes too (they may change
    /// how the project runs).
    #[arg(long, help_heading = "Fixes")]
    pub unsafe_fixes: bool,

    /// Change nothing: print a unified diff of what `--fix` would change on
    /// standard output; exit 1 when it would change something.
    #[arg(long, visible_alias = "dry-run", help_heading = "Fixes")]
    pub diff: bool,
}
