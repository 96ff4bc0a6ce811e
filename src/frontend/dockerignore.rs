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
    fn crlf_lines() {
        assert_eq!(parse(b"a\r\nb\r\n"), ["a", "b"]);
    }

    #[test]
    fn root_pattern_stays() {
        assert_eq!(parse(b"/\n"), ["/"]);
    }
}
