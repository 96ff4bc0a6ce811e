//! Joining physical lines into one logical line: line continuations with the escape
//! character, comment lines inside a continuation, and empty continuation lines.

use super::lines::{Line, Lines};
use super::locate::Segment;

/// A logical line being assembled. The buffers are reused from one instruction to the next;
/// a single-line instruction is not copied at all.
#[derive(Default)]
pub(crate) struct Joiner<'a> {
    first: &'a str,
    buf: String,
    joined: bool,
    segments: Vec<Segment<'a>>,
}

/// What [`Joiner::read`] found besides the text.
pub(crate) struct Joined<'a> {
    /// The last physical line consumed.
    pub last: Line<'a>,
    /// A whitespace-only line was skipped inside the continuation.
    pub empty_continuation: bool,
}

impl<'a> Joiner<'a> {
    /// Starts a logical line with `content` from the first physical line `first`, where
    /// `content` begins `indent` bytes into the line, then reads continuation lines from
    /// `lines` while `ends` is false.
    pub fn read(
        &mut self,
        first: Line<'a>,
        indent: usize,
        content: &'a str,
        ends: bool,
        lines: &mut Lines<'a>,
        escape: char,
    ) -> Joined<'a> {
        self.first = content;
        self.joined = false;
        self.buf.clear();
        self.segments.clear();
        self.segments
            .push(Segment::new(0, first.number, first.text, indent));
        let mut joined = Joined {
            last: first,
            empty_continuation: false,
        };
        let mut ends = ends;
        while !ends {
            let Some(next) = lines.next() else { break };
            joined.last = next;
            let trimmed = next.text.trim_start();
            if trimmed.starts_with('#') {
                continue;
            }
            if trimmed.is_empty() {
                joined.empty_continuation = true;
                continue;
            }
            let (piece, piece_ends) = trim_continuation(next.text, escape);
            ends = piece_ends;
            if !self.joined {
                self.buf.push_str(self.first);
                self.joined = true;
            }
            self.segments
                .push(Segment::new(self.buf.len(), next.number, next.text, 0));
            self.buf.push_str(piece);
        }
        joined
    }

    /// The logical line.
    pub fn line(&self) -> &str {
        if self.joined { &self.buf } else { self.first }
    }

    /// Where each piece of the logical line came from.
    pub fn segments(&self) -> &[Segment<'a>] {
        &self.segments
    }
}

/// Removes a trailing escape character (plus trailing blanks) that continues the line.
/// Returns the text and whether the instruction ends here. An escape character preceded by
/// another escape character does not continue the line (BuildKit's regex cannot tell an
/// escaped escape character before a real continuation either).
pub(crate) fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    let kept = line.trim_end_matches([' ', '\t']);
    let Some(before) = kept.strip_suffix(escape) else {
        return (line, true);
    };
    if before.ends_with(escape) {
        return (line, true);
    }
    (before, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_rules() {
        assert_eq!(trim_continuation("a \\", '\\'), ("a ", false));
        assert_eq!(trim_continuation("a \\ \t ", '\\'), ("a ", false));
        assert_eq!(trim_continuation("\\", '\\'), ("", false));
        assert_eq!(trim_continuation("a\\\\", '\\'), ("a\\\\", true));
        assert_eq!(trim_continuation("a\\ b", '\\'), ("a\\ b", true));
        assert_eq!(trim_continuation("a `", '`'), ("a ", false));
        assert_eq!(trim_continuation("a \\", '`'), ("a \\", true));
    }

    fn join(src: &str) -> (String, usize, bool) {
        let mut lines = Lines::new(src, 0, None);
        let Some(first) = lines.next() else {
            return (String::new(), 0, false);
        };
        let (content, ends) = trim_continuation(first.text, '\\');
        let mut joiner = Joiner::default();
        let joined = joiner.read(first, 0, content, ends, &mut lines, '\\');
        (
            joiner.line().to_owned(),
            joined.last.number,
            joined.empty_continuation,
        )
    }

    #[test]
    fn joins_keeping_inner_whitespace() {
        assert_eq!(
            join("RUN a \\\n  b\\\n c\nX"),
            ("RUN a   b c".to_owned(), 3, false)
        );
        assert_eq!(join("RUN a\nb"), ("RUN a".to_owned(), 1, false));
    }

    #[test]
    fn skips_comments_and_reports_blank_lines() {
        assert_eq!(
            join("RUN a \\\n  # note\n\n b"),
            ("RUN a  b".to_owned(), 4, true)
        );
        // a line holding only the escape character (after blanks) adds just the blanks
        assert_eq!(
            join("RUN a \\\n \\\n b"),
            ("RUN a   b".to_owned(), 3, false)
        );
        assert_eq!(join("RUN a \\"), ("RUN a ".to_owned(), 1, false));
    }
}
