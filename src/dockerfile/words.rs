//! Word splitting used by the argument shapes: quote-aware words (BuildKit's `parseWords`)
//! and plain whitespace splitting (`[\t\v\f\r ]+`).

use super::args::RawArg;
use super::text::{is_space, is_split_space};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Spaces,
    Word,
    Quote,
}

/// Splits `rest` into words, respecting `'…'`/`"…"` and the escape character, but keeping
/// quotes and escapes in the words (`abc="1 2" d` → `abc="1 2"`, `d`). An escape character at
/// the very end is dropped. Offsets are shifted by `base`.
pub(crate) fn parse_words(rest: &str, escape: char, base: usize) -> Vec<RawArg> {
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut word_start = 0;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut ch = '\0';
    let mut width = 0;
    let len = rest.len();
    let mut pos = 0;
    while pos <= len {
        if let Some(c) = rest.get(pos..).and_then(|r| r.chars().next()) {
            ch = c;
            width = c.len_utf8();
        }
        if phase == Phase::Spaces {
            if pos == len {
                break;
            }
            if is_space(ch) {
                pos += width;
                continue;
            }
            phase = Phase::Word;
            word_start = pos;
        }
        if pos == len {
            if blank_ok || !word.is_empty() {
                words.push(RawArg::new(word, base + word_start, base + pos));
            }
            break;
        }
        if phase == Phase::Word {
            if is_space(ch) {
                phase = Phase::Spaces;
                if blank_ok || !word.is_empty() {
                    let text = std::mem::take(&mut word);
                    words.push(RawArg::new(text, base + word_start, base + pos));
                }
                blank_ok = false;
                pos += width;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                if pos + width == len {
                    pos += width;
                    continue;
                }
                word.push(ch);
                pos += width;
                (ch, width) = char_at(rest, pos, ch);
            }
            word.push(ch);
            pos += width;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == escape && quote != '\'' {
            if pos + width == len {
                phase = Phase::Word;
                pos += width;
                continue;
            }
            pos += width;
            word.push(ch);
            (ch, width) = char_at(rest, pos, ch);
        }
        word.push(ch);
        pos += width;
    }
    words
}

/// The character at byte `pos` and its width (or `fallback` with width 1 at the end).
fn char_at(s: &str, pos: usize, fallback: char) -> (char, usize) {
    match s.get(pos..).and_then(|r| r.chars().next()) {
        Some(c) => (c, c.len_utf8()),
        None => (fallback, 1),
    }
}

/// Splits a trimmed, non-empty `rest` on runs of `[\t\v\f\r ]`. Offsets are shifted by
/// `base`.
pub(crate) fn split_whitespace(rest: &str, base: usize) -> Vec<RawArg> {
    let bytes = rest.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i <= bytes.len() {
        let at_space = bytes.get(i).is_none_or(|&b| is_split_space(b));
        if at_space {
            let piece = rest.get(start..i).unwrap_or_default();
            out.push(RawArg::new(piece.to_owned(), base + start, base + i));
            while bytes.get(i).is_some_and(|&b| is_split_space(b)) {
                i += 1;
            }
            start = i;
            if i >= bytes.len() {
                break;
            }
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        parse_words(s, '\\', 0)
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    #[test]
    fn go_test_cases_word_splitting() {
        // GO_TEST_CASES 1.1
        assert_eq!(words("foo"), ["foo"]);
        assert_eq!(words("foo bar"), ["foo", "bar"]);
        assert_eq!(words("foo\\ bar"), ["foo\\ bar"]);
        assert_eq!(words("foo=bar"), ["foo=bar"]);
        assert_eq!(words("foo bar 'abc xyz'"), ["foo", "bar", "'abc xyz'"]);
        assert_eq!(words("foo bar \"abc xyz\""), ["foo", "bar", "\"abc xyz\""]);
        assert_eq!(words("àöû"), ["àöû"]);
        assert_eq!(words("föo bàr \"âbc xÿz\""), ["föo", "bàr", "\"âbc xÿz\""]);
    }

    #[test]
    fn escapes_and_quotes_stay() {
        assert_eq!(words(r#"name="a\"b""#), [r#"name="a\"b""#]);
        assert_eq!(words(r"name='a\'b''"), [r"name='a\'b''"]);
        assert_eq!(words("a\\"), ["a"]);
        assert_eq!(words("\"unterminated x"), ["\"unterminated x"]);
        assert_eq!(words("''"), ["''"]);
    }

    #[test]
    fn backtick_escape() {
        let w: Vec<_> = parse_words("a` b c", '`', 0)
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(w, ["a` b", "c"]);
    }

    #[test]
    fn word_offsets() {
        let w = parse_words("  ab  \"c d\"", '\\', 10);
        assert_eq!((w[0].start, w[0].end), (12, 14));
        assert_eq!((w[1].start, w[1].end), (16, 21));
    }

    #[test]
    fn whitespace_split() {
        let w = split_whitespace("a\t\tb c", 0);
        let t: Vec<_> = w.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(t, ["a", "b", "c"]);
        assert_eq!((w[1].start, w[1].end), (3, 4));
        let w = split_whitespace("x\u{a0}y", 0);
        assert_eq!(w.len(), 1);
    }
}
