//! Parity with KICS's Docker Compose queries, on KICS's own test files
//! (`../shared/corpus/kics/<query>/`): for every query with a dockmaster
//! equivalent, the rule (enabled explicitly, even when off in the preset)
//! fires at each line KICS expects on its positive files, and stays silent
//! on its negative files, except where KICS is wrong; each exception is
//! listed here with its reason and in `docs/kics-parity.md`.
//!
//! A KICS line and a dockmaster finding match when the finding lies in the
//! YAML block that starts on the KICS line: KICS often points at a key
//! (`cap_add:`, `ports:`, `services:`) where dockmaster points at the
//! offending item below it. Each expected line takes its own finding.
//!
//! Skipped with a notice when the corpus is absent.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use dockmaster::load::{Input, Limits, load_project};
use dockmaster::rules::{self, Preset, Settings};

/// KICS query directory → the dockmaster rules that cover it.
const MAPPED: &[(&str, &[&str])] = &[
    ("privileged_containers_enabled", &["privileged"]),
    ("docker_socket_mounted_in_container", &["docker-socket"]),
    ("host_namespace_is_shared", &["host-namespace"]),
    ("shared_host_ipc_namespace", &["host-namespace"]),
    ("shared_host_network_namespace", &["host-namespace"]),
    ("shared_host_user_namespace", &["host-namespace"]),
    ("network_mode_host_exists", &["host-namespace"]),
    (
        "container_capabilities_unrestricted",
        &["cap-add", "cap-drop"],
    ),
    ("check_cap_add_cap_drop", &["cap-add", "cap-drop"]),
    ("no_new_privileges_not_set", &["no-new-privileges"]),
    ("default_seccomp_profile_disabled", &["security-profile"]),
    ("seccomp_disabled", &["security-profile"]),
    ("volume_has_sensitive_host_directory", &["sensitive-mount"]),
    (
        "container_traffic_not_bound_to_host_interface",
        &["port-all-interfaces"],
    ),
];

/// KICS queries with no security rule of dockmaster, and why.
const NOT_MAPPED: &[(&str, &str)] = &[
    (
        "cgroup_not_default",
        "a custom `cgroup_parent` is not a weakness",
    ),
    ("cpus_not_limited", "reliability rule `resource-limits`"),
    ("memory_not_limited", "reliability rule `resource-limits`"),
    ("pids_limit_not_set", "reliability rule `resource-limits`"),
    (
        "healthcheck_not_set",
        "reliability rule `healthcheck-missing`",
    ),
    (
        "restart_policy_on_failure_not_set_to_5",
        "reliability rule `restart-policy` (no fixed retry count)",
    ),
    ("networks_not_set", "removed from KICS in 2023"),
    (
        "security_opt_not_set",
        "an empty `security_opt` is no weakness by itself; `no-new-privileges` reports what matters",
    ),
    (
        "privileged_ports_mapped_in_container",
        "ports below 1024 need no privilege inside a container (Docker sets `net.ipv4.ip_unprivileged_port_start=0`)",
    ),
    (
        "shared_volumes_between_containers",
        "sharing a named volume is normal Compose usage",
    ),
    (
        "volume_mounted_in_multiple_containers",
        "bind propagation is not in dockmaster v1",
    ),
];

/// Lines KICS expects that dockmaster deliberately does not report:
/// (query, file, line, reason).
const KICS_IS_WRONG: &[(&str, &str, usize, &str)] = &[
    (
        "default_seccomp_profile_disabled",
        "positive1.yaml",
        13,
        "`label:seccomp:unconfined` is the SELinux label option `seccomp:unconfined` (Docker splits at the first `:`), which Docker refuses; it does not switch seccomp off",
    ),
    (
        "seccomp_disabled",
        "positive1.yaml",
        10,
        "`label:seccomp:unconfined` is a SELinux label option, not a seccomp setting",
    ),
    (
        "volume_has_sensitive_host_directory",
        "positive1.yaml",
        11,
        "`/var/lib/backup/data` is an anonymous volume's container path, not a host path (kics#8047)",
    ),
    (
        "volume_has_sensitive_host_directory",
        "positive2.yaml",
        18,
        "`/var/lib/backup/data` is not a system directory: KICS treats all of `/var` as sensitive by string prefix",
    ),
    (
        "volume_has_sensitive_host_directory",
        "positive3.yaml",
        14,
        "`/var/data` is a `local-persist` mount point, not a bind of a system directory: KICS treats all of `/var` as sensitive",
    ),
];

/// Expected results that name a file the corpus does not hold.
const ABSENT: &[(&str, &str)] = &[
    ("check_cap_add_cap_drop", "positive4.yaml"),
    ("network_mode_host_exists", "positive1.yaml"),
];

/// Findings on KICS's negative files that dockmaster reports on purpose:
/// (query, file, rule, line, reason).
const NEGATIVE_BUT_REPORTED: &[(&str, &str, &str, usize, &str)] = &[];

struct Finding {
    rule: &'static str,
    line: usize,
    message: String,
}

fn lint(path: &Path, rules_: &[&'static str]) -> (String, Vec<Finding>) {
    let loaded = load_project(&[Input::file(path)], &Limits::default()).expect("readable");
    let project = dockmaster::model::build(loaded);
    let diags = rules::run(&project, &Settings::only(Preset::Production, rules_));
    let file = project
        .sources
        .iter()
        .next()
        .map(|(_, f)| f.clone())
        .unwrap();
    let findings = diags
        .into_iter()
        .map(|d| Finding {
            rule: d.rule,
            line: file.line_col(d.primary.span.start as usize).0,
            message: d.message,
        })
        .collect();
    (file.text.to_string(), findings)
}

/// The lines (1-based, inclusive) of the block starting on `line`: the line
/// and every following line that is blank, a comment, or indented deeper.
fn block(text: &str, line: usize) -> std::ops::RangeInclusive<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let Some(first) = lines.get(line - 1) else {
        return line..=line;
    };
    let base = indent(first);
    let mut last = line;
    for (i, l) in lines.iter().enumerate().skip(line) {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if indent(l) <= base {
            break;
        }
        last = i + 1;
    }
    line..=last
}

#[derive(serde::Deserialize)]
struct Expected {
    line: usize,
    filename: String,
}

#[test]
fn kics_positives_are_found_and_negatives_stay_silent() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let kics = corpus.join("kics");
    if !kics.is_dir() {
        eprintln!("notice: no kics folder in the corpus; skipping");
        return;
    }
    let mut problems = Vec::new();
    let mut used_exceptions = Vec::new();
    let mut absent_seen = Vec::new();
    let mut report = BTreeMap::new();

    // Every query folder is either mapped or explained.
    for entry in std::fs::read_dir(&kics).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !MAPPED.iter().any(|(q, _)| *q == name) && !NOT_MAPPED.iter().any(|(q, _)| *q == name) {
            problems.push(format!(
                "KICS query `{name}` is neither mapped nor explained"
            ));
        }
    }

    for (query, rule_ids) in MAPPED {
        let dir = kics.join(query);
        if !dir.is_dir() {
            problems.push(format!("{query}: missing from the corpus"));
            continue;
        }
        let expected: Vec<Expected> = serde_json::from_str(
            &std::fs::read_to_string(dir.join("positive_expected_result.json")).unwrap(),
        )
        .unwrap();
        let mut by_file: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for e in expected {
            by_file.entry(e.filename).or_default().push(e.line);
        }
        let mut matched = 0;
        let mut total = 0;
        for (file, lines) in &by_file {
            let path = dir.join(file);
            if !path.is_file() {
                if ABSENT.contains(&(query, file.as_str())) {
                    absent_seen.push((*query, file.clone()));
                } else {
                    problems.push(format!("{query}/{file}: expected by KICS but absent"));
                }
                continue;
            }
            let (text, findings) = lint(&path, rule_ids);
            let mut used = vec![false; findings.len()];
            let mut lines: Vec<(usize, std::ops::RangeInclusive<usize>)> =
                lines.iter().map(|&l| (l, block(&text, l))).collect();
            lines.sort_by_key(|(l, b)| (b.end() - b.start(), *l));
            for (line, range) in lines {
                total += 1;
                let hit = findings
                    .iter()
                    .enumerate()
                    .find(|(i, f)| !used[*i] && range.contains(&f.line));
                let excused = KICS_IS_WRONG
                    .iter()
                    .find(|(q, f, l, _)| q == query && f == file && *l == line);
                match (hit, excused) {
                    (Some((i, _)), None) => {
                        used[i] = true;
                        matched += 1;
                    }
                    (None, Some(x)) => used_exceptions.push(*x),
                    (Some((_, f)), Some(_)) => problems.push(format!(
                        "{query}/{file}:{line}: listed as a KICS mistake, but {} reports it: {}",
                        f.rule, f.message
                    )),
                    (None, None) => problems.push(format!(
                        "{query}/{file}:{line}: KICS reports it, {rule_ids:?} do not (found: {:?})",
                        findings
                            .iter()
                            .map(|f| format!("{}@{}", f.rule, f.line))
                            .collect::<Vec<_>>()
                    )),
                }
            }
            for (i, f) in findings.iter().enumerate() {
                if !used[i] {
                    eprintln!(
                        "note: {query}/{file}:{}: also reported by {}: {}",
                        f.line, f.rule, f.message
                    );
                }
            }
        }
        // Negative files.
        let mut negatives: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.starts_with("negative") && n.ends_with(".yaml"))
            .collect();
        negatives.sort();
        for file in &negatives {
            let (_, findings) = lint(&dir.join(file), rule_ids);
            for f in findings {
                let excused = NEGATIVE_BUT_REPORTED
                    .iter()
                    .any(|(q, n, r, l, _)| q == query && n == file && *r == f.rule && *l == f.line);
                if !excused {
                    problems.push(format!(
                        "{query}/{file}:{}: negative, but {} reports: {}",
                        f.line, f.rule, f.message
                    ));
                }
            }
        }
        report.insert(*query, (matched, total, negatives.len()));
    }

    for (query, (matched, total, negatives)) in &report {
        eprintln!(
            "{query}: {matched}/{total} KICS positives matched, {negatives} negative files silent"
        );
    }
    for x in KICS_IS_WRONG {
        if !used_exceptions.contains(x) {
            problems.push(format!(
                "exception {}/{}:{} is not needed any more",
                x.0, x.1, x.2
            ));
        }
    }
    for (q, f) in ABSENT {
        if !absent_seen.iter().any(|(aq, af)| aq == q && af == f) {
            problems.push(format!("{q}/{f} is listed as absent but was found"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_exceptions_are_documented() {
    let doc = std::fs::read_to_string(common::root().join("docs/kics-parity.md")).unwrap();
    let queries = MAPPED
        .iter()
        .map(|(q, _)| *q)
        .chain(NOT_MAPPED.iter().map(|(q, _)| *q));
    for query in queries {
        assert!(
            doc.contains(&format!("`{query}`")),
            "docs/kics-parity.md does not mention `{query}`"
        );
    }
    for (query, file, line, _) in KICS_IS_WRONG {
        assert!(
            doc.contains(&format!("`{query}/{file}:{line}`")),
            "docs/kics-parity.md does not list `{query}/{file}:{line}`"
        );
    }
    for (query, file, rule, line, _) in NEGATIVE_BUT_REPORTED {
        assert!(
            doc.contains(&format!("`{query}/{file}:{line}`")),
            "docs/kics-parity.md does not list `{query}/{file}:{line}` ({rule})"
        );
    }
}

#[test]
fn blocks_span_the_key_and_its_children() {
    let text = "a:\n  b:\n    - x\n\n    # c\n    - y\n  d: 1\ne: 2\n";
    assert_eq!(block(text, 2), 2..=6);
    assert_eq!(block(text, 1), 1..=7);
    assert_eq!(block(text, 7), 7..=7);
    assert_eq!(block(text, 3), 3..=3);
}
