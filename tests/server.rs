//! `dockmaster server`: the real binary driven over standard input and
//! output with JSON-RPC messages in Content-Length frames, as an editor
//! drives it. Every wait has a timeout, so a hung server fails the test
//! instead of blocking it.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(60);

/// A line with non-ASCII text before the flagged value: `é` is 2 bytes and
/// 1 UTF-16 unit, `𝄞` 4 bytes and 2 units.
const WEB: &str =
    "  web: {image: \"nginx:${WEB_TAG}\", labels: {note: \"café 𝄞\"}, privileged: true}";

fn compose(web: &str) -> String {
    format!(
        "services:\n{web}\n  db:\n    image: \"postgres:${{PG_TAG}}\"\n    volumes: [db:/var/lib/postgresql/data]\nvolumes:\n  db:\n"
    )
}

/// A project: `compose.yaml` (on disk without findings: the server must
/// lint the editor's text), its override file, a `.dockmaster.yml` that
/// selects the rules the tests look at (rules added later do not change
/// them), a `.env`; `.git` ends the configuration search.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir(p.join(".git")).unwrap();
    std::fs::write(
        p.join(".dockmaster.yml"),
        "select: [privileged, no-new-privileges, cap-add, interpolation-unset, schema, yaml-syntax]\n",
    )
    .unwrap();
    std::fs::write(p.join(".env"), "PG_TAG=16\n").unwrap();
    std::fs::write(p.join("compose.yaml"), "services: {}\n").unwrap();
    std::fs::write(
        p.join("compose.override.yaml"),
        "services:\n  db:\n    privileged: true\n",
    )
    .unwrap();
    dir
}

fn file_uri(path: &Path) -> String {
    let path = std::fs::canonicalize(path).unwrap();
    format!("file://{}", path.display())
}

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: mpsc::Receiver<Value>,
    /// Messages read while waiting for another one.
    pending: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(dir: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dockmaster"))
            .arg("server")
            .current_dir(dir)
            .env("WEB_TAG", "1.27")
            .env_remove("PG_TAG")
            .env_remove("COMPOSE_PROFILES")
            .env_remove("COMPOSE_FILE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dockmaster server");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("Content-Length header")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("JSON body");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            rx,
            pending: Vec::new(),
            next_id: 1,
        }
    }

    fn write_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).unwrap();
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend(body);
        self.write_raw(&frame);
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The first message (pending or new) that `want` accepts.
    fn wait_for(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&want) {
            return self.pending.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) if want(&m) => return m,
                Ok(m) => self.pending.push(m),
                Err(_) => panic!(
                    "timed out waiting for {what}; received meanwhile: {:#?}",
                    self.pending
                ),
            }
        }
    }

    /// Send a request; its response.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(&format!("the response to {method}"), |m| {
            m.get("id") == Some(&json!(id)) && m.get("method").is_none()
        })
    }

    /// The next diagnostics published for a URI.
    fn diagnostics(&mut self, uri: &str) -> Value {
        let m = self.wait_for(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        m["params"].clone()
    }

    fn initialize(&mut self, capabilities: Value) -> Value {
        let r = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
        );
        self.notify("initialized", json!({}));
        r
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    /// The exit status, waiting at most the timeout.
    fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn shutdown_and_exit(&mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        self.wait_exit()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The diagnostic of a rule (exactly one expected).
fn only<'a>(params: &'a Value, rule: &str) -> &'a Value {
    let found: Vec<&Value> = params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == rule)
        .collect();
    assert_eq!(found.len(), 1, "one `{rule}` in {params:#}");
    found[0]
}

fn codes(params: &Value) -> Vec<String> {
    let mut v: Vec<String> = params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect();
    v.sort();
    v
}

fn range(r: &Value) -> ((u64, u64), (u64, u64)) {
    let p = |p: &Value| {
        (
            p["line"].as_u64().unwrap(),
            p["character"].as_u64().unwrap(),
        )
    };
    (p(&r["start"]), p(&r["end"]))
}

/// Apply a code action's edits for `uri` to `text`, positions in UTF-8
/// bytes or UTF-16 units.
fn apply(text: &str, action: &Value, uri: &str, utf8: bool) -> String {
    let edits = action["edit"]["changes"][uri]
        .as_array()
        .expect("edits")
        .clone();
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().unwrap() as usize;
        let col = p["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let rest = &text[start..];
        if utf8 {
            return start + col;
        }
        let mut units = 0;
        for (i, c) in rest.char_indices() {
            if units >= col {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, e, t) in edits {
        out.replace_range(s..e, &t);
    }
    out
}

fn titles(actions: &Value) -> Vec<String> {
    actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_string())
        .collect()
}

/// Paths and URIs of the temporary directory as `[dir]`.
fn redact(v: &Value, dir: &Path) -> Value {
    let canonical = std::fs::canonicalize(dir).unwrap();
    let text = serde_json::to_string(v)
        .unwrap()
        .replace(&canonical.display().to_string(), "[dir]")
        .replace(&dir.display().to_string(), "[dir]");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_session_in_utf8() {
    let dir = project();
    let root: PathBuf = dir.path().to_path_buf();
    let uri = file_uri(&root.join("compose.yaml"));
    let override_uri = file_uri(&root.join("compose.override.yaml"));
    let mut c = Client::start(&root);

    let init = c.initialize(json!({"general": {"positionEncodings": ["utf-16", "utf-8"]}}));
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-8", "{init}");
    assert_eq!(caps["textDocumentSync"]["change"], 1);
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(init["result"]["serverInfo"]["name"], "dockmaster");

    // The editor's text, not the disk's, with the override file merged:
    // its finding is published to its own URI.
    let text = compose(WEB);
    c.open(&uri, "dockercompose", &text);
    let published = c.diagnostics(&uri);
    let in_override = c.diagnostics(&override_uri);
    assert_eq!(published["version"], 1);
    // `.dockmaster.yml` selected the rules; `.env` and the process
    // environment set the variables (no `interpolation-unset`).
    assert_eq!(
        codes(&published),
        ["no-new-privileges", "no-new-privileges", "privileged"]
    );
    let p = only(&published, "privileged");
    // `true` is at byte 77 of its line (73 characters before it).
    assert_eq!(WEB.find("true").unwrap(), 77);
    assert_eq!(range(&p["range"]), ((1, 77), (1, 81)));
    assert_eq!(p["severity"], 1);
    assert_eq!(p["source"], "dockmaster");
    assert_eq!(
        p["codeDescription"]["href"],
        "https://github.com/dockmaster-lint/dockmaster/blob/main/rules/privileged.md"
    );
    let message = p["message"].as_str().unwrap();
    assert!(
        message.starts_with("service `web` runs privileged"),
        "{message}"
    );
    assert!(
        message.contains("\nhelp: remove `privileged: true`"),
        "{message}"
    );
    assert_eq!(p["data"]["fix"]["applicability"], "unsafe");
    assert_eq!(codes(&in_override), ["privileged"]);
    insta::assert_json_snapshot!(
        "utf8_published",
        redact(
            &json!({"compose": published, "override": in_override}),
            &root
        )
    );

    // Code actions on the flagged value: the unsafe fix, marked so, and a
    // suppression comment (on its own line: the line is too wide for it).
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 1, "character": 79}, "end": {"line": 1, "character": 79}},
            "context": {"diagnostics": []}
        }),
    );
    let actions = &actions["result"];
    assert_eq!(
        titles(actions),
        [
            "Fix (unsafe, changes behaviour): set it to `false`",
            "Suppress `privileged` on this line"
        ]
    );
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], false);
    assert_eq!(
        apply(&text, &actions[0], &uri, true),
        compose(&WEB.replace("true", "false"))
    );
    assert_eq!(
        apply(&text, &actions[1], &uri, true),
        compose(&format!("  # dockmaster: ignore[privileged]\n{WEB}"))
    );

    // A change: the privileged finding goes, the others stay.
    let changed = compose(&WEB.replace("true", "false"));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": changed}]}),
    );
    let published = c.diagnostics(&uri);
    assert_eq!(published["version"], 2);
    assert_eq!(
        codes(&published),
        ["no-new-privileges", "no-new-privileges"]
    );

    // The safe fix of `db`, from the diagnostic the client sends back,
    // and a suppression comment at the end of the line.
    let db = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["range"]["start"]["line"] == 2)
        .unwrap()
        .clone();
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}},
            "context": {"diagnostics": [db]}
        }),
    );
    let actions = &actions["result"];
    assert_eq!(
        titles(actions),
        [
            "Fix: add `security_opt: [no-new-privileges:true]`",
            "Suppress `no-new-privileges` on this line"
        ]
    );
    assert_eq!(actions[0]["isPreferred"], true);
    assert_eq!(
        apply(&changed, &actions[0], &uri, true),
        changed.replacen(
            "  db:\n",
            "  db:\n    security_opt:\n      - no-new-privileges:true\n",
            1
        )
    );
    assert_eq!(
        apply(&changed, &actions[1], &uri, true),
        changed.replacen(
            "  db:\n",
            "  db:  # dockmaster: ignore[no-new-privileges]\n",
            1
        )
    );

    // Hover over a diagnostic: the rule's document.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 3}}),
    );
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/no-new-privileges.md"),
    )
    .unwrap();
    assert_eq!(hover["result"]["contents"]["kind"], "markdown");
    assert_eq!(hover["result"]["contents"]["value"], doc.trim());
    assert_eq!(range(&hover["result"]["range"]), ((2, 2), (2, 4)));
    // Nothing to show elsewhere.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}}),
    );
    assert_eq!(hover["result"], Value::Null, "{hover}");

    // Closing clears the document's diagnostics and those it published
    // for the override file.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(c.diagnostics(&uri)["diagnostics"], json!([]));
    assert_eq!(c.diagnostics(&override_uri)["diagnostics"], json!([]));

    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn utf16_columns_without_utf8() {
    let dir = project();
    let uri = file_uri(&dir.path().join("compose.yaml"));
    let mut c = Client::start(dir.path());
    let init = c.initialize(json!({}));
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
    let text = compose(WEB);
    c.open(&uri, "yaml", &text);
    let published = c.diagnostics(&uri);
    // 73 characters before `true`, `𝄞` counting 2 UTF-16 units.
    let before = &WEB[..WEB.find("true").unwrap()];
    assert_eq!(before.encode_utf16().count(), 74);
    let p = only(&published, "privileged");
    assert_eq!(range(&p["range"]), ((1, 74), (1, 78)));
    // Edits use the same units.
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": p["range"],
            "context": {"diagnostics": [p]}
        }),
    );
    let fix = &actions["result"][0];
    assert_eq!(
        range(&fix["edit"]["changes"][&uri][0]["range"]),
        ((1, 74), (1, 78))
    );
    assert_eq!(
        apply(&text, fix, &uri, false),
        compose(&WEB.replace("true", "false"))
    );
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn bad_input_is_answered_not_fatal() {
    let dir = project();
    let root = dir.path();
    let mut c = Client::start(root);
    // A request before `initialize`.
    let r = c.request("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32002, "{r}");
    c.initialize(json!({}));
    // A frame that is not JSON, a notification nobody knows, a request
    // nobody handles, parameters of the wrong shape.
    c.write_raw(b"Content-Length: 9\r\n\r\nnot json!");
    c.notify("$/unknown", json!({"x": 1}));
    let r = c.request("workspace/unknown", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    let r = c.request("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": "file:///nowhere/compose.yaml", "version": 3}, "contentChanges": [{"text": "x"}]}));
    c.notify("textDocument/didOpen", json!({"textDocument": 7}));
    // Broken YAML: a finding, no crash.
    let uri = file_uri(&root.join("compose.yaml"));
    c.open(&uri, "yaml", "services:\n  web: [\n\t{: }}\n");
    let published = c.diagnostics(&uri);
    assert!(
        codes(&published).contains(&"yaml-syntax".to_string()),
        "{published}"
    );
    // A broken configuration file: its errors in it, a pointer here.
    std::fs::write(root.join(".dockmaster.yml"), "rules: {no-such-rule: off}\n").unwrap();
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    let published = c.diagnostics(&uri);
    let message = published["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("configuration file"), "{message}");
    let config = c.diagnostics(&file_uri(&root.join(".dockmaster.yml")));
    assert!(
        config["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no-such-rule"),
        "{config}"
    );
    // Still answering.
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    );
    assert!(r.get("error").is_none(), "{r}");
    // After shutdown, requests are refused; exit ends with 0.
    let r = c.request("shutdown", Value::Null);
    assert!(r.get("error").is_none(), "{r}");
    let r = c.request("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32600, "{r}");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 0);
}

#[test]
fn exit_without_shutdown_or_end_of_input_is_code_1() {
    let dir = project();
    let mut c = Client::start(dir.path());
    c.initialize(json!({}));
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 1);

    let mut c = Client::start(dir.path());
    c.initialize(json!({}));
    drop(c.stdin.take());
    assert_eq!(c.wait_exit(), 1);
}

#[test]
fn an_open_override_file_is_merged_from_the_editor() {
    let dir = project();
    let root = dir.path();
    let uri = file_uri(&root.join("compose.yaml"));
    let override_uri = file_uri(&root.join("compose.override.yaml"));
    let mut c = Client::start(root);
    c.initialize(json!({}));
    c.open(
        &uri,
        "dockercompose",
        &compose(&WEB.replace("true", "false")),
    );
    c.diagnostics(&uri);
    // From the disk: `privileged: true` for `db`.
    assert_eq!(codes(&c.diagnostics(&override_uri)), ["privileged"]);

    // The editor's text of the override file wins over the disk's.
    c.open(
        &override_uri,
        "dockercompose",
        "services:\n  db:\n    privileged: false\n",
    );
    assert_eq!(c.diagnostics(&override_uri)["diagnostics"], json!([]));

    // Typing in the override file re-lints the project.
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": override_uri, "version": 2},
            "contentChanges": [{"text": "services:\n  db:\n    privileged: true\n    cap_add: [SYS_ADMIN]\n"}]
        }),
    );
    let published = c.diagnostics(&override_uri);
    assert_eq!(published["version"], 2);
    assert_eq!(codes(&published), ["cap-add", "privileged"]);

    // Closed, the override file is read from the disk again, as part of
    // the base file's project.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": override_uri}}),
    );
    assert_eq!(codes(&c.diagnostics(&override_uri)), ["privileged"]);
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn a_bogus_content_length_is_skipped_not_allocated() {
    let dir = project();
    let mut c = Client::start(dir.path());
    c.initialize(json!({}));
    let r = c.request("shutdown", Value::Null);
    assert!(r.get("error").is_none(), "{r}");
    // About 90 TB announced, a few bytes sent, then the end of the input:
    // the server skips what arrives and ends normally.
    c.write_raw(b"Content-Length: 99999999999999\r\n\r\n{\"jsonrpc\":");
    drop(c.stdin.take());
    assert_eq!(c.wait_exit(), 0);
}
