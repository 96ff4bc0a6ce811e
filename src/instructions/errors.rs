//! Error types of the instruction layer.

use crate::dockerfile::Span;
use crate::shell::ShellError;

/// A problem with one instruction, located in the Dockerfile (the one error type of the
/// Dockerfile layers). Messages are worded like BuildKit's (`unknown instruction: FOO`, …).
pub type InstructionError = crate::dockerfile::Error;

/// BuildKit's wording of a parse failure: `dockerfile parse error on line 12: …`.
pub fn parse_error_message(error: &InstructionError) -> String {
    format!(
        "dockerfile parse error on line {}: {}",
        error.line(),
        error.message
    )
}

/// A value that could not be parsed (a flag list, a `--mount`/`--device` spec, a port, a
/// duration, …). It carries no location; callers attach one with [`InvalidInput::at`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidInput(pub String);

impl InvalidInput {
    pub fn new(message: impl Into<String>) -> Self {
        InvalidInput(message.into())
    }

    /// Attach the location of the instruction the value belongs to.
    pub fn at(self, span: Span) -> InstructionError {
        InstructionError::at(span, self.0)
    }
}

impl From<ShellError> for InvalidInput {
    fn from(err: ShellError) -> Self {
        InvalidInput(err.0)
    }
}
