//! Mapping byte offsets in a logical line (continuations joined) back to physical line and
//! character column.

use super::ast::{Position, Span, Word};

/// A piece of the logical line copied from one physical line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment<'a> {
    /// Byte offset in the logical line where this piece starts.
    pub logical: usize,
    /// 1-based physical line number.
    pub line: usize,
    /// The physical line's text.
    pub text: &'a str,
    /// Byte offset in `text` where this piece starts.
    pub offset: usize,
}

impl<'a> Segment<'a> {
    pub fn new(logical: usize, line: usize, text: &'a str, offset: usize) -> Self {
        Segment {
            logical,
            line,
            text,
            offset,
        }
    }
}

/// Converts logical offsets to positions. Lookups in increasing order are linear overall.
pub(crate) struct Locator<'s, 'a> {
    segments: &'s [Segment<'a>],
    /// Last non-ASCII lookup: segment index, byte in line, characters before that byte.
    cursor: (usize, usize, usize),
    /// Segment index last checked for being pure ASCII, and the answer (checked lazily:
    /// the middle lines of a long continuation are usually never looked up).
    ascii: (usize, bool),
}

impl<'s, 'a> Locator<'s, 'a> {
    pub fn new(segments: &'s [Segment<'a>]) -> Self {
        Locator {
            segments,
            cursor: (usize::MAX, 0, 0),
            ascii: (usize::MAX, false),
        }
    }

    /// Position of the character containing logical byte `offset`.
    pub fn position(&mut self, offset: usize) -> Position {
        self.locate(offset).0
    }

    /// [`Locator::position`], and how far (exclusive logical offset) the same pure ASCII
    /// segment extends from there (0 when the segment is not ASCII).
    fn locate(&mut self, offset: usize) -> (Position, usize) {
        let index = if self.segments.len() == 1 {
            0
        } else {
            self.segments
                .partition_point(|s| s.logical <= offset)
                .saturating_sub(1)
        };
        let Some(seg) = self.segments.get(index) else {
            return (Position::default(), 0);
        };
        let byte = (seg.offset + (offset - seg.logical.min(offset))).min(seg.text.len());
        if self.ascii.0 != index {
            self.ascii = (index, seg.text.is_ascii());
        }
        let column = if self.ascii.1 {
            byte
        } else {
            self.column(index, seg.text.as_bytes(), byte)
        };
        // logical end of this segment when it is ASCII (so columns follow bytes), else 0
        let ascii_until = if self.ascii.1 {
            let next = self
                .segments
                .get(index + 1)
                .map_or(usize::MAX, |s| s.logical);
            let line_end = seg.logical + (seg.text.len() - seg.offset.min(seg.text.len()));
            next.min(line_end)
        } else {
            0
        };
        (
            Position {
                line: seg.line,
                column,
            },
            ascii_until,
        )
    }

    /// Span from logical byte `start` to the character before exclusive `end`.
    pub fn span(&mut self, start: usize, end: usize) -> Span {
        let (start_pos, ascii_until) = self.locate(start);
        let end_pos = if end <= start {
            start_pos
        } else if end <= ascii_until {
            // same ASCII segment: the column advances with the bytes
            Position {
                line: start_pos.line,
                column: start_pos.column + (end - 1 - start),
            }
        } else {
            self.position(end - 1)
        };
        Span {
            start: start_pos,
            end: end_pos,
            file: 0,
        }
    }

    /// A word with the span of logical bytes `start..end`.
    pub fn word(&mut self, text: String, start: usize, end: usize) -> Word {
        Word {
            span: self.span(start, end),
            text,
        }
    }

    fn column(&mut self, index: usize, bytes: &[u8], byte: usize) -> usize {
        let (seg, from, before) = self.cursor;
        let (from, before) = if seg == index && from <= byte {
            (from, before)
        } else {
            (0, 0)
        };
        let starts = before + count_char_starts(bytes.get(from..byte).unwrap_or_default());
        self.cursor = (index, byte, starts);
        let inside_char = bytes.get(byte).is_some_and(|&b| is_continuation(b));
        starts - usize::from(inside_char && starts > 0)
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0xc0 == 0x80
}

fn count_char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| !is_continuation(b)).count()
}

/// End position of a whole physical line (its last character, or column 0 when empty).
pub(crate) fn line_end(line: usize, text: &str) -> Position {
    let chars = if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    };
    Position {
        line,
        column: chars.saturating_sub(1),
    }
}

/// Runs `f` with a locator for a single ASCII line `text` (line 1), so that columns equal
/// byte offsets. For unit tests of the argument readers.
#[cfg(test)]
pub(crate) fn with_line<R>(text: &str, f: impl FnOnce(&mut Locator<'_, '_>) -> R) -> R {
    let segments = [Segment::new(0, 1, text, 0)];
    let mut loc = Locator::new(&segments);
    f(&mut loc)
}

/// Start and exclusive end column of a word on one line (empty words give `(s, s)`).
#[cfg(test)]
pub(crate) fn columns(word: &Word) -> (usize, usize) {
    let start = word.span.start.column;
    if word.text.is_empty() && word.span.start == word.span.end {
        (start, start)
    } else {
        (start, word.span.end.column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_offsets_across_segments() {
        // logical "RUN a b" built from "RUN a \" (line 3) and "  b" (line 4)
        let segs = [
            Segment::new(0, 3, "RUN a \\", 0),
            Segment::new(6, 4, "  b", 0),
        ];
        let mut loc = Locator::new(&segs);
        assert_eq!(loc.position(4), Position { line: 3, column: 4 });
        assert_eq!(loc.position(8), Position { line: 4, column: 2 });
    }

    #[test]
    fn spans_across_segments_and_within_one() {
        let segs = [
            Segment::new(0, 3, "  RUN ab \\", 2),
            Segment::new(7, 4, " cd", 0),
        ];
        let mut loc = Locator::new(&segs);
        // "ab" within line 3
        let span = loc.span(4, 6);
        assert_eq!(
            (span.start, span.end),
            (
                Position { line: 3, column: 6 },
                Position { line: 3, column: 7 }
            )
        );
        // "ab  cd" crossing into line 4
        let span = loc.span(4, 10);
        assert_eq!(span.end, Position { line: 4, column: 2 });
    }

    #[test]
    fn counts_characters_not_bytes() {
        let segs = [Segment::new(0, 1, "  ENV é=ü x", 2)];
        let mut loc = Locator::new(&segs);
        // logical "ENV é=ü x": 'x' is at byte 10 of the logical line, char column 10 of the
        // physical line
        assert_eq!(loc.position(10).column, 10);
        assert_eq!(loc.position(4).column, 6);
        // the second byte of 'é' belongs to the same column
        assert_eq!(loc.position(5).column, 6);
    }
}
