//! Stages → LLB graph and image config: the DAG of stages, pruning, ARG/ENV scoping,
//! progress names and the source map.
//!
//! Conversion has two steps so that it stays pure: [`Plan::new`] reads the Dockerfile and
//! finds the stages the target needs and the base images they name; the caller resolves those
//! images (through BuildKit, or not at all for `debug llb`), then [`convert`] dispatches the
//! stages into LLB and an image config.

mod dispatch;
mod env;
pub mod image;
mod names;
mod plan;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use dispatch::convert;
pub use env::EnvList;
pub use image::Image;
pub use plan::{Base, ImageRequest, Plan, PlanInputs, PlannedStage, platform_args};

use crate::dockerfile::Span;
use crate::frontend::{NetworkMode, NoCache, ResolveMode};
use crate::instructions::InstructionError;
use crate::llb::{self, Caps, Platform, SourceMap};

/// A conversion failure; `span` names the Dockerfile lines when there are any.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConvertError {
    pub span: Option<Span>,
    pub message: String,
}

impl std::fmt::Display for ConvertError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.span {
            Some(span) => write!(f, "Dockerfile:{}: {}", span.start.line, self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl ConvertError {
    pub fn at(span: Span, message: impl Into<String>) -> Self {
        ConvertError {
            span: Some(span),
            message: message.into(),
        }
    }

    pub fn message(message: impl Into<String>) -> Self {
        ConvertError {
            span: None,
            message: message.into(),
        }
    }
}

impl From<InstructionError> for ConvertError {
    fn from(e: InstructionError) -> Self {
        ConvertError::at(e.span, e.message)
    }
}

/// Settings of one conversion (one target platform).
#[derive(Debug, Clone)]
pub struct ConvertOptions {
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
    pub no_cache: NoCache,
    pub resolve_mode: ResolveMode,
    /// Session id for the build context local.
    pub session_id: String,
    /// Name of the build context local.
    pub context_local: String,
    /// `.dockerignore` patterns.
    pub excludes: Vec<String>,
    /// The daemon's LLB caps; `None` assumes a current BuildKit.
    pub llb_caps: Option<Caps>,
    /// The Dockerfile, for source locations in the LLB.
    pub source: Arc<SourceMap>,
}

impl ConvertOptions {
    /// Options for a local conversion of `dockerfile` (as `debug llb` does).
    pub fn new(filename: &str, dockerfile: &[u8], build_platform: Platform) -> Self {
        ConvertOptions {
            build_args: BTreeMap::new(),
            labels: BTreeMap::new(),
            build_platform,
            target_platform: None,
            platform_in_names: false,
            network: NetworkMode::Sandbox,
            extra_hosts: Vec::new(),
            hostname: None,
            shm_size: None,
            no_cache: NoCache::Off,
            resolve_mode: ResolveMode::Default,
            session_id: String::new(),
            context_local: "context".into(),
            excludes: Vec::new(),
            llb_caps: None,
            source: Arc::new(SourceMap {
                filename: filename.into(),
                data: dockerfile.to_vec(),
                language: "Dockerfile".into(),
                definition: None,
            }),
        }
    }

    pub(crate) fn has_cap(&self, cap: &str) -> bool {
        self.llb_caps.as_ref().is_none_or(|c| c.contains(cap))
    }
}

/// A resolved base image.
#[derive(Debug, Clone, Default)]
pub struct ResolvedImage {
    /// Pin the image to this digest (empty when the daemon answered from its local store).
    pub digest: String,
    /// The raw config JSON; `None` when nothing could be resolved (offline `debug llb`).
    pub config: Option<Vec<u8>>,
}

/// The result of converting a Dockerfile for one platform.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The target's filesystem (`None` = empty).
    pub state: Option<llb::Output>,
    /// The image config of the target.
    pub image: Image,
    /// The original config of the image the target is ultimately based on.
    pub base_config: Option<Vec<u8>>,
    /// The platform the result is for.
    pub platform: Platform,
}
