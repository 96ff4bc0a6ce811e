//! Heredoc markers (`<<EOF`, `<<-'EOF'`, `3<<EOF`, …) and the small shell lexer BuildKit
//! runs over an instruction line to find them.
//!
//! The lexer mirrors BuildKit's `shell.Lex` in the configuration the parser uses: escape
//! character `\` (whatever the `escape` directive says), an empty environment with unset
//! variables left as written, and optionally quotes and escapes kept raw. `<<` followed by
//! an optional `-` and blanks stays in one word with what follows, so `<<  EOF` is one word.

use super::text::is_space;

/// A heredoc marker word, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeredocMarker {
    /// The delimiter with quotes removed and escapes processed.
    pub name: String,
    /// The number before `<<`, 0 when absent.
    pub file_descriptor: u64,
    /// No part of the delimiter was quoted.
    pub expand: bool,
    /// `<<-`.
    pub chomp: bool,
}

/// A heredoc marker word that cannot be lexed (unbalanced quote, bad `${…}`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct HeredocError(pub String);

/// BuildKit's `ParseHeredoc`: whether `word` is a single heredoc marker
/// (`^(\d*)<<(-?)\s*([^<]*)$` whose remainder lexes to exactly one word).
pub fn parse_heredoc(word: &str) -> Result<Option<HeredocMarker>, HeredocError> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let (fd_text, after) = word.split_at(digits);
    let Some(after) = after.strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, after) = match after.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, after),
    };
    let rest = after.trim_start_matches(['\t', '\n', '\x0c', '\r', ' ']);
    if rest.is_empty() || rest.contains('<') {
        return Ok(None);
    }
    let file_descriptor = if fd_text.is_empty() {
        0
    } else {
        fd_text.parse::<u64>().unwrap_or(u64::MAX)
    };
    let words = Lexer::new(rest, false, false).words()?;
    let [name] = words.as_slice() else {
        return Ok(None);
    };
    let raw = Lexer::new(rest, true, false).words()?;
    let [raw_name] = raw.as_slice() else {
        return Err(HeredocError(format!(
            "internal lexing of heredoc produced inconsistent results: {rest}"
        )));
    };
    let quotes = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
    Ok(Some(HeredocMarker {
        name: name.clone(),
        file_descriptor,
        expand: quotes(name) == quotes(raw_name),
        chomp,
    }))
}

/// BuildKit's `MustParseHeredoc`: [`parse_heredoc`] with errors treated as "not a heredoc".
pub fn heredoc_marker(word: &str) -> Option<HeredocMarker> {
    parse_heredoc(word).ok().flatten()
}

/// BuildKit's `ChompHeredocContent`: removes leading tabs from every line.
pub fn chomp_heredoc_content(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    for line in content.split_inclusive('\n') {
        out.push_str(line.trim_start_matches('\t'));
    }
    out
}

/// The heredoc markers of a whole instruction line, in order. A line the lexer rejects has
/// none, as upstream; one nested deeper than this lexer follows is refused (upstream would
/// find its markers: saying "none" would be silently different).
pub(crate) fn heredocs_from_line(line: &str) -> Result<Vec<HeredocMarker>, HeredocError> {
    let mut lexer = Lexer::new(line, true, true);
    lexer.only_markers = true;
    let words = match lexer.words() {
        Ok(words) => words,
        Err(e) if e.0 == NESTED_TOO_DEEPLY => return Err(e),
        Err(_) => return Ok(Vec::new()),
    };
    let mut markers = Vec::new();
    for word in &words {
        if let Some(marker) = parse_heredoc(word)? {
            markers.push(marker);
        }
    }
    Ok(markers)
}

const ESCAPE: char = '\\';

/// Words being collected: BuildKit's `wordsStruct`.
#[derive(Default)]
struct Words {
    word: String,
    words: Vec<String>,
    in_word: bool,
    /// Keep only words containing `<<` (the line scan needs no others).
    only_markers: bool,
}

impl Words {
    fn add_char(&mut self, c: char) {
        if is_space(c) {
            if self.in_word && !self.word.is_empty() {
                self.end_word();
                self.in_word = false;
            }
        } else {
            self.add_raw_char(c);
        }
    }

    fn end_word(&mut self) {
        if self.only_markers && !self.word.contains("<<") {
            self.word.clear();
        } else {
            self.words.push(std::mem::take(&mut self.word));
        }
    }

    fn add_raw_char(&mut self, c: char) {
        self.word.push(c);
        self.in_word = true;
    }

    fn add_string(&mut self, s: &str) {
        for c in s.chars() {
            self.add_char(c);
        }
    }

    fn add_raw_string(&mut self, s: &str) {
        self.word.push_str(s);
        self.in_word = true;
    }

    fn finish(mut self) -> Vec<String> {
        if !self.word.is_empty() {
            self.end_word();
        }
        self.words
    }
}

/// Text that is only collected when needed.
struct Text(Option<String>);

impl Text {
    fn new(collect: bool) -> Self {
        Text(collect.then(String::new))
    }

    fn push(&mut self, c: char) {
        if let Some(s) = &mut self.0 {
            s.push(c);
        }
    }

    fn push_str(&mut self, t: &str) {
        if let Some(s) = &mut self.0 {
            s.push_str(t);
        }
    }
}

/// Deepest `${…${…}}` nesting the lexer follows on a line with `<<`: deeper, the line is
/// refused with [`NESTED_TOO_DEEPLY`]. Keeps recursion bounded on hostile input.
const MAX_NESTING: usize = 100;

/// The error for a line with `<<` nested deeper than [`MAX_NESTING`].
const NESTED_TOO_DEEPLY: &str = "variable substitutions nested more than 100 deep on a line with \
     a heredoc marker (<<) are not supported";

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    raw_quotes: bool,
    raw_escapes: bool,
    depth: usize,
    /// Collect only words containing `<<` at the top level.
    only_markers: bool,
}

type LexResult<T> = Result<T, HeredocError>;

fn lex_error(message: &str) -> HeredocError {
    HeredocError(message.to_owned())
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str, raw_quotes: bool, raw_escapes: bool) -> Self {
        Lexer {
            src,
            pos: 0,
            raw_quotes,
            raw_escapes,
            depth: 0,
            only_markers: false,
        }
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..)?.chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn words(mut self) -> LexResult<Vec<String>> {
        let (_, words) = self.until(None)?;
        Ok(words.finish())
    }

    /// BuildKit's `processStopOn`: text up to `stop` (consumed) or the end. The text is
    /// only assembled for a nested `${…}` (with a `stop`); at the top level only the words
    /// are used.
    fn until(&mut self, stop: Option<char>) -> LexResult<(String, Words)> {
        let mut result = Text::new(stop.is_some());
        let mut words = Words {
            only_markers: self.only_markers && stop.is_none(),
            ..Words::default()
        };
        while let Some(ch) = self.peek() {
            if Some(ch) == stop {
                self.next();
                return Ok((result.0.unwrap_or_default(), words));
            }
            match ch {
                '$' => {
                    let tmp = self.dollar()?;
                    result.push_str(&tmp);
                    words.add_string(&tmp);
                }
                '\'' | '"' | '<' => {
                    let tmp = match ch {
                        '\'' => self.single_quoted()?,
                        '"' => self.double_quoted()?,
                        _ => self.possible_heredoc(),
                    };
                    result.push_str(&tmp);
                    words.add_raw_string(&tmp);
                }
                _ => {
                    self.next();
                    if ch == ESCAPE {
                        if self.raw_escapes {
                            words.add_raw_char(ch);
                            result.push(ch);
                        }
                        let Some(escaped) = self.next() else {
                            break;
                        };
                        words.add_raw_char(escaped);
                        result.push(escaped);
                    } else {
                        words.add_char(ch);
                        result.push(ch);
                    }
                }
            }
        }
        match stop {
            Some(stop) => Err(HeredocError(format!(
                "unexpected end of statement while looking for matching {stop}"
            ))),
            None => Ok((result.0.unwrap_or_default(), words)),
        }
    }

    fn single_quoted(&mut self) -> LexResult<String> {
        let mut out = String::new();
        self.next();
        if self.raw_quotes {
            out.push('\'');
        }
        loop {
            match self.next() {
                None => {
                    return Err(lex_error(
                        "unexpected end of statement while looking for matching single-quote",
                    ));
                }
                Some('\'') => {
                    if self.raw_quotes {
                        out.push('\'');
                    }
                    return Ok(out);
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn double_quoted(&mut self) -> LexResult<String> {
        let mut out = String::new();
        self.next();
        if self.raw_quotes {
            out.push('"');
        }
        loop {
            match self.peek() {
                None => {
                    return Err(lex_error(
                        "unexpected end of statement while looking for matching double-quote",
                    ));
                }
                Some('"') => {
                    self.next();
                    if self.raw_quotes {
                        out.push('"');
                    }
                    return Ok(out);
                }
                Some('$') => {
                    let value = self.dollar()?;
                    out.push_str(&value);
                }
                Some(_) => {
                    let Some(mut c) = self.next() else {
                        continue;
                    };
                    if c == ESCAPE {
                        if self.raw_escapes {
                            out.push(c);
                        }
                        match self.peek() {
                            None => continue,
                            Some('"' | '$' | ESCAPE) => {
                                c = self.next().unwrap_or(c);
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(c);
                }
            }
        }
    }

    /// `<` or `<<` with an optional `-` and the blanks after it.
    fn possible_heredoc(&mut self) -> String {
        self.next();
        if self.peek() != Some('<') {
            return "<".to_owned();
        }
        self.next();
        let mut out = String::from("<<");
        if self.peek() == Some('-') {
            self.next();
            out.push('-');
        }
        while let Some(c) = self.peek().filter(|&c| is_space(c)) {
            self.next();
            out.push(c);
        }
        out
    }

    /// `$name` or `${…}`, reproduced as written (the environment is empty and unset
    /// variables are kept).
    fn dollar(&mut self) -> LexResult<String> {
        self.next();
        if self.peek() == Some('{') {
            self.next();
            return self.braced();
        }
        let name = self.name();
        Ok(format!("${name}"))
    }

    fn braced(&mut self) -> LexResult<String> {
        match self.peek() {
            None => return Err(lex_error("syntax error: missing '}'")),
            Some('{' | '}' | ':') => return Err(lex_error("syntax error: bad substitution")),
            Some(_) => {}
        }
        let name = self.name();
        match self.next() {
            Some('}') => Ok(format!("${{{name}}}")),
            Some(':') => {
                let modifier = self.next();
                let word = self.nested()?;
                match modifier {
                    Some(m @ ('+' | '-' | '?')) => Ok(format!("${{{name}:{m}{word}}}")),
                    Some(m) => Err(HeredocError(format!(
                        "unsupported modifier ({m}) in substitution"
                    ))),
                    None => Err(lex_error("syntax error: missing '}'")),
                }
            }
            Some(op @ ('?' | '+' | '-' | '%' | '#' | '/')) => {
                let word = self.nested()?;
                Ok(format!("${{{name}{op}{word}}}"))
            }
            _ => Err(lex_error("missing ':' in substitution")),
        }
    }

    fn nested(&mut self) -> LexResult<String> {
        if self.depth >= MAX_NESTING {
            return Err(lex_error(NESTED_TOO_DEEPLY));
        }
        self.depth += 1;
        let result = self.until(Some('}')).map(|(result, _)| result);
        self.depth -= 1;
        result
    }

    /// A parameter name: all digits, one special character, or letters/digits/`_`.
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if name.is_empty() && c.is_ascii_digit() {
                while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                    self.next();
                    name.push(d);
                }
                return name;
            }
            if name.is_empty() && matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.next();
                name.push(c);
                return name;
            }
            if !(c.is_alphanumeric() || c == '_') {
                break;
            }
            self.next();
            name.push(c);
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marker(word: &str) -> Option<(String, bool, bool, u64)> {
        parse_heredoc(word)
            .ok()
            .flatten()
            .map(|m| (m.name, m.expand, m.chomp, m.file_descriptor))
    }

    fn names(line: &str) -> Vec<String> {
        heredocs_from_line(line)
            .map(|v| v.into_iter().map(|m| m.name).collect())
            .unwrap_or_default()
    }

    #[test]
    fn single_words() {
        // GO_TEST_CASES 1.8
        for word in [
            "<<EOF",
            "<<'EOF'",
            "<<\"EOF\"",
            "<<-EOF",
            "<<-'EOF'",
            "<<-\"EOF\"",
            "<<EO\"F\"",
            "<< EOF",
            "<<- EOF",
        ] {
            assert_eq!(marker(word).map(|m| m.0), Some("EOF".to_owned()), "{word}");
        }
        for word in ["<<'EOF", "<<\"EOF", "<<EOF'", "<<EOF\""] {
            assert!(parse_heredoc(word).is_err(), "{word}");
        }
        for word in ["", "EOF", "<<", "<<-", "<EOF", "<<<EOF", "<<EOF sh"] {
            assert_eq!(parse_heredoc(word), Ok(None), "{word}");
        }
    }

    #[test]
    fn expand_chomp_and_fd() {
        assert_eq!(marker("<<EOF"), Some(("EOF".into(), true, false, 0)));
        assert_eq!(marker("<<-'EOF'"), Some(("EOF".into(), false, true, 0)));
        assert_eq!(marker("3<<EOF"), Some(("EOF".into(), true, false, 3)));
        assert_eq!(marker("<<eo'f'"), Some(("eof".into(), false, false, 0)));
        assert_eq!(marker("<<eo\\'f"), Some(("eo'f".into(), true, false, 0)));
        assert_eq!(marker("<<'e'o\\'f"), Some(("eo'f".into(), false, false, 0)));
        assert_eq!(
            marker("<<'one two'"),
            Some(("one two".into(), false, false, 0))
        );
        assert_eq!(marker("<<$EOF"), Some(("$EOF".into(), true, false, 0)));
        assert_eq!(marker("<<file.txt").map(|m| m.0), Some("file.txt".into()));
        assert_eq!(
            marker("99999999999999999999<<X").map(|m| m.3),
            Some(u64::MAX)
        );
    }

    #[test]
    fn markers_in_lines() {
        // GO_TEST_CASES 1.9
        assert_eq!(names("RUN <<EOF"), ["EOF"]);
        assert_eq!(names("RUN <<-EOF"), ["EOF"]);
        assert_eq!(names("RUN <<- EOF"), ["EOF"]);
        assert_eq!(names("RUN << -EOF"), ["-EOF"]);
        assert_eq!(names("RUN <<'EOF'"), ["EOF"]);
        assert_eq!(names("RUN 4<<EOF"), ["EOF"]);
        assert_eq!(names("RUN <<EOF <<EOF2"), ["EOF", "EOF2"]);
        assert!(names("RUN '<<EOF'").is_empty());
        assert!(names("RUN \"<<EOF\"").is_empty());
        assert_eq!(names("RUN <<  EOF  > foo"), ["EOF"]);
        assert_eq!(names("RUN <<'EOF' | python"), ["EOF"]);
        assert_eq!(
            names("RUN --mount=type=cache,target=/foo <<MOUNT"),
            ["MOUNT"]
        );
        assert!(names("RUN cat<<EOF").is_empty());
        assert!(names("RUN <<EOF echo 'unterminated").is_empty());
        assert_eq!(names("RUN <<EOF ${X:-a b} $Y"), ["EOF"]);
        assert!(names("RUN <<EOF ${").is_empty());
    }

    #[test]
    fn deep_nesting_is_bounded_and_refused() {
        let line = format!(
            "RUN <<EOF {}x{}",
            "${a:-".repeat(20_000),
            "}".repeat(20_000)
        );
        let err = heredocs_from_line(&line).map(|m| m.len());
        assert_eq!(err, Err(HeredocError(NESTED_TOO_DEEPLY.to_owned())));
        let line = format!("RUN <<EOF {}x{}", "${a:-".repeat(50), "}".repeat(50));
        assert_eq!(names(&line), ["EOF"]);
    }

    #[test]
    fn chomp_removes_leading_tabs_only() {
        assert_eq!(
            chomp_heredoc_content("\thello\n\tworld\n"),
            "hello\nworld\n"
        );
        assert_eq!(chomp_heredoc_content("\t\t a\n  b\n"), " a\n  b\n");
    }
}
