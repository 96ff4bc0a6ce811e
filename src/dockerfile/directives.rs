//! Parser directives (`# syntax=…`, `# escape=…`, `# check=…`) at the top of a Dockerfile,
//! and BuildKit's standalone directive lookup (`DetectSyntax`/`ParseDirective`), which also
//! understands `//` comments and a JSON object for `syntax`.

/// Directive keys BuildKit recognises; any other key ends directive scanning.
const KNOWN: [&str; 3] = ["syntax", "escape", "check"];

/// Go's regexp `\s`: `[\t\n\f\r ]`.
fn is_re_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
}

/// Matches `^<prefix>\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`, returning key and value.
fn match_directive<'a>(line: &'a str, prefix: &str) -> Option<(&'a str, &'a str)> {
    let rest = line.strip_prefix(prefix)?.trim_start_matches(is_re_space);
    let first = rest.chars().next()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let key_len = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let (key, rest) = rest.split_at(key_len);
    let rest = rest.trim_start_matches(is_re_space).strip_prefix('=')?;
    if rest.is_empty() {
        return None;
    }
    let value = rest.trim_start_matches(is_re_space);
    if value.is_empty() {
        // `\s*` gives back one character so that `.+?` can match: the last blank.
        let last = rest.char_indices().next_back().map_or(0, |(i, _)| i);
        return Some((key, rest.get(last..).unwrap_or_default()));
    }
    Some((key, value.trim_end_matches(is_re_space)))
}

/// A directive found by [`DirectiveScanner`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// Lower-cased key.
    pub name: String,
    pub value: String,
}

/// Scans lines for directives until the first line that is not one.
#[derive(Debug, Default)]
pub(crate) struct DirectiveScanner {
    done: bool,
    seen: Vec<String>,
}

impl DirectiveScanner {
    /// Whether scanning has ended.
    pub fn done(&self) -> bool {
        self.done
    }

    /// Look at one line. `Ok(Some(_))` for a directive, `Ok(None)` for anything else (which
    /// ends scanning), `Err` for a repeated directive.
    pub fn check(&mut self, line: &str, prefix: &str) -> Result<Option<Found>, String> {
        if self.done {
            return Ok(None);
        }
        let Some((key, value)) = match_directive(line, prefix) else {
            self.done = true;
            return Ok(None);
        };
        let name = key.to_ascii_lowercase();
        if !KNOWN.contains(&name.as_str()) {
            self.done = true;
            return Ok(None);
        }
        if self.seen.contains(&name) {
            return Err(format!("only one {name} parser directive can be used"));
        }
        self.seen.push(name.clone());
        Ok(Some(Found {
            name,
            value: value.to_owned(),
        }))
    }
}

/// Validates an `escape` directive value.
pub(crate) fn escape_token(value: &str) -> Result<char, String> {
    match value {
        "\\" => Ok('\\'),
        "`" => Ok('`'),
        _ => Err(format!(
            "invalid escape token '{value}' does not match ` or \\"
        )),
    }
}

/// A directive found by [`detect_syntax`] or [`find_directive`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectiveLookup {
    /// The value up to its first space (for `syntax`, the frontend image reference).
    pub value: String,
    /// The whole value (`dockerfile:1 // opts`).
    pub full: String,
    /// Line of the directive, counted as BuildKit does: 1-based for comment forms, 0 (or 1
    /// after a shebang) for the JSON form.
    pub line: usize,
}

/// BuildKit's `DetectSyntax`: the `syntax` directive as `# syntax=`, `// syntax=` or a JSON
/// object `{"syntax": "…"}`, after an optional byte-order mark and `#!` line.
pub fn detect_syntax(input: &[u8]) -> Option<DirectiveLookup> {
    lookup("syntax", input, true)
}

/// BuildKit's `ParseDirective`: a `# key=value` directive (no `//` or JSON forms).
pub fn find_directive(key: &str, input: &[u8]) -> Option<DirectiveLookup> {
    lookup(key, input, false)
}

fn lookup(key: &str, input: &[u8], any_format: bool) -> Option<DirectiveLookup> {
    let input = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    let (body, first_line) = match input.split(|&b| b == b'\n').next() {
        Some(first) if first.starts_with(b"#!") => {
            (input.get(first.len() + 1..).unwrap_or_default(), 1)
        }
        _ => (input, 0),
    };
    let text = String::from_utf8_lossy(body);
    let prefixes: &[&str] = if any_format { &["#", "//"] } else { &["#"] };
    for prefix in prefixes {
        if let Some(found) = scan_for(key, &text, prefix, first_line) {
            return Some(found);
        }
    }
    if any_format {
        let value: serde_json::Value = serde_json::from_str(&text).ok()?;
        let v = value.as_object()?.get(key)?.as_str()?;
        return Some(DirectiveLookup {
            value: v.to_owned(),
            full: v.to_owned(),
            line: first_line,
        });
    }
    None
}

/// Go's `bufio.ScanLines` over `text` with a [`DirectiveScanner`], looking for `key`.
fn scan_for(key: &str, text: &str, prefix: &str, first_line: usize) -> Option<DirectiveLookup> {
    let mut scanner = DirectiveScanner::default();
    let mut lines = text.split('\n');
    if text.ends_with('\n') {
        lines.next_back();
    }
    for (i, line) in lines.enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        match scanner.check(line, prefix) {
            Ok(Some(found)) if found.name == key => {
                let value = found.value.split(' ').next().unwrap_or_default().to_owned();
                return Some(DirectiveLookup {
                    value,
                    full: found.value,
                    line: first_line + i + 1,
                });
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => return None,
        }
        if scanner.done() {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_all(lines: &[&str]) -> Vec<(String, String)> {
        let mut scanner = DirectiveScanner::default();
        let mut out = Vec::new();
        for line in lines {
            if let Ok(Some(found)) = scanner.check(line.trim_start(), "#") {
                out.push((found.name, found.value));
            }
        }
        out
    }

    #[test]
    fn matches_directive_regex() {
        assert_eq!(match_directive("# escape = `", "#"), Some(("escape", "`")));
        assert_eq!(match_directive("#escape=\\", "#"), Some(("escape", "\\")));
        assert_eq!(
            match_directive("# key = FOO bar ", "#"),
            Some(("key", "FOO bar"))
        );
        assert_eq!(match_directive("# escape=", "#"), None);
        assert_eq!(match_directive("# escape=  ", "#"), Some(("escape", " ")));
        assert_eq!(match_directive("# 1x=y", "#"), None);
        assert_eq!(match_directive("#!/bin/sh", "#"), None);
        assert_eq!(
            match_directive("//syntax=foo", "//"),
            Some(("syntax", "foo"))
        );
    }

    #[test]
    fn unknown_key_ends_scanning() {
        // GO_TEST_CASES 1.10
        let found = check_all(&["#escape=\\", "# key = FOO bar", "", "# smth"]);
        assert_eq!(found, [("escape".to_owned(), "\\".to_owned())]);
        let found = check_all(&["# EScape=\\", "# KEY = FOO bar", "", "# smth"]);
        assert_eq!(found, [("escape".to_owned(), "\\".to_owned())]);
    }

    #[test]
    fn repeated_directive_is_an_error() {
        let mut scanner = DirectiveScanner::default();
        assert!(scanner.check("# syntax=a", "#").is_ok());
        assert_eq!(
            scanner.check("# SYNTAX=b", "#"),
            Err("only one syntax parser directive can be used".to_owned())
        );
    }

    #[test]
    fn escape_values() {
        assert_eq!(escape_token("`"), Ok('`'));
        assert_eq!(escape_token("\\"), Ok('\\'));
        assert_eq!(
            escape_token("x"),
            Err("invalid escape token 'x' does not match ` or \\".to_owned())
        );
    }

    fn syntax(input: &str) -> Option<(String, String, usize)> {
        detect_syntax(input.as_bytes()).map(|d| (d.value, d.full, d.line))
    }

    #[test]
    fn detect_syntax_cases() {
        // GO_TEST_CASES 1.10, syntax detection table.
        let opts = "dockerfile:experimental // opts";
        assert_eq!(
            syntax("# syntax = dockerfile:experimental // opts\nFROM busybox\n"),
            Some(("dockerfile:experimental".into(), opts.into(), 1))
        );
        assert_eq!(
            syntax("#!/bin/sh\n# syntax = dockerfile:experimental\nFROM busybox\n").map(|s| s.2),
            Some(2)
        );
        assert_eq!(
            syntax("#!/bin/sh\n\n# syntax = dockerfile:experimental\n"),
            None
        );
        assert_eq!(syntax("FROM busybox\nRUN ls\n"), None);
        assert_eq!(
            syntax("//syntax=foo\n//key=value\n").map(|s| s.0),
            Some("foo".into())
        );
        assert_eq!(
            syntax("#!/bin/sh\n//syntax=x\n").map(|s| s.0),
            Some("x".into())
        );
        assert_eq!(
            syntax(r#"{"syntax": "foo", "bar": ["abc"]}"#).map(|s| s.0),
            Some("foo".into())
        );
        assert_eq!(syntax(r#"{"syntax": "foo""#), None);
        assert_eq!(syntax("{\"syntax\": \"foo\"}\n# syntax=bar\n"), None);
        assert_eq!(
            syntax("\u{feff}# syntax = myfrontend\nFROM busybox\n"),
            Some(("myfrontend".into(), "myfrontend".into(), 1))
        );
    }

    #[test]
    fn find_directive_cases() {
        let check =
            |s: &str| find_directive("check", s.as_bytes()).map(|d| (d.value, d.full, d.line));
        assert_eq!(
            check("#check = skip=all // opts\n"),
            Some(("skip=all".into(), "skip=all // opts".into(), 1))
        );
        assert_eq!(
            check("#!/bin/sh\n# check = skip=all\n").map(|c| c.2),
            Some(2)
        );
        assert_eq!(check("#!/bin/sh\n\n# check = skip=all\n"), None);
        assert_eq!(check("FROM busybox\n"), None);
        assert_eq!(check("//check=skip=all\n"), None);
    }
}
