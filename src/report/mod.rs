//! Report: diagnostics → text, one module per output format.
//!
//! Every format renders the same [`Report`]: the diagnostics of all linted
//! projects in deterministic order (path, position, rule id), each with the
//! sources it points into. Positions are byte spans until here; [`Position`]
//! turns them into the units each format documents (characters, UTF-16 code
//! units or UTF-8 bytes). `docs/formats.md` describes every format.

pub mod checkstyle;
pub mod compact;
pub mod fingerprint;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod rdjson;
pub mod sarif;
mod xml;

use std::cmp::Ordering;
use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, Severity};
use crate::source::{SourceFile, SourceMap};
use crate::span::Span;

/// The project's home: its source repository, where the rule documents
/// live. Machine formats link to it. The value is `repository` in
/// `Cargo.toml`, the single place to change it.
pub const HOMEPAGE: &str = env!("CARGO_PKG_REPOSITORY");

/// The tool's name in machine formats.
pub const TOOL_NAME: &str = "dockmaster";

/// The tool's version in machine formats.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The web address of a rule's document, `rules/<id>.md` in the
/// repository (also printed by `dockmaster explain <id>`).
pub fn rule_doc_url(id: &str) -> String {
    RuleDocUrl(id).to_string()
}

/// [`rule_doc_url`] as a `Display`, for writers that format it straight
/// into their output.
pub struct RuleDocUrl<'a>(pub &'a str);

impl std::fmt::Display for RuleDocUrl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{HOMEPAGE}/blob/main/rules/{}.md", self.0)
    }
}

/// [`RuleDocUrl`] pushed onto a text piece by piece, without the
/// formatting machinery (the JSON writer, once per finding).
pub(crate) fn push_doc_url(out: &mut String, id: &str) {
    out.push_str(HOMEPAGE);
    out.push_str("/blob/main/rules/");
    out.push_str(id);
    out.push_str(".md");
}

/// A place in a file, in every unit some format needs. Lines and columns
/// are 1-based; a span's end position is exclusive (the character after
/// the span).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// Line, counting `\n`, `\r\n` and a lone `\r` as line breaks.
    pub line: usize,
    /// Column in characters (Unicode scalar values).
    pub column: usize,
    /// Column in UTF-16 code units (SARIF, LSP).
    pub utf16_column: usize,
    /// Column in UTF-8 bytes (reviewdog).
    pub byte_column: usize,
    /// Byte offset in the file as stored: a UTF-8 byte order mark counts
    /// its 3 bytes, which lines and columns do not.
    pub offset: usize,
}

impl Position {
    pub fn of(file: &SourceFile, offset: usize) -> Position {
        let text: &str = &file.text;
        let offset = crate::source::floor_char_boundary(text, offset.min(text.len()));
        // Not counted from the line's start for each finding (100,000
        // findings on a line of 600 KB took 22 s): see `SourceFile::counts`.
        let (line, column, utf16_column) = file.counts(offset);
        let start = file.lines.line_start(line).min(offset);
        Position {
            line: line + 1,
            column: column + 1,
            utf16_column: utf16_column + 1,
            byte_column: offset - start + 1,
            offset: offset + if file.bom { 3 } else { 0 },
        }
    }
}

/// The start and (exclusive) end of a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub start: Position,
    pub end: Position,
    /// The line holding the span's last character (the start line for an
    /// empty span): the inclusive end line of line-based formats.
    pub last_line: usize,
}

impl Range {
    pub fn of(file: &SourceFile, span: Span) -> Range {
        let start = Position::of(file, span.start as usize);
        let end = Position::of(file, span.end as usize);
        let last_line = if span.is_empty() || end.line == start.line {
            end.line
        } else {
            file.lines
                .line_of((span.end as usize - 1).min(file.text.len()))
                .max(start.line - 1)
                + 1
        };
        Range {
            start,
            end,
            last_line,
        }
    }
}

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
        self.file().shown_path().to_owned()
    }

    /// The primary span's start and end.
    pub fn range(&self) -> Range {
        Range::of(self.file(), self.diag.primary.span)
    }

    /// The file a span points into, its path as shown, and the span's range.
    pub fn locate(&self, span: Span) -> (&Arc<SourceFile>, &str, Range) {
        let file = self.sources.get(span.file);
        (file, file.shown_path(), Range::of(file, span))
    }

    /// The text the finding flags: the primary span's text, or for an empty
    /// span the (trimmed) line it sits on. Content fingerprints hash it.
    pub fn flagged_text(&self) -> &str {
        let file = self.file();
        let span = self.diag.primary.span;
        if !span.is_empty() {
            return file.slice(span);
        }
        let line = file
            .lines
            .line_of((span.start as usize).min(file.text.len()));
        file.text[file.lines.line_range(&file.text, line)].trim()
    }
}

/// A path as a URI reference: `/` separators, every byte outside the
/// unreserved set percent-encoded (`:` too, so a relative path never reads
/// as a scheme).
pub fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b'\\' => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `path` relative to `base` when it lies under it (lexically, then after
/// resolving symbolic links); `None` otherwise. A relative `path` is taken
/// relative to `cwd`.
pub fn relative_to(path: &Path, base: &Path, cwd: &Path) -> Option<String> {
    let absolute = crate::source::normalize(&cwd.join(path));
    let base_abs = crate::source::normalize(&cwd.join(base));
    if let Ok(rel) = absolute.strip_prefix(&base_abs) {
        return Some(rel.to_string_lossy().replace('\\', "/"));
    }
    let absolute = std::fs::canonicalize(&absolute).ok()?;
    let base_abs = std::fs::canonicalize(&base_abs).ok()?;
    absolute
        .strip_prefix(&base_abs)
        .ok()
        .map(|rel| rel.to_string_lossy().replace('\\', "/"))
}

pub use crate::source::display_path;

/// Put one project's findings in the order of [`Report::finish`] (path as
/// shown, start, rule, end, message), where they are made: a report whose
/// projects were each put in order, and follow one another in the order of
/// their paths, is finished without sorting.
pub fn order(sources: &SourceMap, diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| order_key(sources, a, sources, b));
}

/// The runs of findings in one file of one project, in the report's order:
/// `None` unless each run is strictly in order on [`order_key`] (its
/// project's findings were put in order by [`order`]).
fn runs_in_order(items: &[Item]) -> Option<Vec<std::ops::Range<usize>>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=items.len() {
        if i == items.len()
            || !Arc::ptr_eq(&items[i - 1].sources, &items[i].sources)
            || items[i - 1].diag.primary.span.file != items[i].diag.primary.span.file
        {
            runs.push(start..i);
            start = i;
        } else if !before(&items[i - 1], &items[i]) {
            return None;
        }
    }
    Some(runs)
}

/// Put in order findings made of `runs` that are each in order (the usual
/// case: each project's findings were put in order by [`order`] while they
/// were fresh). The runs are put in order by their first findings; the runs
/// that overlap (a file reached by two projects with one path: duplicates)
/// go through [`sort_and_dedup`] together, every other run is moved whole.
/// On the corpus this replaced 1.2 ms of sorting all 6,600 findings and
/// moving them one by one through memory long gone cold.
fn merge_runs(mut items: Vec<Item>, runs: &[std::ops::Range<usize>]) -> Vec<Item> {
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&items[runs[a].start], &items[runs[b].start]);
        order_key(&a.sources, &a.diag, &b.sources, &b.diag)
    });
    // Clusters of overlapping runs, as ranges of `order`.
    let mut clusters = Vec::new();
    let mut first = 0;
    let mut last: Option<usize> = None;
    for (k, &r) in order.iter().enumerate() {
        let run = &runs[r];
        match last {
            Some(l) if !before(&items[l], &items[run.start]) => {
                if before(&items[l], &items[run.end - 1]) {
                    last = Some(run.end - 1);
                }
            }
            _ => {
                if k > first {
                    clusters.push(first..k);
                }
                first = k;
                last = Some(run.end - 1);
            }
        }
    }
    if order.len() > first {
        clusters.push(first..order.len());
    }
    if order.iter().enumerate().all(|(n, &r)| n == r) {
        // The runs came in order ([`Report::extend_ordered`]): only the
        // clusters of overlapping runs, each a stretch of the findings,
        // change.
        if clusters.len() == order.len() {
            return items;
        }
        let mut out = Vec::with_capacity(items.len());
        let mut items = items.into_iter();
        for cluster in clusters {
            let len = runs[cluster.end - 1].end - runs[cluster.start].start;
            let stretch = items.by_ref().take(len);
            if cluster.len() == 1 {
                out.extend(stretch);
            } else {
                out.extend(sort_and_dedup(stretch.collect()));
            }
        }
        return out;
    }
    let mut pieces: Vec<Vec<Item>> = runs
        .iter()
        .rev()
        .map(|r| items.split_off(r.start))
        .collect();
    pieces.reverse();
    let mut out = Vec::with_capacity(pieces.iter().map(Vec::len).sum());
    for cluster in clusters {
        if let [r] = order[cluster.clone()] {
            out.append(&mut pieces[r]);
            continue;
        }
        // The overlapping runs in the order they came (which copy of a
        // duplicate is kept does not depend on the order of the runs).
        let mut rs = order[cluster].to_vec();
        rs.sort_unstable();
        let mut together = Vec::new();
        for r in rs {
            together.append(&mut pieces[r]);
        }
        out.extend(sort_and_dedup(together));
    }
    out
}

/// Sort findings by path, position and rule id, and drop exact duplicates.
fn sort_and_dedup(items: Vec<Item>) -> Vec<Item> {
    // A finding reached through two projects (a file linted alone and
    // included by another) is kept once: the most severe copy, then the
    // one with a fix, then the one with the fewest related labels (the
    // file linted alone: no "included here"), whatever the order of the
    // command line; it takes the fix of another copy if it has none.
    use rayon::slice::ParallelSliceMut;
    // The keys borrow from the findings (no path or message is copied),
    // so the findings are put in order through their indexes.
    let order: Vec<(usize, Option<usize>)> = {
        // Paths are ranked once, not compared for each pair of findings:
        // a project's findings come together, so the rank is looked up
        // when the file changes; two files with one path share a rank.
        let mut paths: Vec<&str> = items.iter().map(|i| i.file().shown_path()).collect();
        paths.dedup();
        paths.sort_unstable();
        paths.dedup();
        let mut last: Option<(*const SourceFile, u32)> = None;
        let mut keys: Vec<_> = items
            .iter()
            .enumerate()
            .map(|(n, i)| {
                let d = &i.diag;
                let file = Arc::as_ptr(i.file());
                let rank = match last {
                    Some((f, rank)) if f == file => rank,
                    _ => {
                        let path = i.file().shown_path();
                        let rank = paths.partition_point(|p| *p < path) as u32;
                        last = Some((file, rank));
                        rank
                    }
                };
                (
                    rank,
                    d.primary.span.start,
                    d.rule,
                    d.primary.span.end,
                    d.message.as_str(),
                    std::cmp::Reverse(d.severity),
                    d.fix.is_none(),
                    d.related.len(),
                    n,
                )
            })
            .collect();
        keys.par_sort_unstable();
        // Dropping exact duplicates: same path, span, rule and message.
        // The first of each run is kept; a fix comes from the first
        // copy that has one.
        let mut order = Vec::with_capacity(keys.len());
        let mut runs = keys
            .chunk_by(|a, b| a.0 == b.0 && a.1 == b.1 && a.2 == b.2 && a.3 == b.3 && a.4 == b.4);
        for run in &mut runs {
            let kept = run[0].8;
            let donor = run.iter().find(|k| !k.6).map(|k| k.8);
            order.push((kept, donor.filter(|d| *d != kept)));
        }
        order
    };
    let mut items: Vec<Option<Item>> = items.into_iter().map(Some).collect();
    let mut sorted = Vec::with_capacity(order.len());
    for (kept, donor) in order {
        let fix = donor.and_then(|d| items[d].as_mut().and_then(|i| i.diag.fix.take()));
        if let Some(mut item) = items[kept].take() {
            if let Some(fix) = fix {
                item.diag.fix = Some(fix);
            }
            sorted.push(item);
        }
    }
    sorted
}

/// Whether finding `a` is strictly before `b` on [`order_key`].
fn before(a: &Item, b: &Item) -> bool {
    order_key(&a.sources, &a.diag, &b.sources, &b.diag).is_lt()
}

/// Compare two findings on the key that orders a report and decides which
/// findings are duplicates: the path as shown, the primary span's start,
/// the rule, the span's end, the message.
fn order_key(sa: &SourceMap, a: &Diagnostic, sb: &SourceMap, b: &Diagnostic) -> Ordering {
    let (fa, fb) = (sa.get(a.primary.span.file), sb.get(b.primary.span.file));
    let path = if Arc::ptr_eq(fa, fb) {
        Ordering::Equal
    } else {
        fa.shown_path().cmp(fb.shown_path())
    };
    path.then(a.primary.span.start.cmp(&b.primary.span.start))
        .then_with(|| a.rule.cmp(b.rule))
        .then(a.primary.span.end.cmp(&b.primary.span.end))
        .then_with(|| a.message.cmp(&b.message))
}

/// Everything a run found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub items: Vec<Item>,
    /// Number of files linted.
    pub files: usize,
    /// The paths (as shown) of the files linted, sorted, each once.
    pub paths: Vec<String>,
    /// Problems that kept files from being linted (a missing path...), as
    /// printed on standard error. Machine formats carry them too.
    pub errors: Vec<String>,
}

impl Report {
    /// Add a project's diagnostics.
    pub fn extend(&mut self, sources: Arc<SourceMap>, diags: Vec<Diagnostic>) {
        self.paths
            .extend(sources.iter().map(|(_, f)| f.shown_path().to_owned()));
        self.items.extend(diags.into_iter().map(|diag| Item {
            diag,
            sources: sources.clone(),
        }));
    }

    /// Add projects' diagnostics, each put in order by [`order`]: their
    /// runs of findings in one file are added in the order of their first
    /// findings, so that [`Report::finish`] finds the report in order (but
    /// for runs that overlap: a file reached by two projects) without
    /// moving a finding.
    pub fn extend_ordered(&mut self, projects: Vec<(Arc<SourceMap>, Vec<Diagnostic>)>) {
        let mut runs = Vec::with_capacity(projects.len());
        for (sources, mut diags) in projects {
            self.paths
                .extend(sources.iter().map(|(_, f)| f.shown_path().to_owned()));
            // A project's findings in several files: one run for each file,
            // cut from the end.
            let mut cut = diags.len();
            while let Some(last) = cut.checked_sub(1) {
                let file = diags[last].primary.span.file;
                let start = diags[..last]
                    .iter()
                    .rposition(|d| d.primary.span.file != file)
                    .map_or(0, |p| p + 1);
                if start == 0 {
                    runs.push((sources.clone(), diags));
                    break;
                }
                runs.push((sources.clone(), diags.split_off(start)));
                cut = start;
            }
        }
        // Stable: runs that start alike keep the order of their projects.
        runs.sort_by(|(sa, a), (sb, b)| order_key(sa, &a[0], sb, &b[0]));
        self.items.reserve(runs.iter().map(|(_, d)| d.len()).sum());
        for (sources, diags) in runs {
            self.items.extend(diags.into_iter().map(|diag| Item {
                diag,
                sources: sources.clone(),
            }));
        }
    }

    /// Sort by path, position and rule id, and drop exact duplicates (a file
    /// linted as part of two projects).
    pub fn finish(&mut self) {
        self.paths.sort();
        self.paths.dedup();
        let items = std::mem::take(&mut self.items);
        self.items = match runs_in_order(&items) {
            Some(runs) => merge_runs(items, &runs),
            None => sort_and_dedup(items),
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    #[test]
    fn positions_in_every_unit() {
        let file = SourceFile::new("x.yaml".into(), testing::BASE, false);
        let at = testing::BASE.find("50%").unwrap();
        let p = Position::of(&file, at);
        // `      note: "𝄞 ☕ ` precedes: 17 characters, 18 UTF-16 code units
        // (𝄞 is a surrogate pair), 22 bytes.
        assert_eq!(
            (p.line, p.column, p.utf16_column, p.byte_column, p.offset),
            (8, 18, 19, 23, at)
        );
        let bom = SourceFile::new("x.yaml".into(), testing::BASE, true);
        assert_eq!(Position::of(&bom, at).offset, at + 3);
    }

    /// In a file of ASCII the columns are taken from the byte offset; they
    /// are the counts, at every offset, and other texts take the counts.
    #[test]
    fn positions_without_counting_are_the_counts() {
        proptest::proptest!(|(text in "[a \t\n\u{e9}\u{1d11e}]{0,30}|[ab\t\r\n]{0,30}")| {
            let text = text.replace("\r\n", "\n").replace('\r', "\r\n");
            let file = SourceFile::new("x.yaml".into(), text.as_str(), false);
            for offset in 0..=text.len() + 2 {
                let p = Position::of(&file, offset);
                let (line, column) = file.lines.line_col(&text, offset);
                let (_, utf16) = file.lines.utf16_col(&text, offset);
                proptest::prop_assert_eq!((p.line, p.column, p.utf16_column), (line, column, utf16 + 1));
            }
        });
    }

    #[test]
    fn ranges_know_their_last_line() {
        let text = "a: 1\nb: 2\n";
        let file = SourceFile::new("x.yaml".into(), text, false);
        // The whole first line with its line break ends at 2:1 (exclusive)
        // but its last character is on line 1.
        let r = Range::of(&file, Span::new(FileId(0), 0, 5));
        assert_eq!(
            (r.start.line, r.end.line, r.end.column, r.last_line),
            (1, 2, 1, 1)
        );
        let r = Range::of(&file, Span::new(FileId(0), 5, 5));
        assert_eq!((r.end.line, r.last_line), (2, 2));
    }

    /// Findings put in order project by project are finished by merging
    /// their runs, into the order (with the duplicates dropped and the
    /// fixes taken) the full sort gives.
    #[test]
    fn findings_ordered_per_project_finish_as_the_full_sort() {
        let projects = testing::fixtures_and_corpus_findings();
        let shown = |items: &[Item]| -> Vec<_> {
            items
                .iter()
                .map(|i| {
                    let d = &i.diag;
                    (
                        i.path(),
                        d.primary.span.start,
                        d.primary.span.end,
                        d.rule,
                        d.message.clone(),
                        d.severity,
                        d.fix.is_some(),
                        d.related.len(),
                    )
                })
                .collect()
        };
        let report = |copies: usize, ordered: bool| {
            let mut r = Report::default();
            for _ in 0..copies {
                for (sources, diags) in &projects {
                    let mut diags = diags.clone();
                    if ordered {
                        order(sources, &mut diags);
                    }
                    r.extend(sources.clone(), diags);
                }
            }
            r
        };
        let unordered = report(1, false);
        assert!(
            runs_in_order(&unordered.items).is_none(),
            "the rules' order is not the report's"
        );
        let sorted = sort_and_dedup(unordered.items);
        assert!(sorted.windows(2).all(|w| before(&w[0], &w[1])));
        assert!(sorted.len() > 100, "{}", sorted.len());
        // Once, and every project twice (each finding a duplicate).
        for copies in [1, 2] {
            let ordered = report(copies, true);
            let runs = runs_in_order(&ordered.items).expect("runs in order");
            assert!(runs.len() > 10, "{}", runs.len());
            let merged = merge_runs(ordered.items.clone(), &runs);
            assert_eq!(shown(&merged), shown(&sorted), "{copies}");
            let mut finished = ordered;
            finished.finish();
            assert_eq!(shown(&finished.items), shown(&sorted), "{copies}");
            // Added run by run: in order already, but where two runs of
            // findings in files with one path overlap (duplicates).
            let mut added = Report::default();
            added.extend_ordered(
                (0..copies)
                    .flat_map(|_| &projects)
                    .map(|(sources, diags)| {
                        let mut diags = diags.clone();
                        order(sources, &mut diags);
                        (sources.clone(), diags)
                    })
                    .collect(),
            );
            for w in added.items.windows(2) {
                if !before(&w[0], &w[1]) {
                    assert_eq!(w[0].path(), w[1].path());
                }
            }
            added.finish();
            assert_eq!(shown(&added.items), shown(&sorted), "{copies}");
        }
    }

    #[test]
    fn a_duplicate_is_kept_once_whatever_the_order() {
        use crate::diag::{Diagnostic, Edit, Fix, Label, Severity};
        let mut sources = SourceMap::new();
        let id = sources.add(SourceFile::new("x.yaml".into(), "a: 1\n", false));
        let sources = Arc::new(sources);
        let diag = |fix: bool| Diagnostic {
            rule: "obsolete-version",
            category: "operability",
            severity: Severity::Warning,
            message: "m".to_string(),
            primary: Label {
                span: Span::new(id, 0, 1),
                message: String::new(),
            },
            related: Vec::new(),
            help: None,
            fix: fix.then(|| {
                Fix::safe(
                    "t",
                    vec![Edit {
                        span: Span::new(id, 0, 5),
                        replacement: String::new(),
                    }],
                )
            }),
        };
        for order in [[false, true], [true, false]] {
            let mut r = Report::default();
            for fix in order {
                r.extend(sources.clone(), vec![diag(fix)]);
            }
            r.finish();
            assert_eq!(r.items.len(), 1);
            assert!(r.items[0].diag.fix.is_some(), "{order:?}");
        }
        // Copies of different severities: the most severe is kept, and it
        // takes the fix of the other.
        let copies = |fix_on_error: bool| {
            let mut error = diag(fix_on_error);
            error.severity = Severity::Error;
            [error, diag(!fix_on_error)]
        };
        for fix_on_error in [false, true] {
            for reverse in [false, true] {
                let mut c = copies(fix_on_error);
                if reverse {
                    c.reverse();
                }
                let mut r = Report::default();
                for d in c {
                    r.extend(sources.clone(), vec![d]);
                }
                r.finish();
                assert_eq!(r.items.len(), 1);
                assert_eq!(r.items[0].diag.severity, Severity::Error);
                assert!(r.items[0].diag.fix.is_some(), "{fix_on_error} {reverse}");
            }
        }
        // Copies without a fix (a run that builds none): the one with the
        // fewest related labels (the file linted alone, not through an
        // `include`), whatever the order.
        let mut included = diag(false);
        included.related.push(Label {
            span: Span::new(id, 2, 3),
            message: "included here".to_string(),
        });
        for copies in [[included.clone(), diag(false)], [diag(false), included]] {
            let mut r = Report::default();
            for d in copies {
                r.extend(sources.clone(), vec![d]);
            }
            r.finish();
            assert_eq!(r.items.len(), 1);
            assert!(r.items[0].diag.related.is_empty());
        }
    }

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(uri_path("a b/ü:x.yaml"), "a%20b/%C3%BC%3Ax.yaml");
        assert_eq!(uri_path("dir\\f.yml"), "dir/f.yml");
    }
}

/// A report built by hand for the renderers' unit tests: findings with
/// related labels in the same and in another file, fixes (safe and unsafe,
/// one editing the other file), non-ASCII text before and inside spans,
/// characters every format must escape, and two findings that flag the same
/// text.
#[cfg(test)]
pub(crate) mod testing {
    use std::path::PathBuf;
    use std::sync::Arc;

    use crate::diag::{Diagnostic, Edit, Fix, Label, Severity};
    use crate::report::Report;
    use crate::source::{SourceFile, SourceMap};
    use crate::span::{FileId, Span};

    fn yaml_files(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                yaml_files(&p, out);
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")) {
                out.push(p);
            }
        }
    }

    /// Every finding of every rule over the fixtures and the corpus (when
    /// present: `$DOCKMASTER_CORPUS` or `../shared/corpus`), fixes built,
    /// each file its own project, in the order the rules made them.
    pub fn fixtures_and_corpus_findings() -> Vec<(Arc<SourceMap>, Vec<Diagnostic>)> {
        use crate::rules::{ALL, Preset, Settings};
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        yaml_files(&root.join("fixtures"), &mut files);
        let corpus = std::env::var_os("DOCKMASTER_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("../shared/corpus"));
        if corpus.is_dir() {
            yaml_files(&corpus, &mut files);
        } else {
            eprintln!(
                "notice: corpus not found at {}; fixtures only",
                corpus.display()
            );
        }
        files.sort();
        let ids: Vec<&'static str> = ALL.iter().map(|r| r.id).collect();
        let settings = Settings::only(Preset::Production, &ids);
        files
            .iter()
            .filter_map(|file| {
                let loaded = crate::load::load_project(
                    &[crate::load::Input::file(file)],
                    &crate::load::Limits::default(),
                )
                .ok()?;
                let project = crate::model::build(loaded);
                let kept = crate::check_project(&project, &settings).kept;
                Some((Arc::new(project.sources), kept))
            })
            .collect()
    }

    /// The report of [`fixtures_and_corpus_findings`], finished.
    pub fn fixtures_and_corpus_report() -> Report {
        let mut report = Report::default();
        for (sources, kept) in fixtures_and_corpus_findings() {
            report.files += sources.len();
            report.extend(sources, kept);
        }
        report.finish();
        report
    }

    pub const BASE: &str = "x-base: &base\n  privileged: maybe\nservices:\n  café:\n    <<: *base\n    imagé: \"nginx:1.27\"\n    labels:\n      note: \"𝄞 ☕ 50%, a:b\"\n      note: again\n    command: echo ${TAG} ${TAG}\n";
    pub const OTHER: &str = "services:\n  base:\n    privileged: maybe\n";

    fn span(file: FileId, text: &str, needle: &str, nth: usize) -> Span {
        let start = text
            .match_indices(needle)
            .nth(nth)
            .unwrap_or_else(|| panic!("{needle} #{nth}"))
            .0;
        Span::new(file, start, start + needle.len())
    }

    fn label(span: Span, message: &str) -> Label {
        Label {
            span,
            message: message.to_string(),
        }
    }

    fn diag(rule: &'static str, severity: Severity, message: &str, primary: Label) -> Diagnostic {
        Diagnostic {
            rule,
            category: "correctness",
            severity,
            message: message.to_string(),
            primary,
            related: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn sample_report() -> Report {
        let mut sources = SourceMap::new();
        let a = sources.add(SourceFile::new(
            PathBuf::from("fixtures/sample/compose.yaml"),
            BASE,
            false,
        ));
        let b = sources.add(SourceFile::new(
            PathBuf::from("fixtures/sample/common.yaml"),
            OTHER,
            false,
        ));
        let mut merged = diag(
            "schema",
            Severity::Error,
            "`privileged` of service `café` has an invalid value: invalid boolean `maybe`",
            label(span(a, BASE, "maybe", 0), ""),
        );
        merged
            .related
            .push(label(span(a, BASE, "*base", 0), "merged in here"));
        merged.help = Some("use `true` or `false`".into());

        let mut unknown = diag(
            "schema",
            Severity::Error,
            "unknown key `imagé` in service `café`; did you mean `image`? 100% <sure> & \"quoted\", a:b\nsecond line",
            label(span(a, BASE, "imagé", 0), "not a Compose key"),
        );
        unknown.fix = Some(Fix::safe(
            "Rename to `image`",
            vec![Edit {
                span: span(a, BASE, "imagé", 0),
                replacement: "image".to_string(),
            }],
        ));

        let second = span(a, BASE, "note", 1);
        let mut duplicate = diag(
            "duplicate-key",
            Severity::Warning,
            "key `note` is defined twice in `labels`",
            label(second, "defined again here"),
        );
        duplicate
            .related
            .push(label(span(a, BASE, "note", 0), "first defined here"));
        duplicate.related.push(label(
            span(b, OTHER, "privileged: maybe", 0),
            "applied by this file",
        ));
        let line_start = BASE[..second.start as usize].rfind('\n').unwrap() + 1;
        let line_end =
            BASE[second.start as usize..].find('\n').unwrap() + second.start as usize + 1;
        duplicate.fix = Some(Fix::unsafe_(
            "Remove the later key",
            vec![
                Edit {
                    span: Span::new(a, line_start, line_end),
                    replacement: String::new(),
                },
                Edit {
                    span: Span::new(b, 0, 0),
                    replacement: "# 𝄞 é\n".to_string(),
                },
            ],
        ));

        let mut report = Report::default();
        let mut diags = vec![merged, unknown, duplicate];
        for n in 0..2 {
            diags.push(diag(
                "interpolation-unset",
                Severity::Info,
                "variable `TAG` is not set",
                label(span(a, BASE, "TAG", n), ""),
            ));
        }
        report.extend(Arc::new(sources), diags);
        report.files = 2;
        report.finish();
        report
    }
}
