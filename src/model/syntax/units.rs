//! Durations, byte sizes, CPU counts and logging limits.
//!
//! References:
//!
//! * durations: Go's `time.ParseDuration`. compose-go decodes durations with
//!   `xhit/go-str2duration/v2` (the same algorithm plus `d` and `w` units),
//!   but its JSON schema checks every `format: duration` field (healthcheck
//!   `interval`, `timeout`, `start_period`, `start_interval`,
//!   `stop_grace_period`, ...) with `time.ParseDuration` first, so `d`/`w`
//!   are rejected in practice;
//! * byte sizes: docker/go-units v0.5.0 `RAMInBytes` (binary multipliers),
//!   used by compose-go's `UnitBytes` (`mem_limit`, `shm_size`, ...);
//! * `cpus`: Go's `strconv.ParseFloat(s, 64)` (compose-go `NanoCPUs`);
//! * logging `max-size`: the Engine's json-file driver, go-units
//!   `FromHumanSize` (decimal multipliers: `k` = 1000), must be positive;
//! * logging `max-file`: `strconv.Atoi`, at least 1.

use std::time::Duration;

use super::{Parsed, SyntaxError, quote, unless_interpolated};

const DURATION_UNITS: &str = "valid units are ns, us (or µs), ms, s, m, h";

/// Parses a Compose duration such as `10ms`, `1m30s`, `1.5h` or `0`.
///
/// Go `time.ParseDuration` syntax: an optional sign, then one or more
/// decimal numbers (optional fraction) each followed by a unit among `ns`,
/// `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`. A lone `0` needs no unit. Negative
/// durations are rejected (Compose durations cannot be negative).
pub fn parse_duration(s: &str) -> Parsed<Duration> {
    unless_interpolated(s, duration)
}

/// Parses a byte size like Docker's `RAMInBytes` (go-units v0.5.0): a
/// non-negative decimal number, an optional single space, and an optional
/// case-insensitive suffix `b`, `k`, `m`, `g`, `t`, `p`, optionally followed
/// by `b` or `ib` (`kb`, `kib`); multipliers are powers of 1024. `10Gi`
/// (Kubernetes style) is rejected by go-units v0.5.0. The result is
/// truncated to an integer like Go's `int64(size)`.
///
/// This is the rule for YAML *strings*: compose-go takes a YAML integer as a
/// byte count directly, so `memswap_limit: -1` (an integer) is valid while
/// `"-1"` is not; callers should not route integer scalars through here.
pub fn parse_bytes(s: &str) -> Parsed<u64> {
    unless_interpolated(s, |s| size(s, SizeBase::Binary))
}

/// Parses a `cpus` value: a non-negative decimal number (Go
/// `strconv.ParseFloat`), e.g. `0.5`, `2`, `1.25`.
pub fn parse_cpus(s: &str) -> Parsed<f64> {
    unless_interpolated(s, cpus)
}

/// Parses the json-file/local logging driver option `max-size`. The Engine
/// reads it with go-units `FromHumanSize`: the same syntax as
/// [`parse_bytes`] but decimal multipliers (`k` = 1000, `m` = 1000²...), and
/// the json-file driver requires a positive size.
pub fn parse_log_max_size(s: &str) -> Parsed<u64> {
    unless_interpolated(s, |s| {
        let n = size(s, SizeBase::Decimal)?;
        if n == 0 {
            return Err(SyntaxError::new(
                format!("max-size must be a positive number, got {}", quote(s)),
                0..s.len(),
            ));
        }
        Ok(n)
    })
}

/// Parses the json-file/local logging driver option `max-file`: an integer
/// (Go `strconv.Atoi`, so an optional sign is allowed) of at least 1.
pub fn parse_log_max_file(s: &str) -> Parsed<u32> {
    unless_interpolated(s, |s| {
        let whole = 0..s.len();
        let n = match go_atoi(s) {
            Ok(n) => n,
            Err(FloatError::Syntax) => {
                return Err(SyntaxError::new(
                    format!(
                        "invalid max-file {}: expected a whole number such as 3",
                        quote(s)
                    ),
                    whole,
                ));
            }
            Err(FloatError::Range) => {
                return Err(SyntaxError::new(
                    format!("max-file {} is out of range", quote(s)),
                    whole,
                ));
            }
        };
        if n < 1 {
            return Err(SyntaxError::new(
                format!("max-file cannot be less than 1, got {n}"),
                whole,
            ));
        }
        u32::try_from(n)
            .map_err(|_| SyntaxError::new(format!("max-file {n} is too large"), whole.clone()))
    })
}

// ---------------------------------------------------------------------------
// Durations

fn duration(s: &str) -> Result<Duration, SyntaxError> {
    const LIMIT: u64 = 1 << 63;
    let b = s.as_bytes();
    let len = b.len();
    let too_large = |r: std::ops::Range<usize>| {
        SyntaxError::new(format!("duration {} is too large", quote(s)), r)
    };
    if s.is_empty() {
        return Err(SyntaxError::new(
            "empty duration; expected a value such as 30s or 1m30s",
            0..0,
        ));
    }
    let mut i = 0;
    let mut neg = false;
    if b[0] == b'-' || b[0] == b'+' {
        neg = b[0] == b'-';
        i = 1;
    }
    if s.get(i..) == Some("0") {
        return Ok(Duration::ZERO);
    }
    if i == len {
        return Err(SyntaxError::new(
            format!(
                "invalid duration {}: expected a number after the sign",
                quote(s)
            ),
            0..len,
        ));
    }
    let mut d: u64 = 0;
    while i < len {
        let num_start = i;
        if !(b[i] == b'.' || b[i].is_ascii_digit()) {
            return Err(SyntaxError::new(
                format!(
                    "invalid duration {}: expected a number such as 30 in 30s",
                    quote(s)
                ),
                i..len,
            ));
        }
        // Integer part.
        let mut v: u64 = 0;
        let mut overflow = false;
        let int_start = i;
        while i < len && b[i].is_ascii_digit() {
            if !overflow {
                if v > LIMIT / 10 {
                    overflow = true;
                } else {
                    v = v * 10 + u64::from(b[i] - b'0');
                    if v > LIMIT {
                        overflow = true;
                    }
                }
            }
            i += 1;
        }
        let pre = i != int_start;
        // Fraction.
        let mut f: u64 = 0;
        let mut scale: f64 = 1.0;
        let mut post = false;
        if i < len && b[i] == b'.' {
            i += 1;
            let frac_start = i;
            let mut f_overflow = false;
            while i < len && b[i].is_ascii_digit() {
                if !f_overflow {
                    if f > (LIMIT - 1) / 10 {
                        f_overflow = true;
                    } else {
                        let y = f * 10 + u64::from(b[i] - b'0');
                        if y > LIMIT {
                            f_overflow = true;
                        } else {
                            f = y;
                            scale *= 10.0;
                        }
                    }
                }
                i += 1;
            }
            post = i != frac_start;
        }
        if !pre && !post {
            return Err(SyntaxError::new(
                format!(
                    "invalid duration {}: \".\" must be next to digits",
                    quote(s)
                ),
                num_start..i,
            ));
        }
        // Unit.
        let unit_start = i;
        while i < len && !(b[i] == b'.' || b[i].is_ascii_digit()) {
            i += 1;
        }
        if i == unit_start {
            let first = num_start == 0 || (num_start == 1 && (b[0] == b'-' || b[0] == b'+'));
            let hint = if first && i == len {
                " (a bare number is only allowed for 0; add a unit such as s)"
            } else {
                ""
            };
            return Err(SyntaxError::new(
                format!(
                    "missing unit in duration {}{hint}; {DURATION_UNITS}",
                    quote(s)
                ),
                num_start..i,
            ));
        }
        let u = s.get(unit_start..i).unwrap_or("");
        let Some(unit) = duration_unit(u) else {
            return Err(SyntaxError::new(
                format!(
                    "unknown unit {} in duration {}; {DURATION_UNITS}{}",
                    quote(u),
                    quote(s),
                    unit_hint(u)
                ),
                unit_start..i,
            ));
        };
        if overflow || v > LIMIT / unit {
            return Err(too_large(num_start..i));
        }
        v *= unit;
        if f > 0 {
            let add = (f as f64) * (unit as f64 / scale);
            v = v.saturating_add(add as u64);
            if v > LIMIT {
                return Err(too_large(num_start..i));
            }
        }
        d = d.saturating_add(v);
        if d > LIMIT {
            return Err(too_large(0..len));
        }
    }
    if neg && d > 0 {
        return Err(SyntaxError::new(
            format!("duration must not be negative, got {}", quote(s)),
            0..1,
        ));
    }
    if d > LIMIT - 1 {
        return Err(too_large(0..len));
    }
    Ok(Duration::from_nanos(d))
}

fn duration_unit(u: &str) -> Option<u64> {
    Some(match u {
        "ns" => 1,
        "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => return None,
    })
}

/// A suggestion for a common mistake in a duration unit.
fn unit_hint(u: &str) -> String {
    let t = u.trim();
    if t != u && duration_unit(t).is_some() {
        return " (no space is allowed between a number and its unit)".into();
    }
    let lower = t.to_ascii_lowercase();
    let suggestion = match lower.as_str() {
        "sec" | "secs" | "second" | "seconds" => "s",
        "min" | "mins" | "minute" | "minutes" => "m",
        "hr" | "hrs" | "hour" | "hours" => "h",
        "msec" | "msecs" | "millis" | "millisecond" | "milliseconds" => "ms",
        "d" | "day" | "days" => return " (days are not supported: write 24h for a day)".into(),
        "w" | "week" | "weeks" => {
            return " (weeks are not supported: write 168h for a week)".into();
        }
        "s" | "m" | "h" | "ms" | "us" | "ns" => {
            if t != lower {
                return " (units are lower case)".into();
            }
            return String::new();
        }
        _ => return String::new(),
    };
    format!(" (did you mean {}?)", quote(suggestion))
}

// ---------------------------------------------------------------------------
// Sizes

#[derive(Clone, Copy, PartialEq, Eq)]
enum SizeBase {
    Binary,
    Decimal,
}

fn size(s: &str, base: SizeBase) -> Result<u64, SyntaxError> {
    let whole = 0..s.len();
    let b = s.as_bytes();
    if s.is_empty() {
        return Err(SyntaxError::new(
            "empty size; expected a value such as 512m or 1g",
            whole,
        ));
    }
    let Some(sep) = b
        .iter()
        .rposition(|c| c.is_ascii_digit() || *c == b'.' || *c == b' ')
    else {
        return Err(SyntaxError::new(
            format!(
                "invalid size {}: expected a number with an optional unit, such as 512m or 1g",
                quote(s)
            ),
            whole,
        ));
    };
    let (num_range, sfx_range) = if b[sep] != b' ' {
        (0..sep + 1, sep + 1..s.len())
    } else {
        (0..sep, sep + 1..s.len())
    };
    let num = s.get(num_range.clone()).unwrap_or("");
    let sfx = s.get(sfx_range.clone()).unwrap_or("");
    let mut value = match go_parse_float(num) {
        Ok(v) => v,
        Err(FloatError::Syntax) => {
            let (msg, range) = if num.is_empty() {
                (
                    format!(
                        "invalid size {}: expected a number before the unit",
                        quote(s)
                    ),
                    whole,
                )
            } else {
                (
                    format!("invalid size {}: {} is not a number", quote(s), quote(num)),
                    num_range,
                )
            };
            return Err(SyntaxError::new(msg, range));
        }
        Err(FloatError::Range) => {
            return Err(SyntaxError::new(
                format!("size {} is too large", quote(s)),
                whole,
            ));
        }
    };
    if value < 0.0 {
        return Err(SyntaxError::new(
            format!("invalid size {}: a size must not be negative", quote(s)),
            whole,
        ));
    }
    if !value.is_finite() {
        return Err(SyntaxError::new(
            format!("invalid size {}: expected a finite number", quote(s)),
            whole,
        ));
    }
    if !sfx.is_empty() {
        let bad_suffix = || {
            let hint = if sfx.len() == 2 && sfx.as_bytes()[1].eq_ignore_ascii_case(&b'i') {
                format!(
                    " (the Kubernetes-style {} is rejected; write {}B or {})",
                    quote(sfx),
                    sfx,
                    sfx.get(..1).unwrap_or("")
                )
            } else {
                String::new()
            };
            SyntaxError::new(
                format!(
                    "invalid suffix {} in size {}; use b, k, m, g, t or p, optionally followed by b or ib (as in 512m, 512mb, 512mib){hint}",
                    quote(sfx),
                    quote(s)
                ),
                sfx_range.clone(),
            )
        };
        let lower = sfx.to_ascii_lowercase();
        let l = lower.as_bytes();
        if l.len() > 3 {
            return Err(bad_suffix());
        }
        if l[0] == b'b' {
            if l.len() > 1 {
                return Err(bad_suffix());
            }
        } else {
            let exp = match l[0] {
                b'k' => 1,
                b'm' => 2,
                b'g' => 3,
                b't' => 4,
                b'p' => 5,
                _ => return Err(bad_suffix()),
            };
            let unit: f64 = match base {
                SizeBase::Binary => 1024.0,
                SizeBase::Decimal => 1000.0,
            };
            if (l.len() == 2 && l[1] != b'b') || (l.len() == 3 && &l[1..] != b"ib") {
                return Err(bad_suffix());
            }
            value *= unit.powi(exp);
        }
    }
    // Go's int64(size): truncation toward zero; out of range is undefined.
    if value >= 9_223_372_036_854_775_808.0 {
        return Err(SyntaxError::new(
            format!("size {} is too large", quote(s)),
            whole,
        ));
    }
    Ok(value as u64)
}

// ---------------------------------------------------------------------------
// CPUs

fn cpus(s: &str) -> Result<f64, SyntaxError> {
    let whole = 0..s.len();
    if s.is_empty() {
        return Err(SyntaxError::new(
            "empty cpus value; expected a number of CPUs such as 0.5 or 2",
            whole,
        ));
    }
    let v = match go_parse_float(s) {
        Ok(v) => v,
        Err(FloatError::Syntax) => {
            if let Some(millis) = millicores(s) {
                return Err(SyntaxError::new(
                    format!(
                        "invalid cpus value {}: Kubernetes millicores are not supported; write {} instead",
                        quote(s),
                        millis / 1000.0
                    ),
                    whole,
                ));
            }
            return Err(SyntaxError::new(
                format!(
                    "invalid cpus value {}: expected a number of CPUs such as 0.5 or 2",
                    quote(s)
                ),
                whole,
            ));
        }
        Err(FloatError::Range) => {
            return Err(SyntaxError::new(
                format!("cpus value {} is out of range", quote(s)),
                whole,
            ));
        }
    };
    if !v.is_finite() {
        return Err(SyntaxError::new(
            format!("invalid cpus value {}: expected a finite number", quote(s)),
            whole,
        ));
    }
    if v < 0.0 {
        let range = if s.starts_with('-') { 0..1 } else { whole };
        return Err(SyntaxError::new(
            format!("cpus must not be negative, got {}", quote(s)),
            range,
        ));
    }
    Ok(v + 0.0)
}

/// `500m` → `Some(500.0)`.
fn millicores(s: &str) -> Option<f64> {
    let n = s.strip_suffix('m').or_else(|| s.strip_suffix('M'))?;
    if n.is_empty() || !n.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        return None;
    }
    n.parse::<f64>().ok().filter(|v| v.is_finite())
}

// ---------------------------------------------------------------------------
// Go number parsing

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FloatError {
    Syntax,
    Range,
}

/// Go's `strconv.Atoi`: optional sign, decimal digits, 64-bit range.
pub(crate) fn go_atoi(s: &str) -> Result<i64, FloatError> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..).unwrap_or("")),
        Some(b'+') => (false, s.get(1..).unwrap_or("")),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(FloatError::Syntax);
    }
    let mut v: i128 = 0;
    for c in digits.bytes() {
        v = v * 10 + i128::from(c - b'0');
        if v > i128::from(i64::MAX) + 1 {
            return Err(FloatError::Range);
        }
    }
    let v = if neg { -v } else { v };
    i64::try_from(v).map_err(|_| FloatError::Range)
}

/// Go's `strconv.ParseFloat(s, 64)`: decimal or hexadecimal (with a
/// mandatory `p` exponent) floating-point literals, optional sign,
/// underscores between digits, `inf`/`infinity` (signed) and `nan`.
/// Overflow to infinity is a range error.
pub(crate) fn go_parse_float(s: &str) -> Result<f64, FloatError> {
    let b = s.as_bytes();
    let (neg, rest) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        Some(_) => (false, b),
        None => return Err(FloatError::Syntax),
    };
    if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity") {
        return Ok(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if rest.len() == b.len() && rest.eq_ignore_ascii_case(b"nan") {
        return Ok(f64::NAN);
    }
    if b.contains(&b'_') && !underscore_ok(b) {
        return Err(FloatError::Syntax);
    }
    let hex = rest.len() > 2 && rest[0] == b'0' && (rest[1] | 0x20) == b'x';
    let v = if hex {
        parse_hex_float(&rest[2..])?
    } else {
        if !is_decimal_float(rest) {
            return Err(FloatError::Syntax);
        }
        let clean: String = s.chars().filter(|c| *c != '_' && *c != '+').collect();
        let clean = clean.trim_start_matches('-');
        clean.parse::<f64>().map_err(|_| FloatError::Syntax)?
    };
    if v.is_infinite() {
        return Err(FloatError::Range);
    }
    Ok(if neg { -v } else { v })
}

/// `digits [. digits] [e [sign] digits]` with at least one mantissa digit;
/// underscores are skipped (validated separately).
fn is_decimal_float(b: &[u8]) -> bool {
    let mut i = 0;
    let mut digits = 0;
    let mut dot = false;
    while i < b.len() {
        match b[i] {
            b'0'..=b'9' => digits += 1,
            b'_' => {}
            b'.' if !dot => dot = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return false;
    }
    if i == b.len() {
        return true;
    }
    if b[i] | 0x20 != b'e' {
        return false;
    }
    i += 1;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let mut exp_digits = 0;
    while i < b.len() {
        match b[i] {
            b'0'..=b'9' => exp_digits += 1,
            b'_' => {}
            _ => return false,
        }
        i += 1;
    }
    exp_digits > 0
}

/// The part of a hex float after `0x`: `hexdigits [. hexdigits] p [sign] digits`.
fn parse_hex_float(b: &[u8]) -> Result<f64, FloatError> {
    let mut i = 0;
    let mut mant: u64 = 0;
    let mut exp: i64 = 0;
    let mut digits = 0;
    let mut dot = false;
    while i < b.len() {
        let c = b[i];
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            b'_' => {
                i += 1;
                continue;
            }
            b'.' if !dot => {
                dot = true;
                i += 1;
                continue;
            }
            _ => break,
        };
        digits += 1;
        if mant >> 60 == 0 {
            mant = (mant << 4) | u64::from(d);
            if dot {
                exp -= 4;
            }
        } else if !dot {
            exp += 4;
        }
        i += 1;
    }
    if digits == 0 || i >= b.len() || b[i] | 0x20 != b'p' {
        return Err(FloatError::Syntax);
    }
    i += 1;
    let mut eneg = false;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        eneg = b[i] == b'-';
        i += 1;
    }
    let mut e: i64 = 0;
    let mut edigits = 0;
    while i < b.len() {
        match b[i] {
            c @ b'0'..=b'9' => {
                edigits += 1;
                e = (e * 10 + i64::from(c - b'0')).min(100_000);
            }
            b'_' => {}
            _ => return Err(FloatError::Syntax),
        }
        i += 1;
    }
    if edigits == 0 {
        return Err(FloatError::Syntax);
    }
    let total = (exp + if eneg { -e } else { e }).clamp(-5000, 5000);
    let mut v = mant as f64;
    // Scale in steps that stay within f64's exponent range.
    let mut t = total;
    while t != 0 {
        let step = t.clamp(-1000, 1000);
        v *= 2f64.powi(step as i32);
        t -= step;
    }
    Ok(v)
}

/// Go's `underscoreOK`: underscores only between digits (or after a base
/// prefix).
fn underscore_ok(b: &[u8]) -> bool {
    let mut s = b;
    if let Some(c) = s.first()
        && (*c == b'-' || *c == b'+')
    {
        s = &s[1..];
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1] | 0x20 == b'x';
    }
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_digit() || (hex && (c | 0x20).is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dur(s: &str) -> Duration {
        match parse_duration(s) {
            Parsed::Ok(d) => d,
            other => panic!("{s:?}: {other:?}"),
        }
    }

    fn err<T: std::fmt::Debug>(p: Parsed<T>) -> SyntaxError {
        match p {
            Parsed::Err(e) => e,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn durations_valid() {
        assert_eq!(dur("10ms"), Duration::from_millis(10));
        assert_eq!(dur("1m30s"), Duration::from_secs(90));
        assert_eq!(
            dur("1h5m30s20ms"),
            Duration::from_millis(3_600_000 + 300_000 + 30_000 + 20)
        );
        assert_eq!(dur("1.5h"), Duration::from_secs(5400));
        assert_eq!(dur("0"), Duration::ZERO);
        assert_eq!(dur("+0"), Duration::ZERO);
        assert_eq!(dur("-0"), Duration::ZERO);
        assert_eq!(dur("0s"), Duration::ZERO);
        assert_eq!(dur("-0s"), Duration::ZERO);
        assert_eq!(dur("+5s"), Duration::from_secs(5));
        assert_eq!(dur("300ns"), Duration::from_nanos(300));
        assert_eq!(dur("2us"), Duration::from_micros(2));
        assert_eq!(dur("2µs"), Duration::from_micros(2));
        assert_eq!(dur("2μs"), Duration::from_micros(2));
        assert_eq!(dur(".5s"), Duration::from_millis(500));
        assert_eq!(dur("1.s"), Duration::from_secs(1));
        assert_eq!(dur("1.000000001s"), Duration::new(1, 1));
        assert_eq!(dur("2h45m"), Duration::from_secs(2 * 3600 + 45 * 60));
        assert_eq!(dur("1s1s"), Duration::from_secs(2));
        assert_eq!(
            dur("9223372036854775807ns"),
            Duration::from_nanos(i64::MAX as u64)
        );
    }

    #[test]
    fn durations_invalid() {
        let e = err(parse_duration(""));
        assert_eq!(e.range, 0..0);
        assert!(e.message.contains("empty duration"), "{}", e.message);

        let e = err(parse_duration("30"));
        assert_eq!(e.range, 0..2);
        assert!(
            e.message.starts_with("missing unit in duration \"30\""),
            "{}",
            e.message
        );
        assert!(e.message.contains("valid units"), "{}", e.message);

        let e = err(parse_duration("1m30"));
        assert_eq!(e.range, 2..4);
        assert!(e.message.starts_with("missing unit in duration \"1m30\""));

        let e = err(parse_duration("30 sec"));
        assert_eq!(e.range, 2..6);
        assert!(
            e.message
                .starts_with("unknown unit \" sec\" in duration \"30 sec\"; valid units are ns, us (or µs), ms, s, m, h"),
            "{}",
            e.message
        );
        assert!(e.message.contains("did you mean \"s\""), "{}", e.message);

        let e = err(parse_duration("30 s"));
        assert_eq!(e.range, 2..4);
        assert!(e.message.contains("no space"), "{}", e.message);

        let e = err(parse_duration("1d"));
        assert_eq!(e.range, 1..2);
        assert!(e.message.contains("24h"), "{}", e.message);

        let e = err(parse_duration("2w"));
        assert!(e.message.contains("168h"), "{}", e.message);

        let e = err(parse_duration("10S"));
        assert_eq!(e.range, 2..3);
        assert!(e.message.contains("lower case"), "{}", e.message);

        let e = err(parse_duration("1h-5m"));
        assert_eq!(e.range, 1..3);
        assert!(e.message.contains("unknown unit \"h-\""), "{}", e.message);

        let e = err(parse_duration("-5s"));
        assert_eq!(e.range, 0..1);
        assert!(e.message.contains("must not be negative"), "{}", e.message);

        let e = err(parse_duration("abc"));
        assert_eq!(e.range, 0..3);
        assert!(
            e.message.contains("invalid duration \"abc\""),
            "{}",
            e.message
        );

        let e = err(parse_duration("-"));
        assert_eq!(e.range, 0..1);

        let e = err(parse_duration(".s"));
        assert_eq!(e.range, 0..1);

        let e = err(parse_duration("1h.m"));
        assert_eq!(e.range, 2..3);

        let e = err(parse_duration("00"));
        assert_eq!(e.range, 0..2);

        let e = err(parse_duration("9223372036854775808ns"));
        assert!(e.message.contains("too large"), "{}", e.message);
        let e = err(parse_duration("3000000h"));
        assert!(e.message.contains("too large"), "{}", e.message);
        let e = err(parse_duration("99999999999999999999999s"));
        assert_eq!(e.range, 0..24);
        assert!(e.message.contains("too large"), "{}", e.message);

        // Multi-byte unit text: range ends on a char boundary.
        let e = err(parse_duration("5é"));
        assert_eq!(e.range, 1..3);
    }

    #[test]
    fn durations_interpolated() {
        assert_eq!(parse_duration("${HC_INTERVAL:-30s}"), Parsed::Unresolved);
        assert_eq!(parse_duration("$INTERVAL"), Parsed::Unresolved);
        assert!(parse_duration("$$5s").is_err());
    }

    fn bytes(s: &str) -> u64 {
        match parse_bytes(s) {
            Parsed::Ok(v) => v,
            other => panic!("{s:?}: {other:?}"),
        }
    }

    #[test]
    fn bytes_valid() {
        assert_eq!(bytes("0"), 0);
        assert_eq!(bytes("32"), 32);
        assert_eq!(bytes("32b"), 32);
        assert_eq!(bytes("32B"), 32);
        assert_eq!(bytes("32k"), 32 * 1024);
        assert_eq!(bytes("32K"), 32 * 1024);
        assert_eq!(bytes("32kb"), 32 * 1024);
        assert_eq!(bytes("32Kib"), 32 * 1024);
        assert_eq!(bytes("32KIB"), 32 * 1024);
        assert_eq!(bytes("512 m"), 512 << 20);
        assert_eq!(bytes("1.5g"), 1_610_612_736);
        assert_eq!(bytes("10GiB"), 10 << 30);
        assert_eq!(bytes("1t"), 1 << 40);
        assert_eq!(bytes("32Pb"), 32 << 50);
        assert_eq!(bytes("32.3"), 32);
        assert_eq!(bytes("32.3 mb"), (32.3 * 1_048_576.0) as u64);
        assert_eq!(bytes("0.3MB"), (0.3 * 1_048_576.0) as u64);
        assert_eq!(bytes(".5k"), 512);
        assert_eq!(bytes("1 "), 1);
        assert_eq!(bytes("1e3"), 1000);
        assert_eq!(bytes("1_000"), 1000);
    }

    #[test]
    fn bytes_invalid() {
        let e = err(parse_bytes("8 gigs"));
        assert_eq!(e.range, 2..6);
        assert!(
            e.message
                .starts_with("invalid suffix \"gigs\" in size \"8 gigs\""),
            "{}",
            e.message
        );

        let e = err(parse_bytes("10Gi"));
        assert_eq!(e.range, 2..4);
        assert!(e.message.contains("Kubernetes"), "{}", e.message);
        assert!(e.message.contains("GiB"), "{}", e.message);

        let e = err(parse_bytes("-1"));
        assert_eq!(e.range, 0..2);
        assert!(e.message.contains("negative"), "{}", e.message);

        let e = err(parse_bytes("1.5.3"));
        assert_eq!(e.range, 0..5);
        assert!(
            e.message.contains("\"1.5.3\" is not a number"),
            "{}",
            e.message
        );

        let e = err(parse_bytes("1.5.3g"));
        assert_eq!(e.range, 0..5);

        let e = err(parse_bytes(""));
        assert_eq!(e.range, 0..0);

        let e = err(parse_bytes("hello"));
        assert_eq!(e.range, 0..5);
        assert!(
            e.message.starts_with("invalid size \"hello\""),
            "{}",
            e.message
        );

        for bad in [
            " 32 ", "32m b", "32bm", "32mbb", "32x", "1 2", "inf ", "nan ",
        ] {
            assert!(parse_bytes(bad).is_err(), "{bad:?}");
        }

        let e = err(parse_bytes("32bm"));
        assert_eq!(e.range, 2..4);

        let e = err(parse_bytes("99999999999p"));
        assert!(e.message.contains("too large"), "{}", e.message);
    }

    #[test]
    fn bytes_interpolated() {
        assert_eq!(parse_bytes("${MEM:-512m}"), Parsed::Unresolved);
    }

    #[test]
    fn cpus_values() {
        assert_eq!(parse_cpus("0.5"), Parsed::Ok(0.5));
        assert_eq!(parse_cpus("2"), Parsed::Ok(2.0));
        assert_eq!(parse_cpus("0"), Parsed::Ok(0.0));
        assert_eq!(parse_cpus(".25"), Parsed::Ok(0.25));
        assert_eq!(parse_cpus("1e-1"), Parsed::Ok(0.1));
        assert_eq!(parse_cpus("+1.5"), Parsed::Ok(1.5));
        assert_eq!(parse_cpus("-0"), Parsed::Ok(0.0));
        assert_eq!(parse_cpus("0x1p-1"), Parsed::Ok(0.5));
        assert_eq!(parse_cpus("${CPUS}"), Parsed::Unresolved);

        let e = err(parse_cpus("500m"));
        assert_eq!(e.range, 0..4);
        assert!(e.message.contains("write 0.5"), "{}", e.message);
        let e = err(parse_cpus("1500m"));
        assert!(e.message.contains("write 1.5"), "{}", e.message);

        let e = err(parse_cpus("-1"));
        assert_eq!(e.range, 0..1);
        assert!(e.message.contains("negative"), "{}", e.message);

        let e = err(parse_cpus("two"));
        assert_eq!(e.range, 0..3);
        assert!(
            e.message.starts_with("invalid cpus value \"two\""),
            "{}",
            e.message
        );

        for bad in [
            "", " 1", "1 ", "1,5", "inf", "NaN", "1e400", "1__0", "_1", "0x10", "1.2.3",
        ] {
            assert!(parse_cpus(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn log_max_size() {
        assert_eq!(parse_log_max_size("10m"), Parsed::Ok(10_000_000));
        assert_eq!(parse_log_max_size("1k"), Parsed::Ok(1000));
        assert_eq!(parse_log_max_size("1kib"), Parsed::Ok(1000));
        assert_eq!(parse_log_max_size("200"), Parsed::Ok(200));
        assert_eq!(parse_log_max_size("1.5g"), Parsed::Ok(1_500_000_000));
        let e = err(parse_log_max_size("0"));
        assert_eq!(e.range, 0..1);
        assert!(e.message.contains("positive"), "{}", e.message);
        assert!(parse_log_max_size("0.5").is_err());
        assert!(parse_log_max_size("-1m").is_err());
        let e = err(parse_log_max_size("10 megs"));
        assert_eq!(e.range, 3..7);
        assert_eq!(parse_log_max_size("${LOG_SIZE}"), Parsed::Unresolved);
    }

    #[test]
    fn log_max_file() {
        assert_eq!(parse_log_max_file("3"), Parsed::Ok(3));
        assert_eq!(parse_log_max_file("1"), Parsed::Ok(1));
        assert_eq!(parse_log_max_file("+2"), Parsed::Ok(2));
        assert_eq!(parse_log_max_file("007"), Parsed::Ok(7));
        let e = err(parse_log_max_file("0"));
        assert_eq!(e.range, 0..1);
        assert!(e.message.contains("less than 1"), "{}", e.message);
        assert!(parse_log_max_file("-1").is_err());
        assert!(parse_log_max_file("").is_err());
        assert!(parse_log_max_file("3 ").is_err());
        assert!(parse_log_max_file("1.0").is_err());
        assert!(parse_log_max_file("1_0").is_err());
        let e = err(parse_log_max_file("99999999999999999999"));
        assert!(e.message.contains("out of range"), "{}", e.message);
        let e = err(parse_log_max_file("5000000000"));
        assert!(e.message.contains("too large"), "{}", e.message);
        assert_eq!(parse_log_max_file("${N}"), Parsed::Unresolved);
    }

    #[test]
    fn go_float_syntax() {
        assert_eq!(go_parse_float("1_000.5"), Ok(1000.5));
        assert_eq!(go_parse_float("1e1_0"), Ok(1e10));
        assert_eq!(go_parse_float("1."), Ok(1.0));
        assert_eq!(go_parse_float("-.5"), Ok(-0.5));
        assert_eq!(go_parse_float("Infinity"), Ok(f64::INFINITY));
        assert_eq!(go_parse_float("-inf"), Ok(f64::NEG_INFINITY));
        assert!(go_parse_float("nan").is_ok_and(f64::is_nan));
        assert_eq!(go_parse_float("+nan"), Err(FloatError::Syntax));
        assert_eq!(go_parse_float("0x1.8p1"), Ok(3.0));
        assert_eq!(go_parse_float("0x_1p4"), Ok(16.0));
        assert_eq!(go_parse_float("0x1"), Err(FloatError::Syntax));
        assert_eq!(go_parse_float("1e"), Err(FloatError::Syntax));
        assert_eq!(go_parse_float("."), Err(FloatError::Syntax));
        assert_eq!(go_parse_float("1_"), Err(FloatError::Syntax));
        assert_eq!(go_parse_float("1e400"), Err(FloatError::Range));
        assert_eq!(go_parse_float("--1"), Err(FloatError::Syntax));
        assert_eq!(go_parse_float("+-1"), Err(FloatError::Syntax));
        assert_eq!(go_parse_float(""), Err(FloatError::Syntax));
    }

    #[test]
    fn no_panics_on_odd_input() {
        for s in [
            "",
            "-",
            "+",
            ".",
            "..",
            "é",
            "1é",
            "µs",
            "1µ",
            "0x",
            "0xp1",
            "0x.p1",
            "1e+",
            "_",
            "9".repeat(400).as_str(),
            "1.",
            "p",
            "\u{0}",
            " ",
            "-.",
            "1 é",
        ] {
            let _ = parse_duration(s);
            let _ = parse_bytes(s);
            let _ = parse_cpus(s);
            let _ = parse_log_max_size(s);
            let _ = parse_log_max_file(s);
        }
    }
}
