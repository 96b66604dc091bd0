//! Load: files → spanned YAML trees → the effective [`Value`] of a project.
//!
//! - [`yaml`] builds the arena of nodes from parser events (spans, tags,
//!   anchors, comments, duplicate keys, syntax errors).
//! - [`value`] expands aliases and merge keys under budgets.
//! - [`merge`] merges documents and files the way Compose does.
//! - [`project`] reads the files of one project and assembles them.

pub mod assemble;
pub mod env;
pub mod interpolate;
pub mod merge;
pub mod problem;
pub mod project;
pub mod value;
pub mod yaml;

pub use problem::{Problem, ProblemKind};
pub use project::{Input, LoadOptions, LoadedFile, LoadedProject, load_project, load_project_with};
pub use value::{
    Entry, Key, Map, MergeTag, Origin, Piece, Scalar, ScalarType, Value, ValueKind, Via, ViaKind,
};

/// Compose's default file names, in its order of preference.
pub const DEFAULT_FILE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// Compose's override file names, in its order of preference.
pub const OVERRIDE_FILE_NAMES: [&str; 4] = [
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// Resource budgets against hostile input. The defaults load a legitimate
/// 30 MB file with 20,000 services.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_size: u64,
    /// Most YAML nodes in one file.
    pub max_nodes: usize,
    /// Deepest nesting of collections the parser accepts.
    pub max_depth: usize,
    /// Deepest nesting once aliases are expanded.
    pub max_value_depth: usize,
    /// Values that alias expansion may create beyond twice the file's node
    /// count.
    pub max_alias_values: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: 64 * 1024 * 1024,
            max_nodes: 8_000_000,
            max_depth: 256,
            max_value_depth: 1000,
            max_alias_values: 500_000,
        }
    }
}
