//! The build checks upstream runs while it plans the stages: stage names, instruction casing,
//! and what FROM and its `--platform` make of the global ARGs.

use std::collections::{BTreeMap, BTreeSet};

use crate::dockerfile::Span;
use crate::instructions::{Stage, written_keyword};
use crate::lint::{Linter, rules};
use crate::llb::{self, Platform};
use crate::shell::{Lexer, Processed};

/// DuplicateStageName and ReservedStageName.
pub(super) fn stage_names(stages: &[Stage], lint: &mut Linter) {
    let mut seen = BTreeSet::new();
    for stage in stages {
        let Some(name) = &stage.name else { continue };
        if name == "context" || name == "scratch" {
            lint.report(
                &rules::RESERVED_STAGE_NAME,
                stage.source.span,
                rules::reserved_stage_name(name),
            );
        }
        if !seen.insert(name.as_str()) {
            lint.report(
                &rules::DUPLICATE_STAGE_NAME,
                stage.source.span,
                rules::duplicate_stage_name(name),
            );
        }
    }
}

/// ConsistentInstructionCasing: every keyword in one case, the case most keywords use.
pub(super) fn command_casing(stages: &[Stage], lint: &mut Linter) {
    let keywords = || {
        stages.iter().flat_map(|stage| {
            std::iter::once((written_keyword(&stage.source.code), stage.source.span)).chain(
                stage
                    .commands
                    .iter()
                    .map(|c| (written_keyword(c.code()), c.span())),
            )
        })
    };
    let (mut lower, mut upper) = (0usize, 0usize);
    for (keyword, _) in keywords() {
        if keyword == keyword.to_lowercase() {
            lower += 1;
        } else if keyword == keyword.to_uppercase() {
            upper += 1;
        }
    }
    let majority_lower = lower > upper;
    for (keyword, span) in keywords() {
        let casing = if majority_lower && keyword != keyword.to_lowercase() {
            "lowercase"
        } else if !majority_lower && keyword != keyword.to_uppercase() {
            "uppercase"
        } else {
            continue;
        };
        lint.report(
            &rules::CONSISTENT_INSTRUCTION_CASING,
            span,
            rules::consistent_instruction_casing(keyword, casing),
        );
    }
}

/// InvalidDefaultArgInFrom: with the global ARGs' defaults (no build args), a FROM that
/// gives no valid image name.
pub(super) fn default_base_names<'s>(
    stages: impl IntoIterator<Item = &'s Stage>,
    lexer: &Lexer,
    defaults: &BTreeMap<String, String>,
    lint: &mut Linter,
) {
    for stage in stages {
        let Ok(name) = lexer.process_word_with_matches(&stage.base_name.text, defaults) else {
            return;
        };
        if llb::normalize_image_ref(&name.text).is_err() {
            lint.report(
                &rules::INVALID_DEFAULT_ARG_IN_FROM,
                stage.source.span,
                rules::invalid_default_arg_in_from(&stage.base_name.text),
            );
        }
    }
}

/// UndefinedArgInFrom: a FROM (or its `--platform`) using a variable no global ARG declares.
pub(super) fn undeclared_from_args(
    expanded: &Processed,
    known: &BTreeSet<String>,
    span: Span,
    lint: &mut Linter,
) {
    for arg in &expanded.unmatched {
        if known.contains(arg) {
            continue;
        }
        let suggestion = crate::instructions::closest(arg, known.iter().map(String::as_str), true);
        lint.report(
            &rules::UNDEFINED_ARG_IN_FROM,
            span,
            rules::undefined_arg_in_from(arg, suggestion.as_deref()),
        );
    }
}

/// RedundantTargetPlatform and FromPlatformFlagConstDisallowed, for `FROM --platform=…`.
pub(super) fn from_platform(
    stage: &Stage,
    raw: &str,
    expanded: &Processed,
    scope: &BTreeMap<String, String>,
    lint: &mut Linter,
) {
    let span = stage.source.span;
    // Only `$TARGETPLATFORM` itself, expanded to what it is.
    if expanded.matched.len() == 1
        && expanded.unmatched.is_empty()
        && expanded.matched.contains("TARGETPLATFORM")
        && scope.get("TARGETPLATFORM") == Some(&expanded.text)
    {
        lint.report(
            &rules::REDUNDANT_TARGET_PLATFORM,
            span,
            rules::redundant_target_platform(raw),
        );
    }
    if !expanded.matched.is_empty() || !expanded.unmatched.is_empty() {
        return;
    }
    let Ok(platform) = Platform::parse(&expanded.text) else {
        return;
    };
    let name = stage.name.as_deref().unwrap_or_default();
    if name.contains(&platform.os) || name.contains(&platform.architecture) {
        return;
    }
    lint.report(
        &rules::FROM_PLATFORM_FLAG_CONST_DISALLOWED,
        span,
        rules::from_platform_flag_const_disallowed(&expanded.text),
    );
}
