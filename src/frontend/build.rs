//! One frontend run: read the options and the Dockerfile, forward to another frontend if the
//! Dockerfile asks for one, convert, solve, and build the result BuildKit exports.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::contexts::ClientSources;
use super::dockerignore;
use super::include;
use super::load::{load_context_ignore, load_dockerfile};
use super::options::{BuildOptions, OptionError};
use super::remote;
use super::subrequests;
use crate::convert::{self, ConvertError, ConvertOptions, Plan};
use crate::dockerfile;
use crate::gateway::{
    self, FrontendEnv, GatewayClient, GatewayError, PlatformImage, result::ResultError,
};
use crate::instructions::include::Includes;
use crate::lint;
use crate::llb::{self, Caps, MarshalOptions, Platform, SourceMap, pb};
use crate::proto::google::rpc::Status as RpcStatus;
use crate::proto::moby::buildkit::v1::frontend::Result as BridgeResult;

/// Frontend capabilities (`frontend.caps`) this frontend honours.
/// Frontend capabilities a client may require (`frontend.caps`): subrequests, git URLs
/// with a query string (`?ref=…&subdir=…`) in ADD, named contexts (`--build-context`) and
/// frontend inputs (bake's `target:` contexts, inline Dockerfiles).
const KNOWN_FRONTEND_CAPS: [&str; 4] = [
    "moby.buildkit.frontend.subrequests",
    "moby.buildkit.frontend.gitquerystring",
    "moby.buildkit.frontend.contexts",
    "moby.buildkit.frontend.inputs",
];

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
    /// `frontend.caps` names a capability this frontend lacks.
    #[error("unsupported frontend capability {0}")]
    UnsupportedCap(String),
    /// The build does not fit in what BuildKit accepts (see `convert::definition_too_large`).
    #[error("{0}")]
    TooLarge(String),
    /// A subrequest this frontend does not answer.
    #[error("unsupported request {0}")]
    UnsupportedRequest(String),
}

fn located(info: &pb::SourceInfo, error: &ConvertError) -> String {
    // As BuildKit shows it: `Dockerfile:12: …`, or the bare message about no line.
    match error.span {
        Some(_) => error.located(&info.filename).to_string(),
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
                // One range per line, as upstream locates an instruction.
                let details = error
                    .span
                    .map(|span| {
                        let start = u32::try_from(span.start.line).unwrap_or(u32::MAX);
                        let end =
                            u32::try_from(span.end.line.max(span.start.line)).unwrap_or(u32::MAX);
                        vec![gateway::source_detail(
                            source_info,
                            &llb::line_ranges(start, end),
                        )]
                    })
                    .unwrap_or_default();
                gateway::error_status(tonic::Code::Unknown, self.to_string(), details)
            }
            FrontendError::Unsupported(_) => {
                gateway::error_status(tonic::Code::Unimplemented, self.to_string(), Vec::new())
            }
            FrontendError::UnsupportedCap(cap) => gateway::error_status(
                tonic::Code::Unimplemented,
                self.to_string(),
                vec![gateway::typed_detail(gateway::TypedError::FrontendCap, cap)],
            ),
            FrontendError::UnsupportedRequest(request) => gateway::error_status(
                tonic::Code::Unimplemented,
                self.to_string(),
                vec![gateway::typed_detail(
                    gateway::TypedError::Subrequest,
                    request,
                )],
            ),
            _ => gateway::error_status(tonic::Code::Unknown, self.to_string(), Vec::new()),
        }
    }
}

/// Where build-check warnings go: the op that loaded the Dockerfile, and the file itself.
pub(super) struct WarnTarget {
    pub(super) digest: String,
    pub(super) info: pb::SourceInfo,
    /// The files it INCLUDEs (file `n` is entry `n - 1`).
    pub(super) included: Vec<pb::SourceInfo>,
}

impl WarnTarget {
    /// The source info of file `file` (see `Span::file`).
    pub(super) fn info_for(&self, file: usize) -> &pb::SourceInfo {
        file.checked_sub(1)
            .and_then(|i| self.included.get(i))
            .unwrap_or(&self.info)
    }

    /// Shows build-check warnings to the client (buildx prints them after the build), each
    /// attached to the op that loaded its file, as upstream does.
    pub(super) async fn send_all(
        &self,
        client: &GatewayClient,
        warnings: &[lint::Warning],
    ) -> Result<(), FrontendError> {
        for warning in warnings {
            let start = u32::try_from(warning.span.start.line).unwrap_or(u32::MAX);
            let end = u32::try_from(warning.span.end.line).unwrap_or(u32::MAX);
            client
                .warn(gateway::Warning {
                    digest: self.digest.clone(),
                    level: 1,
                    short: warning.short(),
                    detail: vec![warning.rule.description.to_string()],
                    url: warning.rule.url.to_string(),
                    info: Some(self.info_for(warning.span.file).clone()),
                    ranges: llb::line_ranges(start, end),
                })
                .await?;
        }
        Ok(())
    }
}

/// Run the build and produce the result to return.
pub async fn build(
    client: &GatewayClient,
    env: &FrontendEnv,
) -> Result<BridgeResult, FrontendError> {
    let caps = client.ping().await?;
    let opts = BuildOptions::from_opts(&env.opts)?;
    // As upstream: an unknown capability fails now unless marked `+forward`, in which case
    // it only fails if we end up building ourselves rather than forwarding.
    let pending_caps_error = check_caps(&opts)?;
    // Every solve carries the cache imports (BuildKit deduplicates importers).
    let cache_imports = env.cache_imports()?;
    let remote = match &opts.remote_context {
        Some(url) => {
            let settings = (opts.context_keep_git_dir, opts.context_subdir.as_deref());
            let daemon_caps: Caps = caps.llb_caps().map(str::to_string).collect();
            Some(remote::load(client, url, settings, &daemon_caps, &cache_imports).await?)
        }
        None => None,
    };
    // As upstream, a Dockerfile or context handed over as a frontend input (buildx's inline
    // Dockerfiles, bake's contexts) replaces the local one.
    let remote = match remote {
        Some(remote) => Some(remote),
        None if caps.has_frontend(gateway::frontend_cap::FRONTEND_INPUTS) => {
            let local = (opts.dockerfile_local.as_str(), opts.force_local_dockerfile);
            remote::from_inputs(client, local, opts.context_subdir.as_deref()).await?
        }
        None => None,
    };
    // Each local may come from its own session (`local-sessionid:<name>`).
    let dockerfile_session = opts.session_for(&opts.dockerfile_local, &env.session_id);
    let context_session = opts.session_for(&opts.convert.context_local, &env.session_id);
    let from_remote = remote
        .as_ref()
        .filter(|_| !opts.force_local_dockerfile)
        .and_then(|r| Some((r.dockerfile.clone()?, r.filename.clone())));
    let loaded = load_dockerfile(
        client,
        &opts,
        (dockerfile_session, from_remote),
        &cache_imports,
    )
    .await?;
    if let Some(forward) = forward_target(&opts, &loaded.data) {
        if forward.reference.is_empty() {
            return Err(FrontendError::Unsupported(format!(
                "failed with BUILDKIT_SYNTAX = {}: no frontend image named",
                forward.cmdline
            )));
        }
        return forward_to(client, env, forward).await;
    }
    if let Some(error) = pending_caps_error {
        return Err(error);
    }
    check_supported(&opts)?;
    if opts.request_id.as_deref() == Some(subrequests::describe::NAME) {
        return Ok(subrequests::describe::answer());
    }
    // The definition carries the Dockerfile whole: one bigger than a request can be is
    // refused before it is parsed.
    let max_request = client.max_request_size();
    if loaded.data.len() > max_request {
        return Err(FrontendError::TooLarge(convert::dockerfile_too_large(
            loaded.data.len(),
            max_request,
        )));
    }
    let sources = ClientSources {
        build_session: env.session_id.clone(),
        local_sessions: opts.local_session_ids.clone(),
        cache_imports: cache_imports.clone(),
        input_metadata: env
            .opts
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("input-metadata:")?.to_string(), v.clone())))
            .collect(),
        images: Arc::default(),
    };
    let build_platform = env
        .build_platform()
        .map(Platform::from)
        .unwrap_or_else(default_platform)
        .normalized();
    let parsed = dockerfile::parse(&loaded.data).map(Arc::new);
    // A single-platform build asks for its base images now, while the context's
    // .dockerignore is read; its conversion finds the answers.
    if let (Ok(parsed), Some(settings)) = (&parsed, prefetch_settings(&opts, &build_platform)) {
        super::images::prefetch(client, Arc::clone(parsed), settings, &sources.images);
    }
    // As upstream, a remote context is used whole: no .dockerignore applies.
    let remote_context = remote.and_then(|r| r.context);
    // As upstream, patterns it refuses fail whatever converts the Dockerfile (not `targets`).
    let (excludes, ignore_error) = match (&remote_context, &loaded.own_ignore) {
        (Some(_), _) => (Vec::new(), None),
        (None, Some(data)) => {
            let name = format!("{}.dockerignore", loaded.filename);
            checked_ignore(data, &name)
        }
        (None, None) => {
            match load_context_ignore(client, &opts, context_session, &cache_imports).await {
                Some(data) => checked_ignore(&data, ".dockerignore"),
                None => (Vec::new(), None),
            }
        }
    };

    let source = Arc::new(SourceMap {
        filename: loaded.filename.clone(),
        data: loaded.data.clone(),
        language: "Dockerfile".into(),
        definition: Some(loaded.definition.clone()),
    });
    let source_info = pb::SourceInfo {
        filename: source.filename.clone(),
        data: source.data.clone(),
        definition: source.definition.clone(),
        language: source.language.clone(),
    };
    let in_dockerfile = |error: ConvertError| FrontendError::Dockerfile {
        error,
        source_info: Box::new(source_info.clone()),
    };

    let llb_caps: Caps = caps.llb_caps().map(str::to_string).collect();
    if let Some(key) = opts.resource_options.first() {
        if llb_caps.contains(llb::caps::EXEC_META_LINUX_RESOURCES) {
            return Err(FrontendError::Unsupported(format!(
                "the {key} option (resource limits for RUN steps) is not supported by this frontend yet"
            )));
        }
    }
    if let Some(error) =
        ignore_error.filter(|_| opts.request_id.as_deref() != Some(subrequests::targets::NAME))
    {
        return Err(FrontendError::Unsupported(error));
    }
    // INCLUDE (rustfront's own): read the included files; a Dockerfile without is untouched.
    // A Dockerfile that does not parse has none (`frontend.lint` reports the error itself).
    let includes = match &parsed {
        Ok(parsed) if include::needed(parsed) && remote_context.is_some() => {
            return Err(FrontendError::Unsupported(
                "INCLUDE with a remote build context is not supported by this frontend yet".into(),
            ));
        }
        Ok(parsed) if include::needed(parsed) => {
            let context = include::Context {
                local: &opts.convert.context_local,
                session: context_session,
                excludes: &excludes,
                cache_imports: &cache_imports,
            };
            include::load(client, &context, &loaded.filename, parsed)
                .await
                .map_err(|(includes, error)| FrontendError::Dockerfile {
                    source_info: Box::new(include::source_info(&source_info, &includes, &error)),
                    error,
                })?
        }
        _ => Includes::default(),
    };
    if let Some(request) = opts.request_id.as_deref() {
        // As upstream, subrequests convert for the default platform.
        let mut settings = opts.convert.clone();
        settings.build_platform = build_platform;
        settings.session_id = context_session.to_string();
        settings.excludes = excludes;
        settings.remote_context = remote_context;
        settings.llb_caps = Some(llb_caps);
        settings.source = Arc::clone(&source);
        let infos = include::source_infos(&source_info, &includes);
        let warn = WarnTarget {
            digest: loaded.digest.clone(),
            info: source_info.clone(),
            included: infos.iter().skip(1).cloned().collect(),
        };
        let (loaded, settings) = (&loaded, &settings);
        return super::requests::answer(
            client,
            request,
            (loaded, parsed.as_deref(), &includes),
            settings,
            &warn,
            &sources,
        )
        .await
        .map_err(|e| match e {
            PlatformError::Convert(error) => FrontendError::Dockerfile {
                source_info: Box::new(infos.get(error.file()).unwrap_or(&source_info).clone()),
                error,
            },
            PlatformError::Other(other) => other,
        });
    }
    let parsed = parsed.map_err(in_dockerfile)?;
    let infos = include::source_infos(&source_info, &includes);
    let in_file = |error: ConvertError| FrontendError::Dockerfile {
        source_info: Box::new(infos.get(error.file()).unwrap_or(&source_info).clone()),
        error,
    };
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
    // The options' conversion settings, completed with what this build knows.
    let mut settings = opts.convert.clone();
    settings.build_platform = build_platform.clone();
    settings.platform_in_names = multi;
    settings.session_id = context_session.to_string();
    settings.excludes = excludes;
    settings.remote_context = remote_context;
    settings.llb_caps = Some(llb_caps.clone());
    settings.source = Arc::clone(&source);
    settings.max_definition_size = Some(max_request);
    // Each target platform is converted and solved concurrently, as upstream does.
    let includes = Arc::new(includes);
    let sources = Arc::new(sources);
    let tasks: Vec<_> = targets
        .iter()
        .enumerate()
        .map(|(index, target)| {
            let convert_opts = ConvertOptions {
                target_platform: target.clone(),
                ..settings.clone()
            };
            let (client, parsed) = (client.clone(), Arc::clone(&parsed));
            let includes = Arc::clone(&includes);
            let (sources, llb_caps) = (Arc::clone(&sources), llb_caps.clone());
            // As upstream, only the first platform's conversion reports build-check warnings.
            let warn = (index == 0).then(|| WarnTarget {
                digest: loaded.digest.clone(),
                info: source_info.clone(),
                included: infos.iter().skip(1).cloned().collect(),
            });
            tokio::spawn(async move {
                build_platform_image(
                    &client,
                    (&parsed, &includes),
                    &convert_opts,
                    &sources,
                    &llb_caps,
                    warn.as_ref(),
                )
                .await
            })
        })
        .collect();
    let mut images = Vec::with_capacity(tasks.len());
    for task in tasks {
        let image = task
            .await
            .map_err(|e| FrontendError::Unsupported(format!("platform build failed: {e}")))?
            .map_err(|e| match e {
                PlatformError::Convert(error) => in_file(error),
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

pub(super) enum PlatformError {
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
    (parsed, includes): (&dockerfile::Dockerfile, &Includes),
    convert_opts: &ConvertOptions,
    sources: &ClientSources,
    llb_caps: &Caps,
    warn: Option<&WarnTarget>,
) -> Result<PlatformImage, PlatformError> {
    let plan =
        Plan::with_includes(parsed, includes, convert_opts).map_err(PlatformError::Convert)?;
    let resolved = resolve_plan(client, &plan, convert_opts, sources).await?;
    let (converted, warnings) = convert::convert_reporting(&plan, convert_opts, &resolved);
    if let Some(warn) = warn {
        // Sent before a failure too (`check=error=true` among others), as upstream does.
        warn.send_all(client, &warnings).await?;
    }
    let converted = converted.map_err(PlatformError::Convert)?;
    let definition = llb::marshal(
        converted.state.as_ref(),
        &MarshalOptions {
            caps: Some(llb_caps.clone()),
        },
    )?;
    let ref_id = client
        .solve(definition, &sources.cache_imports, false)
        .await
        .map_err(|e| match e {
            GatewayError::RequestTooLarge { size, limit, .. } => {
                FrontendError::TooLarge(convert::definition_too_large(Some(size), limit))
            }
            other => FrontendError::Gateway(other),
        })?;
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

/// The plan's base images and named contexts, resolved; a failure names the line that uses
/// the image or context.
pub(super) async fn resolve_plan(
    client: &GatewayClient,
    plan: &Plan,
    opts: &ConvertOptions,
    sources: &ClientSources,
) -> Result<convert::Resolved, PlatformError> {
    let located = |span: Option<crate::dockerfile::Span>, text: String| {
        PlatformError::Convert(match span {
            Some(span) => ConvertError::at(span, text),
            None => ConvertError::message(text),
        })
    };
    let resolution = super::images::resolve(client, plan, opts, &sources.images)
        .await
        .map_err(|e| FrontendError::Unsupported(format!("image resolution task: {e}")))?;
    let images = match resolution {
        Ok(resolved) => resolved,
        Err((request, message)) => {
            let text = format!("{}: {message}", request.reference);
            return Err(located(plan.image_span(&request.reference), text));
        }
    };
    let contexts = super::contexts::resolve(client, plan, opts, sources)
        .await
        .map_err(|(index, message)| {
            let text = format!("named context {}: {message}", plan.contexts[index].key);
            located(plan.context_span(index), text)
        })?;
    Ok(convert::Resolved { images, contexts })
}

/// The settings a build converts its one target platform with, as far as planning goes, or
/// `None` for builds that are not that simple (subrequests, several platforms).
fn prefetch_settings(opts: &BuildOptions, build_platform: &Platform) -> Option<ConvertOptions> {
    if opts.request_id.is_some() || opts.platforms.len() > 1 || opts.multi_platform == Some(true) {
        return None;
    }
    let target_platform = match opts.platforms.first() {
        Some(p) => Some(Platform::parse(p).ok()?.normalized()),
        None => None,
    };
    Some(ConvertOptions {
        build_platform: build_platform.clone(),
        target_platform,
        platform_in_names: false,
        ..opts.convert.clone()
    })
}

/// The patterns of an ignore file, and the error upstream would fail with on them.
fn checked_ignore(data: &[u8], name: &str) -> (Vec<String>, Option<String>) {
    match dockerignore::parse_checked(data, name) {
        Ok(patterns) => (patterns, None),
        Err(error) => (dockerignore::parse(data), Some(error)),
    }
}

/// Refuse option combinations we cannot build correctly.
/// What this frontend cannot do yet, once it is clear that it builds (not forwards).
fn check_supported(opts: &BuildOptions) -> Result<(), FrontendError> {
    if let Some(request) = opts
        .request_id
        .as_deref()
        .filter(|r| subrequests::find(r).is_none())
    {
        return Err(FrontendError::UnsupportedRequest(request.to_string()));
    }
    Ok(())
}

/// The capabilities the client requires (`frontend.caps`): an unknown one is an error now,
/// or, marked `+forward`, an error returned for later (if the build is not forwarded).
fn check_caps(opts: &BuildOptions) -> Result<Option<FrontendError>, FrontendError> {
    let mut pending = None;
    for cap in &opts.required_caps {
        let (name, flags) = cap.split_once('+').unwrap_or((cap, ""));
        if KNOWN_FRONTEND_CAPS.contains(&name) {
            continue;
        }
        let error = FrontendError::UnsupportedCap(name.to_string());
        if !flags.contains("forward") {
            return Err(error);
        }
        pending = Some(error);
    }
    Ok(pending)
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
    fn unsupported_options_are_refused() {
        assert!(check_supported(&opts(&[("context:base", "docker-image://x")])).is_ok());
        assert!(check_supported(&opts(&[("requestid", "frontend.convertllb")])).is_ok());
        assert!(check_supported(&opts(&[("requestid", "frontend.unknown")])).is_err());
        assert!(check_supported(&opts(&[("requestid", "frontend.outline")])).is_ok());
        assert!(check_supported(&opts(&[("requestid", subrequests::describe::NAME)])).is_ok());
    }

    #[test]
    fn unknown_caps_fail_unless_forwarded() {
        let caps = |v: &str| check_caps(&opts(&[("frontend.caps", v)]));
        assert!(caps("moby.buildkit.frontend.unknown").is_err());
        // `+forward`: an error only if we build ourselves
        assert!(matches!(
            caps("moby.buildkit.frontend.unknown+forward"),
            Ok(Some(_))
        ));
        assert!(matches!(
            caps(
                "moby.buildkit.frontend.subrequests,moby.buildkit.frontend.gitquerystring,moby.buildkit.frontend.contexts+forward"
            ),
            Ok(None)
        ));
    }
}
