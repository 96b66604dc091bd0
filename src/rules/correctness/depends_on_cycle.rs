//! `depends-on-cycle`: services that wait for each other, through explicit
//! or implicit dependencies, including a service that depends on itself.
//!
//! Services are walked in name order with an iterative depth-first search
//! (no recursion, so a chain of 20,000 services cannot overflow the stack),
//! following each service's dependencies in the order they are written.
//! Every edge back to a service still on the search path closes a cycle:
//! the finding is anchored on that edge's entry and lists the path. Linear
//! in services plus dependencies.

use foldhash::{HashMap, HashSet, HashSetExt};

use crate::diag::Finding;
use crate::rules::Context;
use crate::rules::facts::{Edge, EdgeKind};

crate::declare_rule! {
    id: "depends-on-cycle",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "Services that depend on each other in a cycle, so Compose cannot order them",
    check: check,
}

/// Services shown at each end of a long cycle in the message.
const SHOWN_AT_EACH_END: usize = 8;
/// Related labels (one per edge) on a finding.
const MAX_LABELS: usize = 16;

/// A dependency graph over service indices.
struct Graph<'a> {
    names: Vec<&'a str>,
    /// Per node: its distinct targets with the first edge naming each.
    adjacency: Vec<Vec<(usize, &'a Edge)>>,
}

fn graph<'a>(cx: &'a Context<'_>) -> Graph<'a> {
    let mut names: Vec<&str> = cx.project.services.keys().map(String::as_str).collect();
    names.sort_unstable();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let adjacency = names
        .iter()
        .map(|n| {
            let mut seen = HashSet::new();
            cx.facts
                .edges(n)
                .iter()
                .filter_map(|e| index.get(e.target.as_str()).map(|t| (*t, e)))
                .filter(|(t, _)| seen.insert(*t))
                .collect()
        })
        .collect();
    Graph { names, adjacency }
}

/// A cycle closed by one edge: the services on it (starting with the one the
/// closing edge points back to) and the edges between them.
struct Cycle<'a> {
    nodes: Vec<usize>,
    /// The edges along the cycle with the service each starts from; the
    /// last one is the closing edge (back to `nodes[0]`). For long cycles
    /// only the first and last [`SHOWN_AT_EACH_END`] services and edges are
    /// kept; `len` is the full length.
    edges: Vec<(usize, &'a Edge)>,
    len: usize,
}

/// Every cycle closed by a back edge of the name-ordered search.
fn cycles<'a>(g: &Graph<'a>) -> Vec<Cycle<'a>> {
    const WHITE: u8 = 0;
    const GRAY: u8 = 1;
    const BLACK: u8 = 2;
    let n = g.names.len();
    let mut state = vec![WHITE; n];
    let mut position = vec![0usize; n];
    // (node, next edge to follow, edge that led here)
    let mut stack: Vec<(usize, usize, Option<&Edge>)> = Vec::new();
    let mut found = Vec::new();
    for root in 0..n {
        if state[root] != WHITE {
            continue;
        }
        state[root] = GRAY;
        position[root] = 0;
        stack.push((root, 0, None));
        while let Some(top) = stack.last_mut() {
            let u = top.0;
            let Some(&(v, edge)) = g.adjacency[u].get(top.1) else {
                state[u] = BLACK;
                stack.pop();
                continue;
            };
            top.1 += 1;
            match state[v] {
                WHITE => {
                    state[v] = GRAY;
                    position[v] = stack.len();
                    stack.push((v, 0, Some(edge)));
                }
                GRAY => {
                    let path = &stack[position[v]..];
                    let len = path.len();
                    let keep = |i: usize| i < SHOWN_AT_EACH_END || i + SHOWN_AT_EACH_END >= len;
                    let nodes = (0..len).filter(|i| keep(*i)).map(|i| path[i].0).collect();
                    // The edge into path[i + 1] is stored on path[i + 1].
                    let mut edges: Vec<(usize, &Edge)> = (0..len.saturating_sub(1))
                        .filter(|i| keep(*i))
                        .filter_map(|i| path[i + 1].2.map(|e| (path[i].0, e)))
                        .collect();
                    edges.push((u, edge));
                    found.push(Cycle { nodes, edges, len });
                }
                _ => {}
            }
        }
    }
    found
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let g = graph(cx);
    for c in cycles(&g) {
        let name = |i: usize| g.names[i];
        let mut shown: Vec<String> = Vec::new();
        for (k, node) in c.nodes.iter().enumerate() {
            if c.len > 2 * SHOWN_AT_EACH_END && k == SHOWN_AT_EACH_END {
                shown.push(format!("... ({} more)", c.len - 2 * SHOWN_AT_EACH_END));
            }
            shown.push(name(*node).to_string());
        }
        shown.push(name(c.nodes[0]).to_string());
        let path = shown.join(" -> ");
        let (from, closing) = *c.edges.last().expect("a cycle has a closing edge");
        let last = name(from);
        let message = if c.len == 1 {
            format!(
                "dependency cycle detected: {path} (service `{last}` depends on itself{})",
                through(closing.kind)
            )
        } else {
            format!("dependency cycle detected: {path}")
        };
        let help = if c.len == 1 {
            format!("remove the dependency of `{last}` on itself")
        } else {
            "Compose cannot decide which of these services to start first: remove one of the dependencies".to_string()
        };
        let mut f = Finding::new(RULE.id, closing.span, message)
            .via(closing.via)
            .label(format!(
                "`{last}` depends on `{}`{}, closing the cycle",
                closing.target,
                through(closing.kind)
            ))
            .help(help);
        for (from, e) in c.edges[..c.edges.len() - 1].iter().take(MAX_LABELS) {
            let from = name(*from);
            f = f.related(
                e.span,
                format!("`{from}` depends on `{}`{}", e.target, through(e.kind)),
            );
            f = f.via(e.via);
        }
        out.push(f);
    }
}

/// ` (through links)` for implicit edges.
fn through(kind: EdgeKind) -> String {
    if kind.is_explicit() {
        String::new()
    } else {
        format!(" through `{}`", kind.describe())
    }
}
