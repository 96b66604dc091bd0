//! `stateful-without-volume`: a service running a known stateful image whose
//! data directory (from the image knowledge base, moved by command-line
//! flags or environment variables) is not covered by a named volume or a
//! bind mount.

use foldhash::{HashSet, HashSetExt};

use crate::diag::{Finding, Severity};
use crate::model::{KeyValue, MountKind, Project, Service, Sp, State};
use crate::rules::Context;
use crate::rules::knowledge::{ImageFacts, Override};
use crate::span::Span;
use crate::util::has_interpolation;

use super::cmdline::{self, Found};
use super::paths;

crate::declare_rule! {
    id: "stateful-without-volume",
    category: Reliability,
    production: Error,
    development: Warning,
    fixable: No,
    summary: "A stateful image whose data directory is not on a volume",
    check: check,
}

/// Options of `minio server` (the `args_after` sub-command) that take no
/// value, so the word after them is a data directory.
pub const BOOLEAN_OPTIONS: &[&str] = &[
    "--quiet",
    "--anonymous",
    "--json",
    "--no-compat",
    "--ftp-insecure",
];

/// The data directory of a service, and where the command line or the
/// environment sets it (when it does).
#[derive(Clone, Debug, PartialEq)]
pub struct DataDir {
    pub path: String,
    pub set_at: Option<Span>,
}

/// What the service's configuration says about its data directory.
#[derive(Clone, Debug, PartialEq)]
pub enum DataDirs {
    /// The image holds no data with this command (MinIO without `server`),
    /// or the directory cannot be known (a variable, a configuration file, a
    /// relative path, a shell script): not judged.
    Unknown,
    /// Every one of these directories holds data.
    All(Vec<DataDir>),
    /// One of these holds the data, depending on the image version that the
    /// tag does not tell.
    OneOf(Vec<DataDir>),
}

/// The words of the command line: `entrypoint` then `command`.
fn command_line(s: &Service) -> Vec<&Sp<String>> {
    s.entrypoint
        .iter()
        .chain(s.command.iter())
        .flat_map(|c| c.args.iter())
        .collect()
}

fn env<'s>(s: &'s Service, key: &str) -> Option<&'s KeyValue> {
    s.environment.iter().rev().find(|kv| kv.key.as_str() == key)
}

/// An absolute, resolved directory, or `None`.
fn usable(path: &str) -> Option<String> {
    if has_interpolation(path) || path.contains("...") || path.contains('{') {
        return None;
    }
    paths::clean(path)
}

/// Resolve a service's data directories from the knowledge base entry.
pub fn data_dirs(s: &Service, facts: &ImageFacts, tag: Option<&str>) -> DataDirs {
    let line = command_line(s);
    let words: Vec<&str> = line.iter().map(|a| a.as_str()).collect();
    if cmdline::is_script(&words) || words.iter().any(|w| has_interpolation(w)) {
        return DataDirs::Unknown;
    }
    if let Some(word) = &facts.no_data_without
        && !words.contains(&word.as_str())
    {
        return DataDirs::Unknown;
    }
    for u in &facts.unknown_with {
        let given = if u.starts_with('-') {
            cmdline::has_flag(&words, u)
        } else {
            env(s, u).is_some()
        };
        if given {
            return DataDirs::Unknown;
        }
    }
    // A value found in the words or the environment.
    let from_word = |f: Found| -> Option<Option<DataDir>> {
        match f {
            Found::Absent => None,
            Found::Unknown => Some(None),
            Found::Value { arg, range } => {
                Some(usable(&words[arg][range.clone()]).map(|path| DataDir {
                    path,
                    set_at: Some(line[arg].subspan(range)),
                }))
            }
        }
    };
    let from_env = |key: &str| -> Option<Option<DataDir>> {
        let kv = env(s, key)?;
        Some(kv.value.as_ref().and_then(|v| {
            usable(v.as_str()).map(|path| DataDir {
                path,
                set_at: Some(v.span),
            })
        }))
    };
    for o in &facts.overrides {
        let found = match o {
            Override::Flag { name, aliases } => {
                let names: Vec<&str> = std::iter::once(name.as_str())
                    .chain(aliases.iter().map(String::as_str))
                    .collect();
                from_word(cmdline::flag_value(&words, &names))
            }
            Override::Env(key) => from_env(key),
            Override::Setting(key) => {
                from_word(cmdline::setting_value(&words, key)).or_else(|| from_env(key))
            }
            Override::ArgsAfter(sub) => {
                let Some(indices) = cmdline::positional_after(&words, sub, BOOLEAN_OPTIONS) else {
                    continue;
                };
                if indices.is_empty() {
                    return DataDirs::Unknown;
                }
                let mut dirs = Vec::new();
                for i in indices {
                    match usable(words[i]) {
                        Some(path) => dirs.push(DataDir {
                            path,
                            set_at: Some(line[i].span),
                        }),
                        None => return DataDirs::Unknown,
                    }
                }
                return DataDirs::All(dirs);
            }
        };
        match found {
            None => continue,
            Some(None) => return DataDirs::Unknown,
            Some(Some(dir)) => return DataDirs::All(vec![dir]),
        }
    }
    if let Some(n) = &facts.name_dir {
        // `--name X` (or its variable) names the member; the directory is
        // `X.etcd` in the working directory.
        let names: Vec<&str> = std::iter::once(n.flag.as_str())
            .chain(n.aliases.iter().map(String::as_str))
            .collect();
        let member = match cmdline::flag_value(&words, &names) {
            Found::Value { arg, range } => Some(Some((
                words[arg][range.clone()].to_string(),
                line[arg].subspan(range),
            ))),
            Found::Unknown => Some(None),
            Found::Absent => n.env.as_deref().and_then(|e| env(s, e)).map(|kv| {
                kv.value
                    .as_ref()
                    .filter(|v| !has_interpolation(v.as_str()))
                    .map(|v| (v.value.clone(), v.span))
            }),
        };
        match member {
            None => {}
            Some(Some((member, at))) if !member.is_empty() && !member.contains('/') => {
                return DataDirs::All(vec![DataDir {
                    path: n.template.replace("{}", &member),
                    set_at: Some(at),
                }]);
            }
            Some(_) => return DataDirs::Unknown,
        }
    }
    if let Some(d) = facts.default_data_dir(tag) {
        return DataDirs::All(vec![DataDir {
            path: d,
            set_at: None,
        }]);
    }
    let all = facts.possible_data_dirs();
    if all.is_empty() {
        return DataDirs::Unknown;
    }
    DataDirs::OneOf(
        all.into_iter()
            .map(|path| DataDir { path, set_at: None })
            .collect(),
    )
}

/// A mount of the service, or one inherited through `volumes_from`.
struct Mounted<'p> {
    target: &'p Sp<String>,
    /// The named volume or host path.
    source: Option<&'p str>,
    kind: MountKind,
    anonymous: bool,
    span: Span,
    /// The service it comes from, when inherited.
    from: Option<&'p str>,
}

/// Every mount the container gets; `None` when one of them cannot be known
/// (an unresolved entry, `volumes_from: [container:...]`, an unknown
/// service).
fn mounts<'p>(project: &'p Project, s: &'p Service) -> Option<Vec<Mounted<'p>>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut queue: Vec<(&'p Service, Option<&'p str>)> = vec![(s, None)];
    while let Some((svc, from)) = queue.pop() {
        if !seen.insert(svc.name.as_str()) {
            continue;
        }
        for m in &svc.volumes {
            match &m.state {
                State::Unresolved => return None,
                State::Invalid { .. } => continue,
                State::Ok => {}
            }
            let Some(target) = &m.target else { continue };
            if has_interpolation(target.as_str()) {
                return None;
            }
            out.push(Mounted {
                target,
                source: m.source.as_ref().map(|s| s.as_str()),
                kind: m.kind,
                anonymous: m.is_anonymous(),
                span: m.span,
                from,
            });
        }
        for v in &svc.volumes_from {
            if v.starts_with("container:") || has_interpolation(v.as_str()) {
                return None;
            }
            let name = v.split(':').next().unwrap_or_default();
            let other = project.service(name)?;
            queue.push((other, Some(other.name.as_str())));
        }
    }
    Some(out)
}

/// How a directory is covered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Coverage {
    None,
    Anonymous,
    Persistent,
}

fn coverage(dir: &str, mounts: &[Mounted<'_>]) -> Coverage {
    mounts
        .iter()
        .filter(|m| paths::covers(m.target.as_str(), dir))
        .map(|m| match m.kind {
            MountKind::Bind | MountKind::Cluster => Coverage::Persistent,
            MountKind::Volume if m.anonymous => Coverage::Anonymous,
            MountKind::Volume => Coverage::Persistent,
            _ => Coverage::None,
        })
        .max()
        .unwrap_or(Coverage::None)
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for s in cx.project.services.values() {
        if s.build.is_some() || super::is_fragment(cx, s) {
            // A built image's name does not say what runs; a fragment's
            // mounts may be in another file.
            continue;
        }
        let name = s.name.as_str();
        let (Some(image), Some(facts)) = (cx.facts.image(name), cx.facts.image_facts(name)) else {
            continue;
        };
        let dirs = data_dirs(s, facts, image.reference.tag.as_deref());
        let (dirs, one_of) = match dirs {
            DataDirs::Unknown => continue,
            DataDirs::All(d) => (d, false),
            DataDirs::OneOf(d) => (d, true),
        };
        let Some(mounts) = mounts(cx.project, s) else {
            continue;
        };
        let covered: Vec<Coverage> = dirs.iter().map(|d| coverage(&d.path, &mounts)).collect();
        let worst = if one_of {
            covered.iter().copied().max()
        } else {
            covered.iter().copied().min()
        }
        .unwrap_or(Coverage::Persistent);
        if worst == Coverage::Persistent {
            continue;
        }
        let problem: Vec<&DataDir> = dirs
            .iter()
            .zip(&covered)
            .filter(|(_, c)| one_of || **c == worst)
            .map(|(d, _)| d)
            .collect();
        out.push(finding(
            s,
            image.span,
            image.via,
            facts,
            &problem,
            one_of,
            worst,
            &mounts,
            s.tmpfs.as_slice(),
        ));
    }
}

fn quoted(dirs: &[&DataDir], joiner: &str) -> String {
    let items: Vec<String> = dirs.iter().map(|d| format!("`{}`", d.path)).collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {joiner} {last}", rest.join(", ")),
    }
}

#[allow(clippy::too_many_arguments)]
fn finding(
    s: &Service,
    span: Span,
    via: Option<crate::load::Via>,
    facts: &ImageFacts,
    dirs: &[&DataDir],
    one_of: bool,
    coverage: Coverage,
    mounts: &[Mounted<'_>],
    tmpfs: &[Sp<String>],
) -> Finding {
    let name = s.name.as_str();
    let where_ = if one_of {
        format!(
            "{} (depending on the image version, which the tag does not tell)",
            quoted(dirs, "or")
        )
    } else {
        quoted(dirs, "and")
    };
    let anonymous = coverage == Coverage::Anonymous;
    let message = if anonymous {
        format!("service `{name}` keeps its data in {where_} on an anonymous volume")
    } else {
        format!("service `{name}` keeps its data in {where_}, which no volume covers")
    };
    let mut f = Finding::new(RULE.id, span, message).via(via);
    if anonymous {
        f = f.severity(Severity::Info);
    }
    for d in dirs {
        if let Some(at) = d.set_at {
            f = f.related(at, "the data directory is set here");
        }
    }
    let first = dirs[0].path.as_str();
    // The nearest mount: in the anonymous case the anonymous volume;
    // otherwise the one sharing most of the data directory's path (a named
    // volume elsewhere is shown too, as the likely intended one; a bind
    // mount sharing nothing, often a configuration file, is not), named
    // volumes first.
    let shared = |m: &Mounted<'_>| {
        dirs.iter()
            .map(|d| paths::common_segments(m.target.as_str(), &d.path))
            .max()
            .unwrap_or(0)
    };
    let nearest = mounts
        .iter()
        .filter(|m| {
            if anonymous {
                m.anonymous
                    && dirs
                        .iter()
                        .any(|d| paths::covers(m.target.as_str(), &d.path))
            } else {
                shared(m) > 0 || (m.kind == MountKind::Volume && !m.anonymous)
            }
        })
        .max_by_key(|m| {
            (
                shared(m),
                m.kind == MountKind::Volume && !m.anonymous,
                std::cmp::Reverse(m.span.start),
            )
        });
    let mut suggest_flag = None;
    if let Some(m) = nearest {
        let target = m.target.as_str();
        let label = if anonymous {
            "an anonymous volume: `docker compose down` leaves it behind, and the next `up` starts with an empty one".to_string()
        } else if m.kind == MountKind::Tmpfs {
            "a tmpfs mount lives in memory and is lost when the container stops".to_string()
        } else if dirs.iter().any(|d| paths::covers(&d.path, target)) {
            format!("this mount covers only `{target}`, inside the data directory")
        } else {
            if m.kind == MountKind::Volume && !m.anonymous && m.from.is_none() {
                suggest_flag = Some(target.to_string());
            }
            format!("mounted at `{target}`, not at the data directory")
        };
        let label = match m.from {
            Some(other) => format!("{label} (from `{other}` through `volumes_from`)"),
            None => label,
        };
        f = f.related(m.span, label);
    }
    for t in tmpfs {
        let target = t.split(':').next().unwrap_or_default();
        if dirs.iter().any(|d| paths::covers(target, &d.path)) {
            f = f.related(
                t.span,
                "a tmpfs mount lives in memory and is lost when the container stops",
            );
        }
    }
    let target = if one_of {
        common_ancestor(dirs).unwrap_or_else(|| first.to_string())
    } else {
        first.to_string()
    };
    let volume = format!("{name}_data");
    let named = if mounts
        .iter()
        .any(|m| m.kind == MountKind::Volume && !m.anonymous && m.source == Some(volume.as_str()))
    {
        format!("a named volume at `{target}`")
    } else {
        format!(
            "a named volume at `{target}` (`{volume}:{target}`, declared under top-level `volumes:`)"
        )
    };
    let help = if anonymous {
        format!(
            "an anonymous volume survives `docker compose up`, but `docker compose down` leaves \
             it behind, detached (the next `up` starts empty), and `down -v` deletes it: use \
             {named} so that the data can be found and backed up (knowledge card 9)"
        )
    } else {
        let flag = suggest_flag.filter(|_| !one_of).and_then(|existing| {
            facts.overrides.iter().find_map(|o| match o {
                Override::Flag { name, .. } => Some(format!(
                    "start it with `{name} {existing}` in `command` to use the volume already mounted at `{existing}`, or "
                )),
                Override::Env(key) => Some(format!(
                    "set `{key}: {existing}` to use the volume already mounted there, or "
                )),
                _ => None,
            })
        });
        format!(
            "the data is lost when the container is recreated (knowledge card 9): {}mount {named}",
            flag.unwrap_or_default()
        )
    };
    f.help(help)
}

/// The deepest directory containing all of them (`/var/lib/postgresql` for
/// `/var/lib/postgresql/data` and `/var/lib/postgresql/18/docker`).
fn common_ancestor(dirs: &[&DataDir]) -> Option<String> {
    let first = dirs.first()?;
    let n = dirs
        .iter()
        .map(|d| paths::common_segments(&first.path, &d.path))
        .min()?;
    if n == 0 {
        return None;
    }
    let segs: Vec<&str> = first.path.split('/').skip(1).take(n).collect();
    Some(format!("/{}", segs.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::knowledge::KnowledgeBase;

    /// The data directories of the only service of a file, as `path` or
    /// `a | b` for alternatives.
    fn dirs(service: &str) -> Option<String> {
        let text = format!("services:\n  s:\n{service}");
        let p = super::super::tests::project("compose.yaml", &text);
        let s = p.services.values().next().unwrap();
        let facts = crate::rules::facts::Facts::new(&p);
        let image = facts.image("s").unwrap();
        let kb = KnowledgeBase::get().lookup(&image.reference).unwrap();
        let join = |d: Vec<DataDir>, sep: &str| {
            d.into_iter().map(|d| d.path).collect::<Vec<_>>().join(sep)
        };
        match data_dirs(s, kb, image.reference.tag.as_deref()) {
            DataDirs::Unknown => None,
            DataDirs::All(d) => Some(join(d, " & ")),
            DataDirs::OneOf(d) => Some(join(d, " | ")),
        }
    }

    #[test]
    fn etcd() {
        let img = "    image: quay.io/coreos/etcd:v3.5.5\n";
        assert_eq!(dirs(img).as_deref(), Some("/var/lib/etcd/default.etcd"));
        let d = |rest: &str| dirs(&format!("{img}{rest}"));
        assert_eq!(
            d("    command: etcd --data-dir /etcd\n").as_deref(),
            Some("/etcd")
        );
        assert_eq!(
            d("    command: [\"etcd\", \"-data-dir=/x/\"]\n").as_deref(),
            Some("/x")
        );
        assert_eq!(
            d("    environment:\n      ETCD_DATA_DIR: /e\n").as_deref(),
            Some("/e")
        );
        assert_eq!(
            d("    command: etcd --data-dir /f\n    environment:\n      ETCD_DATA_DIR: /e\n")
                .as_deref(),
            Some("/f"),
            "the flag wins over the variable"
        );
        assert_eq!(
            d("    command: etcd --name n1\n").as_deref(),
            Some("/var/lib/etcd/n1.etcd")
        );
        assert_eq!(
            d("    environment:\n      - ETCD_NAME=n2\n").as_deref(),
            Some("/var/lib/etcd/n2.etcd")
        );
        assert_eq!(d("    command: etcd --config-file /etc/etcd.yml\n"), None);
        assert_eq!(
            d("    environment:\n      ETCD_CONFIG_FILE: /etc/etcd.yml\n"),
            None
        );
        assert_eq!(d("    command: etcd --data-dir data\n"), None, "relative");
        assert_eq!(d("    command: etcd --data-dir ${DIR}\n"), None);
        assert_eq!(d("    command: etcd --data-dir\n"), None);
        assert_eq!(
            d("    environment:\n      - ETCD_DATA_DIR\n"),
            None,
            "from the host"
        );
        assert_eq!(
            d("    entrypoint: [\"sh\", \"-c\"]\n    command: [\"etcd --data-dir /x\"]\n"),
            None
        );
    }

    #[test]
    fn minio() {
        let img = "    image: minio/minio:RELEASE.2023-03-20T20-16-18Z\n";
        let d = |rest: &str| dirs(&format!("{img}{rest}"));
        assert_eq!(d(""), None, "no `server`, no data");
        assert_eq!(d("    command: minio gateway nas /x\n"), None);
        assert_eq!(d("    command: server /data\n").as_deref(), Some("/data"));
        assert_eq!(
            d("    command: minio server --address :9000 /a /b --console-address \":9001\"\n")
                .as_deref(),
            Some("/a & /b")
        );
        assert_eq!(
            d("    command: minio server http://minio{1...4}/data\n"),
            None
        );
        assert_eq!(d("    command: minio server /data{1...4}\n"), None);
        assert_eq!(d("    command: minio server\n"), None);
    }

    #[test]
    fn postgres_by_version() {
        let d = |img: &str, rest: &str| dirs(&format!("    image: {img}\n{rest}"));
        assert_eq!(
            d("postgres:17-alpine", "").as_deref(),
            Some("/var/lib/postgresql/data")
        );
        assert_eq!(
            d("postgres:18", "").as_deref(),
            Some("/var/lib/postgresql/18/docker")
        );
        assert_eq!(
            d("postgres", "").as_deref(),
            Some("/var/lib/postgresql/18/docker | /var/lib/postgresql/data")
        );
        assert_eq!(
            d("postgres:latest", "    environment:\n      PGDATA: /pg\n").as_deref(),
            Some("/pg")
        );
    }

    #[test]
    fn other_images() {
        let d = |img: &str, rest: &str| dirs(&format!("    image: {img}\n{rest}"));
        assert_eq!(
            d(
                "elasticsearch:8.15.0",
                "    command: [\"elasticsearch\", \"-Epath.data=/es\"]\n"
            )
            .as_deref(),
            Some("/es")
        );
        assert_eq!(
            d(
                "elasticsearch:8.15.0",
                "    environment:\n      path.data: /es2\n"
            )
            .as_deref(),
            Some("/es2")
        );
        assert_eq!(
            d("redis:7", "    command: redis-server --dir /r\n").as_deref(),
            Some("/r")
        );
        assert_eq!(
            d("mongo:8", "    command: --dbpath=/m\n").as_deref(),
            Some("/m")
        );
        assert_eq!(
            d(
                "milvusdb/milvus:v2.4.0",
                "    command: [\"milvus\", \"run\", \"standalone\"]\n"
            )
            .as_deref(),
            Some("/var/lib/milvus")
        );
        assert_eq!(
            d(
                "milvusdb/milvus:v2.4.0",
                "    command: milvus run querynode\n"
            ),
            None
        );
    }

    #[test]
    fn common_ancestors() {
        let dd = |p: &str| DataDir {
            path: p.to_string(),
            set_at: None,
        };
        let (a, b) = (
            dd("/var/lib/postgresql/data"),
            dd("/var/lib/postgresql/18/docker"),
        );
        assert_eq!(
            common_ancestor(&[&a, &b]).as_deref(),
            Some("/var/lib/postgresql")
        );
        let c = dd("/data");
        assert_eq!(common_ancestor(&[&a, &c]), None);
    }
}
