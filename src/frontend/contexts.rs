//! Loading the named contexts a plan uses (dockerui's `NamedContext.Load`): the config of an
//! image or OCI layout image, the `.dockerignore` of a local directory. Git and HTTP contexts
//! need nothing before dispatch.

use std::collections::BTreeMap;

use super::dockerignore;
use super::load::{LocalIgnore, read_ignore};
use crate::convert::contexts::{ContextSource, ResolvedContext};
use crate::convert::{ConvertOptions, Plan, ResolvedImage};
use crate::gateway::{CacheOptionsEntry, GatewayClient, GatewayError};
use crate::llb;

/// Where the client's directories come from: the build's session, the sessions of locals
/// that have their own (`local-sessionid:<name>`), and the cache imports every solve carries.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClientSources {
    pub build_session: String,
    pub local_sessions: BTreeMap<String, String>,
    pub cache_imports: Vec<CacheOptionsEntry>,
    /// `input-metadata:<name>` options: JSON maps of a frontend input's metadata
    /// (`containerimage.config`: its image config).
    pub input_metadata: BTreeMap<String, String>,
    /// The base image configs asked for so far.
    pub images: std::sync::Arc<super::images::ImageConfigs>,
}

impl ClientSources {
    fn session_for(&self, local: &str) -> &str {
        self.local_sessions
            .get(local)
            .map_or(self.build_session.as_str(), String::as_str)
    }
}

/// A context that could not be loaded: its index and BuildKit's message.
pub(super) type ContextError = (usize, String);

/// Loads every named context the reachable stages use.
pub(super) async fn resolve(
    client: &GatewayClient,
    plan: &Plan,
    opts: &ConvertOptions,
    sources: &ClientSources,
) -> Result<BTreeMap<usize, ResolvedContext>, ContextError> {
    let mut resolved = BTreeMap::new();
    for index in plan.context_requests() {
        let context = load(client, plan, index, opts, sources)
            .await
            .map_err(|e| (index, e))?;
        resolved.insert(index, context);
    }
    Ok(resolved)
}

async fn load(
    client: &GatewayClient,
    plan: &Plan,
    index: usize,
    opts: &ConvertOptions,
    sources: &ClientSources,
) -> Result<ResolvedContext, String> {
    let request = &plan.contexts[index];
    let key = &request.key;
    let platform = request.platform.as_ref().map(llb::Platform::to_pb);
    let image = |answer: Result<crate::gateway::ResolvedImage, GatewayError>| {
        answer
            .map(|image| ResolvedContext {
                reference: image.reference,
                image: Some(ResolvedImage {
                    digest: image.digest,
                    config: Some(image.config),
                }),
                ..ResolvedContext::default()
            })
            .map_err(|e| e.message())
    };
    match &request.source {
        ContextSource::Image(written) => {
            let reference = llb::normalize_image_ref(written).map_err(|e| e.to_string())?;
            let log_name = format!("[context {key}] load metadata for {written}");
            let answer = client
                .resolve_image_config(&reference, platform, opts.resolve_mode.as_str(), &log_name)
                .await;
            image(answer)
        }
        ContextSource::OciLayout { store, digest } => {
            let caps = opts.llb_caps.as_ref();
            if caps.is_some_and(|c| !c.contains(llb::caps::SOURCE_OCI_LAYOUT)) {
                return Err(format!(
                    "named context {key} (oci-layout://) needs a BuildKit that loads OCI layouts (v0.11 or later)"
                ));
            }
            let name = llb::normalize_image_ref(&request.name).map_err(|e| e.to_string())?;
            let name = name.rsplit_once(':').map_or(name.as_str(), |(n, _)| n);
            let reference = format!("{name}@{digest}");
            let log_name = format!("[context {key}] load metadata for {reference}");
            let session = sources.build_session.as_str();
            let answer = client
                .resolve_oci_layout_config(&reference, platform, (session, store), &log_name)
                .await;
            let mut context = image(answer)?;
            context.session = session.to_string();
            Ok(context)
        }
        ContextSource::Local(name) => {
            let session = sources.session_for(name).to_string();
            let excludes =
                local_ignore(client, key, name, &session, &sources.cache_imports).await?;
            Ok(ResolvedContext {
                excludes,
                session,
                ..ResolvedContext::default()
            })
        }
        ContextSource::Input(name) => {
            let inputs = client.inputs().await.map_err(|e| e.message())?;
            let definition = inputs
                .get(name)
                .ok_or_else(|| format!("invalid input {name} for {key}"))?;
            let state = llb::Output::from_definition(definition).map_err(|e| e.to_string())?;
            let config = match sources.input_metadata.get(name) {
                Some(json) => input_image_config(json)
                    .map_err(|e| format!("failed to parse input metadata {json}: {e}"))?,
                None => None,
            };
            Ok(ResolvedContext {
                state,
                image: config.map(|config| ResolvedImage {
                    digest: String::new(),
                    config: Some(config),
                }),
                ..ResolvedContext::default()
            })
        }
        ContextSource::Scratch | ContextSource::Git(..) | ContextSource::Http(_) => {
            Ok(ResolvedContext::default())
        }
    }
}

/// The `.dockerignore` patterns of local directory `name` (none when it has none), read as
/// upstream does: a solve that transfers only that file.
async fn local_ignore(
    client: &GatewayClient,
    key: &str,
    name: &str,
    session: &str,
    cache_imports: &[CacheOptionsEntry],
) -> Result<Vec<String>, String> {
    let (key_hint, progress) = (
        format!("context:{key}"),
        format!("[context {key}] load .dockerignore"),
    );
    let ignore = LocalIgnore {
        local: name,
        session,
        key_hint: &key_hint,
        name: &progress,
    };
    // As upstream, a directory without the file (or an unreadable one) excludes nothing.
    match read_ignore(client, &ignore, cache_imports).await? {
        Some(data) => dockerignore::parse_checked(&data, ".dockerignore"),
        None => Ok(Vec::new()),
    }
}

/// The image config (`containerimage.config`) in a frontend input's metadata: a JSON object
/// of base64 values, as Go writes a `map[string][]byte`.
fn input_image_config(json: &str) -> Result<Option<Vec<u8>>, String> {
    let map: BTreeMap<String, String> = serde_json::from_str(json).map_err(|e| e.to_string())?;
    match map.get("containerimage.config") {
        Some(value) => super::subrequests::base64_decode(value)
            .map(Some)
            .ok_or_else(|| "containerimage.config is not base64".to_string()),
        None => Ok(None),
    }
}
