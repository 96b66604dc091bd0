//! Where reports go: `--format` and `--output` pairs, and atomic writes.
//!
//! The n-th `--output` receives the n-th `--format`. One format may go
//! without `--output` (to standard output); several formats need one
//! `--output` each, `-` naming standard output, which at most one of them
//! may use. Anything else is a usage error, found before any file is
//! linted.
//!
//! A file is written atomically: the report goes to a temporary file in the
//! target's directory, which is renamed over the target once complete. The
//! temporary file is created before linting starts, so an unwritable
//! destination fails fast; on any error it is removed, and the target is
//! left as it was.

use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::cli::args::Format;
use crate::source::{display_path, normalize};

/// Where one format goes.
#[derive(Debug, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    File(PathBuf),
}

/// One format and its destination.
#[derive(Debug, PartialEq, Eq)]
pub struct Output {
    pub format: Format,
    pub destination: Destination,
}

/// Pair `--format`s with `--output`s; an error is a usage error.
pub fn pair(formats: &[Format], outputs: &[PathBuf]) -> Result<Vec<Output>, String> {
    let formats: Vec<Format> = if formats.is_empty() {
        vec![Format::Human]
    } else {
        formats.to_vec()
    };
    if outputs.is_empty() && formats.len() > 1 {
        return Err(format!(
            "{} formats need one --output each, in the same order (`--output -` for standard output)",
            formats.len()
        ));
    }
    if !outputs.is_empty() && outputs.len() != formats.len() {
        let f = formats.len();
        let o = outputs.len();
        return Err(format!(
            "{f} --format{} but {o} --output{}: give one --output per --format, in the same order (`--output -` for standard output)",
            if f == 1 { "" } else { "s" },
            if o == 1 { "" } else { "s" },
        ));
    }
    let mut pairs = Vec::new();
    let mut stdout_used = false;
    let mut files: Vec<PathBuf> = Vec::new();
    for (i, format) in formats.iter().enumerate() {
        let destination = match outputs.get(i) {
            None => Destination::Stdout,
            Some(p) if p.as_os_str() == "-" => Destination::Stdout,
            Some(p) if p.as_os_str().is_empty() => {
                return Err("--output needs a file name (or `-`)".to_string());
            }
            Some(p) => Destination::File(p.clone()),
        };
        match &destination {
            Destination::Stdout => {
                if stdout_used {
                    return Err(
                        "only one --format can go to standard output; give the others a file with --output"
                            .to_string(),
                    );
                }
                stdout_used = true;
            }
            Destination::File(p) => {
                let key = normalize(p);
                if files.contains(&key) {
                    return Err(format!("{} is given to --output twice", display_path(p)));
                }
                files.push(key);
            }
        }
        pairs.push(Output {
            format: *format,
            destination,
        });
    }
    Ok(pairs)
}

/// A file being written: the temporary file beside its target.
pub struct PendingFile {
    target: PathBuf,
    temp: NamedTempFile,
}

impl PendingFile {
    /// Create the temporary file in the target's directory. Fails (with a
    /// one-line message) when the directory does not exist or cannot be
    /// written, or the target is a directory.
    pub fn create(target: &Path) -> Result<PendingFile, String> {
        let shown = display_path(target);
        if target.is_dir() {
            return Err(format!(
                "cannot write the report to {shown}: it is a directory"
            ));
        }
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| format!("cannot write the report to {shown}: {}", one_line(&e)))?;
        Ok(PendingFile {
            target: target.to_path_buf(),
            temp,
        })
    }

    /// Write the whole report (its parts one after the other) and rename it
    /// over the target.
    pub fn commit(mut self, parts: &[String]) -> Result<(), String> {
        let shown = display_path(&self.target);
        let fail =
            |e: std::io::Error| format!("cannot write the report to {shown}: {}", one_line(&e));
        write_parts(self.temp.as_file_mut(), parts).map_err(fail)?;
        self.temp.as_file().sync_all().map_err(fail)?;
        // A new file gets the permissions a plain create would give it
        // (the temporary file is private); a replaced one keeps its own.
        let permissions = match std::fs::metadata(&self.target) {
            Ok(m) => Some(m.permissions()),
            Err(_) => default_permissions(),
        };
        if let Some(p) = permissions {
            self.temp.as_file().set_permissions(p).map_err(fail)?;
        }
        self.temp
            .persist(&self.target)
            .map(|_| ())
            .map_err(|e| fail(e.error))
    }
}

/// Write `parts` one after the other into `file`, a new and empty file.
/// On Linux the file's blocks are reserved first, in one call: ext4 then
/// writes a report of 5 MB in half the time it takes when it allocates
/// them page by page (docs/performance.md). A file system that cannot
/// reserve them is written to without. The parts go in as few calls as
/// the system takes (`writev`, up to 1,024 parts a call): one call per
/// part cost a quarter more for the corpus's 100 parts.
pub fn write_parts(file: &mut std::fs::File, parts: &[String]) -> std::io::Result<()> {
    let total: usize = parts.iter().map(String::len).sum();
    preallocate(file, total as u64);
    let mut slices: Vec<std::io::IoSlice<'_>> = parts
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| std::io::IoSlice::new(p.as_bytes()))
        .collect();
    let mut rest = &mut slices[..];
    while !rest.is_empty() {
        match file.write_vectored(rest) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => std::io::IoSlice::advance_slices(&mut rest, n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(target_os = "linux")]
fn preallocate(file: &std::fs::File, len: u64) {
    use rustix::fs::{FallocateFlags, fallocate};
    if len > 0 {
        // Best effort: on failure (a file system without it, no space left)
        // the writes that follow report what is wrong.
        let _ = fallocate(file, FallocateFlags::empty(), 0, len);
    }
}

#[cfg(not(target_os = "linux"))]
fn preallocate(_: &std::fs::File, _: u64) {}

#[cfg(unix)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}

/// An I/O error's message without the `(os error N)` suffix.
fn one_line(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
    .replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PathBuf {
        PathBuf::from(s)
    }

    #[test]
    fn pairs_in_order() {
        assert_eq!(
            pair(&[], &[]).unwrap(),
            vec![Output {
                format: Format::Human,
                destination: Destination::Stdout
            }]
        );
        assert_eq!(
            pair(&[Format::Sarif], &[p("r.sarif")]).unwrap(),
            vec![Output {
                format: Format::Sarif,
                destination: Destination::File(p("r.sarif"))
            }]
        );
        let two = pair(&[Format::Human, Format::Sarif], &[p("-"), p("r.sarif")]).unwrap();
        assert_eq!(two[0].destination, Destination::Stdout);
        assert_eq!(two[1].destination, Destination::File(p("r.sarif")));
    }

    #[test]
    fn a_report_is_written_whole_in_its_parts_order() {
        let dir = tempfile::tempdir().unwrap();
        for parts in [
            vec![],
            vec![String::new()],
            vec!["one\n".to_string(), String::new(), "two ☞\n".repeat(5000)],
            // More parts than one system call takes (1,024 on Linux),
            // of every size, some empty.
            (0..3000).map(|i| "é".repeat(i % 7)).collect(),
        ] {
            let target = dir.path().join("report.txt");
            // Over a longer report: nothing of it is left after the new one.
            std::fs::write(&target, "x".repeat(100_000)).unwrap();
            PendingFile::create(&target)
                .unwrap()
                .commit(&parts)
                .unwrap();
            assert_eq!(std::fs::read_to_string(&target).unwrap(), parts.concat());
        }
    }

    #[test]
    fn ambiguous_pairs_are_usage_errors() {
        for (formats, outputs) in [
            (vec![Format::Human, Format::Sarif], vec![]),
            (vec![Format::Human, Format::Sarif], vec![p("r.sarif")]),
            (vec![Format::Sarif], vec![p("a"), p("b")]),
            (vec![Format::Human, Format::Json], vec![p("-"), p("-")]),
            (vec![Format::Sarif, Format::Json], vec![p("r"), p("./r")]),
            (vec![Format::Sarif], vec![p("")]),
        ] {
            assert!(pair(&formats, &outputs).is_err(), "{formats:?} {outputs:?}");
        }
    }
}
