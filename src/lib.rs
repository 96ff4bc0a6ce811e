//! rustfront: a BuildKit frontend for Dockerfiles.
//!
//! Data flows one way through the modules:
//! [`dockerfile`] (text → AST) → [`shell`] (word splitting, expansion) →
//! [`instructions`] (typed commands) → [`convert`] (stages → LLB graph + image config) →
//! [`llb`] (typed ops → deterministic `pb::Definition`) → [`gateway`] (BuildKit's LLBBridge
//! over stdio), with [`frontend`] orchestrating the docker UX (options, contexts, .dockerignore).

pub mod convert;
pub mod debug;
pub mod dockerfile;
pub mod frontend;
pub mod instructions;
pub mod lint;
pub mod shell;

/// BuildKit's gateway client (crate `rustfront-gateway`).
pub use rustfront_gateway as gateway;
/// The LLB builder (crate `rustfront-llb`).
pub use rustfront_llb as llb;
/// BuildKit's wire types (re-exported so callers need not name the proto crate).
pub use rustfront_llb::proto;
