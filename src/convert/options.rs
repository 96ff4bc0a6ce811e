//! The settings of a conversion: what the frontend's options and the daemon say about how to
//! build (target, build args, platforms, network, caches, limits, context source).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub use crate::llb::ResolveMode;
use crate::llb::{self, Caps, Platform, SourceMap};

/// The default network mode of RUN steps (`force-network-mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NetworkMode {
    #[default]
    Sandbox,
    Host,
    None,
}

/// Which stages ignore the cache (`no-cache`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum NoCache {
    #[default]
    Off,
    All,
    /// Lower-cased stage names.
    Stages(BTreeSet<String>),
}

impl NoCache {
    /// Whether the stage named `name` (if any) ignores the cache.
    pub fn applies_to(&self, name: Option<&str>) -> bool {
        match self {
            NoCache::Off => false,
            NoCache::All => true,
            NoCache::Stages(names) => name.is_some_and(|n| names.contains(&n.to_lowercase())),
        }
    }
}

/// Settings of one conversion (one target platform): everything but the Dockerfile itself
/// and the resolved base images. Built once from the frontend's options (or by `debug llb`),
/// then completed per build (session, caps, source) and per target platform.
#[derive(Debug, Clone)]
pub struct ConvertOptions {
    /// The stage to build (`--target`); `None` is the last stage.
    pub target: Option<String>,
    pub build_args: BTreeMap<String, String>,
    /// `label:*` options, merged into the target's labels.
    pub labels: BTreeMap<String, String>,
    pub build_platform: Platform,
    /// The explicitly requested platform (`platform` option); `None` builds for the build
    /// platform and keeps whatever the base image says.
    pub target_platform: Option<Platform>,
    /// Put the platform into progress names (multi-platform builds).
    pub platform_in_names: bool,
    pub network: NetworkMode,
    pub extra_hosts: Vec<(String, String)>,
    pub hostname: Option<String>,
    pub shm_size: Option<u64>,
    /// `ulimit` option: applied to every RUN when the daemon has `exec.meta.ulimit`.
    pub ulimits: Vec<llb::Ulimit>,
    /// `cgroup-parent` option: applied when the daemon has `exec.meta.cgroup.parent`.
    pub cgroup_parent: Option<String>,
    /// `SOURCE_DATE_EPOCH` (seconds): history timestamps and WORKDIR mkdir times.
    pub epoch: Option<i64>,
    pub no_cache: NoCache,
    pub resolve_mode: ResolveMode,
    /// Session id for the build context local.
    pub session_id: String,
    /// Name of the build context local.
    pub context_local: String,
    /// `.dockerignore` patterns.
    pub excludes: Vec<String>,
    /// A remote build context's filesystem (a git repository or a URL); `None` reads the
    /// client's `context` local.
    pub remote_context: Option<llb::Output>,
    /// Named contexts (`context:NAME[::PLATFORM]` options → value; see
    /// [`contexts`](crate::convert::contexts)).
    pub named_contexts: BTreeMap<String, String>,
    /// The daemon's LLB caps; `None` assumes a current BuildKit.
    pub llb_caps: Option<Caps>,
    /// The Dockerfile, for source locations in the LLB.
    pub source: Arc<SourceMap>,
    /// Dispatch every stage, not only those the target needs (`frontend.lint` without a
    /// target checks them all).
    pub all_stages: bool,
    /// The largest definition the daemon accepts (bytes): conversion stops with an error at
    /// the instruction whose ops take the LLB past it (see
    /// [`definition_too_large`](crate::convert::definition_too_large)). `None` converts whatever
    /// the size.
    pub max_definition_size: Option<usize>,
}

impl ConvertOptions {
    /// Options for a local conversion of `dockerfile` (as `debug llb` does).
    pub fn new(filename: &str, dockerfile: &[u8], build_platform: Platform) -> Self {
        ConvertOptions {
            target: None,
            build_args: BTreeMap::new(),
            labels: BTreeMap::new(),
            build_platform,
            target_platform: None,
            platform_in_names: false,
            network: NetworkMode::Sandbox,
            extra_hosts: Vec::new(),
            hostname: None,
            shm_size: None,
            ulimits: Vec::new(),
            cgroup_parent: None,
            epoch: None,
            no_cache: NoCache::Off,
            resolve_mode: ResolveMode::Default,
            session_id: String::new(),
            context_local: "context".into(),
            excludes: Vec::new(),
            named_contexts: BTreeMap::new(),
            remote_context: None,
            llb_caps: None,
            source: Arc::new(SourceMap {
                filename: filename.into(),
                data: dockerfile.to_vec(),
                language: "Dockerfile".into(),
                definition: None,
            }),
            all_stages: false,
            max_definition_size: None,
        }
    }

    pub(crate) fn has_cap(&self, cap: &str) -> bool {
        self.llb_caps.as_ref().is_none_or(|c| c.contains(cap))
    }
}

impl Default for ConvertOptions {
    /// An empty Dockerfile built for linux/amd64 with BuildKit's defaults.
    fn default() -> Self {
        ConvertOptions::new("Dockerfile", b"", Platform::new("linux", "amd64"))
    }
}
