//! `image-digest`: an image pinned by a tag but not by a digest.

use crate::diag::Finding;
use crate::rules::Context;

use super::image_tag::{is_mutable, pulled_image, repository_text};

crate::declare_rule! {
    id: "image-digest",
    category: Operability,
    production: Info,
    development: Off,
    fixable: No,
    summary: "An image pinned by tag but not by digest",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        let Some(img) = pulled_image(cx, s) else {
            continue;
        };
        let r = &img.reference;
        // No tag or a mutable tag is `image-tag`'s finding.
        let Some(tag) = &r.tag else { continue };
        // A tag Docker would refuse (`apache/airflow:|version|`, a
        // documentation template's placeholder) pins nothing.
        if r.digest.is_some() || is_mutable(tag) || !is_valid_tag(tag) {
            continue;
        }
        let text = [repository_text(s, img), ":", tag].concat();
        out.push(
            Finding::new(
                RULE.id,
                img.span,
                [
                    "service `",
                    &s.name.value,
                    "` runs image `",
                    &text,
                    "`, pinned by tag but not by digest",
                ]
                .concat(),
            )
            .via(img.via)
            .help(
                [
                    "append the digest (`",
                    &text,
                    "@sha256:...`, from `docker buildx imagetools inspect`): a tag can be pushed again, a digest cannot",
                ]
                .concat(),
            ),
        );
    }
}

/// A tag as Docker's reference grammar allows it: `[A-Za-z0-9_]` then up to
/// 127 of `[A-Za-z0-9_.-]`.
fn is_valid_tag(tag: &str) -> bool {
    let b = tag.as_bytes();
    let word = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
    !b.is_empty()
        && b.len() <= 128
        && word(&b[0])
        && b[1..].iter().all(|c| word(c) || matches!(c, b'.' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::is_valid_tag;

    #[test]
    fn tags_docker_accepts() {
        for yes in [
            "17",
            "15.12-alpine",
            "RELEASE.2023-03-20T20-16-18Z",
            "v4.1-3.0.2",
            "_x",
        ] {
            assert!(is_valid_tag(yes), "{yes}");
        }
        for no in ["|version|", ".1", "-rc", "a/b", "{{tag}}", ""] {
            assert!(!is_valid_tag(no), "{no}");
        }
        assert!(!is_valid_tag(&"a".repeat(129)));
    }
}
