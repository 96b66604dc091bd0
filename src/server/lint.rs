//! Linting an open document as the command line lints a file, and turning
//! the findings into LSP diagnostics.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use lsp_types::{
    CodeDescription, Diagnostic as LspDiagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    DiagnosticTag, Location, NumberOrString, Position, Range, TextEdit, Uri,
};
use serde_json::json;

use crate::cli::Job;
use crate::cli::discover;
use crate::cli::run::{self, Selection};
use crate::config::{self, ConfigError};
use crate::diag::{Applicability, Diagnostic, Severity};
use crate::load::{Input, LoadOptions};
use crate::model::Project;
use crate::report::rule_doc_url;
use crate::rules::{self, Category, Preset};
use crate::server::position::{Converter, Encoding};
use crate::server::uri;
use crate::source::{SourceFile, SourceMap};
use crate::span::Span;

/// The `source` of every diagnostic.
pub const SOURCE: &str = "dockmaster";

/// An open document, as the client last sent it.
#[derive(Clone, Debug)]
pub struct Document {
    pub uri: String,
    /// The file behind a `file:` URI.
    pub path: Option<PathBuf>,
    pub language_id: String,
    pub version: i32,
    pub text: String,
}

impl Document {
    /// Whether the server lints it: a Compose file name as the command
    /// line's directory walk knows them (`compose*.y[a]ml`,
    /// `docker-compose*.y[a]ml`, `*.compose.y[a]ml`), or a document the
    /// client marks as Compose (`dockercompose`, VS Code's Docker
    /// extension's language id).
    pub fn is_compose(&self) -> bool {
        self.language_id == "dockercompose" || discover::is_compose_file_name(&self.file_name())
    }

    fn file_name(&self) -> String {
        match &self.path {
            Some(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            None => self
                .uri
                .rsplit(['/', ':'])
                .next()
                .unwrap_or_default()
                .to_string(),
        }
    }

    /// The path the loader sees: the file, or for an unsaved document
    /// (`untitled:`) its name in the working directory, as the command line
    /// shows standard input.
    pub fn lint_path(&self) -> PathBuf {
        self.path.clone().unwrap_or_else(|| {
            let name = self.file_name();
            PathBuf::from(if name.is_empty() {
                "compose.yaml".to_string()
            } else {
                name
            })
        })
    }
}

/// What the server knows while linting: the encoding, the working directory
/// and the open documents (their text wins over the disk).
pub struct Workspace<'a> {
    pub encoding: Encoding,
    pub cwd: &'a Path,
    pub open: HashMap<PathBuf, &'a Document>,
}

impl<'a> Workspace<'a> {
    pub fn new(
        encoding: Encoding,
        cwd: &'a Path,
        docs: impl Iterator<Item = &'a Document>,
    ) -> Self {
        let open = docs.map(|d| (absolute(cwd, &d.lint_path()), d)).collect();
        Workspace {
            encoding,
            cwd,
            open,
        }
    }

    fn absolute(&self, path: &Path) -> PathBuf {
        absolute(self.cwd, path)
    }

    fn open_doc(&self, path: &Path) -> Option<&'a Document> {
        self.open.get(&self.absolute(path)).copied()
    }

    /// The URI of a file: the client's own when the file is open.
    pub fn uri_of(&self, path: &Path) -> String {
        match self.open_doc(path) {
            Some(d) => d.uri.clone(),
            None => uri::from_path(path, self.cwd),
        }
    }

    /// A converter for a loaded file; the client's copy of an open file
    /// may keep a byte order mark the loader removed.
    fn converter<'f>(&self, file: &'f SourceFile) -> Converter<'f> {
        Converter::for_file(file, self.encoding, self.client_bom(file))
    }

    fn client_bom(&self, file: &SourceFile) -> bool {
        self.open_doc(&file.path)
            .is_some_and(|d| d.text.starts_with('\u{FEFF}'))
    }
}

fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    crate::source::normalize(&cwd.join(path))
}

/// Where a suppression comment for a finding may go: a line the suppression
/// engine matches against it.
#[derive(Clone, Debug)]
pub struct Target {
    pub file: Arc<SourceFile>,
    pub uri: String,
    /// 0-based line.
    pub line: usize,
    pub kind: TargetKind,
    /// The client's copy of the file keeps a byte order mark.
    pub client_bom: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// The line where the finding starts.
    Finding,
    /// The key line of the service holding the finding: the comment
    /// silences the rule in the whole service.
    Service(String),
    /// The line of a related label (a merge site...), in the service
    /// named.
    Related(Option<String>),
}

/// A published diagnostic and what code actions and hovers need of it.
#[derive(Clone, Debug)]
pub struct Entry {
    pub diagnostic: LspDiagnostic,
    /// The rule or policy id (`None` for errors that are no finding:
    /// unreadable files).
    pub id: Option<&'static str>,
    /// The rule's document (Markdown), for hovers.
    pub doc: Option<&'static str>,
    pub fix: Option<FixData>,
    /// Suppression targets in order of preference.
    pub targets: Vec<Target>,
}

/// A finding's fix as LSP edits.
#[derive(Clone, Debug, PartialEq)]
pub struct FixData {
    pub title: String,
    pub safe: bool,
    pub changes: BTreeMap<String, Vec<TextEdit>>,
}

impl FixData {
    fn to_json(&self) -> serde_json::Value {
        json!({
            "title": self.title,
            "applicability": if self.safe { "safe" } else { "unsafe" },
            "changes": self.changes,
        })
    }
}

/// The result of linting one document.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Diagnostics per URI: the document's and those of the other files of
    /// its project (its override file, included files) and of a broken
    /// configuration file. Every file of the project has an entry, empty
    /// when it has no finding.
    pub by_uri: BTreeMap<String, Vec<Entry>>,
    /// The files given to the loader (the document, its base or override
    /// file): their editor text is linted, so a change to one of them
    /// re-lints the document.
    pub inputs: Vec<PathBuf>,
}

/// Lint a document and its project.
pub fn lint(doc: &Document, ws: &Workspace<'_>) -> Outcome {
    let path = ws.absolute(&doc.lint_path());
    let mut out = Outcome {
        inputs: vec![path.clone()],
        ..Outcome::default()
    };
    out.by_uri.insert(doc.uri.clone(), Vec::new());
    let finder = config::Finder::default();
    let config = match finder.for_file(if doc.path.is_some() {
        &path
    } else {
        // Like standard input: from the working directory.
        Path::new("./-")
    }) {
        Ok(c) => c,
        Err(e) => {
            config_error(doc, &e, ws, &mut out);
            return out;
        }
    };
    if run::excluded(config.as_deref(), &path) {
        return out;
    }
    let group = if doc.path.is_some() {
        discover::with_override(&path)
    } else {
        vec![path.clone()]
    };
    out.inputs = group.clone();
    let inputs: Vec<Input> = group
        .iter()
        .map(|p| match ws.open_doc(p) {
            Some(d) => Input::text(p.clone(), d.text.as_bytes().to_vec()),
            None => Input::file(p.clone()),
        })
        .collect();
    let first_name = group[0]
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let job = Job {
        inputs,
        preset: Preset::for_file_name(&first_name),
        preset_explicit: false,
        config,
        walked: false,
    };
    let profiles: Option<Vec<String>> = std::env::var("COMPOSE_PROFILES")
        .ok()
        .filter(|v| !v.is_empty())
        .map(|v| v.split(',').map(|p| p.trim().to_string()).collect());
    match run::lint_job(
        &job,
        &job.inputs,
        &LoadOptions::default(),
        &Selection::default(),
        profiles.as_deref(),
    ) {
        Ok((project, diags)) => {
            for (_, f) in project.sources.iter() {
                out.by_uri.entry(ws.uri_of(&f.path)).or_default();
            }
            for d in &diags {
                let (uri, entry) = convert(d, &project.sources, Some(&project), ws);
                out.by_uri.entry(uri).or_default().push(entry);
            }
            // In reading order, as the command line reports.
            for entries in out.by_uri.values_mut() {
                entries.sort_by(|a, b| {
                    let key = |e: &Entry| {
                        let r = e.diagnostic.range;
                        (r.start, r.end, e.id)
                    };
                    key(a).cmp(&key(b))
                });
            }
        }
        Err(errors) => {
            let entries = out.by_uri.entry(doc.uri.clone()).or_default();
            for e in errors {
                entries.push(plain_error(format!(
                    "not linted: {}: {}",
                    crate::source::display_path(&e.path),
                    e.message
                )));
            }
        }
    }
    out
}

/// An error that is no finding, shown at the top of the document.
pub fn plain_error(message: String) -> Entry {
    Entry {
        diagnostic: LspDiagnostic {
            range: Range::new(Position::new(0, 0), Position::new(0, 0)),
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some(SOURCE.to_string()),
            message,
            ..LspDiagnostic::default()
        },
        id: None,
        doc: None,
        fix: None,
        targets: Vec::new(),
    }
}

/// A broken configuration file: its errors in its own file, and a pointer to
/// it on the document (the command line lints nothing then either).
fn config_error(doc: &Document, e: &ConfigError, ws: &Workspace<'_>, out: &mut Outcome) {
    let mut first: Option<Location> = None;
    let mut config_path = None;
    for d in &e.diagnostics {
        let (uri, entry) = convert(d, &e.sources, None, ws);
        if first.is_none() {
            first = Uri::from_str(&uri)
                .ok()
                .map(|u| Location::new(u, entry.diagnostic.range));
            config_path = Some(e.sources.get(d.primary.span.file).path.clone());
        }
        out.by_uri.entry(uri).or_default().push(entry);
    }
    let shown = config_path
        .map(|p| crate::source::display_path(&p))
        .unwrap_or_else(|| "the configuration file".to_string());
    let mut entry = plain_error(format!(
        "not linted: the configuration file {shown} has errors"
    ));
    entry.diagnostic.related_information = first.map(|location| {
        vec![DiagnosticRelatedInformation {
            location,
            message: "the first error".to_string(),
        }]
    });
    out.by_uri.entry(doc.uri.clone()).or_default().push(entry);
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// A finding as an LSP diagnostic, with the URI of the file it points into.
fn convert(
    d: &Diagnostic,
    sources: &SourceMap,
    project: Option<&Project>,
    ws: &Workspace<'_>,
) -> (String, Entry) {
    let locate = |span: Span| -> (String, Range) {
        let file = sources.get(span.file);
        (ws.uri_of(&file.path), ws.converter(file).range(span))
    };
    let (uri, range) = locate(d.primary.span);
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|l| {
            let (uri, range) = locate(l.span);
            Some(DiagnosticRelatedInformation {
                location: Location::new(Uri::from_str(&uri).ok()?, range),
                message: if l.message.is_empty() {
                    "related".to_string()
                } else {
                    l.message.clone()
                },
            })
        })
        .collect();
    let rule = rules::find(d.rule);
    let fix = d.fix.as_ref().map(|f| {
        let mut changes: BTreeMap<String, Vec<TextEdit>> = BTreeMap::new();
        for e in &f.edits {
            let (uri, range) = locate(e.span);
            changes
                .entry(uri)
                .or_default()
                .push(TextEdit::new(range, e.replacement.clone()));
        }
        FixData {
            title: f.title.clone(),
            safe: f.applicability == Applicability::Safe,
            changes,
        }
    });
    let diagnostic = LspDiagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description: rule.and_then(|r| {
            Some(CodeDescription {
                href: Uri::from_str(&rule_doc_url(r.id)).ok()?,
            })
        }),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: (d.rule == "unused-suppression").then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: fix.as_ref().map(|f| json!({ "fix": f.to_json() })),
    };
    let targets = match project {
        Some(p) if rule.is_none_or(|r| r.category != Category::Suppressions) => targets(d, p, ws),
        _ => Vec::new(),
    };
    let entry = Entry {
        diagnostic,
        id: Some(d.rule),
        doc: rule.map(|r| r.doc),
        fix,
        targets,
    };
    (uri, entry)
}

/// The lines a suppression comment for `d` may sit on, as the suppression
/// engine matches them, best first. For a finding inside a service: the
/// line where it starts, then the service's key line (the comment then
/// silences the rule in the whole service), then its related labels' lines.
/// For a finding whose text lies outside every service but that is
/// reported for one (a value from an anchor, shown with the service's merge
/// site): the related labels inside services first, since a comment on the
/// anchor's line would silence the rule for every service that merges it.
fn targets(d: &Diagnostic, project: &Project, ws: &Workspace<'_>) -> Vec<Target> {
    let service_of = |span: Span| {
        project.services.values().find(|s| {
            let body = if s.span.file == s.name.span.file {
                s.name.span.to(s.span)
            } else {
                s.name.span
            };
            body.contains(span)
        })
    };
    let mut out: Vec<Target> = Vec::new();
    let mut push = |span: Span, kind: TargetKind| {
        let file = project.sources.get(span.file);
        let line = file.lines.line_of(span.start as usize);
        if out
            .iter()
            .any(|t| Arc::ptr_eq(&t.file, file) && t.line == line)
        {
            return;
        }
        out.push(Target {
            file: file.clone(),
            uri: ws.uri_of(&file.path),
            line,
            kind,
            client_bom: ws.client_bom(file),
        });
    };
    let related_service = |l: &crate::diag::Label| service_of(l.span).map(|s| s.name.value.clone());
    match service_of(d.primary.span) {
        Some(s) => {
            push(d.primary.span, TargetKind::Finding);
            push(s.name.span, TargetKind::Service(s.name.value.clone()));
            for l in &d.related {
                push(l.span, TargetKind::Related(related_service(l)));
            }
        }
        None => {
            for l in &d.related {
                if let Some(name) = related_service(l) {
                    push(l.span, TargetKind::Related(Some(name)));
                }
            }
            push(d.primary.span, TargetKind::Finding);
            for l in &d.related {
                push(l.span, TargetKind::Related(None));
            }
        }
    }
    out
}
