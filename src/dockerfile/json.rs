//! The exec-form check: is the text a JSON array of strings? Follows Go's `encoding/json`
//! (`json.Unmarshal` into `[]interface{}`): the whole text must be one valid JSON value
//! (nesting up to 10 000 levels), string escapes decode like Go's (a lone surrogate becomes
//! U+FFFD), and only then are non-string elements reported.

use super::ast::Word;
use super::locate::Locator;

/// Go's `maxNestingDepth`.
const MAX_DEPTH: usize = 10_000;

/// Outcome of reading a JSON array.
#[derive(Debug)]
pub(crate) enum JsonArray {
    /// A valid array of strings, each spanning its quoted source text.
    Strings(Vec<Word>),
    /// Valid JSON, but some element is not a string.
    NotStrings,
    /// Not valid JSON (or not starting with `[`).
    Invalid,
}

/// Reads `text` (already trimmed, at logical offset `base`) as a JSON array.
pub(crate) fn parse_array(text: &str, base: usize, loc: &mut Locator<'_, '_>) -> JsonArray {
    if !text.starts_with('[') {
        return JsonArray::Invalid;
    }
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 1,
    };
    match reader.array(base, loc) {
        Some((strings, all_strings)) => {
            reader.skip_ws();
            if reader.pos != reader.bytes.len() {
                JsonArray::Invalid
            } else if all_strings {
                JsonArray::Strings(strings)
            } else {
                JsonArray::NotStrings
            }
        }
        None => JsonArray::Invalid,
    }
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek() == Some(b)).then(|| self.pos += 1)
    }

    /// The top-level array, after its `[`: strings with offsets and whether all elements
    /// were strings. `None` on a syntax error.
    fn array(&mut self, base: usize, loc: &mut Locator<'_, '_>) -> Option<(Vec<Word>, bool)> {
        let mut strings = Vec::new();
        let mut all_strings = true;
        self.skip_ws();
        if self.eat(b']').is_some() {
            return Some((strings, true));
        }
        loop {
            self.skip_ws();
            if self.peek() == Some(b'"') {
                let start = self.pos;
                let text = self.string(true)?;
                strings.push(loc.word(text, base + start, base + self.pos));
            } else {
                all_strings = false;
                self.value(1)?;
            }
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some((strings, all_strings));
                }
                _ => return None,
            }
        }
    }

    /// Skips one JSON value inside containers already `depth` deep, without recursion.
    fn value(&mut self, depth: usize) -> Option<()> {
        let mut stack: Vec<u8> = Vec::new();
        loop {
            self.skip_ws();
            match self.peek()? {
                open @ (b'[' | b'{') => {
                    self.pos += 1;
                    stack.push(open);
                    if depth + stack.len() > MAX_DEPTH {
                        return None;
                    }
                    self.skip_ws();
                    let close = if open == b'[' { b']' } else { b'}' };
                    if self.eat(close).is_some() {
                        stack.pop();
                    } else if open == b'{' {
                        self.key()?;
                        continue;
                    } else {
                        continue;
                    }
                }
                b'"' => {
                    self.string(false)?;
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                b'-' | b'0'..=b'9' => self.number()?,
                _ => return None,
            }
            // A value is complete: close containers or move to the next element.
            loop {
                let Some(&top) = stack.last() else {
                    return Some(());
                };
                self.skip_ws();
                match self.peek()? {
                    b',' => {
                        self.pos += 1;
                        if top == b'{' {
                            self.skip_ws();
                            self.key()?;
                        }
                        break;
                    }
                    b']' if top == b'[' => {
                        self.pos += 1;
                        stack.pop();
                    }
                    b'}' if top == b'{' => {
                        self.pos += 1;
                        stack.pop();
                    }
                    _ => return None,
                }
            }
        }
    }

    /// An object key and its colon.
    fn key(&mut self) -> Option<()> {
        if self.peek() != Some(b'"') {
            return None;
        }
        self.string(false)?;
        self.skip_ws();
        self.eat(b':')
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos + word.len();
        (self.bytes.get(self.pos..end) == Some(word)).then(|| self.pos = end)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Option<()> {
        let _ = self.eat(b'-');
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.eat(b'.').is_some() && self.digits() == 0 {
            return None;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(())
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.text.get(at..at + 4)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    }

    /// A string starting at the current `"`; decoded when `decode` is set.
    fn string(&mut self, decode: bool) -> Option<String> {
        self.pos += 1;
        let mut run_start = self.pos;
        // Fast path: no escapes, so the text is a slice of the input.
        let plain = self.bytes.get(self.pos..)?;
        let stop = plain
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
        if plain.get(stop) == Some(&b'"') {
            let text = if decode {
                self.text.get(self.pos..self.pos + stop)?.to_owned()
            } else {
                String::new()
            };
            self.pos += stop + 1;
            return Some(text);
        }
        let mut out = String::new();
        loop {
            let b = self.peek()?;
            match b {
                b'"' => {
                    if decode {
                        out.push_str(self.text.get(run_start..self.pos)?);
                    }
                    self.pos += 1;
                    return Some(out);
                }
                b'\\' => {
                    if decode {
                        out.push_str(self.text.get(run_start..self.pos)?);
                    }
                    self.pos += 1;
                    let esc = self.peek()?;
                    self.pos += 1;
                    let c = match esc {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    };
                    if decode {
                        out.push(c);
                    }
                    run_start = self.pos;
                }
                0x00..=0x1f => return None,
                _ => self.pos += 1,
            }
        }
    }

    /// After `\u`: four hex digits, combined with a following `\uXXXX` low surrogate when
    /// they form a pair; any other surrogate becomes U+FFFD.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4(self.pos)?;
        self.pos += 4;
        if !(0xd800..0xe000).contains(&first) {
            return char::from_u32(first);
        }
        if (0xd800..0xdc00).contains(&first)
            && self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u")
        {
            if let Some(second) = self.hex4(self.pos + 2) {
                if (0xdc00..0xe000).contains(&second) {
                    self.pos += 6;
                    let combined = 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
                    return char::from_u32(combined);
                }
            }
        }
        Some('\u{fffd}')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::locate::{columns, with_line};

    fn parse_array(text: &str, base: usize) -> JsonArray {
        with_line(text, |loc| super::parse_array(text, base, loc))
    }

    fn strings(text: &str) -> Option<Vec<String>> {
        match parse_array(text, 0) {
            JsonArray::Strings(v) => Some(v.into_iter().map(|a| a.text).collect()),
            _ => None,
        }
    }

    fn not_strings(text: &str) -> bool {
        matches!(parse_array(text, 0), JsonArray::NotStrings)
    }

    fn invalid(text: &str) -> bool {
        matches!(parse_array(text, 0), JsonArray::Invalid)
    }

    #[test]
    fn go_test_cases_valid_arrays() {
        // GO_TEST_CASES 1.5
        assert_eq!(strings("[]"), Some(vec![]));
        assert_eq!(strings("[\"\"]"), Some(vec![String::new()]));
        assert_eq!(strings("[\"a\"]"), Some(vec!["a".into()]));
        for text in ["[\"a\",\"b\"]", "[ \"a\", \"b\" ]", "[\t\"a\",\t\"b\"\t]"] {
            assert_eq!(strings(text), Some(vec!["a".into(), "b".into()]), "{text}");
        }
        assert_eq!(
            strings(r#"["abc 123", "♥", "☃", "\" \\ \/ \b \f \n \r \t \u0000"]"#),
            Some(vec![
                "abc 123".into(),
                "♥".into(),
                "☃".into(),
                "\" \\ / \u{8} \u{c} \n \r \t \u{0}".into()
            ])
        );
    }

    #[test]
    fn go_test_cases_non_strings() {
        for text in [
            r#"["a",42,"b"]"#,
            r#"["a",123.456,"b"]"#,
            r#"["a",{},"b"]"#,
            r#"["a",{"c": "d"},"b"]"#,
            r#"["a",["c"],"b"]"#,
            r#"["a",true,"b"]"#,
            r#"["a",false,"b"]"#,
            r#"["a",null,"b"]"#,
            r#"[ "echo", [ "nested json" ] ]"#,
        ] {
            assert!(not_strings(text), "{text}");
        }
    }

    #[test]
    fn invalid_json_falls_back() {
        for text in [
            "['echo','single quotes are invalid JSON']",
            r#"["echo", "Please, close the brackets when you're done""#,
            r#"["echo", "look ma, no quote!]"#,
            r#"["a"] trailing"#,
            r#"["a",]"#,
            r#"["a" "b"]"#,
            "[\"tab\there\"]",
            r#"["\x"]"#,
            r#"["a", 01]"#,
            r#"["a", 1.]"#,
            r#"["a", {"k" 1}]"#,
            r#"["a", {1: 2}]"#,
            "[",
            "x",
        ] {
            assert!(invalid(text), "{text}");
        }
    }

    #[test]
    fn syntax_errors_win_over_non_strings() {
        assert!(invalid(r#"["a", 1, "#));
        assert!(not_strings(r#"["a", -1.5e+3, {"x": [1, {"y": null}]}]"#));
    }

    #[test]
    fn surrogates_decode_like_go() {
        assert_eq!(strings(r#"["\ud83d\ude00"]"#), Some(vec!["😀".into()]));
        assert_eq!(strings(r#"["\ud83dx"]"#), Some(vec!["\u{fffd}x".into()]));
        assert_eq!(
            strings(r#"["\ude00\u0041"]"#),
            Some(vec!["\u{fffd}A".into()])
        );
    }

    #[test]
    fn nesting_limit() {
        let deep_ok = format!("[\"a\", {}{}]", "[".repeat(9_998), "]".repeat(9_998));
        assert!(not_strings(&deep_ok));
        let too_deep = format!("[\"a\", {}{}]", "[".repeat(10_000), "]".repeat(10_000));
        assert!(invalid(&too_deep));
    }

    #[test]
    fn offsets_are_opening_quotes() {
        match parse_array(r#"[ "a",  "bc" ]"#, 0) {
            JsonArray::Strings(v) => {
                assert_eq!(columns(&v[0]), (2, 5));
                assert_eq!(columns(&v[1]), (8, 12));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
