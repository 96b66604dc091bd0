//! Suppressions: the comments that silence findings are checked too. Their
//! findings are produced by `crate::suppress` after every rule has run.

pub mod suppression_without_reason;
pub mod unused_suppression;
