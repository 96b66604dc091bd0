//! `project-name`: the project sets a top-level `name`. Reported once per
//! project, at the start of its first file. An override file linted alone
//! is not reported: Compose takes the name from its base file.
//!
//! The fix (unsafe) writes `name: <directory>`, the name Compose derives
//! today from the directory of the first file (lowercased, only
//! `a-z0-9_-`, no leading `_` or `-`), before the first top-level key that
//! comes after `name` in the conventional order. It is unsafe because it
//! fixes a name that so far followed the directory: a clone under another
//! directory name, or `--project-directory`, no longer changes it.

use std::path::{Component, Path};

use crate::diag::{Edit, Finding, Fix};
use crate::load::ScalarType;
use crate::load::value::resolve_plain;
use crate::rules::Context;
use crate::rules::style::reorder::insertion_point;
use crate::rules::style::top_level_order::ORDER;
use crate::rules::style::tree::FileView;
use crate::span::Span;

crate::declare_rule! {
    id: "project-name",
    category: Style,
    production: Off,
    development: Off,
    fixable: Unsafe,
    summary: "No top-level `name` for the project",
    check: check,
}

/// Compose's normalisation of a project name (compose-go
/// `loader.NormalizeProjectName`): lowercase, keep `a-z`, `0-9`, `_` and
/// `-`, drop leading `_` and `-`.
pub fn normalize_project_name(s: &str) -> String {
    let kept: String = s
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    kept.trim_start_matches(['_', '-']).to_string()
}

/// The name Compose gives a project whose first file is `path` and that
/// sets no name: its directory's, normalised. A path without a directory
/// is resolved against the working directory only when it names an
/// existing file.
fn derived_name(path: &Path) -> Option<String> {
    let normal = crate::source::normalize(path);
    let dir = match normal.parent().and_then(|p| p.components().next_back()) {
        Some(Component::Normal(n)) => n.to_os_string(),
        _ => {
            if !path.is_file() {
                return None;
            }
            let abs = crate::source::normalize(&std::path::absolute(path).ok()?);
            abs.parent()?.file_name()?.to_os_string()
        }
    };
    let name = normalize_project_name(&dir.to_string_lossy());
    (!name.is_empty()).then_some(name)
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let project = cx.project;
    if project.name.is_some() || project.root.is_none() {
        return;
    }
    let Some(first) = project.files.first() else {
        return;
    };
    let path = &project.sources.get(first.id).path;
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if crate::load::OVERRIDE_FILE_NAMES.contains(&file_name) {
        return;
    }
    let name = derived_name(path);
    let help = match &name {
        Some(n) => format!(
            "add `name: {n}` at the top level: without it Compose names the project after the directory (`{n}` today), and every container, network and volume name starts with it, so the same file gives other names in another checkout; `-p` and `COMPOSE_PROJECT_NAME` still take precedence"
        ),
        None => "add `name: <project>` at the top level: without it Compose names the project after the directory, and every container, network and volume name starts with it; `-p` and `COMPOSE_PROJECT_NAME` still take precedence".to_string(),
    };
    let mut f = Finding::new(
        RULE.id,
        Span::new(first.id, 0, 0),
        "the project has no top-level `name`",
    )
    .label("no `name:` in this file")
    .help(help);
    f = f.fix(cx.fix(|| {
        let name = name?;
        let edit = insertion(cx, first, &name)?;
        Some(Fix::unsafe_(format!("add `name: {name}`"), vec![edit]))
    }));
    out.push(f);
}

/// `name: <name>` before the first top-level key of the first document
/// that comes after `name` in the conventional order.
fn insertion(cx: &Context<'_>, file: &crate::model::FileFacts, name: &str) -> Option<Edit> {
    let view = FileView::new(cx.project, file);
    let root = view.roots().next()?;
    let after_name = |k: &str| {
        ORDER
            .iter()
            .position(|o| *o == k)
            .is_some_and(|p| p > ORDER.iter().position(|o| *o == "name").unwrap_or(0))
    };
    let index = view
        .entries(root)
        .iter()
        .position(|(k, _)| view.scalar(*k).is_some_and(after_name))?;
    let at = insertion_point(&view, root, index)?;
    let value = if resolve_plain(name) == ScalarType::Str {
        name.to_string()
    } else {
        format!("\"{name}\"")
    };
    let nl = view.newline;
    let (at, column) = at;
    Some(Edit {
        span: Span::new(file.id, at, at),
        replacement: format!("{}name: {value}{nl}", " ".repeat(column)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_like_compose() {
        assert_eq!(normalize_project_name("My App"), "myapp");
        assert_eq!(normalize_project_name("_-web.v2"), "webv2");
        assert_eq!(normalize_project_name("été"), "t");
        assert_eq!(normalize_project_name("---"), "");
    }

    #[test]
    fn the_directory_comes_from_the_path() {
        assert_eq!(
            derived_name(Path::new("/srv/Shop Front/compose.yaml")).as_deref(),
            Some("shopfront")
        );
        assert_eq!(
            derived_name(Path::new("stacks/./milvus/../db/compose.yaml")).as_deref(),
            Some("db")
        );
        assert_eq!(derived_name(Path::new("no-such-file-here.yaml")), None);
    }
}
