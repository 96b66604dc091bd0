//! XML escaping for the checkstyle and JUnit formats.
//!
//! Both formats are a handful of elements with attributes and text, written
//! with `format!`; everything that comes from a file or a message goes
//! through these functions. XML 1.0 cannot carry most control characters at
//! all, not even as character references: they become U+FFFD.

/// Whether XML 1.0 allows `c` in a document (`Char` production).
fn allowed(c: char) -> bool {
    matches!(c,
        '\u{9}' | '\u{A}' | '\u{D}'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

/// Escape an attribute value (to be written between double quotes). Tabs
/// and line breaks become character references, so attribute-value
/// normalization does not turn them into spaces.
pub fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Escape character data (element text). A carriage return becomes a
/// character reference, since parsers turn a literal one into `\n`.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            attr("a<b>&\"c'\n\td\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;&#9;d\u{FFFD}"
        );
        assert_eq!(
            text("x < y && z\r\n\u{0}"),
            "x &lt; y &amp;&amp; z&#13;\n\u{FFFD}"
        );
        assert_eq!(attr("café ☕ 𝄞"), "café ☕ 𝄞");
    }
}
