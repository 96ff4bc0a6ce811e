//! Splitting a logical line into keyword, `--flags` and the rest (BuildKit's
//! `splitCommand` and `extractBuilderFlags`).

use super::ast::Word;
use super::locate::Locator;
use super::text::{is_space_byte, is_split_space};

/// A logical line taken apart.
#[derive(Debug)]
pub(crate) struct Command<'a> {
    /// The keyword as written.
    pub keyword: &'a str,
    /// Byte offset of the keyword in the line.
    pub keyword_start: usize,
    /// `--flag` words with quotes removed and escapes processed.
    pub flags: Vec<Word>,
    /// Everything after the flags, trimmed.
    pub rest: &'a str,
    /// Byte offset of `rest` in the line.
    pub rest_start: usize,
}

/// Splits `line` (at logical offset `base`) into keyword, flags and the rest.
pub(crate) fn split_command<'l>(
    line: &'l str,
    base: usize,
    loc: &mut Locator<'_, '_>,
) -> Command<'l> {
    let trimmed_start = line.len() - line.trim_start().len();
    let trimmed = line.trim();
    let keyword_len = trimmed
        .bytes()
        .position(is_split_space)
        .unwrap_or(trimmed.len());
    let keyword = trimmed.get(..keyword_len).unwrap_or(trimmed);
    let after_keyword = &trimmed.as_bytes()[keyword_len.min(trimmed.len())..];
    let gap = after_keyword
        .iter()
        .take_while(|&&b| is_split_space(b))
        .count();
    let flags_start = trimmed_start + keyword_len + gap;
    let end = line.len().min(trimmed_start + trimmed.len());
    if gap == 0 {
        return Command {
            keyword,
            keyword_start: trimmed_start,
            flags: Vec::new(),
            rest: "",
            rest_start: end,
        };
    }
    let flag_part = line.get(flags_start..end).unwrap_or("");
    let (rest_offset, flags) = extract_flags(flag_part, base + flags_start, loc);
    let untrimmed = flag_part.get(rest_offset..).unwrap_or("");
    let rest = untrimmed.trim();
    let rest_start = flags_start + rest_offset + (untrimmed.len() - untrimmed.trim_start().len());
    Command {
        keyword,
        keyword_start: trimmed_start,
        flags,
        rest,
        rest_start,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Spaces,
    Word,
    Quote,
}

/// Reads leading `--flag` words from `line` byte by byte, exactly like BuildKit: quotes are
/// removed, `\` escapes the next byte, a bare `--` ends the flags and is dropped. Bytes are
/// widened to characters one by one (as Go's `string(rune(b))` does), so non-ASCII text in a
/// flag comes out as its Latin-1 reading, and the bytes 0x85/0xA0 count as blanks.
///
/// Returns the byte offset where the arguments start (`line.len()` when there are none) and
/// the flags (`line` is at logical offset `base`).
fn extract_flags(line: &str, base: usize, loc: &mut Locator<'_, '_>) -> (usize, Vec<Word>) {
    let bytes = line.as_bytes();
    let len = bytes.len();
    let mut flags = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut word_start = 0;
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut ch = 0u8;
    let mut pos = 0;
    while pos <= len {
        if let Some(&b) = bytes.get(pos) {
            ch = b;
        }
        if phase == Phase::Spaces {
            if pos == len {
                break;
            }
            if is_space_byte(ch) {
                pos += 1;
                continue;
            }
            if ch != b'-' || bytes.get(pos + 1) != Some(&b'-') {
                return (pos, flags);
            }
            if let Some(end) = plain_word_end(bytes, pos) {
                let text = line.get(pos..end).unwrap_or_default();
                if text == "--" {
                    return (end, flags);
                }
                flags.push(loc.word(text.to_owned(), base + pos, base + end));
                pos = end;
                continue;
            }
            phase = Phase::Word;
            word_start = pos;
        }
        if pos == len {
            if word != "--" && (blank_ok || !word.is_empty()) {
                flags.push(loc.word(word, base + word_start, base + pos));
            }
            break;
        }
        if phase == Phase::Word {
            if is_space_byte(ch) {
                phase = Phase::Spaces;
                if word == "--" {
                    return (pos, flags);
                }
                if blank_ok || !word.is_empty() {
                    let text = std::mem::take(&mut word);
                    flags.push(loc.word(text, base + word_start, base + pos));
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == b'\'' || ch == b'"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            if ch == b'\\' {
                if pos + 1 == len {
                    pos += 1;
                    continue;
                }
                pos += 1;
                ch = bytes.get(pos).copied().unwrap_or(ch);
            }
            word.push(char::from(ch));
            pos += 1;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        if ch == b'\\' {
            if pos + 1 == len {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            ch = bytes.get(pos).copied().unwrap_or(ch);
        }
        word.push(char::from(ch));
        pos += 1;
    }
    (len, flags)
}

/// Fast path: the end of the word starting at `start` if it is plain ASCII without quotes
/// or backslashes, so that the flag is exactly the source text.
fn plain_word_end(bytes: &[u8], start: usize) -> Option<usize> {
    let rest = bytes.get(start..)?;
    let len = rest
        .iter()
        .position(|&b| is_space_byte(b))
        .unwrap_or(rest.len());
    let word = rest.get(..len)?;
    word.iter()
        .all(|&b| b.is_ascii() && !matches!(b, b'"' | b'\'' | b'\\'))
        .then_some(start + len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::locate::{columns, with_line};

    fn split(line: &str) -> (String, Vec<String>, String) {
        with_line(line, |loc| {
            let c = split_command(line, 0, loc);
            let flags = c.flags.into_iter().map(|f| f.text).collect();
            (c.keyword.to_owned(), flags, c.rest.to_owned())
        })
    }

    fn owned(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keyword_flags_rest() {
        assert_eq!(
            split("  COPY --from=a --chown=1:1  src dst  "),
            (
                "COPY".into(),
                owned(&["--from=a", "--chown=1:1"]),
                "src dst".into()
            )
        );
        assert_eq!(split("RUN"), ("RUN".into(), vec![], "".into()));
        assert_eq!(
            split("CMD\t[\"a\"]"),
            ("CMD".into(), vec![], "[\"a\"]".into())
        );
    }

    #[test]
    fn flags_remove_quotes_and_process_escapes() {
        assert_eq!(
            split(r#"LABEL --label="a b" --x='c d' --y=e\ f g"#).1,
            owned(&["--label=a b", "--x=c d", "--y=e f"])
        );
    }

    #[test]
    fn double_dash_ends_flags() {
        assert_eq!(
            split("COPY -- foo /tmp/"),
            ("COPY".into(), vec![], "foo /tmp/".into())
        );
        assert_eq!(split("COPY --doit=true -- foo").1, owned(&["--doit=true"]));
        assert_eq!(
            split("CMD --doit -- [ ]"),
            ("CMD".into(), owned(&["--doit"]), "[ ]".into())
        );
        assert_eq!(split("COPY --a --").1, owned(&["--a"]));
        assert_eq!(split("COPY --a --").2, "");
    }

    #[test]
    fn single_dash_is_not_a_flag() {
        assert_eq!(split("RUN -x --y").2, "-x --y");
    }

    #[test]
    fn offsets_point_into_the_line() {
        let line = "  RUN --mount=x  echo hi";
        let (start, flag, rest) = with_line(line, |loc| {
            let c = split_command(line, 0, loc);
            (c.keyword_start, columns(&c.flags[0]), c.rest_start)
        });
        assert_eq!((start, flag, rest), (2, (6, 15), 17));
    }

    #[test]
    fn bytes_are_widened_like_go() {
        // 'é' is C3 A9: each byte becomes its own character.
        assert_eq!(split("COPY --x=é y").1, owned(&["--x=Ã©"]));
        // 'à' is C3 A0, and 0xA0 counts as a blank.
        assert_eq!(
            split("COPY --x=à y"),
            ("COPY".into(), owned(&["--x=Ã"]), "y".into())
        );
    }
}
