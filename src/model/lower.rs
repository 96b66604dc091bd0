//! Lowering the effective [`Value`] into the typed model.
//!
//! Lowering is lenient: a value of the wrong type is left out (the schema
//! validation reports it), and short syntax that does not parse is kept with
//! its error for the rule that judges it.

use std::time::Duration;

use crate::load::{Entry, Map, Origin, ScalarType, Value, ValueKind, Via};
use crate::model::syntax::{self, Parsed, devices, hosts, ports, units, volumes};
use crate::model::types::*;
use crate::model::words;
use crate::span::Span;
use crate::util::{find_byte, has_interpolation};

/// A non-null scalar as text.
pub fn sp_str(v: &Value) -> Option<Sp<String>> {
    match &v.kind {
        ValueKind::Scalar(s) if s.ty != ScalarType::Null => {
            Some(Sp::new(String::from(&*s.text), v.span, v.via).with_origin(s.origin.clone()))
        }
        _ => None,
    }
}

/// A part of a scalar's text, as a string with its own span.
fn sub_str(v: &Value, range: std::ops::Range<usize>, text: &str) -> Sp<String> {
    let origin = shift(&v.origin(), range.clone());
    Sp::new(text.to_string(), v.subspan(range), v.via).with_origin(origin)
}

/// The origin of the substring at `range` of a text: only the pieces it
/// meets (a command of 20,000 lines has as many words, and giving each the
/// pieces of the rest of the text was quadratic).
fn shift(origin: &Origin, range: std::ops::Range<usize>) -> Origin {
    match origin {
        Origin::Exact(s) => Origin::Exact(s + range.start as u32),
        Origin::Whole => Origin::Whole,
        Origin::Pieces(pieces) => {
            let start = range.start as u32;
            let shifted: Vec<_> = crate::load::Piece::touching(pieces, start, range.end as u32)
                .iter()
                .map(|p| crate::load::Piece {
                    text: p.text.start.saturating_sub(start)..p.text.end.saturating_sub(start),
                    source: if p.verbatim && p.text.start < start {
                        p.source.start + (start - p.text.start)..p.source.end
                    } else {
                        p.source.clone()
                    },
                    verbatim: p.verbatim,
                })
                .collect();
            Origin::Pieces(shifted.into())
        }
    }
}

fn parsed<T>(v: &Value, f: impl FnOnce(&str) -> Parsed<T>) -> Option<Sp<Parsed<T>>> {
    let s = v.as_scalar()?;
    if s.ty == ScalarType::Null {
        return None;
    }
    let p = if has_interpolation(&s.text) {
        Parsed::Unresolved
    } else {
        f(&s.text)
    };
    Some(Sp::new(p, v.span, v.via))
}

pub fn sp_bool(v: &Value) -> Option<Sp<Parsed<bool>>> {
    parsed(v, |t| match t.to_ascii_lowercase().as_str() {
        "true" | "y" | "yes" | "on" => Parsed::Ok(true),
        "false" | "n" | "no" | "off" => Parsed::Ok(false),
        _ => Parsed::Err(syntax::SyntaxError {
            message: format!("invalid boolean `{t}`: use `true` or `false`"),
            range: 0..t.len(),
        }),
    })
}

pub fn sp_int(v: &Value) -> Option<Sp<Parsed<i64>>> {
    parsed(v, |t| match t.parse::<i64>() {
        Ok(i) => Parsed::Ok(i),
        Err(_) => Parsed::Err(syntax::SyntaxError {
            message: format!("`{t}` is not an integer"),
            range: 0..t.len(),
        }),
    })
}

pub fn sp_bytes(v: &Value) -> Option<Sp<Parsed<u64>>> {
    parsed(v, units::parse_bytes)
}

pub fn sp_cpus(v: &Value) -> Option<Sp<Parsed<f64>>> {
    parsed(v, units::parse_cpus)
}

pub fn sp_duration(v: &Value) -> Option<Sp<Parsed<Duration>>> {
    parsed(v, units::parse_duration)
}

/// A string or a list of strings.
pub fn strings(v: &Value) -> Vec<Sp<String>> {
    match &v.kind {
        ValueKind::Seq(items) => filter_items(items, sp_str),
        _ => sp_str(v).into_iter().collect(),
    }
}

/// A mapping or a `KEY=value` list.
pub fn key_values(v: &Value) -> Vec<KeyValue> {
    match &v.kind {
        ValueKind::Map(m) => m
            .entries
            .iter()
            .map(|e| KeyValue {
                key: Sp::new(String::from(&*e.key.text), e.key.span, e.key.via),
                value: sp_str(&e.value),
                span: if e.value.is_null() {
                    e.key.span
                } else {
                    e.key.span.to(e.value.span)
                },
                via: e.key.via,
                list_form: false,
            })
            .collect(),
        ValueKind::Seq(items) => filter_items(items, |item| {
            let text = item.as_str()?;
            let (key, value) = match find_byte(text.as_bytes(), b'=') {
                Some(i) => (
                    sub_str(item, 0..i, &text[..i]),
                    Some(sub_str(item, i + 1..text.len(), &text[i + 1..])),
                ),
                None => (sub_str(item, 0..text.len(), text), None),
            };
            Some(KeyValue {
                key,
                value,
                span: item.span,
                via: item.via,
                list_form: true,
            })
        }),
        _ => Vec::new(),
    }
}

fn key_span(e: &Entry) -> Span {
    e.key.span
}

/// The `state` of a parse error at a range of a scalar.
fn invalid(v: &Value, e: &syntax::SyntaxError) -> State {
    let span = v.subspan(e.range.clone());
    State::Invalid {
        span,
        message: e.message.clone(),
    }
}

fn command(e: &Entry) -> Option<Command> {
    let v = &e.value;
    match &v.kind {
        ValueKind::Scalar(s) if s.ty != ScalarType::Null => {
            let args = words::split(&s.text)
                .into_iter()
                .map(|(w, r)| {
                    let verbatim = s.text.get(r.clone()) == Some(w.as_str());
                    // A word in quotes without escapes: `"a b"` is `a b`.
                    let quoted = r.len() >= 2
                        && s.text.get(r.start + 1..r.end - 1) == Some(w.as_str())
                        && matches!(s.text.as_bytes()[r.start], b'"' | b'\'')
                        && s.text.as_bytes()[r.end - 1] == s.text.as_bytes()[r.start];
                    let sp = Sp::new(w, v.subspan(r.clone()), v.via);
                    if verbatim {
                        sp.with_origin(shift(&s.origin, r.clone()))
                    } else if quoted {
                        sp.with_origin(shift(&s.origin, r.start + 1..r.end - 1))
                    } else {
                        sp
                    }
                })
                .collect();
            Some(Command {
                key: key_span(e),
                span: v.span,
                via: v.via,
                shell_form: true,
                args,
            })
        }
        ValueKind::Seq(items) => Some(Command {
            key: key_span(e),
            span: v.span,
            via: v.via,
            shell_form: false,
            args: filter_items(items, sp_str),
        }),
        _ => None,
    }
}

fn health_test(v: &Value) -> Option<HealthTest> {
    match &v.kind {
        ValueKind::Scalar(s) if s.ty != ScalarType::Null => Some(HealthTest {
            span: v.span,
            via: v.via,
            shell_form: true,
            args: vec![
                Sp::new(String::from(&*s.text), v.span, v.via).with_origin(s.origin.clone()),
            ],
        }),
        ValueKind::Seq(items) => Some(HealthTest {
            span: v.span,
            via: v.via,
            shell_form: false,
            args: filter_items(items, sp_str),
        }),
        _ => None,
    }
}

fn healthcheck(e: &Entry) -> Option<Healthcheck> {
    let m = e.value.as_map()?;
    let mut h = Healthcheck {
        key: key_span(e),
        span: e.value.span,
        via: e.value.via.or(e.key.via),
        test: None,
        interval: None,
        timeout: None,
        start_period: None,
        start_interval: None,
        retries: None,
        disable: None,
    };
    for e in &m.entries {
        let v = &e.value;
        match &*e.key.text {
            "test" => h.test = health_test(v),
            "interval" => h.interval = sp_duration(v),
            "timeout" => h.timeout = sp_duration(v),
            "start_period" => h.start_period = sp_duration(v),
            "start_interval" => h.start_interval = sp_duration(v),
            "retries" => h.retries = sp_int(v),
            "disable" => h.disable = sp_bool(v),
            _ => {}
        }
    }
    Some(h)
}

fn dependencies(v: &Value) -> Vec<Dependency> {
    match &v.kind {
        ValueKind::Seq(items) => filter_items(items, |item| {
            Some(Dependency {
                service: sp_str(item)?,
                span: item.span,
                short: true,
                condition: None,
                required: None,
                restart: None,
            })
        }),
        ValueKind::Map(m) => m
            .entries
            .iter()
            .map(|e| {
                // A list item that merging with a mapping turned into an
                // entry: key and value both sit on the item.
                let from_list = e.key.span == e.value.span;
                let mut d = Dependency {
                    service: Sp::new(String::from(&*e.key.text), e.key.span, e.key.via),
                    span: e.key.span.to(e.value.span),
                    short: from_list,
                    condition: None,
                    required: None,
                    restart: None,
                };
                if from_list {
                    return d;
                }
                if let Some(m) = e.value.as_map() {
                    d.condition = m.get("condition").and_then(sp_str);
                    d.required = m.get("required").and_then(sp_bool);
                    d.restart = m.get("restart").and_then(sp_bool);
                }
                d
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn port_range(v: &Value) -> Option<Sp<Parsed<ports::PortRange>>> {
    parsed(v, ports::parse_port_number)
}

fn port(item: &Value) -> Port {
    let mut p = Port {
        span: item.span,
        via: item.via,
        long: false,
        host_ip: None,
        published: None,
        target: None,
        protocol: ports::Protocol::Tcp,
        protocol_span: None,
        mode: None,
        name: None,
        state: State::Ok,
    };
    match &item.kind {
        ValueKind::Map(m) => {
            p.long = true;
            let mut problems: Vec<State> = Vec::new();
            for e in &m.entries {
                let v = &e.value;
                match &*e.key.text {
                    "target" => match port_range(v) {
                        Some(Sp {
                            value: Parsed::Ok(r),
                            span,
                            via,
                            ..
                        }) => p.target = Some(Sp::new(r, span, via)),
                        Some(Sp {
                            value: Parsed::Err(err),
                            ..
                        }) => problems.push(invalid(v, &err)),
                        Some(Sp {
                            value: Parsed::Unresolved,
                            ..
                        }) => problems.push(State::Unresolved),
                        None => {}
                    },
                    "published" => match port_range(v) {
                        Some(Sp {
                            value: Parsed::Ok(r),
                            span,
                            via,
                            ..
                        }) => p.published = Some(Sp::new(r, span, via)),
                        Some(Sp {
                            value: Parsed::Err(err),
                            ..
                        }) => problems.push(invalid(v, &err)),
                        Some(Sp {
                            value: Parsed::Unresolved,
                            ..
                        }) => problems.push(State::Unresolved),
                        None => {}
                    },
                    "host_ip" => {
                        if let Some(ip) = sp_str(v) {
                            if has_interpolation(&ip.value) {
                                problems.push(State::Unresolved);
                            } else if ports::parse_ip(&ip.value).is_none() {
                                problems.push(State::Invalid {
                                    span: ip.span,
                                    message: format!("Invalid ip address: {}", ip.value),
                                });
                            }
                            p.host_ip = Some(ip);
                        }
                    }
                    "protocol" => {
                        if let Some(proto) = sp_str(v) {
                            match proto.value.to_ascii_lowercase().as_str() {
                                "tcp" => p.protocol = ports::Protocol::Tcp,
                                "udp" => p.protocol = ports::Protocol::Udp,
                                "sctp" => p.protocol = ports::Protocol::Sctp,
                                _ if has_interpolation(&proto.value) => {
                                    problems.push(State::Unresolved)
                                }
                                _ => problems.push(State::Invalid {
                                    span: proto.span,
                                    message: format!(
                                        "Invalid proto: {}: use `tcp`, `udp` or `sctp`",
                                        proto.value
                                    ),
                                }),
                            }
                            p.protocol_span = Some(proto.span);
                        }
                    }
                    "mode" => p.mode = sp_str(v),
                    "name" => p.name = sp_str(v),
                    _ => {}
                }
            }
            if p.target.is_none() && !problems.iter().any(|s| *s != State::Ok) {
                problems.push(State::Invalid {
                    span: item.span,
                    message: "the port has no `target` (the port inside the container)".to_string(),
                });
            }
            p.state = problems
                .iter()
                .find(|s| matches!(s, State::Invalid { .. }))
                .or_else(|| problems.first())
                .cloned()
                .unwrap_or(State::Ok);
        }
        ValueKind::Scalar(s) if s.ty != ScalarType::Null => {
            let text = &s.text;
            match ports::parse_port(text) {
                Parsed::Ok(spec) => {
                    p.host_ip = spec.host_ip.map(|ip| {
                        Sp::new(
                            ip,
                            item.subspan(spec.host_ip_range.clone().unwrap_or(0..0)),
                            item.via,
                        )
                    });
                    p.published = spec.published.map(|r| {
                        Sp::new(
                            r,
                            item.subspan(spec.published_range.clone().unwrap_or(0..0)),
                            item.via,
                        )
                    });
                    p.target = Some(Sp::new(
                        spec.target,
                        item.subspan(spec.target_range.clone()),
                        item.via,
                    ));
                    p.protocol = spec.protocol;
                    p.protocol_span = spec.protocol_range.map(|r| item.subspan(r));
                }
                Parsed::Unresolved => p.state = State::Unresolved,
                Parsed::Err(e) => p.state = invalid(item, &e),
            }
        }
        _ => p.state = State::Unresolved,
    }
    p
}

fn expose(item: &Value) -> Option<Expose> {
    let s = item.as_str()?;
    let mut x = Expose {
        span: item.span,
        via: item.via,
        range: None,
        protocol: ports::Protocol::Tcp,
        state: State::Ok,
    };
    match ports::parse_expose(s) {
        Parsed::Ok((range, proto)) => {
            x.range = Some(range);
            x.protocol = proto;
        }
        Parsed::Unresolved => x.state = State::Unresolved,
        Parsed::Err(e) => x.state = invalid(item, &e),
    }
    Some(x)
}

fn mount(item: &Value) -> Option<Mount> {
    let mut m = Mount {
        span: item.span,
        via: item.via,
        long: false,
        kind: MountKind::Volume,
        source: None,
        target: None,
        read_only: false,
        options: Vec::new(),
        propagation: None,
        state: State::Ok,
    };
    match &item.kind {
        ValueKind::Scalar(s) if s.ty != ScalarType::Null => match volumes::parse_volume(&s.text) {
            Parsed::Ok(v) => {
                let src_span = v
                    .source_range
                    .clone()
                    .map(|r| item.subspan(r))
                    .unwrap_or(item.span);
                match v.source {
                    volumes::VolumeSource::None => {}
                    volumes::VolumeSource::Bind(p) => {
                        m.kind = MountKind::Bind;
                        m.source = Some(Sp::new(p, src_span, item.via));
                    }
                    volumes::VolumeSource::Named(n) => {
                        m.source = Some(Sp::new(n, src_span, item.via));
                    }
                }
                m.target = Some(Sp::new(
                    v.target,
                    item.subspan(v.target_range.clone()),
                    item.via,
                ));
                m.read_only = v.read_only;
                m.options = v.options;
            }
            Parsed::Unresolved => m.state = State::Unresolved,
            Parsed::Err(e) => m.state = invalid(item, &e),
        },
        ValueKind::Map(map) => {
            m.long = true;
            let kind = map.get("type").and_then(Value::as_str);
            m.kind = match kind {
                Some("bind") => MountKind::Bind,
                Some("tmpfs") => MountKind::Tmpfs,
                Some("npipe") => MountKind::Npipe,
                Some("cluster") => MountKind::Cluster,
                Some("image") => MountKind::Image,
                _ => MountKind::Volume,
            };
            m.source = map.get("source").and_then(sp_str);
            m.target = map.get("target").and_then(sp_str);
            m.read_only = matches!(
                map.get("read_only").and_then(sp_bool).map(|b| b.value),
                Some(Parsed::Ok(true))
            );
            if let Some(bind) = map.get("bind").and_then(Value::as_map) {
                m.propagation = bind.get("propagation").and_then(sp_str);
            }
            if m.target.is_none() {
                m.state = State::Invalid {
                    span: item.span,
                    message: "the mount has no `target` (the path inside the container)"
                        .to_string(),
                };
            } else if m.kind == MountKind::Bind
                && m.source.as_ref().is_none_or(|s| s.value.is_empty())
            {
                m.state = State::Invalid {
                    span: item.span,
                    message: "a bind mount needs a `source` (the host path)".to_string(),
                };
            }
        }
        _ => return None,
    }
    Some(m)
}

fn file_refs(v: &Value) -> Vec<FileRef> {
    let Some(items) = v.as_seq() else {
        return Vec::new();
    };
    filter_items(items, |item| match &item.kind {
        ValueKind::Map(m) => Some(FileRef {
            span: item.span,
            via: item.via,
            source: m.get("source").and_then(sp_str)?,
            target: m.get("target").and_then(sp_str),
            uid: m.get("uid").and_then(sp_str),
            gid: m.get("gid").and_then(sp_str),
            mode: m.get("mode").and_then(sp_str),
        }),
        _ => Some(FileRef {
            span: item.span,
            via: item.via,
            source: sp_str(item)?,
            target: None,
            uid: None,
            gid: None,
            mode: None,
        }),
    })
}

fn networks(v: &Value) -> Vec<NetworkAttachment> {
    match &v.kind {
        ValueKind::Seq(items) => filter_items(items, |i| {
            Some(NetworkAttachment {
                name: sp_str(i)?,
                span: i.span,
                aliases: Vec::new(),
                ipv4_address: None,
                ipv6_address: None,
            })
        }),
        ValueKind::Map(m) => m
            .entries
            .iter()
            .map(|e| {
                let body = e.value.as_map();
                NetworkAttachment {
                    name: Sp::new(String::from(&*e.key.text), e.key.span, e.key.via),
                    span: e.key.span.to(e.value.span),
                    aliases: body
                        .and_then(|b| b.get("aliases"))
                        .map(strings)
                        .unwrap_or_default(),
                    ipv4_address: body.and_then(|b| b.get("ipv4_address")).and_then(sp_str),
                    ipv6_address: body.and_then(|b| b.get("ipv6_address")).and_then(sp_str),
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn extra_hosts(v: &Value) -> Vec<ExtraHost> {
    match &v.kind {
        ValueKind::Seq(items) => filter_items(items, |item| {
            let s = item.as_str()?;
            let mut h = ExtraHost {
                span: item.span,
                via: item.via,
                host: None,
                ips: Vec::new(),
                state: State::Ok,
            };
            match hosts::parse_extra_host(s) {
                Parsed::Ok(x) => {
                    h.host = Some(Sp::new(
                        x.host,
                        item.subspan(x.host_range.clone()),
                        item.via,
                    ));
                    h.ips = x
                        .ips
                        .into_iter()
                        .map(|ip| Sp::new(ip, item.subspan(x.ip_range.clone()), item.via))
                        .collect();
                }
                Parsed::Unresolved => h.state = State::Unresolved,
                Parsed::Err(e) => h.state = invalid(item, &e),
            }
            Some(h)
        }),
        ValueKind::Map(m) => m
            .entries
            .iter()
            .map(|e| ExtraHost {
                span: e.key.span.to(e.value.span),
                via: e.key.via,
                host: Some(Sp::new(String::from(&*e.key.text), e.key.span, e.key.via)),
                ips: strings(&e.value),
                state: State::Ok,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn device(item: &Value) -> Option<Device> {
    let mut d = Device {
        span: item.span,
        via: item.via,
        long: false,
        host: None,
        container: None,
        permissions: None,
        state: State::Ok,
    };
    match &item.kind {
        ValueKind::Map(m) => {
            d.long = true;
            d.host = m.get("source").and_then(sp_str);
            d.container = m.get("target").and_then(sp_str);
            d.permissions = m.get("permissions").and_then(sp_str);
        }
        ValueKind::Scalar(s) if s.ty != ScalarType::Null => match devices::parse_device(&s.text) {
            Parsed::Ok(spec) => {
                d.host = Some(Sp::new(
                    spec.host,
                    item.subspan(spec.host_range.clone()),
                    item.via,
                ));
                d.container = spec.container.map(|c| Sp::new(c, item.span, item.via));
                d.permissions = spec.permissions.map(|p| Sp::new(p, item.span, item.via));
            }
            Parsed::Unresolved => d.state = State::Unresolved,
            Parsed::Err(e) => d.state = invalid(item, &e),
        },
        _ => return None,
    }
    Some(d)
}

fn ulimits(v: &Value) -> Vec<Ulimit> {
    let Some(m) = v.as_map() else {
        return Vec::new();
    };
    m.entries
        .iter()
        .map(|e| {
            let body = e.value.as_map();
            Ulimit {
                name: Sp::new(String::from(&*e.key.text), e.key.span, e.key.via),
                span: e.key.span.to(e.value.span),
                single: if body.is_none() {
                    sp_int(&e.value)
                } else {
                    None
                },
                soft: body.and_then(|b| b.get("soft")).and_then(sp_int),
                hard: body.and_then(|b| b.get("hard")).and_then(sp_int),
            }
        })
        .collect()
}

fn resource_spec(e: &Entry) -> Option<ResourceSpec> {
    let m = e.value.as_map();
    Some(ResourceSpec {
        key: e.key.span,
        span: e.value.span,
        cpus: m.and_then(|m| m.get("cpus")).and_then(sp_cpus),
        memory: m.and_then(|m| m.get("memory")).and_then(sp_bytes),
        pids: m.and_then(|m| m.get("pids")).and_then(sp_int),
        devices: m.and_then(|m| m.get("devices")).cloned(),
        generic_resources: m.and_then(|m| m.get("generic_resources")).cloned(),
    })
}

fn deploy(e: &Entry) -> Option<Deploy> {
    let m = e.value.as_map();
    let mut d = Deploy {
        key: e.key.span,
        span: e.value.span,
        via: e.value.via.or(e.key.via),
        mode: None,
        replicas: None,
        resources: None,
        restart_policy: None,
        labels: Vec::new(),
        endpoint_mode: None,
        raw: e.value.clone(),
    };
    for e in m.map(|m| m.entries.as_slice()).unwrap_or_default() {
        let v = &e.value;
        match &*e.key.text {
            "mode" => d.mode = sp_str(v),
            "replicas" => d.replicas = sp_int(v),
            "labels" => d.labels = key_values(v),
            "endpoint_mode" => d.endpoint_mode = sp_str(v),
            "resources" => {
                let r = v.as_map();
                d.resources = Some(Resources {
                    key: e.key.span,
                    span: v.span,
                    limits: r.and_then(|r| r.entry("limits")).and_then(resource_spec),
                    reservations: r
                        .and_then(|r| r.entry("reservations"))
                        .and_then(resource_spec),
                });
            }
            "restart_policy" => {
                let r = v.as_map();
                d.restart_policy = Some(RestartPolicy {
                    key: e.key.span,
                    span: v.span,
                    condition: r.and_then(|r| r.get("condition")).and_then(sp_str),
                    delay: r.and_then(|r| r.get("delay")).and_then(sp_duration),
                    max_attempts: r.and_then(|r| r.get("max_attempts")).and_then(sp_int),
                    window: r.and_then(|r| r.get("window")).and_then(sp_duration),
                });
            }
            _ => {}
        }
    }
    Some(d)
}

fn logging(e: &Entry) -> Option<Logging> {
    let m = e.value.as_map();
    let options = m.and_then(|m| m.entry("options"));
    Some(Logging {
        key: e.key.span,
        span: e.value.span,
        via: e.value.via.or(e.key.via),
        driver: m.and_then(|m| m.get("driver")).and_then(sp_str),
        options: options.map(|o| key_values(&o.value)).unwrap_or_default(),
        options_key: options.map(|o| o.key.span),
    })
}

fn build(e: &Entry) -> Option<Build> {
    let v = &e.value;
    let mut b = Build {
        key: e.key.span,
        span: v.span,
        via: v.via.or(e.key.via),
        context: None,
        dockerfile: None,
        dockerfile_inline: None,
        target: None,
        network: None,
        args: Vec::new(),
        labels: Vec::new(),
        secrets: Vec::new(),
        additional_contexts: Vec::new(),
        privileged: None,
        tags: Vec::new(),
        platforms: Vec::new(),
        raw: v.clone(),
    };
    match &v.kind {
        ValueKind::Scalar(_) => b.context = sp_str(v),
        ValueKind::Map(m) => {
            for e in &m.entries {
                let v = &e.value;
                match &*e.key.text {
                    "context" => b.context = sp_str(v),
                    "dockerfile" => b.dockerfile = sp_str(v),
                    "dockerfile_inline" => b.dockerfile_inline = sp_str(v),
                    "target" => b.target = sp_str(v),
                    "network" => b.network = sp_str(v),
                    "args" => b.args = key_values(v),
                    "labels" => b.labels = key_values(v),
                    "secrets" => b.secrets = file_refs(v),
                    "additional_contexts" => b.additional_contexts = key_values(v),
                    "privileged" => b.privileged = sp_bool(v),
                    "tags" => b.tags = strings(v),
                    "platforms" => b.platforms = strings(v),
                    _ => {}
                }
            }
        }
        _ => return None,
    }
    Some(b)
}

fn env_files(v: &Value) -> Vec<EnvFile> {
    let items: Vec<&Value> = match &v.kind {
        ValueKind::Seq(items) => items.iter().collect(),
        _ => vec![v],
    };
    items
        .into_iter()
        .filter_map(|item| match &item.kind {
            ValueKind::Map(m) => Some(EnvFile {
                span: item.span,
                path: m.get("path").and_then(sp_str)?,
                required: m.get("required").and_then(sp_bool),
                format: m.get("format").and_then(sp_str),
            }),
            _ => Some(EnvFile {
                span: item.span,
                path: sp_str(item)?,
                required: None,
                format: None,
            }),
        })
        .collect()
}

fn links(v: &Value) -> Vec<Link> {
    let Some(items) = v.as_seq() else {
        return Vec::new();
    };
    filter_items(items, |item| {
        let s = item.as_str()?;
        let (service, alias) = match find_byte(s.as_bytes(), b':') {
            Some(i) => (
                sub_str(item, 0..i, &s[..i]),
                Some(sub_str(item, i + 1..s.len(), &s[i + 1..])),
            ),
            None => (sp_str(item)?, None),
        };
        Some(Link {
            span: item.span,
            via: item.via,
            service,
            alias,
        })
    })
}

fn extends(e: &Entry) -> Option<Extends> {
    let v = &e.value;
    let mut x = Extends {
        key: e.key.span,
        span: v.span,
        via: v.via.or(e.key.via),
        service: None,
        file: None,
    };
    match &v.kind {
        ValueKind::Scalar(_) => x.service = sp_str(v),
        ValueKind::Map(m) => {
            x.service = m.get("service").and_then(sp_str);
            x.file = m.get("file").and_then(sp_str);
        }
        _ => return None,
    }
    Some(x)
}

/// The items `f` keeps, in a vector allocated once (a `filter_map`
/// collect grows it from empty).
fn filter_items<'v, T>(items: &'v [Value], f: impl FnMut(&'v Value) -> Option<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    out.extend(items.iter().filter_map(f));
    out
}

fn seq<T>(v: &Value, f: impl Fn(&Value) -> Option<T>) -> Vec<T> {
    v.as_seq()
        .map(|items| filter_items(items, f))
        .unwrap_or_default()
}

/// Lower one service (`name: body`).
/// A service, lowered in place on the heap: it is large (a field for each
/// attribute), and building it on the stack copied it at each move.
pub fn service(e: &Entry, index: usize) -> Box<Service> {
    let mut s = Box::new(Service::empty(
        Sp::new(String::from(&*e.key.text), e.key.span, e.key.via),
        e.value.span,
        index,
    ));
    if let Some(map) = e.value.as_map() {
        lower_service_map(&mut s, map);
    }
    s
}

fn lower_service_map(s: &mut Service, map: &Map) {
    for e in &map.entries {
        let v = &e.value;
        let k = &*e.key.text;
        match k {
            "image" => s.image = sp_str(v),
            "build" => s.build = build(e).map(Box::new),
            "pull_policy" => s.pull_policy = sp_str(v),
            "pull_refresh_after" => s.pull_refresh_after = sp_str(v),
            "platform" => s.platform = sp_str(v),
            "provider" => s.provider = Some(Box::new(v.clone())),
            "container_name" => s.container_name = sp_str(v),
            "hostname" => s.hostname = sp_str(v),
            "domainname" => s.domainname = sp_str(v),
            "labels" => s.labels = key_values(v),
            "label_file" => s.label_file = strings(v),
            "annotations" => s.annotations = key_values(v),
            "profiles" => s.profiles = strings(v),
            "command" => s.command = command(e),
            "entrypoint" => s.entrypoint = command(e),
            "working_dir" => s.working_dir = sp_str(v),
            "user" => s.user = sp_str(v),
            "stop_signal" => s.stop_signal = sp_str(v),
            "stop_grace_period" => s.stop_grace_period = sp_duration(v),
            "environment" => {
                s.environment = key_values(v);
                s.environment_key = Some(e.key.span);
            }
            "env_file" => s.env_file = env_files(v),
            "init" => s.init = sp_bool(v),
            "tty" => s.tty = sp_bool(v),
            "stdin_open" => s.stdin_open = sp_bool(v),
            "attach" => s.attach = sp_bool(v),
            "healthcheck" => s.healthcheck = healthcheck(e).map(Box::new),
            "restart" => s.restart = sp_str(v),
            "depends_on" => {
                s.depends_on = dependencies(v);
                s.depends_on_key = Some(e.key.span);
            }
            "links" => s.links = links(v),
            "external_links" => s.external_links = strings(v),
            "volumes_from" => s.volumes_from = strings(v),
            "extends" => s.extends = extends(e).map(Box::new),
            "post_start" => s.post_start = Some(Box::new(v.clone())),
            "pre_stop" => s.pre_stop = Some(Box::new(v.clone())),
            "develop" => s.develop = Some(Box::new(v.clone())),
            "ports" => {
                s.ports = seq(v, |i| Some(port(i)));
                s.ports_key = Some(e.key.span);
            }
            "expose" => s.expose = seq(v, expose),
            "networks" => {
                s.networks = networks(v);
                s.networks_key = Some(e.key.span);
            }
            "network_mode" => s.network_mode = sp_str(v),
            "extra_hosts" => s.extra_hosts = extra_hosts(v),
            "dns" => s.dns = strings(v),
            "dns_search" => s.dns_search = strings(v),
            "dns_opt" => s.dns_opt = strings(v),
            "mac_address" => s.mac_address = sp_str(v),
            "volumes" => {
                s.volumes = seq(v, mount);
                s.volumes_key = Some(e.key.span);
            }
            "tmpfs" => s.tmpfs = strings(v),
            "secrets" => s.secrets = file_refs(v),
            "configs" => s.configs = file_refs(v),
            "storage_opt" => s.storage_opt = key_values(v),
            "models" => {
                s.models = match &v.kind {
                    ValueKind::Map(m) => m
                        .entries
                        .iter()
                        .map(|e| Sp::new(String::from(&*e.key.text), e.key.span, e.key.via))
                        .collect(),
                    _ => strings(v),
                }
            }
            "privileged" => s.privileged = sp_bool(v),
            "read_only" => s.read_only = sp_bool(v),
            "use_api_socket" => s.use_api_socket = sp_bool(v),
            "cap_add" => s.cap_add = strings(v),
            "cap_drop" => s.cap_drop = strings(v),
            "security_opt" => {
                s.security_opt = strings(v);
                s.security_opt_key = Some(e.key.span);
            }
            "group_add" => s.group_add = strings(v),
            "devices" => s.devices = seq(v, device),
            "device_cgroup_rules" => s.device_cgroup_rules = strings(v),
            "gpus" => s.gpus = Some(Box::new(v.clone())),
            "pid" => s.pid = sp_str(v),
            "ipc" => s.ipc = sp_str(v),
            "uts" => s.uts = sp_str(v),
            "userns_mode" => s.userns_mode = sp_str(v),
            "cgroup" => s.cgroup = sp_str(v),
            "cgroup_parent" => s.cgroup_parent = sp_str(v),
            "isolation" => s.isolation = sp_str(v),
            "runtime" => s.runtime = sp_str(v),
            "credential_spec" => s.credential_spec = Some(Box::new(v.clone())),
            "sysctls" => s.sysctls = key_values(v),
            "ulimits" => s.ulimits = ulimits(v),
            "oom_kill_disable" => s.oom_kill_disable = sp_bool(v),
            "oom_score_adj" => s.oom_score_adj = sp_int(v),
            "deploy" => s.deploy = deploy(e).map(Box::new),
            "scale" => s.scale = sp_int(v),
            "cpus" => s.cpus = sp_cpus(v),
            "cpu_count" => s.cpu_count = sp_int(v),
            "cpu_percent" => s.cpu_percent = sp_int(v),
            "cpu_shares" => s.cpu_shares = sp_int(v),
            "cpu_period" => s.cpu_period = sp_int(v),
            "cpu_quota" => s.cpu_quota = sp_int(v),
            "cpu_rt_period" => s.cpu_rt_period = sp_int(v),
            "cpu_rt_runtime" => s.cpu_rt_runtime = sp_int(v),
            "cpuset" => s.cpuset = sp_str(v),
            "mem_limit" => s.mem_limit = sp_bytes(v),
            "mem_reservation" => s.mem_reservation = sp_bytes(v),
            "memswap_limit" => {
                s.memswap_limit = if v.as_str() == Some("-1") {
                    None
                } else {
                    sp_bytes(v)
                }
            }
            "mem_swappiness" => s.mem_swappiness = sp_int(v),
            "shm_size" => s.shm_size = sp_bytes(v),
            "pids_limit" => s.pids_limit = sp_int(v),
            "blkio_config" => s.blkio_config = Some(Box::new(v.clone())),
            "logging" => s.logging = logging(e),
            _ if k.starts_with("x-") => {
                s.extensions
                    .push(Sp::new(k.to_string(), e.key.span, e.key.via))
            }
            _ => {}
        }
    }
}

impl Service {
    pub fn empty(name: Sp<String>, span: Span, index: usize) -> Service {
        Service {
            name,
            span,
            index,
            image: None,
            build: None,
            pull_policy: None,
            pull_refresh_after: None,
            platform: None,
            provider: None,
            container_name: None,
            hostname: None,
            domainname: None,
            labels: Vec::new(),
            label_file: Vec::new(),
            annotations: Vec::new(),
            profiles: Vec::new(),
            command: None,
            entrypoint: None,
            working_dir: None,
            user: None,
            stop_signal: None,
            stop_grace_period: None,
            environment: Vec::new(),
            environment_key: None,
            env_file: Vec::new(),
            init: None,
            tty: None,
            stdin_open: None,
            attach: None,
            healthcheck: None,
            restart: None,
            depends_on: Vec::new(),
            depends_on_key: None,
            links: Vec::new(),
            external_links: Vec::new(),
            volumes_from: Vec::new(),
            extends: None,
            post_start: None,
            pre_stop: None,
            develop: None,
            ports: Vec::new(),
            ports_key: None,
            expose: Vec::new(),
            networks: Vec::new(),
            networks_key: None,
            network_mode: None,
            extra_hosts: Vec::new(),
            dns: Vec::new(),
            dns_search: Vec::new(),
            dns_opt: Vec::new(),
            mac_address: None,
            volumes: Vec::new(),
            volumes_key: None,
            tmpfs: Vec::new(),
            secrets: Vec::new(),
            configs: Vec::new(),
            storage_opt: Vec::new(),
            models: Vec::new(),
            privileged: None,
            read_only: None,
            use_api_socket: None,
            cap_add: Vec::new(),
            cap_drop: Vec::new(),
            security_opt: Vec::new(),
            security_opt_key: None,
            group_add: Vec::new(),
            devices: Vec::new(),
            device_cgroup_rules: Vec::new(),
            gpus: None,
            pid: None,
            ipc: None,
            uts: None,
            userns_mode: None,
            cgroup: None,
            cgroup_parent: None,
            isolation: None,
            runtime: None,
            credential_spec: None,
            sysctls: Vec::new(),
            ulimits: Vec::new(),
            oom_kill_disable: None,
            oom_score_adj: None,
            deploy: None,
            scale: None,
            cpus: None,
            cpu_count: None,
            cpu_percent: None,
            cpu_shares: None,
            cpu_period: None,
            cpu_quota: None,
            cpu_rt_period: None,
            cpu_rt_runtime: None,
            cpuset: None,
            mem_limit: None,
            mem_reservation: None,
            memswap_limit: None,
            mem_swappiness: None,
            shm_size: None,
            pids_limit: None,
            blkio_config: None,
            logging: None,
            extensions: Vec::new(),
        }
    }
}

/// Lower a top-level resource (`name: body`).
pub fn resource(e: &Entry) -> Resource {
    let v = &e.value;
    let m = v.as_map();
    let get = |k: &str| m.and_then(|m| m.get(k));
    Resource {
        key: Sp::new(String::from(&*e.key.text), e.key.span, e.key.via),
        span: if v.is_null() { e.key.span } else { v.span },
        name: get("name").and_then(sp_str),
        external: get("external").and_then(|x| match &x.kind {
            ValueKind::Map(_) => Some(Sp::new(Parsed::Ok(true), x.span, x.via)),
            _ => sp_bool(x),
        }),
        driver: get("driver").and_then(sp_str),
        driver_opts: get("driver_opts").map(key_values).unwrap_or_default(),
        labels: get("labels").map(key_values).unwrap_or_default(),
        file: get("file").and_then(sp_str),
        environment: get("environment").and_then(sp_str),
        content: get("content").and_then(sp_str),
        raw: v.clone(),
    }
}

pub fn include(item: &Value) -> Option<Include> {
    match &item.kind {
        ValueKind::Scalar(_) => Some(Include {
            span: item.span,
            via: item.via,
            paths: sp_str(item).into_iter().collect(),
            project_directory: None,
            env_files: Vec::new(),
        }),
        ValueKind::Map(m) => Some(Include {
            span: item.span,
            via: item.via,
            paths: m.get("path").map(strings).unwrap_or_default(),
            project_directory: m.get("project_directory").and_then(sp_str),
            env_files: m.get("env_file").map(strings).unwrap_or_default(),
        }),
        _ => None,
    }
}

/// The via of a value or, failing that, of its key.
pub fn via_of(e: &Entry) -> Option<Via> {
    e.value.via.or(e.key.via)
}
