//! Build BuildKit LLB graphs in Rust: typed ops on BuildKit's wire types, marshalled into a
//! deterministic `pb::Definition` byte-compatible with Go's `client/llb`.
//!
//! LLB ("low-level build") is the graph BuildKit solves: source ops (images, client
//! directories, HTTP files, git repos) feed exec ops (run a command), file ops (copy, mkdir,
//! mkfile, rm) and merge/diff ops. A frontend builds such a graph, marshals it and sends it to
//! the daemon with `Solve` (see the `rustfront-gateway` crate).
//!
//! Graph values are immutable and cheap to clone. Each builder ([`Image`], [`Local`],
//! [`Http`], [`Git`], [`Exec`], [`FileOp`], [`merge`], [`diff`]) marshals its op once, when
//! built, so every [`Output`] knows its op digest. A filesystem state is an
//! `Option<Output>`: `None` is scratch.
//!
//! # A worked example
//!
//! Compile a Rust project in the `rust` image with a cache mount, copy the binary onto an
//! empty image and marshal the graph, checking it against what a BuildKit v0.13 daemon
//! supports:
//!
//! ```
//! use rustfront_llb::{
//!     self as llb, BindMount, CacheMount, Caps, Copy, Exec, FileOp, Image, Local,
//!     MarshalOptions, OpMeta, Platform, pb,
//! };
//!
//! let platform = Platform::parse("linux/amd64")?;
//! // Sources: the toolchain image and the client's build context.
//! let rust = Image::new("rust:1").platform(platform.clone()).build()?;
//! let context = Local::new("context")
//!     .session("the BUILDKIT_SESSION_ID")
//!     .exclude_patterns(&["target".to_owned()])
//!     .build();
//! // An exec: the context mounted at /src, a cache for the registry, an empty /out.
//! let build = Exec::new(
//!     Some(rust),
//!     ["/bin/sh", "-c", "cargo build --release && cp target/release/app /out/"],
//! )
//! .env("PATH", "/usr/local/cargo/bin:/usr/local/bin:/usr/bin:/bin")
//! .cwd("/src")
//! .mount(BindMount { dest: "/src".into(), source: Some(context), ..BindMount::default() })
//! .mount(CacheMount {
//!     dest: "/usr/local/cargo/registry".into(),
//!     id: "cargo-registry".into(),
//!     sharing: pb::CacheSharingOpt::Locked,
//!     ..CacheMount::default()
//! })
//! .mount(BindMount { dest: "/out".into(), ..BindMount::default() })
//! .platform(platform)
//! .meta(OpMeta::new().custom_name("cargo build --release"))
//! .build()?;
//! // A file op on scratch: the final image holds only the binary.
//! let image = FileOp::new(None)
//!     .copy(build.mount("/out"), Copy::new("/app", "/usr/local/bin/app"))
//!     .build()?;
//!
//! // The caps a BuildKit v0.13 daemon reports (from Ping; see `Caps::from_api_caps`).
//! let daemon: Caps = [
//!     "source.image", "source.local", "source.local.sessionid", "source.local.excludepatterns",
//!     "exec.meta.base", "exec.mount.bind", "exec.mount.cache", "exec.mount.cache.sharing",
//!     "file.base", "constraints", "platform", "meta.description",
//! ]
//! .into_iter()
//! .collect();
//! let def = llb::marshal(Some(&image), &MarshalOptions { caps: Some(daemon) })?;
//!
//! // image, local, exec, file, and the terminal op pointing at the result.
//! assert_eq!(def.def.len(), 5);
//! // Every op has a metadata entry keyed by its digest, with the caps it needs.
//! let exec_caps = &def.metadata[build.digest()].caps;
//! assert!(exec_caps.contains_key("exec.mount.cache"));
//! // `describe` decodes a definition into JSON for humans (`rustfront debug llb`).
//! let ops = llb::describe(&def);
//! assert_eq!(ops[2]["op"], "exec");
//! # Ok::<(), rustfront_llb::Error>(())
//! ```
//!
//! Without the `cache` caps the same call fails before anything is sent:
//!
//! ```
//! # use rustfront_llb::{self as llb, CacheMount, Caps, Exec, MarshalOptions};
//! let run = Exec::new(None, ["true"])
//!     .mount(CacheMount { dest: "/cache".into(), ..CacheMount::default() })
//!     .build()?;
//! let no_cache_mounts: Caps = ["exec.meta.base", "constraints", "platform"].into_iter().collect();
//! let err = llb::marshal(run.root().as_ref(), &MarshalOptions { caps: Some(no_cache_mounts) }).unwrap_err();
//! assert!(matches!(err, llb::Error::UnsupportedCap { .. }));
//! # Ok::<(), rustfront_llb::Error>(())
//! ```
//!
//! # Digests and determinism
//!
//! Op bytes follow Go's encoding as docker/dockerfile 1.x writes it (protobuf-go,
//! deterministic: the `op` oneof after `platform`/`constraints`, map entries sorted and always
//! with key and value, empty worker constraints on every non-terminal op), so digests match
//! the official frontend's where the ops are the same. Metadata ([`OpMeta`]: progress name,
//! ignore-cache, caps, source lines) is kept beside the bytes and lands in
//! `Definition.metadata` / `Definition.source`, so it never changes a digest. The same graph
//! always marshals to the same bytes, whatever order its parts were built in.
//!
//! # Capabilities
//!
//! Every builder records the LLB caps ([`caps`]) its features need in the op's metadata, as
//! the Go client does. BuildKit fails a definition that names a cap it does not know with
//! "failed to load LLB"; set [`MarshalOptions::caps`] to the daemon's caps (from the gateway's
//! `Ping`) to get [`Error::UnsupportedCap`] naming the op instead, and gate optional features
//! (merge ops, ulimits, tmpfs sizes…) on [`Caps::contains`] before building them.
//!
//! # Source maps
//!
//! [`SourceMap`] and [`OpMeta::location`] tie ops to lines of the file they were made from.
//! When a vertex fails, BuildKit prints those lines under the error.
//!
//! # Go names
//!
//! | This crate | Go (`github.com/moby/buildkit/client/llb`) |
//! |---|---|
//! | [`Image`], [`Local`], [`Http`], [`Git`] | `llb.Image`, `llb.Local`, `llb.HTTP`, `llb.Git` |
//! | [`Exec`], [`ExecOutputs::root`], [`ExecOutputs::mount`] | `State.Run`, `ExecState.Root`, `ExecState.GetMount` |
//! | [`FileOp`] with [`Copy`](struct@Copy), [`Mkdir`], [`Mkfile`], [`Rm`] | `State.File` with `llb.Copy`, `llb.Mkdir`, `llb.Mkfile`, `llb.Rm` |
//! | [`merge`], [`diff`] | `llb.Merge`, `llb.Diff` |
//! | [`OpMeta`] | `llb.WithCustomName`, `llb.IgnoreCache`, `llb.WithCaps`, `llb.ProgressGroup`, `SourceMap.Location` |
//! | [`marshal`] | `State.Marshal` |
//! | [`Platform`] | `ocispecs.Platform` with containerd's `platforms.Normalize` |
//!
//! Unlike Go's `State`, there is no environment, working directory or user carried from op
//! to op: an [`Exec`] gets exactly what it is given, and file paths are taken from `/`. Where
//! Go fills an op in lazily (an async local source whose paths are known only once the graph
//! is built), build it with a placeholder and swap it in afterwards with [`substitute`].
//!
//! This crate has no async runtime and no I/O: it only builds and encodes graphs. Send the
//! definition with a gateway client such as `rustfront-gateway`.

#![warn(missing_docs)]

pub mod caps;
mod describe;
mod encode;
mod exec;
mod file;
mod graph;
mod import;
mod marshal;
mod merge;
pub mod platform;
pub mod protojson;
mod reference;
mod source;
mod substitute;

pub use caps::Caps;
pub use describe::{describe, describe_ops};
pub use exec::{
    BindMount, CacheMount, DefaultPath, Exec, ExecOutputs, Mount, SecretMount, TmpfsMount, Ulimit,
};
pub use file::{Chown, Copy, FileOp, Mkdir, Mkfile, Rm, UserRef, clean_path, resolve_path};
pub use graph::{
    CUSTOM_NAME_KEY, DOCKERFILE_COMMAND_KEY, OpMeta, Output, SourceLocation, SourceMap, digest_of,
    line_range, line_ranges,
};
pub use marshal::{MarshalOptions, marshal};
pub use merge::{diff, merge};
pub use platform::Platform;
pub use protojson::convert_llb_json;
pub use reference::normalize_image_ref;
pub use source::{Differ, Git, Http, Image, Local, OciLayout, ResolveMode, go_html_escape};
pub use substitute::substitute;

/// The `PATH` a Linux container gets when its image sets none.
pub const DEFAULT_LINUX_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// BuildKit's wire types (from `bollard-buildkit-proto`).
pub use bollard_buildkit_proto as proto;

/// Re-exported wire types the builder API uses (enums for network, security, cache sharing).
pub use crate::proto::pb;

/// Errors from building or marshaling LLB.
///
/// Non-exhaustive: new checks may add variants.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// [`Exec::build`] without arguments (BuildKit rejects such an exec).
    #[error("an exec op needs at least one argument")]
    EmptyArgs,
    /// [`Exec::build`] with two mounts at this destination (the root counts as `/`).
    #[error("two mounts at {0:?}")]
    DuplicateMount(String),
    /// [`FileOp::build`] without actions.
    #[error("a file op needs at least one action")]
    NoFileActions,
    /// An image reference that does not parse ([`normalize_image_ref`], [`Image::build`]).
    /// The `Display` text is `reason`, the text Go's reference parser gives.
    #[error("{reason}")]
    InvalidImageRef {
        /// The reference as given.
        reference: String,
        /// Go's `distribution/reference` error text, e.g. `invalid reference format`.
        reason: String,
    },
    /// A platform string that does not parse ([`Platform::parse`]).
    #[error("invalid platform {spec:?}: {reason}")]
    InvalidPlatform {
        /// The string as given.
        spec: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A definition that does not make a graph ([`Output::from_definition`]).
    #[error("invalid definition: {0}")]
    InvalidDefinition(String),
    /// [`marshal`] with [`MarshalOptions::caps`] set found an op needing a cap the daemon does
    /// not report.
    #[error("the BuildKit daemon does not support {cap:?}, needed by {op}")]
    UnsupportedCap {
        /// The missing cap ID (see [`caps`]).
        cap: String,
        /// The op's progress name, or its digest when it has none.
        op: String,
    },
}
