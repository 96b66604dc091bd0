//! Report: diagnostics → text, one module per output format.
//!
//! Every format renders the same [`Report`]: the diagnostics of all linted
//! projects in deterministic order (path, position, rule id), each with the
//! sources it points into.

pub mod compact;
pub mod human;

use std::sync::Arc;

use crate::diag::{Diagnostic, Severity};
use crate::source::{SourceFile, SourceMap};

/// A diagnostic with the files it points into.
#[derive(Clone, Debug)]
pub struct Item {
    pub diag: Diagnostic,
    pub sources: Arc<SourceMap>,
}

impl Item {
    pub fn file(&self) -> &Arc<SourceFile> {
        self.sources.get(self.diag.primary.span.file)
    }

    /// 1-based line and column of the primary span's start.
    pub fn start(&self) -> (usize, usize) {
        self.file().line_col(self.diag.primary.span.start as usize)
    }

    /// 1-based line and column of the primary span's end.
    pub fn end(&self) -> (usize, usize) {
        self.file().line_col(self.diag.primary.span.end as usize)
    }

    pub fn path(&self) -> String {
        display_path(&self.file().path)
    }
}

pub use crate::source::display_path;

/// Everything a run found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub items: Vec<Item>,
    /// Number of files linted.
    pub files: usize,
}

impl Report {
    /// Add a project's diagnostics.
    pub fn extend(&mut self, sources: Arc<SourceMap>, diags: Vec<Diagnostic>) {
        self.items.extend(diags.into_iter().map(|diag| Item {
            diag,
            sources: sources.clone(),
        }));
    }

    /// Sort by path, position and rule id, and drop exact duplicates (a file
    /// linted as part of two projects).
    pub fn finish(&mut self) {
        self.items.sort_by_cached_key(|i| {
            (
                i.path(),
                i.diag.primary.span.start,
                i.diag.rule,
                i.diag.primary.span.end,
                i.diag.message.clone(),
            )
        });
        self.items.dedup_by(|a, b| {
            a.path() == b.path()
                && a.diag.primary.span.start == b.diag.primary.span.start
                && a.diag.primary.span.end == b.diag.primary.span.end
                && a.diag.rule == b.diag.rule
                && a.diag.message == b.diag.message
        });
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items
            .iter()
            .filter(|i| i.diag.severity == severity)
            .count()
    }

    /// Whether any finding is at or above `threshold`.
    pub fn fails(&self, threshold: Severity) -> bool {
        self.items.iter().any(|i| i.diag.severity >= threshold)
    }

    /// "3 problems (1 error, 2 warnings) in 2 files", or "No problems in 2
    /// files".
    pub fn summary(&self) -> String {
        let files = match self.files {
            1 => "1 file".to_string(),
            n => format!("{n} files"),
        };
        if self.items.is_empty() {
            return format!("No problems found in {files}.");
        }
        let mut parts = Vec::new();
        for (sev, one, many) in [
            (Severity::Error, "error", "errors"),
            (Severity::Warning, "warning", "warnings"),
            (Severity::Info, "info", "infos"),
        ] {
            match self.count(sev) {
                0 => {}
                1 => parts.push(format!("1 {one}")),
                n => parts.push(format!("{n} {many}")),
            }
        }
        let n = self.items.len();
        let problems = if n == 1 { "problem" } else { "problems" };
        format!("Found {n} {problems} ({}) in {files}.", parts.join(", "))
    }
}
