//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run the `dockmaster` binary in the repository root; returns exit code,
/// stdout and stderr.
pub fn run(args: &[&str]) -> (i32, String, String) {
    run_in(&root(), args)
}

pub fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dockmaster"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env("COLUMNS", "100")
        .output()
        .expect("run dockmaster");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The shared corpus of real Compose files, when present (`DOCKMASTER_CORPUS`
/// or `../shared/corpus`). Tests that need it print a notice and pass when it
/// is absent.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("DOCKMASTER_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "notice: corpus not found at {} (set DOCKMASTER_CORPUS); skipping",
            dir.display()
        );
        None
    }
}

/// Every YAML file under a directory, sorted.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
