//! Shell-style word processing as BuildKit does it: quotes, escapes, `$VAR`/`${VAR…}`
//! expansion and word splitting.
//!
//! This follows BuildKit's `frontend/dockerfile/shell` lexer, quirks included:
//! * Unquoted, the escape character escapes any character and is dropped; a trailing lone
//!   escape is dropped. Single quotes are literal. Inside double quotes the escape character
//!   escapes only `"`, `$` and itself.
//! * `$name`, `${name}`, `${name:-w}`, `${name-w}`, `${name:+w}`, `${name+w}`,
//!   `${name:?msg}`, `${name?msg}`, `${name#p}`, `${name##p}`, `${name%p}`, `${name%%p}`,
//!   `${name/p/r}`, `${name//p/r}`. Patterns know `*`, `?` and `\` escapes only (no `[...]`
//!   classes; brackets are literal). Positional (`$1`, `${10}`) and special (`$@ $* $# $? $-
//!   $$ $! $0`) parameters are looked up like any name, so they expand to empty.
//! * Assignment (`${x:=w}`), `${#x}`, `${x:offset}` and the like are errors.
//! * In word-splitting mode, text before a `${name<op>…}` in the same word is lost, because
//!   upstream shares its word buffer with the nested read (`a${x:-b}` → `b`).

mod lexer;
mod pattern;

use std::collections::{BTreeMap, BTreeSet, HashMap};

pub(crate) use crate::dockerfile::go_quote;

pub use lexer::MAX_OPERATOR_RESULT;

/// Variables visible to an expansion.
pub trait Env {
    fn get(&self, name: &str) -> Option<&str>;
}

impl Env for BTreeMap<String, String> {
    fn get(&self, name: &str) -> Option<&str> {
        BTreeMap::get(self, name).map(String::as_str)
    }
}

impl<S: std::hash::BuildHasher> Env for HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<&str> {
        HashMap::get(self, name).map(String::as_str)
    }
}

/// An ordered list of `(name, value)` pairs; the last pair with a name wins.
impl Env for [(String, String)] {
    fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Env for Vec<(String, String)> {
    fn get(&self, name: &str) -> Option<&str> {
        Env::get(self.as_slice(), name)
    }
}

/// Build a lookup map from `KEY=value` entries as BuildKit does for an env list: the text
/// before the first `=` is the name, a bare `KEY` is set to the empty string, and the last
/// duplicate wins.
pub fn env_from_list<I, S>(entries: I) -> BTreeMap<String, String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    entries
        .into_iter()
        .map(|e| {
            let e = e.as_ref();
            let (k, v) = e.split_once('=').unwrap_or((e, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect()
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

/// Everything one pass over a word produces (BuildKit's `ProcessWordResult`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Processed {
    /// The word with quotes removed and variables expanded, not split.
    pub text: String,
    /// The same, split into words (quoted text and quoted expansions do not split).
    pub words: Vec<String>,
    /// Variables looked up and found (even if set to the empty string).
    pub matched: BTreeSet<String>,
    /// Variables looked up and not set.
    pub unmatched: BTreeSet<String>,
}

impl Processed {
    /// All variables the word referred to: `matched ∪ unmatched`.
    pub fn used(&self) -> BTreeSet<String> {
        self.matched.union(&self.unmatched).cloned().collect()
    }
}

/// Lexer modes beyond the default. BuildKit uses these for:
/// * heredoc bodies of `COPY`/`ADD` (`skip_process_quotes`, see [`expand_heredoc`]);
/// * the progress name of `RUN` (`raw_quotes` + `skip_unset_env`, see
///   [`Lexer::expand_for_display`]);
/// * finding heredoc markers in a line (`raw_quotes` + `raw_escapes` + `skip_unset_env`,
///   escape `\`, word-splitting, empty env).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Keep quote characters in the output.
    pub raw_quotes: bool,
    /// Keep escape characters in the output (the escaped character is still taken literally).
    pub raw_escapes: bool,
    /// Treat `'` and `"` as ordinary characters.
    pub skip_process_quotes: bool,
    /// Leave references to unset variables as written (`$X`, `${X}`, `${X:-w}` with `w`
    /// already expanded, `${X/p/r}`) instead of expanding them.
    pub skip_unset_env: bool,
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
    pub fn process_word(&self, word: &str, env: &dyn Env) -> Result<Expanded, ShellError> {
        let p = self.process_word_with_matches(word, env)?;
        let used = p.used();
        Ok(Expanded { text: p.text, used })
    }

    /// Expand and split into words, as for `EXPOSE` arguments.
    pub fn process_words(&self, word: &str, env: &dyn Env) -> Result<Vec<String>, ShellError> {
        Ok(self.process_word_with_matches(word, env)?.words)
    }

    /// Expand one word, reporting which variables were found and which were not
    /// (BuildKit's `ProcessWordWithMatches`).
    pub fn process_word_with_matches(
        &self,
        word: &str,
        env: &dyn Env,
    ) -> Result<Processed, ShellError> {
        self.process_with(word, env, Options::default())
    }

    /// Process a word in the given mode. Errors read `failed to process "<word>": <why>`.
    pub fn process_with(
        &self,
        word: &str,
        env: &dyn Env,
        options: Options,
    ) -> Result<Processed, ShellError> {
        match lexer::run(word, env, self.escape, options) {
            Ok(out) => Ok(Processed {
                text: out.text,
                words: out.words,
                matched: out.matched,
                unmatched: out.unmatched,
            }),
            Err(why) => Err(ShellError(format!(
                "failed to process {}: {why}",
                go_quote(word)
            ))),
        }
    }

    /// The text BuildKit shows as a `RUN` step's name: set variables expanded, unset ones
    /// and quotes left as written; the input unchanged if it does not parse.
    pub fn expand_for_display(&self, cmd: &str, env: &dyn Env) -> String {
        let options = Options {
            raw_quotes: true,
            skip_unset_env: true,
            ..Options::default()
        };
        match lexer::run(cmd, env, self.escape, options) {
            Ok(out) => out.text,
            Err(_) => cmd.to_owned(),
        }
    }
}

/// Expand the body of a `COPY`/`ADD` heredoc whose delimiter was not quoted: variables are
/// expanded, quotes stay as they are, and `\` (always `\`, whatever the Dockerfile's escape
/// character) escapes the next character and is removed.
pub fn expand_heredoc(content: &str, env: &dyn Env) -> Result<Expanded, ShellError> {
    let options = Options {
        skip_process_quotes: true,
        ..Options::default()
    };
    let p = Lexer::new('\\').process_with(content, env, options)?;
    let used = p.used();
    Ok(Expanded { text: p.text, used })
}

#[cfg(test)]
mod tests;
