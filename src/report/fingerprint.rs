//! Content fingerprints: identities of findings that survive unrelated edits.
//!
//! Code scanning services match a finding across runs by a fingerprint. A
//! fingerprint that included the line number would change whenever a line
//! is added above the finding, so ours hash the rule id, the path and the
//! flagged text only. Two findings with the same three (the same mistake
//! twice in one file) are told apart by a counter, in the report's order.
//!
//! The hash is FNV-1a with 128 bits: specified, so fingerprints stay the
//! same across Rust versions and platforms (the standard library's hashers
//! promise no such thing).

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::report::Report;

/// FNV-1a, 128 bits.
#[derive(Clone, Copy, Debug)]
pub struct Fnv128(u128);

impl Fnv128 {
    const OFFSET_BASIS: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;

    pub fn new() -> Fnv128 {
        Fnv128(Self::OFFSET_BASIS)
    }

    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u128;
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    /// Write a string followed by a separator byte that no UTF-8 text
    /// contains, so `("ab", "c")` and `("a", "bc")` differ.
    pub fn write_field(&mut self, s: &str) {
        self.write(s.as_bytes());
        self.write(&[0xff]);
    }

    /// The hash as 32 lower-case hex digits (`{:032x}`), written without
    /// the formatting machinery (once per finding of a machine report).
    pub fn hex(self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        (0..32)
            .rev()
            .map(|i| char::from(HEX[((self.0 >> (4 * i)) & 0xf) as usize]))
            .collect()
    }
}

impl Default for Fnv128 {
    fn default() -> Self {
        Fnv128::new()
    }
}

/// One fingerprint per finding of `report`, in its order. `paths[i]` is the
/// path the format shows for finding `i` (a format that rewrites paths
/// hashes what it prints). Fingerprints are unique within the report.
pub fn content_fingerprints(report: &Report, paths: &[impl AsRef<str>]) -> Vec<String> {
    let mut seen: HashSet<u128> = HashSet::with_capacity(report.items.len());
    // For each first fingerprint, the next `n` to try: every smaller one is
    // taken already, so that many equal findings (one flagged text repeated
    // in 20,000 services) cost one hash each, not one per earlier repeat.
    let mut next: HashMap<u128, u64> = HashMap::new();
    report
        .items
        .iter()
        .zip(paths)
        .map(|(item, path)| {
            let mut state = Fnv128::new();
            state.write_field(item.diag.rule);
            state.write_field(path.as_ref());
            state.write_field(item.flagged_text());
            let base = state.0;
            let mut n: u64 = next.get(&base).copied().unwrap_or(0);
            let found = loop {
                let hash = if n == 0 {
                    state
                } else {
                    let mut h = state;
                    h.write_field(&n.to_string());
                    h
                };
                if seen.insert(hash.0) {
                    break hash.hex();
                }
                n += 1;
            };
            next.insert(base, n + 1);
            found
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_format_032x() {
        for v in [0, 1, 0xf, 0x10, u128::MAX, Fnv128::OFFSET_BASIS, 1 << 127] {
            assert_eq!(Fnv128(v).hex(), format!("{v:032x}"));
        }
    }

    fn fnv(s: &str) -> String {
        let mut h = Fnv128::new();
        h.write(s.as_bytes());
        h.hex()
    }

    #[test]
    fn published_fnv1a_128_vectors() {
        assert_eq!(fnv(""), "6c62272e07bb014262b821756295c58d");
        assert_eq!(fnv("a"), "d228cb696f1a8caf78912b704e4a8964");
        assert_eq!(fnv("foobar"), "343e1662793c64bf6f0d3597ba446f18");
    }

    #[test]
    fn fields_are_separated() {
        let mut a = Fnv128::new();
        a.write_field("ab");
        a.write_field("c");
        let mut b = Fnv128::new();
        b.write_field("a");
        b.write_field("bc");
        assert_ne!(a.hex(), b.hex());
    }
}
