//! dockmaster: a linter and policy checker for Docker Compose files.
//!
//! The pipeline, one folder per stage; data flows one way:
//!
//! 1. [`load`]: files → spanned YAML trees → the effective value of a project
//!    (aliases, merge keys, documents and files merged).
//! 2. [`model`]: the effective value → a typed Compose [`model::Project`]
//!    whose every value keeps its span; schema validation.
//! 3. [`rules`]: one file per rule, each a check over the model producing
//!    [`diag::Finding`]s.
//!    [`suppress`] then applies the suppression comments; with `--fix`,
//!    [`fix`] applies the fixes of the findings and lints again.
//! 4. [`report`]: one module per output format.
//! 5. [`cli`]: the `dockmaster` command.

pub mod cli;
pub mod config;
pub mod diag;
pub mod fix;
pub mod load;
pub mod model;
pub mod report;
pub mod rules;
pub mod source;
pub mod span;
pub mod suppress;
pub mod util;

/// Run the rules over a project and apply its suppression comments: the
/// findings to report, and those silenced.
pub fn check_project(project: &model::Project, settings: &rules::Settings) -> suppress::Outcome {
    let diags = rules::run(project, settings);
    suppress::apply(project, diags, settings)
}
