//! Style rules: conventions some teams want (the ones dclint enforces), all
//! off by default and all fixable. They judge the text as written, one file
//! and one document at a time ([`tree`]); the ordering rules share their
//! check and their fix ([`reorder`]).

pub mod depends_on_order;
pub mod ports_order;
pub mod ports_quoted;
pub mod project_name;
pub mod reorder;
pub mod service_keys_order;
pub mod services_order;
pub mod top_level_order;
pub mod tree;
pub mod volumes_unquoted;

use crate::diag::{Finding, Fix};
use crate::load::Via;
use crate::load::yaml::NodeId;
use crate::span::Span;
use tree::FileView;

/// What an ordering rule says about one mapping or list.
pub(crate) struct OrderCheck<'a, K> {
    pub rule: &'static str,
    /// The mapping or sequence.
    pub coll: NodeId,
    /// Per entry: its sort key, `None` for an entry that stays in place.
    pub keys: Vec<Option<K>>,
    /// Per entry: where a finding about it points.
    pub spans: Vec<Span>,
    /// Per entry: how the message names it.
    pub names: Vec<String>,
    /// The alias or merge key through which the collection is shared.
    pub via: Option<Via>,
    /// `misplaced name, where it belongs` → message.
    pub message: &'a dyn Fn(&str, &str) -> String,
    pub help: String,
    pub fix_title: &'a str,
}

/// The finding of an ordering rule, if the collection is out of order: at
/// the first entry that sorts before one written above it, with a label on
/// the entry it belongs after (or before, when it belongs first), and the
/// fix that sorts the whole collection unless it is refused.
pub(crate) fn order_finding<K: Ord>(view: &FileView<'_>, c: OrderCheck<'_, K>) -> Option<Finding> {
    let m = reorder::misplaced(&c.keys)?;
    let name = &c.names[m.index];
    let (place, label_at, label) = match m.after {
        Some(a) => (
            format!("between `{}` and `{}`", c.names[a], c.names[m.before]),
            c.spans[a],
            format!("`{name}` belongs after this"),
        ),
        None => (
            format!("before `{}`", c.names[m.before]),
            c.spans[m.before],
            format!("`{name}` belongs before this"),
        ),
    };
    let mut f = Finding::new(c.rule, c.spans[m.index], (c.message)(name, &place))
        .label("out of order")
        .related(label_at, label)
        .via(c.via);
    let mut help = c.help;
    match c.via {
        Some(via) => {
            help.push_str(". ");
            help.push_str(tree::no_fix_because(via));
        }
        None => {
            let order = reorder::sorted_order(&c.keys);
            match reorder::reorder(view, c.coll, &order) {
                Ok(Some(edit)) => f = f.fix(Fix::safe(c.fix_title, vec![edit])),
                Ok(None) => {}
                Err(why) => {
                    help.push_str(". ");
                    help.push_str(&why);
                }
            }
        }
    }
    Some(f.help(help))
}

/// Names compare case-insensitively, then by bytes.
pub(crate) fn name_key(name: &str) -> (String, String) {
    (name.to_lowercase(), name.to_string())
}
