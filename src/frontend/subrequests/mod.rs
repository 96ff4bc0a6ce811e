//! Subrequests (`requestid`): answers in metadata rather than a build, as BuildKit's
//! `frontend/dockerui/requests.go` and `frontend/subrequests/` define them. Each one has its
//! own module; this one holds their definitions (for `frontend.subrequests.describe`) and the
//! encodings they share, written the way Go's `encoding/json` and `text/tabwriter` write them
//! (buildx parses and prints the results).

pub mod convertllb;
pub mod describe;
pub mod graph;
pub mod lint;
pub mod outline;
pub mod targets;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::dockerfile::Span;
use crate::gateway;
use crate::proto::moby::buildkit::v1::frontend::Result as BridgeResult;

/// A subrequest's description (upstream's `subrequests.Request`), in upstream's field order.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub name: &'static str,
    pub version: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub description: &'static str,
    /// `None` is Go's nil slice (`null`).
    pub opts: Option<&'static [Named]>,
    pub inputs: Option<&'static [Named]>,
    pub metadata: Option<&'static [Named]>,
    pub refs: Option<&'static [Named]>,
}

/// A named option, input, metadata key or ref of a subrequest.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Named {
    pub name: &'static str,
    pub description: &'static str,
}

/// The one option of the requests about a target (`--target`).
pub const TARGET_OPT: &[Named] = &[Named {
    name: "target",
    description: "Target build stage",
}];

impl Named {
    pub const fn new(name: &'static str) -> Self {
        Named {
            name,
            description: "",
        }
    }
}

/// The metadata keys of outline, targets and describe.
pub(crate) const JSON_AND_TEXT: [Named; 2] = [Named::new("result.json"), Named::new("result.txt")];

/// Every subrequest this frontend answers, as `frontend.subrequests.describe` lists them:
/// upstream's, then rustfront's own.
pub fn all() -> [&'static Request; 6] {
    [
        &outline::DEFINITION,
        &targets::DEFINITION,
        &lint::DEFINITION,
        &convertllb::DEFINITION,
        &describe::DEFINITION,
        &graph::DEFINITION,
    ]
}

/// The definition of the subrequest named `id`, if answered here.
pub fn find(id: &str) -> Option<&'static Request> {
    all().into_iter().find(|r| r.name == id)
}

/// A result carrying only metadata: `result.json`, `result.txt` when given, then the other
/// keys, and the subrequest's `version`.
pub(crate) fn result(
    request: &Request,
    json: String,
    text: Option<String>,
    extra: &[(&str, Vec<u8>)],
) -> BridgeResult {
    let mut metadata = BTreeMap::from([
        ("result.json".to_string(), json.into_bytes()),
        ("version".to_string(), request.version.as_bytes().to_vec()),
    ]);
    if let Some(text) = text {
        metadata.insert("result.txt".to_string(), text.into_bytes());
    }
    for (key, value) in extra {
        metadata.insert((*key).to_string(), value.clone());
    }
    gateway::metadata_result(metadata)
}

/// `value` as Go's `json.MarshalIndent(v, "", "  ")` writes it: two-space indent, and `<`,
/// `>`, `&`, U+2028 and U+2029 escaped (they only occur inside strings).
pub fn go_json<T: Serialize>(value: &T) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_string());
    crate::llb::go_html_escape(&text)
}

/// The files a request's answer points into: `(name, data)`, the Dockerfile first, then the
/// files it INCLUDEs (a location's `sourceIndex` indexes this list).
pub type SourceFiles = [(String, Vec<u8>)];

/// Bytes as Go's `encoding/json` writes a `[]byte`: standard base64 with padding.
pub use crate::llb::protojson::base64;

/// A `[]byte` as Go's `encoding/json` reads it (standard base64, padding optional); `None`
/// when it is not base64.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let digits = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

/// A source position as `pb.Position` marshals with `encoding/json` (zero fields omitted).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Position {
    #[serde(skip_serializing_if = "is_zero")]
    pub line: i32,
    #[serde(skip_serializing_if = "is_zero")]
    pub character: i32,
}

/// A `pb.Range`.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

/// A `pb.Location`: one range per line, as upstream locates an instruction.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    #[serde(skip_serializing_if = "is_zero")]
    pub source_index: i32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
}

fn is_zero(n: &i32) -> bool {
    *n == 0
}

impl Location {
    /// The lines of `span` (none when it names no line).
    pub fn of(span: Span) -> Self {
        if span.start.line == 0 {
            return Location::default();
        }
        let line = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        let (start, end) = (
            line(span.start.line),
            line(span.end.line.max(span.start.line)),
        );
        Location {
            source_index: i32::try_from(span.file).unwrap_or(i32::MAX),
            ranges: (start..=end)
                .map(|l| Range {
                    start: Position {
                        line: l,
                        character: 0,
                    },
                    end: Position {
                        line: l,
                        character: 0,
                    },
                })
                .collect(),
        }
    }

    /// The first and last line (0 when none).
    pub fn lines(&self) -> (usize, usize) {
        let to = |n: i32| usize::try_from(n).unwrap_or(0);
        let start = self.ranges.iter().map(|r| r.start.line).min().unwrap_or(0);
        let end = self
            .ranges
            .iter()
            .map(|r| r.end.line.max(r.start.line))
            .max()
            .unwrap_or(0);
        (to(start), to(end))
    }
}

/// Rows laid out as Go's `text/tabwriter` (min width 0, pad with spaces, no flags) does: every
/// cell but a row's last is padded to its column's widest cell plus `padding`.
pub fn tabwrite(rows: &[Vec<String>], padding: usize) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (j, cell) in row.iter().enumerate().take(row.len().saturating_sub(1)) {
            let width = cell.chars().count();
            match widths.get_mut(j) {
                Some(w) => *w = (*w).max(width),
                None => widths.push(width),
            }
        }
    }
    let mut out = String::new();
    for row in rows {
        let last = row.len().saturating_sub(1);
        for (j, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if j < last {
                let width = widths.get(j).copied().unwrap_or(0) + padding;
                out.extend(std::iter::repeat_n(' ', width - cell.chars().count()));
            }
        }
        out.push('\n');
    }
    out
}

/// The lines around `start..=end` of `data` as BuildKit prints a source snippet
/// (`errdefs.Source.Print`): the file name and first line, then each line numbered, the given
/// ones marked `>>>`.
pub fn source_snippet(filename: &str, data: &[u8], start: usize, end: usize) -> String {
    let text = String::from_utf8_lossy(data);
    let lines: Vec<&str> = text.split('\n').collect();
    if start < 1 || start > lines.len() {
        return String::new();
    }
    let end = end.max(start).min(lines.len());
    let (marked_start, marked_end) = (start, end);
    let pad = if end == start { 4 } else { 2 };
    let (mut first, mut last, mut p) = (start, end, 0);
    while p < pad {
        if first > 1 {
            first -= 1;
            p += 1;
        }
        if last != lines.len() {
            last += 1;
            p += 1;
        }
        p += 1;
    }
    let mut out = format!("{filename}:{start}\n--------------------\n");
    for (i, line) in lines.iter().enumerate().take(last).skip(first - 1) {
        let n = i + 1;
        let prefix = if (marked_start..=marked_end).contains(&n) {
            ">>>"
        } else {
            "   "
        };
        out.push_str(&format!(" {n:>3} | {prefix} {line}\n"));
    }
    out.push_str("--------------------\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_as_go_writes_it() {
        for data in [&b""[..], b"a", b"ab", b"abc", b"{\"config\":{}}\n\xff"] {
            assert_eq!(base64_decode(&base64(data)).as_deref(), Some(data));
        }
        assert_eq!(base64_decode("e30").as_deref(), Some(&b"{}"[..]));
        assert_eq!(base64_decode("not base64!"), None);
    }

    #[test]
    fn base64_as_go() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"FROM alpine\n"), "RlJPTSBhbHBpbmUK");
    }

    #[test]
    fn go_json_escapes_html() {
        assert_eq!(go_json(&"a<b>&c"), r#""a\u003cb\u003e\u0026c""#);
    }

    #[test]
    fn tabwriter_pads_all_but_the_last_cell() {
        let rows = vec![
            vec![
                "NAME".to_string(),
                "VERSION".to_string(),
                "DESC".to_string(),
            ],
            vec!["outline".to_string(), "1.0.0".to_string(), "x".to_string()],
        ];
        assert_eq!(
            tabwrite(&rows, 1),
            "NAME    VERSION DESC\noutline 1.0.0   x\n"
        );
    }

    #[test]
    fn snippet_as_buildkit_prints_it() {
        let data = b"FROM alpine\nRUN a\nRUN b\nRUN c\nRUN d\nRUN e\n";
        assert_eq!(
            source_snippet("Dockerfile", data, 3, 3),
            "Dockerfile:3\n--------------------\n   1 |     FROM alpine\n   2 |     RUN a\n   3 | >>> RUN b\n   4 |     RUN c\n   5 |     RUN d\n--------------------\n"
        );
    }
}
