//! `image-tag`: an image without a tag (which means `latest`) or with a
//! mutable tag.

use crate::diag::Finding;
use crate::model::Service;
use crate::rules::facts::Image;
use crate::rules::{Context, OptionKind, OptionSpec};

crate::declare_rule! {
    id: "image-tag",
    category: Operability,
    production: Warning,
    development: Info,
    fixable: No,
    summary: "An image without a tag, or with a mutable tag such as `latest`",
    options: [OptionSpec {
        name: "mutable-tags",
        kind: OptionKind::Strings,
        help: "more tags to report as mutable, besides the built-in list (for example `unstable`, `mainline`)",
    }],
    check: check,
}

/// Tags that name whatever was pushed last, compared case-insensitively.
pub const MUTABLE_TAGS: &[&str] = &[
    "latest", "stable", "edge", "nightly", "dev", "beta", "canary", "lts", "main", "master",
];

pub fn is_mutable(tag: &str) -> bool {
    MUTABLE_TAGS.iter().any(|t| t.eq_ignore_ascii_case(tag))
}

/// The parsed image of a service that runs a pulled image: not a `build`
/// service (whose `image` names the image it builds), not an image that
/// another service of the project builds (its `image` or `build.tags`),
/// not an unresolved or invalid reference.
pub fn pulled_image<'a>(cx: &'a Context<'_>, s: &Service) -> Option<&'a Image> {
    if s.build.is_some() {
        return None;
    }
    let img = cx.facts.image(&s.name.value)?;
    let text = s.image.as_ref()?.as_str();
    (!cx.facts.is_built(text)).then_some(img)
}

/// The image as written, without its tag and digest
/// (`quay.io/coreos/etcd`).
pub fn repository_text<'a>(s: &'a Service, img: &Image) -> &'a str {
    let text = s.image.as_ref().map_or("", |i| i.as_str());
    let r = &img.reference;
    let end = r
        .tag_range
        .as_ref()
        .or(r.digest_range.as_ref())
        .map_or(text.len(), |t| t.start.saturating_sub(1));
    text.get(..end).unwrap_or(text)
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let extra = cx.options.strings("mutable-tags").unwrap_or_default();
    let mutable = |tag: &str| is_mutable(tag) || extra.iter().any(|t| t.eq_ignore_ascii_case(tag));
    for s in cx.project.services.values() {
        let Some(img) = pulled_image(cx, s) else {
            continue;
        };
        let r = &img.reference;
        if r.digest.is_some() {
            continue;
        }
        let name = &s.name.value;
        let repo = repository_text(s, img);
        match (&r.tag, img.tag_span) {
            (None, _) => out.push(
                Finding::new(
                    RULE.id,
                    img.span,
                    [
                        "service `",
                        name,
                        "` runs image `",
                        repo,
                        "` without a tag, which means `latest`",
                    ]
                    .concat(),
                )
                .label("no tag")
                .via(img.via)
                .help(
                    [
                        "pin a version (`",
                        repo,
                        ":<version>`), so that every pull runs the same image",
                    ]
                    .concat(),
                ),
            ),
            (Some(tag), Some(span)) if mutable(tag) => out.push(
                Finding::new(
                    RULE.id,
                    span,
                    [
                        "service `",
                        name,
                        "` runs image `",
                        repo,
                        "` with the mutable tag `",
                        tag,
                        "`",
                    ]
                    .concat(),
                )
                .label("moves with every release")
                .via(img.via)
                .help(
                    [
                        "pin a version (`",
                        repo,
                        ":<version>`) instead of `",
                        tag,
                        "`, so that every pull runs the same image",
                    ]
                    .concat(),
                ),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_images() {
        let loaded = crate::load::load_project(
            &[crate::load::Input::text(
                "compose.yaml",
                "services:\n  a:\n    build: .\n    image: app\n  b:\n    build:\n      context: .\n      tags: [\"postgres:17\", \"${X}:1\", \"bad ref\"]\n",
            )],
            &crate::load::Limits::default(),
        )
        .unwrap();
        let p = crate::model::build(loaded);
        let facts = crate::rules::facts::Facts::new(&p);
        assert!(facts.is_built("app:latest"));
        assert!(facts.is_built("docker.io/library/app"));
        assert!(facts.is_built("docker.io/library/postgres:17"));
        assert!(facts.is_built("bad ref"));
        assert!(facts.is_built("${X}:1"));
        assert!(!facts.is_built("app:1"));
        assert!(!facts.is_built("quay.io/app"));
        assert!(!facts.is_built("postgres:16"));
        assert!(is_mutable("LATEST"));
        assert!(is_mutable("Main"));
        assert!(!is_mutable("1.27"));
        assert!(!is_mutable("mainline"));
    }
}
