//! `devices`: a `devices` entry gives the container a host block device or
//! the host's memory or I/O ports, or a `device_cgroup_rules` entry lets it
//! use every device (type `a`) or every block device (`b *:*`). GPUs and
//! other character devices (`/dev/fuse`, `/dev/net/tun`, `/dev/dri`) are
//! not reported.

use crate::diag::Finding;
use crate::model::State;
use crate::model::syntax::devices::is_cdi_name;
use crate::rules::Context;

crate::declare_rule! {
    id: "devices",
    category: Security,
    production: Error,
    development: Warning,
    fixable: No,
    summary: "A service gets host block devices, host memory or every device",
    check: check,
}

/// Name prefixes of block devices under `/dev/` (disks, partitions, device
/// mapper, loop and RAID devices), and directories of links to them.
pub const BLOCK_DEVICE_PREFIXES: &[&str] = &[
    "sd", "hd", "vd", "xvd", "nvme", "mmcblk", "dm-", "loop", "md", "disk/", "mapper/",
];

/// Character devices that expose the host's memory or I/O ports.
pub const MEMORY_DEVICES: &[&str] = &["/dev/mem", "/dev/kmem", "/dev/port"];

/// What a host device gives the container, when it is reported.
pub fn dangerous_device(path: &str) -> Option<&'static str> {
    let clean = super::clean_path(path);
    if MEMORY_DEVICES.contains(&clean.as_str()) {
        return Some("raw access to the host's memory or I/O ports");
    }
    let name = clean.strip_prefix("/dev/")?;
    BLOCK_DEVICE_PREFIXES
        .iter()
        .any(|p| name.starts_with(p))
        .then_some("a host block device: it reads and writes the disk below every filesystem and permission check")
}

/// What a `device_cgroup_rules` entry opens, when it is reported: type `a`
/// (every device) or `b *:*` (every block device).
pub fn dangerous_rule(rule: &str) -> Option<&'static str> {
    let mut parts = rule.split_whitespace();
    let kind = parts.next()?;
    let numbers = parts.next().unwrap_or("*:*");
    match kind {
        "a" => Some("every device of the host"),
        "b" if numbers == "*:*" => Some("every block device of the host"),
        _ => None,
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        let name = &s.name.value;
        for d in &s.devices {
            if d.state != State::Ok {
                continue;
            }
            let Some(host) = &d.host else { continue };
            if is_cdi_name(&host.value) {
                continue;
            }
            let Some(what) = dangerous_device(&host.value) else {
                continue;
            };
            out.push(
                Finding::new(
                    RULE.id,
                    host.span,
                    format!("service `{name}` gets device `{}`, {what}", host.value),
                )
                .via(host.via)
                .help("give the service storage through a volume instead of the raw device; if it must manage disks, run it on a host dedicated to it and say why in a comment"),
            );
        }
        for r in &s.device_cgroup_rules {
            let Some(what) = dangerous_rule(&r.value) else {
                continue;
            };
            out.push(
                Finding::new(
                    RULE.id,
                    r.span,
                    format!(
                        "service `{name}` may create and use {what} (`device_cgroup_rules: {}`)",
                        r.value
                    ),
                )
                .via(r.via)
                .help("allow only the devices the service needs, by type and major number (for example `c 189:* rmw` for USB devices)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_and_memory_devices() {
        for p in [
            "/dev/sda",
            "/dev/sdb1",
            "/dev/hda",
            "/dev/vda",
            "/dev/xvda",
            "/dev/nvme0n1",
            "/dev/mmcblk0p1",
            "/dev/dm-0",
            "/dev/loop0",
            "/dev/md0",
            "/dev/disk/by-id/ata-x",
            "/dev/mapper/vg-root",
            "/dev/mem",
            "/dev/kmem",
            "/dev/port",
        ] {
            assert!(dangerous_device(p).is_some(), "{p}");
        }
        for p in [
            "/dev/fuse",
            "/dev/net/tun",
            "/dev/dri",
            "/dev/dri/renderD128",
            "/dev/snd",
            "/dev/ttyUSB0",
            "/dev/nvidia0",
            "/dev/kvm",
            "/dev/memory_bandwidth",
            "/srv/sda",
        ] {
            assert!(dangerous_device(p).is_none(), "{p}");
        }
    }

    #[test]
    fn cgroup_rules() {
        assert!(dangerous_rule("a *:* rwm").is_some());
        assert!(dangerous_rule("a").is_some());
        assert!(dangerous_rule("b *:* rwm").is_some());
        assert!(dangerous_rule("b 8:* rwm").is_none());
        assert!(dangerous_rule("c *:* rwm").is_none());
        assert!(dangerous_rule("c 189:* rmw").is_none());
    }
}
