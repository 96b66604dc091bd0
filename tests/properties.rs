//! Property tests (proptest): the short-syntax parsers of ports, volumes,
//! durations and byte sizes, and the rules' fixes.
//!
//! - On any text, a parser does not panic, and the ranges it reports lie
//!   inside the text on character boundaries.
//! - On text generated from known parts, it returns those parts.
//! - A file with every fix applied (safe and unsafe, by the fix engine of
//!   `--fix`, `dockmaster::fix::fix_project`) still loads without syntax or
//!   schema findings, no fix was caught breaking the file (the engine's
//!   warning notes), and fixing the result again changes nothing.

use std::ops::Range;
use std::time::Duration;

use proptest::prelude::*;

use std::path::{Path, PathBuf};

use dockmaster::fix::{Files, Linted, MAX_ROUNDS, Note, NoteLevel, Options, fix_project};
use dockmaster::load::project::LoadError;
use dockmaster::load::{Input, Limits, load_project};
use dockmaster::model::syntax::Parsed;
use dockmaster::model::syntax::ports::{PortRange, Protocol, parse_port};
use dockmaster::model::syntax::units::{parse_bytes, parse_duration};
use dockmaster::model::syntax::volumes::{VolumeSource, parse_volume};
use dockmaster::rules::{self, Preset, Settings};

fn in_text(s: &str, r: &Range<usize>) -> bool {
    r.start <= r.end && r.end <= s.len() && s.is_char_boundary(r.start) && s.is_char_boundary(r.end)
}

/// The error of a parse, if any, points inside the text.
fn error_in_text<T>(s: &str, p: &Parsed<T>) -> bool {
    match p {
        Parsed::Err(e) => in_text(s, &e.range) && !e.message.is_empty(),
        _ => true,
    }
}

/// Text that looks like the syntax: digits, separators, letters of units
/// and protocols, brackets, variables, and any character now and then.
fn syntaxish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            8 => proptest::char::ranges(vec!['0'..='9'].into()),
            4 => prop::sample::select(vec![':', '-', '/', '.', '[', ']', ' ', ',', '$', '{', '}']),
            4 => prop::sample::select(vec!['t', 'c', 'p', 'u', 'd', 's', 'm', 'h', 'n', 'k', 'g', 'b', 'i', 'r', 'o', 'w', 'µ']),
            1 => any::<char>(),
        ],
        0..24,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

fn protocol() -> impl Strategy<Value = (Option<&'static str>, Protocol)> {
    prop_oneof![
        Just((None, Protocol::Tcp)),
        Just((Some("tcp"), Protocol::Tcp)),
        Just((Some("udp"), Protocol::Udp)),
        Just((Some("UDP"), Protocol::Udp)),
        Just((Some("sctp"), Protocol::Sctp)),
    ]
}

proptest! {
    #[test]
    fn ports_never_panic_and_stay_in_the_text(s in syntaxish()) {
        let p = parse_port(&s);
        prop_assert!(error_in_text(&s, &p));
        if let Parsed::Ok(spec) = &p {
            prop_assert!(in_text(&s, &spec.target_range));
            for r in [&spec.host_ip_range, &spec.published_range, &spec.protocol_range].into_iter().flatten() {
                prop_assert!(in_text(&s, r), "{r:?} in {s:?}");
            }
        }
    }

    #[test]
    fn ports_from_their_parts(
        ip in prop_oneof![Just(None), Just(Some(("127.0.0.1", "127.0.0.1"))), Just(Some(("[::1]", "::1")))],
        published in proptest::option::of((1u16..=65535, 0u16..=3)),
        target in 1u16..=65535,
        (proto_text, proto) in protocol(),
    ) {
        // A range `a-b:c-d` of equal lengths, or single ports.
        let (published, target) = match published {
            Some((p, len)) => {
                let len = len.min(65535 - p).min(65535 - target);
                (Some(PortRange { start: p, end: p + len }), PortRange { start: target, end: target + len })
            }
            None => (None, PortRange { start: target, end: target }),
        };
        let range = |r: PortRange| if r.start == r.end { r.start.to_string() } else { format!("{}-{}", r.start, r.end) };
        let mut s = String::new();
        if let (Some((ip_text, _)), Some(_)) = (ip, published) {
            s.push_str(ip_text);
            s.push(':');
        }
        if let Some(p) = published {
            s.push_str(&range(p));
            s.push(':');
        }
        s.push_str(&range(target));
        if let Some(t) = proto_text {
            s.push('/');
            s.push_str(t);
        }
        let Parsed::Ok(spec) = parse_port(&s) else {
            return Err(TestCaseError::fail(format!("{s:?} does not parse")));
        };
        prop_assert_eq!(spec.published, published, "{}", s);
        prop_assert_eq!(spec.target, target, "{}", s);
        prop_assert_eq!(spec.protocol, proto, "{}", s);
        let ip = ip.filter(|_| published.is_some()).map(|(_, bare)| bare.to_string());
        prop_assert_eq!(spec.host_ip, ip, "{}", s);
        prop_assert_eq!(&s[spec.target_range.clone()], range(target), "{}", s);
    }

    #[test]
    fn volumes_never_panic_and_stay_in_the_text(s in syntaxish()) {
        let p = parse_volume(&s);
        prop_assert!(error_in_text(&s, &p));
        if let Parsed::Ok(v) = &p {
            prop_assert!(in_text(&s, &v.target_range));
            for r in [&v.source_range, &v.options_range].into_iter().flatten() {
                prop_assert!(in_text(&s, r), "{r:?} in {s:?}");
            }
        }
    }

    #[test]
    fn volumes_from_their_parts(
        source in prop_oneof![
            Just(None),
            "[a-z][a-z0-9_]{1,8}".prop_map(|n| Some((n.clone(), VolumeSource::Named(n)))),
            "(\\./|/|\\.\\./)[a-z]{1,8}(/[a-z]{1,8}){0,2}".prop_map(|p| Some((p.clone(), VolumeSource::Bind(p)))),
        ],
        target in "/[a-z]{1,8}(/[a-z0-9]{1,8}){0,2}",
        mode in prop_oneof![Just(None), Just(Some("ro")), Just(Some("rw")), Just(Some("ro,z"))],
    ) {
        let mut s = String::new();
        if let Some((text, _)) = &source {
            s.push_str(text);
            s.push(':');
        }
        s.push_str(&target);
        if let (Some(m), Some(_)) = (mode, &source) {
            s.push(':');
            s.push_str(m);
        }
        let Parsed::Ok(v) = parse_volume(&s) else {
            return Err(TestCaseError::fail(format!("{s:?} does not parse")));
        };
        let expected = source.map(|(_, v)| v).unwrap_or(VolumeSource::None);
        prop_assert_eq!(v.source, expected, "{}", s);
        prop_assert_eq!(&v.target, &target, "{}", s);
        let ro = mode.is_some_and(|m| m.starts_with("ro")) && s.matches(':').count() == 2;
        prop_assert_eq!(v.read_only, ro, "{}", s);
    }

    #[test]
    fn durations_never_panic_and_stay_in_the_text(s in syntaxish()) {
        prop_assert!(error_in_text(&s, &parse_duration(&s)));
    }

    #[test]
    fn durations_from_their_parts(h in 0u64..100, m in 0u64..120, sec in 0u64..120, ms in 0u64..2000, skip in any::<[bool; 4]>()) {
        let parts = [(h, "h", 3_600_000u64), (m, "m", 60_000), (sec, "s", 1000), (ms, "ms", 1)];
        let mut s = String::new();
        let mut total = 0;
        for ((n, unit, millis), skip) in parts.into_iter().zip(skip) {
            if skip {
                continue;
            }
            s.push_str(&format!("{n}{unit}"));
            total += n * millis;
        }
        if s.is_empty() {
            s.push('0');
        }
        prop_assert_eq!(parse_duration(&s), Parsed::Ok(Duration::from_millis(total)), "{}", s);
    }

    #[test]
    fn byte_sizes_never_panic_and_stay_in_the_text(s in syntaxish()) {
        prop_assert!(error_in_text(&s, &parse_bytes(&s)));
    }

    #[test]
    fn byte_sizes_from_their_parts(
        n in 0u64..1_000_000,
        (suffix, power) in prop::sample::select(vec![
            ("", 0u32), ("b", 0), ("B", 0), ("k", 1), ("kb", 1), ("KiB", 1), ("m", 2), ("MB", 2),
            ("mib", 2), ("g", 3), ("Gb", 3), ("gib", 3), ("t", 4),
        ]),
        space in any::<bool>(),
    ) {
        let s = format!("{n}{}{suffix}", if space && !suffix.is_empty() { " " } else { "" });
        prop_assert_eq!(parse_bytes(&s), Parsed::Ok(n * 1024u64.pow(power)), "{}", s);
    }
}

/// One generated service.
#[derive(Clone, Debug)]
struct Svc {
    privileged: bool,
    depends_short: bool,
    logging: u8,
    security_opt: bool,
    flow_ports: bool,
}

fn service() -> impl Strategy<Value = Svc> {
    (
        any::<bool>(),
        any::<bool>(),
        0u8..3,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(privileged, depends_short, logging, security_opt, flow_ports)| Svc {
                privileged,
                depends_short,
                logging,
                security_opt,
                flow_ports,
            },
        )
}

/// A Compose file giving the fixable rules work: a `version` key,
/// `privileged`, short `depends_on` lists, logging without rotation, no
/// `security_opt`; in 2- or 4-space indentation, LF or CRLF line breaks.
fn compose(version: bool, services: &[Svc], indent: usize, crlf: bool) -> String {
    let i = |n: usize| " ".repeat(indent * n);
    let mut t = String::new();
    if version {
        t.push_str("version: \"3.8\"\n");
    }
    t.push_str("services:\n");
    for (k, s) in services.iter().enumerate() {
        t.push_str(&format!("{}s{k}:\n{}image: nginx:1.27\n", i(1), i(2)));
        if s.privileged {
            t.push_str(&format!("{}privileged: true\n", i(2)));
        }
        if s.flow_ports {
            t.push_str(&format!("{}ports: [\"127.0.0.1:{}:80\"]\n", i(2), 8000 + k));
        }
        if k > 0 {
            if s.depends_short {
                t.push_str(&format!("{}depends_on:\n{}- s{}\n", i(2), i(3), k - 1));
            } else {
                t.push_str(&format!("{}depends_on: [s{}]\n", i(2), k - 1));
            }
        }
        match s.logging {
            1 => t.push_str(&format!("{}logging:\n{}driver: json-file\n", i(2), i(3))),
            2 => t.push_str(&format!(
                "{}logging:\n{}driver: json-file\n{}options:\n{}max-file: \"3\"\n",
                i(2),
                i(3),
                i(3),
                i(4)
            )),
            _ => {}
        }
        if s.security_opt {
            t.push_str(&format!("{}security_opt:\n{}- label:disable\n", i(2), i(3)));
        }
    }
    if crlf { t.replace('\n', "\r\n") } else { t }
}

/// The findings of every rule in the file.
fn lint(inputs: &[Input]) -> Result<Linted, Vec<LoadError>> {
    let loaded = load_project(inputs, &Limits::default())?;
    let project = dockmaster::model::build(loaded);
    let ids: Vec<&'static str> = rules::ALL.iter().map(|r| r.id).collect();
    let diags = dockmaster::check_project(&project, &Settings::only(Preset::Production, &ids)).kept;
    Ok(Linted { project, diags })
}

/// The loader's findings (syntax, duplicate keys, schema) in a lint.
fn problems(linted: &Linted) -> Vec<String> {
    linted
        .diags
        .iter()
        .filter(|d| matches!(d.rule, "yaml-syntax" | "duplicate-key" | "schema"))
        .map(|d| format!("{}: {}", d.rule, d.message))
        .collect()
}

/// Fix the text with every fix, safe and unsafe, as `--fix --unsafe-fixes`
/// does: the fixed text, the engine's notes and the loader's findings in
/// the fixed text.
fn fix(text: &str) -> (String, Vec<Note>, Vec<String>) {
    let key = |p: &Path| p.to_path_buf();
    let linted = |_: &Path| false;
    let files = Files {
        key: &key,
        linted: &linted,
    };
    let inputs = [Input::text("compose.yaml", text.as_bytes().to_vec())];
    let options = Options {
        unsafe_fixes: true,
        max_rounds: MAX_ROUNDS,
    };
    let out = fix_project(
        &inputs,
        &[Some(PathBuf::from("compose.yaml"))],
        &files,
        &lint,
        options,
    )
    .expect("an in-memory input loads");
    let problems = problems(&out.linted);
    (out.files[0].text.clone(), out.notes, problems)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn fixes_load_and_are_idempotent(
        version in any::<bool>(),
        services in proptest::collection::vec(service(), 1..5),
        indent in prop::sample::select(vec![2usize, 4]),
        crlf in any::<bool>(),
    ) {
        let text = compose(version, &services, indent, crlf);
        let first = lint(&[Input::text("compose.yaml", text.as_bytes().to_vec())])
            .expect("an in-memory input loads");
        let before = problems(&first);
        prop_assert!(before.is_empty(), "the generated file is invalid: {before:?}\n{text}");
        let (fixed, notes, after) = fix(&text);
        prop_assert!(
            after.is_empty(),
            "the fixed file does not load: {after:?}\nbefore:\n{text}\nafter:\n{fixed}"
        );
        let broken: Vec<&Note> = notes.iter().filter(|n| n.level == NoteLevel::Warning).collect();
        prop_assert!(broken.is_empty(), "a fix misbehaved: {broken:?}\nbefore:\n{text}");
        // The obsolete `version` key is always fixed: the engine did work.
        prop_assert!(!fixed.contains("version:"), "`version` was not removed:\n{}", fixed);
        let (again, _, _) = fix(&fixed);
        prop_assert_eq!(&again, &fixed, "fixing the fixed file changes it;\nbefore:\n{}", text);
    }
}
