//! `--format gitlab`: a GitLab Code Quality report (the subset of the Code
//! Climate issue format GitLab reads), for `artifacts:reports:codequality`.
//!
//! A JSON array of `{description, check_name, fingerprint, severity,
//! location: {path, lines: {begin, end}}}`. GitLab keeps one issue per
//! fingerprint, so fingerprints are unique: a content hash of the rule id,
//! the path and the flagged text (never the line number, so an issue keeps
//! its identity when lines are added above it), with a counter for the same
//! mistake twice in one file. Paths are relative to `CI_PROJECT_DIR` when it
//! is set (GitLab resolves them against the repository root).
//!
//! Severities: error → `major`, warning → `minor`, info → `info`.
//! `critical` and `blocker` are not used: GitLab ranks issues by severity,
//! and a linter's error is a defect to fix, not an outage.

use std::path::Path;

use serde::Serialize;

use crate::diag::Severity;
use crate::report::fingerprint::content_fingerprints;
use crate::report::{Item, Report, relative_to};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// GitLab's severity for ours.
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// The path GitLab should see: relative to `project_dir` when the file lies
/// under it, else as shown.
fn path(item: &Item, project_dir: Option<&Path>, cwd: &Path) -> String {
    project_dir
        .and_then(|dir| relative_to(&item.file().path, dir, cwd))
        .unwrap_or_else(|| item.path())
}

/// Render the report. `project_dir` is `CI_PROJECT_DIR` when set; `cwd`
/// resolves relative paths against it.
pub fn render(report: &Report, project_dir: Option<&Path>, cwd: &Path, out: &mut String) {
    let paths: Vec<String> = report
        .items
        .iter()
        .map(|i| path(i, project_dir, cwd))
        .collect();
    let fingerprints = content_fingerprints(report, &paths);
    let issues: Vec<Issue> = report
        .items
        .iter()
        .zip(&paths)
        .zip(fingerprints)
        .map(|((item, path), fingerprint)| {
            let d = &item.diag;
            let r = item.range();
            Issue {
                // GitLab's widget does not show `check_name`.
                description: format!("{}: {}", d.rule, d.message),
                check_name: d.rule,
                fingerprint,
                severity: severity(d.severity),
                location: Location {
                    path,
                    lines: Lines {
                        begin: r.start.line,
                        end: r.last_line,
                    },
                },
            }
        })
        .collect();
    out.push_str(&serde_json::to_string_pretty(&issues).expect("JSON serialization"));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::sample_report;

    #[test]
    fn issues() {
        let mut out = String::new();
        render(&sample_report(), None, Path::new("/work"), &mut out);
        insta::assert_snapshot!(out);
    }

    #[test]
    fn fingerprints_are_unique() {
        let report = sample_report();
        let mut out = String::new();
        render(&report, None, Path::new("/work"), &mut out);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let fps: Vec<&str> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap())
            .collect();
        let unique: std::collections::HashSet<_> = fps.iter().collect();
        assert_eq!(unique.len(), fps.len());
    }

    #[test]
    fn paths_relative_to_the_project_dir() {
        let report = sample_report();
        let mut out = String::new();
        render(
            &report,
            Some(Path::new("/work/fixtures")),
            Path::new("/work"),
            &mut out,
        );
        assert!(out.contains("\"path\": \"sample/compose.yaml\""), "{out}");
        out.clear();
        render(
            &report,
            Some(Path::new("/elsewhere")),
            Path::new("/work"),
            &mut out,
        );
        assert!(
            out.contains("\"path\": \"fixtures/sample/compose.yaml\""),
            "{out}"
        );
    }
}
