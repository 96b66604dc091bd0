//! `depends-on-order`: the entries of a service's `depends_on` in
//! alphabetical order, in the short form (a list of names) or the long
//! form (a mapping of names).

use std::collections::HashSet;

use crate::diag::Finding;
use crate::load::yaml::NodeKind;
use crate::rules::Context;
use crate::rules::style::tree::FileView;
use crate::rules::style::{OrderCheck, name_key, order_finding};

crate::declare_rule! {
    id: "depends-on-order",
    category: Style,
    production: Off,
    development: Off,
    fixable: Safe,
    summary: "`depends_on` entries not in alphabetical order",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for view in FileView::all(cx.project) {
        let mut seen = HashSet::new();
        for root in view.roots() {
            for s in view.services(root) {
                let Some(deps) = view.get(s.node, "depends_on") else {
                    continue;
                };
                if !seen.insert(deps.node) {
                    continue;
                }
                let (keys, names, spans) = match view.kind(deps.node) {
                    NodeKind::Seq(items) => {
                        let names: Vec<Option<&str>> = items
                            .iter()
                            .map(|i| {
                                view.scalar(*i)
                                    .filter(|_| matches!(view.kind(*i), NodeKind::Scalar { .. }))
                            })
                            .collect();
                        (
                            names.iter().map(|n| n.map(name_key)).collect::<Vec<_>>(),
                            names.iter().map(|n| n.unwrap_or("?").to_string()).collect(),
                            items.iter().map(|i| view.span(*i)).collect(),
                        )
                    }
                    NodeKind::Map(entries) => {
                        let names: Vec<Option<&str>> = entries
                            .iter()
                            .map(|(k, _)| view.scalar(*k).filter(|_| !view.is_merge_key(*k)))
                            .collect();
                        (
                            names
                                .iter()
                                .map(|n| n.filter(|n| !n.starts_with("x-")).map(name_key))
                                .collect(),
                            names
                                .iter()
                                .map(|n| n.unwrap_or("<<").to_string())
                                .collect(),
                            entries.iter().map(|(k, _)| view.span(*k)).collect(),
                        )
                    }
                    _ => continue,
                };
                let service = s.name.clone();
                let message = move |name: &str, place: &str| {
                    format!(
                        "`{name}` in the `depends_on` of service `{service}` is out of alphabetical order: it belongs {place}"
                    )
                };
                out.extend(order_finding(
                    &view,
                    OrderCheck {
                        rule: RULE.id,
                        coll: deps.node,
                        keys,
                        spans,
                        names,
                        via: view.sharing(deps.node, s.via.or(deps.via)),
                        message: &message,
                        help: "list the services a service depends on in alphabetical order (case-insensitive); the order does not change the order in which Compose starts them".to_string(),
                        fix_title: "sort `depends_on` alphabetically",
                    },
                ));
            }
        }
    }
}
