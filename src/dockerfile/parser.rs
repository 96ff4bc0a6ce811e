//! The main loop: physical lines → directives, comments, logical lines, nodes and heredoc
//! bodies (BuildKit's `parser.Parse`).

use std::borrow::Cow;

use super::ParseError;
use super::ast::{Directive, Dockerfile, Heredoc, Node, Position, Span, Warning};
use super::directives::{DirectiveScanner, escape_token};
use super::heredoc::{HeredocMarker, heredocs_from_line};
use super::lines::{Line, Lines, TOO_LONG_MESSAGE};
use super::locate::{Locator, line_end};
use super::logical::{Joiner, trim_continuation};
use super::node::{build_node, can_contain_heredoc};

const EMPTY_CONTINUATION_DETAIL: &str =
    "Empty continuation lines will become errors in a future release";
const EMPTY_CONTINUATION_URL: &str =
    "https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/";

/// The input as text: borrowed when valid UTF-8, with the byte-order mark removed.
pub(crate) fn decode(input: &[u8]) -> (Cow<'_, str>, usize) {
    const BOM: &[u8] = b"\xef\xbb\xbf";
    let (body, bom_len) = match input.strip_prefix(BOM) {
        Some(body) => (body, BOM.len()),
        None => (input, 0),
    };
    let text = match std::str::from_utf8(body) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(body),
    };
    (text, bom_len)
}

/// Parses `src` (valid UTF-8, byte-order mark already removed: `bom_len` bytes). `raw` is
/// the original input when `src` had invalid UTF-8 replaced.
pub(crate) fn parse_text(
    src: &str,
    bom_len: usize,
    raw: Option<&[u8]>,
) -> Result<Dockerfile, ParseError> {
    let mut parser = Parser {
        src,
        lines: Lines::new(src, bom_len, raw),
        escape: '\\',
        scanner: DirectiveScanner::default(),
        directives: Vec::new(),
        nodes: Vec::with_capacity(node_estimate(src)),
        warnings: Vec::new(),
        comments: Vec::new(),
        last_line: 0,
    };
    let mut joiner = Joiner::default();
    while let Some(first) = parser.lines.next() {
        parser.last_line = first.number;
        if let Some(node) = parser.instruction(first, &mut joiner)? {
            parser.nodes.push(node);
        }
    }
    parser.finish()
}

/// Parser state between instructions.
struct Parser<'a> {
    src: &'a str,
    lines: Lines<'a>,
    escape: char,
    scanner: DirectiveScanner,
    directives: Vec<Directive>,
    nodes: Vec<Node>,
    warnings: Vec<Warning>,
    /// Comments seen since the previous instruction.
    comments: Vec<String>,
    /// Number of the last physical line read.
    last_line: usize,
}

impl<'a> Parser<'a> {
    /// Handles the physical line `first` and, if it starts an instruction, everything that
    /// belongs to it: continuation lines and heredoc bodies.
    fn instruction(
        &mut self,
        first: Line<'a>,
        joiner: &mut Joiner<'a>,
    ) -> Result<Option<Node>, ParseError> {
        let trimmed = first.text.trim_start();
        let is_comment = trimmed.starts_with('#');
        if is_comment {
            self.comment(first.text);
        }
        self.directive(&first, trimmed)?;
        let content = if is_comment { "" } else { trimmed };
        let (content, ends) = trim_continuation(content, self.escape);
        if ends && content.is_empty() {
            return Ok(None);
        }

        let indent = first.text.len() - trimmed.len();
        let joined = joiner.read(first, indent, content, ends, &mut self.lines, self.escape);
        self.last_line = joined.last.number;
        let line = joiner.line();
        if joined.empty_continuation {
            self.warn_empty_continuation(line);
        }
        let start_line = first.number;
        let mut locator = Locator::new(joiner.segments());
        let mut node = build_node(line, 0, self.escape, &mut locator, 0)
            .map_err(|message| ParseError::lines(start_line, self.last_line, message))?;

        let mut last = joined.last;
        if can_contain_heredoc(&node) && line.contains("<<") {
            let markers = heredocs_from_line(line)
                .map_err(|e| ParseError::lines(start_line, self.last_line, e.0))?;
            for marker in markers {
                let (heredoc, terminator) = self.heredoc_body(marker, start_line)?;
                node.heredocs.push(heredoc);
                last = terminator;
            }
        }

        let start_column = if node.keyword_span.start.line == start_line {
            node.keyword_span.start.column
        } else {
            0
        };
        node.span = Span {
            start: Position {
                line: start_line,
                column: start_column,
            },
            end: line_end(last.number, last.text),
            file: 0,
        };
        let mut nested = node.onbuild.as_deref_mut();
        while let Some(child) = nested {
            child.span = node.span;
            nested = child.onbuild.as_deref_mut();
        }
        node.comments = std::mem::take(&mut self.comments);
        Ok(Some(node))
    }

    /// Records a comment line (an empty `#` clears the comments collected so far).
    fn comment(&mut self, text: &str) {
        let comment = comment_text(text);
        if comment.is_empty() {
            self.comments.clear();
        } else {
            self.comments.push(comment);
        }
    }

    /// Checks a (left-trimmed) line for a parser directive while they are still allowed.
    fn directive(&mut self, line: &Line<'a>, trimmed: &str) -> Result<(), ParseError> {
        if self.scanner.done() {
            return Ok(());
        }
        let at_line = |message| ParseError::lines(line.number, line.number, message);
        let Some(found) = self.scanner.check(trimmed, "#").map_err(at_line)? else {
            return Ok(());
        };
        // a directive is not a comment of the first instruction
        self.comments.pop();
        if found.name == "escape" {
            self.escape = escape_token(&found.value).map_err(at_line)?;
        }
        self.directives.push(Directive {
            name: found.name,
            value: found.value,
            span: Span {
                start: Position {
                    line: line.number,
                    column: 0,
                },
                end: line_end(line.number, line.text),
                file: 0,
            },
        });
        Ok(())
    }

    fn warn_empty_continuation(&mut self, line: &str) {
        let at = Position {
            line: self.last_line,
            column: 0,
        };
        self.warnings.push(Warning {
            message: format!("Empty continuation line found in: {line}"),
            span: Span {
                start: at,
                end: at,
                file: 0,
            },
            detail: EMPTY_CONTINUATION_DETAIL.to_owned(),
            url: EMPTY_CONTINUATION_URL.to_owned(),
        });
    }

    /// Reads the body of one heredoc, up to and including its terminator line.
    fn heredoc_body(
        &mut self,
        marker: HeredocMarker,
        start_line: usize,
    ) -> Result<(Heredoc, Line<'a>), ParseError> {
        let body_start = self.lines.offset();
        let first_body_line = self.last_line + 1;
        let mut terminator = None;
        for body in self.lines.by_ref() {
            self.last_line = body.number;
            let candidate = if marker.chomp {
                body.text.trim_start_matches('\t')
            } else {
                body.text
            };
            if candidate == marker.name {
                terminator = Some(body);
                break;
            }
        }
        let Some(terminator) = terminator else {
            return Err(ParseError::lines(
                start_line,
                self.last_line,
                "unterminated heredoc".to_owned(),
            ));
        };
        let content = self
            .src
            .get(body_start..terminator.start)
            .unwrap_or_default();
        let heredoc = Heredoc {
            name: marker.name,
            content: content.to_owned(),
            expand: marker.expand,
            chomp: marker.chomp,
            span: Span {
                start: Position {
                    line: first_body_line,
                    column: 0,
                },
                end: line_end(terminator.number, terminator.text),
                file: 0,
            },
            file_descriptor: marker.file_descriptor,
        };
        Ok((heredoc, terminator))
    }

    fn finish(self) -> Result<Dockerfile, ParseError> {
        if self.nodes.is_empty() {
            return Err(ParseError::lines(
                self.last_line,
                self.last_line,
                "file with no instructions",
            ));
        }
        if let Some(line) = self.lines.too_long() {
            return Err(ParseError::lines(line, line, TOO_LONG_MESSAGE.to_owned()));
        }
        Ok(Dockerfile {
            directives: self.directives,
            escape: self.escape,
            nodes: self.nodes,
            warnings: self.warnings,
        })
    }
}

/// Room for the instructions of a typical file (one per ~48 bytes), so the node list is not
/// copied while growing; capped, larger files grow as usual.
fn node_estimate(src: &str) -> usize {
    (src.len() / 48 + 1).min(4096)
}

/// BuildKit's comment text: the line without its first byte, trimmed. (For an indented
/// comment this keeps the `#`, as upstream does.)
fn comment_text(text: &str) -> String {
    match text.get(1..) {
        Some(rest) => rest.trim().to_owned(),
        None => {
            let bytes = text.as_bytes().get(1..).unwrap_or_default();
            String::from_utf8_lossy(bytes).trim().to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_text_quirk() {
        assert_eq!(comment_text("# hello "), "hello");
        assert_eq!(comment_text("  # indented"), "# indented");
    }

    #[test]
    fn decode_strips_bom_and_replaces_invalid_utf8() {
        let (text, bom) = decode(b"\xef\xbb\xbfFROM x");
        assert_eq!((text.as_ref(), bom), ("FROM x", 3));
        assert!(matches!(decode(b"FROM x").0, Cow::Borrowed(_)));
        assert_eq!(decode(b"a\xffb").0, "a\u{fffd}b");
    }
}
