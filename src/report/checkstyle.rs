//! `--format checkstyle`: Checkstyle's XML report, read by reviewdog,
//! Jenkins' Warnings plugin and many converters.
//!
//! ```xml
//! <checkstyle version="4.3">
//!   <file name="compose.yaml">
//!     <error line="4" column="5" severity="error" message="..." source="dockmaster.schema"/>
//!   </file>
//! </checkstyle>
//! ```
//!
//! Every linted file has a `<file>` element, with no `<error>` when it is
//! clean. Columns count characters; severities are `error`, `warning` and
//! `info`.

use std::fmt::Write;

use crate::report::xml;
use crate::report::{Report, TOOL_NAME};

pub fn render(report: &Report, out: &mut String) {
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
    // Every file, in path order (the report's order), with its findings.
    let files: std::collections::BTreeSet<String> = report
        .paths
        .iter()
        .cloned()
        .chain(report.items.iter().map(|i| i.path()))
        .collect();
    let mut items = report.items.iter().peekable();
    for path in &files {
        if items.peek().is_none_or(|i| &i.path() != path) {
            let _ = writeln!(out, "  <file name=\"{}\"/>", xml::attr(path));
            continue;
        }
        let _ = writeln!(out, "  <file name=\"{}\">", xml::attr(path));
        while let Some(item) = items.next_if(|i| &i.path() == path) {
            let d = &item.diag;
            let r = item.range();
            let _ = writeln!(
                out,
                "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"{}\"/>",
                r.start.line,
                r.start.column,
                d.severity,
                xml::attr(&d.message),
                xml::attr(&format!("{TOOL_NAME}.{}", d.rule)),
            );
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::sample_report;

    #[test]
    fn files_and_errors() {
        let mut out = String::new();
        render(&sample_report(), &mut out);
        insta::assert_snapshot!(out);
    }
}
