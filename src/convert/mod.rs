//! Stages → LLB graph and image config: the DAG of stages, pruning, ARG/ENV scoping,
//! progress names and the source map.
//!
//! Conversion has two steps so that it stays pure: [`Plan::new`] reads the Dockerfile and
//! finds the stages the target needs and the base images they name; the caller resolves those
//! images (through BuildKit, concurrently), then [`convert`] dispatches the stages into LLB and
//! an image config. [`convert_dockerfile`] does both with a synchronous resolver (for
//! `debug llb`, tests, fuzzing and benchmarks).

mod checks;
pub mod contexts;
mod dispatch;
mod env;
pub mod graph;
pub mod image;
mod include;
mod limits;
mod names;
mod options;
pub mod outline;
mod plan;
mod stage_ref;

use std::collections::BTreeMap;

pub use dispatch::{convert, convert_reporting, outline_reporting};
pub use env::EnvList;
pub use image::Image;
pub use limits::{definition_too_large, dockerfile_too_large, mib};
pub use options::{ConvertOptions, NetworkMode, NoCache, ResolveMode};
pub use plan::{Base, ImageRequest, Plan, PlannedStage, platform_args};

use crate::instructions::include::Includes;
use crate::llb::{self, Platform};

/// A conversion failure; `span` names the Dockerfile lines when there are any (the one error
/// type of the Dockerfile layers).
pub type ConvertError = crate::dockerfile::Error;

/// Plans `dockerfile` for `opts`, resolves every base image with `resolve` and converts: the
/// whole conversion in one call.
pub fn convert_dockerfile(
    dockerfile: &crate::dockerfile::Dockerfile,
    opts: &ConvertOptions,
    resolve: impl FnMut(&ImageRequest) -> ResolvedImage,
) -> Result<Converted, ConvertError> {
    convert_with_includes(dockerfile, &Includes::default(), opts, resolve)
}

/// [`convert_dockerfile`] for a Dockerfile whose INCLUDE lines were read into `includes`.
pub fn convert_with_includes(
    dockerfile: &crate::dockerfile::Dockerfile,
    includes: &Includes,
    opts: &ConvertOptions,
    mut resolve: impl FnMut(&ImageRequest) -> ResolvedImage,
) -> Result<Converted, ConvertError> {
    let plan = Plan::with_includes(dockerfile, includes, opts)?;
    let resolved = resolve_offline(&plan, &mut resolve);
    convert(&plan, opts, &resolved)
}

/// What the caller resolved for a plan before dispatch: its base images and named contexts.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// The base images of [`Plan::image_requests`].
    pub images: BTreeMap<ImageRequest, ResolvedImage>,
    /// The named contexts of [`Plan::context_requests`], by index into [`Plan::contexts`].
    pub contexts: BTreeMap<usize, contexts::ResolvedContext>,
}

/// A resolved base image.
#[derive(Debug, Clone, Default)]
pub struct ResolvedImage {
    /// Pin the image to this digest (empty when the daemon answered from its local store).
    pub digest: String,
    /// The raw config JSON; `None` when nothing could be resolved (offline `debug llb`).
    pub config: Option<Vec<u8>>,
}

/// The result of converting a Dockerfile for one platform.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The target's filesystem (`None` = empty).
    pub state: Option<llb::Output>,
    /// The image config of the target.
    pub image: Image,
    /// The original config of the image the target is ultimately based on.
    pub base_config: Option<Vec<u8>>,
    /// The platform the result is for.
    pub platform: Platform,
    /// The build-check warnings, in the order upstream reports them.
    pub warnings: Vec<crate::lint::Warning>,
}

/// What checking a Dockerfile found (`frontend.lint`, `rustfront lint`): the build-check
/// warnings, and the error that stops the Dockerfile from building, if any.
#[derive(Debug, Clone, Default)]
pub struct LintReport {
    pub warnings: Vec<crate::lint::Warning>,
    pub error: Option<ConvertError>,
}

impl LintReport {
    /// A Dockerfile that failed before any check ran (it does not parse).
    pub fn failed(error: ConvertError) -> Self {
        LintReport {
            warnings: Vec::new(),
            error: Some(error),
        }
    }
}

/// The options `frontend.lint` converts with: without a target, every stage is checked.
pub fn lint_options(opts: &ConvertOptions) -> ConvertOptions {
    ConvertOptions {
        all_stages: opts.target.as_deref().is_none_or(str::is_empty),
        ..opts.clone()
    }
}

/// Plans for checking (see [`lint_options`]); a failure is the report.
pub fn lint_plan(
    dockerfile: &crate::dockerfile::Dockerfile,
    includes: &Includes,
    opts: &ConvertOptions,
) -> Result<Plan, LintReport> {
    match Plan::with_includes_reporting(dockerfile, includes, opts) {
        (Ok(plan), _) => Ok(plan),
        (Err(error), warnings) => Err(LintReport {
            warnings,
            error: Some(error),
        }),
    }
}

/// Dispatches a [`lint_plan`] with its resolved base images: the report.
pub fn lint_dispatch(plan: &Plan, opts: &ConvertOptions, resolved: &Resolved) -> LintReport {
    let (result, warnings) = convert_reporting(plan, opts, resolved);
    LintReport {
        warnings,
        error: result.err(),
    }
}

/// The config of every image `plan` needs, from `resolve` (offline callers: the CLI, fuzz);
/// a named context that is an image is resolved the same way, local ones exclude nothing.
fn resolve_offline(
    plan: &Plan,
    resolve: &mut impl FnMut(&ImageRequest) -> ResolvedImage,
) -> Resolved {
    let images = plan
        .image_requests()
        .into_iter()
        .map(|request| {
            let image = resolve(&request);
            (request, image)
        })
        .collect();
    let contexts = plan
        .context_requests()
        .into_iter()
        .map(|index| {
            let request = &plan.contexts[index];
            let image = match &request.source {
                contexts::ContextSource::Image(reference) => {
                    llb::normalize_image_ref(reference).ok().map(|reference| {
                        resolve(&ImageRequest {
                            reference,
                            platform: request
                                .platform
                                .clone()
                                .unwrap_or_else(|| plan.target_platform.clone()),
                        })
                    })
                }
                _ => None,
            };
            (
                index,
                contexts::ResolvedContext {
                    image,
                    ..Default::default()
                },
            )
        })
        .collect();
    Resolved { images, contexts }
}

/// Checks `dockerfile` as `frontend.lint` does, resolving base images with `resolve`.
pub fn lint(
    dockerfile: &crate::dockerfile::Dockerfile,
    includes: &Includes,
    opts: &ConvertOptions,
    mut resolve: impl FnMut(&ImageRequest) -> ResolvedImage,
) -> LintReport {
    let opts = lint_options(opts);
    match lint_plan(dockerfile, includes, &opts) {
        Ok(plan) => {
            let resolved = resolve_offline(&plan, &mut resolve);
            lint_dispatch(&plan, &opts, &resolved)
        }
        Err(report) => report,
    }
}

/// The outline of the target of `opts` (see [`outline_reporting`]), resolving base images with
/// `resolve`.
pub fn outline(
    dockerfile: &crate::dockerfile::Dockerfile,
    includes: &Includes,
    opts: &ConvertOptions,
    mut resolve: impl FnMut(&ImageRequest) -> ResolvedImage,
) -> Result<outline::Outline, ConvertError> {
    let plan = Plan::with_includes(dockerfile, includes, opts)?;
    let resolved = resolve_offline(&plan, &mut resolve);
    outline_reporting(&plan, opts, &resolved).0
}
