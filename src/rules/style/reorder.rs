//! Ordering checks and the fixes that reorder entries.
//!
//! A mapping's entries (or a sequence's items) either take part in the
//! order (a sort key) or stay where they are (`<<` merge keys, `x-` keys,
//! keys a rule does not know). The fix sorts the entries that take part
//! into the places they occupy, stably, so equal keys keep their order.
//!
//! In block style every entry moves as a block of whole lines: the own-line
//! comments directly above it at its indentation, its lines (with a
//! comment at the end of its last line) and the comment lines after it up
//! to the next entry. Blank lines between blocks stay where they are, so
//! the spacing of the mapping is unchanged. In flow style (`[a, b]`) the
//! entries' texts are swapped between the separators, and only when no
//! comment sits inside the brackets.
//!
//! A fix is refused (the finding stays, without a fix) when an entry does
//! not start its own line, when moving blocks would put an alias before its
//! anchor (or let an alias pick up another anchor of the same name), or
//! when the result would not hold exactly the lines it started with.

use std::collections::HashMap;

use crate::diag::Edit;
use crate::load::yaml::{NodeId, NodeKind};
use crate::rules::style::tree::FileView;
use crate::span::Span;

/// The first entry that sorts before an entry written above it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Misplaced {
    /// The entry out of order.
    pub index: usize,
    /// The entry it should come right after, when one is written above it.
    pub after: Option<usize>,
    /// The first entry above it that should come after it (where it
    /// belongs: right before this one).
    pub before: usize,
}

/// `keys[i]` is the sort key of entry `i`, `None` for an entry that stays
/// where it is.
pub fn misplaced<K: Ord>(keys: &[Option<K>]) -> Option<Misplaced> {
    let sortable: Vec<usize> = (0..keys.len()).filter(|&i| keys[i].is_some()).collect();
    for w in 1..sortable.len() {
        let x = sortable[w];
        if keys[x] < keys[sortable[w - 1]] {
            let g = sortable[..w].iter().position(|&j| keys[j] > keys[x])?;
            return Some(Misplaced {
                index: x,
                after: g.checked_sub(1).map(|p| sortable[p]),
                before: sortable[g],
            });
        }
    }
    None
}

/// The new order of the entries: `order[slot]` is the entry that goes to
/// the place of entry `slot`. Entries without a key keep their place; the
/// others are sorted stably into the remaining places.
pub fn sorted_order<K: Ord>(keys: &[Option<K>]) -> Vec<usize> {
    let slots: Vec<usize> = (0..keys.len()).filter(|&i| keys[i].is_some()).collect();
    let mut sorted = slots.clone();
    sorted.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut order: Vec<usize> = (0..keys.len()).collect();
    for (slot, entry) in slots.iter().zip(sorted) {
        order[*slot] = entry;
    }
    order
}

/// Byte range of each entry's content: key to end of value, or the item.
fn content_ranges(view: &FileView<'_>, coll: NodeId) -> Vec<(usize, usize)> {
    // A key without a value (`db:`) has an empty value at its colon, so the
    // content ends after the colon.
    let past_colon = |end: usize| {
        if view.text.as_bytes().get(end) == Some(&b':') {
            end + 1
        } else {
            end
        }
    };
    match view.kind(coll) {
        NodeKind::Map(entries) => entries
            .iter()
            .map(|(k, v)| {
                let (ks, vs) = (view.span(*k), view.span(*v));
                (ks.start as usize, past_colon(ks.end.max(vs.end) as usize))
            })
            .collect(),
        NodeKind::Seq(items) => items
            .iter()
            .map(|i| {
                let s = view.span(*i);
                (s.start as usize, past_colon(s.end as usize))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The edit that puts the entries of `coll` in `order` (see
/// [`sorted_order`]); `Ok(None)` when nothing moves, `Err(reason)` when the
/// fix is refused.
pub fn reorder(view: &FileView<'_>, coll: NodeId, order: &[usize]) -> Result<Option<Edit>, String> {
    let ranges = content_ranges(view, coll);
    if ranges.len() != order.len() {
        return Err("No automatic fix: the entries could not be located.".to_string());
    }
    let Some(s0) = (0..order.len()).find(|&s| order[s] != s) else {
        return Ok(None);
    };
    // Explicit keys win over merged ones wherever they are (compose-go
    // `inlineMergeKeys`: merged keys only fill in missing ones), and `<<`
    // never moves, so sorting keeps every merge's outcome. Two `<<` keys
    // are a duplicate key, and YAML tools disagree on which one counts.
    let merges = view
        .entries(coll)
        .iter()
        .filter(|(k, _)| view.is_merge_key(*k))
        .count();
    if merges > 1 {
        return Err(
            "No automatic fix: the mapping has two `<<` merge keys (a duplicate key), and which values win depends on the tool reading it."
                .to_string(),
        );
    }
    let s1 = (0..order.len()).rfind(|&s| order[s] != s).unwrap_or(s0);
    let (blocks, region_start, region_end, replacement) = if view.is_flow(coll) {
        flow(view, coll, &ranges, order, s0, s1)?
    } else {
        let seq = matches!(view.kind(coll), NodeKind::Seq(_));
        block(view, coll, &ranges, seq, order, s0, s1)?
    };
    check_anchors(view, &blocks, order, region_start, region_end)?;
    let original = &view.text[region_start..region_end];
    let mut before: Vec<&str> = original.lines().map(str::trim_end).collect();
    let mut after: Vec<&str> = replacement.lines().map(str::trim_end).collect();
    if !view.is_flow(coll) {
        before.sort_unstable();
        after.sort_unstable();
        if before != after {
            return Err(
                "No automatic fix: the entries could not be moved as whole lines.".to_string(),
            );
        }
    }
    Ok(Some(Edit {
        span: Span::new(view.file, region_start, region_end),
        replacement,
    }))
}

/// The byte ranges that move with each entry, the region that changes and
/// its new text.
type Moved = (Vec<(usize, usize)>, usize, usize, String);

fn flow(
    view: &FileView<'_>,
    coll: NodeId,
    ranges: &[(usize, usize)],
    order: &[usize],
    s0: usize,
    s1: usize,
) -> Result<Moved, String> {
    let span = view.span(coll);
    let next = view.comments.partition_point(|c| c.span.start < span.start);
    if view
        .comments
        .get(next)
        .is_some_and(|c| c.span.start < span.end)
    {
        return Err(
            "No automatic fix: comments inside the brackets of a flow collection would lose their place."
                .to_string(),
        );
    }
    let text = view.text;
    // Only blanks (and line breaks) may separate an entry from the
    // delimiters around it; anything else (an anchor, a tag, `?`) stays out.
    for (i, &(start, end)) in ranges.iter().enumerate() {
        let prev = if i == 0 {
            span.start as usize + 1
        } else {
            ranges[i - 1].1
        };
        let lead = text.get(prev..start).unwrap_or("x");
        let lead = if i == 0 {
            lead
        } else {
            lead.trim_start().strip_prefix(',').unwrap_or("x")
        };
        if !lead.trim().is_empty() || end < start {
            return Err(
                "No automatic fix: an entry of the flow collection carries an anchor, a tag or an explicit key."
                    .to_string(),
            );
        }
    }
    let mut out = String::new();
    for s in s0..=s1 {
        let (a, b) = ranges[order[s]];
        out.push_str(&text[a..b]);
        if s < s1 {
            out.push_str(&text[ranges[s].1..ranges[s + 1].0]);
        }
    }
    Ok((ranges.to_vec(), ranges[s0].0, ranges[s1].1, out))
}

fn block(
    view: &FileView<'_>,
    coll: NodeId,
    ranges: &[(usize, usize)],
    seq: bool,
    order: &[usize],
    s0: usize,
    s1: usize,
) -> Result<Moved, String> {
    let text = view.text;
    let lines = &view.source.lines;
    let line_start = |l: usize| lines.line_start(l).min(text.len());
    let line_text = |l: usize| &text[lines.line_range(text, l)];
    let blank = |l: usize| line_text(l).trim().is_empty();
    let n = ranges.len();
    let refuse = |why: &str| Err(format!("No automatic fix: {why}."));

    let comment_lines = &view.comment_lines;

    let mut first = Vec::with_capacity(n);
    let mut last = Vec::with_capacity(n);
    let mut column = None;
    for &(start, end) in ranges {
        let l0 = lines.line_of(start);
        let l1 = lines.line_of(end.saturating_sub(1).max(start));
        let prefix = &text[line_start(l0)..start];
        let col = if seq {
            item_prefix(prefix)
        } else {
            prefix.bytes().all(|b| b == b' ').then_some(prefix.len())
        };
        let Some(col) = col else {
            return refuse("an entry does not start its own line");
        };
        if *column.get_or_insert(col) != col {
            return refuse("the entries are not aligned");
        }
        let tail = text[end..line_start(l1 + 1)].trim();
        if !(tail.is_empty() || tail.starts_with('#')) {
            return refuse("an entry shares its last line with other content");
        }
        first.push(l0);
        last.push(l1);
    }
    let column = column.unwrap_or(0);
    for i in 1..n {
        if first[i] <= last[i - 1] {
            return refuse("two entries share a line");
        }
    }
    // Own-line comments directly above an entry, at its column, belong to
    // it; above the first top-level key they are the file's header, which
    // stays at the top.
    let root = view.parent(coll).is_none();
    let lead: Vec<usize> = (0..n)
        .map(|i| {
            let floor = match i {
                0 if root => first[0],
                0 => 0,
                _ => last[i - 1] + 1,
            };
            leading_comments(comment_lines, first[i], floor, column)
        })
        .collect();
    // Each block runs to its last non-blank line before the next block;
    // the last one takes the deeper comment lines that follow it.
    let mut end_line = Vec::with_capacity(n);
    for i in 0..n {
        let mut l = last[i];
        if i + 1 < n {
            for m in last[i] + 1..lead[i + 1] {
                if !blank(m) {
                    l = m;
                }
            }
        } else {
            while l + 1 < lines.line_count()
                && comment_lines.get(&(l + 1)).is_some_and(|c| *c > column)
            {
                l += 1;
            }
        }
        end_line.push(l);
    }
    let blocks: Vec<(usize, usize)> = (0..n)
        .map(|i| (line_start(lead[i]), line_start(end_line[i] + 1)))
        .collect();
    let nl = view.newline;
    let piece = |i: usize| -> String {
        let (a, b) = blocks[i];
        let mut s = text[a..b].to_string();
        if !s.ends_with(['\n', '\r']) {
            s.push_str(nl);
        }
        s
    };
    let mut out = String::new();
    for s in s0..=s1 {
        out.push_str(&piece(order[s]));
        if s < s1 {
            out.push_str(&text[blocks[s].1..blocks[s + 1].0]);
        }
    }
    let (region_start, region_end) = (blocks[s0].0, blocks[s1].1);
    if keeps_trailing_lines(&text[region_start..region_end]) {
        return refuse(
            "a block scalar keeps its trailing blank lines (`|+`), which would not move with it",
        );
    }
    if !text[region_start..region_end].ends_with(['\n', '\r']) && out.ends_with(nl) {
        out.truncate(out.len() - nl.len());
    }
    Ok((blocks, region_start, region_end, out))
}

/// The first line of the run of own-line comments at `column` directly
/// above `line` (not above `floor`); `line` when there is none.
fn leading_comments(
    comments: &HashMap<usize, usize>,
    line: usize,
    floor: usize,
    column: usize,
) -> usize {
    let mut lead = line;
    while lead > floor && comments.get(&(lead - 1)) == Some(&column) {
        lead -= 1;
    }
    lead
}

/// Where a new entry can be inserted right before entry `index` of a block
/// mapping: the start of the line of the comments directly above it (which
/// belong to it), or of its own line. Comments above the first entry are
/// taken to introduce the whole mapping (a file header) and stay above.
/// Also gives the entry's column. `None` when the entry does not start its
/// line.
pub fn insertion_point(view: &FileView<'_>, map: NodeId, index: usize) -> Option<(usize, usize)> {
    if view.is_flow(map) {
        return None;
    }
    let (k, _) = view.entries(map).get(index)?;
    let text = view.text;
    let lines = &view.source.lines;
    let start = view.span(*k).start as usize;
    let line = lines.line_of(start);
    let prefix = &text[lines.line_start(line)..start];
    if !prefix.bytes().all(|b| b == b' ') {
        return None;
    }
    let floor = match index.checked_sub(1) {
        Some(p) => {
            let (pk, pv) = view.entries(map)[p];
            let end = view.span(pk).end.max(view.span(pv).end) as usize;
            lines.line_of(end.saturating_sub(1)) + 1
        }
        None => line,
    };
    let lead = leading_comments(&view.comment_lines, line, floor, prefix.len());
    Some((lines.line_start(lead), prefix.len()))
}

/// Whether a text may hold a block scalar header with the keep chomping
/// indicator (`|+`, `>+`, `|2+`, `|+2`).
fn keeps_trailing_lines(text: &str) -> bool {
    let b = text.as_bytes();
    (0..b.len()).any(|i| {
        if !matches!(b[i], b'|' | b'>') {
            return false;
        }
        let mut j = i + 1;
        if b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        b.get(j) == Some(&b'+')
    })
}

/// The column of the `-` when `prefix` (the text before a sequence item on
/// its line) is `- ` after blanks, possibly with an anchor or a tag.
fn item_prefix(prefix: &str) -> Option<usize> {
    let col = prefix.len() - prefix.trim_start_matches(' ').len();
    let rest = prefix[col..].strip_prefix('-')?;
    if !rest.starts_with(' ') {
        return None;
    }
    let ok = rest
        .split(' ')
        .filter(|w| !w.is_empty())
        .all(|w| w.starts_with('&') || w.starts_with('!'));
    ok.then_some(col)
}

/// Moving blocks must keep every alias after its anchor, and must not make
/// an alias pick up another anchor of the same name.
fn check_anchors(
    view: &FileView<'_>,
    blocks: &[(usize, usize)],
    order: &[usize],
    region_start: usize,
    region_end: usize,
) -> Result<(), String> {
    let inside = |p: usize| region_start <= p && p < region_end;
    let block_of = |p: usize| {
        let i = blocks.partition_point(|&(a, _)| a <= p).checked_sub(1)?;
        (p < blocks[i].1).then_some(i)
    };
    let mut new_pos = vec![0; order.len()];
    for (slot, &entry) in order.iter().enumerate() {
        new_pos[entry] = slot;
    }
    let refuse = || {
        Err(
            "No automatic fix: moving the entries would change which anchor an alias refers to."
                .to_string(),
        )
    };
    let anchors = &view.yaml.anchors;
    let first = anchors.partition_point(|a| (a.span.start as usize) < region_start);
    if anchors[first..]
        .iter()
        .take_while(|a| inside(a.span.start as usize))
        .any(|a| view.repeated_anchors.contains(&*a.name))
    {
        return refuse();
    }
    let first = view
        .aliases
        .partition_point(|a| (view.span(*a).start as usize) < region_start);
    for &alias in &view.aliases[first..] {
        let alias_at = view.span(alias).start as usize;
        if !inside(alias_at) {
            break;
        }
        let NodeKind::Alias { target } = view.kind(alias) else {
            continue;
        };
        let target_node = view.yaml.node(*target);
        let anchor_at = target_node
            .anchor
            .and_then(|a| anchors.get(a as usize))
            .map_or(target_node.start as usize, |a| a.span.start as usize);
        if !inside(anchor_at) {
            continue;
        }
        let (Some(ba), Some(bt)) = (block_of(alias_at), block_of(anchor_at)) else {
            return refuse();
        };
        if ba != bt && new_pos[bt] > new_pos[ba] {
            return refuse();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misplaced_points_at_the_first_descent() {
        let k = |v: &[i32]| v.iter().map(|x| Some(*x)).collect::<Vec<_>>();
        assert_eq!(misplaced(&k(&[1, 2, 3])), None);
        assert_eq!(
            misplaced(&k(&[1, 3, 2])),
            Some(Misplaced {
                index: 2,
                after: Some(0),
                before: 1
            })
        );
        assert_eq!(
            misplaced(&k(&[3, 1, 2])),
            Some(Misplaced {
                index: 1,
                after: None,
                before: 0
            })
        );
        // Entries without a key are skipped.
        assert_eq!(misplaced(&[Some(2), None, Some(3)]), None);
        assert_eq!(
            misplaced(&[Some(2), None, Some(1)]),
            Some(Misplaced {
                index: 2,
                after: None,
                before: 0
            })
        );
    }

    #[test]
    fn sorting_keeps_fixed_entries_in_place() {
        assert_eq!(
            sorted_order(&[Some(3), None, Some(1), Some(2)]),
            vec![2, 1, 3, 0]
        );
        // Stable: equal keys keep their order.
        assert_eq!(sorted_order(&[Some(1), Some(0), Some(1)]), vec![1, 0, 2]);
    }
}
