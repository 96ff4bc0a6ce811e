//! Stage references chosen by an ARG: `COPY --from=${BUILDER}`, `RUN --mount=from=${BUILDER}`
//! and the same in ONBUILD triggers (rustfront dialect, README "Beyond docker/dockerfile").
//!
//! Upstream (`dockerfile2llb`'s `--from` check, `instructions.parseMount`) refuses any variable
//! there: the stage graph is built before any stage runs, and a stage's own ARGs only exist
//! while it runs. The global scope, however, is known when the graph is planned: it is what
//! `FROM ${BASE}` already uses. So a reference may use global ARGs (declared before the first
//! FROM, their value possibly set by a build arg) and build args; it is expanded once, when the
//! plan is made, so pruning and parallelism stay static. A stage-local ARG stays an error that
//! says why. A reference without `$` takes the unchanged upstream path.

use std::collections::{BTreeMap, BTreeSet};

use crate::dockerfile::Span;
use crate::instructions::{Command, Stage};
use crate::shell::Lexer;

use super::ConvertError;

/// Upstream's error for a `--from` that expansion would change.
const UPSTREAM_REFUSAL: &str = "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround";

/// The flag names, as errors show them.
pub(super) const COPY_FROM: &str = "--from";
pub(super) const MOUNT_FROM: &str = "--mount from";

/// What a stage reference may use: the global scope and the build args.
pub(super) struct GlobalScope<'a> {
    pub lexer: &'a Lexer,
    /// Every global ARG name, also those declared without a value.
    pub declared: &'a BTreeSet<String>,
    /// Declared global ARGs with their values (build args applied) and the predefined ones.
    pub meta_args: &'a BTreeMap<String, String>,
    pub build_args: &'a BTreeMap<String, String>,
}

impl GlobalScope<'_> {
    /// `reference` with its variables expanded; `stage` is the stage that holds it.
    pub(super) fn expand(
        &self,
        reference: &str,
        span: Span,
        stage: &Stage,
        flag: &str,
    ) -> Result<String, ConvertError> {
        if !reference.contains('$') {
            // Upstream takes a mount's `from` as written, and refuses a `--from` that
            // expansion would change (quotes, escapes).
            let empty: BTreeMap<String, String> = BTreeMap::new();
            let literal = self
                .lexer
                .process_word(reference, &empty)
                .is_ok_and(|e| e.text == reference);
            if literal || flag != COPY_FROM {
                return Ok(reference.to_string());
            }
            return Err(ConvertError::at(span, UPSTREAM_REFUSAL));
        }
        let mut env = self.build_args.clone();
        env.extend(self.meta_args.iter().map(|(k, v)| (k.clone(), v.clone())));
        let processed = self
            .lexer
            .process_word_with_matches(reference, &env)
            .map_err(|e| ConvertError::caused_by(span, e))?;
        if let Some(name) = processed
            .unmatched
            .iter()
            .find(|n| !self.declared.contains(*n))
        {
            return Err(ConvertError::at(span, unknown_variable(flag, name, stage)));
        }
        if processed.text.is_empty() {
            return Err(ConvertError::at(
                span,
                format!("{flag}={reference} expands to an empty stage name"),
            ));
        }
        Ok(processed.text)
    }
}

/// Why `name` cannot select a stage: a stage-local ARG, or nothing at all.
fn unknown_variable(flag: &str, name: &str, stage: &Stage) -> String {
    let local = stage.commands.iter().find_map(|c| match c {
        Command::Arg(a) if a.args.iter().any(|d| d.key.text == name) => Some(a.source.span),
        _ => None,
    });
    match local {
        Some(at) => format!(
            "{flag} uses ARG {name}, which is declared in this stage (line {}): the stage to \
             copy from is chosen when the build is planned, before any stage runs, so only a \
             global ARG (declared before the first FROM) or a build arg can select it",
            at.start.line
        ),
        None => format!(
            "{flag} uses ${name}, which is neither a global ARG nor a build arg: declare it \
             with ARG before the first FROM"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ConvertError, ConvertOptions, Plan};
    use crate::llb::Platform;

    fn plan(text: &str, args: &[(&str, &str)]) -> Result<Plan, ConvertError> {
        let parsed = crate::dockerfile::parse(text.as_bytes()).expect("parses");
        let mut opts = ConvertOptions::new(
            "Dockerfile",
            text.as_bytes(),
            Platform::new("linux", "amd64"),
        );
        opts.build_args = args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Plan::new(&parsed, &opts)
    }

    fn err(text: &str, args: &[(&str, &str)]) -> (usize, String) {
        let Err(e) = plan(text, args) else {
            panic!("{text:?} plans")
        };
        (e.line(), e.message)
    }

    const TWO_BUILDERS: &str = "ARG BUILDER=gcc\n\
        FROM alpine AS gcc\nRUN cc\n\
        FROM alpine AS clang\nRUN clang\n\
        FROM alpine\nCOPY --from=${BUILDER} /out /out\n\
        RUN --mount=from=$BUILDER,target=/b ls /b\n";

    #[test]
    fn a_global_arg_selects_the_stage_and_only_it_is_built() -> Result<(), ConvertError> {
        let p = plan(TWO_BUILDERS, &[])?;
        assert_eq!(p.stages[2].deps.iter().copied().collect::<Vec<_>>(), [0]);
        assert_eq!(p.reachable, [0, 2]);
        // a build arg sets the global ARG: the other stage is built instead
        let p = plan(TWO_BUILDERS, &[("BUILDER", "clang")])?;
        assert_eq!(p.stages[2].sources[0], [1]);
        assert_eq!(p.stages[2].sources[1], [1]);
        assert_eq!(p.reachable, [1, 2]);
        Ok(())
    }

    #[test]
    fn an_arg_may_name_an_image_and_a_build_arg_needs_no_declaration() -> Result<(), ConvertError> {
        let p = plan(
            "FROM alpine\nCOPY --from=${TOOLS} /x /x\n",
            &[("TOOLS", "busybox:1.36")],
        )?;
        assert_eq!(p.stages.len(), 2);
        assert_eq!(
            p.stages[1].base,
            super::super::plan::Base::Image("docker.io/library/busybox:1.36".into())
        );
        Ok(())
    }

    #[test]
    fn onbuild_triggers_use_the_global_scope_too() -> Result<(), ConvertError> {
        let p = plan(
            "ARG SRC=src\nFROM alpine AS src\nFROM alpine AS base\n\
             ONBUILD COPY --from=$SRC /x /x\nFROM base\nRUN true\n",
            &[],
        )?;
        assert_eq!(p.stages[2].trigger_sources, [vec![0]]);
        Ok(())
    }

    #[test]
    fn stage_local_unknown_and_empty_variables_are_errors_that_say_why() {
        let (line, message) = err(
            "FROM alpine AS a\nFROM alpine\nARG B=a\nCOPY --from=${B} /x /x\n",
            &[],
        );
        assert_eq!(line, 4);
        assert!(
            message.starts_with(
                "--from uses ARG B, which is declared in this stage (line 3): the stage to copy \
                 from is chosen when the build is planned"
            ),
            "{message}"
        );
        let (line, message) = err("FROM alpine\nRUN --mount=from=$NOPE,target=/n true\n", &[]);
        assert_eq!(line, 2);
        assert_eq!(
            message,
            "--mount from uses $NOPE, which is neither a global ARG nor a build arg: declare it \
             with ARG before the first FROM"
        );
        let (line, message) = err("ARG E\nFROM alpine\nCOPY --from=${E} /x /x\n", &[]);
        assert_eq!(line, 3);
        assert_eq!(message, "--from=${E} expands to an empty stage name");
    }
}
