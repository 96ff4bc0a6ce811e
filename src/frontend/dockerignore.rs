//! Reading `.dockerignore` files with Docker's rules: one pattern per line, `#` comments,
//! `!` exceptions, patterns cleaned like paths and made relative. BuildKit does the matching;
//! we only hand it the cleaned list.

use crate::llb::clean_path;

/// The exclude patterns of an ignore file, in order.
pub fn parse(data: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(data);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    text.lines().filter_map(pattern).collect()
}

/// [`parse`], failing as upstream does on what it refuses: a lone `!` (`failed parsing NAME:
/// illegal exclusion pattern: "!"`, from reading the file) and a pattern `filepath.Match`
/// rejects (`syntax error in pattern`, from building the matcher).
pub fn parse_checked(data: &[u8], name: &str) -> Result<Vec<String>, String> {
    let text = String::from_utf8_lossy(data);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if text.lines().any(|l| !l.starts_with('#') && l.trim() == "!") {
        return Err(format!(
            "failed parsing {name}: illegal exclusion pattern: \"!\""
        ));
    }
    let patterns = parse(data);
    for p in &patterns {
        if !valid_pattern(p.strip_prefix('!').unwrap_or(p)) {
            return Err("syntax error in pattern".into());
        }
    }
    Ok(patterns)
}

/// Whether Go's `filepath.Match` accepts `pattern` (Unix rules: `\` escapes, `[...]`
/// classes with optional `^`, ranges, no empty class, no unescaped `-` or `]` as a bound).
fn valid_pattern(pattern: &str) -> bool {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    // A class bound: `\x` or a character other than `-` and `]`.
    let bound = |i: &mut usize| -> bool {
        match chars.get(*i) {
            None | Some('-') | Some(']') => false,
            Some('\\') => {
                *i += 2;
                *i <= chars.len()
            }
            Some(_) => {
                *i += 1;
                true
            }
        }
    };
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                if i + 1 >= chars.len() {
                    return false;
                }
                i += 2;
            }
            '[' => {
                i += 1;
                if chars.get(i) == Some(&'^') {
                    i += 1;
                }
                let mut ranges = 0;
                loop {
                    if chars.get(i) == Some(&']') && ranges > 0 {
                        i += 1;
                        break;
                    }
                    if !bound(&mut i) {
                        return false;
                    }
                    if chars.get(i) == Some(&'-') {
                        i += 1;
                        if !bound(&mut i) {
                            return false;
                        }
                    }
                    ranges += 1;
                }
            }
            _ => i += 1,
        }
    }
    true
}

fn pattern(line: &str) -> Option<String> {
    if line.starts_with('#') {
        return None;
    }
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    let (invert, rest) = match line.strip_prefix('!') {
        Some(rest) => (true, rest.trim()),
        None => (false, line),
    };
    let mut cleaned = clean_path(rest);
    if cleaned.len() > 1 {
        if let Some(relative) = cleaned.strip_prefix('/') {
            cleaned = relative.to_string();
        }
    }
    Some(if invert {
        format!("!{cleaned}")
    } else {
        cleaned
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_blank_lines_and_exceptions() {
        let file = b"\xef\xbb\xbf# comment\n\n  node_modules  \n*.log\n! important.log\n/abs/path/\n./a/../b\n #not a comment\n";
        assert_eq!(
            parse(file),
            [
                "node_modules",
                "*.log",
                "!important.log",
                "abs/path",
                "b",
                "#not a comment"
            ]
        );
    }

    #[test]
    fn what_upstream_refuses_is_an_error() {
        assert_eq!(
            parse_checked(b"a\n!\n", ".dockerignore"),
            Err("failed parsing .dockerignore: illegal exclusion pattern: \"!\"".into())
        );
        for bad in ["[", "a[b", "[]", "[]a]x", "[a-]", "[-a]", "x\\", "[^"] {
            assert_eq!(
                parse_checked(bad.as_bytes(), ".dockerignore"),
                Err("syntax error in pattern".into()),
                "{bad}"
            );
        }
        for good in [
            "*.log",
            "[a-z]*",
            "[^x]",
            "a\\[b",
            "**/tmp",
            "!keep[0-9].log",
        ] {
            assert!(
                parse_checked(good.as_bytes(), ".dockerignore").is_ok(),
                "{good}"
            );
        }
    }

    #[test]
    fn crlf_lines() {
        assert_eq!(parse(b"a\r\nb\r\n"), ["a", "b"]);
    }

    #[test]
    fn root_pattern_stays() {
        assert_eq!(parse(b"/\n"), ["/"]);
    }
}
