//! Multi-file stacks of the corpus (../shared/corpus/projects): each base
//! file linted with its overlays as the projects' own documentation says
//! to run them (`docker compose -f base -f overlay`). Merging must load
//! cleanly and add no finding a maintainer would reject; what merging adds
//! (every finding in an overlay file, and findings in the base file that
//! appear only once merged) is snapshotted, and was read (see
//! docs/corpus-findings-stacks.md). Presets follow the file names, as
//! without `--preset`. The corpus holds no `.env` files, so
//! `interpolation-unset` (a fact about the missing environment, not about
//! the files) is left out. Skipped with a notice when the corpus is absent.

mod common;

use std::collections::HashSet;

use serde_json::Value;

/// (base, overlays, correctness findings expected, why).
const STACKS: &[(&str, &[&str], usize, &str)] = &[
    (
        "supabase__supabase/docker__docker-compose.yml",
        &["supabase__supabase/docker__docker-compose.s3.yml"],
        0,
        "",
    ),
    (
        "supabase__supabase/docker__docker-compose.yml",
        &["supabase__supabase/docker__dev__docker-compose.dev.yml"],
        0,
        "",
    ),
    (
        "supabase__supabase/docker__docker-compose.yml",
        &["supabase__supabase/docker__docs__monitoring__examples__docker-compose.override.yml"],
        0,
        "",
    ),
    (
        "supabase__supabase/docker__docker-compose.yml",
        &["supabase__supabase/docker__docker-compose.prod.yml"],
        6,
        "the overlay comes from a later commit whose base defines `envoy`, \
         `db-default`, `db-project-alpha`, `db-project-beta`, `supabase-meta` \
         and `pooler`; with this base Compose refuses them too",
    ),
    (
        "appwrite__appwrite/docker-compose.yml",
        &["appwrite__appwrite/docker-compose.override.yml"],
        0,
        "",
    ),
    (
        "appwrite__appwrite/docker-compose.yml",
        &["appwrite__appwrite/docker-compose.separate.yml"],
        0,
        "",
    ),
    (
        "netbox-community__netbox-docker/docker-compose.test.yml",
        &["netbox-community__netbox-docker/docker-compose.test.override.yml"],
        0,
        "",
    ),
    (
        "mattermost__docker/docker-compose.yml",
        &["mattermost__docker/docker-compose.nginx.yml"],
        0,
        "",
    ),
    (
        "mattermost__docker/docker-compose.yml",
        &["mattermost__docker/docker-compose.without-nginx.yml"],
        0,
        "",
    ),
    (
        "jitsi__docker-jitsi-meet/docker-compose.yml",
        &[
            "jitsi__docker-jitsi-meet/etherpad.yml",
            "jitsi__docker-jitsi-meet/jibri.yml",
            "jitsi__docker-jitsi-meet/jigasi.yml",
            "jitsi__docker-jitsi-meet/transcriber.yml",
            "jitsi__docker-jitsi-meet/whiteboard.yml",
        ],
        0,
        "",
    ),
    (
        "zulip__docker-zulip/compose.yaml",
        &["zulip__docker-zulip/ci__settings__compose.yaml"],
        10,
        "`compose.yaml` leaves its six secrets to a `compose.override.yaml` the \
         user writes (none is committed); Compose refuses the file as it is",
    ),
    (
        "zulip__docker-zulip/compose.yaml",
        &["zulip__docker-zulip/ci__certbot__compose.yaml"],
        10,
        "`compose.yaml` leaves its six secrets to a `compose.override.yaml` the \
         user writes (none is committed); Compose refuses the file as it is",
    ),
    (
        "nginx-proxy__nginx-proxy/test__compose.base.yml",
        &["nginx-proxy__nginx-proxy/test__test_ssl__compose.base.override.yml"],
        0,
        "",
    ),
    (
        "nginx-proxy__nginx-proxy/test__compose.base.yml",
        &["nginx-proxy__nginx-proxy/test__test_external-ports__compose.base.override.yml"],
        0,
        "",
    ),
];

struct Finding {
    file: String,
    line: u64,
    column: u64,
    severity: String,
    rule: String,
    category: String,
    message: String,
}

fn lint(dir: &std::path::Path, files: &[&str]) -> (i32, Vec<Finding>) {
    let mut args = vec![
        "check",
        "--no-env",
        "--no-config",
        "--no-override",
        "--format",
        "json",
    ];
    for f in files {
        args.extend(["-f", f]);
    }
    let (code, out, err) = common::run_in(dir, &args);
    assert_ne!(code, 2, "{files:?}: {err}");
    let json: Value = serde_json::from_str(&out).expect("json output");
    assert_eq!(json["errors"], Value::Array(vec![]), "{files:?}");
    let findings = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| Finding {
            file: f["location"]["file"].as_str().unwrap().to_string(),
            line: f["location"]["start"]["line"].as_u64().unwrap(),
            column: f["location"]["start"]["column"].as_u64().unwrap(),
            severity: f["severity"].as_str().unwrap().to_string(),
            rule: f["rule"].as_str().unwrap().to_string(),
            category: f["category"].as_str().unwrap().to_string(),
            message: f["message"].as_str().unwrap().to_string(),
        })
        .collect();
    (code, findings)
}

#[test]
fn stacks_merge_cleanly_and_what_merging_adds_was_read() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = corpus.join("projects");
    let mut report = String::new();
    for (base, overlays, expected_errors, why) in STACKS {
        let mut files = vec![*base];
        files.extend(overlays.iter().copied());
        let (_, alone) = lint(&dir, &[base]);
        let seen: HashSet<(String, u64, u64, String, String)> = alone
            .iter()
            .map(|f| {
                (
                    f.file.clone(),
                    f.line,
                    f.column,
                    f.rule.clone(),
                    f.message.clone(),
                )
            })
            .collect();
        let (_, merged) = lint(&dir, &files);
        let correctness = merged
            .iter()
            .filter(|f| f.category == "correctness" && f.rule != "interpolation-unset")
            .count();
        assert_eq!(
            correctness, *expected_errors,
            "correctness findings on {files:?} ({why})"
        );
        report.push_str(&format!("== {}\n", files.join(" + ")));
        for f in &merged {
            let new = f.file != *base
                || !seen.contains(&(
                    f.file.clone(),
                    f.line,
                    f.column,
                    f.rule.clone(),
                    f.message.clone(),
                ));
            if new && f.rule != "interpolation-unset" {
                report.push_str(&format!(
                    "{}:{}:{}: {}[{}]: {}\n",
                    f.file, f.line, f.column, f.severity, f.rule, f.message
                ));
            }
        }
    }
    insta::assert_snapshot!(report);
}
