//! Merging documents and files the way Compose merges them
//! (compose-go `override/merge.go`): mappings merge key by key, sequences
//! append, scalars are replaced; `!reset` removes an attribute and
//! `!override` replaces it without merging.

use crate::load::value::{Map, MergeTag, Value, ValueKind};

/// Merge `over` onto `base`.
pub fn merge(base: Value, over: Value) -> Value {
    if over.tag == Some(MergeTag::Override) {
        return over;
    }
    match (base.kind, over.kind) {
        (ValueKind::Map(b), ValueKind::Map(o)) => Value {
            kind: ValueKind::Map(merge_maps(b, o)),
            span: over.span,
            via: over.via,
            tag: None,
        },
        (ValueKind::Seq(mut b), ValueKind::Seq(o)) => {
            b.extend(o);
            Value {
                kind: ValueKind::Seq(b),
                span: over.span,
                via: over.via,
                tag: None,
            }
        }
        (_, kind) => Value {
            kind,
            span: over.span,
            via: over.via,
            tag: over.tag,
        },
    }
}

fn merge_maps(mut base: Map, over: Map) -> Map {
    for entry in over.entries {
        let pos = base
            .entries
            .iter()
            .position(|e| e.key.text == entry.key.text);
        if entry.value.tag == Some(MergeTag::Reset) {
            if let Some(i) = pos {
                base.entries.remove(i);
            }
            continue;
        }
        match pos {
            Some(i) => {
                let old = std::mem::replace(&mut base.entries[i].value, placeholder());
                base.entries[i].value = merge(old, entry.value);
                base.entries[i].key = entry.key;
            }
            None => base.entries.push(entry),
        }
    }
    base
}

fn placeholder() -> Value {
    Value {
        kind: ValueKind::Invalid,
        span: Default::default(),
        via: None,
        tag: None,
    }
}

/// Drop `!reset` values that have nothing to reset (the first document of a
/// project), so that later stages never see them.
pub fn strip_resets(value: &mut Value) {
    match &mut value.kind {
        ValueKind::Map(m) => {
            m.entries.retain(|e| e.value.tag != Some(MergeTag::Reset));
            for e in &mut m.entries {
                strip_resets(&mut e.value);
            }
        }
        ValueKind::Seq(items) => {
            items.retain(|v| v.tag != Some(MergeTag::Reset));
            for v in items {
                strip_resets(v);
            }
        }
        _ => {}
    }
}
