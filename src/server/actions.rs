//! Code actions (fixes and suppressions) and hovers over published
//! diagnostics.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use std::sync::Arc;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic as LspDiagnostic, Hover,
    HoverContents, MarkupContent, MarkupKind, Position, Range, TextEdit, Uri, WorkspaceEdit,
};

use crate::server::lint::{Entry, FixData, Target, TargetKind};
use crate::server::position::{Converter, Encoding};
use crate::server::suppression::Layout;
use crate::source::SourceFile;
use crate::span::Span;

/// Whether two ranges share a position (ends included, so that a cursor
/// at either end of a diagnostic, or an empty range, counts).
fn touches(a: &Range, b: &Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

fn contains(r: &Range, p: Position) -> bool {
    r.start <= p && p <= r.end
}

/// The same diagnostic as the client sends it back.
fn same(a: &LspDiagnostic, b: &LspDiagnostic) -> bool {
    a.range == b.range && a.code == b.code && a.message == b.message
}

// `lsp_types::Uri` caches parts of itself in cells, but hashes and compares
// by its text, which never changes: a sound key.
#[allow(clippy::mutable_key_type)]
fn workspace_edit(changes: &BTreeMap<String, Vec<TextEdit>>) -> WorkspaceEdit {
    let mut map = HashMap::new();
    for (uri, edits) in changes {
        if let Ok(u) = Uri::from_str(uri) {
            map.insert(u, edits.clone());
        }
    }
    WorkspaceEdit::new(map)
}

fn fix_action(entry: &Entry, fix: &FixData) -> CodeAction {
    let title = if fix.safe {
        format!("Fix: {}", fix.title)
    } else {
        format!("Fix (unsafe, changes behaviour): {}", fix.title)
    };
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![entry.diagnostic.clone()]),
        edit: Some(workspace_edit(&fix.changes)),
        is_preferred: Some(fix.safe),
        ..CodeAction::default()
    }
}

/// The suppression comment for an entry, on the first of its target lines
/// where a comment can go without changing the YAML; failing that, a
/// file-wide suppression at the top of the finding's file.
fn suppress_action(entry: &Entry, encoding: Encoding, layouts: &mut Layouts) -> Option<CodeAction> {
    let id = entry.id?;
    let action = |t: &Target, title: String, span: Span, text: String| {
        let conv = Converter::for_file(&t.file, encoding, t.client_bom);
        let mut changes = BTreeMap::new();
        changes.insert(t.uri.clone(), vec![TextEdit::new(conv.range(span), text)]);
        CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![entry.diagnostic.clone()]),
            edit: Some(workspace_edit(&changes)),
            is_preferred: Some(false),
            ..CodeAction::default()
        }
    };
    let comment = format!("# dockmaster: ignore[{id}]");
    for t in &entry.targets {
        let Some((span, text)) = layouts
            .get(&t.file)
            .and_then(|l| l.place(&t.file, t.line, &comment))
        else {
            continue;
        };
        let title = match &t.kind {
            TargetKind::Finding => format!("Suppress `{id}` on this line"),
            TargetKind::Service(name) => format!("Suppress `{id}` in service `{name}`"),
            TargetKind::Related(service) => {
                let file = t
                    .file
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                match service {
                    Some(name) => format!(
                        "Suppress `{id}` for service `{name}` (line {} of {file})",
                        t.line + 1
                    ),
                    None => format!("Suppress `{id}` at line {} of {file}", t.line + 1),
                }
            }
        };
        return Some(action(t, title, span, text));
    }
    let t = entry.targets.first()?;
    let (span, text) = layouts
        .get(&t.file)?
        .place_file_wide(&t.file, &format!("# dockmaster: ignore-file[{id}]"))?;
    Some(action(
        t,
        format!("Suppress `{id}` in this file"),
        span,
        text,
    ))
}

/// The layouts of linted files, each parsed once; the server keeps them
/// until it lints again (an editor asks for code actions at every move of
/// the cursor).
#[derive(Default)]
pub struct Layouts(Vec<(Arc<SourceFile>, Option<Layout>)>);

impl Layouts {
    pub fn clear(&mut self) {
        self.0.clear();
    }

    fn get(&mut self, file: &Arc<SourceFile>) -> Option<&Layout> {
        let i = match self.0.iter().position(|(f, _)| Arc::ptr_eq(f, file)) {
            Some(i) => i,
            None => {
                self.0.push((file.clone(), Layout::new(file)));
                self.0.len() - 1
            }
        };
        self.0[i].1.as_ref()
    }
}

/// The code actions for the diagnostics of a document that touch `range`
/// or that the client names in its context: each finding's fix, then a
/// suppression comment for it.
pub fn code_actions(
    entries: &[&Entry],
    range: Range,
    context: &[LspDiagnostic],
    only: Option<&[CodeActionKind]>,
    encoding: Encoding,
    layouts: &mut Layouts,
) -> Vec<CodeActionOrCommand> {
    if let Some(only) = only
        && !only.iter().any(|k| {
            let k = k.as_str();
            k.is_empty() || k == "quickfix"
        })
    {
        return Vec::new();
    }
    let mut fixes = Vec::new();
    let mut suppressions = Vec::new();
    let mut seen: Vec<&LspDiagnostic> = Vec::new();
    for e in entries {
        let d = &e.diagnostic;
        if !(touches(&d.range, &range) || context.iter().any(|c| same(c, d))) {
            continue;
        }
        if seen.iter().any(|s| same(s, d)) {
            continue;
        }
        seen.push(d);
        if let Some(fix) = &e.fix {
            fixes.push(CodeActionOrCommand::CodeAction(fix_action(e, fix)));
        }
        if let Some(a) = suppress_action(e, encoding, layouts) {
            suppressions.push(CodeActionOrCommand::CodeAction(a));
        }
    }
    fixes.extend(suppressions);
    fixes
}

/// The documents of the rules whose diagnostics cover `pos` (Markdown, or
/// the same text as plain text for a client that shows only that).
pub fn hover(entries: &[&Entry], pos: Position, markdown: bool) -> Option<Hover> {
    let mut docs: Vec<&str> = Vec::new();
    let mut range: Option<Range> = None;
    for e in entries {
        if !contains(&e.diagnostic.range, pos) {
            continue;
        }
        let Some(doc) = e.doc else { continue };
        if !docs.contains(&doc) {
            docs.push(doc);
            range.get_or_insert(e.diagnostic.range);
        }
    }
    if docs.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: if markdown {
                MarkupKind::Markdown
            } else {
                MarkupKind::PlainText
            },
            value: docs
                .iter()
                .map(|d| d.trim())
                .collect::<Vec<_>>()
                .join("\n\n---\n\n"),
        }),
        range,
    })
}
