//! Write BuildKit frontends in Rust: the gateway (LLBBridge) client over stdio, the options
//! BuildKit passes, its capabilities, and the results and errors a frontend returns.
//!
//! A frontend is an image whose entrypoint BuildKit runs for a build (`# syntax=<image>` in a
//! Dockerfile, `BUILDKIT_SYNTAX`, or `buildctl --frontend gateway.v0 --opt source=<image>`).
//! BuildKit starts it with one HTTP/2 connection on stdin/stdout (BuildKit is the gRPC server)
//! and the options in the environment. The frontend then:
//!
//! 1. reads its options ([`FrontendEnv::from_process_env`]) and connects
//!    ([`Gateway::connect_stdio`]);
//! 2. calls `Ping` for the daemon's [`Caps`];
//! 3. builds LLB (with `rustfront-llb`), `Solve`s it, reads files from solved refs, resolves
//!    image configs, as often as it likes and concurrently (clone a [`GatewayClient`]);
//! 4. calls `Return` **exactly once**, with a result or an error, waits for the answer, and
//!    exits with status 0.
//!
//! BuildKit decides the outcome from the `Return` call: a result only counts if the process
//! then exits 0, an error is the build error whatever the exit code, and no `Return` at all
//! fails the build. [`Gateway`] enforces "at most once" at compile time: the `return_*`
//! methods consume it.
//!
//! # A minimal frontend
//!
//! This `main` builds an image holding the build context, under `/src` of an Alpine image:
//!
//! ```no_run
//! use rustfront_gateway::{
//!     BridgeResult, FrontendEnv, Gateway, GatewayClient, PlatformImage, image_result, platform_id,
//! };
//! use rustfront_llb::{self as llb, Copy, FileOp, Image, Local, MarshalOptions, Platform};
//!
//! type BoxError = Box<dyn std::error::Error + Send + Sync>;
//!
//! fn main() -> std::process::ExitCode {
//!     let Ok(runtime) = tokio::runtime::Runtime::new() else {
//!         return std::process::ExitCode::FAILURE;
//!     };
//!     match runtime.block_on(serve()) {
//!         // After Return: exit 0 even when the build failed; the error went to BuildKit.
//!         Ok(()) => std::process::ExitCode::SUCCESS,
//!         // No Return could be sent. stderr goes to the daemon's log, not to the user.
//!         Err(e) => {
//!             eprintln!("frontend: {e}");
//!             std::process::ExitCode::FAILURE
//!         }
//!     }
//! }
//!
//! async fn serve() -> Result<(), BoxError> {
//!     let env = FrontendEnv::from_process_env()?;
//!     let gateway = Gateway::connect_stdio().await?;
//!     match build(&gateway.client(), &env).await {
//!         Ok(result) => gateway.return_result(result).await?,
//!         Err(e) => gateway.return_error(tonic::Code::Unknown, e.to_string(), vec![]).await?,
//!     }
//!     Ok(())
//! }
//!
//! async fn build(client: &GatewayClient, env: &FrontendEnv) -> Result<BridgeResult, BoxError> {
//!     let caps = client.ping().await?;
//!     let platform = match env.opts.get("platform") {
//!         Some(p) if !p.is_empty() => Platform::parse(p)?,
//!         _ => env.build_platform().map(Platform::from).unwrap_or_default().normalized(),
//!     };
//!
//!     let alpine = "docker.io/library/alpine:3.20";
//!     let base = client
//!         .resolve_image_config(alpine, Some(platform.to_pb()), "default", "load alpine")
//!         .await?;
//!     let context = Local::new("context").session(&env.session_id).build();
//!     let image = FileOp::new(Some(Image::new(alpine).platform(platform.clone()).build()?))
//!         .copy(Some(context), Copy::dockerfile("/", "/src/"))
//!         .build()?;
//!
//!     let llb_caps = caps.llb_caps().collect();
//!     let def = llb::marshal(Some(&image), &MarshalOptions { caps: Some(llb_caps) })?;
//!     // Lazy: BuildKit builds the ref when it exports the result (or when a file is read).
//!     let ref_id = client.solve(def, &env.cache_imports()?, false).await?;
//!
//!     let pb_platform = platform.to_pb();
//!     Ok(image_result(PlatformImage {
//!         id: platform_id(&pb_platform),
//!         platform: pb_platform,
//!         ref_id,
//!         config: base.config, // the image config: Env, Cmd, … (here Alpine's, unchanged)
//!         base_config: None,
//!     }))
//! }
//! ```
//!
//! With the `testing` feature, `testing::FakeBuildkit` runs such a frontend in-process
//! against a fake daemon that records every call; `examples/cargo-frontend` in the
//! repository is a complete frontend tested that way.
//!
//! # What is where
//!
//! - [`Gateway`] / [`GatewayClient`]: the LLBBridge calls (`Ping`, `Solve`,
//!   `ResolveImageConfig`, `ReadFile`, `ReadDir`, `StatFile`, `Inputs`, `Evaluate`, `Warn`,
//!   `Return`). Errors are [`GatewayError`], whose `Display` is BuildKit's own message.
//! - [`FrontendEnv`]: the `BUILDKIT_FRONTEND_OPT_*` options, session ID and workers;
//!   [`cache_imports`] turns `--cache-from` into `SolveRequest.CacheImports` (BuildKit does not
//!   apply them to a frontend's solves by itself).
//! - [`Caps`], [`frontend_cap`], [`llb_cap`]: what the daemon supports.
//! - [`result`]: the `Return` payload: [`image_result`], [`multi_platform_result`],
//!   [`metadata_result`] (subrequests), [`error_status`], [`source_detail`] (the
//!   Dockerfile snippet under an error) and [`typed_detail`] (unsupported capability or
//!   subrequest, which clients tell apart from a failure).
//! - [`transport`]: the stdio HTTP/2 connection, for custom setups.
//! - `testing` (feature `testing`, e.g. in `[dev-dependencies]`): the fake daemon.
//!
//! | This crate | Go (`github.com/moby/buildkit/frontend/gateway/grpcclient`) |
//! |---|---|
//! | [`Gateway::connect_stdio`] | `grpcclient.RunFromEnvironment` |
//! | [`FrontendEnv`] | `client.BuildOpts()` |
//! | [`GatewayClient::solve`], [`GatewayClient::solve_frontend`] | `client.Solve` with a `Definition` / a `Frontend` |
//! | [`GatewayClient::read_file`] and co. | `Reference.ReadFile`, `ReadDir`, `StatFile` |
//! | [`Gateway::return_result`], [`Gateway::return_error`] | what `RunFromEnvironment` does with the build function's result |
//!
//! Nothing in this crate writes to stdout except the HTTP/2 frames: a frontend must not print
//! to stdout either.

#![warn(missing_docs)]

mod caps;
mod client;
mod env;
mod error;
pub mod result;
#[cfg(feature = "testing")]
pub mod testing;
pub mod trace;
pub mod transport;

pub use caps::{
    Caps, MAX_REQUEST_SIZE_V0_8, MAX_REQUEST_SIZE_V0_14, Worker, frontend_cap, llb_cap,
};
pub use client::{Gateway, GatewayClient, ResolvedImage, Warning};
pub use env::{
    CACHE_FROM_KEY, CACHE_IMPORTS_KEY, EnvError, FrontendEnv, OPT_PREFIX, PRODUCT_VAR,
    SESSION_ID_VAR, WORKERS_VAR, cache_imports,
};
pub use error::{GatewayError, mib};
pub use result::{
    PlatformImage, ResultError, TypedError, error_status, image_result, line_range,
    metadata_result, multi_platform_result, platform_id, source_detail, typed_detail,
};

/// BuildKit's wire types (from `bollard-buildkit-proto`).
pub use rustfront_llb::proto;

/// Wire types callers of this crate need, re-exported for convenience.
pub use crate::proto::fsutil::types::Stat;
pub use crate::proto::moby::buildkit::v1::frontend::{
    CacheOptionsEntry, FileRange, Result as BridgeResult,
};
