//! The stage graph: global ARGs, what each FROM names, which stages the target needs, and
//! which base images must be resolved before dispatch.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::contexts::{ContextRequest, NamedContexts, replace_images, replace_stages};
use super::include::{self, Namespaces};
use super::stage_ref::{COPY_FROM, GlobalScope, MOUNT_FROM};
use super::{ConvertError, ConvertOptions, checks};
use crate::dockerfile::{Dockerfile, Span};
use crate::instructions::include::Includes;
use crate::instructions::{self, ArgCommand, Command, Stage};
use crate::lint::Linter;
use crate::llb::{self, Platform, SourceMap};
use crate::shell::Lexer;

/// What a stage starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    Scratch,
    /// A normalized image reference (`docker.io/library/alpine:latest`).
    Image(String),
    /// An earlier stage, by index.
    Stage(usize),
    /// A named context, by index into [`Plan::contexts`]. `replaced`: the stage itself is the
    /// context (its `AS` name has one; it has no instructions); otherwise it is the stage's
    /// base image.
    Context {
        context: usize,
        replaced: bool,
    },
}

/// A stage with its references resolved.
#[derive(Debug, Clone)]
pub struct PlannedStage {
    pub stage: Stage,
    pub base: Base,
    /// `FROM --platform`, expanded and parsed.
    pub platform: Option<Platform>,
    /// Stages used through `COPY --from` / `RUN --mount from=`, by index.
    pub deps: BTreeSet<usize>,
    /// Per command, the stage each of its `--from` / `from=` references resolves to, in order.
    pub sources: Vec<Vec<usize>>,
    /// The same for the ONBUILD triggers of the base stage (run first in this stage).
    pub trigger_sources: Vec<Vec<usize>>,
    /// An image named only by `COPY --from=<image>` / `--mount from=<image>`: no commands,
    /// not numbered.
    pub implicit: bool,
    /// Where the stage's ops point in the Dockerfile (`None` for an implicit stage of a mount).
    pub location: Option<Span>,
    /// Steps already counted before the first one (see [`Plan::new`]).
    pub first_step: usize,
    /// The global ARGs its FROM line used (base name and `--platform`).
    pub from_args: BTreeSet<String>,
}

impl PlannedStage {
    /// Whether its FROM counts as a step (an image or a named context as base; upstream
    /// numbers it even where it shows no name for it).
    pub fn numbers_from(&self) -> bool {
        matches!(
            self.base,
            Base::Image(_)
                | Base::Context {
                    replaced: false,
                    ..
                }
        )
    }

    /// The name shown in progress output: the `AS` name or `stage-<index>`.
    pub fn display_name(&self, index: usize) -> String {
        self.stage
            .name
            .clone()
            .unwrap_or_else(|| format!("stage-{index}"))
    }
}

/// A base image to resolve before dispatch.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImageRequest {
    /// Normalized reference.
    pub reference: String,
    pub platform: Platform,
}

/// The stage graph of one build.
#[derive(Debug, Clone)]
pub struct Plan {
    pub stages: Vec<PlannedStage>,
    /// Global ARGs (and the predefined platform ARGs) with their values.
    pub meta_args: BTreeMap<String, String>,
    pub target: usize,
    /// Indexes of the stages the target needs, ascending.
    pub reachable: Vec<usize>,
    pub target_platform: Platform,
    /// Whether the build has a single dispatch state: one stage, no image named by `--from`
    /// and no RUN mount without `from` (upstream counts each as a state of its own). Progress
    /// names then carry no stage name (`[1/3]` rather than `[stage-0 1/3]`).
    pub single_state: bool,
    /// The Dockerfile's escape character.
    pub escape: char,
    /// The build checks so far (parser, instructions, plan); dispatch adds its own.
    pub lint: Linter,
    /// The global ARG scopes of the included files (file `n` is entry `n - 1`; see
    /// [`Plan::meta_args_for`]).
    pub included_meta_args: Vec<BTreeMap<String, String>>,
    /// The included files' source maps, the same way.
    pub included_sources: Vec<Arc<SourceMap>>,
    /// The name of every file (0 = the main Dockerfile), for messages.
    pub file_names: Vec<String>,
    /// The global ARG instructions (before the first FROM), in order.
    pub global_args: Vec<ArgCommand>,
    /// The named contexts the stages use ([`Base::Context`]).
    pub contexts: Vec<ContextRequest>,
}

impl Plan {
    /// Reads the stages of `dockerfile` and finds what the target of `opts` needs.
    pub fn new(dockerfile: &Dockerfile, opts: &ConvertOptions) -> Result<Plan, ConvertError> {
        Plan::new_reporting(dockerfile, opts).0
    }

    /// [`Plan::new`] for a Dockerfile whose INCLUDE lines were read into `includes`.
    pub fn with_includes(
        dockerfile: &Dockerfile,
        includes: &Includes,
        opts: &ConvertOptions,
    ) -> Result<Plan, ConvertError> {
        Plan::with_includes_reporting(dockerfile, includes, opts).0
    }

    /// [`Plan::new`], also giving the build-check warnings reported until it finished or
    /// failed (`frontend.lint` shows them either way).
    pub fn new_reporting(
        dockerfile: &Dockerfile,
        opts: &ConvertOptions,
    ) -> (Result<Plan, ConvertError>, Vec<crate::lint::Warning>) {
        Plan::with_includes_reporting(dockerfile, &Includes::default(), opts)
    }

    /// [`Plan::new_reporting`] for a Dockerfile whose INCLUDE lines were read into `includes`.
    pub fn with_includes_reporting(
        dockerfile: &Dockerfile,
        includes: &Includes,
        opts: &ConvertOptions,
    ) -> (Result<Plan, ConvertError>, Vec<crate::lint::Warning>) {
        let mut lint = match crate::lint::check_config(dockerfile, &opts.build_args) {
            Ok(config) => Linter::new(config),
            Err(e) => return (Err(e), Vec::new()),
        };
        let plan = Plan::with_linter(dockerfile, includes, opts, &mut lint);
        (plan, lint.into_warnings())
    }

    fn with_linter(
        dockerfile: &Dockerfile,
        includes: &Includes,
        opts: &ConvertOptions,
        lint: &mut Linter,
    ) -> Result<Plan, ConvertError> {
        crate::lint::parser_warnings(dockerfile, lint);
        let mut composed = instructions::include::compose(dockerfile, includes, lint)?;
        let stages = std::mem::take(&mut composed.stages);
        let spaces = Namespaces::new(composed);
        if stages.is_empty() {
            return Err(ConvertError::message(
                "dockerfile contains no stages to build",
            ));
        }
        checks::stage_names(&stages, lint);
        checks::command_casing(&stages, lint);
        let lexer = Lexer::new(dockerfile.escape);
        let target_platform = opts
            .target_platform
            .clone()
            .unwrap_or_else(|| opts.build_platform.clone());
        let target_name = match opts.target.as_deref() {
            Some(t) if !t.is_empty() => t,
            _ => stages
                .last()
                .and_then(|s| s.name.as_deref())
                .unwrap_or_default(),
        };
        // The global scope with the ARGs' defaults only (build args set just the predefined
        // ARGs), to check what the defaults make of each FROM.
        let predefined: BTreeMap<String, String> = opts
            .build_args
            .iter()
            .filter(|(k, _)| {
                platform_args(&opts.build_platform, &target_platform, "")
                    .iter()
                    .any(|(name, _)| name == *k)
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        // Each file's global scope (file 0 is the main Dockerfile; an included file comes
        // after the file that includes it).
        let mut scopes: Vec<BTreeMap<String, String>> = Vec::with_capacity(spaces.file_count());
        let mut default_scopes: Vec<BTreeMap<String, String>> = Vec::new();
        let mut knowns: Vec<BTreeSet<String>> = Vec::with_capacity(spaces.file_count());
        for file in 0..spaces.file_count() {
            let meta_arg_cmds = spaces.meta_args(file);
            let inherit = |scopes: &[BTreeMap<String, String>]| match spaces.parent(file) {
                Some(parent) => scopes.get(parent).map_or_else(BTreeMap::new, |s| {
                    include::inherited(s, spaces.meta_args(parent))
                }),
                None => BTreeMap::new(),
            };
            let inherited_defaults = inherit(&default_scopes);
            let defaults = meta_scope(
                &lexer,
                meta_arg_cmds,
                &predefined,
                &inherited_defaults,
                &opts.build_platform,
                &target_platform,
                target_name,
            );
            if let Ok(defaults) = &defaults {
                let own = spaces.own_stages(file).filter_map(|i| stages.get(i));
                checks::default_base_names(own, &lexer, defaults, lint);
            }
            default_scopes.push(defaults.unwrap_or_default());
            let inherited = inherit(&scopes);
            let meta_args = meta_scope(
                &lexer,
                meta_arg_cmds,
                &opts.build_args,
                &inherited,
                &opts.build_platform,
                &target_platform,
                target_name,
            )?;
            // Every name a FROM may use: the global ARGs (declared, even without value) and
            // the predefined ones.
            let known: BTreeSet<String> = meta_args
                .keys()
                .cloned()
                .chain(
                    meta_arg_cmds
                        .iter()
                        .flat_map(|c| c.args.iter().map(|a| a.key.text.clone())),
                )
                .collect();
            scopes.push(meta_args);
            knowns.push(known);
        }

        let mut planned: Vec<PlannedStage> = Vec::with_capacity(stages.len());
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        for stage in stages {
            let index = planned.len();
            let file = spaces.file_of(index);
            let (Some(meta_args), Some(known)) = (scopes.get(file), knowns.get(file)) else {
                return Err(ConvertError::message("stage of an unknown file"));
            };
            let earlier = |name: &str| spaces.lookup(&names, file, name);
            let p = plan_stage(&lexer, meta_args, known, stage, &earlier, lint)?;
            // A later stage of the same name hides an earlier one, from here on.
            if let Some(name) = &p.stage.name {
                names.insert(name.clone(), index);
            }
            planned.push(p);
        }
        let stage_count = planned.len();
        let mut contexts = NamedContexts::new(&opts.named_contexts, &opts.build_platform);
        replace_stages(&mut planned, &mut contexts, opts.target_platform.as_ref())?;
        // Per file, the scope a `--from=$VAR` expands in.
        let global_scopes: Vec<GlobalScope> = scopes
            .iter()
            .zip(&knowns)
            .map(|(meta_args, declared)| GlobalScope {
                lexer: &lexer,
                declared,
                meta_args,
                build_args: &opts.build_args,
            })
            .collect();
        resolve_dependencies(&global_scopes, &mut planned, &names, &spaces, stage_count)?;
        replace_images(&mut planned, &mut contexts, &target_platform)?;

        let target = match opts.target.as_deref() {
            None | Some("") => stage_count - 1,
            Some(name) => *names.get(&name.to_lowercase()).ok_or_else(|| {
                ConvertError::message(format!("target stage {name:?} could not be found"))
            })?,
        };
        let reachable = if opts.all_stages {
            // Every stage (for `frontend.lint` without a target), each checked as a target.
            let mut all = BTreeSet::new();
            for index in (0..stage_count).rev() {
                if !all.contains(&index) {
                    all.extend(reachable_from(&planned, index, true)?);
                }
            }
            all.into_iter().collect()
        } else {
            reachable_from(&planned, target, true)?
        };
        // Upstream numbers the FROM of an image stage once per pass that sees it: a stage
        // that only ONBUILD triggers make reachable is seen twice, so its steps start at 2.
        let first_pass = reachable_from(&planned, target, false)?;
        for &index in &reachable {
            if !first_pass.contains(&index) && planned[index].numbers_from() {
                planned[index].first_step = 1;
            }
        }
        let mount_without_from = planned.iter().any(|p| {
            p.stage
                .commands
                .iter()
                .any(|c| matches!(c, Command::Run(r) if r.flags.mount.mounts.iter().any(|m| m.from.is_none())))
        });
        let mut scopes = scopes.into_iter();
        let meta_args = scopes.next().unwrap_or_default();
        Ok(Plan {
            single_state: planned.len() == 1 && !mount_without_from,
            escape: dockerfile.escape,
            lint: lint.clone(),
            global_args: spaces.meta_args(0).to_vec(),
            stages: planned,
            meta_args,
            target,
            reachable,
            target_platform,
            included_meta_args: scopes.collect(),
            included_sources: include::sources(includes),
            file_names: (0..=includes.files().len())
                .map(|f| includes.name(f).to_string())
                .collect(),
            contexts: contexts.requests,
        })
    }

    /// A stage reference with a variable as the plan resolved it (rustfront dialect,
    /// `stage_ref`), to show in progress names; `None` when it has no variable. `file` is the
    /// file it is written in (its global ARGs apply).
    pub(crate) fn shown_reference(&self, reference: &str, file: usize) -> Option<String> {
        if !reference.contains('$') {
            return None;
        }
        Lexer::new(self.escape)
            .process_word(reference, self.meta_args_for(file))
            .ok()
            .map(|p| p.text)
    }

    /// The global ARG scope of file `file` (0 = the main Dockerfile).
    pub fn meta_args_for(&self, file: usize) -> &BTreeMap<String, String> {
        file.checked_sub(1)
            .and_then(|i| self.included_meta_args.get(i))
            .unwrap_or(&self.meta_args)
    }

    /// The source map of file `file`: `main` (the Dockerfile's) or an included file's.
    pub fn source_for<'a>(&'a self, file: usize, main: &'a Arc<SourceMap>) -> &'a Arc<SourceMap> {
        file.checked_sub(1)
            .and_then(|i| self.included_sources.get(i))
            .unwrap_or(main)
    }

    /// The platform a stage builds for.
    pub fn stage_platform(&self, index: usize) -> Platform {
        self.stages
            .get(index)
            .and_then(|s| s.platform.clone())
            .unwrap_or_else(|| self.target_platform.clone())
    }

    /// Base images of the reachable stages, each once.
    pub fn image_requests(&self) -> Vec<ImageRequest> {
        let set: BTreeSet<ImageRequest> = self
            .reachable
            .iter()
            .filter_map(|&i| match &self.stages[i].base {
                Base::Image(reference) => Some(ImageRequest {
                    reference: reference.clone(),
                    platform: self.stage_platform(i),
                }),
                _ => None,
            })
            .collect();
        set.into_iter().collect()
    }

    /// The stage a `--from` / `from=` value names: an index, a stage name, or an image
    /// reference (an implicit stage).
    pub fn stage_index(&self, from: &str) -> Option<usize> {
        if let Ok(n) = from.parse::<usize>() {
            return (n < self.stages.len()).then_some(n);
        }
        let lower = from.to_lowercase();
        if let Some(n) = self
            .stages
            .iter()
            .position(|s| !s.implicit && s.stage.name.as_deref() == Some(lower.as_str()))
        {
            return Some(n);
        }
        let reference = llb::normalize_image_ref(from).ok()?;
        self.stages
            .iter()
            .position(|s| s.implicit && s.stage.base_name.text == reference)
    }

    /// The named contexts the reachable stages use (indexes into [`Plan::contexts`]), each
    /// once: only these are loaded.
    pub fn context_requests(&self) -> Vec<usize> {
        let used: BTreeSet<usize> = self
            .reachable
            .iter()
            .filter_map(|&i| match self.stages[i].base {
                Base::Context { context, .. } => Some(context),
                _ => None,
            })
            .collect();
        used.into_iter().collect()
    }

    /// Where a reachable stage uses named context `context` (for loading errors).
    pub fn context_span(&self, context: usize) -> Option<Span> {
        self.reachable.iter().find_map(|&i| {
            let stage = &self.stages[i];
            matches!(stage.base, Base::Context { context: c, .. } if c == context)
                .then_some(stage.stage.source.span)
        })
    }

    /// Where a reachable stage names `reference` as its base (for resolution errors).
    pub fn image_span(&self, reference: &str) -> Option<Span> {
        self.reachable.iter().find_map(|&i| {
            let stage = &self.stages[i];
            (stage.base == Base::Image(reference.to_string())).then_some(stage.stage.source.span)
        })
    }
}

/// The global scope: the predefined platform ARGs, then each global ARG in order.
fn meta_scope(
    lexer: &Lexer,
    args: &[ArgCommand],
    build_args: &BTreeMap<String, String>,
    inherited: &BTreeMap<String, String>,
    build: &Platform,
    target: &Platform,
    stage: &str,
) -> Result<BTreeMap<String, String>, ConvertError> {
    let mut scope = BTreeMap::new();
    for (name, value) in platform_args(build, target, stage) {
        let value = build_args.get(&name).cloned().unwrap_or(value);
        scope.insert(name, value);
    }
    for cmd in args {
        for arg in &cmd.args {
            let key = arg.key.text.clone();
            let given = build_args.get(&key).or_else(|| inherited.get(&key));
            let value = match (given, &arg.value) {
                (Some(v), _) => Some(v.clone()),
                (None, Some(default)) => Some(
                    lexer
                        .process_word(&default.text, &scope)
                        .map_err(|e| ConvertError::caused_by(cmd.source.span, e))?
                        .text,
                ),
                (None, None) => None,
            };
            // Without a value the ARG keeps whatever the scope has (a predefined value).
            if let Some(v) = value {
                scope.insert(key, v);
            }
        }
    }
    Ok(scope)
}

/// The predefined ARGs: `BUILDPLATFORM`, `BUILDOS`, `BUILDOSVERSION`, `BUILDARCH`,
/// `BUILDVARIANT`, the same five with `TARGET`, and `TARGETSTAGE` (the target stage's name as
/// given, or `default`).
pub fn platform_args(build: &Platform, target: &Platform, stage: &str) -> Vec<(String, String)> {
    let mut out = Vec::with_capacity(11);
    for (prefix, p, formatted) in [
        ("BUILD", build, build.to_string()),
        ("TARGET", target, target.format_all()),
    ] {
        out.push((format!("{prefix}PLATFORM"), formatted));
        out.push((format!("{prefix}OS"), p.os.clone()));
        out.push((format!("{prefix}OSVERSION"), p.os_version.clone()));
        out.push((format!("{prefix}ARCH"), p.architecture.clone()));
        out.push((format!("{prefix}VARIANT"), p.variant.clone()));
    }
    let stage = if stage.is_empty() { "default" } else { stage };
    out.push(("TARGETSTAGE".into(), stage.into()));
    out
}

fn plan_stage(
    lexer: &Lexer,
    meta_args: &BTreeMap<String, String>,
    known: &BTreeSet<String>,
    mut stage: Stage,
    earlier: &dyn Fn(&str) -> Option<usize>,
    lint: &mut Linter,
) -> Result<PlannedStage, ConvertError> {
    let span = stage.source.span;
    let raw_base = stage.base_name.text.clone();
    let name = lexer
        .process_word_with_matches(&raw_base, meta_args)
        .map_err(|e| ConvertError::caused_by(span, e))?;
    checks::undeclared_from_args(&name, known, span, lint);
    let mut from_args = name.matched.clone();
    stage.base_name.text = name.text;
    if let Some(word) = &mut stage.platform {
        let raw = word.text.clone();
        let platform = lexer
            .process_word_with_matches(&raw, meta_args)
            .map_err(|e| ConvertError::caused_by(span, e))?;
        checks::undeclared_from_args(&platform, known, span, lint);
        checks::from_platform(&stage, &raw, &platform, meta_args, lint);
        from_args.extend(platform.matched.iter().cloned());
        if let Some(word) = &mut stage.platform {
            word.text = platform.text;
        }
    }
    let base_name = stage.base_name.text.clone();
    if base_name.is_empty() {
        return Err(ConvertError::at(
            span,
            format!("base name ({raw_base}) should not be blank"),
        ));
    }
    let platform = match &stage.platform {
        Some(word) => Some(Platform::parse(&word.text).map_err(|e| {
            ConvertError::at(span, format!("failed to parse platform {}: {e}", word.text))
        })?),
        None => None,
    };
    let base = if let Some(index) = earlier(&base_name) {
        Base::Stage(index)
    } else if base_name == "scratch" {
        Base::Scratch
    } else {
        Base::Image(normalize(&base_name, span)?)
    };
    Ok(PlannedStage {
        stage,
        base,
        platform,
        deps: BTreeSet::new(),
        sources: Vec::new(),
        trigger_sources: Vec::new(),
        implicit: false,
        location: Some(span),
        first_step: 0,
        from_args,
    })
}

fn normalize(reference: &str, span: Span) -> Result<String, ConvertError> {
    llb::normalize_image_ref(reference).map_err(|e| {
        ConvertError::at(
            span,
            format!("failed to parse stage name {reference:?}: {e}"),
        )
    })
}

/// Turn every `COPY --from` / `RUN --mount from=` into a stage dependency. A reference that is
/// neither a stage name nor an index names an image: as upstream, each such reference gets an
/// implicit stage of its own (located at the COPY; a mount's has no location).
fn resolve_dependencies(
    scopes: &[GlobalScope],
    planned: &mut Vec<PlannedStage>,
    names: &BTreeMap<String, usize>,
    spaces: &Namespaces,
    stage_count: usize,
) -> Result<(), ConvertError> {
    for index in 0..stage_count {
        let file = spaces.file_of(index);
        let Some(scope) = scopes.get(file) else {
            return Err(ConvertError::message("stage of an unknown file"));
        };
        // The base stage's ONBUILD triggers run at the start of this stage, so what they name
        // is a dependency of this stage.
        let triggers = match planned[index].base {
            Base::Stage(base) => planned[base]
                .stage
                .commands
                .iter()
                .filter_map(|c| match c {
                    Command::Onbuild(o) => Some(parse_trigger(
                        &o.expression,
                        planned[index].stage.source.span,
                    )),
                    _ => None,
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => Vec::new(),
        };
        let mut deps = BTreeSet::new();
        let mut new_images = Vec::new();
        let stage = &planned[index].stage;
        let mut resolve = |commands: &[Command]| -> Result<Vec<Vec<usize>>, ConvertError> {
            let mut sources = Vec::with_capacity(commands.len());
            for command in commands {
                let mut command_sources = Vec::new();
                for (raw, span) in stage_references(command) {
                    let flag = match command {
                        Command::Copy(_) => COPY_FROM,
                        _ => MOUNT_FROM,
                    };
                    let from = scope.expand(&raw, span, stage, flag)?;
                    let dep = if let Ok(n) = from.parse::<usize>() {
                        spaces.nth(file, n).ok_or_else(|| {
                            ConvertError::at(span, format!("invalid stage index {n}"))
                        })?
                    } else if let Some(n) = spaces.lookup(names, file, &from.to_lowercase()) {
                        n
                    } else {
                        let reference = normalize(&from, span)?;
                        let location = matches!(command, Command::Copy(_)).then_some(span);
                        new_images.push(implicit_stage(reference, span, location));
                        planned.len() + new_images.len() - 1
                    };
                    deps.insert(dep);
                    command_sources.push(dep);
                }
                sources.push(command_sources);
            }
            Ok(sources)
        };
        let trigger_sources = resolve(&triggers)?;
        let sources = resolve(&planned[index].stage.commands)?;
        planned[index].deps = deps;
        planned[index].sources = sources;
        planned[index].trigger_sources = trigger_sources;
        planned.extend(new_images);
    }
    Ok(())
}

/// An ONBUILD trigger from a base image config, parsed as one instruction located at the FROM
/// that inherits it.
pub(crate) fn parse_trigger(trigger: &str, from: Span) -> Result<Command, ConvertError> {
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

/// The stage names an instruction refers to, with where.
fn stage_references(command: &Command) -> Vec<(String, Span)> {
    match command {
        Command::Copy(c) => c
            .flags
            .stage_refs()
            .into_iter()
            .map(|from| (from, c.source.span))
            .collect(),
        Command::Add(a) => a
            .flags
            .stage_refs()
            .into_iter()
            .map(|from| (from, a.source.span))
            .collect(),
        Command::Run(r) => r
            .flags
            .stage_refs()
            .into_iter()
            .map(|from| (from, r.source.span))
            .collect(),
        _ => Vec::new(),
    }
}

fn implicit_stage(reference: String, span: Span, location: Option<Span>) -> PlannedStage {
    let word = crate::dockerfile::Word {
        text: reference.clone(),
        span,
    };
    PlannedStage {
        stage: Stage {
            name: None,
            name_word: None,
            base_name: word,
            platform: None,
            commands: Vec::new(),
            comment: String::new(),
            source: instructions::CommandSource {
                code: String::new(),
                span,
            },
        },
        base: Base::Image(reference),
        platform: None,
        deps: BTreeSet::new(),
        sources: Vec::new(),
        trigger_sources: Vec::new(),
        implicit: true,
        location,
        first_step: 0,
        from_args: BTreeSet::new(),
    }
}

/// The target and everything it needs, in file order. A stage may only use earlier stages.
/// With `with_triggers` false, dependencies that only ONBUILD triggers of a base stage have are
/// left out (upstream finds those in a second pass).
fn reachable_from(
    planned: &[PlannedStage],
    target: usize,
    with_triggers: bool,
) -> Result<Vec<usize>, ConvertError> {
    let mut seen = vec![false; planned.len()];
    let mut stack = vec![target];
    while let Some(index) = stack.pop() {
        if std::mem::replace(&mut seen[index], true) {
            continue;
        }
        let stage = &planned[index];
        if let Base::Stage(base) = stage.base {
            stack.push(base);
        }
        for &dep in &stage.deps {
            if !with_triggers && !stage.sources.iter().flatten().any(|&d| d == dep) {
                continue;
            }
            if dep >= index && !planned[dep].implicit {
                let current = stage.display_name(index);
                let other = planned[dep].display_name(dep);
                let span = stage
                    .stage
                    .commands
                    .iter()
                    .find(|c| {
                        stage_references(c)
                            .iter()
                            .any(|(f, _)| f.eq_ignore_ascii_case(&other))
                    })
                    .map_or(stage.stage.source.span, |c| c.span());
                let message = if dep == index {
                    format!("circular dependency detected on stage: {current}")
                } else {
                    format!(
                        "cannot copy from stage {other:?}, it needs to be defined before current stage {current:?}"
                    )
                };
                return Err(ConvertError::at(span, message));
            }
            stack.push(dep);
        }
    }
    Ok((0..planned.len()).filter(|&i| seen[i]).collect())
}

#[cfg(test)]
mod tests;
