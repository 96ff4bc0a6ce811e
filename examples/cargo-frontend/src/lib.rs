//! A BuildKit frontend that builds a Cargo project into a small image, written only on
//! `rustfront-llb` (the LLB graph) and `rustfront-gateway` (the connection to BuildKit).
//!
//! One build:
//! 1. read `Cargo.toml` from the build context (and see whether a `Cargo.lock` is there);
//! 2. resolve the Rust image and the runtime image: their configs give the build its
//!    environment and the final image its base config, their digests pin the sources;
//! 3. run `cargo build --release --bin <bin>` in the Rust image with the context at `/src`,
//!    cache mounts for the cargo registry, git checkouts and the target directory, and copy
//!    the binary to an empty writable mount `/out`;
//! 4. copy it to `/usr/local/bin/<bin>` on the runtime image and return that with an image
//!    config whose entrypoint is the binary.
//!
//! Build args: `BIN` (which binary; default the only `[[bin]]`, else the package name),
//! `RUST_IMAGE` (default [`DEFAULT_RUST_IMAGE`]), `RUNTIME_IMAGE` (default
//! [`DEFAULT_RUNTIME_IMAGE`], `scratch` for an empty base). `--platform` (one platform),
//! `--network`, `--pull` and `--cache-from` are honoured as well.

use std::collections::BTreeMap;

use rustfront_gateway::proto::google::rpc::Status as RpcStatus;
use rustfront_gateway::proto::pb;
use rustfront_gateway::{
    BridgeResult, EnvError, FrontendEnv, Gateway, GatewayClient, GatewayError, PlatformImage,
    error_status, image_result, line_range, platform_id, source_detail,
};
use rustfront_llb::{
    self as llb, BindMount, CacheMount, Copy, Exec, FileOp, Image, Local, MarshalOptions, OpMeta,
    Output, Platform, ResolveMode, normalize_image_ref,
};
use serde::Deserialize;
use serde_json::{Value, json};

/// The image `cargo build` runs in, unless `--build-arg RUST_IMAGE=…`.
pub const DEFAULT_RUST_IMAGE: &str = "rust:1-bookworm";
/// The base of the result, unless `--build-arg RUNTIME_IMAGE=…` (glibc and libgcc, as a
/// binary built on Debian bookworm needs).
pub const DEFAULT_RUNTIME_IMAGE: &str = "gcr.io/distroless/cc-debian12";
/// Where the binary lands in the result.
pub const INSTALL_DIR: &str = "/usr/local/bin";
/// `CARGO_TARGET_DIR` of the build: a cache mount, so incremental builds survive.
const TARGET_DIR: &str = "/cargo-target";

/// Why a build failed; sent to BuildKit through `Return`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A gateway call failed (BuildKit's message).
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    /// The options in the environment are malformed.
    #[error(transparent)]
    Env(#[from] EnvError),
    /// The LLB graph could not be built (e.g. a bad image reference or platform).
    #[error(transparent)]
    Llb(#[from] llb::Error),
    /// There is no `Cargo.toml` at the root of the build context.
    #[error("cannot read Cargo.toml from the build context: {0}")]
    NoManifest(GatewayError),
    /// `Cargo.toml` does not parse, or names no binary to build.
    #[error("Cargo.toml: {message}")]
    Manifest {
        /// What is wrong.
        message: String,
        /// The 1-based line, when known.
        line: Option<u32>,
        /// The file, for the snippet BuildKit prints under the error.
        data: Vec<u8>,
    },
    /// A build arg or option has a value this frontend cannot use.
    #[error("{0}")]
    Option(String),
    /// An image config that is not JSON.
    #[error("image config of {reference}: {source}")]
    ImageConfig {
        /// The image.
        reference: String,
        /// The parse error.
        source: serde_json::Error,
    },
}

impl Error {
    /// The `google.rpc.Status` to `Return`: BuildKit's own status for gateway failures, and
    /// for manifest errors the `Cargo.toml` line as an `errdefs.Source` detail, so the CLI
    /// prints the snippet.
    pub fn to_status(&self) -> RpcStatus {
        match self {
            Error::Gateway(e) => e.to_rpc_status(),
            Error::Manifest {
                line: Some(line),
                data,
                ..
            } => {
                let info = pb::SourceInfo {
                    filename: "Cargo.toml".into(),
                    data: data.clone(),
                    ..pb::SourceInfo::default()
                };
                let detail = source_detail(&info, &[line_range(*line, *line)]);
                error_status(tonic::Code::InvalidArgument, self.to_string(), vec![detail])
            }
            other => error_status(tonic::Code::Unknown, other.to_string(), vec![]),
        }
    }
}

/// The options of one build, from the frontend options BuildKit passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `build-arg:BIN`: the binary to build.
    pub bin: Option<String>,
    /// `build-arg:RUST_IMAGE`.
    pub rust_image: String,
    /// `build-arg:RUNTIME_IMAGE`; `None` for `scratch`.
    pub runtime_image: Option<String>,
    /// `platform`: the target platform, if given.
    pub platform: Option<Platform>,
    /// `image-resolve-mode` (`--pull` sends `pull`).
    pub resolve_mode: ResolveMode,
    /// `force-network-mode` (`--network`): the network of `cargo build`.
    pub network: pb::NetMode,
}

impl Options {
    /// Reads the options this frontend understands; others are ignored.
    pub fn from_opts(opts: &BTreeMap<String, String>) -> Result<Self, Error> {
        let arg = |name: &str| {
            opts.get(&format!("build-arg:{name}"))
                .filter(|v| !v.is_empty())
        };
        let platform = match opts.get("platform").map(String::as_str) {
            None | Some("") => None,
            Some(list) if list.contains(',') => {
                return Err(Error::Option(format!(
                    "one platform at a time, not {list:?}"
                )));
            }
            Some(one) => Some(Platform::parse(one)?),
        };
        let mode = opts.get("image-resolve-mode").map_or("", String::as_str);
        let network = match opts.get("force-network-mode").map_or("", String::as_str) {
            "" | "sandbox" => pb::NetMode::Unset,
            "host" => pb::NetMode::Host,
            "none" => pb::NetMode::None,
            other => return Err(Error::Option(format!("invalid network mode {other:?}"))),
        };
        Ok(Options {
            bin: arg("BIN").cloned(),
            rust_image: arg("RUST_IMAGE")
                .map_or(DEFAULT_RUST_IMAGE, String::as_str)
                .to_owned(),
            runtime_image: match arg("RUNTIME_IMAGE").map(String::as_str) {
                Some("scratch") => None,
                other => Some(other.unwrap_or(DEFAULT_RUNTIME_IMAGE).to_owned()),
            },
            platform,
            resolve_mode: ResolveMode::parse(mode)
                .ok_or_else(|| Error::Option(format!("invalid image-resolve-mode {mode:?}")))?,
            network,
        })
    }
}

/// The parts of `Cargo.toml` this frontend reads.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    /// `[package]`; absent in a virtual workspace manifest.
    pub package: Option<Package>,
    /// `[[bin]]` targets.
    #[serde(default)]
    pub bin: Vec<BinTarget>,
}

/// `[package]`.
#[derive(Debug, Deserialize)]
pub struct Package {
    /// `name`: also the name of the default binary (`src/main.rs`).
    pub name: String,
}

/// One `[[bin]]`.
#[derive(Debug, Deserialize)]
pub struct BinTarget {
    /// `name`.
    pub name: String,
}

impl Manifest {
    /// Parses `Cargo.toml`; errors carry the line.
    pub fn parse(data: &[u8]) -> Result<Self, Error> {
        let fail = |message: String, line: Option<u32>| Error::Manifest {
            message,
            line,
            data: data.to_vec(),
        };
        let text = std::str::from_utf8(data).map_err(|e| fail(e.to_string(), None))?;
        toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| {
                let before = &text.as_bytes()[..span.start.min(text.len())];
                let n = before.iter().filter(|b| **b == b'\n').count() + 1;
                u32::try_from(n).unwrap_or(u32::MAX)
            });
            fail(e.message().to_owned(), line)
        })
    }

    /// The binary to build: `wanted` if given, else the only `[[bin]]`, else the package name.
    pub fn binary(&self, wanted: Option<&str>, data: &[u8]) -> Result<String, Error> {
        let fail = |message: String| Error::Manifest {
            message,
            line: None,
            data: data.to_vec(),
        };
        let name = match (wanted, self.bin.as_slice(), &self.package) {
            (Some(name), _, _) => name.to_owned(),
            (None, [one], _) => one.name.clone(),
            (None, [], Some(package)) => package.name.clone(),
            (None, [], None) => {
                return Err(fail(
                    "no [package] (a workspace?): choose the binary with --build-arg BIN=<name>"
                        .into(),
                ));
            }
            (None, several, _) => {
                let names: Vec<&str> = several.iter().map(|b| b.name.as_str()).collect();
                return Err(fail(format!(
                    "several binaries ({}): choose one with --build-arg BIN=<name>",
                    names.join(", ")
                )));
            }
        };
        // Cargo allows only these in target names; the name goes into a shell command.
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if valid {
            Ok(name)
        } else {
            Err(Error::Option(format!("invalid binary name {name:?}")))
        }
    }
}

/// An image to build on: the pinned reference and its config.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseImage {
    /// `name:tag@digest` when BuildKit gave a digest, else the normalized reference.
    pub reference: String,
    /// The image config JSON.
    pub config: Value,
}

impl BaseImage {
    /// The config's `Env` entries (`KEY=VALUE`).
    pub fn env(&self) -> Vec<String> {
        self.config["config"]["Env"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    }
}

/// Everything the graph and the image config depend on: the pure part of the frontend.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The binary to build.
    pub bin: String,
    /// Build with `--locked` (the context has a `Cargo.lock`).
    pub locked: bool,
    /// The target platform.
    pub platform: Platform,
    /// The image `cargo` runs in.
    pub rust: BaseImage,
    /// The base of the result; `None` = scratch.
    pub runtime: Option<BaseImage>,
    /// How BuildKit resolves the image sources.
    pub resolve_mode: ResolveMode,
    /// The network of `cargo build` (dependencies are fetched from crates.io).
    pub network: pb::NetMode,
    /// `BUILDKIT_SESSION_ID`, for the context source.
    pub session_id: String,
}

impl Plan {
    /// The `cargo` command line.
    pub fn cargo_command(&self) -> String {
        let locked = if self.locked { " --locked" } else { "" };
        format!("cargo build --release --bin {}{locked}", self.bin)
    }

    /// The LLB of the result: the runtime image plus the binary.
    pub fn graph(&self) -> Result<Option<Output>, llb::Error> {
        let image = |base: &BaseImage| {
            Image::new(&base.reference)
                .platform(self.platform.clone())
                .resolve_mode(self.resolve_mode)
                .build()
        };
        let context = Local::new("context")
            .session(&self.session_id)
            .exclude_patterns(&["target".to_owned(), ".git".to_owned()])
            .shared_key_hint("context")
            .meta(OpMeta::new().custom_name("[internal] load build context"))
            .build();

        let env = self.rust.env();
        let cargo_home = env
            .iter()
            .find_map(|e| e.strip_prefix("CARGO_HOME="))
            .unwrap_or("/usr/local/cargo")
            .to_owned();
        let cache = |dest: String, id: String, sharing| CacheMount {
            dest,
            id,
            sharing,
            ..CacheMount::default()
        };
        let bin = &self.bin;
        let script = format!(
            "{} && cp {TARGET_DIR}/release/{bin} /out/{bin}",
            self.cargo_command()
        );
        let build = Exec::new(Some(image(&self.rust)?), ["/bin/sh", "-c", script.as_str()])
            .envs(env)
            .env("CARGO_TARGET_DIR", TARGET_DIR)
            .cwd("/src")
            .network(self.network)
            // Writable (cargo may write Cargo.lock), changes discarded.
            .mount(BindMount {
                dest: "/src".into(),
                source: Some(context),
                discard_output: true,
                ..BindMount::default()
            })
            .mount(cache(
                format!("{cargo_home}/registry"),
                "cargo-registry".into(),
                pb::CacheSharingOpt::Shared,
            ))
            .mount(cache(
                format!("{cargo_home}/git"),
                "cargo-git".into(),
                pb::CacheSharingOpt::Shared,
            ))
            .mount(cache(
                TARGET_DIR.into(),
                format!("cargo-target/{bin}/{}", self.platform),
                pb::CacheSharingOpt::Locked,
            ))
            .mount(BindMount {
                dest: "/out".into(),
                ..BindMount::default()
            })
            .platform(self.platform.clone())
            .meta(OpMeta::new().custom_name(self.cargo_command()))
            .build()?;

        let base = self.runtime.as_ref().map(image).transpose()?;
        let result = FileOp::new(base)
            .copy(
                build.mount("/out"),
                Copy {
                    create_dest_path: true,
                    ..Copy::new(format!("/{bin}"), format!("{INSTALL_DIR}/{bin}"))
                },
            )
            .meta(OpMeta::new().custom_name(format!("copy {bin} to {INSTALL_DIR}")))
            .build()?;
        Ok(Some(result))
    }

    /// The result's image config: the runtime image's, with the binary as entrypoint and one
    /// history entry for the layer added.
    pub fn image_config(&self) -> Value {
        let mut config = match self.runtime.as_ref().map(|r| r.config.clone()) {
            Some(Value::Object(obj)) => obj,
            _ => serde_json::Map::new(),
        };
        config.insert("architecture".into(), json!(self.platform.architecture));
        config.insert("os".into(), json!(self.platform.os));
        if !self.platform.variant.is_empty() {
            config.insert("variant".into(), json!(self.platform.variant));
        }
        config.remove("created"); // the exporter sets it from the history
        config
            .entry("rootfs")
            .or_insert_with(|| json!({"type": "layers", "diff_ids": []}));
        let run = config.entry("config").or_insert_with(|| json!({}));
        if let Some(run) = run.as_object_mut() {
            let entrypoint = format!("{INSTALL_DIR}/{}", self.bin);
            run.insert("Entrypoint".into(), json!([entrypoint]));
            run.remove("Cmd");
        }
        let history = config.entry("history").or_insert_with(|| json!([]));
        if let Some(history) = history.as_array_mut() {
            history.push(json!({
                "created_by": format!("{} # cargo-frontend", self.cargo_command()),
                "comment": "cargo-frontend",
            }));
        }
        Value::Object(config)
    }
}

/// Serves one build: builds, then `Return`s exactly once, the result or the error.
pub async fn serve(gateway: Gateway, env: &FrontendEnv) -> Result<(), GatewayError> {
    match build(&gateway.client(), env).await {
        Ok(result) => gateway.return_result(result).await,
        Err(error) => {
            eprintln!("cargo-frontend: {error}");
            gateway.return_status(error.to_status()).await
        }
    }
}

/// Everything but the `Return`.
pub async fn build(client: &GatewayClient, env: &FrontendEnv) -> Result<BridgeResult, Error> {
    let caps = client.ping().await?;
    let marshal = MarshalOptions {
        caps: Some(caps.llb_caps().collect()),
    };
    let options = Options::from_opts(&env.opts)?;
    let platform = match &options.platform {
        Some(platform) => platform.clone(),
        None => env.build_platform().map_or_else(
            || Platform::new("linux", std::env::consts::ARCH),
            |p| Platform::from(p).normalized(),
        ),
    };

    // 1. Cargo.toml (and whether there is a Cargo.lock) from the context.
    let manifest_source = Local::new("context")
        .session(&env.session_id)
        .follow_paths(&["Cargo.toml".to_owned(), "Cargo.lock".to_owned()])
        .shared_key_hint("cargo-manifest")
        .meta(OpMeta::new().custom_name("[internal] load Cargo.toml"))
        .build();
    let def = llb::marshal(Some(&manifest_source), &marshal)?;
    let manifest_ref = client.solve(def, &[], false).await?;
    let data = client
        .read_file(&manifest_ref, "Cargo.toml", None)
        .await
        .map_err(Error::NoManifest)?;
    let bin = Manifest::parse(&data)?.binary(options.bin.as_deref(), &data)?;
    let locked = client.stat_file(&manifest_ref, "Cargo.lock").await.is_ok();

    // 2. The images, resolved once for their configs and digests.
    let rust = resolve(client, &options.rust_image, &platform, options.resolve_mode).await?;
    let runtime = match &options.runtime_image {
        Some(reference) => Some(resolve(client, reference, &platform, options.resolve_mode).await?),
        None => None,
    };
    let plan = Plan {
        bin,
        locked,
        platform,
        rust,
        runtime,
        resolve_mode: options.resolve_mode,
        network: options.network,
        session_id: env.session_id.clone(),
    };

    // 3. The build graph, solved lazily: BuildKit runs it when it exports the result.
    let def = llb::marshal(plan.graph()?.as_ref(), &marshal)?;
    let ref_id = client.solve(def, &env.cache_imports()?, false).await?;

    // 4. The result.
    let pb_platform = plan.platform.to_pb();
    Ok(image_result(PlatformImage {
        id: platform_id(&pb_platform),
        platform: pb_platform,
        ref_id,
        config: plan.image_config().to_string().into_bytes(),
        base_config: plan
            .runtime
            .as_ref()
            .map(|r| r.config.to_string().into_bytes()),
    }))
}

/// `ResolveImageConfig`: the config, and the reference pinned to the digest BuildKit gave.
async fn resolve(
    client: &GatewayClient,
    reference: &str,
    platform: &Platform,
    mode: ResolveMode,
) -> Result<BaseImage, Error> {
    let normalized = normalize_image_ref(reference)?;
    let resolved = client
        .resolve_image_config(
            &normalized,
            Some(platform.to_pb()),
            mode.as_str(),
            &format!("[internal] load metadata for {normalized}"),
        )
        .await?;
    let config = serde_json::from_slice(&resolved.config).map_err(|source| Error::ImageConfig {
        reference: normalized.clone(),
        source,
    })?;
    let reference = if resolved.digest.is_empty() || resolved.reference.contains('@') {
        resolved.reference
    } else {
        format!("{}@{}", resolved.reference, resolved.digest)
    };
    Ok(BaseImage { reference, config })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binary(toml: &str, wanted: Option<&str>) -> Result<String, Error> {
        Manifest::parse(toml.as_bytes())?.binary(wanted, toml.as_bytes())
    }

    #[test]
    fn the_binary_is_the_package_the_only_bin_or_chosen() {
        let package = "[package]\nname = \"hello\"\nversion = \"0.1.0\"\n";
        assert_eq!(binary(package, None).ok().as_deref(), Some("hello"));
        let one = format!("{package}[[bin]]\nname = \"hi\"\n");
        assert_eq!(binary(&one, None).ok().as_deref(), Some("hi"));
        let two = format!("{one}[[bin]]\nname = \"bye\"\n");
        let err = binary(&two, None).map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err(
                "Cargo.toml: several binaries (hi, bye): choose one with --build-arg BIN=<name>"
                    .to_owned()
            )
        );
        assert_eq!(binary(&two, Some("bye")).ok().as_deref(), Some("bye"));
        assert!(binary("[workspace]\nmembers = [\"a\"]\n", None).is_err());
        assert!(matches!(
            binary(package, Some("x; rm -rf /")),
            Err(Error::Option(_))
        ));
    }

    #[test]
    fn parse_errors_carry_the_line() {
        let err = Manifest::parse(b"[package]\nname = \"a\"\nversion = \n");
        assert!(matches!(err, Err(Error::Manifest { line: Some(3), .. })));
    }

    #[test]
    fn options_default_and_scratch() -> Result<(), Error> {
        let opts = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>()
        };
        let default = Options::from_opts(&opts(&[]))?;
        assert_eq!(default.rust_image, DEFAULT_RUST_IMAGE);
        assert_eq!(
            default.runtime_image.as_deref(),
            Some(DEFAULT_RUNTIME_IMAGE)
        );
        let custom = Options::from_opts(&opts(&[
            ("build-arg:RUNTIME_IMAGE", "scratch"),
            ("platform", "linux/arm64"),
            ("image-resolve-mode", "pull"),
            ("force-network-mode", "none"),
        ]))?;
        assert_eq!(custom.runtime_image, None);
        assert_eq!(custom.platform, Some(Platform::new("linux", "arm64")));
        assert_eq!(custom.resolve_mode, ResolveMode::Pull);
        assert_eq!(custom.network, pb::NetMode::None);
        assert_eq!(default.network, pb::NetMode::Unset);
        assert!(Options::from_opts(&opts(&[("platform", "linux/amd64,linux/arm64")])).is_err());
        Ok(())
    }
}
