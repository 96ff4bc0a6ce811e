//! The planner's side of `INCLUDE` (rustfront's own; no BuildKit counterpart, see
//! [`crate::instructions::include`]): each file's global ARG scope, stage references looked up
//! in the referring file's namespace, and one LLB source map per file.
//!
//! For the main Dockerfile every lookup is exactly what it was without INCLUDE: its prefix is
//! empty and every stage is in its scope.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::instructions::include::{Composed, Includes};
use crate::llb::SourceMap;

/// Per file: the stage-name prefix, the stages it may name, its global ARGs.
#[derive(Debug, Clone, Default)]
pub(super) struct Namespaces {
    composed: Composed,
}

impl Namespaces {
    /// `composed` without its stages (the planner takes those).
    pub fn new(composed: Composed) -> Self {
        Namespaces { composed }
    }

    pub fn file_count(&self) -> usize {
        self.composed.files.len()
    }

    /// The file stage `index` comes from (0 for implicit stages, which come later).
    pub fn file_of(&self, index: usize) -> usize {
        self.composed.stage_files.get(index).copied().unwrap_or(0)
    }

    /// The file that includes `file`.
    pub fn parent(&self, file: usize) -> Option<usize> {
        self.composed.files.get(file).and_then(|f| f.parent)
    }

    /// The stages of `file` itself (not those it includes), for per-file checks.
    pub fn own_stages(&self, file: usize) -> impl Iterator<Item = usize> + '_ {
        self.composed
            .stage_files
            .iter()
            .enumerate()
            .filter(move |&(_, &f)| f == file)
            .map(|(i, _)| i)
    }

    pub fn meta_args(&self, file: usize) -> &[crate::instructions::ArgCommand] {
        self.composed
            .files
            .get(file)
            .map_or(&[], |f| f.meta_args.as_slice())
    }

    /// The stage `name` (exactly as `names` keys it, without prefix) names in `file`: its
    /// own or an included one, never another file's.
    pub fn lookup(
        &self,
        names: &BTreeMap<String, usize>,
        file: usize,
        name: &str,
    ) -> Option<usize> {
        let prefix = self
            .composed
            .files
            .get(file)
            .map_or("", |f| f.prefix.as_str());
        let index = if prefix.is_empty() {
            names.get(name).copied()
        } else {
            names.get(&format!("{prefix}{name}")).copied()
        }?;
        (file == 0 || self.composed.in_scope(file, index)).then_some(index)
    }

    /// Stage number `n` as `file` counts them (its own and its included stages in order).
    pub fn nth(&self, file: usize, n: usize) -> Option<usize> {
        self.composed.files.get(file)?.stages.get(n).copied()
    }
}

/// An included file's global ARGs take the value the including file's global ARG of the same
/// name has (build args win over both, see `meta_scope`).
pub(super) fn inherited(
    parent_scope: &BTreeMap<String, String>,
    parent_args: &[crate::instructions::ArgCommand],
) -> BTreeMap<String, String> {
    let declared: BTreeSet<&str> = parent_args
        .iter()
        .flat_map(|c| c.args.iter().map(|a| a.key.text.as_str()))
        .collect();
    parent_scope
        .iter()
        .filter(|(k, _)| declared.contains(k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The source maps of the included files (file `n` is entry `n - 1`), and their names.
pub(super) fn sources(includes: &Includes) -> Vec<Arc<SourceMap>> {
    includes
        .files()
        .iter()
        .map(|f| {
            Arc::new(SourceMap {
                filename: f.path.clone(),
                data: f.data.clone(),
                language: "Dockerfile".into(),
                definition: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
