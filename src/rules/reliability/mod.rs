//! Reliability: the practices of the knowledge cards.
//!
//! - `depends-on-condition`: a dependency on a service that has a healthcheck does not wait for it to be healthy.
//! - `healthcheck-missing`: a service, especially one that others depend on, cannot report that it is ready.
//! - `resource-limits`: a service has no memory limit or no CPU limit.
//! - `log-rotation`: the `json-file` logging driver (written or implied) without `max-size`.
//! - `stateful-without-volume`: a known stateful image whose data directory no volume covers.
//! - `bind-mount-data`: a writable bind mount of a host directory (a named volume belongs in production).
//! - `restart-policy`: a long-running service without a restart policy.

pub mod bind_mount_data;
pub mod cmdline;
pub mod depends_on_condition;
pub mod healthcheck_missing;
pub mod log_rotation;
pub mod paths;
pub mod resource_limits;
pub mod restart_policy;
pub mod stateful_without_volume;

use crate::load::{Value, Via};
use crate::model::{Project, Service};
use crate::rules::Context;
use crate::span::Span;

/// A service whose missing settings may come from elsewhere, so the rules
/// about something missing leave it alone:
///
/// - a service of a file linted on its own (not a whole project) that is
///   meant to be combined with another: every service of a file named like
///   Compose's override file (`compose.override.yaml`...) or like an
///   `extends` base (a `base` part in the name: `docker-compose.base.yml`),
///   and any service without `image`, `build` or `provider`, which only adds
///   to a service defined in another file;
/// - a service whose `extends` could not be followed (a remote or missing
///   file...): its base may supply them. The loader merges a resolved
///   `extends` into the service and drops the key, so such a service is
///   judged with what it inherits.
pub(crate) fn is_fragment(cx: &Context<'_>, s: &Service) -> bool {
    if s.extends.is_some() {
        return true;
    }
    if cx.project.complete {
        return false;
    }
    cx.facts.partial_file() || (s.image.is_none() && s.build.is_none() && s.provider.is_none())
}

/// Whether the first file of a project is named like an override file or an
/// `extends` base (see [`is_fragment`]).
pub(crate) fn first_file_is_partial(project: &Project) -> bool {
    let name = project
        .files
        .first()
        .and_then(|f| project.sources.get(f.id).path.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    is_partial_file_name(name)
}

/// A service scaled to zero (`scale: 0` or `deploy.replicas: 0`):
/// `docker compose up` does not start it, nor wait for it; it runs only on
/// demand (`docker compose run`), so it is not long-running.
pub(crate) fn scaled_to_zero(s: &Service) -> bool {
    crate::rules::correctness::replica_count(s).is_some_and(|r| r.count == 0)
}

/// A file name of an override file or of an `extends` base.
fn is_partial_file_name(name: &str) -> bool {
    crate::load::OVERRIDE_FILE_NAMES.contains(&name)
        || name
            .to_ascii_lowercase()
            .split(['.', '-', '_'])
            .any(|part| part == "base")
}

/// The nearest existing key along `path` below a service's body (the key
/// of the deepest mapping entry found, with its `via`); `None` when not even
/// the first key exists.
pub(crate) fn nearest_key(body: &Value, path: &[&str]) -> Option<(Span, Option<Via>)> {
    let mut found = None;
    let mut current = body;
    for key in path {
        let Some(entry) = current.as_map().and_then(|m| m.entry(key)) else {
            break;
        };
        found = Some((entry.key.span, entry.key.via));
        current = &entry.value;
    }
    found
}

/// Where lines can be added at the end of a mapping written in block style.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BlockEnd {
    /// An empty span at the start of the line after the mapping's last line.
    pub at: Span,
    /// The column (in spaces) of the mapping's keys.
    pub column: usize,
    /// The file ends without a line break after the mapping.
    pub newline_first: bool,
    pub newline: &'static str,
}

/// The end of a mapping written in block style in this file (not reached
/// through an alias or a merge key, which would change every user of the
/// anchor): `None` when it is a flow mapping, empty, or not where an edit
/// can safely go.
pub(crate) fn block_map_end(project: &Project, map: &Value) -> Option<BlockEnd> {
    if map.via.is_some() || map.as_map().is_none_or(|m| m.is_empty()) {
        return None;
    }
    let file = project.sources.get(map.span.file);
    let text = &*file.text;
    let start = map.span.start as usize;
    let first = text[start..].chars().next()?;
    if matches!(first, '{' | '[' | '&' | '!' | '*' | '-' | '?') {
        return None;
    }
    let line = file.lines.line_of(start);
    let line_start = file.lines.line_start(line);
    if !text[line_start..start].bytes().all(|b| b == b' ') {
        return None;
    }
    let column = start - line_start;
    let last = file
        .lines
        .line_of((map.span.end as usize).saturating_sub(1).max(start));
    let next = file.lines.line_start(last + 1).min(text.len());
    let newline_first = next == text.len() && !text.ends_with('\n') && !text.ends_with('\r');
    Some(BlockEnd {
        at: Span::new(map.span.file, next, next),
        column,
        newline_first,
        newline: crate::rules::edits::newline(project, map.span),
    })
}

/// Lines of text, each indented by `column + extra` spaces given with the
/// line, joined for insertion at a [`BlockEnd`].
pub(crate) fn indented_lines(end: &BlockEnd, lines: &[(usize, String)]) -> String {
    let mut out = String::new();
    if end.newline_first {
        out.push_str(end.newline);
    }
    for (extra, line) in lines {
        out.push_str(&" ".repeat(end.column + extra));
        out.push_str(line);
        out.push_str(end.newline);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::diag::Diagnostic;
    use crate::load::{Input, Limits, load_project};
    use crate::model::Project;
    use crate::rules::{self, Preset, Settings};

    pub(super) fn project(name: &str, text: &str) -> Project {
        let loaded = load_project(
            &[Input::text(name, text.as_bytes().to_vec())],
            &Limits::default(),
        )
        .unwrap();
        crate::model::build(loaded)
    }

    fn lint(
        name: &str,
        text: &str,
        preset: Preset,
        ids: &[&'static str],
    ) -> (Project, Vec<Diagnostic>) {
        let p = project(name, text);
        let d = rules::run(
            &p,
            &Settings {
                preset,
                ..Settings::new(preset)
            },
        );
        let d = d.into_iter().filter(|d| ids.contains(&d.rule)).collect();
        (p, d)
    }

    fn at(p: &Project, span: crate::span::Span) -> String {
        let (l, c) = p.sources.get(span.file).line_col(span.start as usize);
        format!("{l}:{c}")
    }

    /// The cards' minimal template without its comment line
    /// (`knowledge-cards.md`).
    const TEMPLATE: &str =
        include_str!("../../../fixtures/rules/restart-policy/bad-knowledge-template.yaml");
    const CORRECTED: &str = include_str!(
        "../../../fixtures/rules/restart-policy/good-knowledge-template-corrected.yaml"
    );
    const IDS: &[&str] = &[
        "depends-on-condition",
        "healthcheck-missing",
        "resource-limits",
        "log-rotation",
        "stateful-without-volume",
        "bind-mount-data",
        "restart-policy",
    ];

    #[test]
    fn the_knowledge_template_gives_the_expected_findings() {
        let (p, diags) = lint("compose.yaml", TEMPLATE, Preset::Production, IDS);
        let got: Vec<String> = diags
            .iter()
            .map(|d| format!("{} {} {}", at(&p, d.primary.span), d.rule, d.severity))
            .collect();
        let mut got = got;
        got.sort();
        let mut want = vec![
            "3:3 healthcheck-missing warning",
            "3:3 log-rotation warning",
            "3:3 resource-limits warning",
            "3:3 restart-policy info",
            "4:12 stateful-without-volume error",
            "7:3 healthcheck-missing warning",
            "7:3 log-rotation warning",
            "7:3 resource-limits warning",
            "7:3 restart-policy info",
            "11:3 healthcheck-missing info",
            "11:3 log-rotation warning",
            "11:3 resource-limits warning",
            "11:3 restart-policy info",
        ];
        want.sort();
        assert_eq!(got, want);
        // Related labels: the depending entries, and the volume at `/etcd`.
        let label = |rule: &str, line: &str| {
            diags
                .iter()
                .find(|d| d.rule == rule && at(&p, d.primary.span) == line)
                .unwrap()
                .related
                .iter()
                .map(|r| at(&p, r.span))
                .collect::<Vec<_>>()
        };
        assert_eq!(label("healthcheck-missing", "3:3"), ["19:9"]);
        assert_eq!(label("healthcheck-missing", "7:3"), ["20:9"]);
        assert_eq!(label("stateful-without-volume", "4:12"), ["6:9"]);
        let help = |rule: &str, line: &str| {
            diags
                .iter()
                .find(|d| d.rule == rule && at(&p, d.primary.span) == line)
                .and_then(|d| d.help.clone())
                .unwrap()
        };
        assert!(
            help("healthcheck-missing", "3:3")
                .contains(r#"["CMD", "etcdctl", "endpoint", "health"]"#)
        );
        assert!(
            help("healthcheck-missing", "7:3").contains("http://localhost:9000/minio/health/live")
        );
        assert!(help("healthcheck-missing", "11:3").contains("http://localhost:9091/healthz"));
        assert!(help("stateful-without-volume", "4:12").contains("--data-dir /etcd"));
    }

    #[test]
    fn the_knowledge_template_in_development() {
        let (p, diags) = lint("compose.yaml", TEMPLATE, Preset::Development, IDS);
        let mut got: Vec<String> = diags
            .iter()
            .map(|d| format!("{} {} {}", at(&p, d.primary.span), d.rule, d.severity))
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                "11:3 healthcheck-missing info",
                "3:3 healthcheck-missing info",
                "4:12 stateful-without-volume warning",
                "7:3 healthcheck-missing info",
            ]
        );
    }

    #[test]
    fn the_corrected_template_gives_nothing() {
        let (_, diags) = lint("compose.yaml", CORRECTED, Preset::Production, IDS);
        assert!(diags.is_empty(), "{diags:?}");
    }

    /// Apply every fix of a rule, then check that the result loads cleanly
    /// and that the rule has nothing left to report.
    fn fixed(rule: &'static str, text: &str) -> String {
        let p = project("compose.yaml", text);
        let diags = rules::run(&p, &Settings::only(Preset::Production, &[rule]));
        assert!(!diags.is_empty(), "{rule} does not fire on:\n{text}");
        let edits: Vec<_> = diags
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .flat_map(|f| f.edits.clone())
            .collect();
        let (out, _) = rules::edits::apply(text, &edits);
        let p2 = project("compose.yaml", &out);
        assert!(p2.problems.is_empty(), "{:?}\n{out}", p2.problems);
        let again = rules::run(&p2, &Settings::only(Preset::Production, &[rule]));
        assert!(
            again.is_empty(),
            "{rule} still fires after its fixes:\n{out}\n{again:?}"
        );
        out
    }

    #[test]
    fn depends_on_condition_fixes() {
        let base = "services:\n  db:\n    image: postgres:17\n    healthcheck:\n      test: [\"CMD\", \"pg_isready\"]\n  cache:\n    image: redis:7.4\n  app:\n    image: example/app:1.0\n";
        let out = fixed(
            "depends-on-condition",
            &format!("{base}    depends_on:\n      - db # the database\n      - cache\n"),
        );
        assert!(out.ends_with(
            "    depends_on:\n      db: # the database\n        condition: service_healthy\n      cache:\n        condition: service_started\n"
        ), "{out}");
        let out = fixed(
            "depends-on-condition",
            &format!("{base}    depends_on: [cache, db]  \n"),
        );
        assert!(out.ends_with(
            "    depends_on:\n      cache:\n        condition: service_started\n      db:\n        condition: service_healthy  \n"
        ), "{out}");
        let out = fixed(
            "depends-on-condition",
            &format!("{base}    depends_on:\n      db:\n        restart: true\n"),
        );
        assert!(
            out.ends_with("      db:\n        condition: service_healthy\n        restart: true\n"),
            "{out}"
        );
        let out = fixed(
            "depends-on-condition",
            &format!("{base}    depends_on:\n      db:\n        condition: \"service_started\"\n"),
        );
        assert!(
            out.ends_with("        condition: service_healthy\n"),
            "{out}"
        );
        fixed(
            "depends-on-condition",
            &format!("{base}    depends_on: {{db: {{}}, cache: {{condition: service_started}}}}\n"),
        );
        // CRLF files keep their line breaks.
        let crlf = format!("{base}    depends_on:\n      - db\n").replace('\n', "\r\n");
        let out = fixed("depends-on-condition", &crlf);
        assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
    }

    #[test]
    fn depends_on_condition_refuses_unsafe_edits() {
        let no_fix = |text: &str| {
            let p = project("compose.yaml", text);
            let diags = rules::run(
                &p,
                &Settings::only(Preset::Production, &["depends-on-condition"]),
            );
            assert!(!diags.is_empty(), "{text}");
            assert!(diags.iter().all(|d| d.fix.is_none()), "{text}");
        };
        let base = "services:\n  db:\n    image: postgres:17\n    healthcheck:\n      test: [\"CMD\", \"pg_isready\"]\n";
        // Shared through an anchor.
        no_fix(&format!(
            "x-deps: &deps\n  - db\n{base}  app:\n    image: a:1\n    depends_on: *deps\n"
        ));
        no_fix(&format!(
            "x-dep: &dep\n  condition: service_started\n{base}  app:\n    image: a:1\n    depends_on:\n      db: *dep\n"
        ));
        // A flow list over several lines.
        no_fix(&format!(
            "{base}  app:\n    image: a:1\n    depends_on: [\n      db]\n"
        ));
        // The same name twice.
        no_fix(&format!(
            "{base}  app:\n    image: a:1\n    depends_on:\n      - db\n      - db\n"
        ));
        // A flow list merged with a list of an earlier document.
        no_fix(&format!(
            "{base}  app:\n    image: a:1\n    depends_on:\n      - db\n---\nservices:\n  app:\n    depends_on: [db2]\n  db2:\n    image: b:1\n"
        ));
        // A variable, which a mapping key cannot hold.
        no_fix(&format!(
            "{base}  app:\n    image: a:1\n    depends_on:\n      - db\n      - ${{CACHE_HOST:-cache}}\n"
        ));
    }

    #[test]
    fn depends_on_condition_fixes_a_list_merged_from_two_documents() {
        let base = "services:\n  db:\n    image: postgres:17\n    healthcheck:\n      test: [\"CMD\", \"pg_isready\"]\n";
        let out = fixed(
            "depends-on-condition",
            &format!(
                "{base}  app:\n    image: a:1\n    depends_on:\n      - db\n---\nservices:\n  app:\n    depends_on:\n      - db2\n  db2:\n    image: b:1\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n"
            ),
        );
        assert!(
            out.contains("      db:\n        condition: service_healthy\n---"),
            "{out}"
        );
        assert!(
            out.contains("      db2:\n        condition: service_healthy\n  db2:"),
            "{out}"
        );
    }

    #[test]
    fn log_rotation_fixes() {
        fixed("log-rotation", "services:\n  web:\n    image: nginx:1.27\n");
        fixed(
            "log-rotation",
            "services:\n    web:\n        image: nginx:1.27\n        ports:\n        - \"80:80\"\n",
        );
        let out = fixed(
            "log-rotation",
            "services:\n  web:\n    image: nginx:1.27\n    command: |\n      nginx -g\n      'daemon off;'\n\n  db:\n    image: postgres:17\n",
        );
        assert!(out.contains("      'daemon off;'\n    logging:\n"), "{out}");
        let out = fixed(
            "log-rotation",
            "services:\n  web:\n    image: nginx:1.27\n    logging:\n      options:\n        max-file: \"5\"\n",
        );
        assert!(
            out.ends_with("        max-file: \"5\"\n        max-size: \"100m\"\n"),
            "{out}"
        );
        // A merged-in service body: the new block goes into the service.
        fixed(
            "log-rotation",
            "x-d: &d\n  restart: always\nservices:\n  web:\n    image: nginx:1.27\n    <<: *d\n",
        );
    }

    #[test]
    fn log_rotation_refuses_unsafe_edits() {
        for text in [
            "x-l: &l\n  driver: json-file\nservices:\n  web:\n    image: nginx:1.27\n    logging: *l\n",
            "services:\n  web: {image: nginx:1.27}\n",
            "services:\n  web:\n    image: nginx:1.27\n    logging: {driver: json-file}\n",
        ] {
            let p = project("compose.yaml", text);
            let diags = rules::run(&p, &Settings::only(Preset::Production, &["log-rotation"]));
            assert_eq!(diags.len(), 1, "{text}");
            assert!(diags[0].fix.is_none(), "{text}");
        }
    }

    #[test]
    fn partial_file_names() {
        for n in [
            "compose.override.yaml",
            "docker-compose.override.yml",
            "docker-compose.base.yml",
            "base.yaml",
            "compose-base.yml",
        ] {
            assert!(super::is_partial_file_name(n), "{n}");
        }
        for n in [
            "compose.yaml",
            "docker-compose.prod.yml",
            "database.yml",
            "compose.override.extra.yaml",
        ] {
            assert!(!super::is_partial_file_name(n), "{n}");
        }
    }

    #[test]
    fn overlays_and_extends_are_not_judged_for_missing_settings() {
        let ids = &[
            "healthcheck-missing",
            "resource-limits",
            "log-rotation",
            "restart-policy",
            "stateful-without-volume",
        ];
        let overlay = "services:\n  db:\n    image: postgres:17\n    environment:\n      A: b\n";
        let (_, d) = lint("compose.override.yaml", overlay, Preset::Production, ids);
        assert!(d.is_empty(), "{d:?}");
        let (_, d) = lint(
            "compose.prod.yaml",
            "services:\n  db:\n    environment:\n      A: b\n",
            Preset::Production,
            ids,
        );
        assert!(d.is_empty(), "{d:?}");
        let (_, d) = lint(
            "compose.yaml",
            "services:\n  db:\n    extends:\n      file: base.yaml\n      service: db\n",
            Preset::Production,
            ids,
        );
        assert!(d.is_empty(), "{d:?}");
        // A lone file with another name is judged when its services are whole.
        let (_, d) = lint("compose.prod.yaml", overlay, Preset::Production, ids);
        assert_eq!(d.len(), 5, "{d:?}");
    }
}
