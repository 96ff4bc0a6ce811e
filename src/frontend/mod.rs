//! The docker-UX layer: option keys, loading the Dockerfile and `.dockerignore`, forwarding
//! to another frontend, and orchestrating conversion, solve and return.

pub mod dockerignore;
pub mod options;

pub use options::{BuildOptions, NetworkMode, NoCache, OptionError, ResolveMode};
