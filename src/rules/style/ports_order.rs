//! `ports-order`: the entries of a service's `ports` sorted numerically by
//! published port, then by container port (short and long syntax). An
//! entry without a published port sorts by its container port. A
//! `${VAR:-default}` counts with its default; a list holding a port that
//! only the environment decides (`${PORT}`) or that does not parse is not
//! judged.

use std::collections::HashSet;

use crate::diag::Finding;
use crate::load::interpolate::interpolate;
use crate::load::yaml::{NodeId, NodeKind};
use crate::model::syntax::Parsed;
use crate::model::syntax::ports::{parse_port, parse_port_number};
use crate::rules::Context;
use crate::rules::style::tree::FileView;
use crate::rules::style::{OrderCheck, order_finding};

crate::declare_rule! {
    id: "ports-order",
    category: Style,
    production: Off,
    development: Off,
    fixable: Safe,
    summary: "`ports` entries not sorted by port number",
    check: check,
}

/// The text with every `${VAR:-default}` replaced by its default; `None`
/// when a part depends on the environment.
fn with_defaults(text: &str) -> Option<String> {
    if !text.contains('$') {
        return Some(text.to_string());
    }
    let out = interpolate(text, &std::collections::HashMap::<String, String>::new());
    (!out.unresolved && out.issues.is_empty()).then_some(out.text)
}

fn number(view: &FileView<'_>, node: NodeId) -> Option<u16> {
    let text = with_defaults(view.scalar(node)?)?;
    match parse_port_number(text.trim()) {
        Parsed::Ok(r) => Some(r.start),
        _ => None,
    }
}

/// (published or container port, container port) of an entry.
fn key(view: &FileView<'_>, item: NodeId) -> Option<(u16, u16)> {
    match view.kind(item) {
        NodeKind::Scalar { .. } => {
            let text = with_defaults(view.scalar(item)?)?;
            match parse_port(&text) {
                Parsed::Ok(spec) => {
                    let target = spec.target.start;
                    Some((spec.published.map_or(target, |p| p.start), target))
                }
                _ => None,
            }
        }
        NodeKind::Map(_) => {
            let target = number(view, view.get(item, "target")?.node)?;
            let published = match view.get(item, "published") {
                Some(p) => number(view, p.node)?,
                None => target,
            };
            Some((published, target))
        }
        _ => None,
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for view in FileView::all(cx.project) {
        let mut seen = HashSet::new();
        for root in view.roots() {
            for s in view.services(root) {
                let Some(ports) = view.get(s.node, "ports") else {
                    continue;
                };
                if !seen.insert(ports.node) {
                    continue;
                }
                let items = view.items(ports.node);
                let keys: Vec<Option<(u16, u16)>> = items.iter().map(|i| key(&view, *i)).collect();
                if keys.iter().any(Option::is_none) {
                    continue;
                }
                let names = items
                    .iter()
                    .map(|i| match view.kind(*i) {
                        NodeKind::Scalar { .. } => view.scalar(*i).unwrap_or("").to_string(),
                        _ => {
                            let (p, t) = key(&view, *i).unwrap_or((0, 0));
                            format!("{p}:{t} (long syntax)")
                        }
                    })
                    .collect();
                let spans = items.iter().map(|i| view.span(*i)).collect();
                let service = s.name.clone();
                let message = move |name: &str, place: &str| {
                    format!(
                        "port `{name}` of service `{service}` is out of order: it belongs {place}"
                    )
                };
                out.extend(order_finding(
                    &view,
                    OrderCheck {
                        rule: RULE.id,
                        coll: ports.node,
                        keys,
                        spans,
                        names,
                        via: view.sharing(ports.node, ports.via),
                        message: &message,
                        help: "sort `ports` numerically by published port, then by container port; the order does not change what is published".to_string(),
                        fix_title: "sort `ports` by port number",
                    },
                ));
            }
        }
    }
}
