//! `port-conflict`: two published bindings that cannot both be bound on the
//! host, a fixed host port on a service that runs several containers, and a
//! host port range whose every port other bindings already take.
//!
//! Every published binding is (protocol, host address, host port range).
//! Two overlap when the protocols are equal, the ranges intersect and the
//! addresses overlap: equal addresses; `0.0.0.0` and any IPv4 address; `::`
//! and any IPv6 address; no host IP (both `0.0.0.0` and `::`) and anything.
//! IPv4 and IPv6 addresses never overlap each other. Container-only entries
//! (ephemeral host port), `expose`, and services whose `profiles` are both
//! non-empty and disjoint never conflict. A host range mapped to a single
//! container port is a pool: Docker takes any free port of it.
//!
//! Not quadratic, whatever the ranges: bindings are walked in document
//! order, and each is looked up in, then added to, indexes keyed by
//! (protocol, profile scope, address class). An index answers "does an
//! earlier range overlap `[s, e]`?" with a prefix maximum over range starts
//! (a Fenwick tree over the 65,536 ports, stored sparsely), so a binding
//! costs O(log 65536) per index, a `1-65535` range as little as a single
//! port.

use foldhash::{HashMap, HashMapExt};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::diag::Finding;
use crate::model::syntax::ports::{PortRange, Protocol, parse_ip};
use crate::model::{Port, Service, State};
use crate::rules::Context;

use super::{doc_position, replica_count, via_of_other};

crate::declare_rule! {
    id: "port-conflict",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "Two bindings of the same host port, or a fixed host port on a scaled service",
    check: check,
}

/// Ports of host ranges (pools) examined in total to decide whether other
/// bindings take every port of a pool (the search stops at the first free
/// port); past it the remaining pools are not judged.
const POOL_PORT_BUDGET: usize = 1 << 20;

/// The host address of a binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Addr {
    /// No host IP: `0.0.0.0` and `::`.
    All,
    V4Any,
    V6Any,
    V4(Ipv4Addr),
    V6(Ipv6Addr),
}

impl Addr {
    fn of(port: &Port) -> Option<Addr> {
        let Some(ip) = &port.host_ip else {
            return Some(Addr::All);
        };
        Some(match parse_ip(&ip.value)? {
            IpAddr::V4(v4) if v4.is_unspecified() => Addr::V4Any,
            IpAddr::V6(v6) if v6.is_unspecified() => Addr::V6Any,
            IpAddr::V4(v4) => Addr::V4(v4),
            IpAddr::V6(v6) => Addr::V6(v6),
        })
    }

    /// How a binding on this address is shown: `127.0.0.1:8080/tcp`.
    fn show(self, range: PortRange, protocol: Protocol) -> String {
        match self {
            Addr::All => format!("{range}/{protocol}"),
            Addr::V4Any => format!("0.0.0.0:{range}/{protocol}"),
            Addr::V6Any => format!("[::]:{range}/{protocol}"),
            Addr::V4(ip) => format!("{ip}:{range}/{protocol}"),
            Addr::V6(ip) => format!("[{ip}]:{range}/{protocol}"),
        }
    }
}

/// Which bindings an index holds, by address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum AddrKey {
    /// Every binding that listens on some IPv4 address.
    AnyV4,
    /// Every binding that listens on some IPv6 address.
    AnyV6,
    /// Bindings on exactly this address.
    Exact(Addr),
}

/// Which bindings an index holds, by profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Scope {
    /// Every binding.
    All,
    /// Bindings of services without profiles.
    NoProfile,
    /// Bindings of services with this profile (interned).
    Profile(usize),
}

type Key = (Protocol, Scope, AddrKey);

fn insert_keys(addr: Addr) -> Vec<AddrKey> {
    match addr {
        Addr::All => vec![AddrKey::AnyV4, AddrKey::AnyV6, AddrKey::Exact(addr)],
        Addr::V4Any | Addr::V4(_) => vec![AddrKey::AnyV4, AddrKey::Exact(addr)],
        Addr::V6Any | Addr::V6(_) => vec![AddrKey::AnyV6, AddrKey::Exact(addr)],
    }
}

/// The indexes holding every earlier binding that overlaps `addr`.
fn query_keys(addr: Addr) -> Vec<AddrKey> {
    match addr {
        Addr::All => vec![AddrKey::AnyV4, AddrKey::AnyV6],
        Addr::V4Any => vec![AddrKey::AnyV4],
        Addr::V6Any => vec![AddrKey::AnyV6],
        Addr::V4(_) => vec![
            AddrKey::Exact(Addr::All),
            AddrKey::Exact(Addr::V4Any),
            AddrKey::Exact(addr),
        ],
        Addr::V6(_) => vec![
            AddrKey::Exact(Addr::All),
            AddrKey::Exact(Addr::V6Any),
            AddrKey::Exact(addr),
        ],
    }
}

/// The earlier ranges of one key, answering "which reaches furthest among
/// those starting at or before a port": a list while it is short (most
/// projects publish a few ports), then a prefix-maximum Fenwick tree over
/// ports, stored sparsely (position = the start of a range, value = its end
/// and the binding's id). The best value has the highest end, then the
/// lowest id.
enum RangeIndex {
    List(Vec<(PortRange, usize)>),
    Tree(HashMap<u32, (u16, usize)>),
}

impl Default for RangeIndex {
    fn default() -> Self {
        RangeIndex::List(Vec::new())
    }
}

const SLOTS: u32 = 1 << 16;

/// Ranges kept in a list before a tree takes over.
const LIST_MAX: usize = 32;

fn better(a: (u16, usize), b: (u16, usize)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
}

fn insert_in_tree(tree: &mut HashMap<u32, (u16, usize)>, range: PortRange, id: usize) {
    let value = (range.end, id);
    let mut i = u32::from(range.start) + 1;
    while i <= SLOTS {
        let slot = tree.entry(i).or_insert(value);
        if better(value, *slot) {
            *slot = value;
        }
        i += i & i.wrapping_neg();
    }
}

impl RangeIndex {
    fn insert(&mut self, range: PortRange, id: usize) {
        match self {
            RangeIndex::List(list) if list.len() < LIST_MAX => list.push((range, id)),
            RangeIndex::List(list) => {
                let mut tree = HashMap::new();
                for &(r, i) in list.iter() {
                    insert_in_tree(&mut tree, r, i);
                }
                insert_in_tree(&mut tree, range, id);
                *self = RangeIndex::Tree(tree);
            }
            RangeIndex::Tree(tree) => insert_in_tree(tree, range, id),
        }
    }

    /// Among the ranges starting at or before `port`, the one reaching
    /// furthest.
    fn furthest_from(&self, port: u16) -> Option<(u16, usize)> {
        let mut best: Option<(u16, usize)> = None;
        let mut consider = |v: (u16, usize)| {
            if best.is_none_or(|b| better(v, b)) {
                best = Some(v);
            }
        };
        match self {
            RangeIndex::List(list) => {
                for &(r, id) in list {
                    if r.start <= port {
                        consider((r.end, id));
                    }
                }
            }
            RangeIndex::Tree(tree) => {
                let mut i = u32::from(port) + 1;
                while i > 0 {
                    if let Some(&v) = tree.get(&i) {
                        consider(v);
                    }
                    i -= i & i.wrapping_neg();
                }
            }
        }
        best
    }

    /// An earlier range overlapping `range`.
    fn overlapping(&self, range: PortRange) -> Option<usize> {
        self.furthest_from(range.end)
            .filter(|(end, _)| *end >= range.start)
            .map(|(_, id)| id)
    }

    /// An earlier range containing `range`.
    fn containing(&self, range: PortRange) -> Option<usize> {
        self.furthest_from(range.start)
            .filter(|(end, _)| *end >= range.end)
            .map(|(_, id)| id)
    }
}

/// One published binding.
struct Binding<'a> {
    service: &'a Service,
    port: &'a Port,
    protocol: Protocol,
    addr: Addr,
    published: PortRange,
    target: PortRange,
    /// A host range mapped to one container port: any free port will do.
    pool: bool,
}

impl Binding<'_> {
    fn show(&self, range: PortRange) -> String {
        self.addr.show(range, self.protocol)
    }

    /// Host port minus container port: equal for two entries that map the
    /// same host ports to the same container ports.
    fn offset(&self) -> i32 {
        i32::from(self.published.start) - i32::from(self.target.start)
    }
}

fn bindings<'a>(cx: &Context<'a>) -> Vec<Binding<'a>> {
    let mut out: Vec<(crate::span::Span, usize, usize, Binding<'_>)> = Vec::new();
    for s in cx.project.services.values() {
        for (i, p) in s.ports.iter().enumerate() {
            if p.state != State::Ok {
                continue;
            }
            let (Some(published), Some(target)) = (&p.published, &p.target) else {
                continue; // an ephemeral host port
            };
            if published.value == PortRange::single(0) {
                continue; // host port 0: Docker picks one
            }
            let Some(addr) = Addr::of(p) else { continue };
            out.push((
                doc_position(p.span, p.via),
                s.index,
                i,
                Binding {
                    service: s,
                    port: p,
                    protocol: p.protocol,
                    addr,
                    published: published.value,
                    target: target.value,
                    pool: !published.value.is_single() && target.value.is_single(),
                },
            ));
        }
    }
    out.sort_by_key(|(pos, index, i, _)| (*pos, *index, *i));
    out.into_iter().map(|(.., b)| b).collect()
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let all = bindings(cx);
    let mut profile_ids: HashMap<String, usize> = HashMap::new();
    let mut scopes_of = |s: &Service, inserting: bool| -> Vec<Scope> {
        if s.profiles.is_empty() {
            return if inserting {
                vec![Scope::All, Scope::NoProfile]
            } else {
                vec![Scope::All]
            };
        }
        let mut v = if inserting {
            vec![Scope::All]
        } else {
            vec![Scope::NoProfile]
        };
        for p in &s.profiles {
            let id = match profile_ids.get(p.as_str()) {
                Some(id) => *id,
                None => {
                    let id = profile_ids.len();
                    profile_ids.insert(p.value.clone(), id);
                    id
                }
            };
            if !v.contains(&Scope::Profile(id)) {
                v.push(Scope::Profile(id));
            }
        }
        v
    };
    let mut indexes: HashMap<Key, RangeIndex> = HashMap::new();
    let mut own_mappings: HashMap<(usize, Addr, Protocol, i32), RangeIndex> = HashMap::new();
    let mut pools = Vec::new();
    for (id, b) in all.iter().enumerate() {
        if b.pool {
            replicas(b, out);
            pools.push(id);
            continue;
        }
        // A binding that repeats an earlier one of its own service (same
        // address, protocol and container ports) is merged into it by
        // Compose.
        let mapping = (b.service.index, b.addr, b.protocol, b.offset());
        let own = own_mappings.entry(mapping).or_default();
        if own.containing(b.published).is_some() {
            continue;
        }
        own.insert(b.published, id);
        replicas(b, out);
        let earlier = scopes_of(b.service, false)
            .into_iter()
            .flat_map(|scope| {
                query_keys(b.addr)
                    .into_iter()
                    .map(move |k| (b.protocol, scope, k))
            })
            .filter_map(|key| indexes.get(&key)?.overlapping(b.published))
            .min();
        if let Some(a) = earlier {
            out.push(conflict(&all[a], b));
        }
        for scope in scopes_of(b.service, true) {
            for k in insert_keys(b.addr) {
                indexes
                    .entry((b.protocol, scope, k))
                    .or_default()
                    .insert(b.published, id);
            }
        }
    }
    // A pool conflicts only when fixed bindings take every one of its ports.
    let mut budget = POOL_PORT_BUDGET;
    'pools: for id in pools {
        let b = &all[id];
        let keys: Vec<Key> = scopes_of(b.service, false)
            .into_iter()
            .flat_map(|scope| {
                query_keys(b.addr)
                    .into_iter()
                    .map(move |k| (b.protocol, scope, k))
            })
            .collect();
        let mut blockers = Vec::new();
        for port in b.published.start..=b.published.end {
            if budget == 0 {
                break 'pools;
            }
            budget -= 1;
            let taken = keys
                .iter()
                .filter_map(|k| indexes.get(k)?.overlapping(PortRange::single(port)))
                .min();
            match taken {
                Some(a) => blockers.push(a),
                None => continue 'pools,
            }
        }
        blockers.sort_unstable();
        blockers.dedup();
        out.push(exhausted(&all, b, &blockers));
    }
}

/// A fixed host port on a service running several containers.
fn replicas(b: &Binding<'_>, out: &mut Vec<Finding>) {
    let Some(r) = replica_count(b.service) else {
        return;
    };
    let capacity = if b.pool {
        i64::from(b.published.count())
    } else {
        1
    };
    if r.count <= capacity {
        return;
    }
    let name = b.service.name.as_str();
    let what = if b.pool {
        format!(
            "its host port range {} has only {capacity} ports",
            b.show(b.published)
        )
    } else {
        format!(
            "host {} {} can be bound by only one of them",
            if b.published.is_single() {
                "port"
            } else {
                "ports"
            },
            b.show(b.published)
        )
    };
    let mut f = Finding::new(
        RULE.id,
        b.port.span,
        format!(
            "service `{name}` runs {} containers (`{}: {}`), but {what}",
            r.count, r.key, r.count
        ),
    )
    .via(b.port.via)
    .related(r.span, format!("`{}` set here", r.key));
    f = f.via(r.via);
    out.push(f.help(format!(
        "leave the host port out (`\"{}\"`) so each container gets an ephemeral one, publish a host range with at least {} ports mapped to the container port, or run one container; Docker fails with \"port is already allocated\"",
        b.target, r.count
    )));
}

fn overlap(a: PortRange, b: PortRange) -> PortRange {
    PortRange {
        start: a.start.max(b.start),
        end: a.end.min(b.end),
    }
}

fn conflict(a: &Binding<'_>, b: &Binding<'_>) -> Finding {
    let shared = overlap(a.published, b.published);
    let ports = if shared.is_single() { "port" } else { "ports" };
    let name = b.service.name.as_str();
    let other = a.service.name.as_str();
    let same = std::ptr::eq(a.service, b.service);
    let message = if same {
        format!(
            "service `{name}` publishes host {ports} {} twice",
            b.show(shared)
        )
    } else if a.addr == b.addr {
        format!(
            "host {ports} {} of service `{name}` {} already published by service `{other}`",
            b.show(shared),
            if shared.is_single() { "is" } else { "are" }
        )
    } else {
        let all = |x: &Binding<'_>| {
            if x.addr == Addr::All {
                " (all interfaces)"
            } else {
                ""
            }
        };
        format!(
            "host {ports} {}{} of service `{name}` overlaps {}{} of service `{other}`",
            b.show(shared),
            all(b),
            a.show(shared),
            all(a)
        )
    };
    let earlier = if same {
        "first published here".to_string()
    } else {
        format!("published by service `{other}` here")
    };
    let mut f = Finding::new(RULE.id, b.port.span, message)
        .via(b.port.via)
        .related(a.port.span, earlier);
    f = via_of_other(f, other, a.port.via);
    f.help("Docker fails with \"port is already allocated\": publish another host port, bind another host IP (IPv4 and IPv6 addresses do not collide), or leave the host port out to get an ephemeral one")
}

fn exhausted(all: &[Binding<'_>], b: &Binding<'_>, blockers: &[usize]) -> Finding {
    let name = b.service.name.as_str();
    let mut f = Finding::new(
        RULE.id,
        b.port.span,
        format!(
            "every port of the host range {} of service `{name}` is already published by other bindings",
            b.show(b.published)
        ),
    )
    .via(b.port.via);
    for a in blockers.iter().take(8) {
        let a = &all[*a];
        f = f.related(
            a.port.span,
            format!("published by service `{}` here", a.service.name.value),
        );
    }
    f.help("Docker finds no free port in the range: widen the range, or move the bindings that take it")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_index_finds_overlaps() {
        let mut idx = RangeIndex::default();
        let r = |s, e| PortRange { start: s, end: e };
        idx.insert(r(8000, 8010), 0);
        idx.insert(r(9000, 9000), 1);
        idx.insert(r(1, 65535), 2);
        assert_eq!(idx.overlapping(r(8005, 8005)), Some(2));
        let mut idx = RangeIndex::default();
        idx.insert(r(8000, 8010), 0);
        idx.insert(r(9000, 9000), 1);
        assert_eq!(idx.overlapping(r(8005, 8005)), Some(0));
        assert_eq!(idx.overlapping(r(7000, 8000)), Some(0));
        assert_eq!(idx.overlapping(r(8011, 8999)), None);
        assert_eq!(idx.overlapping(r(8999, 9000)), Some(1));
        assert_eq!(idx.overlapping(r(9001, 65535)), None);
        assert_eq!(idx.overlapping(r(0, 7999)), None);
        idx.insert(r(0, 0), 3);
        assert_eq!(idx.overlapping(r(0, 0)), Some(3));
        idx.insert(r(65535, 65535), 4);
        assert_eq!(idx.overlapping(r(65535, 65535)), Some(4));
    }

    proptest::proptest! {
        /// The list and the tree answer as a scan of every range does,
        /// before and after the index outgrows its list.
        #[test]
        fn range_index_answers_as_a_scan(
            ranges in proptest::collection::vec((0u16..200, 0u16..20), 0..80),
            queries in proptest::collection::vec((0u16..220, 0u16..20), 1..20),
        ) {
            let r = |(s, len): (u16, u16)| PortRange { start: s, end: s + len };
            let mut idx = RangeIndex::default();
            for (id, &range) in ranges.iter().enumerate() {
                idx.insert(r(range), id);
                let earlier = &ranges[..=id];
                for &q in &queries {
                    let q = r(q);
                    // The lowest id among those reaching furthest.
                    let furthest = |port: u16| {
                        earlier
                            .iter()
                            .enumerate()
                            .map(|(i, &e)| (r(e), i))
                            .filter(|(e, _)| e.start <= port)
                            .max_by_key(|(e, i)| (e.end, std::cmp::Reverse(*i)))
                            .map(|(e, i)| (e.end, i))
                    };
                    proptest::prop_assert_eq!(idx.furthest_from(q.end), furthest(q.end));
                    proptest::prop_assert_eq!(
                        idx.overlapping(q),
                        furthest(q.end).filter(|(end, _)| *end >= q.start).map(|(_, i)| i)
                    );
                    proptest::prop_assert_eq!(
                        idx.containing(q),
                        furthest(q.start).filter(|(end, _)| *end >= q.end).map(|(_, i)| i)
                    );
                }
            }
        }
    }

    #[test]
    fn address_overlap_classes() {
        // Every pair of addresses: does a query on one find the other?
        let v4 = Addr::V4(Ipv4Addr::new(127, 0, 0, 1));
        let v4b = Addr::V4(Ipv4Addr::new(127, 0, 0, 2));
        let v6 = Addr::V6(Ipv6Addr::LOCALHOST);
        let addrs = [Addr::All, Addr::V4Any, Addr::V6Any, v4, v4b, v6];
        let overlaps = |a: Addr, b: Addr| {
            let q = query_keys(a);
            insert_keys(b).iter().any(|k| q.contains(k))
        };
        let expected = |a: Addr, b: Addr| -> bool {
            let family = |x: Addr| match x {
                Addr::All => 3,
                Addr::V4Any | Addr::V4(_) => 1,
                Addr::V6Any | Addr::V6(_) => 2,
            };
            let wild = |x: Addr| matches!(x, Addr::All | Addr::V4Any | Addr::V6Any);
            family(a) & family(b) != 0 && (a == b || wild(a) || wild(b))
        };
        for a in addrs {
            for b in addrs {
                assert_eq!(overlaps(a, b), expected(a, b), "{a:?} vs {b:?}");
                assert_eq!(overlaps(a, b), overlaps(b, a), "{a:?} vs {b:?}");
            }
        }
    }
}
