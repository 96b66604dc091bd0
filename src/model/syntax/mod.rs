//! Pure parsers for the short syntaxes of the Compose model.
//!
//! Each parser takes the text of ONE YAML scalar (already unquoted) and
//! returns a [`Parsed`] value:
//!
//! * [`Parsed::Ok`]: the typed value, with the byte ranges (relative to the
//!   input) of its parts where a rule may want to point at them;
//! * [`Parsed::Unresolved`]: the text contains Compose interpolation
//!   (`${VAR}`, `$VAR`), so its final form is only known once variables are
//!   substituted. Such text is never reported as malformed;
//! * [`Parsed::Err`]: a [`SyntaxError`] saying what is wrong and where inside
//!   the input (a byte range), so a diagnostic can underline the exact part.
//!
//! The parsers follow what Docker Compose (compose-go v2, go-connections,
//! go-units, the Docker Engine) accepts: a value Compose accepts is `Ok`, a
//! value Compose rejects is `Err`. Every module documents the reference it
//! mirrors and its known quirks. None of them panics, whatever the input.
//!
//! * [`units`]: durations, byte sizes, `cpus`, logging `max-size`/`max-file`;
//! * [`ports`]: `ports` short syntax, `expose`, port numbers and ranges, IPs;
//! * [`volumes`]: service `volumes` short syntax;
//! * [`hosts`]: `extra_hosts` entries;
//! * [`devices`]: `devices` short syntax.

pub mod devices;
pub mod hosts;
pub mod image;
pub mod ports;
pub mod units;
pub mod volumes;

use std::fmt;
use std::ops::Range;

/// The outcome of parsing one scalar.
#[derive(Clone, Debug, PartialEq)]
pub enum Parsed<T> {
    /// The text is well formed.
    Ok(T),
    /// The text contains interpolation; it can only be checked once resolved.
    Unresolved,
    /// The text is malformed.
    Err(SyntaxError),
}

impl<T> Parsed<T> {
    pub fn is_ok(&self) -> bool {
        matches!(self, Parsed::Ok(_))
    }

    pub fn is_unresolved(&self) -> bool {
        matches!(self, Parsed::Unresolved)
    }

    pub fn is_err(&self) -> bool {
        matches!(self, Parsed::Err(_))
    }

    /// The value, if well formed.
    pub fn ok(self) -> Option<T> {
        match self {
            Parsed::Ok(v) => Some(v),
            _ => None,
        }
    }

    /// The error, if malformed.
    pub fn err(&self) -> Option<&SyntaxError> {
        match self {
            Parsed::Err(e) => Some(e),
            _ => None,
        }
    }

    pub fn as_ref(&self) -> Parsed<&T> {
        match self {
            Parsed::Ok(v) => Parsed::Ok(v),
            Parsed::Unresolved => Parsed::Unresolved,
            Parsed::Err(e) => Parsed::Err(e.clone()),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Parsed<U> {
        match self {
            Parsed::Ok(v) => Parsed::Ok(f(v)),
            Parsed::Unresolved => Parsed::Unresolved,
            Parsed::Err(e) => Parsed::Err(e),
        }
    }
}

impl<T> From<Result<T, SyntaxError>> for Parsed<T> {
    fn from(r: Result<T, SyntaxError>) -> Self {
        match r {
            Ok(v) => Parsed::Ok(v),
            Err(e) => Parsed::Err(e),
        }
    }
}

/// What is wrong with a scalar, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    /// Byte range relative to the parsed input; `0..input.len()` when the
    /// whole value is wrong. Always within the input and on char boundaries.
    pub range: Range<usize>,
}

impl SyntaxError {
    pub fn new(message: impl Into<String>, range: Range<usize>) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            range,
        }
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxError {}

pub use crate::util::has_interpolation;

/// Runs `parse` unless `s` is interpolated.
pub(crate) fn unless_interpolated<T>(
    s: &str,
    parse: impl FnOnce(&str) -> Result<T, SyntaxError>,
) -> Parsed<T> {
    if has_interpolation(s) {
        Parsed::Unresolved
    } else {
        parse(s).into()
    }
}

/// Splits `s` on `sep`, yielding each piece with its byte range in `s`.
pub(crate) fn split_ranges(s: &str, sep: char) -> Vec<(&str, Range<usize>)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c == sep {
            out.push((s.get(start..i).unwrap_or(""), start..i));
            start = i + c.len_utf8();
        }
    }
    out.push((s.get(start..).unwrap_or(""), start..s.len()));
    out
}

/// Shifts a range by `by` bytes.
pub(crate) fn shift(r: Range<usize>, by: usize) -> Range<usize> {
    r.start.saturating_add(by)..r.end.saturating_add(by)
}

/// `s` quoted like Go's `%q` for the simple cases used in messages.
pub(crate) fn quote(s: &str) -> String {
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_detection() {
        assert!(has_interpolation("${A}"));
        assert!(has_interpolation("$A"));
        assert!(has_interpolation("$_a"));
        assert!(has_interpolation("x${A:-1}y"));
        assert!(has_interpolation("$$$A"));
        assert!(!has_interpolation("$$A"));
        assert!(!has_interpolation("$${A}"));
        assert!(!has_interpolation("$"));
        assert!(!has_interpolation("a$"));
        assert!(!has_interpolation("$1"));
        assert!(!has_interpolation("$-"));
        assert!(!has_interpolation("plain"));
        assert!(!has_interpolation(""));
        assert!(!has_interpolation("$é"));
    }

    #[test]
    fn split_keeps_ranges() {
        let parts = split_ranges("a:bc::d", ':');
        let got: Vec<_> = parts.iter().map(|(p, r)| (*p, r.clone())).collect();
        assert_eq!(
            got,
            vec![("a", 0..1), ("bc", 2..4), ("", 5..5), ("d", 6..7)]
        );
        assert_eq!(split_ranges("", ':'), vec![("", 0..0)]);
        assert_eq!(split_ranges("é:x", ':'), vec![("é", 0..2), ("x", 3..4)]);
    }

    /// Every parser, on many generated inputs: no panic, and every error
    /// range lies within the input on char boundaries.
    #[test]
    fn generated_inputs_never_panic_and_ranges_are_valid() {
        const ALPHABET: &[&str] = &[
            "0",
            "1",
            "8",
            "9",
            ":",
            "/",
            "-",
            "+",
            ".",
            ",",
            "=",
            "[",
            "]",
            "$",
            "{",
            "}",
            "_",
            " ",
            "a",
            "e",
            "k",
            "m",
            "s",
            "h",
            "x",
            "p",
            "i",
            "b",
            "r",
            "w",
            "é",
            "µ",
            "~",
            "\\",
            "C",
            "::1",
            "${A:-./d}",
            "65535",
            "tcp",
            "udp",
            "ro",
        ];
        fn check<T>(s: &str, p: Parsed<T>) {
            if let Parsed::Err(e) = p {
                assert!(e.range.start <= e.range.end, "{s:?}: {e:?}");
                assert!(e.range.end <= s.len(), "{s:?}: {e:?}");
                assert!(s.is_char_boundary(e.range.start), "{s:?}: {e:?}");
                assert!(s.is_char_boundary(e.range.end), "{s:?}: {e:?}");
                assert!(!e.message.is_empty());
            }
        }
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let len = (next() % 9) as usize;
            let s: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            check(&s, units::parse_duration(&s));
            check(&s, units::parse_bytes(&s));
            check(&s, units::parse_cpus(&s));
            check(&s, units::parse_log_max_size(&s));
            check(&s, units::parse_log_max_file(&s));
            check(&s, ports::parse_port(&s));
            check(&s, ports::parse_expose(&s));
            check(&s, ports::parse_port_number(&s));
            let _ = ports::parse_ip(&s);
            check(&s, volumes::parse_volume(&s));
            check(&s, hosts::parse_extra_host(&s));
            check(&s, devices::parse_device(&s));
            if has_interpolation(&s) {
                assert!(!units::parse_duration(&s).is_err());
                assert!(!ports::parse_port(&s).is_err());
                assert!(!volumes::parse_volume(&s).is_err());
                assert!(!hosts::parse_extra_host(&s).is_err());
                assert!(!devices::parse_device(&s).is_err());
            }
        }
    }

    #[test]
    fn parsed_helpers() {
        let p: Parsed<u32> = Ok(3).into();
        assert!(p.is_ok());
        assert_eq!(p.clone().map(|v| v + 1), Parsed::Ok(4));
        assert_eq!(p.as_ref().ok(), Some(&3));
        let e: Parsed<u32> = Err(SyntaxError::new("bad", 0..1)).into();
        assert!(e.is_err());
        assert_eq!(e.err().map(|e| e.to_string()), Some("bad".to_string()));
        assert!(Parsed::<u32>::Unresolved.is_unresolved());
        assert_eq!(Parsed::<u32>::Unresolved.ok(), None);
    }
}
