//! Findings and diagnostics: what rules report, and what the renderers print.
//!
//! A rule produces [`Finding`]s (a message at a span, related labels, help
//! and an optional fix). The engine turns each into a [`Diagnostic`] by giving
//! it its final [`Severity`] from the preset and the configuration.

use std::borrow::Cow;
use std::fmt;

use crate::load::Via;
use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's level in a preset or configuration: a severity, or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Off,
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Info => Some(Severity::Info),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "off" => Some(Level::Off),
            "info" => Some(Level::Info),
            "warning" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }
}

impl From<Severity> for Level {
    fn from(s: Severity) -> Level {
        match s {
            Severity::Info => Level::Info,
            Severity::Warning => Level::Warning,
            Severity::Error => Level::Error,
        }
    }
}

/// A labelled span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// Replace the text at `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    /// Keeps the meaning of the file; applied by `--fix`.
    Safe,
    /// Changes behaviour; applied only with `--unsafe-fixes`.
    Unsafe,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Safe,
            edits,
        }
    }

    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Unsafe,
            edits,
        }
    }
}

/// What a rule reports.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static str,
    pub message: String,
    pub primary: Label,
    pub related: Vec<Label>,
    /// Most helps are constant texts, borrowed rather than copied into
    /// each finding.
    pub help: Option<Cow<'static, str>>,
    pub fix: Option<Fix>,
    /// A severity the rule chose for this finding (rules whose findings
    /// differ in severity, e.g. `cap-add`); `None` takes the rule's level.
    pub severity: Option<Severity>,
}

impl Finding {
    pub fn new(rule: &'static str, span: Span, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            message: message.into(),
            primary: Label {
                span,
                message: String::new(),
            },
            related: Vec::new(),
            help: None,
            fix: None,
            severity: None,
        }
    }

    /// The text of the primary label.
    pub fn label(mut self, message: impl Into<String>) -> Finding {
        self.primary.message = message.into();
        self
    }

    pub fn related(mut self, span: Span, message: impl Into<String>) -> Finding {
        let label = Label {
            span,
            message: message.into(),
        };
        if span != self.primary.span && !self.related.contains(&label) {
            self.related.push(label);
        }
        self
    }

    /// Add the site a value was pulled in through (merge key, alias,
    /// extends, override file) as a related label.
    pub fn via(self, via: Option<Via>) -> Finding {
        match via {
            Some(v) => self.related(v.span, v.label()),
            None => self,
        }
    }

    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Finding {
        self.help = Some(help.into());
        self
    }

    /// Attach a fix; `None` (no fix could be made, or the run builds none:
    /// `Context::fix`) leaves the finding without one.
    pub fn fix(mut self, fix: impl Into<Option<Fix>>) -> Finding {
        if let Some(fix) = fix.into() {
            self.fix = Some(fix);
        }
        self
    }

    pub fn severity(mut self, severity: Severity) -> Finding {
        self.severity = Some(severity);
        self
    }
}

/// A finding with its final severity, ready to render.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub category: &'static str,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub related: Vec<Label>,
    pub help: Option<Cow<'static, str>>,
    pub fix: Option<Fix>,
}
