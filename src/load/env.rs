//! Where interpolated variables come from, in Compose's order of precedence:
//! the process environment, then the env files (`--env-file`, else `.env` in
//! the project directory). `--no-env` keeps only the defaults written in the
//! files.
//!
//! `.env` files follow compose-go's `dotenv` syntax: `KEY=VALUE` (or
//! `KEY: VALUE`) lines, an optional `export ` prefix, `#` comments, single
//! quotes literal, double quotes with `\n`/`\r` escapes and `${VAR}`
//! expansion, unquoted values up to the line end without an inline `#...`
//! comment; a bare `KEY` takes its value from the process environment.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::load::interpolate::{self, Lookup};

/// Variables for interpolation.
#[derive(Clone, Debug, Default)]
pub struct Environment {
    vars: HashMap<String, String>,
    /// The env files that were read, in order.
    pub files: Vec<PathBuf>,
}

impl Lookup for Environment {
    fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }
}

/// How to assemble the environment.
#[derive(Clone, Debug, Default)]
pub struct EnvOptions {
    /// Ignore the process environment and `.env` (`--no-env`): only defaults
    /// written in the files apply.
    pub no_env: bool,
    /// `--env-file` files, replacing the default `.env`.
    pub env_files: Vec<PathBuf>,
    /// Variables given explicitly (tests, configuration), winning over the
    /// files but not over the process environment.
    pub extra: Vec<(String, String)>,
    /// The process environment to use instead of this process's own
    /// (an embedder linting for another process, tests).
    pub process: Option<Vec<(String, String)>>,
}

/// An env file that could not be read or parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvError {
    pub path: PathBuf,
    pub message: String,
}

impl Environment {
    pub fn from_pairs<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Environment {
        Environment {
            vars: pairs.into_iter().collect(),
            files: Vec::new(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// Set a variable.
    pub fn set(&mut self, name: &str, value: String) {
        self.vars.insert(name.to_string(), value);
    }

    /// Every variable.
    pub fn pairs(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.vars.iter().map(|(k, v)| (k.clone(), v.clone()))
    }

    /// Build the environment of a project whose directory is `project_dir`.
    pub fn load(project_dir: &Path, options: &EnvOptions) -> Result<Environment, EnvError> {
        match &options.process {
            Some(vars) => Environment::load_with(project_dir, options, vars.iter().cloned()),
            // `--no-env` reads no variable: the process environment is not
            // even copied.
            None if options.no_env => Environment::load_with(project_dir, options, []),
            None => Environment::load_with(project_dir, options, std::env::vars()),
        }
    }

    /// As [`Environment::load`], with an explicit process environment.
    pub fn load_with(
        project_dir: &Path,
        options: &EnvOptions,
        process: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Environment, EnvError> {
        let mut env = Environment::default();
        // `--no-env`: neither the process environment nor `.env`; only
        // what is given explicitly (`--env-file` files, extra variables).
        let process: HashMap<String, String> = if options.no_env {
            HashMap::new()
        } else {
            process.into_iter().collect()
        };
        let disabled = process
            .get("COMPOSE_DISABLE_ENV_FILE")
            .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true"));
        let files: Vec<PathBuf> = if !options.env_files.is_empty() {
            options.env_files.clone()
        } else if disabled || options.no_env {
            Vec::new()
        } else {
            let dotenv = project_dir.join(".env");
            if dotenv.is_file() {
                vec![dotenv]
            } else {
                Vec::new()
            }
        };
        for file in &files {
            let text = std::fs::read_to_string(file).map_err(|e| EnvError {
                path: file.clone(),
                message: crate::load::project::io_message(&e),
            })?;
            parse_dotenv(&text, &mut env.vars, &process).map_err(|message| EnvError {
                path: file.clone(),
                message,
            })?;
        }
        env.files = files;
        for (k, v) in &options.extra {
            env.vars.insert(k.clone(), v.clone());
        }
        // The process environment always wins.
        env.vars.extend(process);
        Ok(env)
    }
}

struct Chain<'a> {
    first: &'a HashMap<String, String>,
    second: &'a HashMap<String, String>,
}

impl Lookup for Chain<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.first
            .get(name)
            .or_else(|| self.second.get(name))
            .map(String::as_str)
    }
}

/// Parse a `.env` file into `out`. Errors name the line.
pub fn parse_dotenv(
    text: &str,
    out: &mut HashMap<String, String>,
    process: &HashMap<String, String>,
) -> Result<(), String> {
    let mut lines = text.lines().enumerate().peekable();
    while let Some((n, raw)) = lines.next() {
        let line_no = n + 1;
        let line = raw.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(line);
        let sep = line.find(['=', ':']);
        let Some(sep) = sep else {
            let key = line.trim_end();
            if key.contains(char::is_whitespace) {
                return Err(format!("line {line_no}: key cannot contain a space"));
            }
            if let Some(v) = process.get(key) {
                out.insert(key.to_string(), v.clone());
            }
            continue;
        };
        let key = line[..sep].trim_end();
        if key.contains(char::is_whitespace) {
            return Err(format!("line {line_no}: key cannot contain a space"));
        }
        if let Some(bad) = key
            .chars()
            .find(|c| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
        {
            return Err(format!(
                "line {line_no}: unexpected character {bad:?} in variable name `{key}`"
            ));
        }
        let rest = line[sep + 1..].trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('\'' | '"')) => {
                // A quoted value may span lines.
                let mut body = rest[1..].to_string();
                let close = loop {
                    if let Some(i) = find_unescaped(&body, q) {
                        break i;
                    }
                    match lines.next() {
                        Some((_, next)) => {
                            body.push('\n');
                            body.push_str(next);
                        }
                        None => {
                            return Err(format!(
                                "line {line_no}: unterminated quoted value {}",
                                rest
                            ));
                        }
                    }
                };
                let inner = &body[..close];
                if q == '"' {
                    let unescaped = inner
                        .replace("\\n", "\n")
                        .replace("\\r", "\r")
                        .replace("\\\"", "\"");
                    expand(&unescaped, out, process)
                } else {
                    inner.to_string()
                }
            }
            _ => {
                let v = rest.split('#').next().unwrap_or("").trim_end();
                expand(v, out, process)
            }
        };
        let value = process.get(key).cloned().unwrap_or(value);
        out.insert(key.to_string(), value);
    }
    Ok(())
}

fn find_unescaped(s: &str, q: char) -> Option<usize> {
    let mut prev = None;
    for (i, c) in s.char_indices() {
        if c == q && prev != Some('\\') {
            return Some(i);
        }
        prev = Some(c);
    }
    None
}

fn expand(v: &str, parsed: &HashMap<String, String>, process: &HashMap<String, String>) -> String {
    if !v.contains('$') {
        return v.to_string();
    }
    let lookup = Chain {
        first: process,
        second: parsed,
    };
    interpolate::interpolate(v, &lookup).text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, process: &[(&str, &str)]) -> Result<HashMap<String, String>, String> {
        let process: HashMap<String, String> = process
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut out = HashMap::new();
        parse_dotenv(text, &mut out, &process)?;
        Ok(out)
    }

    #[test]
    fn dotenv_syntax() {
        let env = parse(
            "# comment\n\nA=1\nexport B=two # inline\nC='literal ${A}'\nD=\"line\\nnext ${A}\"\nE: yaml-style\nF=${A}-x\nG\nH=\n",
            &[("G", "from-process")],
        )
        .unwrap();
        assert_eq!(env["A"], "1");
        assert_eq!(env["B"], "two");
        assert_eq!(env["C"], "literal ${A}");
        assert_eq!(env["D"], "line\nnext 1");
        assert_eq!(env["E"], "yaml-style");
        assert_eq!(env["F"], "1-x");
        assert_eq!(env["G"], "from-process");
        assert_eq!(env["H"], "");
    }

    #[test]
    fn dotenv_errors_name_the_line() {
        assert_eq!(
            parse("A=1\nMY KEY=2\n", &[]).unwrap_err(),
            "line 2: key cannot contain a space"
        );
        assert!(
            parse("A=\"open\n", &[])
                .unwrap_err()
                .starts_with("line 1: unterminated quoted value")
        );
    }

    #[test]
    fn the_process_environment_wins() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".env"), "TAG=1.0\nONLY_FILE=f\n").unwrap();
        let env = Environment::load_with(
            dir.path(),
            &EnvOptions::default(),
            [("TAG".to_string(), "2.0".to_string())],
        )
        .unwrap();
        assert_eq!(env.get("TAG"), Some("2.0"));
        assert_eq!(env.get("ONLY_FILE"), Some("f"));
        let none = Environment::load_with(
            dir.path(),
            &EnvOptions {
                no_env: true,
                ..EnvOptions::default()
            },
            [("TAG".to_string(), "2.0".to_string())],
        )
        .unwrap();
        assert_eq!(none.get("TAG"), None);
    }
}
