//! Inline suppressions: comments that silence named rules where a person
//! decided a finding does not apply.
//!
//! ```yaml
//! services:
//!   web:
//!     image: nginx:latest  # dockmaster: ignore[image-tag] pinned by renovate
//!     # dockmaster: ignore[port-all-interfaces] behind the host firewall
//!     ports: ["8080:80"]
//! ```
//!
//! - `# dockmaster: ignore[rule, ...] reason` at the end of a line silences
//!   those rules on that line; on a line of its own it silences them on the
//!   next line that is not a comment.
//! - On a service's key line (`web:  # dockmaster: ignore[...]`, or just
//!   above it) it silences them for every finding inside the service.
//! - `# dockmaster: ignore-file[rule, ...] reason` among the comments at the
//!   top of a file silences them in the whole file.
//!
//! A finding is silenced by a comment on any line it points at: its primary
//! span or a related label (the merge site of a value from an anchor). A
//! suppression that silences nothing is reported (`unused-suppression`), as
//! is one without a reason when reasons are required
//! (`suppression-without-reason`).

use std::collections::HashMap;

use crate::diag::{Diagnostic, Label, Severity};
use crate::model::Project;
use crate::rules::{self, Settings};
use crate::span::{FileId, Span};
use crate::util::did_you_mean;

const MARKER: &str = "dockmaster:";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One line (and, on a service key line, the service).
    Line,
    /// The whole file.
    File,
}

/// One parsed suppression comment.
#[derive(Clone, Debug)]
pub struct Directive {
    pub file: FileId,
    /// The whole comment.
    pub span: Span,
    pub scope: Scope,
    /// The rule ids, each with its span in the comment.
    pub rules: Vec<(String, Span)>,
    pub reason: Option<String>,
    /// 0-based line the directive applies to (for `Scope::Line`).
    pub line: usize,
}

/// A malformed suppression comment.
#[derive(Clone, Debug)]
pub struct Malformed {
    pub span: Span,
    pub message: String,
}

/// Parse the suppression comments of a project's files.
pub fn directives(project: &Project) -> (Vec<Directive>, Vec<Malformed>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for facts in &project.files {
        let file = project.sources.get(facts.id);
        let text: &str = &file.text;
        let first_content = first_content_line(text);
        for c in &facts.comments {
            let body = c.text.trim_start();
            let Some(rest) = body.strip_prefix(MARKER) else {
                continue;
            };
            // Offset of `rest` in the file.
            let rest_at = c.span.start as usize + 1 + (c.text.len() - body.len()) + MARKER.len();
            let rest_trim = rest.trim_start();
            let rest_at = rest_at + (rest.len() - rest_trim.len());
            let (scope, after) = if let Some(a) = rest_trim.strip_prefix("ignore-file") {
                (Scope::File, a)
            } else if let Some(a) = rest_trim.strip_prefix("ignore") {
                (Scope::Line, a)
            } else {
                bad.push(Malformed {
                    span: c.span,
                    message: "unknown dockmaster directive: write `dockmaster: ignore[rule-id] reason` or `dockmaster: ignore-file[rule-id] reason`".to_string(),
                });
                continue;
            };
            let after_at = rest_at + (rest_trim.len() - after.len());
            let Some(inner) = after.strip_prefix('[') else {
                bad.push(Malformed {
                    span: c.span,
                    message: "a suppression names its rules in brackets: `ignore[rule-id, ...]`"
                        .to_string(),
                });
                continue;
            };
            let Some(close) = inner.find(']') else {
                bad.push(Malformed {
                    span: c.span,
                    message: "unclosed `[` in a suppression".to_string(),
                });
                continue;
            };
            let list_at = after_at + 1;
            let mut rules = Vec::new();
            let mut pos = 0;
            for part in inner[..close].split(',') {
                let trimmed = part.trim();
                let lead = part.len() - part.trim_start().len();
                if !trimmed.is_empty() {
                    let start = list_at + pos + lead;
                    rules.push((
                        trimmed.to_string(),
                        Span::new(facts.id, start, start + trimmed.len()),
                    ));
                }
                pos += part.len() + 1;
            }
            if rules.is_empty() {
                bad.push(Malformed {
                    span: c.span,
                    message: "a suppression must name at least one rule: `ignore[rule-id]`"
                        .to_string(),
                });
                continue;
            }
            let reason = inner[close + 1..].trim();
            let reason = (!reason.is_empty()).then(|| reason.to_string());
            let comment_line = file.lines.line_of(c.span.start as usize);
            if scope == Scope::File && comment_line > first_content.unwrap_or(usize::MAX) {
                bad.push(Malformed {
                    span: c.span,
                    message: "`ignore-file` must be among the comments at the top of the file, before any content".to_string(),
                });
                continue;
            }
            let line = if c.own_line {
                next_content_line(text, &file.lines, comment_line)
            } else {
                comment_line
            };
            out.push(Directive {
                file: facts.id,
                span: c.span,
                scope,
                rules,
                reason,
                line,
            });
        }
    }
    (out, bad)
}

/// The first line holding something other than blank space or a comment.
fn first_content_line(text: &str) -> Option<usize> {
    text.lines().position(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#') && t != "---"
    })
}

/// The first line after `line` that is not only a comment (blank lines
/// end the search: a suppression must sit right above what it silences).
fn next_content_line(text: &str, lines: &crate::source::LineIndex, line: usize) -> usize {
    let mut l = line + 1;
    while l < lines.line_count() {
        let t = text[lines.line_range(text, l)].trim();
        if t.starts_with('#') {
            l += 1;
            continue;
        }
        return l;
    }
    line
}

/// The outcome of applying suppressions to a project's findings.
pub struct Outcome {
    pub kept: Vec<Diagnostic>,
    /// Silenced findings, with the reason given.
    pub suppressed: Vec<(Diagnostic, Option<String>)>,
}

/// Silence the findings the project's comments name, and report
/// suppressions that are unused, malformed or (when required) without a
/// reason.
pub fn apply(project: &Project, diags: Vec<Diagnostic>, settings: &Settings) -> Outcome {
    let (directives, malformed) = directives(project);
    if directives.is_empty() && malformed.is_empty() {
        // Nothing to silence nor to report (most projects).
        return Outcome {
            kept: diags,
            suppressed: Vec::new(),
        };
    }
    let mut used = vec![vec![false; 0]; directives.len()];
    for (i, d) in directives.iter().enumerate() {
        used[i] = vec![false; d.rules.len()];
    }
    // Indexes, so that matching costs a few lookups per finding rather
    // than a pass over every directive and every service: the directives
    // of each file and of each line, and, per file, the bodies of the
    // services whose key line holds a directive.
    let mut file_scoped: HashMap<FileId, Vec<usize>> = HashMap::new();
    let mut at_line: HashMap<(FileId, usize), Vec<usize>> = HashMap::new();
    for (i, d) in directives.iter().enumerate() {
        match d.scope {
            Scope::File => file_scoped.entry(d.file).or_default().push(i),
            Scope::Line => at_line.entry((d.file, d.line)).or_default().push(i),
        }
    }
    let mut bodies: HashMap<FileId, Bodies> = HashMap::new();
    for s in project.services.values() {
        let f = project.sources.get(s.name.span.file);
        let line = f.lines.line_of(s.name.span.start as usize);
        if !at_line.contains_key(&(s.name.span.file, line)) {
            continue;
        }
        let body = if s.span.file == s.name.span.file {
            s.name.span.to(s.span)
        } else {
            s.name.span
        };
        bodies
            .entry(body.file)
            .or_default()
            .items
            .push((body, line));
    }
    for b in bodies.values_mut() {
        b.index();
    }
    let line_of = |span: Span| {
        project
            .sources
            .get(span.file)
            .lines
            .line_of(span.start as usize)
    };
    let mut kept = Vec::new();
    let mut suppressed = Vec::new();
    let mut candidates: Vec<usize> = Vec::new();
    for diag in diags {
        // Every directive that applies to the finding, whatever its rules:
        // one for its file, one on a line it points at (its primary span or
        // a related label), one on the key line of a service holding it.
        candidates.clear();
        let primary = diag.primary.span;
        candidates.extend(file_scoped.get(&primary.file).into_iter().flatten());
        for l in std::iter::once(&diag.primary).chain(diag.related.iter()) {
            let l: &Label = l;
            let at = (l.span.file, line_of(l.span));
            candidates.extend(at_line.get(&at).into_iter().flatten());
        }
        if let Some(b) = bodies.get(&primary.file) {
            b.containing(primary, |line| {
                candidates.extend(at_line.get(&(primary.file, line)).into_iter().flatten());
            });
        }
        // The first of them (in the order of the comments) naming the rule.
        candidates.sort_unstable();
        let hit = candidates.iter().find_map(|&i| {
            directives[i]
                .rules
                .iter()
                .position(|(r, _)| r == diag.rule)
                .map(|j| (i, j))
        });
        match hit {
            Some((i, j)) => {
                used[i][j] = true;
                suppressed.push((diag, directives[i].reason.clone()));
            }
            None => kept.push(diag),
        }
    }
    let level = |id: &str| rules::find(id).and_then(|r| settings.level(r).0.severity());
    if let Some(severity) = level("unused-suppression") {
        for m in &malformed {
            kept.push(meta(
                "unused-suppression",
                severity,
                m.span,
                m.message.clone(),
                None,
            ));
        }
        for (i, d) in directives.iter().enumerate() {
            for (j, (rule, span)) in d.rules.iter().enumerate() {
                if used[i][j] {
                    continue;
                }
                // A rule or policy that did not run in this run (off in
                // the preset, not selected, ignored) may well need the
                // suppression in another run: it cannot be judged here.
                let ran = match rules::find(rule) {
                    Some(r) => Some(settings.runs(r)),
                    None if settings.policies.iter().any(|p| p == rule) => {
                        Some(settings.runs_policy(rule))
                    }
                    None => None,
                };
                if ran == Some(false) {
                    continue;
                }
                if ran.is_none() {
                    let names = rules::ALL
                        .iter()
                        .map(|r| r.id)
                        .chain(settings.policies.iter().map(String::as_str));
                    let hint = did_you_mean(rule, names)
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    kept.push(meta(
                        "unused-suppression",
                        severity,
                        *span,
                        format!("unknown rule or policy `{rule}` in a suppression{hint}"),
                        Some("`dockmaster rules` lists the rule ids; policies are defined in the configuration file"),
                    ));
                } else {
                    kept.push(meta(
                        "unused-suppression",
                        severity,
                        *span,
                        format!("this suppression of `{rule}` silences nothing"),
                        Some("remove it: the finding it was written for is gone (or it is on the wrong line)"),
                    ));
                }
            }
        }
    }
    if let Some(severity) = level("suppression-without-reason") {
        for d in &directives {
            if d.reason.is_none() {
                kept.push(meta(
                    "suppression-without-reason",
                    severity,
                    d.span,
                    "this suppression gives no reason".to_string(),
                    Some("say why after the brackets: `# dockmaster: ignore[rule-id] reason`"),
                ));
            }
        }
    }
    Outcome { kept, suppressed }
}

/// Service bodies of one file, sorted by start, with the largest end among
/// each prefix: the bodies holding a span are found by a binary search and
/// a walk back that stops as soon as no earlier body reaches far enough.
#[derive(Default)]
struct Bodies {
    /// (body, 0-based line of the service key).
    items: Vec<(Span, usize)>,
    max_end: Vec<u32>,
}

impl Bodies {
    fn index(&mut self) {
        self.items.sort_by_key(|(b, _)| (b.start, b.end));
        let mut max = 0;
        self.max_end = self
            .items
            .iter()
            .map(|(b, _)| {
                max = max.max(b.end);
                max
            })
            .collect();
    }

    /// Call `f` with the key line of every body containing `span`.
    fn containing(&self, span: Span, mut f: impl FnMut(usize)) {
        let mut k = self.items.partition_point(|(b, _)| b.start <= span.start);
        while k > 0 && self.max_end[k - 1] >= span.end {
            k -= 1;
            let (body, line) = self.items[k];
            if body.contains(span) {
                f(line);
            }
        }
    }
}

fn meta(
    rule: &'static str,
    severity: Severity,
    span: Span,
    message: String,
    help: Option<&'static str>,
) -> Diagnostic {
    let category = rules::find(rule).map_or("meta", |r| r.category.as_str());
    Diagnostic {
        rule,
        category,
        severity,
        message,
        primary: Label {
            span,
            message: String::new(),
        },
        related: Vec::new(),
        help: help.map(Into::into),
        fix: None,
    }
}
