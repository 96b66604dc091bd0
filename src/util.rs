//! Small helpers shared by the stages.

/// Whether `s` holds a Compose interpolation: `$` followed by `{` or a name
/// start, and not escaped as `$$`.
pub fn has_interpolation(s: &str) -> bool {
    let b = s.as_bytes();
    // Most values have no `$` at all.
    let Some(first) = find_byte(b, b'$') else {
        return false;
    };
    let mut i = first;
    while i < b.len() {
        if b[i] == b'$' {
            match b.get(i + 1) {
                Some(b'$') => {
                    i += 2;
                    continue;
                }
                Some(c) if *c == b'{' || *c == b'_' || c.is_ascii_alphabetic() => return true,
                _ => {}
            }
        }
        i += 1;
    }
    false
}

/// The offset of the first `needle` in `haystack`. For the short values of
/// a Compose file this costs less than `str::find` of a character (a
/// searcher set up, then a byte comparison call for each candidate): eight
/// bytes are tested at a time, as a word.
pub fn find_byte(haystack: &[u8], needle: u8) -> Option<usize> {
    const LO: u64 = u64::from_ne_bytes([0x01; 8]);
    const HI: u64 = u64::from_ne_bytes([0x80; 8]);
    let pattern = LO * u64::from(needle);
    let mut chunks = haystack.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) ^ pattern;
        // A high bit for each zero byte (and maybe above one): the lowest is
        // the first zero byte, the first match.
        let zero = word.wrapping_sub(LO) & !word & HI;
        if zero != 0 {
            return Some(at + zero.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == needle)
        .map(|i| at + i)
}

/// The offset of the first `://` in `s` at or after `from`, found from
/// colon to colon with [`find_byte`]: `str::find` with a string pattern
/// sets up a two-way searcher for each call, and even a char search (a
/// memchr) costs more in setup than the scan of the short values of a
/// Compose file.
pub fn find_scheme_separator(s: &str, from: usize) -> Option<usize> {
    // As `s.get(from..)?.find("://")`: nothing from inside a character.
    if !s.is_char_boundary(from) {
        return None;
    }
    // Each `:`, found eight bytes at a time.
    let b = s.as_bytes();
    let mut at = from;
    while let Some(i) = find_byte(&b[at..], b':') {
        let colon = at + i;
        if b.get(colon + 1) == Some(&b'/') && b.get(colon + 2) == Some(&b'/') {
            return Some(colon);
        }
        at = colon + 1;
    }
    None
}

/// Push the decimal digits of `n` (ASCII, pushed as characters: no UTF-8
/// check, no formatting machinery; the report writers, once per number).
pub fn push_decimal(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// Optimal string alignment distance (Damerau-Levenshtein without
/// substring transpositions), capped for speed.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 3 {
        return a.len().abs_diff(b.len());
    }
    // Three rows of the table in one allocation: the row being filled and
    // the two before it (a transposition looks two rows back). Row `i` is
    // at `i % 3`.
    let width = b.len() + 1;
    let mut rows = vec![0usize; 3 * width];
    for (j, cell) in rows[..width].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        let cur = (i % 3) * width;
        let prev = ((i - 1) % 3) * width;
        let prev2 = ((i + 1) % 3) * width;
        rows[cur] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[prev + j] + 1)
                .min(rows[cur + j - 1] + 1)
                .min(rows[prev + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[prev2 + j - 2] + 1);
            }
            rows[cur + j] = d;
        }
    }
    rows[(a.len() % 3) * width + b.len()]
}

/// The closest candidate within an edit distance of 2 (1 for short words),
/// or one that differs only in case, `-` versus `_`, or a missing `s`.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let normalized = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    let w = normalized(word);
    let chars = word.chars().count();
    let max = if chars <= 4 { 1 } else { 2 };
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        // The distance is at least the difference in length (normalizing
        // keeps the characters' count): most candidates are too far.
        if c == word || c.chars().count().abs_diff(chars) > max {
            continue;
        }
        let c_normalized = normalized(c);
        let d = if c_normalized == w {
            0
        } else {
            edit_distance(&w, &c_normalized)
        };
        if d <= max && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table of [`edit_distance`] in full, as it was first written.
    fn edit_distance_full(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        if a.len().abs_diff(b.len()) > 3 {
            return a.len().abs_diff(b.len());
        }
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }

    #[test]
    fn edit_distance_agrees_with_the_full_table() {
        proptest::proptest!(|(a in "[abcé_-]{0,9}", b in "[abcé_-]{0,9}")| {
            proptest::prop_assert_eq!(edit_distance(&a, &b), edit_distance_full(&a, &b));
        });
    }

    /// The word-at-a-time search finds what a scan finds, at every offset
    /// and in every position of a word.
    #[test]
    fn find_byte_agrees_with_a_scan() {
        let check = |h: &[u8], n: u8| {
            assert_eq!(find_byte(h, n), h.iter().position(|&b| b == n), "{h:?} {n}");
        };
        for len in 0..40 {
            for at in 0..=len {
                let mut h = vec![b'a'; len];
                if at < len {
                    h[at] = b'$';
                }
                check(&h, b'$');
                // Bytes one off the needle, and bytes with the high bit set.
                h.iter_mut().take(at).for_each(|b| *b = 0x80 | b'$');
                check(&h, b'$');
                h.iter_mut().take(at).for_each(|b| *b = b'$' - 1);
                check(&h, b'$');
                check(&h, 0);
                check(&h, 0xff);
            }
        }
        proptest::proptest!(|(h in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40), n in proptest::prelude::any::<u8>())| check(&h, n));
    }

    #[test]
    fn interpolation_is_recognised() {
        assert!(has_interpolation("${A}"));
        assert!(has_interpolation("x$A"));
        assert!(has_interpolation("$_a"));
        assert!(!has_interpolation("$$A"));
        assert!(!has_interpolation("a$1"));
        assert!(!has_interpolation("cost $ 5"));
        assert!(!has_interpolation("trailing$"));
    }

    proptest::proptest! {
        #[test]
        fn scheme_separator_is_found_as_by_find(s in "[a-z:/$ é]{0,12}", from in 0usize..14) {
            let expected = s.get(from..).and_then(|t| t.find("://")).map(|k| from + k);
            proptest::prop_assert_eq!(find_scheme_separator(&s, from), expected);
        }

        #[test]
        fn interpolation_found_from_the_first_dollar(s in "[a-z${}_1 ]{0,12}") {
            // The scan from the start that the search for the first `$`
            // shortcuts.
            let b = s.as_bytes();
            let mut i = 0;
            let mut expected = false;
            while i < b.len() {
                if b[i] == b'$' {
                    match b.get(i + 1) {
                        Some(b'$') => { i += 2; continue; }
                        Some(c) if *c == b'{' || *c == b'_' || c.is_ascii_alphabetic() => { expected = true; break; }
                        _ => {}
                    }
                }
                i += 1;
            }
            proptest::prop_assert_eq!(has_interpolation(&s), expected);
        }
    }

    #[test]
    fn suggestions() {
        let keys = ["image", "depends_on", "ports", "environment"];
        assert_eq!(did_you_mean("imagee", keys), Some("image"));
        assert_eq!(did_you_mean("imgae", keys), Some("image"));
        assert_eq!(did_you_mean("depend_on", keys), Some("depends_on"));
        assert_eq!(did_you_mean("depends-on", keys), Some("depends_on"));
        assert_eq!(did_you_mean("Image", keys), Some("image"));
        assert_eq!(did_you_mean("volumes", keys), None);
        assert_eq!(did_you_mean("prot", keys), None);
    }
}
