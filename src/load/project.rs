//! Reading the files of one project and assembling their effective value.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::load::Limits;
use crate::load::assemble;
use crate::load::env::{EnvOptions, Environment};
use crate::load::interpolate;
use crate::load::merge;
use crate::load::problem::{Problem, ProblemKind};
use crate::load::value::{Resolver, Value, ValueKind};
use crate::load::yaml::{self, YamlFile};
use crate::source::{SourceFile, SourceMap};
use crate::span::{FileId, Span};

/// One file to load: a path, or standard input shown under a name.
#[derive(Clone, Debug)]
pub struct Input {
    pub path: PathBuf,
    /// The bytes, when they do not come from `path` (standard input).
    pub content: Option<Vec<u8>>,
}

impl Input {
    pub fn file(path: impl Into<PathBuf>) -> Input {
        Input {
            path: path.into(),
            content: None,
        }
    }

    pub fn text(path: impl Into<PathBuf>, text: impl Into<Vec<u8>>) -> Input {
        Input {
            path: path.into(),
            content: Some(text.into()),
        }
    }
}

/// A file that could not be read at all: reported on stderr, exit code 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// One loaded file: its YAML tree and the effective value of each document
/// that could be resolved (moved into [`LoadedProject::root`] when the
/// project is assembled).
#[derive(Debug)]
pub struct LoadedFile {
    pub id: FileId,
    pub yaml: YamlFile,
    pub documents: Vec<Value>,
    /// Top-level `version` entries of every document: (key, value) spans.
    pub versions: Vec<(Span, Span)>,
}

/// The files of a project and their merged effective value.
#[derive(Debug)]
pub struct LoadedProject {
    pub sources: SourceMap,
    pub files: Vec<LoadedFile>,
    /// The merged top-level mapping; `None` when no document could be used.
    pub root: Option<Value>,
    pub problems: Vec<Problem>,
    /// The variables interpolation used.
    pub env: Environment,
    /// How many files were given (`-f` files, a base and its override); the
    /// files `include`d and `extends`ed come on top.
    pub inputs: usize,
    /// Attributes removed with `!reset` while merging: dotted path and site.
    pub resets: Vec<(String, Span)>,
}

/// Read a file's bytes, refusing what is not a regular file and what exceeds
/// the size budget.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Result<Vec<u8>, u64>, String> {
    let meta = std::fs::metadata(path).map_err(|e| io_message(&e))?;
    if meta.is_dir() {
        return Err("is a directory, not a file".to_string());
    }
    if !meta.is_file() {
        return Err("is not a regular file (a FIFO, socket or device?)".to_string());
    }
    if meta.len() > limit {
        return Ok(Err(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| io_message(&e))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_message(&e))?;
    if bytes.len() as u64 > limit {
        return Ok(Err(bytes.len() as u64));
    }
    Ok(Ok(bytes))
}

pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "no such file or directory".to_string(),
        K::PermissionDenied => "permission denied".to_string(),
        _ => {
            if e.raw_os_error() == Some(40) {
                "too many levels of symbolic links (a symlink loop?)".to_string()
            } else {
                let s = e.to_string();
                let s = match s.find(" (os error") {
                    Some(i) => &s[..i],
                    None => &s,
                };
                // `Is a directory` reads as the middle of a sentence.
                let mut chars = s.chars();
                match chars.next() {
                    Some(c) => c.to_lowercase().chain(chars).collect(),
                    None => String::new(),
                }
            }
        }
    }
}

/// Decode bytes as UTF-8 text without BOM. Invalid UTF-8 is replaced and
/// reported at the first bad byte.
pub fn decode(file: FileId, bytes: Vec<u8>) -> (String, bool, Option<Problem>) {
    let (bom, bytes) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (true, rest.to_vec()),
        None => (false, bytes),
    };
    match String::from_utf8(bytes) {
        Ok(text) => (text, bom, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bad = e.as_bytes()[at];
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let problem = Problem {
                kind: ProblemKind::Syntax,
                span: Span::new(file, at, at + '\u{FFFD}'.len_utf8()),
                message: format!(
                    "the file is not valid UTF-8 (byte 0x{bad:02X}); YAML files must be UTF-8 text"
                ),
                related: Vec::new(),
            };
            (text, bom, Some(problem))
        }
    }
}

/// Load one file into `sources`, interpolating its string values from `env`.
pub fn load_file(
    sources: &mut SourceMap,
    input: &Input,
    limits: &Limits,
    env: &Environment,
) -> Result<LoadedFile, LoadError> {
    let err = |message: String| LoadError {
        path: input.path.clone(),
        message,
    };
    let bytes = match &input.content {
        Some(b) if b.len() as u64 > limits.max_file_size => Err(b.len() as u64),
        Some(b) => Ok(b.clone()),
        None => read_bytes(&input.path, limits.max_file_size).map_err(err)?,
    };
    let id = FileId(sources.len() as u32);
    let bytes = match bytes {
        Ok(b) => b,
        Err(size) => {
            sources.add(SourceFile::new(input.path.clone(), "", false));
            let yaml = yaml::parse(id, "", limits);
            let problem = Problem {
                kind: ProblemKind::Budget,
                span: Span::new(id, 0, 0),
                message: format!(
                    "the file has {size} bytes, more than the limit of {} bytes; it is not linted (raise the limit with --max-file-size)",
                    limits.max_file_size
                ),
                related: Vec::new(),
            };
            let mut yaml = yaml;
            yaml.problems.push(problem);
            return Ok(LoadedFile {
                id,
                yaml,
                documents: Vec::new(),
                versions: Vec::new(),
            });
        }
    };
    let (text, bom, utf8_problem) = decode(id, bytes);
    sources.add(SourceFile::new(input.path.clone(), text, bom));
    let text = sources.get(id).text.clone();
    if let Some(problem) = utf8_problem {
        // Do not guess at the structure of text that is not text.
        let mut yaml = yaml::parse(id, "", limits);
        yaml.problems.push(problem);
        return Ok(LoadedFile {
            id,
            yaml,
            documents: Vec::new(),
            versions: Vec::new(),
        });
    }
    let mut yaml = yaml::parse(id, &text, limits);
    let mut documents = Vec::new();
    let mut versions = Vec::new();
    let mut problems = Vec::new();
    for doc in &yaml.documents {
        let Some(root) = doc.root else { continue };
        if doc.broken {
            continue;
        }
        let mut resolver = Resolver::new(&yaml, &text, limits);
        let result = resolver.resolve_root(root);
        problems.append(&mut resolver.problems);
        let Ok(mut value) = result else { continue };
        interpolate::apply::value(&mut value, env, &mut problems);
        if value.is_null() {
            continue;
        }
        if !matches!(value.kind, ValueKind::Map(_) | ValueKind::Invalid) {
            problems.push(Problem {
                kind: ProblemKind::Structure,
                span: value.span,
                message: format!(
                    "the top-level of a Compose file must be a mapping (of `services:`, `volumes:`, ...), found {}",
                    value.type_name()
                ),
                related: Vec::new(),
            });
            continue;
        }
        if let Some(e) = value.as_map().and_then(|m| m.entry("version")) {
            versions.push((e.key.span, e.value.span));
        }
        documents.push(value);
    }
    let has_syntax_error = yaml
        .problems
        .iter()
        .chain(&problems)
        .any(|p| matches!(p.kind, ProblemKind::Syntax | ProblemKind::Budget));
    let non_empty = yaml
        .documents
        .iter()
        .any(|d| d.root.is_some_and(|r| !is_null_node(&yaml, &text, r)));
    if !has_syntax_error && !non_empty {
        let first_line = text.lines().next().map_or(0, str::len);
        problems.push(Problem {
            kind: ProblemKind::Structure,
            span: Span::new(id, 0, first_line),
            message: "empty compose file: there is nothing but comments and blank space"
                .to_string(),
            related: Vec::new(),
        });
    }
    yaml.problems.append(&mut problems);
    Ok(LoadedFile {
        id,
        yaml,
        documents,
        versions,
    })
}

fn is_null_node(yaml: &YamlFile, text: &str, id: crate::load::yaml::NodeId) -> bool {
    match &yaml.node(id).kind {
        crate::load::yaml::NodeKind::Scalar { style, .. } => {
            *style == crate::load::yaml::Style::Plain
                && matches!(
                    yaml.scalar_text(text, id),
                    Some("" | "~" | "null" | "Null" | "NULL")
                )
        }
        _ => false,
    }
}

/// How to load a project.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    pub limits: Limits,
    pub env: EnvOptions,
}

/// Load the files of one project with only the defaults written in the files
/// for interpolation (no process environment, no `.env`): deterministic,
/// for tests and embedding.
pub fn load_project(inputs: &[Input], limits: &Limits) -> Result<LoadedProject, Vec<LoadError>> {
    let options = LoadOptions {
        limits: limits.clone(),
        env: EnvOptions {
            no_env: true,
            ..EnvOptions::default()
        },
    };
    load_project_with(inputs, &options)
}

/// The project directory: the directory of the first file.
pub fn project_dir(inputs: &[Input]) -> PathBuf {
    inputs
        .first()
        .and_then(|i| i.path.parent())
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The variable Compose always sets for interpolation to the project name.
pub const PROJECT_NAME_VAR: &str = "COMPOSE_PROJECT_NAME";

/// The project name as Compose derives it when `COMPOSE_PROJECT_NAME` is not
/// set: the last top-level `name:` of the files (interpolated, normalized),
/// else the base name of the project directory, normalized (compose-go
/// `projectName`, `NormalizeProjectName`).
/// The top-level `name` of a file, from a parse: the last document's that
/// has a non-empty one.
fn parsed_top_level_name(text: &str, limits: &Limits) -> Option<String> {
    let yaml = yaml::parse(FileId(0), text, limits);
    let mut found = None;
    for doc in &yaml.documents {
        let Some(root) = doc.root else { continue };
        if doc.broken {
            continue;
        }
        let mut resolver = Resolver::new(&yaml, text, limits);
        let Ok(value) = resolver.resolve_root(root) else {
            continue;
        };
        if let Some(name) = value.get("name").and_then(Value::as_str)
            && !name.is_empty()
        {
            found = Some(name.to_string());
        }
    }
    found
}

/// The top-level `name` of the common file, read from its lines without
/// parsing it (a large file with a `name` was parsed twice): one document
/// in block style whose top-level `name:` appears once, on one line, with
/// a plain word as its value (`name: myapp`). `None` when the file is not
/// that simple; [`parsed_top_level_name`] answers then.
fn simple_top_level_name(text: &str) -> Option<String> {
    let mut base: Option<usize> = None;
    let mut found: Option<&str> = None;
    let mut after_name = false;
    for line in text.lines() {
        let t = line.trim_start_matches(' ');
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let indent = line.len() - t.len();
        if after_name {
            // A more indented line would continue the value.
            if indent > base.unwrap_or(0) {
                return None;
            }
            after_name = false;
        }
        if indent == 0
            && (t.starts_with(['%', '\t']) || t.starts_with("---") || t.starts_with("..."))
        {
            // Directives, documents, tabs.
            return None;
        }
        if indent != *base.get_or_insert(indent) {
            continue;
        }
        // A top-level line: anything but a plain key is left to the parser
        // (the root's anchor or tag, flow style, complex and quoted keys,
        // merge keys).
        if t.starts_with(['&', '!', '{', '[', '?', '"', '\'', '*', '|', '>']) || t.starts_with("<<")
        {
            return None;
        }
        let Some(rest) = t.strip_prefix("name") else {
            continue;
        };
        if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        {
            // Another key (`names:`, `name_prefix:`).
            continue;
        }
        let value = rest
            .strip_prefix(':')
            .filter(|v| v.is_empty() || v.starts_with(' '))?;
        if found.is_some() {
            return None;
        }
        let value = match value.find(" #") {
            Some(i) => &value[..i],
            None => value,
        }
        .trim_matches(' ');
        let word = value.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        let keyword = matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
        if !word || keyword {
            return None;
        }
        found = Some(value);
        after_name = true;
    }
    found.map(str::to_string)
}

/// Whether a file can have a top-level `name` (or bring one in through a
/// top-level merge key), judged from its lines without parsing it: a key
/// line at the indentation of its document's first line, or a document in
/// flow style. Only a file that can is parsed for the project name, so
/// that a large file with nested `name:` keys (networks, volumes, secrets)
/// is not parsed twice. It may answer `true` wrongly (the file is then
/// parsed for nothing), never `false` wrongly.
fn may_name_project(text: &str) -> bool {
    let mut base: Option<usize> = None;
    for line in text.lines() {
        let t = line.trim_start_matches(' ');
        if t.is_empty() || t.starts_with('#') || t.starts_with('%') {
            continue;
        }
        if t.starts_with("---") || t.starts_with("...") {
            // A new document; its first line sets its indentation.
            base = None;
            let rest = &t[3..];
            if rest.contains("name") || rest.contains("<<") || rest.contains(['{', '[']) {
                return true;
            }
            continue;
        }
        if t.starts_with(['&', '!']) {
            // The root's anchor or tag on a line of its own: the mapping
            // may start on the next line, at any indentation.
            if t.contains("name") || t.contains("<<") || t.contains(['{', '[']) {
                return true;
            }
            continue;
        }
        let indent = line.len() - t.len();
        if indent != *base.get_or_insert(indent) {
            continue;
        }
        let key = t.trim_start_matches(['"', '\'', '?', ' ']);
        if key.starts_with("name") || key.starts_with("<<") || t.starts_with(['{', '[']) {
            return true;
        }
    }
    false
}

pub fn project_name(inputs: &[Input], limits: &Limits, env: &Environment) -> String {
    let mut from_files: Option<String> = None;
    for input in inputs {
        let Some(bytes) = &input.content else {
            continue;
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if !may_name_project(text) {
            continue;
        }
        if let Some(name) =
            simple_top_level_name(text).or_else(|| parsed_top_level_name(text, limits))
        {
            from_files = Some(name);
        }
    }
    let normalize = |s: &str| -> String {
        let kept: String = s
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'))
            .collect();
        kept.trim_start_matches(['_', '-']).to_string()
    };
    if let Some(name) = from_files {
        let name = normalize(&interpolate::interpolate(&name, env).text);
        if !name.is_empty() {
            return name;
        }
    }
    let dir = project_dir(inputs);
    let dir = std::path::absolute(&dir).unwrap_or(dir);
    let dir = crate::source::normalize(&dir);
    dir.file_name()
        .map(|n| normalize(&n.to_string_lossy()))
        .unwrap_or_default()
}

/// Load the files of one project, in Compose's order, and merge them.
pub fn load_project_with(
    inputs: &[Input],
    options: &LoadOptions,
) -> Result<LoadedProject, Vec<LoadError>> {
    let limits = &options.limits;
    let mut env = Environment::load(&project_dir(inputs), &options.env).map_err(|e| {
        vec![LoadError {
            path: e.path.clone(),
            message: e.message,
        }]
    })?;
    // Read each file once: the project name may come from any of them.
    // Inputs given with their content (standard input, an editor's
    // buffer) are not read from disk.
    let read: Vec<Input>;
    let inputs = if inputs.iter().all(|i| i.content.is_some()) {
        inputs
    } else {
        read = inputs
            .iter()
            .map(|i| match &i.content {
                None => match read_bytes(&i.path, limits.max_file_size) {
                    Ok(Ok(bytes)) => Input::text(i.path.clone(), bytes),
                    _ => i.clone(),
                },
                Some(_) => i.clone(),
            })
            .collect();
        read.as_slice()
    };
    if env.get(PROJECT_NAME_VAR).is_none() {
        let name = project_name(inputs, limits, &env);
        env.set(PROJECT_NAME_VAR, name);
    }
    let mut asm = assemble::Assembler::new(limits);
    let mut errors = Vec::new();
    let mut root: Option<Value> = None;
    for input in inputs {
        match asm.file(input, &env) {
            Ok(Some(value)) => {
                root = Some(match root {
                    None => value,
                    Some(base) => asm.merge(base, value),
                });
            }
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(root) = root.as_mut() {
        merge::strip_resets(root);
    }
    let mut problems: Vec<Problem> = asm
        .files
        .iter()
        .flat_map(|f| f.yaml.problems.iter().cloned())
        .collect();
    problems.append(&mut asm.problems);
    problems.append(&mut asm.take_merge_problems());
    let resets = asm.take_resets();
    let sources = asm.sources;
    let files = asm.files;
    Ok(LoadedProject {
        sources,
        files,
        root,
        problems,
        env,
        inputs: inputs.len(),
        resets,
    })
}

#[cfg(test)]
mod tests {
    use super::may_name_project;

    #[test]
    fn files_that_may_name_the_project() {
        for text in [
            "name: app\nservices: {}\n",
            "services:\n  a: {}\n\"name\": app\n",
            "  services: {}\n  'name': app\n",
            "# header\n%YAML 1.2\n---\nname: app\n",
            "services: {}\n---\n  x: 1\n  name: app\n",
            "--- {name: app}\n",
            "{services: {},\n name: app}\n",
            "&root\n  name: app\n",
            "x-base: &b {name: app}\n<<: *b\n",
            "? name\n: app\n",
        ] {
            assert!(may_name_project(text), "{text:?}");
        }
    }

    #[test]
    fn simple_names_are_read_without_parsing() {
        use super::{parsed_top_level_name, simple_top_level_name};
        let limits = crate::load::Limits::default();
        for (text, simple) in [
            ("name: app\nservices: {}\n", Some("app")),
            (
                "services:\n  a: {}\nname: my-app_2 # the project\n",
                Some("my-app_2"),
            ),
            ("  services: {}\n  name: app\n", Some("app")),
            ("name: app\n  continued\n", None),
            ("name: \"app\"\n", None),
            ("name: ${NAME:-app}\n", None),
            ("name: true\n", None),
            ("name: 1app\n", None),
            ("name:\n  app\n", None),
            ("name: a\nname: b\n", None),
            ("name : app\n", None),
            ("names: x\nname: app\n", Some("app")),
            ("x-a: &a {name: b}\n<<: *a\nname: app\n", None),
            ("name: app\n---\nname: other\n", None),
            (
                "x-h: &h\n  a: 1\ns:\n  x:\n    <<: *h\n    \"k\": v\nname: app\n",
                Some("app"),
            ),
            ("\"name\": a\n", None),
        ] {
            assert_eq!(simple_top_level_name(text).as_deref(), simple, "{text:?}");
            if let Some(name) = simple {
                assert_eq!(
                    parsed_top_level_name(text, &limits).as_deref(),
                    Some(name),
                    "{text:?}"
                );
            }
        }
    }

    /// Over the fixtures and the corpus, the simple reading agrees with
    /// the parse wherever it answers.
    #[test]
    fn simple_names_agree_with_the_parse() {
        use super::{parsed_top_level_name, simple_top_level_name};
        let limits = crate::load::Limits::default();
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("fixtures"), root.join("../shared/corpus")];
        let mut answered = 0;
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&p) else {
                    continue;
                };
                if let Some(name) = simple_top_level_name(&text) {
                    answered += 1;
                    assert_eq!(
                        parsed_top_level_name(&text, &limits),
                        Some(name),
                        "{}",
                        p.display()
                    );
                }
            }
        }
        assert!(answered > 0);
    }

    #[test]
    fn nested_names_do_not_count() {
        for text in [
            "services:\n  a:\n    image: x\nnetworks:\n  n:\n    name: net\n",
            "services: {}\nvolumes:\n  v:\n    name: data\n",
            "",
            "# name: app\n",
        ] {
            assert!(!may_name_project(text), "{text:?}");
        }
    }
}
