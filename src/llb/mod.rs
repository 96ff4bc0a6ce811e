//! A typed LLB builder on BuildKit's wire types, producing deterministic `pb::Definition`s.
//!
//! Graph values are immutable and cheap to clone. Each builder ([`Image`], [`Local`],
//! [`Http`], [`Git`], [`Exec`], [`FileOp`], [`merge`], [`diff`]) marshals its op once, when
//! built, so every [`Output`] knows its op digest. A filesystem state is an
//! `Option<Output>`: `None` is scratch.
//!
//! Op bytes follow Go's canonical encoding (fields by number, sorted maps, empty worker
//! constraints on every non-terminal op), so digests match the official frontend's where the
//! ops are the same. Metadata ([`OpMeta`]: progress name, ignore-cache, caps, source lines)
//! is kept beside the bytes and lands in `Definition.metadata` / `Definition.source`.
//!
//! ```
//! use rustfront::llb::{self, Exec, Image, MarshalOptions, OpMeta, Platform};
//!
//! let platform = Platform::parse("linux/amd64")?;
//! let base = Image::new("alpine").platform(platform.clone()).build()?;
//! let run = Exec::new(Some(base), ["/bin/sh", "-c", "echo hi > /hi"])
//!     .platform(platform)
//!     .meta(OpMeta::new().custom_name("RUN echo hi"))
//!     .build()?;
//! let def = llb::marshal(run.root().as_ref(), &MarshalOptions::default())?;
//! assert_eq!(def.def.len(), 3); // image, exec, terminal
//! # Ok::<(), rustfront::llb::Error>(())
//! ```

pub mod caps;
mod describe;
mod exec;
mod file;
mod graph;
mod marshal;
mod merge;
pub mod platform;
mod source;

pub use caps::Caps;
pub use describe::describe;
pub use exec::{BindMount, CacheMount, Exec, ExecOutputs, Mount, SecretMount, TmpfsMount};
pub use file::{Chown, Copy, FileOp, Mkdir, Mkfile, Rm, UserRef, clean_path, resolve_path};
pub use graph::{
    CUSTOM_NAME_KEY, DOCKERFILE_COMMAND_KEY, OpMeta, Output, SourceLocation, SourceMap, line_range,
};
pub use marshal::{MarshalOptions, marshal};
pub use merge::{diff, merge};
pub use platform::Platform;
pub use source::{Differ, Git, Http, Image, Local, ResolveMode, normalize_image_ref};

/// Re-exported wire types the builder API uses (enums for network, security, cache sharing).
pub use crate::proto::pb;

/// Errors from building or marshaling LLB.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("an exec op needs at least one argument")]
    EmptyArgs,
    #[error("two mounts at {0:?}")]
    DuplicateMount(String),
    #[error("a file op needs at least one action")]
    NoFileActions,
    #[error("invalid image reference {reference:?}: {reason}")]
    InvalidImageRef { reference: String, reason: String },
    #[error("invalid platform {spec:?}: {reason}")]
    InvalidPlatform { spec: String, reason: String },
    #[error("the BuildKit daemon does not support {cap:?}, needed by {op}")]
    UnsupportedCap { cap: String, op: String },
}
