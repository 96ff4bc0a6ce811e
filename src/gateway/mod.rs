//! BuildKit's gateway (LLBBridge) client over stdio.
//!
//! BuildKit starts the frontend with one HTTP/2 connection on stdin/stdout and the options in
//! the environment. A run looks like:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use rustfront::gateway::{FrontendEnv, Gateway};
//! let env = FrontendEnv::from_process_env()?;
//! let gateway = Gateway::connect_stdio().await?;
//! let caps = gateway.ping().await?;
//! // ... solve, read files, resolve images ...
//! # let result = Default::default();
//! gateway.return_result(result).await?; // exactly once, then exit 0
//! # Ok(()) }
//! ```
//!
//! Nothing in this module writes to stdout except the HTTP/2 frames.

mod caps;
mod client;
mod env;
mod error;
pub mod result;
pub mod transport;

pub use caps::{Caps, Worker, frontend_cap, llb_cap};
pub use client::{Gateway, GatewayClient, ResolvedImage, Warning};
pub use env::{
    CACHE_FROM_KEY, CACHE_IMPORTS_KEY, EnvError, FrontendEnv, OPT_PREFIX, PRODUCT_VAR,
    SESSION_ID_VAR, WORKERS_VAR, cache_imports,
};
pub use error::GatewayError;
pub use result::{
    PlatformImage, ResultError, error_status, image_result, line_range, metadata_result,
    multi_platform_result, platform_id, source_detail,
};

/// Wire types callers of this module need, re-exported for convenience.
pub use crate::proto::fsutil::types::Stat;
pub use crate::proto::moby::buildkit::v1::frontend::{
    CacheOptionsEntry, FileRange, Result as BridgeResult,
};
