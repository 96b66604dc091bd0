//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF
//! viewers.
//!
//! One run; the driver lists every rule (so `ruleIndex` is the rule's index
//! in [`rules::ALL`]) with its document as help. Columns are UTF-16 code
//! units (`run.columnKind`), as GitHub code scanning expects. Paths are
//! relative URIs against `%SRCROOT%` (the directory dockmaster ran in);
//! a file outside it gets an absolute `file://` URI. Each result carries a
//! content fingerprint (rule id, path, flagged text; never a line number)
//! under `partialFingerprints`, the merge sites and other labels as
//! `relatedLocations`, and fix edits as `fixes`.

use std::path::Path;

use serde::Serialize;

use crate::diag::{Applicability, Level, Severity};
use crate::report::fingerprint::content_fingerprints;
use crate::report::{HOMEPAGE, Item, Range, Report, TOOL_NAME, VERSION, rule_doc_url, uri_path};
use crate::rules::{self, Rule};
use crate::source::display_path;
use crate::span::Span;

/// The `$schema` written: the OASIS schema of SARIF 2.1.0 with its errata.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The `uriBaseId` of every relative artifact location.
pub const SRCROOT: &str = "%SRCROOT%";

/// The `partialFingerprints` key of dockmaster's content fingerprint.
pub const FINGERPRINT_KEY: &str = "dockmasterContentHash/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: Vec<Invocation<'a>>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    enabled: bool,
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: TextRef<'a>,
}

#[derive(Serialize)]
struct TextRef<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    partial_fingerprints: std::collections::BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<TextRef<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: TextRef<'a>,
    artifact_changes: Vec<ArtifactChange<'a>>,
    properties: FixProperties,
}

#[derive(Serialize)]
struct FixProperties {
    applicability: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: TextRef<'a>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `duplicate-key` → `DuplicateKey`.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The text of a Markdown section (`## What it checks`): paragraphs
/// unwrapped onto one line each, list items kept one per line.
fn section(doc: &str, title: &str) -> Option<String> {
    let heading = format!("## {title}");
    let start = doc.lines().position(|l| l.trim() == heading)?;
    let mut out = String::new();
    let mut blank = false;
    for line in doc.lines().skip(start + 1) {
        if line.starts_with("## ") {
            break;
        }
        let text = line.trim();
        if text.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        let item = text.starts_with("- ")
            || text.starts_with("* ")
            || text
                .split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if blank {
            out.push_str("\n\n");
        } else if item && !out.is_empty() {
            out.push('\n');
        } else if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(text);
        blank = false;
    }
    (!out.is_empty()).then_some(out)
}

fn descriptor(rule: &Rule) -> Descriptor {
    let level = rule.production;
    Descriptor {
        id: rule.id,
        name: pascal_case(rule.id),
        short_description: Text {
            text: rule.summary.to_string(),
        },
        full_description: Text {
            text: section(rule.doc, "What it checks").unwrap_or_else(|| rule.summary.to_string()),
        },
        help: Help {
            text: rule.doc.to_string(),
            markdown: rule.doc.to_string(),
        },
        help_uri: rule_doc_url(rule.id),
        default_configuration: Configuration {
            enabled: level != Level::Off,
            level: match level.severity() {
                Some(s) => self::level(s),
                None => "none",
            },
        },
        properties: RuleProperties {
            tags: vec![rule.category.as_str()],
        },
    }
}

/// The artifact location of a file: a relative URI against `%SRCROOT%`, or
/// an absolute `file://` URI for a file outside `cwd`.
fn artifact(path: &Path, cwd: Option<&Path>) -> ArtifactLocation {
    if path.is_relative() {
        return ArtifactLocation {
            uri: uri_path(&display_path(&crate::source::normalize(path))),
            uri_base_id: Some(SRCROOT),
        };
    }
    if let Some(rel) = cwd.and_then(|cwd| crate::report::relative_to(path, cwd, cwd)) {
        return ArtifactLocation {
            uri: uri_path(&rel),
            uri_base_id: Some(SRCROOT),
        };
    }
    let s = path.to_string_lossy().replace('\\', "/");
    let s = if s.starts_with('/') {
        s
    } else {
        format!("/{s}")
    };
    ArtifactLocation {
        uri: format!("file://{}", uri_path(&s)),
        uri_base_id: None,
    }
}

fn region(range: Range) -> Region {
    Region {
        start_line: range.start.line,
        start_column: range.start.utf16_column,
        end_line: range.end.line,
        end_column: range.end.utf16_column,
    }
}

fn location<'a>(
    item: &Item,
    span: Span,
    message: &'a str,
    id: Option<usize>,
    cwd: Option<&Path>,
) -> Location<'a> {
    let (file, _, range) = item.locate(span);
    Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: artifact(&file.path, cwd),
            region: region(range),
        },
        message: (!message.is_empty()).then_some(TextRef { text: message }),
    }
}

/// Render the report; `cwd` is the directory `%SRCROOT%` stands for (files
/// under it get relative URIs).
pub fn render(report: &Report, cwd: Option<&Path>, out: &mut String) {
    let uris: Vec<String> = report
        .items
        .iter()
        .map(|i| artifact(&i.file().path, cwd).uri)
        .collect();
    let fingerprints = content_fingerprints(report, &uris);
    let results = report
        .items
        .iter()
        .zip(fingerprints)
        .map(|(item, fingerprint)| {
            let d = &item.diag;
            let rule_index = rules::ALL.iter().position(|r| r.id == d.rule).unwrap_or(0);
            let text = match &d.help {
                Some(h) => format!("{}\nhelp: {h}", d.message),
                None => d.message.clone(),
            };
            let fixes = d
                .fix
                .iter()
                .map(|f| {
                    // One artifact change per file, in the order the files
                    // first appear among the edits.
                    let mut changes: Vec<(crate::span::FileId, ArtifactChange)> = Vec::new();
                    for e in &f.edits {
                        let (file, _, range) = item.locate(e.span);
                        let replacement = Replacement {
                            deleted_region: region(range),
                            inserted_content: TextRef {
                                text: &e.replacement,
                            },
                        };
                        match changes.iter_mut().find(|(id, _)| *id == e.span.file) {
                            Some((_, c)) => c.replacements.push(replacement),
                            None => changes.push((
                                e.span.file,
                                ArtifactChange {
                                    artifact_location: artifact(&file.path, cwd),
                                    replacements: vec![replacement],
                                },
                            )),
                        }
                    }
                    SarifFix {
                        description: TextRef { text: &f.title },
                        artifact_changes: changes.into_iter().map(|(_, c)| c).collect(),
                        properties: FixProperties {
                            applicability: match f.applicability {
                                Applicability::Safe => "safe",
                                Applicability::Unsafe => "unsafe",
                            },
                        },
                    }
                })
                .collect();
            SarifResult {
                rule_id: d.rule,
                rule_index,
                level: level(d.severity),
                message: Text { text },
                locations: vec![location(
                    item,
                    d.primary.span,
                    &d.primary.message,
                    None,
                    cwd,
                )],
                related_locations: d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(n, l)| location(item, l.span, &l.message, Some(n + 1), cwd))
                    .collect(),
                partial_fingerprints: [(FINGERPRINT_KEY, fingerprint)].into_iter().collect(),
                fixes,
            }
        })
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: TOOL_NAME,
                    version: VERSION,
                    semantic_version: VERSION,
                    information_uri: HOMEPAGE,
                    rules: rules::ALL.iter().map(|r| descriptor(r)).collect(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: report.errors.is_empty(),
                tool_execution_notifications: report
                    .errors
                    .iter()
                    .map(|e| Notification {
                        level: "error",
                        message: TextRef { text: e },
                    })
                    .collect(),
            }],
            column_kind: "utf16CodeUnits",
            results,
        }],
    };
    out.push_str(&serde_json::to_string_pretty(&log).expect("SARIF serialization"));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::sample_report;

    #[test]
    fn results_with_related_locations_and_fixes() {
        let mut out = String::new();
        render(&sample_report(), None, &mut out);
        // The rules' documents are long and tested elsewhere; keep the
        // snapshot on the results.
        let mut v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["runs"][0]["tool"]["driver"]["rules"] = "[every rule]".into();
        for r in v["runs"][0]["results"].as_array_mut().unwrap() {
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules::ALL[index].id, r["ruleId"]);
            r["ruleIndex"] = "[index]".into();
        }
        insta::assert_json_snapshot!(v);
    }

    #[test]
    fn regions_use_utf16_columns() {
        // `note` on the line `      note: "𝄞 ☕ 50%, a:b"` and the edit that
        // deletes its duplicate: whole lines, so columns 1.
        let mut out = String::new();
        render(&sample_report(), None, &mut out);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["runs"][0]["columnKind"], "utf16CodeUnits");
        let r = &v["runs"][0]["results"][2];
        let deleted = &r["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"];
        assert_eq!(
            (
                &deleted["startLine"],
                &deleted["startColumn"],
                &deleted["endLine"],
                &deleted["endColumn"]
            ),
            (&9.into(), &1.into(), &10.into(), &1.into())
        );
    }

    #[test]
    fn absolute_paths_outside_the_root_are_file_uris() {
        let a = artifact(
            Path::new("/srv/my app/compose.yaml"),
            Some(Path::new("/work")),
        );
        assert_eq!(a.uri, "file:///srv/my%20app/compose.yaml");
        assert!(a.uri_base_id.is_none());
        let b = artifact(Path::new("/work/x/compose.yaml"), Some(Path::new("/work")));
        assert_eq!(
            (b.uri.as_str(), b.uri_base_id),
            ("x/compose.yaml", Some(SRCROOT))
        );
        let c = artifact(Path::new("./a:b/ü.yaml"), None);
        assert_eq!(c.uri, "a%3Ab/%C3%BC.yaml");
    }

    #[test]
    fn rule_names_and_sections() {
        assert_eq!(pascal_case("interpolation-unset"), "InterpolationUnset");
        let doc = "# x\n\nLead.\n\n## What it checks\n\nOne\ntwo.\n\nThree.\n\n## Why\n\nNo.\n";
        assert_eq!(
            section(doc, "What it checks").unwrap(),
            "One two.\n\nThree."
        );
    }
}
