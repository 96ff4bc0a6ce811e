//! The word processor behind [`super::Lexer`]: one pass over the characters of a word that
//! removes quotes, processes escapes, expands `$name` / `${name…}` and splits words, with the
//! same rules (and quirks) as BuildKit's `frontend/dockerfile/shell` lexer.

use std::collections::BTreeSet;

use super::pattern::{self, Pattern};
use super::{Env, Options};

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
    };
    let (text, words) = p.process()?;
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

/// Words collected by one read ([`Frame::Read`]). The word being built lives in
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
}

/// What a nested read inside `${…}` is for: what to do with its text once it is complete.
enum Then {
    /// `${name[:]op word}`: the word was read; apply the operator.
    Modifier {
        name: String,
        op: Option<char>,
        null_is_unset: bool,
        modifier: String,
    },
    /// `${name/pattern/…}`: the pattern was read; the replacement comes next.
    Pattern { name: String, all: bool },
    /// `${name/pattern/replacement}`: both were read; substitute.
    Replacement {
        name: String,
        all: bool,
        pattern: String,
    },
}

impl Then {
    /// Upstream reports an error met inside the nested read (or after it, while an outer
    /// one is open) as the missing delimiter when the input ran out.
    fn at_end_message(&self) -> &'static str {
        match self {
            Then::Modifier { .. } | Then::Replacement { .. } => "syntax error: missing '}'",
            Then::Pattern { .. } => "syntax error: missing '/' in ${}",
        }
    }
}

/// One open construct. Upstream's lexer recurses for each `${…}` inside a word; here the
/// open ones are a stack on the heap, so nesting is bounded by memory, not by the thread's
/// stack (a Dockerfile may nest substitutions as deeply as its length allows).
enum Frame {
    /// Text up to `stop` (the outermost frame: to the end), split into words.
    Read {
        stop: Option<char>,
        result: String,
        words: Words,
        /// `raw_escapes` of the enclosing read, restored when this one ends.
        saved_raw: bool,
        /// `None` for the outermost frame.
        then: Option<Then>,
    },
    /// Inside double quotes: `$` expands, the escape character escapes only `"`, `$` and
    /// itself (otherwise it stays).
    Quoted { out: String },
}

/// A value that ends a construct, for the frame that contains it.
enum Value {
    /// From `$name` or `${…}`.
    Dollar(String),
    /// A quoted string.
    Quoted(String),
}

/// What `$…` turned out to be.
enum Dollar {
    Value(String),
    /// A `${…}` whose nested text must be read first (up to `stop`).
    Nested {
        then: Then,
        stop: char,
        raw_escapes: bool,
    },
}

impl Processor<'_> {
    /// Processes the whole input: its text and its words.
    fn process(&mut self) -> Result<(String, Vec<String>), String> {
        self.word_buf.clear();
        let mut stack = vec![Frame::Read {
            stop: None,
            result: String::new(),
            words: Words::default(),
            saved_raw: self.raw_escapes,
            then: None,
        }];
        loop {
            match self.step(&mut stack) {
                Ok(Some(done)) => return Ok(done),
                Ok(None) => {}
                Err(err) => {
                    let at_end = self.sc.at_end();
                    // Each open `${…}` maps the error on its way out, innermost first.
                    let mapped = stack.iter().rev().fold(err, |err, frame| match frame {
                        Frame::Read { then: Some(t), .. } if at_end => t.at_end_message().into(),
                        _ => err,
                    });
                    return Err(mapped);
                }
            }
        }
    }

    /// Advances the innermost frame by one character or construct; `Some` when the outermost
    /// read is complete.
    fn step(&mut self, stack: &mut Vec<Frame>) -> Result<Option<(String, Vec<String>)>, String> {
        let quotes = !self.options.skip_process_quotes;
        let value = match stack.last_mut() {
            None => return Err("internal error: no open construct".into()),
            Some(Frame::Read {
                stop,
                result,
                words,
                ..
            }) => {
                let stop = *stop;
                match self.sc.peek() {
                    Some(c) if stop == Some(c) => {
                        self.sc.next();
                        return self.finish_read(stack);
                    }
                    None => return self.end_of_input(stop, stack),
                    Some('$') => self.dollar()?,
                    Some('\'') if quotes => {
                        let quoted = self.single_quote()?;
                        self.deliver(stack, Value::Quoted(quoted));
                        return Ok(None);
                    }
                    Some('"') if quotes => {
                        self.sc.next();
                        let out = if self.options.raw_quotes {
                            "\"".to_string()
                        } else {
                            String::new()
                        };
                        stack.push(Frame::Quoted { out });
                        return Ok(None);
                    }
                    Some(c) => {
                        self.sc.next();
                        let mut c = c;
                        if c == self.escape {
                            if self.raw_escapes {
                                words.add_raw_char(&mut self.word_buf, c);
                                result.push(c);
                            }
                            // An escape at the very end is dropped.
                            let Some(escaped) = self.sc.next() else {
                                return self.end_of_input(stop, stack);
                            };
                            c = escaped;
                            words.add_raw_char(&mut self.word_buf, c);
                        } else {
                            words.add_char(&mut self.word_buf, c);
                        }
                        result.push(c);
                        return Ok(None);
                    }
                }
            }
            Some(Frame::Quoted { out }) => match self.sc.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    );
                }
                Some('"') => {
                    self.sc.next();
                    if self.options.raw_quotes {
                        out.push('"');
                    }
                    let out = std::mem::take(out);
                    stack.pop();
                    self.deliver(stack, Value::Quoted(out));
                    return Ok(None);
                }
                Some('$') => self.dollar()?,
                Some(mut c) => {
                    self.sc.next();
                    if c == self.escape {
                        if self.raw_escapes {
                            out.push(c);
                        }
                        match self.sc.peek() {
                            // A trailing escape is dropped (the quote is unterminated anyway).
                            None => return Ok(None),
                            Some(n) if n == '"' || n == '$' || n == self.escape => {
                                self.sc.next();
                                c = n;
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(c);
                    return Ok(None);
                }
            },
        };
        match value {
            Dollar::Value(v) => self.deliver(stack, Value::Dollar(v)),
            Dollar::Nested {
                then,
                stop,
                raw_escapes,
            } => self.open(stack, then, stop, raw_escapes),
        }
        Ok(None)
    }

    /// The input ended inside a read: the outermost one is complete, a nested one lacks its
    /// delimiter.
    fn end_of_input(
        &mut self,
        stop: Option<char>,
        stack: &mut Vec<Frame>,
    ) -> Result<Option<(String, Vec<String>)>, String> {
        match stop {
            Some(stop) => Err(format!(
                "unexpected end of statement while looking for matching {stop}"
            )),
            None => self.finish_read(stack),
        }
    }

    /// Opens a nested read up to `stop` (which, as upstream, starts a new word).
    fn open(&mut self, stack: &mut Vec<Frame>, then: Then, stop: char, raw_escapes: bool) {
        let saved_raw = std::mem::replace(&mut self.raw_escapes, raw_escapes);
        self.word_buf.clear();
        stack.push(Frame::Read {
            stop: Some(stop),
            result: String::new(),
            words: Words::default(),
            saved_raw,
            then: Some(then),
        });
    }

    /// Closes the innermost read and hands its text to what it was read for.
    fn finish_read(
        &mut self,
        stack: &mut Vec<Frame>,
    ) -> Result<Option<(String, Vec<String>)>, String> {
        let Some(Frame::Read {
            result,
            words,
            saved_raw,
            then,
            ..
        }) = stack.pop()
        else {
            return Err("internal error: no open read".into());
        };
        self.raw_escapes = saved_raw;
        let words = words.finish(&mut self.word_buf);
        let value = match then {
            None => return Ok(Some((result, words))),
            Some(Then::Modifier {
                name,
                op,
                null_is_unset,
                modifier,
            }) => self.apply_modifier(&name, op, null_is_unset, &modifier, result)?,
            Some(Then::Pattern { name, all }) => {
                let then = Then::Replacement {
                    name,
                    all,
                    pattern: result,
                };
                self.open(stack, then, '}', true);
                return Ok(None);
            }
            Some(Then::Replacement { name, all, pattern }) => {
                self.apply_substitute(&name, all, &pattern, result)?
            }
        };
        self.deliver(stack, Value::Dollar(value));
        Ok(None)
    }

    /// Adds a finished construct's value to the frame that contains it.
    fn deliver(&mut self, stack: &mut [Frame], value: Value) {
        match (stack.last_mut(), value) {
            (Some(Frame::Read { result, words, .. }), Value::Dollar(v)) => {
                result.push_str(&v);
                words.add_string(&mut self.word_buf, &v);
            }
            (Some(Frame::Read { result, words, .. }), Value::Quoted(v)) => {
                result.push_str(&v);
                words.add_raw_string(&mut self.word_buf, &v);
            }
            (Some(Frame::Quoted { out }), Value::Dollar(v) | Value::Quoted(v)) => {
                out.push_str(&v);
            }
            // The outermost read is never closed by a value.
            (None, _) => {}
        }
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
    fn dollar(&mut self) -> Result<Dollar, String> {
        self.sc.next();
        if self.sc.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok(Dollar::Value("$".into()));
            }
            return Ok(Dollar::Value(match self.get_env(&name) {
                Some(v) => v,
                None if self.options.skip_unset_env => format!("${name}"),
                None => String::new(),
            }));
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
            Some('}') => Ok(Dollar::Value(match self.get_env(&name) {
                Some(v) => v,
                None if self.options.skip_unset_env => format!("${{{name}}}"),
                None => String::new(),
            })),
            Some(':' | '+' | '-' | '?' | '#' | '%') => {
                let null_is_unset = first == Some(':');
                let op = if null_is_unset {
                    let op = self.sc.next();
                    modifier.push(go_char(op));
                    op
                } else {
                    first
                };
                // `${name[:]op word}`: the word is read next (trim patterns keep escapes).
                let trims = matches!(op, Some('#' | '%'));
                if null_is_unset && trims {
                    return Err(unsupported(&modifier));
                }
                Ok(Dollar::Nested {
                    then: Then::Modifier {
                        name,
                        op,
                        null_is_unset,
                        modifier,
                    },
                    stop: '}',
                    raw_escapes: trims,
                })
            }
            Some('/') => {
                // `${name/pattern/replacement}` or `${name//pattern/replacement}`.
                let all = self.sc.peek() == Some('/');
                if all {
                    self.sc.next();
                }
                Ok(Dollar::Nested {
                    then: Then::Pattern { name, all },
                    stop: '/',
                    raw_escapes: true,
                })
            }
            _ => Err(unsupported(&modifier)),
        }
    }

    /// `${name[:]op word}` for `-`, `+`, `?`, `#`, `##`, `%`, `%%`, once `word` is read.
    fn apply_modifier(
        &mut self,
        name: &str,
        op: Option<char>,
        null_is_unset: bool,
        modifier: &str,
        word: String,
    ) -> Result<String, String> {
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

    /// `${name/pattern/replacement}` (`all`: `//`), once both are read.
    fn apply_substitute(
        &mut self,
        name: &str,
        all: bool,
        pattern: &str,
        replacement: String,
    ) -> Result<String, String> {
        let value = match self.get_env(name) {
            Some(v) => v,
            None if self.options.skip_unset_env => {
                return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
            }
            None => String::new(),
        };
        let compiled = pattern::compile(pattern, true).map_err(|e| bad_pattern(pattern, &e))?;
        capped(if all {
            compiled.replace_all(&value, &replacement)
        } else {
            compiled.replace_first(&value, &replacement)
        })
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
