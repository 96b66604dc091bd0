//! `--format compact`: exactly one line per finding,
//! `PATH:LINE:COL: SEVERITY[RULE-ID]: MESSAGE`. Editors and scripts parse
//! this format; it is stable.

use std::fmt::Write;

use crate::report::Report;

pub fn render(report: &Report, out: &mut String) {
    for item in &report.items {
        let (line, col) = item.start();
        let message = item.diag.message.replace(['\n', '\r'], " ");
        let _ = writeln!(
            out,
            "{}:{line}:{col}: {}[{}]: {message}",
            item.path(),
            item.diag.severity,
            item.diag.rule
        );
    }
}
