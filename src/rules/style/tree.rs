//! The style rules' view of a file: its YAML tree as written, one file and
//! one document at a time, with `<<` keys, anchors and aliases unexpanded.
//!
//! Style is a property of the text, not of the merged project: an override
//! file is judged on its own order, and a list merged in through
//! `<<: *defaults` is judged once, where it is written, with the merge site
//! as a second label. A node reached through an alias or a merge key, or one
//! inside an anchored node that an alias uses, is *shared*: an edit there
//! would change every user, so the rules report it without a fix.

use std::collections::{HashMap, HashSet};

use crate::diag::{Edit, Finding, Fix};
use crate::load::yaml::{Comment, NodeId, NodeKind, Style, YamlFile};
use crate::load::{Via, ViaKind};
use crate::model::{FileFacts, Project};
use crate::source::SourceFile;
use crate::span::{FileId, Span};

/// One file of the project, as written.
pub struct FileView<'a> {
    pub project: &'a Project,
    pub file: FileId,
    pub yaml: &'a YamlFile,
    pub source: &'a SourceFile,
    pub text: &'a str,
    pub comments: &'a [Comment],
    parents: Vec<Option<NodeId>>,
    /// The first alias naming each aliased node.
    aliased: HashMap<NodeId, NodeId>,
    /// Every alias node, in document order.
    pub aliases: Vec<NodeId>,
    /// Anchor names defined more than once in the file.
    pub repeated_anchors: HashSet<&'a str>,
    /// Lines holding an own-line comment, with the comment's column.
    pub comment_lines: HashMap<usize, usize>,
    /// The line break the file uses.
    pub newline: &'static str,
}

/// A value found under a key, and how it got there.
#[derive(Clone, Copy, Debug)]
pub struct Found {
    /// The value (an alias already followed).
    pub node: NodeId,
    /// The alias or merge key that brought it in, if any.
    pub via: Option<Via>,
}

/// A service as written under `services:`.
#[derive(Clone, Debug)]
pub struct ServiceRef {
    pub name: String,
    /// The key naming it.
    pub key: NodeId,
    /// Its mapping (an alias already followed).
    pub node: NodeId,
    pub via: Option<Via>,
}

impl<'a> FileView<'a> {
    /// Every file of the project.
    pub fn all(project: &'a Project) -> impl Iterator<Item = FileView<'a>> + 'a {
        project.files.iter().map(move |f| FileView::new(project, f))
    }

    pub fn new(project: &'a Project, facts: &'a FileFacts) -> FileView<'a> {
        let yaml: &YamlFile = &facts.yaml;
        let source = &**project.sources.get(facts.id);
        let mut parents = vec![None; yaml.nodes.len()];
        let mut aliased = HashMap::new();
        let mut aliases = Vec::new();
        for (i, node) in yaml.nodes.iter().enumerate() {
            let id = NodeId(i as u32);
            match &node.kind {
                NodeKind::Seq(items) => {
                    for c in items {
                        parents[c.0 as usize] = Some(id);
                    }
                }
                NodeKind::Map(entries) => {
                    for (k, v) in entries {
                        parents[k.0 as usize] = Some(id);
                        parents[v.0 as usize] = Some(id);
                    }
                }
                NodeKind::Alias { target } => {
                    aliased.entry(*target).or_insert(id);
                    aliases.push(id);
                }
                _ => {}
            }
        }
        let mut seen = HashSet::new();
        let repeated_anchors = yaml
            .anchors
            .iter()
            .filter(|a| !seen.insert(&*a.name))
            .map(|a| &*a.name)
            .collect();
        let lines = &source.lines;
        let comment_lines = facts
            .comments
            .iter()
            .filter(|c| c.own_line && c.span.file == facts.id)
            .map(|c| {
                let l = lines.line_of(c.span.start as usize);
                (l, c.span.start as usize - lines.line_start(l))
            })
            .collect();
        FileView {
            project,
            file: facts.id,
            yaml,
            source,
            text: &source.text,
            comments: &facts.comments,
            parents,
            aliased,
            aliases,
            repeated_anchors,
            comment_lines,
            newline: if source.text.contains("\r\n") {
                "\r\n"
            } else {
                "\n"
            },
        }
    }

    /// The root of every document that parsed.
    pub fn roots(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.yaml
            .documents
            .iter()
            .filter(|d| !d.broken)
            .filter_map(|d| d.root)
    }

    /// The collection holding a node (`None` for a document's root).
    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.parents[id.0 as usize]
    }

    pub fn span(&self, id: NodeId) -> Span {
        self.yaml.span(id)
    }

    pub fn kind(&self, id: NodeId) -> &'a NodeKind {
        &self.yaml.node(id).kind
    }

    /// The entries of a mapping node (none for anything else).
    pub fn entries(&self, id: NodeId) -> &'a [(NodeId, NodeId)] {
        match self.kind(id) {
            NodeKind::Map(e) => e,
            _ => &[],
        }
    }

    /// The items of a sequence node (none for anything else).
    pub fn items(&self, id: NodeId) -> &'a [NodeId] {
        match self.kind(id) {
            NodeKind::Seq(i) => i,
            _ => &[],
        }
    }

    /// The value of a scalar node.
    pub fn scalar(&self, id: NodeId) -> Option<&'a str> {
        self.yaml.scalar_text(self.text, id)
    }

    pub fn style(&self, id: NodeId) -> Option<Style> {
        match self.kind(id) {
            NodeKind::Scalar { style, .. } => Some(*style),
            _ => None,
        }
    }

    /// The source text of a node.
    pub fn source_text(&self, id: NodeId) -> &'a str {
        self.text.get(self.span(id).range()).unwrap_or("")
    }

    /// A plain `<<` key.
    pub fn is_merge_key(&self, id: NodeId) -> bool {
        self.style(id) == Some(Style::Plain) && self.scalar(id) == Some("<<")
    }

    /// Follow an alias: the node it names, and the alias as the via.
    pub fn resolve(&self, id: NodeId) -> (NodeId, Option<Via>) {
        match self.kind(id) {
            NodeKind::Alias { target } => (*target, Some(self.alias_via(id))),
            _ => (id, None),
        }
    }

    /// The via of an alias node: a merge when it is (an item of) the value
    /// of a `<<` key.
    fn alias_via(&self, alias: NodeId) -> Via {
        let mut child = alias;
        let mut parent = self.parents[alias.0 as usize];
        if let Some(p) = parent
            && matches!(self.kind(p), NodeKind::Seq(_))
        {
            child = p;
            parent = self.parents[p.0 as usize];
        }
        let merge = parent.is_some_and(|p| {
            self.entries(p)
                .iter()
                .any(|(k, v)| *v == child && self.is_merge_key(*k))
        });
        Via {
            span: self.span(alias),
            kind: if merge {
                ViaKind::Merge
            } else {
                ViaKind::Alias
            },
        }
    }

    /// The value of `key` in a mapping as YAML resolves it: an explicit key
    /// wins (the last one when it is repeated), else the first `<<` source
    /// that has it.
    pub fn get(&self, map: NodeId, key: &str) -> Option<Found> {
        self.get_depth(map, key, 0)
    }

    fn get_depth(&self, map: NodeId, key: &str, depth: usize) -> Option<Found> {
        if depth > 32 {
            return None;
        }
        let entries = self.entries(map);
        if let Some((_, v)) = entries
            .iter()
            .rev()
            .find(|(k, _)| !self.is_merge_key(*k) && self.scalar(*k) == Some(key))
        {
            let (node, via) = self.resolve(*v);
            return Some(Found { node, via });
        }
        for (k, v) in entries {
            if !self.is_merge_key(*k) {
                continue;
            }
            let sources: Vec<NodeId> = match self.kind(*v) {
                NodeKind::Seq(items) => items.clone(),
                _ => vec![*v],
            };
            for s in sources {
                let (source, via) = self.resolve(s);
                if let Some(found) = self.get_depth(source, key, depth + 1) {
                    return Some(Found {
                        node: found.node,
                        via: via.or(found.via),
                    });
                }
            }
        }
        None
    }

    /// When the node, or a node containing it, carries an anchor that an
    /// alias uses: that alias.
    pub fn shared(&self, id: NodeId) -> Option<Via> {
        let mut at = Some(id);
        while let Some(n) = at {
            if let Some(alias) = self.aliased.get(&n) {
                return Some(self.alias_via(*alias));
            }
            at = self.parents[n.0 as usize];
        }
        None
    }

    /// Written in flow style (`[...]`, `{...}`).
    pub fn is_flow(&self, id: NodeId) -> bool {
        matches!(self.kind(id), NodeKind::Seq(_) | NodeKind::Map(_))
            && matches!(
                self.text.as_bytes().get(self.span(id).start as usize),
                Some(b'[' | b'{')
            )
    }

    /// The services written under the top-level `services:` of a document:
    /// name, key and mapping. `x-` keys, `<<` keys and services that are not
    /// mappings are left out.
    pub fn services(&self, root: NodeId) -> Vec<ServiceRef> {
        let Some(services) = self.get(root, "services") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in self.entries(services.node) {
            if self.is_merge_key(*k) {
                continue;
            }
            let Some(name) = self.scalar(*k) else {
                continue;
            };
            if name.starts_with("x-") {
                continue;
            }
            let (node, via) = self.resolve(*v);
            if !matches!(self.kind(node), NodeKind::Map(_)) {
                continue;
            }
            out.push(ServiceRef {
                name: name.to_string(),
                key: *k,
                node,
                via: services.via.or(via),
            });
        }
        out
    }

    /// Why a node may not be edited: shared through an alias or a merge
    /// key (given `via`, or an anchor on it or around it).
    pub fn sharing(&self, id: NodeId, via: Option<Via>) -> Option<Via> {
        via.or_else(|| self.shared(id))
    }

    /// The entries of a mapping as the ordering rules see them: each key's
    /// `rank` (`None` for a merge key, or a key `rank` leaves in place),
    /// its name (`<<` for a merge key) and its span.
    pub fn ranked_entries<R>(
        &self,
        map: NodeId,
        rank: impl Fn(&str) -> Option<R>,
    ) -> (Vec<Option<R>>, Vec<String>, Vec<Span>) {
        let entries = self.entries(map);
        let mut keys = Vec::with_capacity(entries.len());
        let mut names = Vec::with_capacity(entries.len());
        for (k, _) in entries {
            let name = self.scalar(*k).filter(|_| !self.is_merge_key(*k));
            keys.push(name.and_then(&rank));
            names.push(name.unwrap_or("<<").to_string());
        }
        let spans = entries.iter().map(|(k, _)| self.span(*k)).collect();
        (keys, names, spans)
    }

    /// Give `f` a safe fix that writes `replacement` over the node, or,
    /// when the node is shared (see [`FileView::sharing`]), no fix and a
    /// help that says why.
    pub fn fix_unless_shared(
        &self,
        mut f: Finding,
        mut help: String,
        node: NodeId,
        via: Option<Via>,
        title: String,
        replacement: String,
    ) -> Finding {
        match self.sharing(node, via) {
            Some(via) => {
                f = f.via(Some(via));
                help.push_str(". ");
                help.push_str(no_fix_because(via));
            }
            None => {
                f = f.fix(Fix::safe(
                    title,
                    vec![Edit {
                        span: self.span(node),
                        replacement,
                    }],
                ));
            }
        }
        f.help(help)
    }
}

/// A sentence for a finding's help saying why it has no fix.
pub fn no_fix_because(via: Via) -> &'static str {
    match via.kind {
        ViaKind::Merge => {
            "No automatic fix: the value is merged into other places through `<<`, and an edit would change every one of them."
        }
        _ => {
            "No automatic fix: the value is shared through an alias, and an edit would change every place that uses it."
        }
    }
}
