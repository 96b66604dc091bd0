//! `--format github`: GitHub Actions workflow commands, one line per
//! finding, which the runner turns into annotations on the pull request:
//!
//! ```text
//! ::error file=compose.yaml,line=4,col=5,endLine=4,endColumn=11,title=dockmaster (schema)::compose.yaml:4:5: unknown key `imagee`...
//! ```
//!
//! Levels are `error`, `warning` and `notice`. Columns count characters;
//! `col` and `endColumn` are written only when the finding starts and ends
//! on one line (the runner rejects them otherwise). The message starts with
//! `path:line:col:` so the job log reads on its own. Escaping follows
//! `@actions/core` (`escapeData`, `escapeProperty`).

use std::fmt::Write;

use crate::diag::Severity;
use crate::report::{Report, TOOL_NAME};

/// Escape the message of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value of a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report, out: &mut String) {
    for item in &report.items {
        let d = &item.diag;
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let path = item.path();
        let r = item.range();
        let end_line = r.last_line;
        let _ = write!(
            out,
            "::{level} file={},line={}",
            escape_property(&path),
            r.start.line
        );
        if end_line == r.start.line {
            // An exclusive end column; a span that ends with its line break
            // ends at the line's last column + 1.
            let end_column = if r.end.line == r.start.line {
                r.end.column
            } else {
                let file = item.file();
                let line = file.lines.line_range(&file.text, r.start.line - 1);
                file.text[line].chars().count() + 1
            };
            let _ = write!(
                out,
                ",col={},endLine={end_line},endColumn={}",
                r.start.column,
                end_column.max(r.start.column)
            );
        } else {
            let _ = write!(out, ",endLine={end_line}");
        }
        let title = format!("{TOOL_NAME} ({})", d.rule);
        let mut message = format!("{path}:{}:{}: {}", r.start.line, r.start.column, d.message);
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            ",title={}::{}",
            escape_property(&title),
            escape_data(&message)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::sample_report;

    #[test]
    fn annotations() {
        let mut out = String::new();
        render(&sample_report(), &mut out);
        insta::assert_snapshot!(out);
    }

    #[test]
    fn escaping_follows_actions_core() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("50% a:b,c\r\nd"), "50%25 a%3Ab%2Cc%0D%0Ad");
    }

    #[test]
    fn columns_only_on_one_line() {
        let mut out = String::new();
        render(&sample_report(), &mut out);
        for line in out.lines() {
            let props = line.split("::").nth(1).unwrap();
            let get = |k: &str| {
                props
                    .split(',')
                    .find_map(|p| p.strip_prefix(&format!("{k}=")))
                    .map(|v| v.parse::<usize>().unwrap())
            };
            match (get("col"), get("endColumn")) {
                (Some(c), Some(e)) => {
                    assert_eq!(get("line"), get("endLine"), "{line}");
                    assert!(e >= c, "{line}");
                }
                (None, None) => assert_ne!(get("line"), get("endLine"), "{line}"),
                _ => panic!("{line}"),
            }
        }
    }
}
