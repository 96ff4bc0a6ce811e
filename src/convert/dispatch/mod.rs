//! Dispatch: each reachable stage's instructions, in order, become LLB ops and image config
//! changes — the way the official frontend turns them into a build.

use std::collections::{BTreeMap, BTreeSet};

mod base;
use base::LocalContext;
mod config;
mod copy;
mod files;
mod run;
#[cfg(test)]
mod tests;

use crate::convert::env::EnvList;
use crate::convert::image::Image;
use crate::convert::limits::{Budget, definition_too_large};
use crate::convert::names::{StepCounter, is_numbered, uppercase_keyword};
use crate::convert::outline::{Capture, Outline, OutlineArg};
use crate::convert::plan::{Base, Plan};
use crate::convert::{ConvertError, ConvertOptions, Converted, Resolved};
use crate::dockerfile::Span;
use crate::instructions::{ArgCommand, Command, ShellDependentCmdLine};
use crate::lint::{IgnoreMatcher, Linter, Warning, rules};
use crate::llb::{self, Local, OpMeta, Output, Platform};
use crate::shell::Lexer;

/// Convert the planned stages to the target's LLB state and image config.
///
/// `resolved` holds the resolved base images of [`Plan::image_requests`] and named contexts of
/// [`Plan::context_requests`]; a missing image is treated as one with an unknown (empty)
/// config. With `check=error=true`, a build-check
/// violation fails the conversion (`lint violation found for rules: …`).
pub fn convert(
    plan: &Plan,
    opts: &ConvertOptions,
    resolved: &Resolved,
) -> Result<Converted, ConvertError> {
    convert_reporting(plan, opts, resolved).0
}

/// [`convert`], also giving the build-check warnings reported until it finished or failed: a
/// frontend shows them either way, as upstream does.
pub fn convert_reporting(
    plan: &Plan,
    opts: &ConvertOptions,
    resolved: &Resolved,
) -> (Result<Converted, ConvertError>, Vec<Warning>) {
    let mut dispatcher = Dispatcher::new(plan, opts, plan.escape, resolved);
    let outcome = dispatcher.run();
    let lint = std::mem::take(&mut dispatcher.lint);
    let result = outcome.and_then(|outcome| match lint.error() {
        Some(message) => Err(ConvertError::message(message)),
        None => Ok(outcome.finish(opts, lint.warnings())),
    });
    (result, lint.into_warnings())
}

/// The outline of the plan's target (`frontend.outline`), found by dispatching what it needs
/// (upstream does the same), with the build-check warnings reported meanwhile. With
/// `check=error=true`, a violation fails it as it fails a build.
pub fn outline_reporting(
    plan: &Plan,
    opts: &ConvertOptions,
    resolved: &Resolved,
) -> (Result<Outline, ConvertError>, Vec<Warning>) {
    let mut dispatcher = Dispatcher::new(plan, opts, plan.escape, resolved);
    let outcome = dispatcher.run();
    let lint = std::mem::take(&mut dispatcher.lint);
    let result = outcome.and_then(|_| match lint.error() {
        Some(message) => Err(ConvertError::message(message)),
        None => dispatcher.capture.outline(plan, opts),
    });
    (result, lint.into_warnings())
}

/// The build context's local source, sending only `follow_paths` when given (a remote
/// context is used whole, as upstream does).
fn context_source(opts: &ConvertOptions, follow_paths: Option<&[String]>) -> Output {
    if let Some(remote) = &opts.remote_context {
        return remote.clone();
    }
    let mut local = Local::new(opts.context_local.clone())
        .session(opts.session_id.clone())
        .exclude_patterns(&opts.excludes)
        .shared_key_hint(opts.context_local.clone())
        .meta(OpMeta::new().custom_name("[internal] load build context"));
    if let Some(paths) = follow_paths {
        local = local.follow_paths(paths);
    }
    local.build()
}

struct Outcome {
    result: Converted,
    /// The context source the graph was built with.
    context: Output,
    context_paths: BTreeSet<String>,
    used_context: bool,
    /// Local named contexts: each placeholder and the source narrowed to the paths used.
    locals: Vec<(Output, Output)>,
}

impl Outcome {
    /// The result, its context source narrowed to the paths the build reads (only known once
    /// every instruction has been converted).
    fn finish(self, opts: &ConvertOptions, warnings: &[Warning]) -> Converted {
        let follow_paths = self.follow_paths();
        let mut result = self.result;
        result.warnings = warnings.to_vec();
        for (placeholder, narrowed) in &self.locals {
            result.state = result
                .state
                .map(|state| llb::substitute(&state, placeholder, narrowed));
        }
        if let Some(paths) = follow_paths {
            let narrowed = context_source(opts, Some(&paths));
            result.state = result
                .state
                .map(|state| llb::substitute(&state, &self.context, &narrowed));
        }
        result
    }

    /// The sorted relative paths to send, unless the whole context is needed.
    fn follow_paths(&self) -> Option<Vec<String>> {
        if !self.used_context {
            return None;
        }
        follow_paths(&self.context_paths)
    }
}

/// The sorted relative paths to send of a local source (upstream's `normalizeContextPaths`):
/// `None` (everything) when the whole tree is used or nothing was recorded.
fn follow_paths(paths: &BTreeSet<String>) -> Option<Vec<String>> {
    if paths.is_empty() || paths.contains("/") {
        return None;
    }
    Some(
        paths
            .iter()
            .map(|p| p.trim_start_matches('/').to_string())
            .collect(),
    )
}

/// What a dispatched stage leaves for later stages.
#[derive(Debug, Clone)]
struct StageState {
    state: Option<Output>,
    image: Image,
    env: EnvList,
    /// The LLB working directory (slash form).
    dir: String,
    user: String,
    platform: Platform,
    /// The original config of the image this stage is ultimately based on.
    base_config: Option<Vec<u8>>,
    /// ARGs declared in this stage and the stages it is built on, in order, with their
    /// values (for the `RUN |n K=V …` history prefix).
    build_args: Vec<(String, Option<String>)>,
    /// Where this stage's own ARGs start in `build_args` (after its base stages').
    own_args_from: usize,
    /// A WORKDIR was dispatched here or in a stage this one is built on.
    workdir_set: bool,
    /// The result includes a step that always runs (`RUN --no-cache`, or the result of one
    /// built on, copied or mounted): what uses it must not come from the cache either.
    uncached: bool,
}

impl StageState {
    /// A stage starting from `state` with `image`'s config on `platform`, nothing dispatched yet.
    fn fresh(
        state: Option<Output>,
        image: Image,
        platform: &Platform,
        base_config: Option<Vec<u8>>,
    ) -> StageState {
        StageState {
            state,
            image,
            env: EnvList::default(),
            dir: "/".into(),
            user: String::new(),
            platform: platform.clone(),
            base_config,
            build_args: Vec::new(),
            own_args_from: 0,
            workdir_set: false,
            uncached: false,
        }
    }

    /// Move everything a child stage inherits out of a finished stage, leaving only its
    /// filesystem for `COPY --from`.
    fn hand_over(&mut self) -> StageState {
        StageState {
            state: self.state.clone(),
            image: std::mem::take(&mut self.image),
            env: std::mem::take(&mut self.env),
            dir: std::mem::take(&mut self.dir),
            user: std::mem::take(&mut self.user),
            platform: self.platform.clone(),
            base_config: self.base_config.take(),
            build_args: std::mem::take(&mut self.build_args),
            own_args_from: self.own_args_from,
            workdir_set: self.workdir_set,
            uncached: self.uncached,
        }
    }
}

struct Dispatcher<'a> {
    plan: &'a Plan,
    opts: &'a ConvertOptions,
    lexer: Lexer,
    resolved: &'a Resolved,
    context: Output,
    context_paths: BTreeSet<String>,
    used_context: bool,
    /// Per stage, the stage whose path set it shares (itself unless built on a stage), and
    /// per such root the paths read from it (upstream's `paths` of a dispatch state): what a
    /// local named context at its base sends.
    roots: Vec<usize>,
    root_paths: BTreeMap<usize, BTreeSet<String>>,
    locals: Vec<LocalContext>,
    done: Vec<Option<StageState>>,
    /// How many reachable stages still have to start from each stage.
    base_uses: Vec<usize>,
    /// Build checks: the plan's, then those of dispatch.
    lint: Linter,
    /// What each stage uses (for the outline).
    capture: Capture,
    /// The `.dockerignore` patterns, for CopyIgnoredFile; `None` without any.
    ignore: Option<IgnoreMatcher>,
    /// The size of the LLB so far, when the daemon limits it.
    budget: Option<Budget>,
}

impl<'a> Dispatcher<'a> {
    fn new(plan: &'a Plan, opts: &'a ConvertOptions, escape: char, resolved: &'a Resolved) -> Self {
        Dispatcher {
            plan,
            opts,
            lexer: Lexer::new(escape),
            resolved,
            context: context_source(opts, None),
            context_paths: BTreeSet::new(),
            used_context: false,
            roots: roots(plan),
            root_paths: BTreeMap::new(),
            locals: Vec::new(),
            done: vec![None; plan.stages.len()],
            base_uses: base_uses(plan),
            lint: plan.lint.clone(),
            capture: Capture::new(plan),
            ignore: (!opts.excludes.is_empty()).then(|| IgnoreMatcher::new(&opts.excludes)),
            budget: opts
                .max_definition_size
                .map(|limit| Budget::new(limit, opts.source.data.len())),
        }
    }

    fn run(&mut self) -> Result<Outcome, ConvertError> {
        // Images named only by `--from` are sources of the stages that use them, which may come
        // earlier in the file: load them first, then the stages in file order.
        let (implicit, stages): (Vec<usize>, Vec<usize>) = self
            .plan
            .reachable
            .iter()
            .partition(|&&i| self.plan.stages[i].implicit);
        for index in implicit.into_iter().chain(stages) {
            let state = self.dispatch_stage(index)?;
            self.done[index] = Some(state);
        }
        let target = self.done[self.plan.target]
            .take()
            .ok_or_else(|| ConvertError::message("target stage was not built"))?;
        // The target's whole tree is used.
        self.use_stage_path(self.plan.target, "/");
        let locals = std::mem::take(&mut self.locals)
            .into_iter()
            .map(|local| {
                let paths = self.root_paths.remove(&local.root).unwrap_or_default();
                let narrowed = self.local_context(local.context, follow_paths(&paths), None);
                (local.placeholder, narrowed)
            })
            .collect();
        let mut image = target.image;
        for (k, v) in &self.opts.labels {
            image.config.labels.insert(k.clone(), v.clone());
        }
        if let Some(p) = &self.opts.target_platform {
            // The requested platform wins; the base image's OS features stay unless it names some.
            let base_features = std::mem::take(&mut image.platform.os_features);
            image.platform = Platform {
                os_features: if p.os_features.is_empty() {
                    base_features
                } else {
                    p.os_features.clone()
                },
                ..p.clone()
            };
        }
        Ok(Outcome {
            result: Converted {
                state: target.state,
                image,
                base_config: target.base_config,
                platform: target.platform,
                warnings: Vec::new(),
            },
            context: self.context.clone(),
            context_paths: std::mem::take(&mut self.context_paths),
            used_context: self.used_context,
            locals,
        })
    }

    /// Number of dispatch states (stages plus images named by `COPY --from`): a build with
    /// only one shows `[1/3]` rather than `[stage-0 1/3]`.
    fn stage_label(&self, index: usize) -> String {
        if self.plan.single_state {
            String::new()
        } else {
            self.plan.stages[index].display_name(index)
        }
    }

    fn dispatch_stage(&mut self, index: usize) -> Result<StageState, ConvertError> {
        let planned = &self.plan.stages[index];
        let stage = &planned.stage;
        let platform = self.plan.stage_platform(index);
        let counted = stage.commands.iter().filter(|c| is_numbered(c)).count();
        let from_step = usize::from(planned.numbers_from());
        let total = if planned.implicit {
            0
        } else {
            from_step + counted
        };
        let label = self.stage_label(index);
        let mut steps = StepCounter::new(
            label,
            total,
            self.opts.platform_in_names.then(|| platform.clone()),
        );
        steps.skip(planned.first_step);

        let mut s = match &planned.base {
            Base::Scratch => StageState::fresh(None, Image::scratch(&platform), &platform, None),
            Base::Stage(base) => {
                let base = *base;
                self.base_uses[base] = self.base_uses[base].saturating_sub(1);
                let last_use = self.base_uses[base] == 0 && base != self.plan.target;
                let done = self.done[base].as_mut().ok_or_else(|| {
                    ConvertError::at(stage.source.span, "base stage was not built")
                })?;
                // A stage's config is needed by the stages built on it; the last one takes it
                // rather than copying it, so long FROM chains stay linear.
                let mut parent = if last_use {
                    done.hand_over()
                } else {
                    done.clone()
                };
                if stage.platform.is_some() {
                    parent.platform = platform.clone();
                }
                parent.own_args_from = parent.build_args.len();
                parent
            }
            Base::Image(reference) => self.image_base(index, reference, &platform, &mut steps)?,
            Base::Context {
                context,
                replaced: true,
            } => return self.context_stage(index, *context),
            Base::Context {
                context,
                replaced: false,
            } => {
                // Its FROM step is counted but shows no name: the context's source has its own.
                steps.skip(1);
                self.context_base(index, *context, &platform)?
            }
        };
        if platform.os == "windows" || s.image.platform.os == "windows" {
            // Windows images need another default shell, no default PATH and drive-letter
            // paths; refuse rather than build them like Linux ones.
            return Err(ConvertError::at(
                stage.source.span,
                "building Windows images is not supported by this frontend yet",
            ));
        }
        if s.image.config.env_value("PATH").is_none() {
            s.image
                .config
                .env
                .push(format!("PATH={}", crate::convert::image::DEFAULT_PATH));
        }
        s.env.extend_from_strings(&s.image.config.env);
        if !s.image.config.working_dir.is_empty() {
            s.dir = s.image.config.working_dir.clone();
        }
        s.user = s.image.config.user.clone();
        // Triggers inherited from the base run first, then are cleared: the image keeps only
        // the ONBUILDs of its own stage.
        let triggers = std::mem::take(&mut s.image.config.on_build)
            .iter()
            .map(|t| crate::convert::plan::parse_trigger(t, stage.source.span))
            .collect::<Result<Vec<_>, _>>()?;
        steps.total += triggers.iter().filter(|c| is_numbered(c)).count();

        let ignore_cache = s.uncached || self.opts.no_cache.applies_to(stage.name.as_deref());
        let mut stage_run = StageRun {
            d: self,
            index,
            s,
            steps,
            ignore_cache,
            cmd_set: false,
            last_cmd: None,
            last_entrypoint: None,
            last_healthcheck: None,
            onbuild: false,
            sources: Vec::new(),
        };
        for (n, trigger) in triggers.iter().enumerate() {
            stage_run.onbuild = true;
            // A stage base's triggers were resolved with the plan; an image's by name.
            stage_run.sources = planned.trigger_sources.get(n).cloned().unwrap_or_default();
            stage_run.dispatch(trigger)?;
        }
        stage_run.onbuild = false;
        for (command, sources) in stage.commands.iter().zip(&planned.sources) {
            stage_run.sources = sources.clone();
            stage_run.dispatch(command)?;
        }
        Ok(stage_run.s)
    }

    /// Metadata naming an op and pointing at its Dockerfile lines.
    fn located(&self, name: String, span: Span) -> OpMeta {
        let start = u32::try_from(span.start.line).unwrap_or(u32::MAX);
        let end = u32::try_from(span.end.line.max(span.start.line)).unwrap_or(u32::MAX);
        OpMeta::new().custom_name(name).location(
            self.plan.source_for(span.file, &self.opts.source),
            llb::line_ranges(start, end),
        )
    }
}

/// One stage being dispatched.
struct StageRun<'d, 'a> {
    d: &'d mut Dispatcher<'a>,
    /// The stage's index in the plan.
    index: usize,
    s: StageState,
    steps: StepCounter,
    ignore_cache: bool,
    /// A CMD was given in this stage (ENTRYPOINT then keeps it).
    cmd_set: bool,
    /// Where this stage last set CMD, ENTRYPOINT and HEALTHCHECK (for
    /// MultipleInstructionsDisallowed).
    last_cmd: Option<Span>,
    last_entrypoint: Option<Span>,
    last_healthcheck: Option<Span>,
    /// Dispatching an inherited ONBUILD trigger (shown as `ONBUILD …` in progress names).
    onbuild: bool,
    /// The stages the current command's `--from` / `from=` references resolve to, in order,
    /// taken one by one (empty for ONBUILD triggers, which are looked up by name).
    sources: Vec<usize>,
}

impl StageRun<'_, '_> {
    fn dispatch(&mut self, command: &Command) -> Result<(), ConvertError> {
        let span = command.span();
        if let Command::Arg(arg) = command {
            return self.arg(arg);
        }
        let mut command = command.clone();
        let lexer = self.d.lexer;
        let env = &self.s.env;
        let mut unmatched: Vec<String> = Vec::new();
        command.expand(&mut |w: &str| {
            lexer.process_word_with_matches(w, env).map(|p| {
                unmatched.extend(p.unmatched);
                p.text
            })
        })?;
        self.undefined_vars(unmatched, span);
        match &command {
            Command::Arg(_) => Ok(()),
            Command::Run(run) => self.run(run),
            Command::Copy(copy) => self.copy(copy),
            Command::Add(add) => self.add(add),
            Command::Workdir(w) => self.workdir(&w.path.text, command.code(), span),
            Command::Env(e) => self.env(e),
            Command::Label(l) => self.label(l),
            Command::User(u) => self.user(u),
            Command::Expose(e) => self.expose(e),
            Command::Volume(v) => self.volume(v, span),
            Command::StopSignal(s) => self.stop_signal(s, span),
            Command::Shell(sh) => self.shell(sh),
            Command::Cmd(c) => self.cmd(c),
            Command::Entrypoint(e) => self.entrypoint(e),
            Command::Healthcheck(h) => self.healthcheck(h),
            Command::Maintainer(m) => self.maintainer(m),
            Command::Onbuild(o) => self.onbuild(o),
        }?;
        self.check_budget(span)
    }

    /// Counts the stage's new state against the daemon's size limit; an instruction that
    /// takes the LLB past it fails (its ops would only be refused by BuildKit later).
    fn check_budget(&mut self, span: Span) -> Result<(), ConvertError> {
        let Some(budget) = &mut self.d.budget else {
            return Ok(());
        };
        if let Some(state) = &self.s.state {
            budget.add(state);
        }
        if budget.exceeded() {
            return Err(ConvertError::at(
                span,
                definition_too_large(None, budget.limit()),
            ));
        }
        Ok(())
    }

    /// UndefinedVar: variables a word used that are neither set nor declared ARGs.
    fn undefined_vars(&mut self, unmatched: Vec<String>, span: Span) {
        if unmatched.is_empty() || !self.d.lint.runs(&rules::UNDEFINED_VAR) {
            return;
        }
        for var in unmatched {
            let declared = self.s.build_args.iter().any(|(k, _)| *k == var);
            if declared || NON_ENV_ARGS.contains(&var.as_str()) {
                continue;
            }
            let keys: Vec<&str> = self.s.env.keys().collect();
            let suggestion = crate::instructions::closest(&var, keys, true);
            self.d.lint.report(
                &rules::UNDEFINED_VAR,
                span,
                rules::undefined_var(&var, suggestion.as_deref()),
            );
        }
    }

    /// MultipleInstructionsDisallowed: the earlier of two CMDs (…) in a stage is ignored.
    fn used_once(&mut self, previous: Option<Span>, instruction: &str) {
        if let Some(span) = previous {
            self.d.lint.report(
                &rules::MULTIPLE_INSTRUCTIONS_DISALLOWED,
                span,
                rules::multiple_instructions_disallowed(instruction),
            );
        }
    }

    /// JSONArgsRecommended: a shell-form CMD/ENTRYPOINT without a SHELL.
    fn json_args(&mut self, cmd: &ShellDependentCmdLine, instruction: &str, span: Span) {
        if cmd.prepend_shell && self.s.image.config.shell.is_empty() {
            self.d.lint.report(
                &rules::JSON_ARGS_RECOMMENDED,
                span,
                rules::json_args_recommended(instruction),
            );
        }
    }

    /// SecretsUsedInArgOrEnv: a name that looks like it holds a secret.
    fn secret_name(&mut self, instruction: &str, key: &str, span: Span) {
        if looks_secret(key) {
            self.d.lint.report(
                &rules::SECRETS_USED_IN_ARG_OR_ENV,
                span,
                rules::secrets_used_in_arg_or_env(instruction, key),
            );
        }
    }

    /// Add a history entry; `layer` entries made from a state (RUN, COPY, ADD) get the
    /// ` # buildkit` suffix.
    fn commit(&mut self, created_by: String, layer: bool) {
        let created_by = if layer {
            format!("{created_by} # buildkit")
        } else {
            created_by
        };
        self.s
            .image
            .add_history(created_by, !layer, self.d.opts.epoch);
    }

    /// From the current step on, every step of the stage ignores the cache, and so does what
    /// uses the stage's result.
    pub(super) fn uncache_from_here(&mut self) {
        self.ignore_cache = true;
        self.s.uncached = true;
    }

    /// The op metadata of a step: progress name, lines, ignore-cache.
    fn step_meta(&mut self, display: &str, span: Span) -> OpMeta {
        let name = self.next_step(display);
        self.d.located(name, span).ignore_cache(self.ignore_cache)
    }

    /// Whether to match the builtin frontend of BuildKit 0.8 (told apart by its missing merge
    /// op), whose images differ in details: history without COPY flags or health-check
    /// StartInterval, and `ADD --chmod` not applied to downloads.
    fn like_buildkit_0_8(&self) -> bool {
        !self.d.opts.has_cap("mergeop")
    }

    /// The next numbered progress name.
    fn next_step(&mut self, display: &str) -> String {
        if self.onbuild {
            self.steps.next(&format!("ONBUILD {display}"))
        } else {
            self.steps.next(display)
        }
    }

    /// The instruction text with variables expanded, for progress names.
    fn display_name(&self, code: &str, keep_quotes: bool) -> String {
        let text = if keep_quotes {
            self.d.lexer.expand_for_display(code, &self.s.env)
        } else {
            self.d
                .lexer
                .process_word(code, &self.s.env)
                .map(|e| e.text)
                .unwrap_or_else(|_| code.to_string())
        };
        uppercase_keyword(&text)
    }

    fn with_shell(&self, cmd: &ShellDependentCmdLine) -> Vec<String> {
        let args = cmd.args();
        if !cmd.prepend_shell {
            return args;
        }
        let mut out = if self.s.image.config.shell.is_empty() {
            vec!["/bin/sh".to_string(), "-c".to_string()]
        } else {
            self.s.image.config.shell.clone()
        };
        out.push(args.join(" "));
        out
    }

    fn arg(&mut self, cmd: &ArgCommand) -> Result<(), ConvertError> {
        let mut shown = Vec::new();
        // BuildKit 0.8's builtin shows each ARG as written (its default expanded); 1.20 shows
        // the value it takes.
        let as_written = self.like_buildkit_0_8();
        for def in &cmd.args {
            let key = def.key.text.clone();
            self.secret_name("ARG", &key, cmd.source.span);
            let default = match &def.value {
                Some(default) => {
                    let expanded = self
                        .d
                        .lexer
                        .process_word_with_matches(&default.text, &self.s.env)
                        .map_err(|e| ConvertError::caused_by(cmd.source.span, e))?;
                    self.undefined_vars(expanded.unmatched.into_iter().collect(), cmd.source.span);
                    Some(expanded.text)
                }
                None => None,
            };
            let written = match &default {
                Some(d) => format!("{key}={d}"),
                None => key.clone(),
            };
            // A build arg wins, then the default (expanded), then a global ARG of that name.
            let build_arg = self.d.opts.build_args.get(&key);
            // Only bringing a global ARG into scope leaves the outline with the global one.
            let only_scope = build_arg.is_none()
                && default.is_none()
                && self.d.plan.meta_args.contains_key(&key);
            let value = if let Some(v) = build_arg {
                Some(v.clone())
            } else if default.is_some() {
                default
            } else {
                // (the global ARGs of the file the stage comes from)
                let file = cmd.source.span.file;
                self.d.plan.meta_args_for(file).get(&key).cloned()
            };
            let outline = (!only_scope).then(|| OutlineArg {
                name: key.clone(),
                description: def.comment.clone(),
                value: value.clone().unwrap_or_default(),
                span: cmd.source.span,
            });
            self.d.capture.arg(self.index, &key, outline);
            // The SBOM scan switches are build args only, never variables of RUN.
            if let Some(v) = value
                .as_ref()
                .filter(|_| !NON_ENV_ARGS.contains(&key.as_str()))
            {
                self.s.env.set(&key, v);
            }
            shown.push(match &value {
                _ if as_written => written,
                Some(v) => format!("{key}={v}"),
                None => key.clone(),
            });
            self.s.build_args.push((key, value));
        }
        self.commit(format!("ARG {}", shown.join(" ")), false);
        Ok(())
    }

    /// The state of the next stage the current command names by `--from` / `from=` (name,
    /// index or image).
    fn stage_state(&mut self, from: &str, span: Span) -> Result<Option<Output>, ConvertError> {
        self.stage_source(from, span).map(|(state, _)| state)
    }

    /// [`stage_state`](Self::stage_state) with the index of the stage.
    fn stage_source(
        &mut self,
        from: &str,
        span: Span,
    ) -> Result<(Option<Output>, usize), ConvertError> {
        let index = if self.sources.is_empty() {
            self.d.plan.stage_index(from)
        } else {
            Some(self.sources.remove(0))
        }
        .ok_or_else(|| ConvertError::at(span, format!("stage {from:?} not found")))?;
        let done = self.d.done[index].as_ref().ok_or_else(|| {
            ConvertError::at(
                span,
                format!("cannot copy from stage {from:?}, it needs to be defined before the current stage"),
            )
        })?;
        let (state, uncached) = (done.state.clone(), done.uncached);
        if uncached {
            self.uncache_from_here();
        }
        Ok((state, index))
    }

    fn use_context(&mut self, src: &str) {
        self.d.used_context = true;
        self.d
            .context_paths
            .insert(llb::clean_path(&format!("/{src}")));
    }
}

/// For each stage, the stage whose path set it shares: itself, or the root of its base stage.
fn roots(plan: &Plan) -> Vec<usize> {
    let mut roots: Vec<usize> = (0..plan.stages.len()).collect();
    for (index, stage) in plan.stages.iter().enumerate() {
        if let Base::Stage(base) = stage.base {
            if base < index {
                roots[index] = roots[base];
            }
        }
    }
    roots
}

/// For each stage, how many reachable stages are built `FROM` it.
fn base_uses(plan: &Plan) -> Vec<usize> {
    let mut uses = vec![0; plan.stages.len()];
    for &index in &plan.reachable {
        if let Base::Stage(base) = plan.stages[index].base {
            if let Some(n) = uses.get_mut(base) {
                *n += 1;
            }
        }
    }
    uses
}

/// Whether a variable name looks like it holds a secret: one of its `_`-separated words
/// (case-insensitive) is a secret word, and none is `public` (upstream's patterns).
fn looks_secret(key: &str) -> bool {
    const SECRET: [&str; 10] = [
        "apikey",
        "auth",
        "credential",
        "credentials",
        "key",
        "password",
        "pword",
        "passwd",
        "secret",
        "token",
    ];
    let lower = key.to_lowercase();
    let has = |word: &str| lower.split('_').any(|w| w == word);
    SECRET.iter().any(|s| has(s)) && !has("public")
}

/// ARGs that never become environment variables (upstream's `nonEnvArgs`).
const NON_ENV_ARGS: [&str; 2] = ["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];
