//! The generated rule reference (`docs/rules/`) is up to date with the rule
//! documents and metadata. Run `DOCKMASTER_UPDATE_DOCS=1 cargo test --test
//! docs` to regenerate it.

mod common;

use std::collections::BTreeMap;
use std::fs;

use dockmaster::rules::{self, reference};

#[test]
fn the_rule_reference_is_current() {
    let dir = common::root().join("docs/rules");
    let mut want: BTreeMap<String, String> = rules::ALL
        .iter()
        .map(|r| (reference::file_name(r), reference::page(r)))
        .collect();
    want.insert("README.md".to_string(), reference::index());

    if std::env::var_os("DOCKMASTER_UPDATE_DOCS").is_some() {
        fs::create_dir_all(&dir).unwrap();
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            if !want.contains_key(&name) {
                fs::remove_file(&path).unwrap();
            }
        }
        for (name, text) in &want {
            fs::write(dir.join(name), text).unwrap();
        }
        return;
    }

    let mut problems = Vec::new();
    for (name, text) in &want {
        match fs::read_to_string(dir.join(name)) {
            Ok(have) if have == *text => {}
            Ok(_) => problems.push(format!("docs/rules/{name} is stale")),
            Err(_) => problems.push(format!("docs/rules/{name} is missing")),
        }
    }
    for entry in fs::read_dir(&dir).into_iter().flatten() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !want.contains_key(&name) {
            problems.push(format!("docs/rules/{name} belongs to no rule"));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\nregenerate with `DOCKMASTER_UPDATE_DOCS=1 cargo test --test docs`",
        problems.join("\n")
    );
}
