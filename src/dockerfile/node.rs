//! One logical line → one [`Node`] (BuildKit's `newNodeFromLine`).

use super::args::{Shape, shape_args, shape_for};
use super::ast::{Node, Span};
use super::locate::Locator;
use super::split::split_command;
use super::text::go_lower;

/// `ONBUILD ONBUILD …` deeper than this is rejected (BuildKit rejects any chaining later, at
/// instruction parsing; the cap keeps recursion bounded on hostile input).
const MAX_ONBUILD_DEPTH: usize = 64;

/// Builds the node for `line`, which starts at byte `base` of the logical line `loc` maps.
pub(crate) fn build_node(
    line: &str,
    base: usize,
    escape: char,
    loc: &mut Locator<'_, '_>,
    depth: usize,
) -> Result<Node, String> {
    let cmd = split_command(line, base, loc);
    let keyword = go_lower(cmd.keyword);
    let keyword_start = base + cmd.keyword_start;
    let keyword_span = loc.span(keyword_start, keyword_start + cmd.keyword.len());
    let rest_start = base + cmd.rest_start;
    let shape = shape_for(&keyword);
    let (args, json, onbuild) = if shape == Shape::SubCommand {
        if cmd.rest.is_empty() {
            (Vec::new(), false, None)
        } else if depth >= MAX_ONBUILD_DEPTH {
            return Err("ONBUILD instructions are nested too deeply".to_owned());
        } else {
            let child = build_node(cmd.rest, rest_start, escape, loc, depth + 1)?;
            (Vec::new(), false, Some(Box::new(child)))
        }
    } else {
        let shaped = shape_args(shape, cmd.rest, rest_start, escape, loc)?;
        (shaped.args, shaped.json, None)
    };
    Ok(Node {
        keyword,
        keyword_span,
        flags: cmd.flags,
        args,
        json,
        onbuild,
        heredocs: Vec::new(),
        original: line.to_owned(),
        comments: Vec::new(),
        span: Span::default(),
    })
}

/// BuildKit's `canContainHeredoc`: RUN/COPY/ADD not in JSON form, also one level under
/// ONBUILD.
pub(crate) fn can_contain_heredoc(node: &Node) -> bool {
    let inner = match (&node.onbuild, node.keyword.as_str()) {
        (Some(child), "onbuild") => child,
        _ => node,
    };
    matches!(inner.keyword.as_str(), "run" | "copy" | "add") && !inner.json
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::ast::Position;
    use crate::dockerfile::locate::Segment;

    fn node(line: &str) -> Result<Node, String> {
        let segs = [Segment::new(0, 1, line, 0)];
        let mut loc = Locator::new(&segs);
        build_node(line, 0, '\\', &mut loc, 0)
    }

    #[test]
    fn builds_keyword_flags_and_args() {
        let n = node("COPY --from=b  a b").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(n.keyword, "copy");
        assert_eq!(n.flags[0].text, "--from=b");
        assert_eq!(
            n.args.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(
            n.args[1].span.start,
            Position {
                line: 1,
                column: 17
            }
        );
        assert_eq!(n.keyword_span.end, Position { line: 1, column: 3 });
    }

    #[test]
    fn onbuild_nests() {
        let n = node("ONBUILD RUN [\"echo\", \"x\"]").unwrap_or_else(|e| panic!("{e}"));
        let child = n
            .onbuild
            .as_deref()
            .map(|c| (c.keyword.clone(), c.json, c.args.len()));
        assert_eq!(child, Some(("run".to_owned(), true, 2)));
        assert!(n.args.is_empty());
        assert!(!can_contain_heredoc(&n));
        let n = node("ONBUILD COPY <<EOF /x").unwrap_or_else(|e| panic!("{e}"));
        assert!(can_contain_heredoc(&n));
        let n = node("ONBUILD ONBUILD RUN x").unwrap_or_else(|e| panic!("{e}"));
        assert!(!can_contain_heredoc(&n));
    }

    #[test]
    fn deep_onbuild_is_an_error_not_a_crash() {
        let line = "ONBUILD ".repeat(8_000) + "RUN x";
        assert!(node(&line).is_err());
    }
}
