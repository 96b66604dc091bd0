//! Model: the effective value of a project → the typed Compose [`Project`].
//!
//! - [`schema`] validates the value against the Compose JSON schema.
//! - [`lower`] builds the typed model ([`types`]), normalising short and long
//!   syntax; [`syntax`] holds the short-syntax parsers it uses.

pub mod lower;
pub mod schema;
pub mod syntax;
pub mod types;
pub mod words;

pub use types::*;

use crate::load::{LoadedProject, ValueKind};

/// Validate and lower a loaded project, every profile active.
pub fn build(loaded: LoadedProject) -> Project {
    build_with(loaded, None)
}

/// Validate and lower a loaded project with the given active profiles
/// (`None`: every service enabled; `*` activates every profile).
pub fn build_with(loaded: LoadedProject, profiles: Option<&[String]>) -> Project {
    let LoadedProject {
        sources,
        files,
        root,
        mut problems,
        env: _,
        inputs,
        resets,
    } = loaded;
    let complete = inputs > 1
        || files.first().is_some_and(|f| {
            let path = &sources.get(f.id).path;
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| crate::load::DEFAULT_FILE_NAMES.contains(&n))
        });
    let mut project = Project {
        resets,
        complete,
        sources,
        files: files
            .into_iter()
            .map(|f| FileFacts {
                id: f.id,
                comments: f.yaml.comments.clone(),
                versions: f.versions,
                yaml: std::sync::Arc::new(f.yaml),
            })
            .collect(),
        ..Project::default()
    };
    if let Some(root) = &root {
        // Validation and lowering read the same value independently.
        let (schema_problems, ()) =
            rayon::join(|| schema::validate(root), || lower_root(&mut project, root));
        problems.extend(schema_problems);
    }
    project.root = root;
    project.problems = problems;
    if let Some(active) = profiles {
        apply_profiles(&mut project, active);
    }
    project
}

/// Move the services that no active profile enables to `disabled`.
fn apply_profiles(project: &mut Project, active: &[String]) {
    project.profiles = Some(active.to_vec());
    if active.iter().any(|p| p == "*") {
        return;
    }
    let services = std::mem::take(&mut project.services);
    for (name, s) in services {
        let enabled = s.profiles.is_empty() || s.profiles.iter().any(|p| active.contains(&p.value));
        if enabled {
            project.services.insert(name, s);
        } else {
            project.disabled.insert(name, s);
        }
    }
}

fn lower_root(project: &mut Project, root: &crate::load::Value) {
    let Some(map) = root.as_map() else { return };
    project.services_entry = map.entries.iter().position(|e| &*e.key.text == "services");
    for e in &map.entries {
        let v = &e.value;
        let named = |v: &crate::load::Value| -> NameMap<Resource> {
            v.as_map()
                .map(|m| {
                    m.entries
                        .iter()
                        .filter(|e| !e.key.text.starts_with("x-"))
                        .map(|e| (String::from(&*e.key.text), lower::resource(e)))
                        .collect()
                })
                .unwrap_or_default()
        };
        match &*e.key.text {
            "name" => project.name = lower::sp_str(v),
            "services" => {
                project.services_key = Some(e.key.span);
                if let ValueKind::Map(m) = &v.kind {
                    project.services.reserve(m.entries.len());
                    for (i, s) in m.entries.iter().enumerate() {
                        if s.key.text.starts_with("x-") {
                            continue;
                        }
                        project
                            .services
                            .insert(String::from(&*s.key.text), lower::service(s, i));
                    }
                }
            }
            "networks" => project.networks = named(v),
            "volumes" => project.volumes = named(v),
            "secrets" => project.secrets = named(v),
            "configs" => project.configs = named(v),
            "models" => project.models = named(v),
            "include" => {
                if let Some(items) = v.as_seq() {
                    project.include = items.iter().filter_map(lower::include).collect();
                }
            }
            k if k.starts_with("x-") => {
                project
                    .extensions
                    .push(Sp::new(k.to_string(), e.key.span, e.key.via))
            }
            _ => {}
        }
    }
}

impl Project {
    /// Whether every `include` of the project was followed (none is remote,
    /// missing or cyclic): the services of included files are then all in
    /// the model.
    pub fn includes_followed(&self) -> bool {
        use crate::load::ProblemKind;
        !self.problems.iter().any(|p| {
            matches!(
                p.kind,
                ProblemKind::IncludeInvalid | ProblemKind::IncludeRemote
            )
        })
    }

    /// The effective (raw) value of a service.
    pub fn raw_service(&self, service: &Service) -> Option<&crate::load::Value> {
        Some(&self.raw_services()?.entries.get(service.index)?.value)
    }

    /// The effective (raw) `services` mapping.
    pub fn raw_services(&self) -> Option<&crate::load::Map> {
        let root = self.root.as_ref()?.as_map()?;
        root.entries.get(self.services_entry?)?.value.as_map()
    }

    /// A service by name.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.get(name).map(|s| &**s)
    }
}
