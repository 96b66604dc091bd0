//! `dockmaster server`: a Language Server Protocol server on standard input
//! and output.
//!
//! It lints every open Compose document as `dockmaster check` lints the
//! file (its override file merged, the nearest `.dockmaster.yml`,
//! interpolation from the environment and `.env`, suppression comments),
//! on open, change and save, from the editor's text rather than the disk;
//! publishes the findings as diagnostics (the other files of the project
//! get theirs too); offers each finding's fix and a suppression comment as
//! code actions; and shows a rule's document on hover. `docs/editors.md`
//! shows how to set editors up.
//!
//! The protocol layer is `lsp-server` (rust-analyzer's synchronous
//! scaffold: its message types and their serialization) with `lsp-types`;
//! the reading ([`transport`]: bounded frames, bad ones skipped) and the
//! loop are ours: one thread reads messages, the main thread handles them
//! in order, linting each changed document once per batch of messages. A
//! panic while handling a message is caught and logged; the server goes
//! on.

pub mod actions;
pub mod lint;
pub mod position;
pub mod suppression;
pub mod transport;
pub mod uri;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::mpsc;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    Diagnostic as LspDiagnostic, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, HoverParams, HoverProviderCapability,
    InitializeParams, InitializeResult, LogMessageParams, MarkupKind, MessageType,
    PublishDiagnosticsParams, SaveOptions, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};

use crate::server::lint::{Document, Entry, Outcome, Workspace};
use crate::server::position::{Converter, Encoding};
use crate::source::LineIndex;

/// What the reader thread hands the main loop.
enum Event {
    Message(Message),
    /// A message that could not be read (bad header, JSON that is no
    /// JSON-RPC message); the stream goes on after it.
    Malformed(String),
    /// Standard input ended or failed.
    End(Option<String>),
}

/// Run the server on standard input and output until `exit`. Exit code 0
/// after `shutdown` then `exit`, 1 when the client goes away without them.
pub fn run() -> ExitCode {
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::Builder::new()
        .name("dockmaster-lsp-reader".to_string())
        .spawn(move || read_loop(tx));
    if let Err(e) = reader {
        eprintln!("dockmaster server: cannot start the reader thread: {e}");
        return ExitCode::from(crate::cli::EXIT_ERROR);
    }
    let stdout = std::io::stdout();
    let mut server = Server::new(stdout.lock());
    let code = server.serve(&rx);
    ExitCode::from(code)
}

fn read_loop(tx: mpsc::Sender<Event>) {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    loop {
        let event = match transport::read(&mut input) {
            Ok(Some(transport::Frame::Message(m))) => {
                let exit = matches!(&m, Message::Notification(n) if n.method == "exit");
                let sent = tx.send(Event::Message(m));
                if exit || sent.is_err() {
                    return;
                }
                continue;
            }
            Ok(Some(transport::Frame::Malformed(e))) => Event::Malformed(e),
            Ok(None) => Event::End(None),
            Err(e) => Event::End(Some(e.to_string())),
        };
        let end = matches!(event, Event::End(_));
        if tx.send(event).is_err() || end {
            return;
        }
    }
}

/// The server's state.
pub struct Server<W: Write> {
    out: W,
    encoding: Encoding,
    /// The client renders Markdown in hovers.
    markdown: bool,
    cwd: PathBuf,
    initialized: bool,
    shutdown: bool,
    /// Open documents by URI.
    docs: BTreeMap<String, Document>,
    /// The last lint of each open Compose document, by its URI.
    results: HashMap<String, Outcome>,
    /// What was last published for each URI.
    published: HashMap<String, Vec<LspDiagnostic>>,
    /// Documents to lint before the next request or the next wait.
    dirty: BTreeSet<String>,
    /// URIs whose diagnostics to publish then (those of a closed document).
    stale: BTreeSet<String>,
    /// The client went away (a write failed).
    gone: bool,
    /// Parsed files for suppression comments, until the next lint.
    layouts: actions::Layouts,
}

impl<W: Write> Server<W> {
    pub fn new(out: W) -> Server<W> {
        Server {
            out,
            encoding: Encoding::Utf16,
            markdown: true,
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")),
            initialized: false,
            shutdown: false,
            docs: BTreeMap::new(),
            results: HashMap::new(),
            published: HashMap::new(),
            dirty: BTreeSet::new(),
            stale: BTreeSet::new(),
            gone: false,
            layouts: actions::Layouts::default(),
        }
    }

    /// Handle messages until `exit` or the end of the input; the exit code.
    fn serve(&mut self, rx: &mpsc::Receiver<Event>) -> u8 {
        loop {
            let Ok(first) = rx.recv() else { return 1 };
            let mut batch = vec![first];
            while let Ok(more) = rx.try_recv() {
                batch.push(more);
            }
            for event in batch {
                match event {
                    Event::Message(m) => {
                        if let Some(code) = self.handle(m) {
                            return code;
                        }
                    }
                    Event::Malformed(e) => self.log(
                        MessageType::ERROR,
                        &format!("ignored a malformed message: {e}"),
                    ),
                    Event::End(e) => {
                        if let Some(e) = e {
                            self.log(MessageType::ERROR, &format!("cannot read: {e}"));
                        }
                        return if self.shutdown { 0 } else { 1 };
                    }
                }
                if self.gone {
                    return 1;
                }
            }
            self.flush();
            if self.gone {
                return 1;
            }
        }
    }

    fn send(&mut self, m: Message) {
        if self.gone {
            return;
        }
        if let Err(e) = m.write(&mut self.out) {
            eprintln!("dockmaster server: cannot write to the client: {e}");
            self.gone = true;
        }
    }

    fn notify(&mut self, method: &str, params: impl serde::Serialize) {
        match serde_json::to_value(params) {
            Ok(params) => self.send(Message::Notification(Notification {
                method: method.to_string(),
                params,
            })),
            Err(e) => eprintln!("dockmaster server: cannot encode {method}: {e}"),
        }
    }

    fn respond(&mut self, id: RequestId, result: Result<serde_json::Value, (ErrorCode, String)>) {
        let response = match result {
            Ok(v) => Response {
                id,
                response_result: Ok(v),
            },
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(Message::Response(response));
    }

    /// Log to standard error and, once initialized, to the client.
    fn log(&mut self, typ: MessageType, message: &str) {
        eprintln!("dockmaster server: {message}");
        if self.initialized {
            self.notify(
                "window/logMessage",
                LogMessageParams {
                    typ,
                    message: message.to_string(),
                },
            );
        }
    }

    /// Handle one message; `Some(code)` ends the server.
    fn handle(&mut self, m: Message) -> Option<u8> {
        match m {
            Message::Request(req) => {
                let id = req.id.clone();
                let method = req.method.clone();
                let result = catch_unwind(AssertUnwindSafe(|| self.request(req)));
                let result = result.unwrap_or_else(|p| {
                    let what = panic_message(&p);
                    self.log(
                        MessageType::ERROR,
                        &format!("internal error in {method}: {what}"),
                    );
                    Err((ErrorCode::InternalError, format!("internal error: {what}")))
                });
                self.respond(id, result);
                None
            }
            Message::Notification(n) => {
                if n.method == "exit" {
                    return Some(if self.shutdown { 0 } else { 1 });
                }
                if !self.initialized {
                    // Dropped before initialization, as the protocol asks.
                    return None;
                }
                let method = n.method.clone();
                if let Err(p) = catch_unwind(AssertUnwindSafe(|| self.notification(n))) {
                    let what = panic_message(&p);
                    self.log(
                        MessageType::ERROR,
                        &format!("internal error in {method}: {what}"),
                    );
                }
                None
            }
            // The server sends no requests.
            Message::Response(_) => None,
        }
    }

    fn request(&mut self, req: Request) -> Result<serde_json::Value, (ErrorCode, String)> {
        if req.method == "initialize" {
            if self.initialized {
                return Err((
                    ErrorCode::InvalidRequest,
                    "initialize was already received".to_string(),
                ));
            }
            let params: InitializeParams = params(req)?;
            return Ok(self.initialize(&params));
        }
        if !self.initialized {
            return Err((
                ErrorCode::ServerNotInitialized,
                "the first request must be initialize".to_string(),
            ));
        }
        if self.shutdown {
            return Err((
                ErrorCode::InvalidRequest,
                "the server is shutting down".to_string(),
            ));
        }
        match req.method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                Ok(serde_json::Value::Null)
            }
            "textDocument/codeAction" => {
                self.flush();
                let p: CodeActionParams = params(req)?;
                let uri = p.text_document.uri.as_str().to_string();
                let mut layouts = std::mem::take(&mut self.layouts);
                let entries = self.entries(&uri);
                let actions = actions::code_actions(
                    &entries,
                    p.range,
                    &p.context.diagnostics,
                    p.context.only.as_deref(),
                    self.encoding,
                    &mut layouts,
                );
                self.layouts = layouts;
                to_json(&actions)
            }
            "textDocument/hover" => {
                self.flush();
                let p: HoverParams = params(req)?;
                let uri = p
                    .text_document_position_params
                    .text_document
                    .uri
                    .as_str()
                    .to_string();
                let entries = self.entries(&uri);
                let hover = actions::hover(
                    &entries,
                    p.text_document_position_params.position,
                    self.markdown,
                );
                to_json(&hover)
            }
            m => Err((
                ErrorCode::MethodNotFound,
                format!("dockmaster does not handle {m}"),
            )),
        }
    }

    fn initialize(&mut self, p: &InitializeParams) -> serde_json::Value {
        self.encoding = Encoding::negotiate(
            p.capabilities
                .general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        self.markdown = p
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.hover.as_ref())
            .and_then(|h| h.content_format.as_ref())
            .is_none_or(|f| f.is_empty() || f.contains(&MarkupKind::Markdown));
        self.initialized = true;
        let result = InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(self.encoding.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::FULL),
                        save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                            include_text: Some(false),
                        })),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..CodeActionOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: crate::report::TOOL_NAME.to_string(),
                version: Some(crate::report::VERSION.to_string()),
            }),
        };
        serde_json::to_value(result).unwrap_or(serde_json::Value::Null)
    }

    fn notification(&mut self, n: Notification) {
        let method = n.method.clone();
        let result = match method.as_str() {
            "textDocument/didOpen" => notification_params(n).map(|p| self.did_open(p)),
            "textDocument/didChange" => notification_params(n).map(|p| self.did_change(p)),
            "textDocument/didSave" => notification_params(n).map(|p| self.did_save(p)),
            "textDocument/didClose" => notification_params(n).map(|p| self.did_close(p)),
            // `initialized`, `$/cancelRequest`, `$/setTrace`, workspace
            // notifications...: nothing to do.
            _ => Ok(()),
        };
        if let Err(e) = result {
            self.log(
                MessageType::ERROR,
                &format!("ignored {method} with invalid parameters: {e}"),
            );
        }
    }

    fn did_open(&mut self, p: DidOpenTextDocumentParams) {
        let d = p.text_document;
        let uri = d.uri.as_str().to_string();
        let doc = Document {
            path: uri::to_path(&uri),
            uri: uri.clone(),
            language_id: d.language_id,
            version: d.version,
            text: d.text,
        };
        self.docs.insert(uri.clone(), doc);
        self.touched(&uri, false);
    }

    fn did_change(&mut self, p: DidChangeTextDocumentParams) {
        let uri = p.text_document.uri.as_str().to_string();
        let encoding = self.encoding;
        let Some(doc) = self.docs.get_mut(&uri) else {
            self.log(
                MessageType::WARNING,
                &format!("didChange for {uri}, which is not open"),
            );
            return;
        };
        for change in p.content_changes {
            match change.range {
                None => doc.text = change.text,
                // Full sync is announced; a ranged change is applied anyway.
                Some(range) => {
                    let lines = LineIndex::new(&doc.text);
                    let conv = Converter::new(&doc.text, &lines, encoding);
                    let start = conv.offset(range.start);
                    let end = conv.offset(range.end).max(start);
                    doc.text.replace_range(start..end, &change.text);
                }
            }
        }
        doc.version = p.text_document.version;
        self.touched(&uri, false);
    }

    fn did_save(&mut self, p: DidSaveTextDocumentParams) {
        let uri = p.text_document.uri.as_str().to_string();
        if let (Some(text), Some(doc)) = (p.text, self.docs.get_mut(&uri)) {
            doc.text = text;
        }
        // A saved file may be a configuration file, an `.env` file or an
        // included file of any project: lint every open document again.
        self.touched(&uri, true);
    }

    fn did_close(&mut self, p: DidCloseTextDocumentParams) {
        let uri = p.text_document.uri.as_str().to_string();
        let Some(doc) = self.docs.remove(&uri) else {
            return;
        };
        self.dirty.remove(&uri);
        if let Some(old) = self.results.remove(&uri) {
            self.stale.extend(old.by_uri.into_keys());
        }
        self.stale.insert(uri.clone());
        // Documents whose projects read this one's text now read the disk.
        self.mark_dependents(&doc);
    }

    /// Mark a document, and the documents whose projects read its text, to
    /// be linted; every open document when `all`.
    fn touched(&mut self, uri: &str, all: bool) {
        if all {
            let compose: Vec<String> = self
                .docs
                .values()
                .filter(|d| d.is_compose())
                .map(|d| d.uri.clone())
                .collect();
            self.dirty.extend(compose);
            return;
        }
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        if doc.is_compose() {
            self.dirty.insert(uri.to_string());
        }
        let doc = doc.clone();
        self.mark_dependents(&doc);
    }

    /// Mark the documents whose projects take this one's text as an input
    /// (a base file and its override file). A saved file re-lints every
    /// document anyway.
    fn mark_dependents(&mut self, doc: &Document) {
        let path = crate::source::normalize(&self.cwd.join(doc.lint_path()));
        for (other, outcome) in &self.results {
            if *other != doc.uri && outcome.inputs.contains(&path) {
                self.dirty.insert(other.clone());
            }
        }
    }

    /// Lint the documents marked dirty and publish what changed, once all
    /// are linted (no intermediate state reaches the client).
    fn flush(&mut self) {
        let dirty = std::mem::take(&mut self.dirty);
        let mut affected = std::mem::take(&mut self.stale);
        if dirty.is_empty() && affected.is_empty() {
            return;
        }
        self.layouts.clear();
        for uri in dirty {
            let Some(doc) = self.docs.get(&uri) else {
                continue;
            };
            if !doc.is_compose() {
                continue;
            }
            let outcome = {
                let ws = Workspace::new(self.encoding, &self.cwd, self.docs.values());
                catch_unwind(AssertUnwindSafe(|| lint::lint(doc, &ws)))
            };
            let outcome = match outcome {
                Ok(o) => o,
                Err(p) => {
                    let what = panic_message(&p);
                    self.log(
                        MessageType::ERROR,
                        &format!("internal error while linting {uri}: {what}"),
                    );
                    let mut o = Outcome::default();
                    o.by_uri.insert(
                        uri.clone(),
                        vec![lint::plain_error(format!(
                            "dockmaster failed on this file (internal error: {what}); please report it"
                        ))],
                    );
                    o
                }
            };
            if let Some(old) = self.results.remove(&uri) {
                affected.extend(old.by_uri.into_keys());
            }
            affected.extend(outcome.by_uri.keys().cloned());
            self.results.insert(uri, outcome);
        }
        self.publish(affected);
    }

    /// The entries every open document's lint holds for a URI.
    /// A finding of a file linted with two open documents (a base file and
    /// its override) is listed once.
    fn entries(&self, uri: &str) -> Vec<&Entry> {
        let mut out: Vec<&Entry> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut sources: Vec<&String> = self.results.keys().collect();
        sources.sort();
        for s in sources {
            for e in self.results[s].by_uri.get(uri).into_iter().flatten() {
                let d = &e.diagnostic;
                let r = d.range;
                let key = (
                    (r.start.line, r.start.character, r.end.line, r.end.character),
                    d.code.clone(),
                    d.message.as_str(),
                );
                if seen.insert(key) {
                    out.push(e);
                }
            }
        }
        out
    }

    /// Publish the diagnostics of these URIs where they changed.
    fn publish(&mut self, uris: BTreeSet<String>) {
        for uri in uris {
            let diags: Vec<LspDiagnostic> = self
                .entries(&uri)
                .into_iter()
                .map(|e| e.diagnostic.clone())
                .collect();
            let open = self.docs.contains_key(&uri);
            match self.published.get(&uri) {
                Some(before) if *before == diags => continue,
                // Nothing to clear in a file that is not open.
                None if diags.is_empty() && !open => continue,
                _ => {}
            }
            let Ok(u) = Uri::from_str(&uri) else {
                continue;
            };
            let version = self.docs.get(&uri).map(|d| d.version);
            if diags.is_empty() && !open {
                self.published.remove(&uri);
            } else {
                self.published.insert(uri.clone(), diags.clone());
            }
            self.notify(
                "textDocument/publishDiagnostics",
                PublishDiagnosticsParams::new(u, diags, version),
            );
        }
    }
}

fn params<P: serde::de::DeserializeOwned>(req: Request) -> Result<P, (ErrorCode, String)> {
    let Request { method, params, .. } = req;
    serde_json::from_value(params).map_err(|e| {
        (
            ErrorCode::InvalidParams,
            format!("invalid parameters for {method}: {e}"),
        )
    })
}

fn notification_params<P: serde::de::DeserializeOwned>(
    n: Notification,
) -> Result<P, serde_json::Error> {
    serde_json::from_value(n.params)
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, (ErrorCode, String)> {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic".to_string()
    }
}
