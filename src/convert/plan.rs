//! The stage graph: global ARGs, what each FROM names, which stages the target needs, and
//! which base images must be resolved before dispatch.

use std::collections::{BTreeMap, BTreeSet};

use super::ConvertError;
use crate::dockerfile::{Dockerfile, Span};
use crate::instructions::{self, ArgCommand, Command, Stage};
use crate::llb::{self, Platform};
use crate::shell::Lexer;

/// What a stage starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    Scratch,
    /// A normalized image reference (`docker.io/library/alpine:latest`).
    Image(String),
    /// An earlier stage, by index.
    Stage(usize),
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
    /// An image named only by `COPY --from=<image>`: no commands, not numbered.
    pub implicit: bool,
}

impl PlannedStage {
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
}

/// What a build-arg–aware global scope needs.
pub struct PlanInputs<'a> {
    pub dockerfile: &'a Dockerfile,
    pub build_args: &'a BTreeMap<String, String>,
    pub target: Option<&'a str>,
    pub build_platform: &'a Platform,
    /// `None`: build for the build platform.
    pub target_platform: Option<&'a Platform>,
}

impl Plan {
    pub fn new(inputs: &PlanInputs<'_>) -> Result<Plan, ConvertError> {
        let (stages, meta_arg_cmds) = instructions::parse_dockerfile(inputs.dockerfile)?;
        if stages.is_empty() {
            return Err(ConvertError::message(
                "dockerfile contains no stages to build",
            ));
        }
        let lexer = Lexer::new(inputs.dockerfile.escape);
        let target_platform = inputs
            .target_platform
            .cloned()
            .unwrap_or_else(|| inputs.build_platform.clone());
        let meta_args = meta_scope(
            &lexer,
            &meta_arg_cmds,
            inputs.build_args,
            inputs.build_platform,
            &target_platform,
        )?;

        let mut planned: Vec<PlannedStage> = Vec::with_capacity(stages.len());
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        for stage in stages {
            let index = planned.len();
            let p = plan_stage(&lexer, &meta_args, stage, &names)?;
            if let Some(name) = &p.stage.name {
                names.entry(name.clone()).or_insert(index);
            }
            planned.push(p);
        }
        let stage_count = planned.len();
        resolve_dependencies(&mut planned, &names, stage_count)?;

        let target = match inputs.target {
            None | Some("") => stage_count - 1,
            Some(name) => *names.get(&name.to_lowercase()).ok_or_else(|| {
                ConvertError::message(format!("target stage {name:?} could not be found"))
            })?,
        };
        let reachable = reachable_from(&planned, target)?;
        Ok(Plan {
            stages: planned,
            meta_args,
            target,
            reachable,
            target_platform,
        })
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
            .position(|s| s.implicit && s.base == Base::Image(reference.clone()))
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
    build: &Platform,
    target: &Platform,
) -> Result<BTreeMap<String, String>, ConvertError> {
    let mut scope = BTreeMap::new();
    for (name, value) in platform_args(build, target) {
        let value = build_args.get(&name).cloned().unwrap_or(value);
        scope.insert(name, value);
    }
    for cmd in args {
        for arg in &cmd.args {
            let key = arg.key.text.clone();
            let value = match (build_args.get(&key), &arg.value) {
                (Some(v), _) => Some(v.clone()),
                (None, Some(default)) => Some(
                    lexer
                        .process_word(&default.text, &scope)
                        .map_err(|e| ConvertError::at(cmd.source.span, e.to_string()))?
                        .text,
                ),
                (None, None) => None,
            };
            match value {
                Some(v) => {
                    scope.insert(key, v);
                }
                None => {
                    scope.remove(&key);
                }
            }
        }
    }
    Ok(scope)
}

/// `BUILDPLATFORM`, `BUILDOS`, … and `TARGETPLATFORM`, `TARGETOS`, ….
pub fn platform_args(build: &Platform, target: &Platform) -> Vec<(String, String)> {
    let mut out = Vec::with_capacity(8);
    for (prefix, p) in [("BUILD", build), ("TARGET", target)] {
        out.push((format!("{prefix}PLATFORM"), p.to_string()));
        out.push((format!("{prefix}OS"), p.os.clone()));
        out.push((format!("{prefix}ARCH"), p.architecture.clone()));
        out.push((format!("{prefix}VARIANT"), p.variant.clone()));
    }
    out
}

fn plan_stage(
    lexer: &Lexer,
    meta_args: &BTreeMap<String, String>,
    mut stage: Stage,
    earlier: &BTreeMap<String, usize>,
) -> Result<PlannedStage, ConvertError> {
    let span = stage.source.span;
    let raw_base = stage.base_name.text.clone();
    stage.expand_from(&mut |w: &str| lexer.process_word(w, meta_args).map(|e| e.text))?;
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
    let base = if let Some(&index) = earlier.get(&base_name) {
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
        implicit: false,
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

/// Turn every `COPY --from` / `RUN --mount from=` into a stage dependency, adding implicit
/// image stages for references that are neither a stage name nor an index.
fn resolve_dependencies(
    planned: &mut Vec<PlannedStage>,
    names: &BTreeMap<String, usize>,
    stage_count: usize,
) -> Result<(), ConvertError> {
    let mut implicit: BTreeMap<String, usize> = BTreeMap::new();
    for index in 0..stage_count {
        let mut deps = BTreeSet::new();
        let mut new_images = Vec::new();
        for command in &planned[index].stage.commands {
            for (from, span) in stage_references(command) {
                let dep = if let Ok(n) = from.parse::<usize>() {
                    if n >= stage_count {
                        return Err(ConvertError::at(span, format!("invalid stage index {n}")));
                    }
                    n
                } else if let Some(&n) = names.get(&from.to_lowercase()) {
                    n
                } else {
                    let reference = normalize(&from, span)?;
                    match implicit.get(&reference) {
                        Some(&n) => n,
                        None => {
                            let n = stage_count + implicit.len() + new_images.len();
                            new_images.push((reference, span));
                            n
                        }
                    }
                };
                deps.insert(dep);
            }
        }
        planned[index].deps = deps;
        for (reference, span) in new_images {
            let n = stage_count + implicit.len();
            implicit.insert(reference.clone(), n);
            planned.push(implicit_stage(reference, span));
        }
    }
    Ok(())
}

/// The stage names an instruction refers to, with where.
fn stage_references(command: &Command) -> Vec<(String, Span)> {
    match command {
        Command::Copy(c) => c
            .from
            .iter()
            .map(|w| (w.text.clone(), c.source.span))
            .collect(),
        Command::Run(r) => r
            .mounts
            .iter()
            .filter_map(|m| m.from.clone())
            .map(|from| (from, r.source.span))
            .collect(),
        _ => Vec::new(),
    }
}

fn implicit_stage(reference: String, span: Span) -> PlannedStage {
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
                code: format!("FROM {reference}"),
                span,
            },
        },
        base: Base::Image(reference),
        platform: None,
        deps: BTreeSet::new(),
        implicit: true,
    }
}

/// The target and everything it needs, in file order. A stage may only use earlier stages.
fn reachable_from(planned: &[PlannedStage], target: usize) -> Result<Vec<usize>, ConvertError> {
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
