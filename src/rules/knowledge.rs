//! The image knowledge base (`rules/images.yaml`, embedded): data
//! directories, health checks, served ports and peer variables of
//! well-known images. Loaded once, with dockmaster's own YAML loader.

use foldhash::HashMap;
use std::sync::LazyLock;

use crate::load::{Limits, Value, value::Resolver, yaml};
use crate::model::syntax::image::ImageRef;
use crate::span::FileId;

const SOURCE: &str = include_str!("../../rules/images.yaml");

/// How a command line or the environment moves an image's data directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Override {
    /// `--flag X` or `--flag=X` (and its aliases).
    Flag { name: String, aliases: Vec<String> },
    /// An environment variable holding the path.
    Env(String),
    /// A setting given as `-Ename=X` on the command line or as an
    /// environment key (Elasticsearch's `path.data`).
    Setting(String),
    /// Every non-option argument after a sub-command (`minio server /data`).
    ArgsAfter(String),
}

/// `--name X` making the default directory `X.etcd`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameDir {
    pub flag: String,
    pub aliases: Vec<String>,
    pub env: Option<String>,
    /// With `{}` where the name goes.
    pub template: String,
}

/// A variable through which an image reaches another service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    pub env: String,
    /// What the image dials when the variable is unset (`localhost:2379`).
    pub default: String,
    pub port: u16,
    /// Repository paths of the images that serve it.
    pub served_by: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct ImageFacts {
    pub names: Vec<String>,
    pub data_dir: Option<String>,
    /// `(minimum major, path)` with `{major}` in the path; the last entry
    /// has minimum 0 (the default).
    pub data_dir_by_major: Vec<(u32, String)>,
    pub overrides: Vec<Override>,
    pub name_dir: Option<NameDir>,
    pub unknown_with: Vec<String>,
    pub no_data_without: Option<String>,
    pub healthcheck: Vec<String>,
    pub healthcheck_needs: Option<String>,
    pub healthcheck_note: Option<String>,
    pub ports: Vec<u16>,
    pub peers: Vec<Peer>,
    pub config_mounts: Vec<String>,
    pub notes: Option<String>,
}

impl ImageFacts {
    /// The data directory for a tag, before any override.
    pub fn default_data_dir(&self, tag: Option<&str>) -> Option<String> {
        if let Some(d) = &self.data_dir {
            return Some(d.clone());
        }
        if self.data_dir_by_major.is_empty() {
            return None;
        }
        let major = tag.and_then(major_version);
        match major {
            Some(m) => self
                .data_dir_by_major
                .iter()
                .find(|(min, _)| m >= *min)
                .map(|(_, p)| p.replace("{major}", &m.to_string())),
            None => None,
        }
    }

    /// Every data directory the image may use when the tag does not say
    /// which version it is.
    pub fn possible_data_dirs(&self) -> Vec<String> {
        if let Some(d) = &self.data_dir {
            return vec![d.clone()];
        }
        self.data_dir_by_major
            .iter()
            .map(|(min, p)| p.replace("{major}", &min.to_string()))
            .collect()
    }

    /// The suggested health check, as YAML flow text.
    pub fn healthcheck_yaml(&self) -> Option<String> {
        if self.healthcheck.is_empty() {
            return None;
        }
        let mut out = String::from("[");
        for (i, a) in self.healthcheck.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            // Debug quoting: printable ASCII other than a double quote and a
            // backslash is written as it is.
            if a.bytes()
                .all(|c| (b' '..=b'~').contains(&c) && c != b'"' && c != b'\\')
            {
                out.push('"');
                out.push_str(a);
                out.push('"');
            } else {
                use std::fmt::Write;
                let _ = write!(out, "{a:?}");
            }
        }
        out.push(']');
        Some(out)
    }
}

/// The leading number of a tag (`17-alpine` → 17, `v3.5.5` → 3).
fn major_version(tag: &str) -> Option<u32> {
    let t = tag.strip_prefix('v').unwrap_or(tag);
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[derive(Debug, Default)]
pub struct KnowledgeBase {
    images: Vec<ImageFacts>,
    by_name: HashMap<String, usize>,
}

impl KnowledgeBase {
    /// The embedded knowledge base.
    pub fn get() -> &'static KnowledgeBase {
        static KB: LazyLock<KnowledgeBase> =
            LazyLock::new(|| KnowledgeBase::parse(SOURCE).expect("rules/images.yaml is valid"));
        &KB
    }

    pub fn lookup(&self, image: &ImageRef) -> Option<&ImageFacts> {
        self.by_repository(image.repository())
    }

    pub fn by_repository(&self, repository: &str) -> Option<&ImageFacts> {
        self.by_name.get(repository).map(|&i| &self.images[i])
    }

    pub fn images(&self) -> &[ImageFacts] {
        &self.images
    }

    pub fn parse(text: &str) -> Result<KnowledgeBase, String> {
        let limits = Limits::default();
        let tree = yaml::parse(FileId(0), text, &limits);
        if let Some(p) = tree.problems.first() {
            return Err(p.message.clone());
        }
        let root = tree
            .documents
            .first()
            .and_then(|d| d.root)
            .ok_or("empty knowledge base")?;
        let value = Resolver::new(&tree, text, &limits)
            .resolve_root(root)
            .map_err(|_| "budget".to_string())?;
        let entries = value
            .get("images")
            .and_then(Value::as_seq)
            .ok_or("`images` must be a list")?;
        let mut kb = KnowledgeBase::default();
        for e in entries {
            let facts = parse_entry(e)?;
            for n in &facts.names {
                if kb.by_name.insert(n.clone(), kb.images.len()).is_some() {
                    return Err(format!("image `{n}` is listed twice"));
                }
            }
            kb.images.push(facts);
        }
        Ok(kb)
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_seq)
        .map(|s| {
            s.iter()
                .filter_map(|i| i.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn string(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(String::from)
}

fn parse_entry(e: &Value) -> Result<ImageFacts, String> {
    let map = e.as_map().ok_or("an image entry must be a mapping")?;
    const KEYS: &[&str] = &[
        "names",
        "data_dir",
        "data_dir_by_major",
        "overrides",
        "name_dir",
        "unknown_with",
        "no_data_without",
        "healthcheck",
        "healthcheck_needs",
        "healthcheck_note",
        "ports",
        "peers",
        "config_mounts",
        "notes",
    ];
    for (k, _) in map.iter() {
        if !KEYS.contains(&&*k.text) {
            return Err(format!("unknown key `{}`", k.text));
        }
    }
    let get = |k: &str| map.get(k);
    let mut f = ImageFacts {
        names: strings(get("names")),
        data_dir: string(get("data_dir")),
        unknown_with: strings(get("unknown_with")),
        no_data_without: string(get("no_data_without")),
        healthcheck: strings(get("healthcheck")),
        healthcheck_needs: string(get("healthcheck_needs")),
        healthcheck_note: string(get("healthcheck_note")),
        config_mounts: strings(get("config_mounts")),
        notes: string(get("notes")),
        ..ImageFacts::default()
    };
    if f.names.is_empty() {
        return Err("an image entry needs `names`".into());
    }
    if let Some(m) = get("data_dir_by_major").and_then(Value::as_map) {
        for (k, v) in m.iter() {
            let min = if &*k.text == "default" {
                0
            } else {
                k.text
                    .trim_end_matches('+')
                    .parse()
                    .map_err(|_| format!("bad major `{}`", k.text))?
            };
            f.data_dir_by_major
                .push((min, v.as_str().unwrap_or_default().to_string()));
        }
        f.data_dir_by_major.sort_by_key(|e| std::cmp::Reverse(e.0));
    }
    for o in get("overrides").and_then(Value::as_seq).unwrap_or_default() {
        let o = o.as_map().ok_or("an override must be a mapping")?;
        let ov = if let Some(flag) = string(o.get("flag")) {
            Override::Flag {
                name: flag,
                aliases: strings(o.get("aliases")),
            }
        } else if let Some(env) = string(o.get("env")) {
            Override::Env(env)
        } else if let Some(s) = string(o.get("setting")) {
            Override::Setting(s)
        } else if let Some(s) = string(o.get("args_after")) {
            Override::ArgsAfter(s)
        } else {
            return Err("an override needs flag, env, setting or args_after".into());
        };
        f.overrides.push(ov);
    }
    if let Some(n) = get("name_dir").and_then(Value::as_map) {
        f.name_dir = Some(NameDir {
            flag: string(n.get("flag")).ok_or("name_dir needs flag")?,
            aliases: strings(n.get("aliases")),
            env: string(n.get("env")),
            template: string(n.get("template")).ok_or("name_dir needs template")?,
        });
    }
    for p in get("ports").and_then(Value::as_seq).unwrap_or_default() {
        f.ports
            .push(p.as_str().and_then(|s| s.parse().ok()).ok_or("bad port")?);
    }
    for p in get("peers").and_then(Value::as_seq).unwrap_or_default() {
        let p = p.as_map().ok_or("a peer must be a mapping")?;
        f.peers.push(Peer {
            env: string(p.get("env")).ok_or("peer needs env")?,
            default: string(p.get("default")).ok_or("peer needs default")?,
            port: p
                .get("port")
                .and_then(Value::as_str)
                .and_then(|s| s.parse().ok())
                .ok_or("peer needs port")?,
            served_by: strings(p.get("served_by")),
        });
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::syntax::{Parsed, image::parse_image};

    fn image(s: &str) -> ImageRef {
        match parse_image(s) {
            Parsed::Ok(r) => r,
            _ => panic!(),
        }
    }

    #[test]
    fn the_embedded_knowledge_base_loads() {
        let kb = KnowledgeBase::get();
        assert!(kb.images().len() >= 20);
        let etcd = kb.lookup(&image("quay.io/coreos/etcd:v3.5.5")).unwrap();
        assert_eq!(etcd.data_dir.as_deref(), Some("/var/lib/etcd/default.etcd"));
        assert_eq!(
            etcd.healthcheck_yaml().unwrap(),
            r#"["CMD", "etcdctl", "endpoint", "health"]"#
        );
        let milvus = kb.lookup(&image("milvusdb/milvus:v2.4.0")).unwrap();
        assert_eq!(milvus.peers.len(), 2);
        assert_eq!(milvus.peers[0].default, "localhost:2379");
        assert!(kb.lookup(&image("docker.io/library/postgres:17")).is_some());
        assert!(
            kb.lookup(&image("mcr.microsoft.com/mssql/server:2022-latest"))
                .is_some()
        );
        assert!(kb.lookup(&image("bitnami/postgresql:16")).is_none());
    }

    #[test]
    fn data_directories_by_version() {
        let kb = KnowledgeBase::get();
        let pg = kb.by_repository("postgres").unwrap();
        assert_eq!(
            pg.default_data_dir(Some("17-alpine")).as_deref(),
            Some("/var/lib/postgresql/data")
        );
        assert_eq!(
            pg.default_data_dir(Some("18")).as_deref(),
            Some("/var/lib/postgresql/18/docker")
        );
        assert_eq!(pg.default_data_dir(Some("latest")), None);
        assert_eq!(pg.possible_data_dirs().len(), 2);
        let influx = kb.by_repository("influxdb").unwrap();
        assert_eq!(
            influx.default_data_dir(Some("2.7")).as_deref(),
            Some("/var/lib/influxdb2")
        );
        assert_eq!(
            influx.default_data_dir(Some("1.8")).as_deref(),
            Some("/var/lib/influxdb")
        );
    }

    #[test]
    fn mistakes_in_the_file_are_refused() {
        assert!(KnowledgeBase::parse("images:\n  - names: [a]\n    data_dri: /x\n").is_err());
        assert!(KnowledgeBase::parse("images:\n  - names: [a]\n  - names: [a]\n").is_err());
    }
}
