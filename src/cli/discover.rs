//! Finding the Compose files to lint.

use std::path::{Path, PathBuf};

pub use crate::load::{DEFAULT_FILE_NAMES as DEFAULT_NAMES, OVERRIDE_FILE_NAMES as OVERRIDE_NAMES};

/// Whether a file found while walking a directory is a Compose file:
/// `compose*.y[a]ml` (but not `composer*`, PHP's), `docker-compose*.y[a]ml`
/// or `*.compose.y[a]ml`.
pub fn is_compose_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let Some(stem) = lower
        .strip_suffix(".yaml")
        .or_else(|| lower.strip_suffix(".yml"))
    else {
        return false;
    };
    (stem.starts_with("compose") && !stem.starts_with("composer"))
        || stem.starts_with("docker-compose")
        || stem.ends_with(".compose")
}

/// The Compose file Docker Compose would pick in `dir` or, failing that, in
/// its parents; with the override file beside it.
pub fn default_files(dir: &Path) -> Option<Vec<PathBuf>> {
    let mut current = Some(dir);
    while let Some(d) = current {
        if let Some(main) = DEFAULT_NAMES
            .iter()
            .map(|n| d.join(n))
            .find(|p| p.is_file())
        {
            let mut files = vec![main];
            if let Some(o) = OVERRIDE_NAMES
                .iter()
                .map(|n| d.join(n))
                .find(|p| p.is_file())
            {
                files.push(o);
            }
            return Some(files);
        }
        current = d.parent();
    }
    None
}

/// The project a file named on the command line belongs to: a base file
/// with the override file beside it, an override file after its base file,
/// or the file alone.
pub fn with_override(path: &Path) -> Vec<PathBuf> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let dir = path.parent().unwrap_or(Path::new(""));
    let beside = |names: &[&str]| names.iter().map(|n| dir.join(n)).find(|p| p.is_file());
    if DEFAULT_NAMES.contains(&name) {
        if let Some(o) = beside(&OVERRIDE_NAMES) {
            return vec![path.to_path_buf(), o];
        }
    } else if OVERRIDE_NAMES.contains(&name)
        && let Some(b) = beside(&DEFAULT_NAMES)
    {
        return vec![b, path.to_path_buf()];
    }
    vec![path.to_path_buf()]
}

/// Group the files found in a walk into projects: in each directory, the
/// base file Compose would pick with its override file; every other file
/// alone.
pub fn group(files: &[PathBuf], merge_override: bool) -> Vec<Vec<PathBuf>> {
    let mut out: Vec<Vec<PathBuf>> = Vec::new();
    let mut by_dir: std::collections::BTreeMap<&Path, Vec<&PathBuf>> =
        std::collections::BTreeMap::new();
    for f in files {
        by_dir
            .entry(f.parent().unwrap_or(Path::new("")))
            .or_default()
            .push(f);
    }
    for (_, in_dir) in by_dir {
        let name = |p: &PathBuf| {
            p.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string()
        };
        let pick = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| in_dir.iter().find(|f| name(f) == *n).copied())
        };
        let base = pick(&DEFAULT_NAMES);
        let over = if merge_override {
            pick(&OVERRIDE_NAMES)
        } else {
            None
        };
        for f in &in_dir {
            if Some(*f) == over && base.is_some() {
                continue;
            }
            if Some(*f) == base {
                let mut g = vec![(*f).clone()];
                g.extend(over.cloned());
                out.push(g);
            } else {
                out.push(vec![(*f).clone()]);
            }
        }
    }
    out
}

/// Walk a directory (respecting `.gitignore` and `.ignore`), returning the
/// Compose files in sorted order, and the errors met on the way.
pub fn walk(dir: &Path) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .require_git(false)
        .follow_links(true)
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(e.file_type().is_some_and(|t| t.is_dir())
                && matches!(name.as_ref(), ".git" | ".hg" | ".svn" | "node_modules"))
        })
        .build();
    for entry in walker {
        match entry {
            Ok(e) => {
                let is_file = e.file_type().is_some_and(|t| t.is_file());
                if is_file && is_compose_file_name(&e.file_name().to_string_lossy()) {
                    files.push(e.into_path());
                }
            }
            Err(err) => {
                let path = error_path(&err).unwrap_or_else(|| dir.to_path_buf());
                let message = match err.io_error() {
                    Some(io) => crate::load::project::io_message(io),
                    None => {
                        let s = err.to_string();
                        if s.contains("File system loop") {
                            "a symbolic link loop; it is not followed".to_string()
                        } else {
                            s
                        }
                    }
                };
                errors.push((path, message));
            }
        }
    }
    files.sort();
    (files, errors)
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } => error_path(err),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_file_names() {
        for yes in [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yml",
            "docker-compose.prod.yaml",
            "compose.override.yml",
            "app.compose.yaml",
            "Docker-Compose.YML",
        ] {
            assert!(is_compose_file_name(yes), "{yes}");
        }
        for no in [
            "compose.json",
            "values.yaml",
            "my-compose.yaml",
            ".compose.yml.bak",
            "docker-compose",
        ] {
            assert!(!is_compose_file_name(no), "{no}");
        }
    }
}
