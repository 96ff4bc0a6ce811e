//! The graph values: immutable, content-addressed op nodes and the outputs that point at them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use sha2::{Digest as _, Sha256};

use crate::proto::pb;

/// `OpMetadata.description` key of the vertex name shown in progress output.
pub const CUSTOM_NAME_KEY: &str = "llb.customname";
/// `OpMetadata.description` key the Dockerfile frontend uses for the instruction text.
pub const DOCKERFILE_COMMAND_KEY: &str = "com.docker.dockerfile.v1.command";

/// A source file (the Dockerfile, a `Cargo.toml`, …) that ops can point into, for BuildKit's
/// error snippets.
///
/// This is `pb.SourceInfo` (Go `llb.SourceMap`). Share one `Arc<SourceMap>` between the ops
/// that point into the same file: [`marshal`](crate::marshal) writes one
/// `Definition.source.infos` entry per distinct map, and when a vertex fails BuildKit shows
/// the lines given by [`OpMeta::location`] under the error.
///
/// ```
/// use std::sync::Arc;
/// use rustfront_llb::{OpMeta, SourceMap, line_ranges};
///
/// let dockerfile = Arc::new(SourceMap {
///     filename: "Dockerfile".into(),
///     data: b"FROM alpine\nRUN make\n".to_vec(),
///     language: "Dockerfile".into(),
///     definition: None,
/// });
/// let meta = OpMeta::new().location(&dockerfile, line_ranges(2, 2)); // the RUN line
/// assert_eq!(meta.locations.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceMap {
    /// The name shown to the user, e.g. `Dockerfile`.
    pub filename: String,
    /// The whole file.
    pub data: Vec<u8>,
    /// For example `Dockerfile` (understood by BuildKit v0.12+, ignored before).
    pub language: String,
    /// The LLB that loaded the file, if the caller wants BuildKit to show it.
    pub definition: Option<pb::Definition>,
}

/// Where in a [`SourceMap`] an op comes from (`pb.Location`, made by [`OpMeta::location`]).
#[derive(Debug, Clone)]
pub struct SourceLocation {
    /// The file.
    pub source: Arc<SourceMap>,
    /// The ranges in it, 1-based lines (see [`line_ranges`]).
    pub ranges: Vec<pb::Range>,
}

/// One range per line of `start..=end` (1-based), as the Dockerfile frontend locates an
/// instruction (an `end` before `start` counts as `start`).
pub fn line_ranges(start: u32, end: u32) -> Vec<pb::Range> {
    (start..=end.max(start)).map(|l| line_range(l, l)).collect()
}

/// A range covering whole lines `start..=end` (1-based), character 0.
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
///
/// This is Go's `pb.OpMetadata` plus source locations, set on a builder with its `meta`
/// method. The default is empty: no name, cache used, export decided by the daemon.
///
/// ```
/// use rustfront_llb::{Image, OpMeta};
///
/// let base = Image::new("alpine")
///     .meta(OpMeta::new().custom_name("[internal] load alpine").ignore_cache(true))
///     .build()?;
/// assert_eq!(base.meta().name(), Some("[internal] load alpine"));
/// assert!(base.meta().caps.contains("source.image")); // added by the builder
/// # Ok::<(), rustfront_llb::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct OpMeta {
    /// `OpMetadata.description`; see [`CUSTOM_NAME_KEY`] and [`DOCKERFILE_COMMAND_KEY`].
    pub description: BTreeMap<String, String>,
    /// `OpMetadata.ignore_cache`: rebuild this vertex even when a cache record exists (what
    /// `--no-cache` does). Needs [`caps::META_IGNORE_CACHE`](crate::caps::META_IGNORE_CACHE),
    /// which [`marshal`](crate::marshal) adds to the terminal op.
    pub ignore_cache: bool,
    /// `Some(true)`/`Some(false)` forces/forbids cache export of this vertex.
    pub export_cache: Option<bool>,
    /// `OpMetadata.progress_group` (BuildKit v0.10+; older daemons ignore it): vertices with the
    /// same group ID are shown together in the progress output.
    pub progress_group: Option<pb::ProgressGroup>,
    /// The caps this op needs (`OpMetadata.caps`). Builders add those their features need when
    /// they build the op; set extra ones with [`cap`](Self::cap). BuildKit rejects a
    /// definition naming a cap it does not know; see [`MarshalOptions::caps`](crate::MarshalOptions::caps)
    /// to check them before sending.
    pub caps: BTreeSet<String>,
    /// Where in source files this op comes from (`Definition.source.locations`), in the order
    /// added.
    pub locations: Vec<SourceLocation>,
}

impl OpMeta {
    /// Empty metadata (the same as `OpMeta::default()`).
    pub fn new() -> Self {
        Self::default()
    }

    /// The progress name (`llb.customname`).
    pub fn custom_name(self, name: impl Into<String>) -> Self {
        self.description(CUSTOM_NAME_KEY, name)
    }

    /// Sets one `OpMetadata.description` entry (for example [`DOCKERFILE_COMMAND_KEY`]).
    pub fn description(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.description.insert(key.into(), value.into());
        self
    }

    /// Sets [`ignore_cache`](Self::ignore_cache): `true` rebuilds this vertex.
    pub fn ignore_cache(mut self, ignore: bool) -> Self {
        self.ignore_cache = ignore;
        self
    }

    /// Forces (`true`) or forbids (`false`) exporting this vertex's cache
    /// (`OpMetadata.export_cache`, cap [`caps::META_EXPORT_CACHE`](crate::caps::META_EXPORT_CACHE)).
    pub fn export_cache(mut self, export: bool) -> Self {
        self.export_cache = Some(export);
        self
    }

    /// Puts the vertex in progress group `id`, shown as one line named `name`. A `weak` member
    /// does not make the group visible by starting; the group shows once a non-weak member
    /// starts (as `COPY --link` uses it in the Dockerfile frontend).
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

    /// Declares an extra cap (see [`caps`](crate::caps)), e.g. to make an old daemon refuse the
    /// definition up front instead of silently ignoring a field it does not know.
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

/// Dropping a graph frees long input chains in a loop: the default recursive drop would use
/// one stack frame per op and overflow on graphs of some 100k chained ops.
impl Drop for Node {
    fn drop(&mut self) {
        let mut pending: Vec<Output> = std::mem::take(&mut self.inputs);
        while let Some(output) = pending.pop() {
            // Only the last owner of a node takes its inputs; others just drop a reference.
            if let Ok(mut node) = Arc::try_unwrap(output.node) {
                pending.append(&mut node.inputs);
            }
        }
    }
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

    /// The size of the marshaled op in bytes (what it adds to `Definition.def`).
    pub fn op_len(&self) -> usize {
        self.node.bytes.len()
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

/// `sha256:` + lowercase hex of the SHA-256 of `bytes` (an op's digest, from its bytes).
pub fn digest_of(bytes: &[u8]) -> String {
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
    let bytes = super::encode::encode_op(&op);
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
    fn long_chains_drop_without_recursion() {
        // 100k chained ops: a recursive drop overflows a test thread's stack.
        let mut out = new_output(
            pb::Op::default(),
            Inputs::default(),
            BTreeSet::new(),
            OpMeta::new(),
        );
        for _ in 0..100_000 {
            let mut inputs = Inputs::default();
            inputs.index_of(Some(&out));
            out = new_output(pb::Op::default(), inputs, BTreeSet::new(), OpMeta::new());
        }
        drop(out);
    }

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
