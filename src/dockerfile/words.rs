//! Word splitting used by the argument shapes: quote-aware words (BuildKit's `parseWords`)
//! and plain whitespace splitting (`[\t\v\f\r ]+`).

use super::ast::Word;
use super::locate::Locator;
use super::text::{is_space, is_split_space};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Spaces,
    Word,
    Quote,
}

/// A word found by [`word_bounds`]: byte range in the input, and whether an escape
/// character at the very end of the input was dropped from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bounds {
    pub start: usize,
    pub end: usize,
    pub dropped_escape: bool,
}

/// BuildKit's `parseWords` state machine, reporting word boundaries. Quotes and escapes stay
/// in the words, so each word is a slice of the input, except that an escape character
/// ending the input is dropped.
pub(crate) fn word_bounds(rest: &str, escape: char) -> Vec<Bounds> {
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut start = 0;
    let mut nonempty = false;
    let mut quote = '\0';
    let mut blank_ok = false;
    let len = rest.len();
    let mut chars = rest.char_indices().peekable();
    while let Some((pos, ch)) = chars.next() {
        if phase == Phase::Spaces {
            if is_space(ch) {
                continue;
            }
            phase = Phase::Word;
            start = pos;
        }
        let at_last = chars.peek().is_none();
        if phase == Phase::Word {
            if is_space(ch) {
                phase = Phase::Spaces;
                if blank_ok || nonempty {
                    words.push(Bounds {
                        start,
                        end: pos,
                        dropped_escape: false,
                    });
                }
                nonempty = false;
                blank_ok = false;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                if at_last {
                    return finish(words, start, len, blank_ok || nonempty, true);
                }
                chars.next();
            }
            nonempty = true;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == escape && quote != '\'' {
            if at_last {
                return finish(words, start, len, blank_ok || nonempty, true);
            }
            chars.next();
        }
        nonempty = true;
    }
    finish(
        words,
        start,
        len,
        phase != Phase::Spaces && (blank_ok || nonempty),
        false,
    )
}

fn finish(
    mut words: Vec<Bounds>,
    start: usize,
    end: usize,
    keep: bool,
    dropped_escape: bool,
) -> Vec<Bounds> {
    if keep {
        words.push(Bounds {
            start,
            end,
            dropped_escape,
        });
    }
    words
}

/// Quote-aware words of `rest` (which starts at logical offset `base`), quotes and escapes
/// kept: `abc="1 2" d` → `abc="1 2"`, `d`.
pub(crate) fn parse_words(
    rest: &str,
    escape: char,
    base: usize,
    loc: &mut Locator<'_, '_>,
) -> Vec<Word> {
    word_bounds(rest, escape)
        .into_iter()
        .map(|b| loc.word(bounds_text(rest, b, escape), base + b.start, base + b.end))
        .collect()
}

/// The text of a word found by [`word_bounds`].
pub(crate) fn bounds_text(rest: &str, b: Bounds, escape: char) -> String {
    let end = if b.dropped_escape {
        b.end - escape.len_utf8()
    } else {
        b.end
    };
    rest.get(b.start..end).unwrap_or_default().to_owned()
}

/// Splits a trimmed, non-empty `rest` (at logical offset `base`) on runs of `[\t\v\f\r ]`.
pub(crate) fn split_whitespace(rest: &str, base: usize, loc: &mut Locator<'_, '_>) -> Vec<Word> {
    let bytes = rest.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i <= bytes.len() {
        if bytes.get(i).is_none_or(|&b| is_split_space(b)) {
            let piece = rest.get(start..i).unwrap_or_default();
            out.push(loc.word(piece.to_owned(), base + start, base + i));
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
    use crate::dockerfile::locate::{columns, with_line};

    fn words_with(s: &str, escape: char) -> Vec<String> {
        word_bounds(s, escape)
            .into_iter()
            .map(|b| bounds_text(s, b, escape))
            .collect()
    }

    fn words(s: &str) -> Vec<String> {
        words_with(s, '\\')
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
        assert_eq!(words("a \\"), ["a"]);
        assert_eq!(words("\"a\\"), ["\"a"]);
        assert_eq!(words("\"unterminated x"), ["\"unterminated x"]);
        assert_eq!(words("''"), ["''"]);
        assert_eq!(words("a\\ "), ["a\\ "]);
        assert_eq!(words("  "), Vec::<String>::new());
    }

    #[test]
    fn backtick_escape() {
        assert_eq!(words_with("a` b c", '`'), ["a` b", "c"]);
        assert_eq!(words_with("a\\ b", '`'), ["a\\", "b"]);
    }

    #[test]
    fn word_offsets() {
        let line = "  ab  \"c d\"";
        let w = with_line(line, |loc| parse_words(line, '\\', 0, loc));
        assert_eq!(columns(&w[0]), (2, 4));
        assert_eq!(columns(&w[1]), (6, 11));
    }

    #[test]
    fn whitespace_split() {
        let w = with_line("a\t\tb c", |loc| split_whitespace("a\t\tb c", 0, loc));
        let t: Vec<_> = w.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(t, ["a", "b", "c"]);
        assert_eq!(columns(&w[1]), (3, 4));
        let w = with_line("x\u{a0}y", |loc| split_whitespace("x\u{a0}y", 0, loc));
        assert_eq!(w.len(), 1);
    }
}
