//! Problems found while loading: they become `yaml-syntax`, `duplicate-key`
//! and `schema` findings.

use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// Not well-formed YAML, invalid UTF-8, an undefined or cyclic alias.
    Syntax,
    /// A resource budget was exhausted (reported as `yaml-syntax`).
    Budget,
    /// A mapping key written twice.
    DuplicateKey,
    /// The file is not a Compose document at all (empty, not a mapping, a
    /// key that is not a string); reported as `schema`.
    Structure,
    /// A violation of the Compose schema (`schema`).
    Schema,
    /// Accepted by Compose with a warning (YAML 1.1 booleans): `schema` at
    /// warning.
    SchemaWarning,
    /// A `${` that Compose cannot parse (`interpolation-invalid`).
    InterpolationInvalid,
    /// A variable without default that no source sets
    /// (`interpolation-unset`, warning).
    VariableUnset,
    /// `${VAR:?msg}` / `${VAR?msg}` with VAR missing (`interpolation-unset`,
    /// error).
    VariableRequired,
    /// An `include` Compose cannot follow (`include-invalid`).
    IncludeInvalid,
    /// A remote include, not fetched (`include-invalid` at info).
    IncludeRemote,
    /// An `extends` Compose cannot resolve (`extends-invalid`).
    ExtendsInvalid,
    /// A remote `extends.file`, not fetched (`extends-invalid` at info).
    ExtendsRemote,
}

impl ProblemKind {
    /// The rule id the problem is reported under.
    pub fn rule(self) -> &'static str {
        match self {
            ProblemKind::Syntax | ProblemKind::Budget => "yaml-syntax",
            ProblemKind::DuplicateKey => "duplicate-key",
            ProblemKind::Structure | ProblemKind::Schema | ProblemKind::SchemaWarning => "schema",
            ProblemKind::InterpolationInvalid => "interpolation-invalid",
            ProblemKind::VariableUnset | ProblemKind::VariableRequired => "interpolation-unset",
            ProblemKind::IncludeInvalid | ProblemKind::IncludeRemote => "include-invalid",
            ProblemKind::ExtendsInvalid | ProblemKind::ExtendsRemote => "extends-invalid",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
    pub message: String,
    pub related: Vec<(Span, String)>,
}
