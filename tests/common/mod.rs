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

/// What [`run_bounded`] saw: exit code, stdout, stderr.
pub struct Bounded {
    pub code: i32,
    pub out: String,
    pub err: String,
}

/// Run `dockmaster` in `dir` under a deadline and an address-space limit
/// (`ulimit -v`, in KiB): a hang fails the test at the deadline instead of
/// blocking the suite, and memory beyond the limit makes allocation fail,
/// which aborts the process. The bounds are generous: they catch a hang or
/// a blow-up, not a slow machine. `uid` runs it as another user (root only).
pub fn run_bounded(
    dir: &Path,
    args: &[&str],
    deadline: std::time::Duration,
    memory_kib: u64,
    uid: Option<u32>,
) -> Bounded {
    use std::io::Read;
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -v {memory_kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_dockmaster"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env("COLUMNS", "100")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    #[cfg(unix)]
    if let Some(uid) = uid {
        use std::os::unix::process::CommandExt;
        cmd.uid(uid).gid(uid);
    }
    let mut child = cmd.spawn().expect("run dockmaster");
    // Read both pipes on threads, so that a large output cannot block the
    // child while we wait.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = stdout.read_to_end(&mut b);
        b
    });
    let err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = stderr.read_to_end(&mut b);
        b
    });
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for dockmaster") {
            break status;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("dockmaster {args:?} did not finish within {deadline:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    let out = String::from_utf8_lossy(&out.join().unwrap()).into_owned();
    let err = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert!(
            status.signal().is_none(),
            "dockmaster {args:?} was killed by signal {:?} (out of memory?)\n{err}",
            status.signal()
        );
    }
    Bounded {
        code: status.code().unwrap_or(-1),
        out,
        err,
    }
}
