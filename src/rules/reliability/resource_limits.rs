//! `resource-limits`: a service without a memory limit or without a CPU
//! limit.

use crate::diag::Finding;
use crate::load::Via;
use crate::model::Sp;
use crate::model::syntax::Parsed;
use crate::rules::Context;
use crate::span::Span;

crate::declare_rule! {
    id: "resource-limits",
    category: Reliability,
    production: Warning,
    development: Off,
    fixable: No,
    summary: "A service without a memory limit or a CPU limit",
    check: check,
}

/// What a limit value says.
enum Limit {
    /// Not written.
    None,
    /// Written as `0`, which means no limit.
    Zero,
    /// A limit (or a value other rules judge: malformed, unresolved).
    Set,
}

fn limit<T: PartialEq + Default>(v: Option<&Sp<Parsed<T>>>) -> Limit {
    match v.map(|v| &v.value) {
        None => Limit::None,
        Some(Parsed::Ok(x)) if *x == T::default() => Limit::Zero,
        Some(_) => Limit::Set,
    }
}

/// Whether one of the values sets a limit; the spans of those written as
/// `0` are added to `zeros`.
fn has_limit<T: PartialEq + Default>(
    values: &[Option<&Sp<Parsed<T>>>],
    zeros: &mut Vec<(Span, Option<Via>)>,
) -> bool {
    let mut set = false;
    for v in values.iter().flatten() {
        match limit(Some(*v)) {
            Limit::Set => set = true,
            Limit::Zero => zeros.push((v.span, v.via)),
            Limit::None => {}
        }
    }
    set
}

/// The help naming the limits `$what` to set, a constant text.
macro_rules! help {
    ($what:literal) => {
        concat!(
            "without a limit one container can take the whole host (and the kernel's OOM \
             killer then picks other services); set ",
            $what,
            " under `deploy.resources.limits`, sized for the service (for example \
             `cpus: \"2\"`, `memory: 2G`)"
        )
    };
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        if super::is_fragment(cx, s) {
            continue;
        }
        let limits = s
            .deploy
            .as_ref()
            .and_then(|d| d.resources.as_ref())
            .and_then(|r| r.limits.as_ref());
        let memory = [limits.and_then(|l| l.memory.as_ref()), s.mem_limit.as_ref()];
        let cpus = [limits.and_then(|l| l.cpus.as_ref()), s.cpus.as_ref()];
        let (mut memory_zeros, mut cpu_zeros) = (Vec::new(), Vec::new());
        let has_memory = has_limit(&memory, &mut memory_zeros);
        // `cpu_quota` (with `cpu_period`) and `cpuset` bound CPU use too.
        let has_cpu = has_limit(&cpus, &mut cpu_zeros)
            || matches!(limit(s.cpu_quota.as_ref()), Limit::Set)
            || s.cpuset.is_some();
        let missing = match (has_memory, has_cpu) {
            (true, true) => continue,
            (false, false) => "no memory limit and no CPU limit",
            (false, true) => "no memory limit",
            (true, false) => "no CPU limit",
        };
        // A limit written as `0` is the offending value; otherwise point at
        // the nearest existing ancestor of `deploy.resources.limits`.
        let mut zeros: Vec<(Span, Option<Via>)> = Vec::new();
        if !has_memory {
            zeros.extend(memory_zeros);
        }
        if !has_cpu {
            zeros.extend(cpu_zeros);
        }
        let body = cx.project.raw_service(s);
        let (span, via) = zeros.first().copied().unwrap_or_else(|| {
            body.and_then(|b| super::nearest_key(b, &["deploy", "resources", "limits"]))
                .unwrap_or((s.name.span, s.name.via))
        });
        let mut f = Finding::new(
            RULE.id,
            span,
            ["service `", &s.name.value, "` has ", missing].concat(),
        )
        .via(via);
        for (z, _) in &zeros {
            if *z == span {
                f = f.label("`0` means no limit");
            } else {
                f = f.related(*z, "`0` means no limit");
            }
        }
        if let Some(r) = s
            .deploy
            .as_ref()
            .and_then(|d| d.resources.as_ref())
            .and_then(|r| r.reservations.as_ref())
        {
            f = f.related(r.key, "reservations are not limits");
        }
        let help = match (has_memory, has_cpu) {
            (false, false) => help!("`memory` and `cpus`"),
            (false, true) => help!("`memory`"),
            _ => help!("`cpus`"),
        };
        out.push(f.help(help));
    }
}
