//! One frontend run: read the options and the Dockerfile, forward to another frontend if the
//! Dockerfile asks for one, convert, solve, and build the result BuildKit exports.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::dockerignore;
use super::options::{BuildOptions, OptionError};
use crate::convert::{self, ConvertError, ConvertOptions, ImageRequest, Plan, PlanInputs};
use crate::dockerfile;
use crate::gateway::{
    self, CacheOptionsEntry, FrontendEnv, GatewayClient, GatewayError, PlatformImage,
    result::ResultError,
};
use crate::llb::{self, Caps, Local, MarshalOptions, OpMeta, Platform, SourceMap, pb};
use crate::proto::google::rpc::Status as RpcStatus;
use crate::proto::moby::buildkit::v1::frontend::Result as BridgeResult;

/// Frontend capabilities (`frontend.caps`) this frontend honours.
const KNOWN_FRONTEND_CAPS: [&str; 1] = ["moby.buildkit.frontend.subrequests"];

/// The one subrequest answered: the list of subrequests.
const DESCRIBE: &str = "frontend.subrequests.describe";

/// Everything that can end a frontend run early.
#[derive(Debug, thiserror::Error)]
pub enum FrontendError {
    #[error(transparent)]
    Options(#[from] OptionError),
    #[error(transparent)]
    Env(#[from] gateway::EnvError),
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    #[error("failed to read dockerfile: {0}")]
    ReadDockerfile(GatewayError),
    #[error("{}", located(.source_info, .error))]
    Dockerfile {
        error: ConvertError,
        source_info: Box<pb::SourceInfo>,
    },
    #[error(transparent)]
    Llb(#[from] llb::Error),
    #[error(transparent)]
    Result(#[from] ResultError),
    #[error("{0}")]
    Unsupported(String),
}

fn located(info: &pb::SourceInfo, error: &ConvertError) -> String {
    match error.span {
        Some(span) => format!("{}:{}: {}", info.filename, span.start.line, error.message),
        None => error.message.clone(),
    }
}

impl FrontendError {
    /// The status given to `Return`: what the user sees. Dockerfile errors carry BuildKit's
    /// source detail so the CLI prints the offending lines.
    pub fn to_status(&self) -> RpcStatus {
        match self {
            FrontendError::Gateway(e) => e.to_rpc_status(),
            FrontendError::Dockerfile { error, source_info } => {
                let details = error
                    .span
                    .map(|span| {
                        let start = u32::try_from(span.start.line).unwrap_or(u32::MAX);
                        let end =
                            u32::try_from(span.end.line.max(span.start.line)).unwrap_or(u32::MAX);
                        vec![gateway::source_detail(
                            source_info,
                            &[gateway::line_range(start, end)],
                        )]
                    })
                    .unwrap_or_default();
                gateway::error_status(tonic::Code::Unknown, self.to_string(), details)
            }
            FrontendError::Unsupported(_) => {
                gateway::error_status(tonic::Code::Unimplemented, self.to_string(), Vec::new())
            }
            _ => gateway::error_status(tonic::Code::Unknown, self.to_string(), Vec::new()),
        }
    }
}

/// The Dockerfile as loaded from the client.
struct LoadedDockerfile {
    data: Vec<u8>,
    filename: String,
    /// `<Dockerfile>.dockerignore`, when it exists.
    own_ignore: Option<Vec<u8>>,
}

/// Run the build and produce the result to return.
pub async fn build(
    client: &GatewayClient,
    env: &FrontendEnv,
) -> Result<BridgeResult, FrontendError> {
    let caps = client.ping().await?;
    let opts = BuildOptions::from_opts(&env.opts)?;
    check_supported(&opts)?;
    if opts.request_id.as_deref() == Some(DESCRIBE) {
        return Ok(describe_subrequests());
    }

    // Every solve carries the cache imports (BuildKit deduplicates importers).
    let cache_imports = env.cache_imports()?;
    let loaded = load_dockerfile(client, &opts, &env.session_id, &cache_imports).await?;
    if let Some(forward) = forward_target(&opts, &loaded.data) {
        return forward_to(client, env, forward).await;
    }
    let excludes = match &loaded.own_ignore {
        Some(data) => dockerignore::parse(data),
        None => load_context_ignore(client, &opts, &env.session_id, &cache_imports).await,
    };

    let source = Arc::new(SourceMap {
        filename: loaded.filename.clone(),
        data: loaded.data.clone(),
        language: "Dockerfile".into(),
        definition: None,
    });
    let source_info = pb::SourceInfo {
        filename: source.filename.clone(),
        data: source.data.clone(),
        definition: None,
        language: source.language.clone(),
    };
    let in_dockerfile = |error: ConvertError| FrontendError::Dockerfile {
        error,
        source_info: Box::new(source_info.clone()),
    };
    let parsed = dockerfile::parse(&loaded.data).map_err(|e| {
        in_dockerfile(ConvertError::at(
            dockerfile::Span {
                start: dockerfile::Position {
                    line: e.line,
                    column: 0,
                },
                end: dockerfile::Position {
                    line: e.end_line.max(e.line),
                    column: 0,
                },
            },
            e.message,
        ))
    })?;

    let llb_caps: Caps = caps.llb_caps().map(str::to_string).collect();
    let build_platform = env
        .build_platform()
        .map(Platform::from)
        .unwrap_or_else(default_platform)
        .normalized();
    let targets: Vec<Option<Platform>> = if opts.platforms.is_empty() {
        vec![None]
    } else {
        opts.platforms
            .iter()
            .map(|p| {
                Platform::parse(p)
                    .map(|p| Some(p.normalized()))
                    .map_err(|_| {
                        FrontendError::Options(OptionError::Invalid {
                            key: "platform".into(),
                            value: p.clone(),
                            reason: "failed to parse target platform",
                        })
                    })
            })
            .collect::<Result<_, _>>()?
    };
    let multi = match opts.multi_platform {
        Some(false) if targets.len() > 1 => {
            return Err(FrontendError::Unsupported(
                "conflicting config: returning multiple target platforms is not allowed".into(),
            ));
        }
        Some(m) => m,
        None => targets.len() > 1,
    };
    let mut images = Vec::with_capacity(targets.len());
    for target in &targets {
        let convert_opts = ConvertOptions {
            build_args: opts.build_args.clone(),
            labels: opts.labels.clone(),
            build_platform: build_platform.clone(),
            target_platform: target.clone(),
            platform_in_names: multi,
            network: opts.network,
            extra_hosts: opts.extra_hosts.clone(),
            hostname: opts.hostname.clone(),
            shm_size: opts.shm_size,
            no_cache: opts.no_cache.clone(),
            resolve_mode: opts.resolve_mode,
            session_id: env.session_id.clone(),
            context_local: opts.context_local.clone(),
            excludes: excludes.clone(),
            llb_caps: Some(llb_caps.clone()),
            source: Arc::clone(&source),
        };
        let image = build_platform_image(
            client,
            &parsed,
            &opts,
            &convert_opts,
            &cache_imports,
            &llb_caps,
        )
        .await
        .map_err(|e| match e {
            PlatformError::Convert(error) => in_dockerfile(error),
            PlatformError::Other(other) => other,
        })?;
        images.push(image);
    }
    if multi {
        Ok(gateway::multi_platform_result(images)?)
    } else {
        let image = images
            .pop()
            .ok_or_else(|| FrontendError::Unsupported("no platform to build".into()))?;
        Ok(gateway::image_result(image))
    }
}

enum PlatformError {
    Convert(ConvertError),
    Other(FrontendError),
}

impl<E: Into<FrontendError>> From<E> for PlatformError {
    fn from(e: E) -> Self {
        PlatformError::Other(e.into())
    }
}

/// Convert, solve and describe the image for one target platform.
async fn build_platform_image(
    client: &GatewayClient,
    parsed: &dockerfile::Dockerfile,
    opts: &BuildOptions,
    convert_opts: &ConvertOptions,
    cache_imports: &[CacheOptionsEntry],
    llb_caps: &Caps,
) -> Result<PlatformImage, PlatformError> {
    let plan = Plan::new(&PlanInputs {
        dockerfile: parsed,
        build_args: &convert_opts.build_args,
        target: opts.target.as_deref(),
        build_platform: &convert_opts.build_platform,
        target_platform: convert_opts.target_platform.as_ref(),
    })
    .map_err(PlatformError::Convert)?;
    let resolved = resolve_images(client, &plan, convert_opts).await?;
    let resolved = match resolved {
        Ok(resolved) => resolved,
        Err((request, message)) => {
            let text = format!("{}: {message}", request.reference);
            return Err(PlatformError::Convert(
                match plan.image_span(&request.reference) {
                    Some(span) => ConvertError::at(span, text),
                    None => ConvertError::message(text),
                },
            ));
        }
    };
    let converted = convert::convert(&plan, convert_opts, parsed.escape, &resolved)
        .map_err(PlatformError::Convert)?;
    let definition = llb::marshal(
        converted.state.as_ref(),
        &MarshalOptions {
            caps: Some(llb_caps.clone()),
        },
    )?;
    let ref_id = client.solve(definition, cache_imports, false).await?;
    let config = serde_json::to_vec(&converted.image)
        .map_err(|e| FrontendError::Unsupported(format!("image config: {e}")))?;
    let platform = converted.platform.normalized();
    Ok(PlatformImage {
        id: platform.to_string(),
        platform: platform.to_pb(),
        ref_id,
        config,
        base_config: converted.base_config,
    })
}

/// Resolved base images, or the image that failed with BuildKit's message.
type Resolution = Result<BTreeMap<ImageRequest, convert::ResolvedImage>, (ImageRequest, String)>;

/// Resolve every base image the plan needs, concurrently.
async fn resolve_images(
    client: &GatewayClient,
    plan: &Plan,
    opts: &ConvertOptions,
) -> Result<Resolution, FrontendError> {
    let mode = opts.resolve_mode.as_str();
    let mut tasks = tokio::task::JoinSet::new();
    for request in plan.image_requests() {
        let client = client.clone();
        let log_name = if opts.platform_in_names {
            format!(
                "[{} internal] load metadata for {}",
                request.platform, request.reference
            )
        } else {
            format!("[internal] load metadata for {}", request.reference)
        };
        tasks.spawn(async move {
            let answer = client
                .resolve_image_config(
                    &request.reference,
                    Some(request.platform.to_pb()),
                    mode,
                    &log_name,
                )
                .await;
            (request, answer)
        });
    }
    let mut resolved = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        let (request, answer) = joined
            .map_err(|e| FrontendError::Unsupported(format!("image resolution task: {e}")))?;
        let image = match answer {
            Ok(image) => image,
            Err(e) => return Ok(Err((request, e.message()))),
        };
        resolved.insert(
            request,
            convert::ResolvedImage {
                digest: image.digest,
                config: Some(image.config),
            },
        );
    }
    Ok(Ok(resolved))
}

/// The answer to `frontend.subrequests.describe`: only itself.
fn describe_subrequests() -> BridgeResult {
    let list = serde_json::json!([{
        "name": DESCRIBE,
        "version": "1.0.0",
        "type": "rpc",
        "description": "List available subrequest types",
        "metadata": [{"name": "result.json"}, {"name": "result.txt"}],
    }]);
    let text =
        format!("NAME\tVERSION\tDESCRIPTION\n{DESCRIBE}\t1.0.0\tList available subrequest types\n");
    gateway::metadata_result(BTreeMap::from([
        ("result.json".to_string(), list.to_string().into_bytes()),
        ("result.txt".to_string(), text.into_bytes()),
        ("version".to_string(), b"1.0.0".to_vec()),
    ]))
}

/// Refuse option combinations we cannot build correctly.
fn check_supported(opts: &BuildOptions) -> Result<(), FrontendError> {
    if let Some(url) = &opts.remote_context {
        return Err(FrontendError::Unsupported(format!(
            "remote build contexts ({url}) are not supported by this frontend yet"
        )));
    }
    if let Some(name) = opts.named_contexts.keys().next() {
        return Err(FrontendError::Unsupported(format!(
            "named build contexts (--build-context {name}=…) are not supported by this frontend yet"
        )));
    }
    if let Some(request) = opts.request_id.as_deref().filter(|r| *r != DESCRIBE) {
        return Err(FrontendError::Unsupported(format!(
            "subrequest {request} is not supported by this frontend yet"
        )));
    }
    for cap in &opts.required_caps {
        let (name, _forward) = cap.split_once('+').unwrap_or((cap, ""));
        if !KNOWN_FRONTEND_CAPS.contains(&name) {
            return Err(FrontendError::Unsupported(format!(
                "frontend capability {name} is not supported by this frontend yet"
            )));
        }
    }
    Ok(())
}

/// Read the Dockerfile (and its own ignore file) from the client's `dockerfile` local.
async fn load_dockerfile(
    client: &GatewayClient,
    opts: &BuildOptions,
    session_id: &str,
    cache_imports: &[CacheOptionsEntry],
) -> Result<LoadedDockerfile, FrontendError> {
    let filename = opts.filename.clone();
    let ignore_name = format!("{filename}.dockerignore");
    let lowercase = lowercase_fallback(&filename);
    let mut follow = vec![filename.clone(), ignore_name.clone()];
    follow.extend(lowercase.clone());
    let local = Local::new(opts.dockerfile_local.clone())
        .session(session_id)
        .follow_paths(&follow)
        .shared_key_hint(opts.dockerfile_local.clone())
        .differ(llb::Differ::None, false)
        .meta(
            OpMeta::new().custom_name(format!("[internal] load build definition from {filename}")),
        )
        .build();
    let definition = llb::marshal(Some(&local), &MarshalOptions::default())?;
    let ref_id = client.solve(definition, cache_imports, false).await?;
    let (data, filename) = match client.read_file(&ref_id, &filename, None).await {
        Ok(data) => (data, filename),
        Err(first) => match lowercase {
            Some(lower) => match client.read_file(&ref_id, &lower, None).await {
                Ok(data) => (data, lower),
                Err(_) => return Err(FrontendError::ReadDockerfile(first)),
            },
            None => return Err(FrontendError::ReadDockerfile(first)),
        },
    };
    if data.is_empty() {
        return Err(FrontendError::Unsupported(
            "the Dockerfile cannot be empty".into(),
        ));
    }
    let own_ignore = client.read_file(&ref_id, &ignore_name, None).await.ok();
    Ok(LoadedDockerfile {
        data,
        filename,
        own_ignore,
    })
}

/// `dir/dockerfile` when the name is `dir/Dockerfile`.
fn lowercase_fallback(filename: &str) -> Option<String> {
    let (dir, base) = filename.rsplit_once('/').unwrap_or(("", filename));
    (base == "Dockerfile").then(|| {
        if dir.is_empty() {
            "dockerfile".to_string()
        } else {
            format!("{dir}/dockerfile")
        }
    })
}

/// The context's `.dockerignore`; a missing or unreadable file means no excludes.
async fn load_context_ignore(
    client: &GatewayClient,
    opts: &BuildOptions,
    session_id: &str,
    cache_imports: &[CacheOptionsEntry],
) -> Vec<String> {
    let local = Local::new(opts.context_local.clone())
        .session(session_id)
        .follow_paths(&[".dockerignore".to_string()])
        .shared_key_hint(format!("{}-.dockerignore", opts.context_local))
        .differ(llb::Differ::None, false)
        .meta(OpMeta::new().custom_name("[internal] load .dockerignore"))
        .build();
    let Ok(definition) = llb::marshal(Some(&local), &MarshalOptions::default()) else {
        return Vec::new();
    };
    let Ok(ref_id) = client.solve(definition, cache_imports, false).await else {
        return Vec::new();
    };
    match client.read_file(&ref_id, ".dockerignore", None).await {
        Ok(data) => dockerignore::parse(&data),
        Err(_) => Vec::new(),
    }
}

/// Another frontend the build must go to, with the `cmdline` to pass.
struct Forward {
    reference: String,
    cmdline: String,
}

fn forward_target(opts: &BuildOptions, text: &[u8]) -> Option<Forward> {
    if opts.forwarded_cmdline.is_some() {
        return None;
    }
    let (reference, cmdline) = match &opts.syntax_arg {
        Some(arg) => (
            arg.split_whitespace().next().unwrap_or(arg).to_string(),
            arg.clone(),
        ),
        None => {
            let found = dockerfile::detect_syntax(text)?;
            (found.value, found.full)
        }
    };
    // Started directly as this image (e.g. `buildctl --frontend gateway.v0`): the directive
    // names us, so build rather than start ourselves again.
    if opts.source.as_deref() == Some(reference.as_str()) {
        return None;
    }
    Some(Forward { reference, cmdline })
}

async fn forward_to(
    client: &GatewayClient,
    env: &FrontendEnv,
    forward: Forward,
) -> Result<BridgeResult, FrontendError> {
    let mut opts = env.opts.clone();
    opts.insert("source".into(), forward.reference);
    opts.insert("cmdline".into(), forward.cmdline);
    let caps = client.caps();
    let inputs = match caps {
        Some(c) if c.has_frontend(gateway::frontend_cap::FRONTEND_INPUTS) => {
            client.inputs().await.unwrap_or_default()
        }
        _ => BTreeMap::new(),
    };
    Ok(client.solve_frontend("gateway.v0", opts, inputs).await?)
}

/// The platform this binary runs on, used when BuildKit names no worker platform.
fn default_platform() -> Platform {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "arm",
        "powerpc64" => "ppc64le",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        other => other,
    };
    Platform::new("linux", arch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(pairs: &[(&str, &str)]) -> BuildOptions {
        let map = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        BuildOptions::from_opts(&map).unwrap()
    }

    #[test]
    fn forwarding_rules() {
        let file = b"# syntax=other/front\nFROM x\n";
        let f = forward_target(&opts(&[]), file).unwrap();
        assert_eq!(f.reference, "other/front");
        assert!(forward_target(&opts(&[("cmdline", "other/front")]), file).is_none());
        assert!(forward_target(&opts(&[("source", "other/front")]), file).is_none());
        let by_arg =
            forward_target(&opts(&[("build-arg:BUILDKIT_SYNTAX", "x/y:1")]), b"FROM a").unwrap();
        assert_eq!(by_arg.reference, "x/y:1");
        assert!(forward_target(&opts(&[]), b"FROM x\n").is_none());
    }

    #[test]
    fn lowercase_dockerfile_fallback() {
        assert_eq!(
            lowercase_fallback("Dockerfile").as_deref(),
            Some("dockerfile")
        );
        assert_eq!(
            lowercase_fallback("a/Dockerfile").as_deref(),
            Some("a/dockerfile")
        );
        assert_eq!(lowercase_fallback("Dockerfile.dev"), None);
    }

    #[test]
    fn unsupported_options_are_refused() {
        assert!(check_supported(&opts(&[("context:base", "docker-image://x")])).is_err());
        assert!(check_supported(&opts(&[("requestid", "frontend.outline")])).is_err());
        assert!(
            check_supported(&opts(&[(
                "frontend.caps",
                "moby.buildkit.frontend.contexts+forward"
            )]))
            .is_err()
        );
        assert!(
            check_supported(&opts(&[(
                "frontend.caps",
                "moby.buildkit.frontend.subrequests"
            )]))
            .is_ok()
        );
        assert!(check_supported(&opts(&[("requestid", DESCRIBE)])).is_ok());
    }
}
