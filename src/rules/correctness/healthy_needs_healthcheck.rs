//! `healthy-needs-healthcheck`: `condition: service_healthy` on a service
//! that has no effective healthcheck, which `docker compose up` rejects
//! when it starts waiting (`container ... has no healthcheck configured`).

use crate::diag::{Finding, Severity};
use crate::model::syntax::Parsed;
use crate::rules::Context;
use crate::rules::facts::Health;

use super::{all_definitions_visible, replica_count};

crate::declare_rule! {
    id: "healthy-needs-healthcheck",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "condition: service_healthy on a service that has no healthcheck",
    check: check,
}

/// Images whose own Dockerfile declares a `HEALTHCHECK`, by repository path
/// (registry host, tag and digest ignored, as in the image knowledge base).
/// A service running one of them needs no `healthcheck` in the Compose file
/// for `service_healthy` to work. Only images checked against their
/// Dockerfile belong here.
pub const IMAGES_WITH_HEALTHCHECK: &[&str] = &[];

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let project = cx.project;
    // In an overlay, the target's healthcheck may be in the base file.
    if !all_definitions_visible(project) {
        return;
    }
    for s in project.services.values() {
        let name = &s.name.value;
        for d in &s.depends_on {
            let Some(condition) = &d.condition else {
                continue;
            };
            if condition.as_str() != "service_healthy" {
                continue;
            }
            let target = d.service.as_str();
            let Some(t) = project.services.get(target) else {
                continue; // depends-on-undefined
            };
            // Compose does not wait for a service scaled to zero; a service
            // that `extends` another may inherit its healthcheck.
            if replica_count(t).is_some_and(|r| r.count == 0) || t.extends.is_some() {
                continue;
            }
            let image_has_check = || {
                cx.facts
                    .image(target)
                    .is_some_and(|i| IMAGES_WITH_HEALTHCHECK.contains(&i.reference.repository()))
            };
            let mut f = match cx.facts.health(t) {
                Health::Check(_) => continue,
                Health::Disabled(h) => {
                    let mut f = Finding::new(
                        RULE.id,
                        condition.span,
                        format!(
                            "service `{name}` waits for `{target}` to be healthy, but the healthcheck of `{target}` is disabled"
                        ),
                    );
                    match &h.disable {
                        Some(disable) if matches!(disable.value, Parsed::Ok(true)) => {
                            f = f.related(disable.span, "disabled here").via(disable.via);
                        }
                        _ => {
                            if let Some(test) = &h.test {
                                f = f.related(test.span, "disabled here").via(test.via);
                            }
                        }
                    }
                    f
                }
                Health::Incomplete(h) => {
                    if image_has_check() {
                        continue;
                    }
                    Finding::new(
                        RULE.id,
                        condition.span,
                        format!(
                            "service `{name}` waits for `{target}` to be healthy, but the `healthcheck` of `{target}` has no `test`"
                        ),
                    )
                    .related(h.key, "this `healthcheck` sets no `test`")
                    .via(h.via)
                }
                Health::Missing => {
                    if image_has_check() {
                        continue;
                    }
                    let f = Finding::new(
                        RULE.id,
                        condition.span,
                        format!(
                            "service `{name}` waits for `{target}` to be healthy, but `{target}` has no healthcheck"
                        ),
                    );
                    // A later file may have removed it.
                    let reset = format!("services.{target}.healthcheck");
                    match project.resets.iter().find(|(p, _)| *p == reset) {
                        Some((_, span)) => {
                            f.related(*span, "the healthcheck is removed here (`!reset`)")
                        }
                        None => f,
                    }
                }
            };
            f = f
                .via(condition.via)
                .related(t.name.span, format!("service `{target}` is defined here"));
            let example = cx
                .facts
                .image_facts(target)
                .and_then(|i| i.healthcheck_yaml())
                .map(|t| format!(" such as `test: {t}`"))
                .unwrap_or_default();
            let disabled = matches!(cx.facts.health(t), Health::Disabled(_));
            let fix_it = if disabled {
                format!(
                    "enable the healthcheck of `{target}`: drop `disable: true` or `test: [\"NONE\"]` and give it a `test`{example}"
                )
            } else {
                format!("give `{target}` a `healthcheck` with a `test`{example}")
            };
            f = f.help(format!(
                "{fix_it}, or wait with `condition: service_started`; `docker compose up` fails with \"container ... has no healthcheck configured\""
            ));
            // A locally built image may declare a HEALTHCHECK in its
            // Dockerfile, which the linter does not read.
            let built = t.build.is_some() && !disabled;
            if built {
                f.message.push_str(" in the Compose file");
            }
            if built && d.is_required() {
                f = f.severity(Severity::Warning.min(cx.severity())).help(format!(
                    "`{target}` is built from a Dockerfile: unless it declares a `HEALTHCHECK`, `docker compose up` fails with \"container ... has no healthcheck configured\"; {fix_it}, or wait with `condition: service_started`"
                ));
            }
            if !d.is_required() {
                f = f.severity(Severity::Warning.min(cx.severity())).help(format!(
                    "the dependency is `required: false`, so Compose only warns and starts `{name}` without waiting; {fix_it}, or wait with `condition: service_started`"
                ));
            }
            out.push(f);
        }
    }
}
