//! Word splitting used by the argument shapes: quote-aware words (BuildKit's `parseWords`)
//! and plain whitespace splitting (`[\t\v\f\r ]+`).

use std::ops::ControlFlow;

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
#[cfg(test)]
pub(crate) fn word_bounds(rest: &str, escape: char) -> Vec<Bounds> {
    let mut words = Vec::new();
    scan_words(rest, escape, |b| {
        words.push(b);
        ControlFlow::Continue(())
    });
    words
}

/// [`word_bounds`] without collecting: `f` gets each word and may stop the scan.
pub(crate) fn scan_words(rest: &str, escape: char, mut f: impl FnMut(Bounds) -> ControlFlow<()>) {
    let mut phase = Phase::Spaces;
    let mut start = 0;
    let mut nonempty = false;
    let mut quote = '\0';
    let mut blank_ok = false;
    let len = rest.len();
    let mut pos = 0;
    while let Some((ch, width)) = char_at(rest, pos) {
        let next = pos + width;
        let at_last = next == len;
        if phase == Phase::Spaces {
            if is_space(ch) {
                pos = next;
                continue;
            }
            phase = Phase::Word;
            start = pos;
        }
        if phase == Phase::Word {
            if is_space(ch) {
                phase = Phase::Spaces;
                if (blank_ok || nonempty)
                    && f(Bounds {
                        start,
                        end: pos,
                        dropped_escape: false,
                    })
                    .is_break()
                {
                    return;
                }
                nonempty = false;
                blank_ok = false;
                pos = next;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
        } else if ch == quote {
            phase = Phase::Word;
        }
        let escapes = ch == escape && (phase == Phase::Word || quote != '\'');
        pos = next;
        if escapes {
            if at_last {
                if blank_ok || nonempty {
                    let _ = f(Bounds {
                        start,
                        end: len,
                        dropped_escape: true,
                    });
                }
                return;
            }
            // the escaped character is taken as is
            pos += char_at(rest, pos).map_or(1, |(_, w)| w);
        }
        nonempty = true;
    }
    if phase != Phase::Spaces && (blank_ok || nonempty) {
        let _ = f(Bounds {
            start,
            end: len,
            dropped_escape: false,
        });
    }
}

/// The character at byte `pos` of `s` and its width; ASCII without decoding.
fn char_at(s: &str, pos: usize) -> Option<(char, usize)> {
    let b = *s.as_bytes().get(pos)?;
    if b.is_ascii() {
        return Some((char::from(b), 1));
    }
    let c = s.get(pos..)?.chars().next()?;
    Some((c, c.len_utf8()))
}

/// Quote-aware words of `rest` (which starts at logical offset `base`), quotes and escapes
/// kept: `abc="1 2" d` → `abc="1 2"`, `d`.
pub(crate) fn parse_words(
    rest: &str,
    escape: char,
    base: usize,
    loc: &mut Locator<'_, '_>,
) -> Vec<Word> {
    let mut words = Vec::new();
    scan_words(rest, escape, |b| {
        let text = bounds_text(rest, b, escape).to_owned();
        words.push(loc.word(text, base + b.start, base + b.end));
        ControlFlow::Continue(())
    });
    words
}

/// The text of a word found by [`scan_words`].
pub(crate) fn bounds_text(rest: &str, b: Bounds, escape: char) -> &str {
    let end = if b.dropped_escape {
        b.end - escape.len_utf8()
    } else {
        b.end
    };
    rest.get(b.start..end).unwrap_or_default()
}

/// Splits a trimmed, non-empty `rest` (at logical offset `base`) on runs of `[\t\v\f\r ]`.
pub(crate) fn split_whitespace(rest: &str, base: usize, loc: &mut Locator<'_, '_>) -> Vec<Word> {
    let bytes = rest.as_bytes();
    let gaps = bytes
        .windows(2)
        .filter(|w| matches!(w, [a, b] if is_split_space(*a) && !is_split_space(*b)))
        .count();
    let mut out = Vec::with_capacity(gaps + 1);
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
            .map(|b| bounds_text(s, b, escape).to_owned())
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
