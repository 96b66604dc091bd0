//! The whole pipeline, from bytes to rendered findings, as the fuzz target
//! runs it; the regression tests (tests/fuzz.rs) run the inputs the fuzzer
//! found through the same function.
//!
//! Load (with the file size budget of a fuzz input), model, every rule
//! (those off in the preset too), suppressions, then every output format;
//! the fixes of the findings are applied and the fixed text loaded again.
//! The oracles: no panic, no hang, no unbounded memory (libFuzzer's
//! `-timeout` and `-rss_limit_mb`), JSON outputs that parse, fix edits
//! that fit the text, and human output drawn by the plain renderer exactly
//! as miette draws it.

use std::path::Path;
use std::sync::Arc;

use dockmaster::diag::Edit;
use dockmaster::load::{Input, Limits, load_project};
use dockmaster::report::{self, Report};
use dockmaster::rules::{self, Preset, Settings};
use dockmaster::span::FileId;

/// Run the pipeline over one input.
pub fn run(data: &[u8]) {
    let limits = Limits {
        max_file_size: 1 << 20,
        ..Limits::default()
    };
    let Ok(loaded) = load_project(&[Input::text("compose.yaml", data.to_vec())], &limits) else {
        return;
    };
    let project = dockmaster::model::build(loaded);
    let ids: Vec<&'static str> = rules::ALL.iter().map(|r| r.id).collect();
    let settings = Settings::only(Preset::Production, &ids);
    let outcome = dockmaster::check_project(&project, &settings);

    // Every fix's edits lie inside the text, on character boundaries; the
    // fixed text is loaded again.
    let text = project.sources.get(FileId(0)).text.clone();
    let edits: Vec<Edit> = outcome
        .kept
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| f.edits.iter())
        .filter(|e| e.span.file == FileId(0))
        .cloned()
        .collect();
    for e in &edits {
        let (s, t) = (e.span.start as usize, e.span.end as usize);
        assert!(
            s <= t && t <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(t),
            "a fix edit {s}..{t} does not fit a text of {} bytes",
            text.len()
        );
    }
    let (fixed, _) = rules::edits::apply(&text, &edits);
    let _ = load_project(&[Input::text("compose.yaml", fixed.into_bytes())], &limits)
        .map(dockmaster::model::build);

    let mut report = Report {
        files: project.sources.len(),
        ..Report::default()
    };
    report.extend(Arc::new(project.sources), outcome.kept);
    report.finish();
    let mut out = String::new();
    report::human::render(&report, false, 80, &mut out);
    // The plain renderer draws what miette draws.
    for width in [30, 80] {
        if let Err(e) = report::human::plain_agrees_with_miette(&report, width) {
            panic!("the plain renderer differs from miette: {e}");
        }
    }
    out.clear();
    report::compact::render(&report, &mut out);
    out.clear();
    report::github::render(&report, &mut out);
    out.clear();
    report::checkstyle::render(&report, &mut out);
    out.clear();
    report::junit::render(&report, &mut out);
    out.clear();
    report::gitlab::render(&report, None, Path::new("/work"), &mut out);
    json(&out);
    out.clear();
    report::json::render(&report, &mut out);
    json(&out);
    out.clear();
    report::sarif::render(&report, Some(Path::new("/work")), &mut out);
    json(&out);
    out.clear();
    report::rdjson::render(&report, &mut out);
    json(&out);
    out.clear();
    report::rdjson::render_lines(&report, &mut out);
    for line in out.lines() {
        json(line);
    }
}

fn json(text: &str) {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        panic!("invalid JSON output ({e}):\n{text}");
    }
}
