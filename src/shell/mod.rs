//! Shell-style word processing as BuildKit does it: quotes, escapes, `$VAR`/`${VAR…}`
//! expansion and word splitting.

use std::collections::BTreeSet;

/// Variables visible to an expansion.
pub trait Env {
    fn get(&self, name: &str) -> Option<&str>;
}

impl Env for std::collections::BTreeMap<String, String> {
    fn get(&self, name: &str) -> Option<&str> {
        std::collections::BTreeMap::get(self, name).map(String::as_str)
    }
}

/// An expansion failure (`${x:?msg}`, unterminated quote, bad substitution…).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct ShellError(pub String);

/// The result of expanding one word.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expanded {
    pub text: String,
    /// Names of the variables the word referred to (set or not).
    pub used: BTreeSet<String>,
}

/// A lexer configured with the Dockerfile's escape character.
#[derive(Debug, Clone, Copy)]
pub struct Lexer {
    pub escape: char,
}

impl Lexer {
    pub fn new(escape: char) -> Self {
        Lexer { escape }
    }

    /// Expand one word without splitting it (quotes removed, escapes processed).
    pub fn process_word(&self, _word: &str, _env: &dyn Env) -> Result<Expanded, ShellError> {
        Err(ShellError("shell not written yet".into()))
    }

    /// Expand and split into words, as for `COPY a b c` or `EXPOSE` arguments.
    pub fn process_words(&self, _word: &str, _env: &dyn Env) -> Result<Vec<String>, ShellError> {
        Err(ShellError("shell not written yet".into()))
    }
}
