//! Error types of the instruction layer.

use crate::dockerfile::Span;
use crate::shell::ShellError;

/// A problem with one instruction, located in the Dockerfile.
///
/// `message` is worded like BuildKit's (e.g. `unknown instruction: FOO`,
/// `COPY requires at least two arguments, but only one was provided. Destination could not be
/// determined`); `Display` prefixes it with the line: `Dockerfile:12: …`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Dockerfile:{line}: {message}")]
pub struct InstructionError {
    /// First line (1-based) of the instruction the error is about.
    pub line: usize,
    /// Where the instruction is, all its lines included.
    pub span: Span,
    /// The message without location.
    pub message: String,
}

impl InstructionError {
    /// An error about the instruction at `span`.
    pub fn at(span: Span, message: impl Into<String>) -> Self {
        InstructionError {
            line: span.start.line,
            span,
            message: message.into(),
        }
    }

    /// The message as BuildKit's Go frontend words a parse failure:
    /// `dockerfile parse error on line 12: …`.
    pub fn parse_error_message(&self) -> String {
        format!(
            "dockerfile parse error on line {}: {}",
            self.line, self.message
        )
    }
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
