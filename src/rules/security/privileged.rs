//! `privileged`: `privileged: true` on a service, or `build.privileged:
//! true`. YAML 1.1 spellings Compose accepts (`yes`, `on`, `y`) count; the
//! merged value is judged, so an override setting it back to `false` clears
//! the finding.

use crate::diag::{Edit, Finding, Fix};
use crate::model::Sp;
use crate::model::syntax::Parsed;
use crate::rules::Context;

crate::declare_rule! {
    id: "privileged",
    category: Security,
    production: Error,
    development: Warning,
    fixable: Unsafe,
    summary: "A service or its build runs privileged",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        let name = &s.name.value;
        if let Some(p) = enabled(&s.privileged) {
            out.push(finding(
                cx,
                p,
                format!(
                    "service `{name}` runs privileged: it gets every capability and all host devices, and no seccomp or AppArmor confinement"
                ),
                "remove `privileged: true` and grant only what the service needs (`cap_add`, `devices`)",
            ));
        }
        if let Some(b) = &s.build
            && let Some(p) = enabled(&b.privileged)
        {
            out.push(finding(
                cx,
                p,
                format!("the build of service `{name}` runs privileged steps (`build.privileged: true`)"),
                "remove `build.privileged`; a build step that needs more rights should get exactly those (for example `RUN --security=insecure` with an entitlement)",
            ));
        }
    }
}

fn enabled(v: &Option<Sp<Parsed<bool>>>) -> Option<&Sp<Parsed<bool>>> {
    v.as_ref().filter(|p| matches!(p.value, Parsed::Ok(true)))
}

fn finding(cx: &Context<'_>, p: &Sp<Parsed<bool>>, message: String, help: &'static str) -> Finding {
    let fix = cx.fix(|| {
        (!super::is_shared(p.via)).then(|| {
            Fix::unsafe_(
                "set it to `false`",
                vec![Edit {
                    span: p.span,
                    replacement: "false".to_string(),
                }],
            )
        })
    });
    Finding::new(RULE.id, p.span, message)
        .via(p.via)
        .help(help)
        .fix(fix)
}
