//! Physical lines, the way BuildKit's line scanner hands them out.
//!
//! Lines end at `\n`; all trailing `\r`/`\n` are stripped from the text. Like Go's
//! `bufio.Scanner` with a 64 KiB buffer, a line of 65 536 bytes or more (not counting its
//! `\n`) stops the scan: it and everything after it are treated as missing and the caller
//! reports [`TOO_LONG_MESSAGE`] at the end.

/// The error for a line the scanner cannot hold.
pub(crate) const TOO_LONG_MESSAGE: &str = "dockerfile line greater than max allowed size of 65535";

/// Longest accepted line, in bytes, without its `\n`.
const MAX_LINE: usize = 65_535;

/// One physical line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    /// 1-based line number.
    pub number: usize,
    /// Byte offset of the line's first byte in the source.
    pub start: usize,
    /// The line without trailing `\r`/`\n`.
    pub text: &'a str,
}

/// Iterator over the physical lines of a source text.
pub(crate) struct Lines<'a> {
    src: &'a str,
    pos: usize,
    number: usize,
    /// Extra bytes the original input had on the first line (a stripped byte-order mark).
    first_line_extra: usize,
    /// How the length limit is checked.
    limit: Limit,
    /// Set once the scan stopped at an over-long line: its number.
    too_long: Option<usize>,
}

impl<'a> Lines<'a> {
    /// Lines of `src`. `raw` is the original input when it differs from `src` (invalid
    /// UTF-8 was replaced), so that the length limit applies to the original bytes.
    pub fn new(src: &'a str, first_line_extra: usize, raw: Option<&[u8]>) -> Self {
        let limit = match raw {
            Some(raw) => Limit::StopAt(first_long_line(raw)),
            None => Limit::Inline,
        };
        Lines {
            src,
            pos: 0,
            number: 0,
            first_line_extra,
            limit,
            too_long: None,
        }
    }

    /// The number of the over-long line that stopped the scan, if any.
    pub fn too_long(&self) -> Option<usize> {
        self.too_long
    }

    /// Byte offset where the next line starts.
    pub fn offset(&self) -> usize {
        self.pos
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        let rest = self.src.get(self.pos..).filter(|r| !r.is_empty())?;
        let number = self.number + 1;
        let (content, advance) = match rest.find('\n') {
            Some(i) => (rest.get(..i).unwrap_or_default(), i + 1),
            None => (rest, rest.len()),
        };
        let extra = if number == 1 {
            self.first_line_extra
        } else {
            0
        };
        let too_long = match self.limit {
            Limit::Inline => content.len() + extra > MAX_LINE,
            Limit::StopAt(stop) => stop.is_some_and(|stop| number >= stop),
        };
        if too_long {
            self.too_long = Some(number);
            self.pos = self.src.len();
            return None;
        }
        let start = self.pos;
        self.pos += advance;
        self.number = number;
        Some(Line {
            number,
            start,
            text: content.trim_end_matches('\r'),
        })
    }
}

/// How [`Lines`] applies the line length limit.
#[derive(Debug, Clone, Copy)]
enum Limit {
    /// The source text is the raw input: check each line's length.
    Inline,
    /// The source text had invalid UTF-8 replaced: stop at this line, found in the raw bytes.
    StopAt(Option<usize>),
}

/// The 1-based number of the first line of `raw` longer than the scanner allows.
fn first_long_line(raw: &[u8]) -> Option<usize> {
    raw.split(|&b| b == b'\n')
        .position(|line| line.len() > MAX_LINE)
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<&str> {
        Lines::new(src, 0, None).map(|l| l.text).collect()
    }

    #[test]
    fn splits_and_trims_line_endings() {
        assert_eq!(texts("a\r\nb\r\r\n\nc"), ["a", "b", "", "c"]);
        assert_eq!(texts(""), Vec::<&str>::new());
        assert_eq!(texts("\n"), [""]);
        assert_eq!(texts("x\n"), ["x"]);
    }

    #[test]
    fn offsets_and_numbers() {
        let lines: Vec<_> = Lines::new("ab\ncd\n", 0, None).collect();
        assert_eq!((lines[1].number, lines[1].start), (2, 3));
    }

    #[test]
    fn stops_at_overlong_line() {
        let long = format!("a\n{}\nb\n", "x".repeat(65_536));
        let mut lines = Lines::new(&long, 0, None);
        assert_eq!(lines.next().map(|l| l.text), Some("a"));
        assert!(lines.next().is_none());
        assert_eq!(lines.too_long(), Some(2));
        let ok = format!("{}\n", "x".repeat(65_535));
        assert_eq!(Lines::new(&ok, 0, None).count(), 1);
        let with_bom = "x".repeat(65_533);
        let mut lines = Lines::new(&with_bom, 3, None);
        assert!(lines.next().is_none());
    }

    #[test]
    fn raw_bytes_decide_the_limit() {
        let mut raw = vec![b'a', b'\n'];
        raw.extend(std::iter::repeat_n(0xff, 65_536));
        let text = String::from_utf8_lossy(&raw);
        let mut lines = Lines::new(&text, 0, Some(&raw));
        assert!(lines.next().is_some());
        assert!(lines.next().is_none());
        assert_eq!(lines.too_long(), Some(2));
    }
}
