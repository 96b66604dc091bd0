//! `top-level-order`: the top-level keys of a file in the conventional
//! order: `x-*`, `version`, `name`, `include`, `services`, `networks`,
//! `volumes`, `secrets`, `configs`, `models`. Keys it does not know (and
//! `<<`) stay where they are; `x-` keys keep their order among themselves,
//! since a later one may use an earlier one's anchor.

use crate::diag::Finding;
use crate::rules::Context;
use crate::rules::style::tree::FileView;
use crate::rules::style::{OrderCheck, order_finding};

crate::declare_rule! {
    id: "top-level-order",
    category: Style,
    production: Off,
    development: Off,
    fixable: Safe,
    summary: "Top-level keys not in the conventional order",
    check: check,
}

/// The order of the known top-level keys, after the `x-` keys.
pub const ORDER: [&str; 9] = [
    "version", "name", "include", "services", "networks", "volumes", "secrets", "configs", "models",
];

fn rank(key: &str) -> Option<usize> {
    if key.starts_with("x-") {
        return Some(0);
    }
    ORDER.iter().position(|k| *k == key).map(|p| p + 1)
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for view in FileView::all(cx.project) {
        for root in view.roots() {
            let (keys, names, spans) = view.ranked_entries(root, rank);
            let message = |name: &str, place: &str| {
                format!("top-level key `{name}` is out of order: it belongs {place}")
            };
            out.extend(order_finding(
                &view,
                OrderCheck {
                    rule: RULE.id,
                    coll: root,
                    keys,
                    spans,
                    names,
                    via: None,
                    message: &message,
                    help: "order the top-level keys as `x-*`, `version`, `name`, `include`, `services`, `networks`, `volumes`, `secrets`, `configs`, `models`; other keys stay where they are".to_string(),
                    fix_title: "reorder the top-level keys",
                },
            ));
        }
    }
}
