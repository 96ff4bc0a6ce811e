//! The one error type of the Dockerfile layers (parser, instructions, conversion): a message
//! worded like BuildKit's, the Dockerfile lines it is about, and the error that caused it.

use std::fmt;
use std::sync::Arc;

use super::ast::{Position, Span};

/// An error about a Dockerfile.
///
/// `message` is worded like BuildKit's (`unknown instruction: FOO`, `base name (x) should not be
/// blank`, …) and has no location; `span` gives the lines when the error is about some (not for
/// errors about the whole file or the build). [`Error::located`] formats it for a file name —
/// the one place `file:line: message` is written; `Display` uses the name `Dockerfile`.
#[derive(Debug, Clone)]
pub struct Error {
    /// The Dockerfile lines the error is about.
    pub span: Option<Span>,
    /// What went wrong, without location.
    pub message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// An error about the lines of `span`.
    pub fn at(span: Span, message: impl Into<String>) -> Self {
        Error {
            span: Some(span),
            message: message.into(),
            source: None,
        }
    }

    /// An error about lines `start..=end` (1-based).
    pub fn lines(start: usize, end: usize, message: impl Into<String>) -> Self {
        let at = |line| Position { line, column: 0 };
        Error::at(
            Span {
                start: at(start),
                end: at(end.max(start)),
                file: 0,
            },
            message,
        )
    }

    /// An error about no line in particular.
    pub fn message(message: impl Into<String>) -> Self {
        Error {
            span: None,
            message: message.into(),
            source: None,
        }
    }

    /// An error at `span` caused by `cause`, whose text is the message.
    pub fn caused_by(span: Span, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error {
            span: Some(span),
            message: cause.to_string(),
            source: Some(Arc::new(cause)),
        }
    }

    /// The same error located at `span`, unless it already has a location.
    pub fn or_at(mut self, span: Span) -> Self {
        self.span.get_or_insert(span);
        self
    }

    /// The file the error is about: 0 for the Dockerfile being built, `n` for its `n`th
    /// included file (see [`Span::file`]).
    pub fn file(&self) -> usize {
        self.span.map_or(0, |s| s.file)
    }

    /// The same error, its lines now in file `file` (for errors found by re-reading a
    /// file on its own, such as parsing an included Dockerfile).
    pub fn in_file(mut self, file: usize) -> Self {
        if let Some(span) = &mut self.span {
            span.file = file;
        }
        self
    }

    /// The first line the error is about (0 when none).
    pub fn line(&self) -> usize {
        self.span.map_or(0, |s| s.start.line)
    }

    /// The last line the error is about (0 when none).
    pub fn end_line(&self) -> usize {
        self.span.map_or(0, |s| s.end.line.max(s.start.line))
    }

    /// Formats the error for the Dockerfile named `file`: `file:12: message`, or
    /// `file: message` for an error about no line.
    pub fn located<'a>(&'a self, file: &'a str) -> Located<'a> {
        Located { error: self, file }
    }
}

/// An [`Error`] with the name of its file, for display.
pub struct Located<'a> {
    error: &'a Error,
    file: &'a str,
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.error.line() {
            0 => write!(f, "{}: {}", self.file, self.error.message),
            line => write!(f, "{}:{line}: {}", self.file, self.error.message),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.span {
            Some(_) => self.located("Dockerfile").fmt(f),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Errors are equal when they say the same about the same lines (causes are not compared).
impl PartialEq for Error {
    fn eq(&self, other: &Self) -> bool {
        self.span == other.span && self.message == other.message
    }
}

impl Eq for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_formatter_for_every_location() {
        let e = Error::lines(3, 5, "unknown instruction: FOO");
        assert_eq!(e.to_string(), "Dockerfile:3: unknown instruction: FOO");
        assert_eq!(
            e.located("ci/Dockerfile.dev").to_string(),
            "ci/Dockerfile.dev:3: unknown instruction: FOO"
        );
        assert_eq!((e.line(), e.end_line()), (3, 5));
        let whole = Error::message("the Dockerfile cannot be empty");
        assert_eq!(whole.to_string(), "the Dockerfile cannot be empty");
        assert_eq!(
            whole.located("x").to_string(),
            "x: the Dockerfile cannot be empty"
        );
    }

    #[test]
    fn keeps_its_cause() {
        let cause = std::io::Error::other("boom");
        let e = Error::caused_by(Span::default(), cause);
        assert_eq!(
            std::error::Error::source(&e).map(|s| s.to_string()),
            Some("boom".into())
        );
    }
}
