//! `secret-in-environment`: a credential written into the Compose file: an
//! `environment` entry or a build argument whose key looks like a
//! credential with a literal value, or a URL with a literal password in an
//! environment value, a build argument, `command` or `entrypoint`.
//!
//! A value is literal unless, as written in the file, it is wholly made of
//! interpolations without literal defaults: `${DB_PASSWORD}` is fine,
//! `${DB_PASSWORD:-hunter2}` is not. Messages never show the secret.

use std::ops::Range;

use crate::diag::Finding;
use crate::load::Origin;
use crate::model::{KeyValue, Project, Sp};
use crate::rules::Context;

crate::declare_rule! {
    id: "secret-in-environment",
    category: Security,
    production: Error,
    development: Warning,
    fixable: No,
    summary: "A password, token or key is written into the Compose file",
    check: check,
}

/// Words that make a key look like a credential, matched as whole parts of
/// the key (parts are separated by `_`, `.` or `-`, case-insensitive); a
/// word written with `_` matches that many consecutive parts, so
/// `STRIPE_API_KEY` contains `API_KEY` while `TOKENIZER_PATH` does not
/// contain `TOKEN`.
pub const CREDENTIAL_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
];

/// Parts that may follow the credential word in a key that still names the
/// credential itself (`SECRET_KEY_BASE`, `S3_ACCESS_KEY_ID`). Any other
/// part after the word makes the key a setting about the credential, not
/// the credential: `POSTGRES_PASSWORD_FILE` (a path, the secrets pattern),
/// `REGISTRY_AUTH_TOKEN_REALM` (a URL), `FLEET_TOKEN_POLICY_NAME`,
/// `AUTHENTICATION_APIKEY_ENABLED`.
pub const SECRET_TRAILERS: &[&str] = &["KEY", "KEYS", "ID", "BASE"];

/// Literal values that are switches, not secrets
/// (`MYSQL_ALLOW_EMPTY_PASSWORD: "yes"`).
pub const FLAG_VALUES: &[&str] = &["true", "false", "yes", "no", "on", "off"];

/// What messages show instead of a secret.
const MASK: &str = "********";

/// The credential word a key contains, if any.
pub fn credential_word(key: &str) -> Option<&'static str> {
    // Every word holds one of these, which most keys do not: those keys
    // are answered without splitting them.
    const STEMS: &[&[u8]] = &[b"PASS", b"SECRET", b"TOKEN", b"KEY", b"CREDENTIAL"];
    // For each byte, 1 + the index of the stem starting with it (either
    // case), or 0: only that stem can match there.
    const FIRST: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut i = 0;
        while i < STEMS.len() {
            let c = STEMS[i][0];
            t[c as usize] = i as u8 + 1;
            t[c.to_ascii_lowercase() as usize] = i as u8 + 1;
            i += 1;
        }
        t
    };
    let k = key.as_bytes();
    let has_stem = k.iter().enumerate().any(|(i, &c)| {
        let s = FIRST[c as usize];
        s != 0 && {
            let stem = STEMS[s as usize - 1];
            k.get(i..i + stem.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(stem))
        }
    });
    if !has_stem {
        return None;
    }
    let parts: Vec<&str> = key.split(['_', '.', '-']).collect();
    // The words split at `_` once, not for every key.
    static WORDS: std::sync::LazyLock<Vec<(&'static str, Vec<&'static str>)>> =
        std::sync::LazyLock::new(|| {
            CREDENTIAL_WORDS
                .iter()
                .map(|w| (*w, w.split('_').collect()))
                .collect()
        });
    // The words and trailers are upper case: a part matches whatever its
    // case.
    WORDS.iter().find_map(|(word, w)| {
        (0..parts.len().saturating_sub(w.len() - 1))
            .any(|i| {
                parts[i..i + w.len()]
                    .iter()
                    .zip(w)
                    .all(|(a, b)| a.eq_ignore_ascii_case(b))
                    && parts[i + w.len()..]
                        .iter()
                        .all(|p| SECRET_TRAILERS.iter().any(|t| p.eq_ignore_ascii_case(t)))
            })
            .then_some(*word)
    })
}

/// The byte range of the end of the `${...}` starting at `i`, or `None`.
fn skip_interpolation(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'$') || b.get(i + 1) != Some(&b'{') {
        return None;
    }
    let mut depth = 0usize;
    for (j, c) in b.iter().enumerate().skip(i + 1) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// A URL with a password in a text: `(url start, password range, url end)`,
/// for each `scheme://user:password@host` found. `${...}` is skipped as a
/// whole when looking for the `:` and the `@`.
pub fn url_passwords(text: &str) -> Vec<(usize, Range<usize>, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(sep) = crate::util::find_scheme_separator(text, from) {
        // The scheme: letters, digits, `+`, `-`, `.`, starting with a letter.
        let mut start = sep;
        while start > 0 && {
            let c = b[start - 1];
            c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')
        } {
            start -= 1;
        }
        while start < sep && !b[start].is_ascii_alphabetic() {
            start += 1;
        }
        let user_start = sep + 3;
        from = user_start;
        if start == sep {
            continue;
        }
        // The user information ends at the last `@` before the path (`/`,
        // `?`, `#`) or white space: a password may hold an `@`.
        let mut i = user_start;
        let mut colon = None;
        let mut at = None;
        while i < b.len() {
            if let Some(end) = skip_interpolation(b, i) {
                i = end;
                continue;
            }
            match b[i] {
                b'@' => at = Some(i),
                b':' if colon.is_none() => colon = Some(i),
                b'/' | b'?' | b'#' | b' ' | b'\t' | b'\n' | b'"' | b'\'' => break,
                _ => {}
            }
            i += 1;
        }
        let (Some(colon), Some(at)) = (colon, at) else {
            continue;
        };
        if colon > at {
            // `host:port@...` without user information.
            continue;
        }
        let mut end = at + 1;
        while end < b.len()
            && !matches!(
                b[end],
                b'/' | b'?' | b'#' | b' ' | b'\t' | b'\n' | b'"' | b'\''
            )
        {
            end += 1;
        }
        if colon + 1 < at {
            out.push((start, colon + 1..at, end));
        }
        from = at + 1;
    }
    out
}

/// The URL with its password masked, up to the host: `postgres://app:********@db:5432`.
fn masked_url(text: &str, url: &(usize, Range<usize>, usize)) -> String {
    let (start, pw, end) = url;
    [&text[*start..pw.start], MASK, &text[pw.end..*end]].concat()
}

/// The span of a byte range of a value's text as written (see
/// [`super::written`]): exact when that text is the source of the value's
/// span, bare or inside quotes (a quoted word of a shell-form `command`, an
/// interpolated value), else the whole value.
fn span_of(project: &Project, sp: &Sp<String>, range: Range<usize>) -> crate::span::Span {
    if let Origin::Exact(_) = sp.origin {
        return sp.subspan(range);
    }
    let written = super::written(project, sp);
    let source = project.sources.slice(sp.span);
    let offset = if source == written {
        Some(0)
    } else {
        ['"', '\'']
            .iter()
            .any(|q| source.strip_prefix(*q).and_then(|t| t.strip_suffix(*q)) == Some(&*written))
            .then_some(1)
    };
    match offset {
        Some(o) => sp.span.slice(range.start + o..range.end + o),
        None => sp.span,
    }
}

/// Who sets a value: a service, or its build.
#[derive(Clone, Copy)]
enum Owner<'a> {
    Service(&'a str),
    Build(&'a str),
}

impl Owner<'_> {
    /// The start of a message, built only for a finding.
    fn describe(self) -> String {
        match self {
            Owner::Service(name) => ["service `", name, "`"].concat(),
            Owner::Build(name) => ["the build of service `", name, "`"].concat(),
        }
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let project = cx.project;
    for s in project.services.values() {
        let name = &s.name.value;
        for kv in &s.environment {
            check_entry(project, kv, Owner::Service(name), "environment", out);
        }
        if let Some(b) = &s.build {
            for kv in &b.args {
                check_entry(project, kv, Owner::Build(name), "build.args", out);
            }
        }
        for (key, cmd) in [("command", &s.command), ("entrypoint", &s.entrypoint)] {
            let Some(cmd) = cmd else { continue };
            let message = || {
                [
                    "service `",
                    name,
                    "` has a URL with a literal password in `",
                    key,
                    "`",
                ]
                .concat()
            };
            for arg in &cmd.args {
                check_urls(project, arg, &message, out);
            }
        }
    }
}

fn check_entry(
    project: &Project,
    kv: &KeyValue,
    owner: Owner<'_>,
    place: &str,
    out: &mut Vec<Finding>,
) {
    let Some(value) = &kv.value else { return };
    let text = super::written(project, value);
    if let Some(word) = credential_word(&kv.key.value)
        && super::is_literal(&text)
        && !FLAG_VALUES.iter().any(|f| text.eq_ignore_ascii_case(f))
    {
        let key = kv.key.value.as_str();
        let (why, help) = if place == "build.args" {
            (
                "build arguments stay readable in the image's history",
                "pass secrets to the build with `build.secrets` and read them in the Dockerfile with `RUN --mount=type=secret`".to_string(),
            )
        } else {
            (
                "anyone who can read the file or inspect the container can read it",
                [
                    "keep it out of the file: declare a secret under top-level `secrets:` (from a file or from the environment), give it to the service with `secrets:` and point the image at `/run/secrets/<name>` (many images read `",
                    key,
                    "_FILE`); or take the value from the environment: `",
                    key,
                    ": ${",
                    key,
                    "}`",
                ]
                .concat(),
            )
        };
        out.push(
            Finding::new(
                RULE.id,
                value.span,
                [
                    &owner.describe(),
                    " sets `",
                    key,
                    "` to a literal value (`",
                    MASK,
                    "`) in `",
                    place,
                    "`: ",
                    why,
                ]
                .concat(),
            )
            .label(["looks like a credential (`", word, "`)"].concat())
            .via(value.via)
            .help(help),
        );
        return;
    }
    check_urls(
        project,
        value,
        &|| {
            [
                &owner.describe(),
                " has a URL with a literal password in `",
                place,
                "` `",
                &kv.key.value,
                "`",
            ]
            .concat()
        },
        out,
    );
}

/// Report each URL of `value` with a literal password; `message` says
/// where (built only when there is one).
fn check_urls(
    project: &Project,
    value: &Sp<String>,
    message: &dyn Fn() -> String,
    out: &mut Vec<Finding>,
) {
    let text = super::written(project, value);
    for url in url_passwords(&text) {
        if !super::is_literal(&text[url.1.clone()]) {
            continue;
        }
        out.push(
            Finding::new(
                RULE.id,
                span_of(project, value, url.1.clone()),
                [&message(), " (`", &masked_url(&text, &url), "`)"].concat(),
            )
            .via(value.via)
            .help("take the password from a variable (`postgres://app:${DB_PASSWORD}@db/app`) or, when the program can read it from a file, from a secret under `/run/secrets/`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_keys_by_whole_parts() {
        // Each word is found alone and inside a key, whatever its case
        // (the stems that keys are screened with cover every word).
        for w in CREDENTIAL_WORDS {
            assert_eq!(credential_word(w), Some(*w));
            let key = format!("app_{}", w.to_lowercase());
            assert_eq!(credential_word(&key), Some(*w), "{key}");
        }
        assert_eq!(credential_word("POSTGRES_PASSWORD"), Some("PASSWORD"));
        assert_eq!(credential_word("mysql_root_password"), Some("PASSWORD"));
        assert_eq!(credential_word("MINIO_SECRET_KEY"), Some("SECRET"));
        assert_eq!(credential_word("MINIO_ACCESS_KEY"), Some("ACCESS_KEY"));
        assert_eq!(credential_word("STRIPE_API_KEY"), Some("API_KEY"));
        assert_eq!(credential_word("OPENAI_APIKEY"), Some("APIKEY"));
        assert_eq!(credential_word("GITHUB_TOKEN"), Some("TOKEN"));
        assert_eq!(credential_word("SSH_PRIVATE_KEY"), Some("PRIVATE_KEY"));
        assert_eq!(
            credential_word("spring.datasource.password"),
            Some("PASSWORD")
        );
        assert_eq!(credential_word("TOKENIZER_PATH"), None);
        assert_eq!(credential_word("PASSWORDLESS"), None);
        assert_eq!(credential_word("KEY"), None);
        assert_eq!(credential_word("API"), None);
        assert_eq!(credential_word("ACCESS_LOG"), None);
        assert_eq!(credential_word("POSTGRES_PASSWORD_FILE"), None);
        assert_eq!(credential_word("GOOGLE_APPLICATION_CREDENTIALS"), None);
        assert_eq!(credential_word("SECRET_KEY_BASE"), Some("SECRET"));
        assert_eq!(
            credential_word("GITLAB_SECRETS_SECRET_KEY_BASE"),
            Some("SECRET")
        );
        assert_eq!(
            credential_word("MINIO_SECRET_ACCESS_KEY"),
            Some("ACCESS_KEY")
        );
        assert_eq!(credential_word("S3_ACCESS_KEY_ID"), Some("ACCESS_KEY"));
        assert_eq!(credential_word("REGISTRY_AUTH_TOKEN_REALM"), None);
        assert_eq!(credential_word("OAUTH2_GENERIC_CLIENT_TOKEN_URL"), None);
        assert_eq!(credential_word("AUTHENTICATION_APIKEY_ENABLED"), None);
        assert_eq!(credential_word("FLEET_TOKEN_POLICY_NAME"), None);
        assert_eq!(credential_word("PASSWORD_MIN_LENGTH"), None);
    }

    fn passwords(text: &str) -> Vec<&str> {
        url_passwords(text)
            .into_iter()
            .map(|(_, r, _)| &text[r])
            .collect()
    }

    #[test]
    fn urls_with_passwords() {
        assert_eq!(passwords("postgres://app:hunter2@db:5432/app"), ["hunter2"]);
        assert_eq!(passwords("redis://:s3cret@redis:6379/0"), ["s3cret"]);
        assert_eq!(
            passwords("amqp://${U:-guest}:${P:-guest}@rabbit"),
            ["${P:-guest}"]
        );
        assert_eq!(
            passwords("a=mongodb://root:example@mongo:27017/ b=http://x:y@h"),
            ["example", "y"]
        );
        assert!(passwords("http://localhost:8080/path@x").is_empty());
        assert!(passwords("ssh://git@github.com/org/repo").is_empty());
        assert!(passwords("postgres://app@db/app").is_empty());
        assert!(passwords("postgres://app:@db/app").is_empty());
        assert!(passwords("git@github.com:org/repo").is_empty());
        assert!(passwords("://a:b@c").is_empty());
        assert_eq!(passwords("postgres://app:p@ss@db/app"), ["p@ss"]);
        assert!(passwords("postgres://app@db:5432/app").is_empty());
        assert!(passwords("http://user@proxy:3128").is_empty());
        let t = "postgres://app:hunter2@db:5432/app?sslmode=disable";
        let urls = url_passwords(t);
        assert_eq!(masked_url(t, &urls[0]), "postgres://app:********@db:5432");
    }
}
