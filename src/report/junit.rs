//! `--format junit`: JUnit XML, for CI systems that show test reports
//! (GitLab's `artifacts:reports:junit`, Jenkins, Azure Pipelines...).
//!
//! One `<testsuite>` per linted file; one failing `<testcase>` per finding
//! (`<failure type="SEVERITY" message="...">` with the location, the help
//! and the rule's documentation as text); a clean file gets one passing
//! test case, so a clean run still shows its files. Problems that kept
//! files from being linted are `<error>` test cases of a `dockmaster`
//! suite.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::report::{Item, Report, TOOL_NAME, rule_doc_url, xml};

fn failure_text(item: &Item) -> String {
    let d = &item.diag;
    let r = item.range();
    let mut text = format!(
        "{}:{}:{}: {}[{}]: {}",
        item.path(),
        r.start.line,
        r.start.column,
        d.severity,
        d.rule,
        d.message
    );
    if let Some(help) = &d.help {
        let _ = write!(text, "\nhelp: {help}");
    }
    let _ = write!(text, "\ndocs: {}", rule_doc_url(d.rule));
    text
}

pub fn render(report: &Report, out: &mut String) {
    let files: BTreeSet<String> = report
        .paths
        .iter()
        .cloned()
        .chain(report.items.iter().map(Item::path))
        .collect();
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    let mut items = report.items.iter().peekable();
    for path in &files {
        let mut cases = String::new();
        let mut n = 0;
        while let Some(item) = items.next_if(|i| &i.path() == path) {
            let d = &item.diag;
            let r = item.range();
            n += 1;
            let _ = write!(
                cases,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                xml::attr(&format!(
                    "{} at {}:{}",
                    d.rule, r.start.line, r.start.column
                )),
                xml::attr(path),
                xml::attr(path),
                r.start.line,
                d.severity,
                xml::attr(&d.message),
                xml::text(&failure_text(item)),
            );
        }
        let case_count = n.max(1);
        if n == 0 {
            let _ = writeln!(
                cases,
                "    <testcase name=\"no problems\" classname=\"{}\" file=\"{}\"/>",
                xml::attr(path),
                xml::attr(path)
            );
        }
        tests += case_count;
        failures += n;
        let _ = write!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{case_count}\" failures=\"{n}\" errors=\"0\" skipped=\"0\">\n{cases}  </testsuite>\n",
            xml::attr(path),
        );
    }
    if !report.errors.is_empty() || files.is_empty() {
        let mut cases = String::new();
        for e in &report.errors {
            let _ = write!(
                cases,
                "    <testcase name=\"{}\" classname=\"{TOOL_NAME}\">\n      <error type=\"error\" message=\"{}\">{}</error>\n    </testcase>\n",
                xml::attr(e),
                xml::attr(e),
                xml::text(e),
            );
        }
        let n = report.errors.len();
        if n == 0 {
            let _ = writeln!(
                cases,
                "    <testcase name=\"no problems\" classname=\"{TOOL_NAME}\"/>"
            );
        }
        tests += n.max(1);
        errors += n;
        let _ = write!(
            suites,
            "  <testsuite name=\"{TOOL_NAME}\" tests=\"{}\" failures=\"0\" errors=\"{n}\" skipped=\"0\">\n{cases}  </testsuite>\n",
            n.max(1),
        );
    }
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{TOOL_NAME}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{suites}</testsuites>\n"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::sample_report;

    #[test]
    fn suites_per_file() {
        let mut out = String::new();
        render(&sample_report(), &mut out);
        insta::assert_snapshot!(out);
    }

    #[test]
    fn a_clean_run_passes() {
        let report = Report {
            files: 1,
            paths: vec!["compose.yaml".to_string()],
            ..Report::default()
        };
        let mut out = String::new();
        render(&report, &mut out);
        insta::assert_snapshot!(out);
    }
}
