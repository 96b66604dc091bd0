//! The fuzz target's pipeline (`fuzz/pipeline.rs`: bytes to every output
//! format, fix edits applied and reloaded, JSON outputs parsed) over the
//! inputs the fuzzer found (`fuzz/regressions/`, one file per crash, hang
//! or out-of-memory it reported, kept after the fix) and over the
//! repository's fixtures. Each input runs on a thread under a deadline, so
//! that a hang fails instead of blocking the suite.

#[path = "../fuzz/pipeline.rs"]
mod pipeline;

mod common;

use std::path::PathBuf;
use std::time::Duration;

fn inputs() -> Vec<PathBuf> {
    let root = common::root();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("fuzz/regressions"))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.extend(common::yaml_files(&root.join("fixtures")));
    files.sort();
    files
}

#[test]
fn fuzz_regressions_and_fixtures_pass_the_pipeline() {
    let files = inputs();
    assert!(files.len() > 100, "only {} inputs", files.len());
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let name = file.display().to_string();
        let worker = std::thread::spawn(move || {
            pipeline::run(&bytes);
            let _ = tx.send(());
        });
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(()) => worker.join().unwrap(),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                panic!("{name}: the pipeline did not finish within 60 s")
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                let e = worker.join().unwrap_err();
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                panic!("{name}: the pipeline panicked: {msg}");
            }
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Comments of other characters than printable ASCII (wide and
    /// combining characters, tabs, `\r`) between the lines that carry
    /// findings: the pipeline's oracles hold, among them the plain renderer
    /// drawing exactly what miette draws (it takes a snippet whose lines of
    /// other characters no label touches).
    #[test]
    fn snippets_with_lines_of_other_characters(
        comments in proptest::collection::vec("[ a-z#é漢字\u{301}\u{2014}\t\r]{0,12}", 8),
        crlf in proptest::bool::ANY,
    ) {
        let lines = [
            "services:",
            "  web:",
            "    image: nginx",
            "    ports:",
            "      - 80:80",
            "      - target: 443",
            "        published: 443",
            "    environment:",
            "      PASSWORD: hunter2",
        ];
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        for (i, line) in lines.iter().enumerate() {
            text.push_str(line);
            text.push_str(eol);
            if let Some(c) = comments.get(i) {
                let indent = if i == 0 { "" } else { "    " };
                text.push_str(&format!("{indent}# {c}{eol}"));
            }
        }
        pipeline::run(text.as_bytes());
    }
}
