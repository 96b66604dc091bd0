//! `resource-invalid`: memory and CPU values Compose cannot read, and
//! resource settings that Compose or the Docker Engine refuses: a
//! reservation above its limit, legacy keys (`cpus`, `mem_limit`, ...) that
//! disagree with `deploy`, a negative `scale`, a memory limit below the
//! Engine's minimum.
//!
//! Byte values follow docker/go-units v0.5.0 `RAMInBytes`, which Docker
//! Compose uses: `512m`, `1.5g`, `512 m`, `10GiB` are read, the
//! Kubernetes-style `10Gi` is not. A value of `0` means "no limit".

use crate::diag::Finding;
use crate::model::syntax::Parsed;
use crate::model::{ResourceSpec, Service, Sp};
use crate::rules::Context;

use super::AlreadyReported;

crate::declare_rule! {
    id: "resource-invalid",
    category: Correctness,
    production: Error,
    development: Error,
    fixable: No,
    summary: "A memory or CPU value Compose cannot read, a reservation above its limit, or legacy keys that disagree with deploy",
    check: check,
}

/// The Engine's smallest memory limit (moby `linuxMinMemory`, "Minimum
/// memory limit allowed is 6MB").
const MIN_MEMORY_LIMIT: u64 = 6 * 1024 * 1024;

const BYTES_HELP: &str = "write a number of bytes with an optional unit `b`, `k`, `m`, `g`, `t` or `p` (optionally followed by `b` or `ib`): `512m`, `1.5g`, `2GiB`; all units are powers of 1024";
const CPUS_HELP: &str =
    "write a number of CPUs as a decimal number: `0.5` for half a CPU, `2` for two";

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let reported = AlreadyReported::new(cx.project);
    for s in cx.project.services.values() {
        check_service(s, &reported, out);
    }
}

fn limits(s: &Service) -> Option<&ResourceSpec> {
    s.deploy.as_ref()?.resources.as_ref()?.limits.as_ref()
}

fn reservations(s: &Service) -> Option<&ResourceSpec> {
    s.deploy.as_ref()?.resources.as_ref()?.reservations.as_ref()
}

fn check_service(s: &Service, reported: &AlreadyReported, out: &mut Vec<Finding>) {
    let name = s.name.as_str();
    let lim = limits(s);
    let res = reservations(s);
    let limit_memory = lim.and_then(|l| l.memory.as_ref());
    let reserved_memory = res.and_then(|r| r.memory.as_ref());
    let limit_cpus = lim.and_then(|l| l.cpus.as_ref());
    let reserved_cpus = res.and_then(|r| r.cpus.as_ref());

    // Values that do not parse.
    for (key, value) in [
        ("deploy.resources.limits.memory", limit_memory),
        ("deploy.resources.reservations.memory", reserved_memory),
        ("mem_limit", s.mem_limit.as_ref()),
        ("mem_reservation", s.mem_reservation.as_ref()),
        ("memswap_limit", s.memswap_limit.as_ref()),
        ("shm_size", s.shm_size.as_ref()),
    ] {
        if let Some(v) = value
            && !reported.contains(v.span)
        {
            unreadable(name, key, v, "a byte value", BYTES_HELP, out);
        }
    }
    for (key, value) in [
        ("deploy.resources.limits.cpus", limit_cpus),
        ("deploy.resources.reservations.cpus", reserved_cpus),
        ("cpus", s.cpus.as_ref()),
    ] {
        if let Some(v) = value
            && !reported.contains(v.span)
        {
            unreadable(name, key, v, "a number of CPUs", CPUS_HELP, out);
        }
    }

    // Legacy keys against `deploy`: equal values are fine; compose-go
    // ignores a legacy value of 0 (unset), except for `scale`.
    let memory_pairs = [
        (
            "mem_limit",
            s.mem_limit.as_ref(),
            "deploy.resources.limits.memory",
            limit_memory,
        ),
        (
            "mem_reservation",
            s.mem_reservation.as_ref(),
            "deploy.resources.reservations.memory",
            reserved_memory,
        ),
    ];
    for (legacy_key, legacy, key, value) in memory_pairs {
        if let (Some(a), Some(b)) = (legacy, value)
            && let (Some(x), Some(y)) = (a.ok(), b.ok())
            && x != 0
            && x != y
        {
            out.push(distinct(name, legacy_key, a, &bytes(x), key, b, &bytes(y)));
        }
    }
    if let (Some(a), Some(b)) = (&s.cpus, limit_cpus)
        && let (Some(x), Some(y)) = (a.ok(), b.ok())
        && x != 0.0
        && (x as f32) != (y as f32)
    {
        out.push(distinct(
            name,
            "cpus",
            a,
            &x.to_string(),
            "deploy.resources.limits.cpus",
            b,
            &y.to_string(),
        ));
    }
    if let (Some(a), Some(b)) = (&s.pids_limit, lim.and_then(|l| l.pids.as_ref()))
        && let (Some(x), Some(y)) = (a.ok(), b.ok())
        && x != 0
        && x != y
    {
        out.push(distinct(
            name,
            "pids_limit",
            a,
            &x.to_string(),
            "deploy.resources.limits.pids",
            b,
            &y.to_string(),
        ));
    }
    let replicas = s.deploy.as_ref().and_then(|d| d.replicas.as_ref());
    if let (Some(a), Some(b)) = (&s.scale, replicas)
        && let (Some(x), Some(y)) = (a.ok(), b.ok())
        && x != y
    {
        out.push(distinct(
            name,
            "scale",
            a,
            &x.to_string(),
            "deploy.replicas",
            b,
            &y.to_string(),
        ));
    }

    // Negative counts.
    for (key, value) in [("scale", s.scale.as_ref()), ("deploy.replicas", replicas)] {
        if let Some(v) = value
            && let Some(n) = v.ok()
            && n < 0
        {
            out.push(
                Finding::new(
                    RULE.id,
                    v.span,
                    format!("`{key}` of service `{name}` must be at least 0, found {n}"),
                )
                .via(v.via)
                .help("write the number of containers to run; `0` runs none"),
            );
        }
    }

    // The effective values: `deploy` first, as Compose uses it.
    let memory_limit = limit_memory
        .filter(|v| v.ok().is_some())
        .or(s.mem_limit.as_ref().filter(|v| v.ok().is_some()));
    let memory_reservation = reserved_memory
        .filter(|v| v.ok().is_some())
        .or(s.mem_reservation.as_ref().filter(|v| v.ok().is_some()));
    let cpu_limit = limit_cpus
        .filter(|v| v.ok().is_some())
        .or(s.cpus.as_ref().filter(|v| v.ok().is_some()));

    // Memory limits below the Engine's minimum, for each value written.
    for (key, value) in [
        ("deploy.resources.limits.memory", limit_memory),
        ("mem_limit", s.mem_limit.as_ref()),
    ] {
        if let Some(v) = value
            && let Some(n) = v.ok()
            && n != 0
            && n < MIN_MEMORY_LIMIT
        {
            out.push(
                Finding::new(
                    RULE.id,
                    v.span,
                    format!(
                        "`{key}` of service `{name}` is {}, below the Docker Engine's minimum memory limit of 6 MiB",
                        bytes(n)
                    ),
                )
                .via(v.via)
                .help("use at least `6m`; Docker refuses the container with \"Minimum memory limit allowed is 6MB\" (check the unit: a bare number is bytes)"),
            );
        }
    }

    // Reservations above limits.
    if let (Some(l), Some(r)) = (memory_limit, memory_reservation)
        && let (Some(lv), Some(rv)) = (l.ok(), r.ok())
        && lv != 0
        && rv > lv
    {
        out.push(
            Finding::new(
                RULE.id,
                r.span,
                format!(
                    "the memory reservation of service `{name}` ({}) is above its memory limit ({})",
                    bytes(rv),
                    bytes(lv)
                ),
            )
            .via(r.via)
            .related(l.span, "the limit is set here")
            .help("a reservation is the memory guaranteed to the container and must not exceed the limit; Docker refuses the container (\"Minimum memory limit can not be less than memory reservation limit\")"),
        );
    }
    if let (Some(l), Some(r)) = (cpu_limit, reserved_cpus)
        && let (Some(lv), Some(rv)) = (l.ok(), r.ok())
        && lv != 0.0
        && rv > lv
    {
        out.push(
            Finding::new(
                RULE.id,
                r.span,
                format!(
                    "the CPU reservation of service `{name}` ({rv}) is above its CPU limit ({lv})"
                ),
            )
            .via(r.via)
            .related(l.span, "the limit is set here")
            .help("reserve at most as many CPUs as the limit allows"),
        );
    }

    // Swap limit below the memory limit.
    if let (Some(l), Some(sw)) = (memory_limit, s.memswap_limit.as_ref())
        && let (Some(lv), Some(sv)) = (l.ok(), sw.ok())
        && lv != 0
        && sv != 0
        && sv < lv
    {
        out.push(
            Finding::new(
                RULE.id,
                sw.span,
                format!(
                    "`memswap_limit` of service `{name}` ({}) is below its memory limit ({}); it is memory plus swap, not swap alone",
                    bytes(sv),
                    bytes(lv)
                ),
            )
            .via(sw.via)
            .related(l.span, "the memory limit is set here")
            .help("set `memswap_limit` to the memory limit plus the swap allowed (equal to the limit for no swap, -1 for unlimited swap); Docker refuses the container (\"Minimum memoryswap limit should be larger than memory limit\")"),
        );
    }
}

fn unreadable<T>(
    service: &str,
    key: &str,
    v: &Sp<Parsed<T>>,
    what: &str,
    help: &'static str,
    out: &mut Vec<Finding>,
) {
    if let Parsed::Err(e) = &v.value {
        out.push(
            Finding::new(
                RULE.id,
                v.span,
                format!(
                    "`{key}` of service `{service}` is not {what} Compose can read: {}",
                    e.message
                ),
            )
            .via(v.via)
            .help(help),
        );
    }
}

fn distinct<A, B>(
    service: &str,
    legacy_key: &str,
    legacy: &Sp<A>,
    legacy_shown: &str,
    key: &str,
    value: &Sp<B>,
    shown: &str,
) -> Finding {
    Finding::new(
        RULE.id,
        legacy.span,
        format!(
            "service `{service}` sets `{legacy_key}` ({legacy_shown}) and `{key}` ({shown}) to different values"
        ),
    )
    .via(legacy.via)
    .related(value.span, format!("`{key}` set here"))
    .help(format!(
        "keep one of them (or make them equal); Compose fails with \"can't set distinct values on '{legacy_key}' and '{key}'\""
    ))
}

/// A byte count for messages, in the largest binary unit that shows it
/// exactly with at most two decimals: `512 MiB`, `1.5 GiB`, `8193 MiB`,
/// `1000 bytes`.
fn bytes(n: u64) -> String {
    const UNITS: [(&str, u32); 5] = [
        ("PiB", 50),
        ("TiB", 40),
        ("GiB", 30),
        ("MiB", 20),
        ("KiB", 10),
    ];
    for (name, shift) in UNITS {
        let unit = 1u128 << shift;
        let hundredths = u128::from(n) * 100;
        if u128::from(n) >= unit && hundredths % unit == 0 {
            let value = hundredths / unit;
            let (whole, frac) = (value / 100, value % 100);
            return match frac {
                0 => format!("{whole} {name}"),
                f if f % 10 == 0 => format!("{whole}.{} {name}", f / 10),
                f => format!("{whole}.{f:02} {name}"),
            };
        }
    }
    format!("{n} bytes")
}

#[cfg(test)]
mod tests {
    use super::bytes;

    #[test]
    fn byte_counts_read_well() {
        assert_eq!(bytes(100), "100 bytes");
        assert_eq!(bytes(4 * 1024 * 1024), "4 MiB");
        assert_eq!(bytes(3 * 1024 * 1024 * 1024 / 2), "1.5 GiB");
        assert_eq!(bytes(8 * 1024 * 1024 * 1024), "8 GiB");
        assert_eq!(bytes(8193 * 1024 * 1024), "8193 MiB");
        assert_eq!(bytes(1000), "1000 bytes");
        assert_eq!(bytes(5 * 1024 * 1024 / 4), "1.25 MiB");
    }
}
