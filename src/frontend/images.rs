//! Base image configs (`ResolveImageConfig`), asked once per build and shared: a build with
//! one target platform starts resolving its base images as soon as the Dockerfile is parsed,
//! while the context's `.dockerignore` is still being read (the two round trips are the
//! longest of a small build; see bench/README.md), and the conversion then finds the answers
//! waiting.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::convert::{self, ConvertOptions, ImageRequest, Plan};
use crate::dockerfile::Dockerfile;
use crate::gateway::{self, GatewayClient};
use crate::instructions::include::Includes;

/// BuildKit's answer for one image, or its message.
type Answer = Result<gateway::ResolvedImage, String>;

/// What identifies a request: reference, platform, resolve mode and progress name.
type Key = (String, String, String, String);

/// The answers of this build's `ResolveImageConfig` calls, each asked once.
#[derive(Debug, Default)]
pub(crate) struct ImageConfigs {
    cells: Mutex<HashMap<Key, Arc<OnceCell<Answer>>>>,
}

impl ImageConfigs {
    /// The config of `request`: asked now, or the answer of the call already made (waiting
    /// for it while it is under way).
    async fn resolve(
        &self,
        client: &GatewayClient,
        request: &ImageRequest,
        mode: &str,
        log_name: &str,
    ) -> Answer {
        let key = (
            request.reference.clone(),
            request.platform.to_string(),
            mode.to_string(),
            log_name.to_string(),
        );
        let cell = match self.cells.lock() {
            Ok(mut cells) => Arc::clone(cells.entry(key).or_default()),
            Err(_) => Arc::new(OnceCell::new()),
        };
        cell.get_or_init(|| async {
            client
                .resolve_image_config(
                    &request.reference,
                    Some(request.platform.to_pb()),
                    mode,
                    log_name,
                )
                .await
                .map_err(|e| e.message())
        })
        .await
        .clone()
    }
}

/// Resolved base images, or the image that failed with BuildKit's message.
pub(super) type Resolution =
    Result<BTreeMap<ImageRequest, convert::ResolvedImage>, (ImageRequest, String)>;

/// The progress name of resolving `request`, as upstream shows it.
fn log_name(request: &ImageRequest, opts: &ConvertOptions) -> String {
    if opts.platform_in_names {
        format!(
            "[{} internal] load metadata for {}",
            request.platform, request.reference
        )
    } else {
        format!("[internal] load metadata for {}", request.reference)
    }
}

/// Resolve every base image the plan needs, concurrently.
pub(super) async fn resolve(
    client: &GatewayClient,
    plan: &Plan,
    opts: &ConvertOptions,
    images: &Arc<ImageConfigs>,
) -> Result<Resolution, tokio::task::JoinError> {
    let mode = opts.resolve_mode.as_str();
    let mut tasks = tokio::task::JoinSet::new();
    for request in plan.image_requests() {
        let (client, images) = (client.clone(), Arc::clone(images));
        let (log_name, mode) = (log_name(&request, opts), mode.to_string());
        tasks.spawn(async move {
            let answer = images.resolve(&client, &request, &mode, &log_name).await;
            (request, answer)
        });
    }
    let mut resolved = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        let (request, answer) = joined?;
        let image = match answer {
            Ok(image) => image,
            Err(message) => return Ok(Err((request, message))),
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

/// Starts resolving the base images of `parsed` converted with `opts` (a single-platform
/// build's settings) in the background: planning and asking happen while the caller goes on,
/// and [`resolve`] later finds the answers. A Dockerfile that does not plan, or that INCLUDEs
/// files (read later), is left alone.
pub(super) fn prefetch(
    client: &GatewayClient,
    parsed: Arc<Dockerfile>,
    opts: ConvertOptions,
    images: &Arc<ImageConfigs>,
) {
    if crate::frontend::include::needed(&parsed) {
        return;
    }
    let (client, images) = (client.clone(), Arc::clone(images));
    tokio::spawn(async move {
        if let Ok(plan) = Plan::with_includes(&parsed, &Includes::default(), &opts) {
            // The answers (errors too) wait in `images` for the conversion.
            let _answers = resolve(&client, &plan, &opts, &images).await;
        }
    });
}
