//! The main loop: physical lines → directives, comments, logical lines (continuations
//! joined), nodes and heredoc bodies (BuildKit's `parser.Parse`).

use std::borrow::Cow;

use super::ParseError;
use super::ast::{Directive, Dockerfile, Heredoc, Node, Position, Span, Warning};
use super::directives::{DirectiveScanner, escape_token};
use super::heredoc::heredocs_from_line;
use super::lines::{Line, Lines, TOO_LONG_MESSAGE};
use super::locate::{Locator, Segment, line_end};
use super::node::{build_node, can_contain_heredoc};

const EMPTY_CONTINUATION_DETAIL: &str =
    "Empty continuation lines will become errors in a future release";
const EMPTY_CONTINUATION_URL: &str =
    "https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/";

/// Parses `src` (valid UTF-8, byte-order mark already removed: `bom_len` bytes). `raw` is
/// the original input when `src` had invalid UTF-8 replaced.
pub(crate) fn parse_text(
    src: &str,
    bom_len: usize,
    raw: Option<&[u8]>,
) -> Result<Dockerfile, ParseError> {
    let mut lines = Lines::new(src, bom_len, raw);
    let mut escape = '\\';
    let mut scanner = DirectiveScanner::default();
    let mut directives = Vec::new();
    let mut nodes: Vec<Node> = Vec::with_capacity(node_estimate(src));
    let mut warnings = Vec::new();
    let mut comments: Vec<String> = Vec::new();
    let mut current_line = 0;
    let mut buf = String::new();
    let mut segments: Vec<Segment<'_>> = Vec::new();

    while let Some(first) = lines.next() {
        current_line = first.number;
        let raw_text = first.text;
        let trimmed = raw_text.trim_start();
        if trimmed.starts_with('#') {
            let comment = comment_text(raw_text);
            if comment.is_empty() {
                comments.clear();
            } else {
                comments.push(comment);
            }
        }
        if !scanner.done() {
            let found = scanner
                .check(trimmed, "#")
                .map_err(|message| ParseError::at(first.number, message))?;
            if let Some(found) = found {
                comments.pop();
                if found.name == "escape" {
                    escape = escape_token(&found.value)
                        .map_err(|message| ParseError::at(first.number, message))?;
                }
                directives.push(Directive {
                    name: found.name,
                    value: found.value,
                    span: whole_line(&first),
                });
            }
        }
        let content = if trimmed.starts_with('#') {
            ""
        } else {
            trimmed
        };
        let (content, mut end) = trim_continuation(content, escape);
        if end && content.is_empty() {
            continue;
        }

        let start_line = first.number;
        let mut last_text = raw_text;
        segments.clear();
        segments.push(Segment::new(
            0,
            first.number,
            raw_text,
            raw_text.len() - trimmed.len(),
        ));
        buf.clear();
        let mut joined = false;
        let mut empty_continuation = false;
        while !end {
            let Some(next) = lines.next() else { break };
            current_line = next.number;
            last_text = next.text;
            if is_comment(next.text) {
                continue;
            }
            if next.text.trim_start().is_empty() {
                empty_continuation = true;
                continue;
            }
            let (piece, piece_end) = trim_continuation(next.text, escape);
            end = piece_end;
            if !joined {
                buf.push_str(content);
                joined = true;
            }
            segments.push(Segment::new(buf.len(), next.number, next.text, 0));
            buf.push_str(piece);
        }
        let line: &str = if joined { &buf } else { content };

        if empty_continuation {
            warnings.push(Warning {
                message: format!("Empty continuation line found in: {line}"),
                span: Span {
                    start: Position {
                        line: current_line,
                        column: 0,
                    },
                    end: Position {
                        line: current_line,
                        column: 0,
                    },
                },
                detail: EMPTY_CONTINUATION_DETAIL.to_owned(),
                url: EMPTY_CONTINUATION_URL.to_owned(),
            });
        }

        let mut locator = Locator::new(&segments);
        let mut node = build_node(line, 0, escape, &mut locator, 0)
            .map_err(|message| ParseError::range(start_line, current_line, message))?;

        if can_contain_heredoc(&node) && line.contains("<<") {
            let markers = heredocs_from_line(line)
                .map_err(|e| ParseError::range(start_line, current_line, e.0))?;
            for marker in markers {
                let body_start = lines.offset();
                let first_body_line = current_line + 1;
                let mut terminator: Option<Line<'_>> = None;
                for body in lines.by_ref() {
                    current_line = body.number;
                    last_text = body.text;
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
                    return Err(ParseError::range(
                        start_line,
                        current_line,
                        "unterminated heredoc".to_owned(),
                    ));
                };
                let content = src.get(body_start..terminator.start).unwrap_or_default();
                node.heredocs.push(Heredoc {
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
                    },
                    file_descriptor: marker.file_descriptor,
                });
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
            end: line_end(current_line, last_text),
        };
        let mut nested = node.onbuild.as_deref_mut();
        while let Some(child) = nested {
            child.span = node.span;
            nested = child.onbuild.as_deref_mut();
        }
        node.comments = std::mem::take(&mut comments);
        nodes.push(node);
    }

    if nodes.is_empty() {
        return Err(ParseError::at(
            current_line,
            "file with no instructions".to_owned(),
        ));
    }
    if let Some(line) = lines.too_long() {
        return Err(ParseError::at(line, TOO_LONG_MESSAGE.to_owned()));
    }
    Ok(Dockerfile {
        directives,
        escape,
        nodes,
        warnings,
    })
}

/// Room for the instructions of a typical file (one per ~48 bytes), so the node list is not
/// copied while growing; capped, larger files grow as usual.
fn node_estimate(src: &str) -> usize {
    (src.len() / 48 + 1).min(4096)
}

/// A line whose first non-blank character is `#`.
fn is_comment(text: &str) -> bool {
    text.trim_start().starts_with('#')
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

/// Removes a trailing escape character (plus trailing blanks) that continues the line.
/// Returns the text and whether the instruction ends here. An escape character preceded by
/// another escape character does not continue the line.
fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    let kept = line.trim_end_matches([' ', '\t']);
    let Some(before) = kept.strip_suffix(escape) else {
        return (line, true);
    };
    if before.ends_with(escape) {
        return (line, true);
    }
    (before, false)
}

/// The span of a whole physical line.
fn whole_line(line: &Line<'_>) -> Span {
    Span {
        start: Position {
            line: line.number,
            column: 0,
        },
        end: line_end(line.number, line.text),
    }
}

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

    #[test]
    fn comment_text_quirk() {
        assert_eq!(comment_text("# hello "), "hello");
        assert_eq!(comment_text("  # indented"), "# indented");
    }
}
