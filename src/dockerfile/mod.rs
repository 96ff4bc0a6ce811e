//! Dockerfile text → AST: parser directives, continuations, comments, heredocs, JSON vs
//! shell form, and BuildKit's AST dump format.
//!
//! This mirrors BuildKit's `frontend/dockerfile/parser` package: no instruction semantics
//! and no variable expansion happen here. Quotes stay in the arguments (except in flags).
//!
//! How the text is read:
//! * A UTF-8 byte-order mark is dropped; lines end at `\n` and lose trailing `\r`s. Invalid
//!   UTF-8 is replaced by U+FFFD. A line of 64 KiB or more is an error.
//! * Parser directives (`# syntax=`, `# escape=`, `# check=`; keys case-insensitive) are
//!   read from the top until the first line that is not one. A repeated directive is an
//!   error; `escape` accepts only `\` and `` ` ``.
//! * Comment lines (first non-blank character `#`) are dropped, also inside continuations.
//!   A line ending in the escape character (plus blanks) continues; only the first line of
//!   an instruction is left-trimmed. Whitespace-only lines inside a continuation are skipped
//!   with a [`Warning`].
//! * Each logical line becomes a [`Node`]: lower-cased keyword, leading `--flags` (quotes
//!   removed, escapes processed), and the arguments in the keyword's shape:
//!
//! | keyword | `args` |
//! | --- | --- |
//! | RUN, CMD, ENTRYPOINT, SHELL | JSON array elements, else the whole rest as one word |
//! | ADD, COPY, VOLUME | JSON array elements, else split on blanks (quotes not respected) |
//! | FROM, EXPOSE, INCLUDE (rustfront's own) | split on blanks |
//! | ARG | quote-aware words, quotes kept |
//! | ENV, LABEL | `key`, `value`, `sep` triples (`sep` is `=`, or empty for `KEY value`) |
//! | HEALTHCHECK | the type word (`CMD`, `NONE`, …), then the rest like CMD |
//! | MAINTAINER, USER, WORKDIR, STOPSIGNAL | the whole rest |
//! | ONBUILD | none; the nested instruction is in [`Node::onbuild`] |
//! | anything else | a single empty word |
//!
//! * RUN/COPY/ADD lines in shell form (also directly under ONBUILD) take heredoc bodies
//!   (`<<EOF` … `EOF`) from the following lines into [`Node::heredocs`]; for ONBUILD they
//!   are on the outer node, as in BuildKit. Bodies are stored raw (see [`Heredoc`]).

mod args;
mod ast;
mod directives;
mod dump;
mod error;
mod heredoc;
mod json;
mod lines;
mod locate;
mod logical;
mod node;
mod parser;
mod split;
mod text;
mod words;

pub use ast::{Directive, Dockerfile, Heredoc, Node, Position, Span, Warning, Word};
pub use directives::{DirectiveLookup, detect_syntax, find_directive};
pub use error::{Error, Located};
pub use heredoc::{
    HeredocError, HeredocMarker, chomp_heredoc_content, heredoc_marker, parse_heredoc,
};

/// A parse failure, naming the lines (the one error type of the Dockerfile layers).
pub type ParseError = Error;

/// Parse a whole Dockerfile.
pub fn parse(text: &[u8]) -> Result<Dockerfile, ParseError> {
    let (src, bom_len) = parser::decode(text);
    let raw = match &src {
        std::borrow::Cow::Borrowed(_) => None,
        std::borrow::Cow::Owned(_) => Some(text),
    };
    parser::parse_text(&src, bom_len, raw)
}

/// Go's `%q` quoting (`strconv.Quote`), as used by the AST dump.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    text::go_quote(s, &mut out);
    out
}

#[cfg(test)]
mod tests;
