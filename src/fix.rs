//! Fixes: applying the text edits that rules attach to their findings
//! (`dockmaster check --fix`, `--unsafe-fixes`, `--diff`).
//!
//! A stage after the rules. A [`Fix`] is a set of [`Edit`](crate::diag::Edit)s
//! at byte spans of the loaded text of a file (without its byte order mark),
//! so applying one changes exactly those bytes: comments, quoting,
//! indentation, anchors, key order and line breaks elsewhere stay as they
//! were.
//!
//! [`fix_project`] works on one project (the files linted together) in
//! rounds:
//!
//! 1. Collect the fixes of the findings (safe ones; unsafe ones too with
//!    [`Options::unsafe_fixes`]) whose edits all fall in files it may edit:
//!    the project's own input files, except one with a syntax error. An edit
//!    in any other file (an `extends` base or an `include`d file) is skipped
//!    with a [`Note`].
//! 2. Take the fixes whose edits do not overlap (fixes with identical edits,
//!    which several findings may share, count once); the others wait.
//! 3. Apply them to the texts and lint the project again, with the same
//!    settings (the caller's `lint`).
//! 4. If a file now has a `yaml-syntax`, `schema` or `duplicate-key` finding
//!    that was not there before, find the fix responsible by applying the
//!    round's fixes one at a time, keep the others and report the culprit
//!    (a bug in the rule: the user's file is never left broken).
//! 5. Repeat until no fix applies, up to [`MAX_ROUNDS`] rounds; a state
//!    seen before (fixes undoing each other) also stops the loop.
//!
//! Nothing here writes a file: the caller writes [`FileOutcome`]s with
//! [`write_atomic`] or shows them with [`unified_diff`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Applicability, Diagnostic, Fix};
use crate::load::project::LoadError;
use crate::load::{Input, ProblemKind};
use crate::model::Project;
use crate::rules::{self, Preset, Settings};
use crate::source::display_path;
use crate::span::{FileId, Span};

/// Most rounds of fixes applied to one project.
pub const MAX_ROUNDS: usize = 50;

/// The rules whose new findings mean that a fix broke a file.
pub const GUARDED: [&str; 3] = ["yaml-syntax", "schema", "duplicate-key"];

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Apply unsafe fixes too.
    pub unsafe_fixes: bool,
    pub max_rounds: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            unsafe_fixes: false,
            max_rounds: MAX_ROUNDS,
        }
    }
}

impl Options {
    /// Whether a fix is applied with these options.
    pub fn applies(&self, fix: &Fix) -> bool {
        fix.applicability == Applicability::Safe || self.unsafe_fixes
    }
}

/// A project as linted: the model and the findings left after suppressions.
pub struct Linted {
    pub project: Project,
    pub diags: Vec<Diagnostic>,
}

/// Lint a project from these inputs, always with the same settings.
pub type LintFn<'a> = dyn Fn(&[Input]) -> Result<Linted, Vec<LoadError>> + 'a;

/// What the engine needs to know about files beyond the project's inputs.
pub struct Files<'a> {
    /// The identity of a file: its canonical path.
    pub key: &'a (dyn Fn(&Path) -> PathBuf + Sync),
    /// Whether a file (by identity) is linted in its own right in this run,
    /// so that an edit in it is left to its own project without a note.
    pub linted: &'a (dyn Fn(&Path) -> bool + Sync),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoteLevel {
    /// A fix left out for a reason the user can act on.
    Note,
    /// A fix that misbehaved (a bug in a rule), or fixing that stopped early.
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    pub level: NoteLevel,
    pub message: String,
}

/// One input file of the project after fixing.
#[derive(Clone, Debug)]
pub struct FileOutcome {
    /// The path as given.
    pub path: PathBuf,
    /// The text as first loaded (without byte order mark); `None` when the
    /// file was not loaded as text the engine could use.
    pub original: Option<Arc<str>>,
    /// The text after fixing.
    pub text: String,
    /// Whether the file starts with a UTF-8 byte order mark (kept).
    pub bom: bool,
    /// Findings fixed in this file.
    pub fixed: usize,
}

impl FileOutcome {
    pub fn changed(&self) -> bool {
        self.original.as_deref().is_some_and(|o| o != self.text)
    }

    /// The bytes of the file as first loaded.
    pub fn original_bytes(&self) -> Vec<u8> {
        with_bom(self.bom, self.original.as_deref().unwrap_or(""))
    }

    /// The bytes to write.
    pub fn bytes(&self) -> Vec<u8> {
        with_bom(self.bom, &self.text)
    }
}

fn with_bom(bom: bool, text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 3);
    if bom {
        out.extend_from_slice(UTF8_BOM);
    }
    out.extend_from_slice(text.as_bytes());
    out
}

/// The result of fixing one project.
pub struct Outcome {
    /// The last lint: the findings that remain.
    pub linted: Linted,
    /// One per input, in order.
    pub files: Vec<FileOutcome>,
    pub notes: Vec<Note>,
    /// Rounds of fixes applied.
    pub rounds: usize,
}

/// One edit, resolved to an input file: (input, start, end, replacement).
type ResolvedEdit = (usize, usize, usize, String);

/// A fix that can be applied this round.
#[derive(Clone, Debug)]
struct Candidate {
    rule: &'static str,
    title: String,
    /// Where its finding is, `path:line:col`.
    at: String,
    /// Sorted by position.
    edits: Vec<ResolvedEdit>,
}

/// Fixes chosen for a round: one per distinct set of edits, with the number
/// of findings sharing it.
#[derive(Clone, Debug)]
struct Chosen {
    fix: Candidate,
    findings: usize,
}

/// Fix one project: see the module documentation. `inputs` are the
/// project's files (an input with `content` is not read from disk: standard
/// input, or a file already fixed by an earlier project of the run);
/// `keys` their identities (`None` for standard input).
pub fn fix_project(
    inputs: &[Input],
    keys: &[Option<PathBuf>],
    files: &Files<'_>,
    lint: &LintFn<'_>,
    options: Options,
) -> Result<Outcome, Vec<LoadError>> {
    let first = lint(inputs)?;
    let mut engine = Engine::new(inputs, keys, files, lint, options, &first);
    let linted = engine.run(first);
    Ok(Outcome {
        linted,
        files: engine.outcomes(),
        notes: engine.notes.into_iter().collect(),
        rounds: engine.rounds,
    })
}

struct Engine<'a> {
    inputs: &'a [Input],
    keys: &'a [Option<PathBuf>],
    files: &'a Files<'a>,
    lint: &'a LintFn<'a>,
    options: Options,
    originals: Vec<Option<Arc<str>>>,
    boms: Vec<bool>,
    /// Why an input may not be edited, if it may not.
    blocked: Vec<Option<String>>,
    texts: Vec<String>,
    fixed: Vec<usize>,
    /// Fixes that broke a file: never tried again.
    rejected: HashSet<(&'static str, Vec<ResolvedEdit>)>,
    /// Broken fixes already reported: (rule, title, file).
    reported: HashSet<(&'static str, String, String)>,
    notes: std::collections::BTreeSet<Note>,
    rounds: usize,
}

impl<'a> Engine<'a> {
    fn new(
        inputs: &'a [Input],
        keys: &'a [Option<PathBuf>],
        files: &'a Files<'a>,
        lint: &'a LintFn<'a>,
        options: Options,
        first: &Linted,
    ) -> Engine<'a> {
        let sources = &first.project.sources;
        let primaries = primaries(&first.project, inputs);
        let mut originals = Vec::new();
        let mut boms = Vec::new();
        let mut blocked = Vec::new();
        for (i, p) in primaries.iter().enumerate() {
            let Some(id) = *p else {
                originals.push(None);
                boms.push(false);
                blocked.push(Some("was not loaded".to_string()));
                continue;
            };
            let file = sources.get(id);
            originals.push(Some(file.text.clone()));
            boms.push(file.bom);
            let syntax = first.project.problems.iter().any(|p| {
                p.span.file == id && matches!(p.kind, ProblemKind::Syntax | ProblemKind::Budget)
            });
            let twice = keys[i].is_some()
                && keys
                    .iter()
                    .enumerate()
                    .any(|(j, k)| j != i && k.is_some() && *k == keys[i]);
            blocked.push(if syntax {
                Some("has a syntax error".to_string())
            } else if twice {
                Some("is given twice in the project".to_string())
            } else {
                None
            });
        }
        let texts = originals
            .iter()
            .map(|o| o.as_deref().unwrap_or("").to_string())
            .collect();
        Engine {
            inputs,
            keys,
            files,
            lint,
            options,
            originals,
            boms,
            blocked,
            texts,
            fixed: vec![0; inputs.len()],
            rejected: HashSet::new(),
            reported: HashSet::new(),
            notes: Default::default(),
            rounds: 0,
        }
    }

    fn outcomes(&self) -> Vec<FileOutcome> {
        (0..self.inputs.len())
            .map(|i| FileOutcome {
                path: self.inputs[i].path.clone(),
                original: self.originals[i].clone(),
                text: self.texts[i].clone(),
                bom: self.boms[i],
                fixed: self.fixed[i],
            })
            .collect()
    }

    fn note(&mut self, level: NoteLevel, message: String) {
        self.notes.insert(Note { level, message });
    }

    /// The inputs with the current texts of the editable files.
    fn inputs_for(&self, texts: &[String]) -> Vec<Input> {
        self.inputs
            .iter()
            .enumerate()
            .map(|(i, input)| {
                if self.blocked[i].is_none() {
                    Input::text(input.path.clone(), with_bom(self.boms[i], &texts[i]))
                } else {
                    input.clone()
                }
            })
            .collect()
    }

    fn run(&mut self, first: Linted) -> Linted {
        let mut current = first;
        let mut seen = HashSet::new();
        seen.insert(state_hash(&self.texts));
        // The rules whose fixes were applied, for a note.
        let mut applied = std::collections::BTreeSet::new();
        let mut base = breakage(&current.project);
        loop {
            let candidates = self.candidates(&current);
            if candidates.is_empty() {
                break;
            }
            if self.rounds >= self.options.max_rounds {
                let paths = self.paths_of(candidates.iter().flat_map(|c| &c.edits));
                self.note(
                    NoteLevel::Warning,
                    format!(
                        "stopped after {} rounds of fixes with fixes left in {paths}; run `dockmaster check --fix` again to apply them",
                        self.options.max_rounds
                    ),
                );
                break;
            }
            self.rounds += 1;
            let chosen = choose(candidates);
            let texts = self.apply(&chosen);
            let Ok(trial) = self.try_lint(&texts) else {
                break;
            };
            let trial_breakage = breakage(&trial.project);
            let new = broken(&base, &trial_breakage);
            let (accepted, texts, linted, linted_breakage) = if new.is_empty() {
                (chosen, texts, trial, trial_breakage)
            } else {
                let mut bad: Vec<String> = new.into_iter().map(|b| b.path).collect();
                bad.dedup();
                match self.isolate(&base, chosen, &bad) {
                    Ok(Some(r)) => r,
                    // Every fix of the round broke something; the fixes
                    // that waited come next.
                    Ok(None) => continue,
                    Err(()) => break,
                }
            };
            for c in &accepted {
                self.fixed[c.fix.edits[0].0] += c.findings;
                applied.insert(c.fix.rule);
            }
            self.texts = texts;
            current = linted;
            base = linted_breakage;
            if !seen.insert(state_hash(&self.texts)) {
                let rules: Vec<&str> = applied.iter().copied().collect();
                let paths = self.paths_of(accepted.iter().flat_map(|c| &c.fix.edits));
                self.note(
                    NoteLevel::Warning,
                    format!(
                        "the fixes of {} undo each other in {paths}; stopped after round {} (a bug in dockmaster: please report it)",
                        quoted_list(&rules),
                        self.rounds
                    ),
                );
                break;
            }
        }
        current
    }

    fn stop_on_errors(&mut self, errors: &[LoadError]) {
        let shown: Vec<String> = errors
            .iter()
            .map(|e| format!("{}: {}", display_path(&e.path), e.message))
            .collect();
        self.note(
            NoteLevel::Warning,
            format!(
                "stopped fixing: the project could not be loaded again ({})",
                shown.join("; ")
            ),
        );
    }

    /// Find the fixes of a round that broke a file: keep the fixes outside
    /// the files with a new problem (when that is enough), then add the
    /// others one at a time, rejecting each that breaks something. Returns
    /// the accepted fixes, their texts and lint (`None` when every fix was
    /// rejected); `Err` when the project could not be linted.
    #[allow(clippy::type_complexity)]
    fn isolate(
        &mut self,
        base: &Breakage,
        chosen: Vec<Chosen>,
        bad_paths: &[String],
    ) -> Result<Option<(Vec<Chosen>, Vec<String>, Linted, Breakage)>, ()> {
        let touches_bad = |c: &Chosen| {
            c.fix
                .edits
                .iter()
                .any(|e| bad_paths.contains(&display_path(&self.inputs[e.0].path)))
        };
        let (clean, dirty): (Vec<Chosen>, Vec<Chosen>) =
            chosen.iter().cloned().partition(|c| !touches_bad(c));
        let mut accepted: Vec<Chosen> = Vec::new();
        let mut last: Option<(Vec<String>, Linted, Breakage)> = None;
        let mut rest = chosen;
        if !clean.is_empty() && !dirty.is_empty() {
            let texts = self.apply(&clean);
            let trial = self.try_lint(&texts)?;
            let found = breakage(&trial.project);
            if broken(base, &found).is_empty() {
                accepted = clean;
                last = Some((texts, trial, found));
                rest = dirty;
            }
        }
        for c in rest {
            let mut with = accepted.clone();
            with.push(c.clone());
            let texts = self.apply(&with);
            let trial = self.try_lint(&texts)?;
            let found = breakage(&trial.project);
            match broken(base, &found).first() {
                None => {
                    accepted = with;
                    last = Some((texts, trial, found));
                }
                Some(b) => {
                    self.rejected.insert((c.fix.rule, c.fix.edits.clone()));
                    let path = c.fix.at.rsplitn(3, ':').last().unwrap_or("").to_string();
                    if !self
                        .reported
                        .insert((c.fix.rule, c.fix.title.clone(), path))
                    {
                        continue;
                    }
                    self.note(
                        NoteLevel::Warning,
                        format!(
                            "{}: the `{}` fix ({}) is not applied: it would make {} invalid (`{}`: {}) (a bug in dockmaster: please report it)",
                            c.fix.at, c.fix.rule, c.fix.title, b.path, b.rule, b.message
                        ),
                    );
                }
            }
        }
        Ok(last.map(|(texts, linted, found)| (accepted, texts, linted, found)))
    }

    fn try_lint(&mut self, texts: &[String]) -> Result<Linted, ()> {
        match (self.lint)(&self.inputs_for(texts)) {
            Ok(t) => Ok(t),
            Err(errors) => {
                self.stop_on_errors(&errors);
                Err(())
            }
        }
    }

    /// The texts with the chosen fixes applied.
    fn apply(&self, chosen: &[Chosen]) -> Vec<String> {
        let mut per_file: Vec<Vec<&ResolvedEdit>> = vec![Vec::new(); self.texts.len()];
        for c in chosen {
            for e in &c.fix.edits {
                per_file[e.0].push(e);
            }
        }
        per_file
            .into_iter()
            .enumerate()
            .map(|(i, mut edits)| {
                if edits.is_empty() {
                    return self.texts[i].clone();
                }
                edits.sort_by_key(|e| (e.1, e.2));
                splice(
                    &self.texts[i],
                    edits.iter().map(|e| (e.1, e.2, e.3.as_str())),
                )
            })
            .collect()
    }

    fn paths_of<'e>(&self, edits: impl Iterator<Item = &'e ResolvedEdit>) -> String {
        let mut paths: Vec<String> = edits
            .map(|e| display_path(&self.inputs[e.0].path))
            .collect();
        paths.sort();
        paths.dedup();
        paths.join(", ")
    }

    /// The fixes of this lint that may be applied now.
    fn candidates(&mut self, linted: &Linted) -> Vec<Candidate> {
        let project = &linted.project;
        let map = self.file_map(project);
        let mut out = Vec::new();
        for d in &linted.diags {
            let Some(fix) = &d.fix else { continue };
            if !self.options.applies(fix) || fix.edits.is_empty() {
                continue;
            }
            let at = location(project, d.primary.span);
            let mut edits = Vec::with_capacity(fix.edits.len());
            let mut skip = None;
            for e in &fix.edits {
                match self.resolve(project, &map, e.span) {
                    Ok(i) => edits.push((
                        i,
                        e.span.start as usize,
                        e.span.end as usize,
                        e.replacement.clone(),
                    )),
                    Err(reason) => {
                        skip = reason;
                        edits.clear();
                        break;
                    }
                }
            }
            if edits.is_empty() {
                if let Some(reason) = skip {
                    self.note(
                        NoteLevel::Note,
                        format!(
                            "{at}: the `{}` fix ({}) is not applied: {reason}",
                            d.rule, fix.title
                        ),
                    );
                }
                continue;
            }
            edits.sort();
            edits.dedup();
            if let Err(problem) = self.valid(&edits) {
                self.note(
                    NoteLevel::Warning,
                    format!(
                        "{at}: the `{}` fix ({}) is not applied: {problem} (a bug in dockmaster: please report it)",
                        d.rule, fix.title
                    ),
                );
                continue;
            }
            if self.rejected.contains(&(d.rule, edits.clone())) {
                continue;
            }
            out.push(Candidate {
                rule: d.rule,
                title: fix.title.clone(),
                at,
                edits,
            });
        }
        out
    }

    /// Whether edits can be applied to the current texts: in range, on
    /// character boundaries, not overlapping, and changing something.
    fn valid(&self, edits: &[ResolvedEdit]) -> Result<(), &'static str> {
        for (n, e) in edits.iter().enumerate() {
            let text = &self.texts[e.0];
            if e.1 > e.2 || e.2 > text.len() {
                return Err("an edit lies outside the file");
            }
            if !text.is_char_boundary(e.1) || !text.is_char_boundary(e.2) {
                return Err("an edit splits a character");
            }
            if edits[..n]
                .iter()
                .any(|o| o.0 == e.0 && conflicts((o.1, o.2), (e.1, e.2)))
            {
                return Err("its edits overlap");
            }
        }
        if edits.iter().all(|e| self.texts[e.0][e.1..e.2] == e.3) {
            return Err("it changes nothing");
        }
        Ok(())
    }

    /// Which input a span's file is, or why an edit there is skipped
    /// (`Err(None)`: skipped without a note).
    fn resolve(
        &self,
        project: &Project,
        map: &[Option<usize>],
        span: Span,
    ) -> Result<usize, Option<String>> {
        let Some(&slot) = map.get(span.file.0 as usize) else {
            return Err(Some("its edit is in an unknown file".to_string()));
        };
        let path = &project.sources.get(span.file).path;
        match slot {
            Some(i) => match &self.blocked[i] {
                None => Ok(i),
                Some(reason) => Err(Some(format!("{} {reason}", display_path(path)))),
            },
            None => {
                let key = (self.files.key)(path);
                if self
                    .keys
                    .iter()
                    .any(|k| k.as_deref() == Some(key.as_path()))
                {
                    // A second copy of an input file (loaded again through
                    // `extends` or `include`) whose text is older than the
                    // input's: the next run fixes it.
                    return Err(Some(format!(
                        "{} was loaded again through `extends` or `include`; run `dockmaster check --fix` again",
                        display_path(path)
                    )));
                }
                if (self.files.linted)(&key) {
                    Err(None)
                } else {
                    Err(Some(format!(
                        "its edit is in {}, which is not one of the linted files (it is included or extended); name it on the command line to fix it",
                        display_path(path)
                    )))
                }
            }
        }
    }

    /// For each file of the project, the input it is (when its text is the
    /// input's current text).
    fn file_map(&self, project: &Project) -> Vec<Option<usize>> {
        let sources = &project.sources;
        let mut map: Vec<Option<usize>> = vec![None; sources.len()];
        for (i, p) in primaries(project, self.inputs).into_iter().enumerate() {
            if let Some(id) = p
                && *sources.get(id).text == *self.texts[i]
            {
                map[id.0 as usize] = Some(i);
            }
        }
        let assigned: Vec<bool> = map.iter().map(Option::is_some).collect();
        for (id, file) in sources.iter() {
            if assigned[id.0 as usize] {
                continue;
            }
            let key = (self.files.key)(&file.path);
            map[id.0 as usize] = self.keys.iter().enumerate().find_map(|(i, k)| {
                (k.as_deref() == Some(key.as_path()) && *file.text == *self.texts[i]).then_some(i)
            });
        }
        map
    }
}

/// For each input, the file of the project loaded from it: the first one
/// with its path, in loading order.
fn primaries(project: &Project, inputs: &[Input]) -> Vec<Option<FileId>> {
    let mut taken: HashSet<FileId> = HashSet::new();
    inputs
        .iter()
        .map(|input| {
            let id = project
                .sources
                .iter()
                .find(|(id, f)| f.path == input.path && !taken.contains(id))
                .map(|(id, _)| id)?;
            taken.insert(id);
            Some(id)
        })
        .collect()
}

/// Choose the fixes of a round: fixes with the same edits once, then every
/// fix that does not conflict with one chosen before it (in order of
/// position).
fn choose(mut candidates: Vec<Candidate>) -> Vec<Chosen> {
    candidates.sort_by(|a, b| {
        let ka = a.edits.first().map(|e| (e.0, e.1, e.2));
        let kb = b.edits.first().map(|e| (e.0, e.1, e.2));
        ka.cmp(&kb).then(a.rule.cmp(b.rule))
    });
    let mut chosen: Vec<Chosen> = Vec::new();
    let mut same: HashMap<Vec<ResolvedEdit>, usize> = HashMap::new();
    // Per file, the chosen ranges by start.
    let mut taken: HashMap<usize, BTreeMap<(usize, usize), ()>> = HashMap::new();
    for c in candidates {
        if let Some(&n) = same.get(&c.edits) {
            chosen[n].findings += 1;
            continue;
        }
        let clash = c.edits.iter().any(|e| {
            taken
                .get(&e.0)
                .is_some_and(|ranges| clashes(ranges, (e.1, e.2)))
        });
        if clash {
            continue;
        }
        for e in &c.edits {
            taken.entry(e.0).or_default().insert((e.1, e.2), ());
        }
        same.insert(c.edits.clone(), chosen.len());
        chosen.push(Chosen {
            fix: c,
            findings: 1,
        });
    }
    chosen
}

/// Whether a range conflicts with any of a set of non-overlapping ranges.
fn clashes(ranges: &BTreeMap<(usize, usize), ()>, r: (usize, usize)) -> bool {
    // Only the range starting last at or before `r` and those starting
    // inside it can touch it.
    let before = ranges.range(..(r.0, usize::MAX)).next_back();
    let inside = ranges.range((r.0, 0)..=(r.1, usize::MAX));
    before
        .into_iter()
        .chain(inside)
        .any(|(&o, _)| conflicts(o, r))
}

/// Whether two edits of one file conflict: they overlap, or an insertion
/// touches the other (the order of the two would be a guess).
fn conflicts(a: (usize, usize), b: (usize, usize)) -> bool {
    if a.0 < b.1 && b.0 < a.1 {
        return true;
    }
    let touches =
        |ins: (usize, usize), o: (usize, usize)| ins.0 == ins.1 && o.0 <= ins.0 && ins.0 <= o.1;
    touches(a, b) || touches(b, a)
}

/// Apply sorted, non-overlapping edits.
fn splice<'e>(text: &str, edits: impl Iterator<Item = (usize, usize, &'e str)>) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for (start, end, replacement) in edits {
        out.push_str(&text[at..start]);
        out.push_str(replacement);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

fn state_hash(texts: &[String]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    texts.hash(&mut h);
    h.finish()
}

fn quoted_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// `path:line:col` of a span.
fn location(project: &Project, span: Span) -> String {
    let file = project.sources.get(span.file);
    let (line, col) = file.line_col(span.start as usize);
    format!("{}:{line}:{col}", file.shown_path())
}

/// The findings that mean a file is broken, counted by (file, rule,
/// message). Computed with the guarded rules on, whatever the configuration
/// says and however suppressed. Numbers in messages are left out: a fix
/// that moves lines changes `already defined at line 9` without adding a
/// problem.
type Breakage = HashMap<(String, &'static str, String), usize>;

fn breakage(project: &Project) -> Breakage {
    let mut out: Breakage = HashMap::new();
    for d in rules::run(project, &Settings::only(Preset::Production, &GUARDED)) {
        let path = project
            .sources
            .get(d.primary.span.file)
            .shown_path()
            .to_owned();
        *out.entry((path, d.rule, without_numbers(&d.message)))
            .or_insert(0) += 1;
    }
    out
}

/// A message with each run of digits replaced by `#`.
fn without_numbers(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_number = false;
    for c in message.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            out.push(c);
            in_number = false;
        }
    }
    out
}

/// A guarded finding that a fix introduced.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Broken {
    path: String,
    rule: &'static str,
    message: String,
}

/// The guarded findings of `project` that `base` does not have.
fn broken(base: &Breakage, found: &Breakage) -> Vec<Broken> {
    let mut out: Vec<Broken> = found
        .iter()
        .filter(|(k, n)| base.get(*k).copied().unwrap_or(0) < **n)
        .map(|((path, rule, message), _)| Broken {
            path: path.clone(),
            rule,
            message: message.clone(),
        })
        .collect();
    out.sort();
    out
}

/// A unified diff of a file's change (3 lines of context), with the path as
/// shown in both headers (`patch -p0` and `git apply -p0` read it). Empty
/// when nothing changed.
pub fn unified_diff(shown: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(shown, shown)
        .to_string()
}

/// Replace a file's contents atomically: a temporary file in the same
/// directory, written completely and given the file's permissions (and,
/// where possible, its owner), is renamed over it. A symbolic link is
/// followed (the link stays). Refused, with the file left as it was, when
/// the file or its directory is read-only or when the file no longer holds
/// `expected` (changed by someone else meanwhile).
pub fn write_atomic(path: &Path, expected: &[u8], contents: &[u8]) -> Result<(), String> {
    let shown = display_path(path);
    let fail =
        |why: String| format!("cannot write the fixes to {shown}: {why}; it is left unchanged");
    let target = std::fs::canonicalize(path).map_err(|e| fail(io_message(&e)))?;
    let meta = std::fs::metadata(&target).map_err(|e| fail(io_message(&e)))?;
    if !meta.is_file() {
        return Err(fail("it is not a regular file".to_string()));
    }
    if meta.permissions().readonly() {
        return Err(fail("the file is read-only".to_string()));
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let dir_meta = std::fs::metadata(&dir).map_err(|e| fail(io_message(&e)))?;
    if dir_meta.permissions().readonly() {
        return Err(fail(format!(
            "its directory {} is read-only",
            display_path(&dir)
        )));
    }
    match std::fs::read(&target) {
        Ok(now) if now == expected => {}
        Ok(_) => {
            return Err(fail(
                "it changed while dockmaster was fixing it".to_string(),
            ));
        }
        Err(e) => return Err(fail(io_message(&e))),
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".dockmaster-fix")
        .tempfile_in(&dir)
        .map_err(|e| fail(io_message(&e)))?;
    temp.write_all(contents)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| fail(io_message(&e)))?;
    temp.as_file()
        .set_permissions(meta.permissions())
        .map_err(|e| fail(io_message(&e)))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Best effort: only a privileged user can give a file away.
        let _ = std::os::unix::fs::fchown(temp.as_file(), Some(meta.uid()), Some(meta.gid()));
    }
    temp.persist(&target)
        .map(|_| ())
        .map_err(|e| fail(io_message(&e.error)))
}

fn io_message(e: &std::io::Error) -> String {
    crate::load::project::io_message(e).replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicts_between_edits() {
        // Overlapping replacements.
        assert!(conflicts((0, 5), (4, 8)));
        // Adjacent replacements do not conflict.
        assert!(!conflicts((0, 5), (5, 8)));
        // An insertion at the start, inside or at the end of a replacement
        // does (which comes first would be a guess).
        assert!(conflicts((3, 3), (3, 8)));
        assert!(conflicts((5, 5), (3, 8)));
        assert!(conflicts((8, 8), (3, 8)));
        assert!(!conflicts((9, 9), (3, 8)));
        // Two insertions at one place.
        assert!(conflicts((4, 4), (4, 4)));
        assert!(!conflicts((4, 4), (5, 5)));
    }

    #[test]
    fn clashes_looks_at_neighbours() {
        let mut ranges = BTreeMap::new();
        for r in [(0, 2), (10, 12), (20, 20)] {
            ranges.insert(r, ());
        }
        assert!(clashes(&ranges, (1, 3)));
        assert!(clashes(&ranges, (5, 11)));
        assert!(clashes(&ranges, (20, 25)));
        assert!(clashes(&ranges, (12, 12)));
        assert!(!clashes(&ranges, (2, 10)));
        assert!(!clashes(&ranges, (13, 19)));
    }

    fn candidate(rule: &'static str, edits: &[(usize, usize, &str)]) -> Candidate {
        Candidate {
            rule,
            title: String::new(),
            at: String::new(),
            edits: edits
                .iter()
                .map(|&(s, e, r)| (0, s, e, r.to_string()))
                .collect(),
        }
    }

    #[test]
    fn choose_counts_shared_fixes_once_and_defers_conflicts() {
        let chosen = choose(vec![
            candidate("b", &[(10, 12, "x")]),
            candidate("a", &[(0, 4, "")]),
            candidate("a", &[(0, 4, "")]),
            candidate("c", &[(11, 15, "y")]),
        ]);
        let summary: Vec<(&str, usize)> = chosen.iter().map(|c| (c.fix.rule, c.findings)).collect();
        assert_eq!(summary, vec![("a", 2), ("b", 1)]);
    }

    #[test]
    fn splice_applies_in_order() {
        let out = splice("abcdef", [(0, 1, "A"), (2, 2, "+"), (4, 6, "")].into_iter());
        assert_eq!(out, "Ab+cd");
    }

    #[test]
    fn diffs_keep_line_breaks_and_mark_a_missing_final_one() {
        assert_eq!(unified_diff("x", "a\n", "a\n"), "");
        let d = unified_diff("c.yaml", "a: 1\r\nb: 2", "a: 1\r\nb: 3");
        assert!(
            d.starts_with("--- c.yaml\n+++ c.yaml\n@@ -1,2 +1,2 @@\n"),
            "{d:?}"
        );
        assert!(d.contains("-b: 2\n\\ No newline at end of file\n"), "{d:?}");
        assert!(d.contains(" a: 1\r\n"), "{d:?}");
    }

    // The engine with stand-in rules: each test rule reads the text and
    // returns findings with fixes; the guarded rules are the real ones.

    use crate::diag::{Edit, Label, Severity};

    fn finding(rule: &'static str, span: Span, replacement: &str) -> Diagnostic {
        Diagnostic {
            rule,
            category: "style",
            severity: Severity::Warning,
            message: format!("{rule} fires"),
            primary: Label {
                span,
                message: String::new(),
            },
            related: Vec::new(),
            help: None,
            fix: Some(Fix::safe(
                format!("{rule} edit"),
                vec![Edit {
                    span,
                    replacement: replacement.to_string(),
                }],
            )),
        }
    }

    /// Findings at every occurrence of `word` in the first file.
    fn at_word(
        project: &Project,
        rule: &'static str,
        word: &str,
        replacement: &str,
    ) -> Vec<Diagnostic> {
        let text = &project.sources.get(FileId(0)).text;
        text.match_indices(word)
            .map(|(i, w)| finding(rule, Span::new(FileId(0), i, i + w.len()), replacement))
            .collect()
    }

    fn run_rules(
        text: &str,
        options: Options,
        rules: impl Fn(&Project) -> Vec<Diagnostic>,
    ) -> Outcome {
        let lint = |inputs: &[Input]| -> Result<Linted, Vec<LoadError>> {
            let loaded = crate::load::load_project(inputs, &crate::load::Limits::default())?;
            let project = crate::model::build(loaded);
            let diags = rules(&project);
            Ok(Linted { project, diags })
        };
        let key = |p: &Path| p.to_path_buf();
        let linted = |_: &Path| false;
        let files = Files {
            key: &key,
            linted: &linted,
        };
        let inputs = [Input::text("compose.yaml", text)];
        fix_project(
            &inputs,
            &[Some(PathBuf::from("compose.yaml"))],
            &files,
            &lint,
            options,
        )
        .expect("loads")
    }

    const BASE: &str = "services:\n  web:\n    image: foo\n";

    #[test]
    fn overlapping_fixes_are_applied_in_rounds() {
        let out = run_rules(BASE, Options::default(), |p| {
            let mut d = at_word(p, "a-rename", "foo", "bar");
            let text = &p.sources.get(FileId(0)).text;
            if !text.contains(":1.0") {
                let word = if text.contains("foo") { "foo" } else { "bar" };
                let pinned = format!("{word}:1.0");
                d.extend(at_word(p, "b-pin", word, &pinned));
            }
            d
        });
        assert_eq!(out.files[0].text, "services:\n  web:\n    image: bar:1.0\n");
        assert_eq!((out.rounds, out.files[0].fixed), (2, 2));
        assert!(out.notes.is_empty(), "{:?}", out.notes);
    }

    #[test]
    fn a_fix_that_breaks_the_file_is_found_and_left_out() {
        let out = run_rules(BASE, Options::default(), |p| {
            let text = &p.sources.get(FileId(0)).text;
            let mut d = at_word(p, "a-break", "image: foo", "image: [foo");
            if !text.starts_with('#') {
                d.push(finding(
                    "b-comment",
                    Span::new(FileId(0), 0, 0),
                    "# fixed\n",
                ));
            }
            d
        });
        assert_eq!(out.files[0].text, format!("# fixed\n{BASE}"));
        assert_eq!(out.files[0].fixed, 1);
        assert_eq!(out.notes.len(), 1, "{:?}", out.notes);
        let note = &out.notes[0];
        assert_eq!(note.level, NoteLevel::Warning);
        assert!(
            note.message.starts_with("compose.yaml:3:5: the `a-break` fix (a-break edit) is not applied: it would make compose.yaml invalid (`yaml-syntax`: "),
            "{}",
            note.message
        );
        // The remaining findings are those of the fixed text.
        assert!(out.linted.diags.iter().all(|d| d.rule == "a-break"));
    }

    #[test]
    fn fixes_that_undo_each_other_stop() {
        let out = run_rules(BASE, Options::default(), |p| {
            let mut d = at_word(p, "flip", "foo", "bar");
            d.extend(at_word(p, "flop", "bar", "foo"));
            d
        });
        assert_eq!(out.files[0].text, BASE);
        assert_eq!(out.rounds, 2);
        assert!(
            out.notes[0]
                .message
                .contains("the fixes of `flip` and `flop` undo each other in compose.yaml; stopped after round 2"),
            "{:?}",
            out.notes
        );
    }

    #[test]
    fn the_round_limit_is_reported() {
        let options = Options {
            max_rounds: 3,
            ..Options::default()
        };
        let out = run_rules("x-n: 1\nservices: {}\n", options, |p| {
            let text = &p.sources.get(FileId(0)).text;
            let n: usize = text[5..text.find('\n').unwrap()].parse().unwrap();
            vec![finding(
                "count",
                Span::new(FileId(0), 5, text.find('\n').unwrap()),
                &(n + 1).to_string(),
            )]
        });
        assert_eq!(out.files[0].text, "x-n: 4\nservices: {}\n");
        assert_eq!(out.rounds, 3);
        assert_eq!(
            out.notes[0].message,
            "stopped after 3 rounds of fixes with fixes left in compose.yaml; run `dockmaster check --fix` again to apply them"
        );
    }

    #[test]
    fn unsafe_fixes_need_the_option_and_bad_edits_are_refused() {
        let rules = |p: &Project| {
            let mut d = at_word(p, "risky", "foo", "bar");
            for x in &mut d {
                x.fix.as_mut().unwrap().applicability = Applicability::Unsafe;
            }
            // An edit past the end, and one that changes nothing.
            let len = p.sources.get(FileId(0)).text.len();
            d.push(finding("past-end", Span::new(FileId(0), len, len + 4), "x"));
            d.extend(at_word(p, "no-op", "web", "web"));
            d
        };
        let out = run_rules(BASE, Options::default(), rules);
        assert_eq!(out.files[0].text, BASE);
        let notes: Vec<&str> = out.notes.iter().map(|n| n.message.as_str()).collect();
        assert_eq!(
            notes,
            [
                "compose.yaml:2:3: the `no-op` fix (no-op edit) is not applied: it changes nothing (a bug in dockmaster: please report it)",
                "compose.yaml:4:1: the `past-end` fix (past-end edit) is not applied: an edit lies outside the file (a bug in dockmaster: please report it)",
            ]
        );
        let out = run_rules(
            BASE,
            Options {
                unsafe_fixes: true,
                ..Options::default()
            },
            rules,
        );
        assert_eq!(out.files[0].text, BASE.replace("foo", "bar"));
    }

    #[test]
    fn moving_an_existing_problem_is_not_breaking_the_file() {
        // The duplicate key's message names a line that the fix moves.
        let text = "x-a: 1\nservices:\n  web:\n    image: foo\n    image: bar\n";
        let out = run_rules(text, Options::default(), |p| {
            let text = &p.sources.get(FileId(0)).text;
            if text.starts_with("x-a") {
                vec![finding("drop-first", Span::new(FileId(0), 0, 7), "")]
            } else {
                Vec::new()
            }
        });
        assert!(out.notes.is_empty(), "{:?}", out.notes);
        assert_eq!(out.files[0].text, &text[7..]);
        assert_eq!(
            without_numbers("at line 12, column 3"),
            "at line #, column #"
        );
    }
}
