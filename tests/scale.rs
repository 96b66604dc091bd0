//! Rules that compare services with each other stay linear: a project with
//! 20,000 services is checked quickly and without exhausting the stack.

use std::fmt::Write;
use std::time::{Duration, Instant};

use dockmaster::load::{Input, Limits, load_project};
use dockmaster::rules::{self, Preset, Settings};

const SERVICES: usize = 20_000;

fn project(text: String) -> dockmaster::model::Project {
    let loaded = load_project(
        &[Input::text("compose.yaml", text.into_bytes())],
        &Limits::default(),
    )
    .unwrap();
    dockmaster::model::build(loaded)
}

fn count(diags: &[dockmaster::diag::Diagnostic], rule: &str) -> usize {
    diags.iter().filter(|d| d.rule == rule).count()
}

/// A chain `s0 -> s1 -> ... -> s19999 -> s0` through `depends_on`: one
/// cycle of 20,000 services, found by an iterative search.
#[test]
fn a_cycle_through_twenty_thousand_services() {
    let mut text = String::from("services:\n");
    for i in 0..SERVICES {
        let next = (i + 1) % SERVICES;
        writeln!(
            text,
            "  s{i}:\n    image: busybox:1.36\n    depends_on:\n      - s{next}"
        )
        .unwrap();
    }
    let p = project(text);
    let start = Instant::now();
    let diags = rules::run(
        &p,
        &Settings::only(
            Preset::Production,
            &["depends-on-cycle", "depends-on-undefined"],
        ),
    );
    let elapsed = start.elapsed();
    assert_eq!(count(&diags, "depends-on-cycle"), 1);
    assert_eq!(count(&diags, "depends-on-undefined"), 0);
    let message = &diags[0].message;
    assert!(
        message.starts_with("dependency cycle detected: s0 -> s1 -> "),
        "{message}"
    );
    assert!(message.contains("(19984 more)"), "{message}");
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}

/// Every service publishes its own TCP port, one port shared by all, and
/// the whole UDP range: bindings are indexed, never compared pairwise, and
/// a range costs no more than a single port.
#[test]
fn port_conflicts_among_twenty_thousand_services() {
    let mut text = String::from("services:\n");
    for i in 0..SERVICES {
        writeln!(
            text,
            "  s{i}:\n    image: busybox:1.36\n    ports:\n      - \"{}:80\"\n      - \"127.0.0.1:9999:81\"\n      - \"1-65535:1-65535/udp\"",
            10_000 + i
        )
        .unwrap();
    }
    let p = project(text);
    let start = Instant::now();
    let diags = rules::run(&p, &Settings::only(Preset::Production, &["port-conflict"]));
    let elapsed = start.elapsed();
    // Every service but the first repeats 127.0.0.1:9999 and the UDP range.
    assert_eq!(count(&diags, "port-conflict"), 2 * (SERVICES - 1));
    assert!(
        diags.iter().all(
            |d| d.message.ends_with("is already published by service `s0`")
                || d.message.ends_with("are already published by service `s0`")
        ),
        "{:?}",
        diags
            .iter()
            .find(|d| !d.message.contains("`s0`"))
            .map(|d| &d.message)
    );
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}

/// 20,000 services, each naming a missing service and a missing volume:
/// every one is reported, and the did-you-mean search stays bounded.
#[test]
fn undefined_names_among_twenty_thousand_services() {
    let mut text = String::from("services:\n");
    for i in 0..SERVICES {
        writeln!(
            text,
            "  s{i}:\n    image: busybox:1.36\n    depends_on:\n      - missing{i}\n    volumes:\n      - vol{i}:/data"
        )
        .unwrap();
    }
    let p = project(text);
    let start = Instant::now();
    let diags = rules::run(
        &p,
        &Settings::only(
            Preset::Production,
            &["depends-on-undefined", "undefined-reference"],
        ),
    );
    let elapsed = start.elapsed();
    assert_eq!(count(&diags, "depends-on-undefined"), SERVICES);
    assert_eq!(count(&diags, "undefined-reference"), SERVICES);
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}

/// 10,000 services behind 10,000 top-level `x-` keys, each with a
/// suppression comment on its key line and one above a value, an image
/// (image-tag and image-digest ask whether the project builds it), and
/// findings with fixes (no-new-privileges): every rule and the suppressions
/// stay linear. (Matching suppressions compared every finding with every
/// comment and every service: this took minutes.)
#[test]
fn every_rule_and_suppressions_over_ten_thousand_services() {
    const N: usize = 10_000;
    let mut text = String::new();
    for i in 0..N {
        writeln!(text, "x-{i}: {{k: v}}").unwrap();
    }
    text.push_str("services:\n");
    for i in 0..N {
        writeln!(
            text,
            "  s{i}:  # dockmaster: ignore[restart-policy] generated\n    image: nginx:1.{i}\n    # dockmaster: ignore[privileged] needed\n    privileged: true"
        )
        .unwrap();
    }
    let p = project(text);
    let start = Instant::now();
    let outcome = dockmaster::check_project(&p, &Settings::new(Preset::Production));
    let elapsed = start.elapsed();
    let silenced = |rule: &str| {
        outcome
            .suppressed
            .iter()
            .filter(|(d, _)| d.rule == rule)
            .count()
    };
    assert_eq!(silenced("restart-policy"), N);
    assert_eq!(silenced("privileged"), N);
    assert_eq!(count(&outcome.kept, "privileged"), 0);
    assert_eq!(count(&outcome.kept, "unused-suppression"), 0);
    assert_eq!(count(&outcome.kept, "no-new-privileges"), N);
    assert!(
        outcome
            .kept
            .iter()
            .filter(|d| d.rule == "no-new-privileges")
            .all(|d| d.fix.is_some())
    );
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}

/// 200,000 repetitions of one key: each is reported with the line of the
/// previous one, counted from there (it was counted from the start of the
/// file each time, which took minutes).
#[test]
fn two_hundred_thousand_duplicate_keys() {
    const N: usize = 200_000;
    let mut text = String::from("services:\n  web:\n    image: nginx:1.27\n");
    for _ in 0..N {
        text.push_str("    image: nginx:1.27\n");
    }
    let start = Instant::now();
    let p = project(text);
    let elapsed = start.elapsed();
    let dups: Vec<_> = p
        .problems
        .iter()
        .filter(|d| d.kind == dockmaster::load::ProblemKind::DuplicateKey)
        .collect();
    assert_eq!(dups.len(), N);
    assert!(
        dups.last()
            .unwrap()
            .message
            .ends_with(&format!("already defined at line {}", N + 2)),
        "{}",
        dups.last().unwrap().message
    );
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}

/// 20,000 findings of one rule on the same text (`privileged: true` in
/// every service): their fingerprints (JSON, SARIF, GitLab) stay distinct
/// and cost one hash each (each repeat used to try every earlier number
/// first: a minute for this file).
#[test]
fn fingerprints_of_twenty_thousand_equal_findings() {
    let mut text = String::from("services:\n");
    for i in 0..SERVICES {
        writeln!(
            text,
            "  s{i}:\n    image: busybox:1.36\n    privileged: true"
        )
        .unwrap();
    }
    let p = project(text);
    let diags = rules::run(&p, &Settings::only(Preset::Production, &["privileged"]));
    assert_eq!(count(&diags, "privileged"), SERVICES);
    let mut report = dockmaster::report::Report::default();
    report.extend(std::sync::Arc::new(p.sources), diags);
    report.finish();
    let start = Instant::now();
    let mut out = String::new();
    dockmaster::report::json::render(&report, &mut out);
    let elapsed = start.elapsed();
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let prints: std::collections::HashSet<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(prints.len(), SERVICES);
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}
