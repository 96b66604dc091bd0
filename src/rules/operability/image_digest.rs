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
        if r.digest.is_some() || is_mutable(tag) {
            continue;
        }
        let text = format!("{}:{tag}", repository_text(s, img));
        out.push(
            Finding::new(
                RULE.id,
                img.span,
                format!(
                    "service `{}` runs image `{text}`, pinned by tag but not by digest",
                    s.name.value
                ),
            )
            .via(img.via)
            .help(format!(
                "append the digest (`{text}@sha256:...`, from `docker buildx imagetools inspect`): a tag can be pushed again, a digest cannot"
            )),
        );
    }
}
