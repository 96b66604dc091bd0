//! `services-order`: the services of a file in alphabetical order.

use std::collections::HashSet;

use crate::diag::Finding;
use crate::rules::Context;
use crate::rules::style::tree::FileView;
use crate::rules::style::{OrderCheck, name_key, order_finding};

crate::declare_rule! {
    id: "services-order",
    category: Style,
    production: Off,
    development: Off,
    fixable: Safe,
    summary: "Services not in alphabetical order",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for view in FileView::all(cx.project) {
        let mut seen = HashSet::new();
        for root in view.roots() {
            let Some(services) = view.get(root, "services") else {
                continue;
            };
            if !seen.insert(services.node) {
                continue;
            }
            let (keys, names, spans) = view.ranked_entries(services.node, |n| {
                (!n.starts_with("x-")).then(|| name_key(n))
            });
            let message = |name: &str, place: &str| {
                format!("service `{name}` is out of alphabetical order: it belongs {place}")
            };
            out.extend(order_finding(
                &view,
                OrderCheck {
                    rule: RULE.id,
                    coll: services.node,
                    keys,
                    spans,
                    names,
                    via: view.sharing(services.node, services.via),
                    message: &message,
                    help: "list the services in alphabetical order (case-insensitive); `x-` keys and `<<` stay where they are".to_string(),
                    fix_title: "sort the services alphabetically",
                },
            ));
        }
    }
}
