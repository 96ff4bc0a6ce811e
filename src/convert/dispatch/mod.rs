//! Dispatch: each reachable stage's instructions, in order, become LLB ops and image config
//! changes — the way the official frontend turns them into a build.

use std::collections::{BTreeMap, BTreeSet};

mod files;
mod run;

use crate::convert::env::EnvList;
use crate::convert::image::Image;
use crate::convert::names::{StepCounter, go_list, go_quote_list, uppercase_keyword};
use crate::convert::plan::{Base, ImageRequest, Plan};
use crate::convert::{ConvertError, ConvertOptions, Converted, ResolvedImage};
use crate::dockerfile::Span;
use crate::instructions::{ArgCommand, Command, ShellDependentCmdLine};
use crate::llb::{self, Local, OpMeta, Output, Platform};
use crate::shell::Lexer;

/// Convert the planned stages to the target's LLB state and image config.
///
/// `images` holds the resolved base images of [`Plan::image_requests`]; a missing entry is
/// treated as an image with an unknown (empty) config.
pub fn convert(
    plan: &Plan,
    opts: &ConvertOptions,
    escape: char,
    images: &BTreeMap<ImageRequest, ResolvedImage>,
) -> Result<Converted, ConvertError> {
    // The build context's follow paths are only known once every COPY has been expanded, so
    // dispatch once to learn them, then again with the final context source.
    let first = Dispatcher::new(plan, opts, escape, images, None).run()?;
    match first.follow_paths() {
        None => Ok(first.result),
        Some(paths) => Ok(Dispatcher::new(plan, opts, escape, images, Some(paths))
            .run()?
            .result),
    }
}

struct Outcome {
    result: Converted,
    context_paths: BTreeSet<String>,
    used_context: bool,
}

impl Outcome {
    /// The sorted relative paths to send, unless the whole context is needed.
    fn follow_paths(&self) -> Option<Vec<String>> {
        if !self.used_context || self.context_paths.contains("/") {
            return None;
        }
        Some(
            self.context_paths
                .iter()
                .map(|p| p.trim_start_matches('/').to_string())
                .collect(),
        )
    }
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
}

impl StageState {
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
        }
    }
}

struct Dispatcher<'a> {
    plan: &'a Plan,
    opts: &'a ConvertOptions,
    lexer: Lexer,
    images: &'a BTreeMap<ImageRequest, ResolvedImage>,
    context: Output,
    context_paths: BTreeSet<String>,
    used_context: bool,
    done: Vec<Option<StageState>>,
    /// How many reachable stages still have to start from each stage.
    base_uses: Vec<usize>,
}

impl<'a> Dispatcher<'a> {
    fn new(
        plan: &'a Plan,
        opts: &'a ConvertOptions,
        escape: char,
        images: &'a BTreeMap<ImageRequest, ResolvedImage>,
        follow_paths: Option<Vec<String>>,
    ) -> Self {
        let mut local = Local::new(opts.context_local.clone())
            .session(opts.session_id.clone())
            .exclude_patterns(&opts.excludes)
            .shared_key_hint(opts.context_local.clone())
            .meta(OpMeta::new().custom_name("[internal] load build context"));
        if let Some(paths) = &follow_paths {
            local = local.follow_paths(paths);
        }
        Dispatcher {
            plan,
            opts,
            lexer: Lexer::new(escape),
            images,
            context: local.build(),
            context_paths: BTreeSet::new(),
            used_context: false,
            done: vec![None; plan.stages.len()],
            base_uses: base_uses(plan),
        }
    }

    fn run(mut self) -> Result<Outcome, ConvertError> {
        for &index in &self.plan.reachable {
            let state = self.dispatch_stage(index)?;
            self.done[index] = Some(state);
        }
        let target = self.done[self.plan.target]
            .take()
            .ok_or_else(|| ConvertError::message("target stage was not built"))?;
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
            },
            context_paths: self.context_paths,
            used_context: self.used_context,
        })
    }

    /// Number of dispatch states (stages plus images named by `COPY --from`): a build with
    /// only one shows `[1/3]` rather than `[stage-0 1/3]`.
    fn stage_label(&self, index: usize) -> String {
        if self.plan.stages.len() == 1 {
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
        let from_step = usize::from(matches!(planned.base, Base::Image(_)));
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

        let mut s = match &planned.base {
            Base::Scratch => StageState {
                state: None,
                image: Image::scratch(&platform),
                env: EnvList::default(),
                dir: "/".into(),
                user: String::new(),
                platform: platform.clone(),
                base_config: None,
            },
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
                parent
            }
            Base::Image(reference) => self.image_base(index, reference, &platform, &mut steps)?,
        };
        if s.image.config.env_value("PATH").is_none() {
            s.image
                .config
                .env
                .push(format!("PATH={}", crate::convert::image::DEFAULT_PATH));
        }
        let config_env = s.image.config.env.clone();
        s.env.extend_from_strings(&config_env);
        if !s.image.config.working_dir.is_empty() {
            s.dir = s.image.config.working_dir.clone();
        }
        s.user = s.image.config.user.clone();
        // Triggers inherited from the base run first, then are cleared: the image keeps only
        // the ONBUILDs of its own stage.
        let triggers = std::mem::take(&mut s.image.config.on_build)
            .iter()
            .map(|t| parse_trigger(t, stage.source.span))
            .collect::<Result<Vec<_>, _>>()?;
        steps.total += triggers.iter().filter(|c| is_numbered(c)).count();

        let ignore_cache = self.opts.no_cache.applies_to(stage.name.as_deref());
        let mut stage_run = StageRun {
            d: self,
            s,
            steps,
            ignore_cache,
            args: Vec::new(),
            cmd_set: false,
            onbuild: false,
        };
        for trigger in &triggers {
            stage_run.onbuild = true;
            stage_run.dispatch(trigger)?;
        }
        stage_run.onbuild = false;
        for command in &stage.commands {
            stage_run.dispatch(command)?;
        }
        Ok(stage_run.s)
    }

    fn image_base(
        &self,
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
        let resolved = self.images.get(&request).cloned().unwrap_or_default();
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
        let pinned = if resolved.digest.is_empty() {
            reference.to_string()
        } else {
            format!("{reference}@{}", resolved.digest)
        };
        let name = steps.next(&format!("FROM {pinned}"));
        let state = if empty {
            None
        } else {
            let mode = self.opts.resolve_mode;
            let meta = self
                .located(name, stage.source.span)
                .description(llb::DOCKERFILE_COMMAND_KEY, stage.source.code.clone());
            Some(
                llb::Image::new(pinned)
                    .platform(platform.clone())
                    .resolve_mode(mode)
                    .meta(meta)
                    .build()
                    .map_err(|e| ConvertError::at(stage.source.span, e.to_string()))?,
            )
        };
        Ok(StageState {
            state,
            image,
            env: EnvList::default(),
            dir: "/".into(),
            user: String::new(),
            platform: platform.clone(),
            base_config: resolved.config,
        })
    }

    /// Metadata naming an op and pointing at its Dockerfile lines.
    fn located(&self, name: String, span: Span) -> OpMeta {
        let start = u32::try_from(span.start.line).unwrap_or(u32::MAX);
        let end = u32::try_from(span.end.line.max(span.start.line)).unwrap_or(u32::MAX);
        OpMeta::new()
            .custom_name(name)
            .location(&self.opts.source, vec![llb::line_range(start, end)])
    }
}

/// One stage being dispatched.
struct StageRun<'d, 'a> {
    d: &'d mut Dispatcher<'a>,
    s: StageState,
    steps: StepCounter,
    ignore_cache: bool,
    /// ARGs declared in this stage, in order, with their values (for RUN history).
    args: Vec<(String, Option<String>)>,
    /// A CMD was given in this stage (ENTRYPOINT then keeps it).
    cmd_set: bool,
    /// Dispatching an inherited ONBUILD trigger (shown as `ONBUILD …` in progress names).
    onbuild: bool,
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
        command.expand(&mut |w: &str| lexer.process_word(w, env).map(|e| e.text))?;
        match &command {
            Command::Arg(_) => Ok(()),
            Command::Run(run) => self.run(run),
            Command::Copy(copy) => self.copy(copy),
            Command::Add(add) => self.add(add),
            Command::Workdir(w) => self.workdir(&w.path.text, command.code(), span),
            Command::Env(e) => {
                let mut history = String::from("ENV");
                for kv in &e.env {
                    self.s.env.set(&kv.key.text, &kv.value.text);
                    self.s.image.config.set_env(&kv.key.text, &kv.value.text);
                    history.push_str(&format!(" {}={}", kv.key.text, kv.value.text));
                }
                self.commit(history, false);
                Ok(())
            }
            Command::Label(l) => {
                let mut history = String::from("LABEL");
                for kv in &l.labels {
                    self.s
                        .image
                        .config
                        .labels
                        .insert(kv.key.text.clone(), kv.value.text.clone());
                    history.push_str(&format!(" {}={}", kv.key.text, kv.value.text));
                }
                self.commit(history, false);
                Ok(())
            }
            Command::User(u) => {
                self.s.user = u.user.text.clone();
                self.s.image.config.user = u.user.text.clone();
                self.commit(format!("USER {}", u.user.text), false);
                Ok(())
            }
            Command::Expose(e) => {
                let env = &self.s.env;
                let ports = e.port_specs(&mut |w: &str| lexer.process_words(w, env))?;
                let mut set = BTreeMap::new();
                for port in ports {
                    self.s
                        .image
                        .config
                        .exposed_ports
                        .insert(port.clone(), Default::default());
                    set.insert(port, ());
                }
                let shown: Vec<String> = set.keys().map(|p| format!("{p}:{{}}")).collect();
                self.commit(format!("EXPOSE map[{}]", shown.join(" ")), false);
                Ok(())
            }
            Command::Volume(v) => {
                let mut items = Vec::new();
                for volume in &v.volumes {
                    if volume.text.is_empty() {
                        return Err(ConvertError::at(
                            span,
                            "VOLUME specified can not be an empty string",
                        ));
                    }
                    self.s
                        .image
                        .config
                        .volumes
                        .insert(volume.text.clone(), Default::default());
                    items.push(volume.text.clone());
                }
                self.commit(format!("VOLUME {}", go_list(&items)), false);
                Ok(())
            }
            Command::StopSignal(sig) => {
                self.s.image.config.stop_signal = sig.signal.text.clone();
                self.commit(format!("STOPSIGNAL {}", sig.signal.text), false);
                Ok(())
            }
            Command::Shell(sh) => {
                let shell: Vec<String> = sh.shell.iter().map(|w| w.text.clone()).collect();
                self.commit(format!("SHELL {}", go_list(&shell)), false);
                self.s.image.config.shell = shell;
                Ok(())
            }
            Command::Cmd(c) => {
                let args = self.with_shell(&c.cmd);
                self.commit(format!("CMD {}", go_quote_list(&args)), false);
                self.s.image.config.cmd = Some(args);
                self.s.image.config.args_escaped = true;
                self.cmd_set = true;
                Ok(())
            }
            Command::Entrypoint(e) => {
                let args =
                    if e.cmd.prepend_shell && e.cmd.cmd_line.iter().all(|w| w.text.is_empty()) {
                        Vec::new()
                    } else {
                        self.with_shell(&e.cmd)
                    };
                self.commit(format!("ENTRYPOINT {}", go_quote_list(&args)), false);
                self.s.image.config.entrypoint = (!args.is_empty()).then_some(args);
                if !self.cmd_set {
                    self.s.image.config.cmd = None;
                }
                Ok(())
            }
            Command::Healthcheck(h) => {
                let health = &h.health;
                self.s.image.config.healthcheck = Some(crate::convert::image::Healthcheck {
                    test: health.test.clone(),
                    interval: nanos(health.interval),
                    timeout: nanos(health.timeout),
                    start_period: nanos(health.start_period),
                    start_interval: nanos(health.start_interval),
                    retries: i64::from(health.retries),
                });
                // BuildKit 0.8's health config has no StartInterval field.
                let with_start_interval = !self.like_buildkit_0_8();
                self.commit(
                    format!("HEALTHCHECK {}", health.history_string(with_start_interval)),
                    false,
                );
                Ok(())
            }
            Command::Maintainer(m) => {
                self.s.image.author = m.maintainer.text.clone();
                self.commit(format!("MAINTAINER {}", m.maintainer.text), false);
                Ok(())
            }
            Command::Onbuild(o) => {
                self.s.image.config.on_build.push(o.expression.clone());
                Ok(())
            }
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
        self.s.image.add_history(created_by, !layer);
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
        for def in &cmd.args {
            let key = def.key.text.clone();
            let value = if let Some(v) = self.d.opts.build_args.get(&key) {
                Some(v.clone())
            } else if let Some(default) = &def.value {
                Some(
                    self.d
                        .lexer
                        .process_word(&default.text, &self.s.env)
                        .map_err(|e| ConvertError::at(cmd.source.span, e.to_string()))?
                        .text,
                )
            } else {
                self.d.plan.meta_args.get(&key).cloned()
            };
            if let Some(v) = &value {
                self.s.env.set(&key, v);
            }
            shown.push(match &def.value {
                Some(default) => format!("{key}={}", default.text),
                None => key.clone(),
            });
            self.args.push((key, value));
        }
        self.commit(format!("ARG {}", shown.join(" ")), false);
        Ok(())
    }

    /// The state of a stage named by `--from` / `from=` (name, index or image).
    fn stage_state(&self, from: &str, span: Span) -> Result<Option<Output>, ConvertError> {
        let index = self
            .d
            .plan
            .stage_index(from)
            .ok_or_else(|| ConvertError::at(span, format!("stage {from:?} not found")))?;
        let done = self.d.done[index].as_ref().ok_or_else(|| {
            ConvertError::at(
                span,
                format!("cannot copy from stage {from:?}, it needs to be defined before the current stage"),
            )
        })?;
        Ok(done.state.clone())
    }

    fn use_context(&mut self, src: &str) {
        self.d.used_context = true;
        self.d
            .context_paths
            .insert(llb::clean_path(&format!("/{src}")));
    }
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

/// Instructions that get a numbered vertex (`[stage 2/5]`).
fn is_numbered(command: &Command) -> bool {
    matches!(
        command,
        Command::Add(_) | Command::Copy(_) | Command::Run(_) | Command::Workdir(_)
    )
}

/// An ONBUILD trigger from a base image config, parsed as one instruction located at the FROM
/// that inherits it.
fn parse_trigger(trigger: &str, from: Span) -> Result<Command, ConvertError> {
    let err = |m: String| ConvertError::at(from, m);
    let parsed = crate::dockerfile::parse(trigger.as_bytes()).map_err(|e| {
        err(format!(
            "invalid ONBUILD trigger {trigger:?}: {}",
            e.message
        ))
    })?;
    let [node] = parsed.nodes.as_slice() else {
        return Err(err("onbuild trigger should be a single expression".into()));
    };
    match crate::instructions::parse_instruction(node) {
        Ok(crate::instructions::Instruction::Command(mut command)) => {
            command.source_mut().span = from;
            Ok(command)
        }
        Ok(crate::instructions::Instruction::Stage(_)) => {
            Err(err("FROM isn't allowed as an ONBUILD trigger".into()))
        }
        Err(e) => Err(err(e.message)),
    }
}

fn nanos(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)
}
