//! Build checks (BuildKit's `linter`): the rules ([`rules`]), their configuration
//! ([`CheckConfig`]), and the [`Linter`] that collects warnings while a Dockerfile is parsed,
//! planned and converted. Warnings reach the client through the gateway's `Warn` call (buildx
//! prints them after the build); with `check=error=true` they fail the build.

mod config;
mod ignore;
pub mod rules;

pub use config::{CheckConfig, check_config};
pub use ignore::IgnoreMatcher;

use crate::dockerfile::{Dockerfile, Span};

/// A rule: what upstream calls it, says about it and links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub name: &'static str,
    pub description: &'static str,
    pub url: &'static str,
    /// Runs only when enabled by `experimental=`.
    pub experimental: bool,
}

/// One violation of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub rule: &'static Rule,
    /// The rule's message for this violation (without rule name and line).
    pub message: String,
    /// The lines it is about (one range per line is sent).
    pub span: Span,
}

impl Warning {
    /// The one-line form buildx prints: `NoEmptyContinuation: Empty continuation line (line 3)`.
    pub fn short(&self) -> String {
        match self.span.start.line {
            0 => format!("{}: {}", self.rule.name, self.message),
            line => format!("{}: {} (line {line})", self.rule.name, self.message),
        }
    }
}

impl CheckConfig {
    /// Whether `rule` runs under this configuration.
    pub fn runs(&self, rule: &Rule) -> bool {
        if rule.experimental {
            self.experimental_all || self.experimental.iter().any(|r| r == rule.name)
        } else {
            !self.skip_all && !self.skip.iter().any(|r| r == rule.name)
        }
    }
}

/// Collects the warnings of the rules that run under a configuration.
#[derive(Debug, Clone, Default)]
pub struct Linter {
    config: CheckConfig,
    warnings: Vec<Warning>,
}

impl Linter {
    pub fn new(config: CheckConfig) -> Self {
        Linter {
            config,
            warnings: Vec::new(),
        }
    }

    /// Records a violation of `rule` at `span`, if the rule runs.
    pub fn report(&mut self, rule: &'static Rule, span: Span, message: String) {
        if self.config.runs(rule) {
            self.warnings.push(Warning {
                rule,
                message,
                span,
            });
        }
    }

    /// Whether `rule` runs (to skip costly checks).
    pub fn runs(&self, rule: &Rule) -> bool {
        self.config.runs(rule)
    }

    pub fn config(&self) -> &CheckConfig {
        &self.config
    }

    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    pub fn into_warnings(self) -> Vec<Warning> {
        self.warnings
    }

    /// With `error=true`, the error the build fails with when any rule was violated:
    /// `lint violation found for rules: A, B` (rule names once each, sorted).
    pub fn error(&self) -> Option<String> {
        if !self.config.error_on_warn || self.warnings.is_empty() {
            return None;
        }
        let mut names: Vec<&str> = self.warnings.iter().map(|w| w.rule.name).collect();
        names.sort_unstable();
        names.dedup();
        Some(format!(
            "lint violation found for rules: {}",
            names.join(", ")
        ))
    }
}

/// Reports the warnings of the parse itself (empty continuation lines), as upstream does.
pub fn parser_warnings(dockerfile: &Dockerfile, lint: &mut Linter) {
    for warning in &dockerfile.warnings {
        if warning.url == rules::NO_EMPTY_CONTINUATION.url {
            lint.report(
                &rules::NO_EMPTY_CONTINUATION,
                warning.span,
                rules::no_empty_continuation(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_continuations_warn_unless_skipped() -> Result<(), crate::dockerfile::Error> {
        let df = crate::dockerfile::parse(b"FROM alpine\nRUN echo a \\\n\n  b\n")?;
        let mut lint = Linter::new(CheckConfig::default());
        parser_warnings(&df, &mut lint);
        let shorts: Vec<String> = lint.warnings().iter().map(Warning::short).collect();
        assert_eq!(
            shorts,
            ["NoEmptyContinuation: Empty continuation line (line 4)"]
        );
        let mut skipped =
            Linter::new(CheckConfig::parse("skip=NoEmptyContinuation").unwrap_or_default());
        parser_warnings(&df, &mut skipped);
        assert!(skipped.warnings().is_empty());
        Ok(())
    }

    #[test]
    fn error_names_each_violated_rule_once() {
        let mut lint = Linter::new(CheckConfig::parse("error=true").unwrap_or_default());
        assert_eq!(lint.error(), None);
        for rule in [
            &rules::FROM_AS_CASING,
            &rules::UNDEFINED_VAR,
            &rules::FROM_AS_CASING,
        ] {
            lint.report(rule, Span::default(), String::new());
        }
        assert_eq!(
            lint.error().as_deref(),
            Some("lint violation found for rules: FromAsCasing, UndefinedVar")
        );
    }
}
