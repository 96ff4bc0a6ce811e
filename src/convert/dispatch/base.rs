//! What a stage starts from besides scratch and an earlier stage: a base image (pinned to its
//! resolved digest, its config inherited) or a named context (`--build-context`), as
//! dockerfile2llb resolves them.

use super::{Dispatcher, StageState};
use crate::convert::ConvertError;
use crate::convert::contexts::{ContextSource, git_source, git_unsupported};
use crate::convert::env::EnvList;
use crate::convert::image::Image;
use crate::convert::names::StepCounter;
use crate::convert::plan::ImageRequest;
use crate::lint::rules;
use crate::llb::{self, OpMeta, Output, Platform};

/// A named context's image config, parsed and raw.
type ContextImage = (Image, Vec<u8>);

/// A local named context as dispatch left it: a placeholder source, narrowed once every
/// instruction has said which of its paths it reads.
pub(super) struct LocalContext {
    pub(super) placeholder: Output,
    /// The stage whose path set applies (the stage based on the context).
    pub(super) root: usize,
    pub(super) context: usize,
}

impl Dispatcher<'_> {
    /// InvalidBaseImagePlatform: the image is for another OS or architecture than the stage.
    /// With no platform asked for, an image of the build platform is what upstream picks.
    fn base_platform_check(&mut self, index: usize, actual: &Platform, expected: &Platform) {
        let same = |p: &Platform| p.os == actual.os && p.architecture == actual.architecture;
        let implicit =
            self.opts.target_platform.is_none() && self.plan.stages[index].platform.is_none();
        if same(expected) || (implicit && same(&self.opts.build_platform)) {
            return;
        }
        let stage = &self.plan.stages[index];
        let span = stage.location.unwrap_or_default();
        self.lint.report(
            &rules::INVALID_BASE_IMAGE_PLATFORM,
            span,
            rules::invalid_base_image_platform(
                &stage.stage.base_name.text,
                &expected.normalized().format_all(),
                &actual.normalized().format_all(),
            ),
        );
    }

    pub(super) fn image_base(
        &mut self,
        index: usize,
        reference: &str,
        platform: &Platform,
        steps: &mut StepCounter,
    ) -> Result<StageState, ConvertError> {
        let stage = &self.plan.stages[index].stage;
        let request = ImageRequest {
            reference: reference.to_string(),
            platform: platform.clone(),
        };
        let resolved = self
            .resolved
            .images
            .get(&request)
            .cloned()
            .unwrap_or_default();
        let (image, empty) = match &resolved.config {
            Some(raw) => {
                let image = Image::from_base_json(raw).map_err(|e| {
                    ConvertError::at(
                        stage.source.span,
                        format!("invalid image config for {reference}: {e}"),
                    )
                })?;
                let empty = image.is_empty_base();
                (image, empty)
            }
            None => (Image::scratch(platform), false),
        };
        if resolved.config.is_some() {
            self.base_platform_check(index, &image.platform, platform);
        }
        // Pinned to the resolved digest, which replaces one the reference names (as Go's
        // `reference.WithDigest`); a tag stays.
        let pinned = if resolved.digest.is_empty() {
            reference.to_string()
        } else {
            let name = reference
                .split_once('@')
                .map_or(reference, |(name, _)| name);
            format!("{name}@{}", resolved.digest)
        };
        let name = steps.next(&format!("FROM {pinned}"));
        let state = if empty {
            None
        } else {
            let mode = self.opts.resolve_mode;
            let meta = match self.plan.stages[index].location {
                Some(span) => self.located(name, span),
                // An image named by a mount: upstream gives it a location without lines.
                None => OpMeta::new()
                    .custom_name(name)
                    .location(&self.opts.source, Vec::new()),
            }
            .description(llb::DOCKERFILE_COMMAND_KEY, stage.source.code.clone());
            Some(
                llb::Image::new(pinned)
                    .platform(platform.clone())
                    .resolve_mode(mode)
                    .meta(meta)
                    .build()
                    .map_err(|e| ConvertError::caused_by(stage.source.span, e))?,
            )
        };
        Ok(StageState::fresh(state, image, platform, resolved.config))
    }

    /// The filesystem and image config of named context `context` for stage `index`: the
    /// image's config (`None` for sources without one).
    pub(super) fn context_source(
        &mut self,
        index: usize,
        context: usize,
    ) -> Result<(Option<Output>, Option<ContextImage>), ConvertError> {
        let request = &self.plan.contexts[context];
        let span = self.plan.stages[index].stage.source.span;
        let resolved = self.resolved.contexts.get(&context);
        let key = &request.key;
        let named = |text: String| OpMeta::new().custom_name(format!("[context {key}] {text}"));
        // Without one, an image source gets the frontend's own platform when marshalled (Go's
        // default constraints): the build platform.
        let platform = request
            .platform
            .clone()
            .unwrap_or_else(|| self.opts.build_platform.clone());
        let config = match resolved.and_then(|r| r.image.as_ref()?.config.clone()) {
            Some(raw) => {
                let image = Image::from_base_json(&raw).map_err(|e| {
                    ConvertError::at(span, format!("invalid image config for {key}: {e}"))
                })?;
                Some((image, raw))
            }
            None => None,
        };
        let state = match &request.source {
            ContextSource::Scratch => None,
            ContextSource::Image(written) => {
                let reference = resolved
                    .map(|r| r.reference.clone())
                    .filter(|r| !r.is_empty())
                    .unwrap_or_else(|| written.clone());
                Some(
                    llb::Image::new(reference)
                        .platform(platform)
                        .meta(named(written.clone()))
                        .build()
                        .map_err(|e| ConvertError::caused_by(span, e))?,
                )
            }
            ContextSource::OciLayout { store, digest } => {
                let name = llb::normalize_image_ref(&request.name)
                    .map_err(|e| ConvertError::caused_by(span, e))?;
                let name = name.rsplit_once(':').map_or(name.as_str(), |(n, _)| n);
                let session = resolved
                    .map(|r| r.session.clone())
                    .unwrap_or_else(|| self.opts.session_id.clone());
                Some(
                    llb::OciLayout::new(format!("{name}@{digest}"))
                        .store(session, store.clone())
                        .platform(platform)
                        .meta(named("OCI load from client".into()))
                        .build(),
                )
            }
            ContextSource::Git(git, value) => {
                let has_cap = |cap: &str| self.opts.has_cap(cap);
                if let Some(message) = git_unsupported(git, !git.checksum.is_empty(), has_cap) {
                    return Err(ConvertError::at(
                        span,
                        format!("named context {key}: {message}"),
                    ));
                }
                Some(git_source(git, value, false))
            }
            ContextSource::Http(url) => {
                Some(llb::Http::new(url.clone()).meta(named(url.clone())).build())
            }
            ContextSource::Local(_) => {
                let root = self.roots.get(index).copied().unwrap_or(index);
                let placeholder = self.local_context(context, None, Some(self.locals.len()));
                self.locals.push(LocalContext {
                    placeholder: placeholder.clone(),
                    root,
                    context,
                });
                Some(placeholder)
            }
            ContextSource::Input(name) => match resolved {
                Some(resolved) => resolved.state.clone(),
                None => {
                    return Err(ConvertError::at(
                        span,
                        format!(
                            "named context {key} (input:{name}) is a frontend input: only a build through BuildKit has it"
                        ),
                    ));
                }
            },
        };
        Ok((state, config))
    }

    /// The source of local named context `context`, sending `follow_paths` when given;
    /// `placeholder` marks a stand-in that is replaced after dispatch.
    pub(super) fn local_context(
        &self,
        context: usize,
        follow_paths: Option<Vec<String>>,
        placeholder: Option<usize>,
    ) -> Output {
        let request = &self.plan.contexts[context];
        let resolved = self.resolved.contexts.get(&context);
        let ContextSource::Local(name) = &request.source else {
            return super::context_source(self.opts, None);
        };
        let session = resolved
            .map(|r| r.session.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| self.opts.session_id.clone());
        let excludes = resolved.map(|r| r.excludes.clone()).unwrap_or_default();
        let mut local = llb::Local::new(name.clone())
            .session(session)
            .shared_key_hint(format!("context:{}", request.key))
            .exclude_patterns(&excludes)
            .meta(OpMeta::new().custom_name(format!("[context {}] load from client", request.key)));
        if let Some(paths) = &follow_paths {
            local = local.follow_paths(paths);
        }
        if let Some(n) = placeholder {
            local = local.unique(format!("rustfront-placeholder-{n}"));
        }
        local.build()
    }

    /// A stage replaced by a named context: the context's filesystem and, for an image, its
    /// config as it is (upstream dispatches nothing of the stage).
    pub(super) fn context_stage(
        &mut self,
        index: usize,
        context: usize,
    ) -> Result<StageState, ConvertError> {
        let (state, config) = self.context_source(index, context)?;
        let fallback = self.plan.stage_platform(index);
        let (image, base_config) = match config {
            Some((image, _)) => (image, None),
            None => (Image::scratch(&fallback), None),
        };
        let platform = if image.platform.os.is_empty() || image.platform.architecture.is_empty() {
            fallback
        } else {
            image.platform.clone()
        };
        let mut env = EnvList::default();
        env.extend_from_strings(&image.config.env);
        Ok(StageState {
            state,
            dir: if image.config.working_dir.is_empty() {
                "/".into()
            } else {
                image.config.working_dir.clone()
            },
            user: image.config.user.clone(),
            image,
            env,
            platform,
            base_config,
            build_args: Vec::new(),
            own_args_from: 0,
            workdir_set: false,
            uncached: false,
        })
    }

    /// A stage built on a named context: the context's filesystem, and the image config of
    /// an image (an empty one otherwise), on the stage's platform.
    pub(super) fn context_base(
        &mut self,
        index: usize,
        context: usize,
        platform: &Platform,
    ) -> Result<StageState, ConvertError> {
        let (state, config) = self.context_source(index, context)?;
        let (image, base_config) = match config {
            Some((image, raw)) => (image, Some(raw)),
            None => (Image::scratch(platform), None),
        };
        Ok(StageState::fresh(state, image, platform, base_config))
    }

    /// Records that `path` of stage `index`'s tree is read (a local named context at its
    /// base sends only what is recorded).
    pub(super) fn use_stage_path(&mut self, index: usize, path: &str) {
        if self.locals.is_empty() {
            return;
        }
        let root = self.roots.get(index).copied().unwrap_or(index);
        self.root_paths
            .entry(root)
            .or_default()
            .insert(llb::clean_path(&format!("/{path}")));
    }
}
