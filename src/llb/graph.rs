//! The graph values: immutable, content-addressed op nodes and the outputs that point at them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use prost::Message;
use sha2::{Digest as _, Sha256};

use crate::proto::pb;

/// `OpMetadata.description` key of the vertex name shown in progress output.
pub const CUSTOM_NAME_KEY: &str = "llb.customname";
/// `OpMetadata.description` key the Dockerfile frontend uses for the instruction text.
pub const DOCKERFILE_COMMAND_KEY: &str = "com.docker.dockerfile.v1.command";

/// A source file (the Dockerfile) that ops can point into, for BuildKit's error snippets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceMap {
    pub filename: String,
    /// The whole file.
    pub data: Vec<u8>,
    /// For example `Dockerfile` (understood by BuildKit v0.12+, ignored before).
    pub language: String,
    /// The LLB that loaded the file, if the caller wants BuildKit to show it.
    pub definition: Option<pb::Definition>,
}

/// Where in a [`SourceMap`] an op comes from.
#[derive(Debug, Clone)]
pub struct SourceLocation {
    pub source: Arc<SourceMap>,
    pub ranges: Vec<pb::Range>,
}

/// A range covering whole lines `start..=end` (1-based), character 0, as the Dockerfile
/// frontend sends them.
pub fn line_range(start: u32, end: u32) -> pb::Range {
    let pos = |line: u32| pb::Position {
        line: i32::try_from(line).unwrap_or(i32::MAX),
        character: 0,
    };
    pb::Range {
        start: Some(pos(start)),
        end: Some(pos(end)),
    }
}

/// Per-op metadata: everything that goes into `Definition.metadata` and `Definition.source`
/// rather than into the op bytes (so it never changes a digest).
#[derive(Debug, Clone, Default)]
pub struct OpMeta {
    /// `OpMetadata.description`; see [`CUSTOM_NAME_KEY`] and [`DOCKERFILE_COMMAND_KEY`].
    pub description: BTreeMap<String, String>,
    pub ignore_cache: bool,
    /// `Some(true)`/`Some(false)` forces/forbids cache export of this vertex.
    pub export_cache: Option<bool>,
    pub progress_group: Option<pb::ProgressGroup>,
    /// Extra caps on top of those the op's features need.
    pub caps: BTreeSet<String>,
    pub locations: Vec<SourceLocation>,
}

impl OpMeta {
    pub fn new() -> Self {
        Self::default()
    }

    /// The progress name (`llb.customname`).
    pub fn custom_name(self, name: impl Into<String>) -> Self {
        self.description(CUSTOM_NAME_KEY, name)
    }

    pub fn description(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.description.insert(key.into(), value.into());
        self
    }

    pub fn ignore_cache(mut self, ignore: bool) -> Self {
        self.ignore_cache = ignore;
        self
    }

    pub fn export_cache(mut self, export: bool) -> Self {
        self.export_cache = Some(export);
        self
    }

    pub fn progress_group(
        mut self,
        id: impl Into<String>,
        name: impl Into<String>,
        weak: bool,
    ) -> Self {
        self.progress_group = Some(pb::ProgressGroup {
            id: id.into(),
            name: name.into(),
            weak,
        });
        self
    }

    pub fn cap(mut self, id: impl Into<String>) -> Self {
        self.caps.insert(id.into());
        self
    }

    /// Adds a source location (which lines of `source` this op implements).
    pub fn location(mut self, source: &Arc<SourceMap>, ranges: Vec<pb::Range>) -> Self {
        self.locations.push(SourceLocation {
            source: Arc::clone(source),
            ranges,
        });
        self
    }

    /// The custom name, if set.
    pub fn name(&self) -> Option<&str> {
        self.description.get(CUSTOM_NAME_KEY).map(String::as_str)
    }
}

/// One marshaled op with its inputs and metadata. Built once, never changed.
pub(crate) struct Node {
    pub(crate) bytes: Vec<u8>,
    pub(crate) digest: String,
    /// `Op.inputs` in order, then equal outputs that were built separately.
    pub(crate) inputs: Vec<Output>,
    pub(crate) meta: OpMeta,
}

/// One output of an op: what a filesystem state is made of. A scratch (empty) state is the
/// absence of an output, so APIs take and return `Option<Output>`.
///
/// Cloning is cheap (an `Arc`). Two outputs are equal when they name the same op bytes and
/// the same output index, however they were built.
#[derive(Clone)]
pub struct Output {
    pub(crate) node: Arc<Node>,
    pub(crate) index: i64,
}

impl Output {
    /// The op digest, `sha256:<hex>` of its marshaled bytes.
    pub fn digest(&self) -> &str {
        &self.node.digest
    }

    /// Which output of the op this is.
    pub fn index(&self) -> i64 {
        self.index
    }

    /// The metadata given to the op.
    pub fn meta(&self) -> &OpMeta {
        &self.node.meta
    }

    /// The op as a `pb::Input` reference.
    pub fn to_input(&self) -> pb::Input {
        pb::Input {
            digest: self.node.digest.clone(),
            index: self.index,
        }
    }

    /// The same op's output number `index` (for ops with several outputs).
    pub(crate) fn sibling(&self, index: i64) -> Output {
        Output {
            node: Arc::clone(&self.node),
            index,
        }
    }
}

impl PartialEq for Output {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index && self.node.digest == other.node.digest
    }
}

impl Eq for Output {}

impl Hash for Output {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.node.digest.hash(state);
        self.index.hash(state);
    }
}

impl fmt::Debug for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Output({}#{})", self.node.digest, self.index)
    }
}

/// `sha256:` + lowercase hex of the SHA-256 of `bytes`.
pub(crate) fn digest_of(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hash = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in hash {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}

/// Collects an op's inputs, giving each distinct output one index.
///
/// Equal outputs built separately share an index, but every one of them is kept for the
/// marshal walk so that all their metadata ends up in the definition.
#[derive(Default)]
pub(crate) struct Inputs {
    listed: Vec<Output>,
    also_reachable: Vec<Output>,
}

impl Inputs {
    /// The index of `output` in `Op.inputs`, or -1 for scratch.
    pub(crate) fn index_of(&mut self, output: Option<&Output>) -> i64 {
        let Some(output) = output else { return -1 };
        let pos = match self.listed.iter().position(|o| o == output) {
            Some(pos) => {
                let same_node = |o: &Output| Arc::ptr_eq(&o.node, &output.node);
                if !self.listed.iter().any(same_node) && !self.also_reachable.iter().any(same_node)
                {
                    self.also_reachable.push(output.clone());
                }
                pos
            }
            None => {
                self.listed.push(output.clone());
                self.listed.len() - 1
            }
        };
        i64::try_from(pos).unwrap_or(i64::MAX)
    }

    /// Appends `output` even when already present (merge ops list every input).
    pub(crate) fn push(&mut self, output: &Output) -> i64 {
        self.listed.push(output.clone());
        i64::try_from(self.listed.len() - 1).unwrap_or(i64::MAX)
    }

    pub(crate) fn len(&self) -> i64 {
        i64::try_from(self.listed.len()).unwrap_or(i64::MAX)
    }
}

/// Finishes a non-terminal op: fills `inputs`, sets the empty worker constraints Go always
/// writes, encodes, digests and records the metadata with the op's caps added.
pub(crate) fn new_output(
    mut op: pb::Op,
    inputs: Inputs,
    caps: BTreeSet<&'static str>,
    mut meta: OpMeta,
) -> Output {
    op.inputs = inputs.listed.iter().map(Output::to_input).collect();
    op.constraints = Some(pb::WorkerConstraints::default());
    let bytes = op.encode_to_vec();
    meta.caps.extend(caps.into_iter().map(str::to_owned));
    Output {
        node: Arc::new(Node {
            digest: digest_of(&bytes),
            bytes,
            inputs: inputs
                .listed
                .into_iter()
                .chain(inputs.also_reachable)
                .collect(),
            meta,
        }),
        index: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_lowercase_hex_sha256() {
        assert_eq!(
            digest_of(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn inputs_are_deduplicated_unless_pushed() {
        let out = new_output(
            pb::Op::default(),
            Inputs::default(),
            BTreeSet::new(),
            OpMeta::new(),
        );
        let mut inputs = Inputs::default();
        assert_eq!(inputs.index_of(None), -1);
        assert_eq!(inputs.index_of(Some(&out)), 0);
        assert_eq!(inputs.index_of(Some(&out.sibling(1))), 1);
        assert_eq!(inputs.index_of(Some(&out)), 0);
        assert_eq!(inputs.push(&out), 2);
        assert_eq!(inputs.len(), 3);
    }

    #[test]
    fn line_range_is_whole_lines() {
        let r = line_range(3, 5);
        assert_eq!(r.start.map(|p| (p.line, p.character)), Some((3, 0)));
        assert_eq!(r.end.map(|p| (p.line, p.character)), Some((5, 0)));
    }
}
