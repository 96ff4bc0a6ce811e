//! Per-keyword argument shapes (BuildKit's dispatch table in `line_parsers.go`).

use super::ast::Word;
use super::json::{JsonArray, parse_array};
use super::locate::Locator;
use super::text::{byte_range, go_quote, is_space_byte, is_split_space, tail};
use std::ops::ControlFlow;

use super::words::{Bounds, bounds_text, parse_words, scan_words, split_whitespace};

/// How a keyword's arguments are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// ADD, COPY, VOLUME: JSON array of strings, else whitespace-split.
    JsonOrList,
    /// RUN, CMD, ENTRYPOINT, SHELL: JSON array of strings, else the whole rest.
    JsonOrString,
    /// ARG: quote-aware words.
    Words,
    /// ENV, LABEL: key/value/separator triples; the payload names the keyword for errors.
    KeyValue(&'static str),
    /// FROM, EXPOSE: whitespace-split.
    List,
    /// HEALTHCHECK: a type word, then the rest like CMD.
    Health,
    /// MAINTAINER, USER, WORKDIR, STOPSIGNAL: the whole rest.
    String,
    /// ONBUILD: a nested instruction.
    SubCommand,
    /// Unknown keyword: a single empty argument.
    Ignore,
}

/// The shape for a lower-cased keyword.
pub(crate) fn shape_for(keyword: &str) -> Shape {
    match keyword {
        "add" | "copy" | "volume" => Shape::JsonOrList,
        "run" | "cmd" | "entrypoint" | "shell" => Shape::JsonOrString,
        "arg" => Shape::Words,
        "env" => Shape::KeyValue("ENV"),
        "label" => Shape::KeyValue("LABEL"),
        // INCLUDE is rustfront's own (see `instructions::include`); upstream ignores its words.
        "from" | "expose" | "include" => Shape::List,
        "healthcheck" => Shape::Health,
        "maintainer" | "user" | "workdir" | "stopsignal" => Shape::String,
        "onbuild" => Shape::SubCommand,
        _ => Shape::Ignore,
    }
}

/// Arguments in their shape, and whether they came from a JSON array.
#[derive(Debug, Default)]
pub(crate) struct Shaped {
    pub args: Vec<Word>,
    pub json: bool,
}

/// The error for valid JSON with non-string elements.
pub(crate) const NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

/// Reads `rest` (trimmed, starting at logical offset `base`) in `shape`. `SubCommand` is
/// handled by the caller and gives nothing here.
pub(crate) fn shape_args(
    shape: Shape,
    rest: &str,
    base: usize,
    escape: char,
    loc: &mut Locator<'_, '_>,
) -> Result<Shaped, String> {
    let args = match shape {
        Shape::JsonOrList => return json_or_list(rest, base, loc),
        Shape::JsonOrString => return json_or_string(rest, base, loc),
        Shape::Health => return health(rest, base, loc),
        Shape::Words => parse_words(rest, escape, base, loc),
        Shape::KeyValue(keyword) => key_values(rest, base, escape, keyword, loc)?,
        Shape::List if rest.is_empty() => Vec::new(),
        Shape::List => split_whitespace(rest, base, loc),
        Shape::String if rest.is_empty() => Vec::new(),
        Shape::String => vec![literal(rest, base, loc)],
        Shape::SubCommand => Vec::new(),
        Shape::Ignore => vec![loc.word(String::new(), base, base)],
    };
    Ok(Shaped { args, json: false })
}

/// `text` as one word starting at logical offset `start`.
fn literal(text: &str, start: usize, loc: &mut Locator<'_, '_>) -> Word {
    loc.word(text.to_owned(), start, start + text.len())
}

fn json_or_string(rest: &str, base: usize, loc: &mut Locator<'_, '_>) -> Result<Shaped, String> {
    if rest.is_empty() {
        return Ok(Shaped::default());
    }
    match json(rest, base, loc) {
        JsonArray::Strings(args) => Ok(Shaped { args, json: true }),
        JsonArray::NotStrings => Err(NOT_STRING_ARRAY.to_owned()),
        JsonArray::Invalid => Ok(Shaped {
            args: vec![literal(rest, base, loc)],
            json: false,
        }),
    }
}

fn json_or_list(rest: &str, base: usize, loc: &mut Locator<'_, '_>) -> Result<Shaped, String> {
    match json(rest, base, loc) {
        JsonArray::Strings(args) => Ok(Shaped { args, json: true }),
        JsonArray::NotStrings => Err(NOT_STRING_ARRAY.to_owned()),
        JsonArray::Invalid if rest.is_empty() => Ok(Shaped::default()),
        JsonArray::Invalid => Ok(Shaped {
            args: split_whitespace(rest, base, loc),
            json: false,
        }),
    }
}

fn json(rest: &str, base: usize, loc: &mut Locator<'_, '_>) -> JsonArray {
    let trimmed = rest.trim_start();
    if !trimmed.starts_with('[') {
        return JsonArray::Invalid;
    }
    parse_array(trimmed, base + rest.len() - trimmed.len(), loc)
}

/// HEALTHCHECK: the first word (found byte by byte, like BuildKit), then the rest like CMD.
fn health(rest: &str, base: usize, loc: &mut Locator<'_, '_>) -> Result<Shaped, String> {
    let bytes = rest.as_bytes();
    let sep = bytes
        .iter()
        .position(|&b| is_space_byte(b))
        .unwrap_or(bytes.len());
    if sep == 0 {
        return Ok(Shaped::default());
    }
    let next = bytes
        .iter()
        .skip(sep)
        .position(|&b| !is_space_byte(b))
        .map_or(bytes.len(), |p| sep + p);
    let kind = loc.word(byte_range(rest, 0, sep), base, base + sep);
    let cmd_text = match rest.get(next..) {
        Some(t) => std::borrow::Cow::Borrowed(t),
        None => std::borrow::Cow::Owned(byte_range(rest, next, bytes.len())),
    };
    let cmd = json_or_string(&cmd_text, base + next, loc)?;
    let mut args = Vec::with_capacity(1 + cmd.args.len());
    args.push(kind);
    args.extend(cmd.args);
    Ok(Shaped {
        args,
        json: cmd.json,
    })
}

/// ENV/LABEL: `KEY value` (legacy) or `k=v k2=v2`, as key, value, separator triples.
fn key_values(
    rest: &str,
    base: usize,
    escape: char,
    keyword: &str,
    loc: &mut Locator<'_, '_>,
) -> Result<Vec<Word>, String> {
    let mut first: Option<Bounds> = None;
    scan_words(rest, escape, |b| {
        first = Some(b);
        ControlFlow::Break(())
    });
    let Some(first) = first else {
        return Ok(Vec::new());
    };
    if !bounds_text(rest, first, escape).contains('=') {
        let bytes = rest.as_bytes();
        let Some(gap_start) = bytes.iter().position(|&b| is_split_space(b)) else {
            return Err(format!("{keyword} must have two arguments"));
        };
        let gap_end = bytes
            .iter()
            .skip(gap_start)
            .position(|&b| !is_split_space(b))
            .map_or(bytes.len(), |p| gap_start + p);
        let key = literal(rest.get(..gap_start).unwrap_or_default(), base, loc);
        let value = literal(tail(rest, gap_end), base + gap_end, loc);
        let sep = loc.word(String::new(), base + bytes.len(), base + bytes.len());
        return Ok(vec![key, value, sep]);
    }
    let mut args = Vec::with_capacity(3 * rest.bytes().filter(|&b| b == b'=').count());
    let mut error = None;
    scan_words(rest, escape, |b| {
        let text = bounds_text(rest, b, escape);
        let Some(eq) = text.find('=') else {
            let mut quoted = String::new();
            go_quote(text, &mut quoted);
            error = Some(format!(
                "Syntax error - can't find = in {quoted}. Must be of the form: name=value"
            ));
            return ControlFlow::Break(());
        };
        let (start, end) = (base + b.start, base + b.end);
        let eq_at = start + eq;
        let key = loc.word(text.get(..eq).unwrap_or_default().to_owned(), start, eq_at);
        let sep = loc.word("=".to_owned(), eq_at, eq_at + 1);
        let value = loc.word(tail(text, eq + 1).to_owned(), eq_at + 1, end.max(eq_at + 1));
        args.extend([key, value, sep]);
        ControlFlow::Continue(())
    });
    match error {
        Some(message) => Err(message),
        None => Ok(args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::locate::{columns, with_line};

    fn texts(shape: Shape, rest: &str) -> Result<(Vec<String>, bool), String> {
        with_line(rest, |loc| shape_args(shape, rest, 0, '\\', loc))
            .map(|s| (s.args.into_iter().map(|a| a.text).collect(), s.json))
    }

    fn ok(shape: Shape, rest: &str) -> Vec<String> {
        texts(shape, rest).map(|t| t.0).unwrap_or_default()
    }

    #[test]
    fn go_test_cases_key_value_shapes() {
        // GO_TEST_CASES 1.6
        assert_eq!(ok(Shape::KeyValue("LABEL"), "foo bar"), ["foo", "bar", ""]);
        assert_eq!(
            ok(Shape::KeyValue("LABEL"), "foo=bar thing=star"),
            ["foo", "bar", "=", "thing", "star", "="]
        );
        assert_eq!(
            texts(Shape::KeyValue("ENV"), "foo"),
            Err("ENV must have two arguments".to_owned())
        );
    }

    #[test]
    fn legacy_value_is_verbatim() {
        assert_eq!(
            ok(Shape::KeyValue("ENV"), "SCUBA \"1 DUBA 3\""),
            ["SCUBA", "\"1 DUBA 3\"", ""]
        );
        assert_eq!(ok(Shape::KeyValue("ENV"), "A\t\tb  c"), ["A", "b  c", ""]);
    }

    #[test]
    fn new_form_requires_equals_everywhere() {
        assert_eq!(
            texts(Shape::KeyValue("ENV"), "a=b c"),
            Err("Syntax error - can't find = in \"c\". Must be of the form: name=value".to_owned())
        );
        assert_eq!(
            ok(Shape::KeyValue("ENV"), "a= b=c=d"),
            ["a", "", "=", "b", "c=d", "="]
        );
    }

    #[test]
    fn json_shapes() {
        assert_eq!(
            texts(Shape::JsonOrString, "[\"a\", \"b\"]"),
            Ok((vec!["a".into(), "b".into()], true))
        );
        assert_eq!(
            texts(Shape::JsonOrString, "echo [\"a\"]"),
            Ok((vec!["echo [\"a\"]".into()], false))
        );
        assert_eq!(
            texts(Shape::JsonOrString, "[1]"),
            Err(NOT_STRING_ARRAY.to_owned())
        );
        assert_eq!(texts(Shape::JsonOrString, ""), Ok((vec![], false)));
        assert_eq!(ok(Shape::JsonOrList, "\"a b\" c"), ["\"a", "b\"", "c"]);
        assert_eq!(texts(Shape::JsonOrList, "[]"), Ok((vec![], true)));
        assert_eq!(texts(Shape::JsonOrList, ""), Ok((vec![], false)));
    }

    #[test]
    fn health_shapes() {
        assert_eq!(ok(Shape::Health, ""), Vec::<String>::new());
        assert_eq!(ok(Shape::Health, "CMD"), ["CMD"]);
        assert_eq!(ok(Shape::Health, "CMD   a b"), ["CMD", "a b"]);
        assert_eq!(
            texts(Shape::Health, "CMD [\"foo\"]"),
            Ok((vec!["CMD".into(), "foo".into()], true))
        );
        assert_eq!(
            ok(Shape::Health, "CONNECT TCP 7000"),
            ["CONNECT", "TCP 7000"]
        );
    }

    #[test]
    fn other_shapes() {
        assert_eq!(
            ok(Shape::Words, "abc=\"123 456\" def"),
            ["abc=\"123 456\"", "def"]
        );
        assert_eq!(ok(Shape::List, "x AS y"), ["x", "AS", "y"]);
        assert_eq!(ok(Shape::String, "a  b"), ["a  b"]);
        assert_eq!(ok(Shape::Ignore, "whatever"), [""]);
        assert_eq!(ok(Shape::Ignore, ""), [""]);
    }

    #[test]
    fn key_value_offsets() {
        let rest = "a=bc d=e";
        let args = with_line(rest, |loc| {
            shape_args(Shape::KeyValue("ENV"), rest, 0, '\\', loc)
        })
        .unwrap_or_default();
        let spans: Vec<_> = args.args.iter().map(columns).collect();
        assert_eq!(spans, [(0, 1), (2, 4), (1, 2), (5, 6), (7, 8), (6, 7)]);
    }
}
