//! The word processor behind [`super::Lexer`]: one pass over the characters of a word that
//! removes quotes, processes escapes, expands `$name` / `${name…}` and splits words, with the
//! same rules (and quirks) as BuildKit's `frontend/dockerfile/shell` lexer.

use std::collections::BTreeSet;

use super::pattern::{self, Pattern};
use super::{Env, Options};

/// Nesting limit for `${…${…}…}`: every level is a recursion, so it needs a bound.
pub const MAX_NESTING: usize = 256;

/// The most a single `${name/pattern/replacement}` may produce. Nested replacements multiply
/// a value's size at every level (`${v//x/$0$0}`, or an empty pattern inserting between every
/// character), so without a cap a short word expands to gigabytes; no real Dockerfile comes
/// near this. Other operators never grow a value.
pub const MAX_OPERATOR_RESULT: usize = 256 * 1024;

fn capped(result: String) -> Result<String, String> {
    if result.len() > MAX_OPERATOR_RESULT {
        Err(format!(
            "expansion result is larger than {} KiB",
            MAX_OPERATOR_RESULT / 1024
        ))
    } else {
        Ok(result)
    }
}

/// What one run of the processor produces.
#[derive(Debug, Default)]
pub(crate) struct Output {
    pub text: String,
    pub words: Vec<String>,
    pub matched: BTreeSet<String>,
    pub unmatched: BTreeSet<String>,
}

/// Process `word` in one go; the error is the bare message (without the "failed to process"
/// prefix the caller adds).
pub(crate) fn run(
    word: &str,
    env: &dyn Env,
    escape: char,
    options: Options,
) -> Result<Output, String> {
    let mut p = Processor {
        sc: Scanner::new(word),
        env,
        escape,
        options,
        raw_escapes: options.raw_escapes,
        word_buf: String::new(),
        matched: BTreeSet::new(),
        unmatched: BTreeSet::new(),
        depth: 0,
    };
    let (text, words) = p.stop_on(None, options.raw_escapes)?;
    Ok(Output {
        text,
        words,
        matched: p.matched,
        unmatched: p.unmatched,
    })
}

/// Go's `unicode.IsLetter` (categories L*), approximated with the identifier tables:
/// XID_Start minus the letter-numbers (Nl).
pub(crate) fn is_go_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    unicode_ident::is_xid_start(c) && !c.is_numeric()
}

/// Go's `unicode.IsDigit` (category Nd), approximated with the identifier tables: the
/// numeric characters that may continue but not start an identifier.
pub(crate) fn is_go_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    c.is_numeric()
        && unicode_ident::is_xid_continue(c)
        && !unicode_ident::is_xid_start(c)
        // Other_ID_Continue digits that are No, not Nd.
        && !matches!(c, '\u{1369}'..='\u{1371}' | '\u{19DA}')
}

/// Special parameters (`$@`, `$*`, `$#`, `$?`, `$-`, `$$`, `$!`, `$0`): one character each.
fn is_special_param(c: char) -> bool {
    matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

/// Go's `string(rune)` for a scanned character, where end of input is `-1`, which Go
/// renders as U+FFFD.
fn go_char(c: Option<char>) -> char {
    c.unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// A character cursor, like Go's `text/scanner` in the way the lexer uses it.
struct Scanner {
    chars: Vec<char>,
    pos: usize,
}

impl Scanner {
    fn new(s: &str) -> Self {
        let chars: Vec<char> = s.chars().collect();
        // text/scanner ignores a byte-order mark at the very start.
        let pos = usize::from(chars.first() == Some(&'\u{feff}'));
        Scanner { chars, pos }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }
}

/// Words collected by one `stop_on` call. The word being built lives in
/// [`Processor::word_buf`], which (as upstream) is shared by nested calls: a nested
/// `${x:-…}` clears it, so in word-splitting mode text before such an expansion in the same
/// word is lost (`a${x:-b}` splits to `b`).
#[derive(Default)]
struct Words {
    done: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, buf: &mut String, c: char) {
        if c.is_whitespace() {
            if self.in_word && !buf.is_empty() {
                self.done.push(std::mem::take(buf));
                self.in_word = false;
            }
        } else {
            self.add_raw_char(buf, c);
        }
    }

    fn add_raw_char(&mut self, buf: &mut String, c: char) {
        buf.push(c);
        self.in_word = true;
    }

    fn add_string(&mut self, buf: &mut String, s: &str) {
        for c in s.chars() {
            self.add_char(buf, c);
        }
    }

    fn add_raw_string(&mut self, buf: &mut String, s: &str) {
        buf.push_str(s);
        self.in_word = true;
    }

    fn finish(mut self, buf: &mut String) -> Vec<String> {
        if !buf.is_empty() {
            self.done.push(std::mem::take(buf));
        }
        self.done
    }
}

struct Processor<'e> {
    sc: Scanner,
    env: &'e dyn Env,
    escape: char,
    options: Options,
    /// Whether escape characters are kept in the output (set while reading patterns).
    raw_escapes: bool,
    word_buf: String,
    matched: BTreeSet<String>,
    unmatched: BTreeSet<String>,
    depth: usize,
}

impl Processor<'_> {
    /// Process up to `stop` (consumed) or, with `None`, to the end of the input.
    fn stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Result<(String, Vec<String>), String> {
        let saved = std::mem::replace(&mut self.raw_escapes, raw_escapes);
        let out = self.stop_on_inner(stop);
        self.raw_escapes = saved;
        out
    }

    fn stop_on_inner(&mut self, stop: Option<char>) -> Result<(String, Vec<String>), String> {
        let mut result = String::new();
        self.word_buf.clear();
        let mut words = Words::default();
        let quotes = !self.options.skip_process_quotes;

        while let Some(c) = self.sc.peek() {
            if stop == Some(c) {
                self.sc.next();
                return Ok((result, words.finish(&mut self.word_buf)));
            }
            match c {
                '$' => {
                    let value = self.dollar()?;
                    result.push_str(&value);
                    words.add_string(&mut self.word_buf, &value);
                }
                '\'' | '"' if quotes => {
                    let value = if c == '\'' {
                        self.single_quote()?
                    } else {
                        self.double_quote()?
                    };
                    result.push_str(&value);
                    words.add_raw_string(&mut self.word_buf, &value);
                }
                _ => {
                    self.sc.next();
                    let mut c = c;
                    if c == self.escape {
                        if self.raw_escapes {
                            words.add_raw_char(&mut self.word_buf, c);
                            result.push(c);
                        }
                        // An escape at the very end is dropped.
                        let Some(escaped) = self.sc.next() else {
                            break;
                        };
                        c = escaped;
                        words.add_raw_char(&mut self.word_buf, c);
                    } else {
                        words.add_char(&mut self.word_buf, c);
                    }
                    result.push(c);
                }
            }
        }
        if let Some(stop) = stop {
            return Err(format!(
                "unexpected end of statement while looking for matching {stop}"
            ));
        }
        Ok((result, words.finish(&mut self.word_buf)))
    }

    /// A nested `stop_on` from inside `${…}`, bounded in depth.
    fn nested(&mut self, stop: char, raw_escapes: bool) -> Result<String, String> {
        if self.depth >= MAX_NESTING {
            return Err(format!(
                "syntax error: more than {MAX_NESTING} nested substitutions"
            ));
        }
        self.depth += 1;
        let out = self.stop_on(Some(stop), raw_escapes);
        self.depth -= 1;
        out.map(|(text, _)| text)
    }

    /// Everything up to the closing single quote, taken literally.
    fn single_quote(&mut self) -> Result<String, String> {
        let raw = self.options.raw_quotes;
        let mut out = String::new();
        self.sc.next();
        if raw {
            out.push('\'');
        }
        loop {
            match self.sc.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .into(),
                    );
                }
                Some('\'') => {
                    if raw {
                        out.push('\'');
                    }
                    return Ok(out);
                }
                Some(c) => out.push(c),
            }
        }
    }

    /// Everything up to the closing double quote: `$` expands, and the escape character
    /// escapes only `"`, `$` and itself (otherwise it stays).
    fn double_quote(&mut self) -> Result<String, String> {
        let raw = self.options.raw_quotes;
        let mut out = String::new();
        self.sc.next();
        if raw {
            out.push('"');
        }
        loop {
            match self.sc.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    );
                }
                Some('"') => {
                    self.sc.next();
                    if raw {
                        out.push('"');
                    }
                    return Ok(out);
                }
                Some('$') => {
                    let value = self.dollar()?;
                    out.push_str(&value);
                }
                Some(mut c) => {
                    self.sc.next();
                    if c == self.escape {
                        if self.raw_escapes {
                            out.push(c);
                        }
                        match self.sc.peek() {
                            // A trailing escape is dropped (the quote is unterminated anyway).
                            None => continue,
                            Some(n) if n == '"' || n == '$' || n == self.escape => {
                                self.sc.next();
                                c = n;
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(c);
                }
            }
        }
    }

    /// Look a variable up, recording whether it was found.
    fn get_env(&mut self, name: &str) -> Option<String> {
        match self.env.get(name) {
            Some(v) => {
                self.matched.insert(name.to_owned());
                Some(v.to_owned())
            }
            None => {
                self.unmatched.insert(name.to_owned());
                None
            }
        }
    }

    /// A parameter name: letters, digits and `_`; or all the digits of a positional
    /// parameter; or one special-parameter character.
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.sc.peek() {
            if name.is_empty() && is_go_digit(c) {
                while let Some(d) = self.sc.peek().filter(|&d| is_go_digit(d)) {
                    self.sc.next();
                    name.push(d);
                }
                return name;
            }
            if name.is_empty() && is_special_param(c) {
                self.sc.next();
                return c.to_string();
            }
            if !(is_go_letter(c) || is_go_digit(c) || c == '_') {
                break;
            }
            self.sc.next();
            name.push(c);
        }
        name
    }

    /// `$name` or `${…}`, with the scanner on the `$`.
    fn dollar(&mut self) -> Result<String, String> {
        self.sc.next();
        if self.sc.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok("$".into());
            }
            return Ok(match self.get_env(&name) {
                Some(v) => v,
                None if self.options.skip_unset_env => format!("${name}"),
                None => String::new(),
            });
        }

        self.sc.next();
        match self.sc.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            Some(_) => {}
        }
        let name = self.name();
        let first = self.sc.next();
        let mut modifier = go_char(first).to_string();
        match first {
            Some('}') => Ok(match self.get_env(&name) {
                Some(v) => v,
                None if self.options.skip_unset_env => format!("${{{name}}}"),
                None => String::new(),
            }),
            Some(':' | '+' | '-' | '?' | '#' | '%') => {
                let null_is_unset = first == Some(':');
                let op = if null_is_unset {
                    let op = self.sc.next();
                    modifier.push(go_char(op));
                    op
                } else {
                    first
                };
                self.modifier(&name, op, null_is_unset, &modifier)
            }
            Some('/') => self.substitute(&name),
            _ => Err(unsupported(&modifier)),
        }
    }

    /// `${name[:]op word}` for `-`, `+`, `?`, `#`, `##`, `%`, `%%` (anything else after a
    /// `:` is an error).
    fn modifier(
        &mut self,
        name: &str,
        op: Option<char>,
        null_is_unset: bool,
        modifier: &str,
    ) -> Result<String, String> {
        let trims = matches!(op, Some('#' | '%'));
        if null_is_unset && trims {
            return Err(unsupported(modifier));
        }
        let word = self
            .nested('}', trims)
            .map_err(|e| self.missing_brace_or(e))?;
        let value = self.get_env(name);
        if value.is_none() && self.options.skip_unset_env {
            return Ok(format!("${{{name}{modifier}{word}}}"));
        }
        let is_null = value
            .as_deref()
            .is_none_or(|v| null_is_unset && v.is_empty());
        match op {
            Some('-') => Ok(if is_null {
                word
            } else {
                value.unwrap_or_default()
            }),
            Some('+') => Ok(if is_null { String::new() } else { word }),
            Some('?') => match value {
                None => Err(required(name, &word, "is not allowed to be unset")),
                Some(v) if null_is_unset && v.is_empty() => {
                    Err(required(name, &word, "is not allowed to be empty"))
                }
                Some(v) => Ok(v),
            },
            Some(op @ ('#' | '%')) => {
                let value = value.unwrap_or_default();
                let (pattern, greedy) = match word.strip_prefix(op) {
                    Some(rest) => (rest, true),
                    None => (word.as_str(), false),
                };
                if op == '%' {
                    trim_suffix(pattern, &value, greedy)
                } else {
                    trim_prefix(pattern, &value, greedy)
                }
            }
            _ => Err(unsupported(modifier)),
        }
    }

    /// `${name/pattern/replacement}` and `${name//pattern/replacement}`, with the scanner
    /// after the first `/`.
    fn substitute(&mut self, name: &str) -> Result<String, String> {
        let all = self.sc.peek() == Some('/');
        if all {
            self.sc.next();
        }
        let pattern = self.nested('/', true).map_err(|e| {
            if self.sc.at_end() {
                "syntax error: missing '/' in ${}".to_string()
            } else {
                e
            }
        })?;
        let replacement = self
            .nested('}', true)
            .map_err(|e| self.missing_brace_or(e))?;
        let value = match self.get_env(name) {
            Some(v) => v,
            None if self.options.skip_unset_env => {
                return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
            }
            None => String::new(),
        };
        let compiled = pattern::compile(&pattern, true).map_err(|e| bad_pattern(&pattern, &e))?;
        capped(if all {
            compiled.replace_all(&value, &replacement)
        } else {
            compiled.replace_first(&value, &replacement)
        })
    }

    /// A nested read that ran off the end means the `}` is missing.
    fn missing_brace_or(&self, err: String) -> String {
        if self.sc.at_end() {
            "syntax error: missing '}'".into()
        } else {
            err
        }
    }
}

fn unsupported(modifier: &str) -> String {
    format!("unsupported modifier ({modifier}) in substitution")
}

fn required(name: &str, message: &str, default: &str) -> String {
    let message = if message.is_empty() { default } else { message };
    format!("{name}: {message}")
}

fn bad_pattern(pattern: &str, err: &str) -> String {
    format!("invalid pattern ({pattern}) in substitution: {err}")
}

/// Remove the shortest (or, `greedy`, longest) prefix of `value` matching `pattern`.
fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Result<String, String> {
    let compiled: Pattern =
        pattern::compile(pattern, greedy).map_err(|e| bad_pattern(pattern, &e))?;
    let text: Vec<char> = value.chars().collect();
    Ok(match compiled.match_prefix(&text) {
        Some(end) => text.get(end..).unwrap_or_default().iter().collect(),
        None => value.to_owned(),
    })
}

/// Remove the shortest (or longest) matching suffix, by matching a reversed pattern
/// against the reversed value.
fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> Result<String, String> {
    let reversed = pattern::reverse_pattern(pattern);
    let trimmed = trim_prefix(&reversed, &pattern::reverse_str(value), greedy)?;
    Ok(pattern::reverse_str(&trimmed))
}
