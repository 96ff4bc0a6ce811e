//! What a Dockerfile offers and a target reads, for the `frontend.targets` and
//! `frontend.outline` subrequests and `rustfront debug targets|outline`: BuildKit's
//! `dockerfile2llb.ListTargets` and `outline.go` (the build args a target uses, with their
//! values and doc comments, and the secrets and SSH sockets its RUN steps mount).
//!
//! The outline is captured while the target is dispatched (`Capture`), as upstream does:
//! an ARG counts once a FROM line or a dispatched ARG instruction uses it, and a global ARG
//! also makes the global ARGs its default refers to count.

use std::collections::{BTreeMap, BTreeSet};

use super::plan::{Base, Plan, platform_args};
use super::{ConvertError, ConvertOptions};
use crate::dockerfile::{Dockerfile, Span};
use crate::lint::{CheckConfig, Linter};
use crate::shell::Lexer;

/// A stage a build can target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The `AS` name (lower-cased), if any.
    pub name: Option<String>,
    /// The last stage: what a build without `--target` builds.
    pub default: bool,
    /// The doc comment above the FROM (`# <name> <description>`).
    pub description: String,
    /// The base as written (variables not expanded).
    pub base: String,
    /// `--platform` as written.
    pub platform: Option<String>,
    /// The FROM instruction.
    pub span: Span,
}

/// The stages of `dockerfile`, in file order (upstream reads them without build args and
/// without build checks).
pub fn targets(dockerfile: &Dockerfile) -> Result<Vec<Target>, ConvertError> {
    targets_with_includes(
        dockerfile,
        &crate::instructions::include::Includes::default(),
    )
}

/// [`targets`] of a Dockerfile whose INCLUDE lines were read into `includes`: included stages
/// take the place of their INCLUDE line, with their prefixed names, pointing into their file.
pub fn targets_with_includes(
    dockerfile: &Dockerfile,
    includes: &crate::instructions::include::Includes,
) -> Result<Vec<Target>, ConvertError> {
    let mut quiet = Linter::new(CheckConfig {
        skip_all: true,
        ..CheckConfig::default()
    });
    let stages = crate::instructions::include::compose(dockerfile, includes, &mut quiet)?.stages;
    let last = stages.len().saturating_sub(1);
    Ok(stages
        .into_iter()
        .enumerate()
        .map(|(index, stage)| Target {
            name: stage.name,
            default: index == last,
            description: stage.comment,
            base: stage.base_name.text,
            platform: stage.platform.map(|w| w.text),
            span: stage.source.span,
        })
        .collect())
}

/// A build arg a target uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineArg {
    pub name: String,
    /// The doc comment above its ARG (`# <name> <description>`).
    pub description: String,
    /// The value it takes in this build (a build arg, else its expanded default), or empty.
    pub value: String,
    /// The ARG instruction that defines it.
    pub span: Span,
}

/// A secret or SSH socket a RUN step mounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountUse {
    pub id: String,
    pub required: bool,
    /// The first RUN that mounts it.
    pub span: Span,
}

/// What building a target reads from its user.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outline {
    /// The target stage's `AS` name.
    pub name: Option<String>,
    /// Its doc comment.
    pub description: String,
    /// Sorted by line.
    pub args: Vec<OutlineArg>,
    pub secrets: Vec<MountUse>,
    pub ssh: Vec<MountUse>,
}

/// A global ARG as the outline shows it, with the global ARGs its default refers to.
struct GlobalArg {
    arg: OutlineArg,
    deps: BTreeSet<String>,
}

/// What one stage used.
#[derive(Debug, Clone, Default)]
struct StageCapture {
    used: BTreeSet<String>,
    /// ARGs the stage (re)defines, replacing the global ones.
    args: BTreeMap<String, OutlineArg>,
    secrets: Vec<MountUse>,
    ssh: Vec<MountUse>,
}

/// Collects, during dispatch, what each stage uses.
#[derive(Debug, Clone, Default)]
pub(super) struct Capture {
    stages: Vec<StageCapture>,
}

impl Capture {
    /// Each stage starts with the ARGs its FROM line used, and those its base stage's FROM
    /// line used (upstream copies a base stage's outline when it is named).
    pub(super) fn new(plan: &Plan) -> Self {
        let mut stages: Vec<StageCapture> = Vec::with_capacity(plan.stages.len());
        for planned in &plan.stages {
            let mut used = match planned.base {
                Base::Stage(base) => stages.get(base).map(|s| s.used.clone()).unwrap_or_default(),
                _ => BTreeSet::new(),
            };
            used.extend(planned.from_args.iter().cloned());
            stages.push(StageCapture {
                used,
                ..StageCapture::default()
            });
        }
        Capture { stages }
    }

    /// An ARG instruction dispatched in `stage`; `arg` is `None` when it only brings a global
    /// ARG into scope (no default, no build arg).
    pub(super) fn arg(&mut self, stage: usize, key: &str, arg: Option<OutlineArg>) {
        if let Some(s) = self.stages.get_mut(stage) {
            s.used.insert(key.to_string());
            if let Some(arg) = arg {
                s.args.insert(key.to_string(), arg);
            }
        }
    }

    /// A secret mounted in `stage` (the first mount of an id counts).
    pub(super) fn secret(&mut self, stage: usize, used: MountUse) {
        if let Some(s) = self.stages.get_mut(stage) {
            if !s.secrets.iter().any(|m| m.id == used.id) {
                s.secrets.push(used);
            }
        }
    }

    /// An SSH socket mounted in `stage`.
    pub(super) fn ssh(&mut self, stage: usize, used: MountUse) {
        if let Some(s) = self.stages.get_mut(stage) {
            if !s.ssh.iter().any(|m| m.id == used.id) {
                s.ssh.push(used);
            }
        }
    }

    /// The outline of the plan's target: what it, its base stages and the stages it copies
    /// from or mounts used, each name once (the target's first), sorted by line.
    pub(super) fn outline(
        &self,
        plan: &Plan,
        opts: &ConvertOptions,
    ) -> Result<Outline, ConvertError> {
        let globals = global_args(plan, opts)?;
        let mut walk = Walk {
            capture: self,
            plan,
            globals: &globals,
            seen_args: BTreeSet::new(),
            seen_secrets: BTreeSet::new(),
            seen_ssh: BTreeSet::new(),
            out: Outline::default(),
        };
        walk.stage(plan.target);
        let mut out = walk.out;
        out.args.sort_by_key(|a| a.span.start.line);
        out.secrets.sort_by_key(|m| m.span.start.line);
        out.ssh.sort_by_key(|m| m.span.start.line);
        let target = &plan.stages[plan.target].stage;
        out.name = target.name.clone();
        out.description = target.comment.clone();
        Ok(out)
    }
}

/// The walk over the target, its bases and dependencies that gathers the outline.
struct Walk<'a> {
    capture: &'a Capture,
    plan: &'a Plan,
    globals: &'a BTreeMap<String, GlobalArg>,
    seen_args: BTreeSet<String>,
    seen_secrets: BTreeSet<String>,
    seen_ssh: BTreeSet<String>,
    out: Outline,
}

impl Walk<'_> {
    fn stage(&mut self, index: usize) {
        let Some(capture) = self.capture.stages.get(index) else {
            return;
        };
        let lookup = |key: &str| {
            capture
                .args
                .get(key)
                .or_else(|| self.globals.get(key).map(|g| &g.arg))
        };
        // The used ARGs and, transitively, the global ARGs their defaults refer to.
        let mut used = BTreeSet::new();
        let mut pending: Vec<String> = capture.used.iter().cloned().collect();
        while let Some(key) = pending.pop() {
            if !used.insert(key.clone()) {
                continue;
            }
            if !capture.args.contains_key(&key) {
                if let Some(global) = self.globals.get(&key) {
                    pending.extend(global.deps.iter().cloned());
                }
            }
        }
        for key in &used {
            if let Some(arg) = lookup(key) {
                if self.seen_args.insert(key.clone()) {
                    self.out.args.push(arg.clone());
                }
            }
        }
        for secret in &capture.secrets {
            if self.seen_secrets.insert(secret.id.clone()) {
                self.out.secrets.push(secret.clone());
            }
        }
        for ssh in &capture.ssh {
            if self.seen_ssh.insert(ssh.id.clone()) {
                self.out.ssh.push(ssh.clone());
            }
        }
        let planned = &self.plan.stages[index];
        if let Base::Stage(base) = planned.base {
            self.stage(base);
        }
        for &dep in &planned.deps {
            self.stage(dep);
        }
    }
}

/// The global ARGs as upstream's `buildMetaArgs` records them: a build arg, else the default
/// expanded in the global scope so far, else no value.
fn global_args(
    plan: &Plan,
    opts: &ConvertOptions,
) -> Result<BTreeMap<String, GlobalArg>, ConvertError> {
    let lexer = Lexer::new(plan.escape);
    let target_name = match opts.target.as_deref() {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => plan
            .stages
            .iter()
            .rev()
            .find(|s| !s.implicit)
            .and_then(|s| s.stage.name.clone())
            .unwrap_or_default(),
    };
    let mut scope: BTreeMap<String, String> =
        platform_args(&opts.build_platform, &plan.target_platform, &target_name)
            .into_iter()
            .map(|(k, v)| {
                let v = opts.build_args.get(&k).cloned().unwrap_or(v);
                (k, v)
            })
            .collect();
    let mut out: BTreeMap<String, GlobalArg> = BTreeMap::new();
    for cmd in &plan.global_args {
        for def in &cmd.args {
            let key = def.key.text.clone();
            let mut deps = BTreeSet::new();
            let value = match (opts.build_args.get(&key), &def.value) {
                (Some(v), _) => Some(v.clone()),
                (None, Some(default)) => {
                    let expanded = lexer
                        .process_word_with_matches(&default.text, &scope)
                        .map_err(|e| ConvertError::caused_by(cmd.source.span, e))?;
                    deps = expanded.matched;
                    if deps.remove(&key) {
                        if let Some(old) = out.get(&key) {
                            deps.extend(old.deps.iter().cloned());
                        }
                    }
                    Some(expanded.text)
                }
                (None, None) => None,
            };
            if let Some(v) = &value {
                scope.insert(key.clone(), v.clone());
            }
            let arg = OutlineArg {
                name: key.clone(),
                description: def.comment.clone(),
                value: value.unwrap_or_default(),
                span: cmd.source.span,
            };
            out.insert(key, GlobalArg { arg, deps });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_in_file_order_with_comments_and_raw_bases() -> Result<(), ConvertError> {
        let df = crate::dockerfile::parse(
            b"ARG BASE=alpine\n# build compiles the app\nFROM --platform=$BUILDPLATFORM golang AS build\n\
              FROM ${BASE}\n",
        )?;
        let t = targets(&df)?;
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].name.as_deref(), Some("build"));
        assert_eq!(t[0].description, "compiles the app");
        assert_eq!(t[0].platform.as_deref(), Some("$BUILDPLATFORM"));
        assert!(!t[0].default && t[1].default);
        assert_eq!(t[1].base, "${BASE}");
        assert_eq!(t[1].span.start.line, 4);
        Ok(())
    }

    fn outline_of(text: &str, target: Option<&str>, args: &[(&str, &str)]) -> Outline {
        let df = crate::dockerfile::parse(text.as_bytes()).expect("parses");
        let opts = ConvertOptions {
            target: target.map(str::to_string),
            build_args: args
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..ConvertOptions::default()
        };
        super::super::outline(&df, &Default::default(), &opts, |_| {
            super::super::ResolvedImage::default()
        })
        .expect("outline")
    }

    fn args(o: &Outline) -> Vec<(String, String, usize)> {
        o.args
            .iter()
            .map(|a| (a.name.clone(), a.value.clone(), a.span.start.line))
            .collect()
    }

    fn arg(name: &str, value: &str, line: usize) -> (String, String, usize) {
        (name.to_string(), value.to_string(), line)
    }

    #[test]
    fn global_args_used_by_from_and_what_their_defaults_refer_to() {
        let text = "ARG REG=docker.io\nARG IMG=$REG/alpine\nARG UNUSED=1\nFROM $IMG\n";
        let o = outline_of(text, None, &[]);
        assert_eq!(
            args(&o),
            [
                arg("REG", "docker.io", 1),
                arg("IMG", "docker.io/alpine", 2)
            ]
        );
        // A build arg replaces the value (and the default's references no longer count).
        let o = outline_of(text, None, &[("IMG", "busybox")]);
        assert_eq!(args(&o), [arg("IMG", "busybox", 2)]);
    }

    /// A global ARG whose default refers to itself (BuildKit 0.13's builtin frontend recursed
    /// forever on this file and took the daemon down; 1.20 drops the self-reference).
    #[test]
    fn self_referencing_global_args() {
        let text = "ARG A=la\nARG B=${A}t\nARG A=${A}x\nFROM busybox:${B}est\nARG A\n\
                    ARG TARGETPLATFORM\nARG C=$A\n";
        let o = outline_of(text, None, &[]);
        assert_eq!(
            args(&o),
            [arg("B", "lat", 2), arg("A", "lax", 3), arg("C", "lax", 7)]
        );
    }

    #[test]
    fn stage_args_of_the_target_its_bases_and_dependencies_only() {
        let text = "ARG V=1\nFROM alpine AS dep\nARG FROM_DEP=d\n\
                    FROM alpine AS unused\nARG NOT_SHOWN=x\n\
                    FROM alpine AS base\n# V the version\nARG V\nARG IN_BASE\n\
                    FROM base AS final\nARG MINE=${V}-m\nCOPY --from=dep /a /a\n";
        let o = outline_of(text, None, &[]);
        assert_eq!(o.name.as_deref(), Some("final"));
        // `ARG V` without default only brings the global V into scope: the global one shows.
        assert_eq!(
            args(&o),
            [
                arg("V", "1", 1),
                arg("FROM_DEP", "d", 3),
                arg("IN_BASE", "", 9),
                arg("MINE", "1-m", 11)
            ]
        );
        assert_eq!(o.args[0].description, "");
        // With a build arg, the stage's ARG defines it (its line and doc comment).
        let o = outline_of(text, Some("base"), &[("V", "2")]);
        assert_eq!(args(&o), [arg("V", "2", 8), arg("IN_BASE", "", 9)]);
        assert_eq!(o.args[0].description, "the version");
    }

    #[test]
    fn secrets_and_ssh_by_id_the_targets_own_use_first() {
        let text = "FROM alpine AS a\nRUN --mount=type=secret,id=tok,required true\n\
                    FROM alpine\nRUN --mount=type=secret,target=/run/npmrc --mount=type=ssh,id=gh true\n\
                    RUN --mount=type=secret,id=tok true\nRUN --mount=type=ssh,required=true true\n\
                    COPY --from=a /x /x\n";
        let o = outline_of(text, None, &[]);
        let mounts = |list: &[MountUse]| -> Vec<(String, bool, usize)> {
            list.iter()
                .map(|m| (m.id.clone(), m.required, m.span.start.line))
                .collect()
        };
        assert_eq!(
            mounts(&o.secrets),
            // `tok` of stage `a` (line 2) is hidden by the target's own use (line 5).
            [
                ("npmrc".to_string(), false, 4),
                ("tok".to_string(), false, 5)
            ]
        );
        assert_eq!(
            mounts(&o.ssh),
            [
                ("gh".to_string(), false, 4),
                ("default".to_string(), true, 6)
            ]
        );
    }

    #[test]
    fn check_error_fails_the_outline_as_upstream() {
        let df =
            crate::dockerfile::parse(b"# check=error=true\nFROM alpine as a\n").expect("parses");
        let result =
            super::super::outline(&df, &Default::default(), &ConvertOptions::default(), |_| {
                super::super::ResolvedImage::default()
            });
        assert_eq!(
            result.map_err(|e| e.message),
            Err("lint violation found for rules: FromAsCasing".to_string())
        );
    }
}
