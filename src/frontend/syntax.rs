//! Finding a `# syntax=` directive without parsing the whole file, as the official frontend
//! does before deciding whether to hand the build to another frontend image.

/// The frontend image a Dockerfile asks for, and the full directive value (`cmdline`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Syntax {
    pub reference: String,
    pub cmdline: String,
    /// 1-based line of the directive.
    pub line: usize,
}

/// Read the leading directive lines (`# key=value`, after an optional `#!` line) and return
/// the `syntax` one. The first line that is not a directive ends the scan.
pub fn detect(data: &[u8]) -> Option<Syntax> {
    let text = String::from_utf8_lossy(data);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if n == 0 && line.starts_with("#!") {
            continue;
        }
        let body = line.strip_prefix('#').or_else(|| line.strip_prefix("//"))?;
        let (key, value) = body.split_once('=')?;
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return None;
        }
        if key.eq_ignore_ascii_case("syntax") {
            let cmdline = value.trim().to_string();
            let reference = cmdline.split_whitespace().next()?.to_string();
            return Some(Syntax {
                reference,
                cmdline,
                line: n + 1,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_syntax_among_directives() {
        let s = detect(b"# escape=`\n# syntax = org/rustfront:1 --flag\nFROM x\n").unwrap();
        assert_eq!(s.reference, "org/rustfront:1");
        assert_eq!(s.cmdline, "org/rustfront:1 --flag");
        assert_eq!(s.line, 2);
    }

    #[test]
    fn shebang_and_slash_comments() {
        assert!(detect(b"#!/usr/bin/env buildx\n#syntax=a/b\n").is_some());
        assert!(detect(b"// syntax=a/b\nFROM x\n").is_some());
    }

    #[test]
    fn stops_at_the_first_non_directive() {
        assert_eq!(detect(b"FROM x\n# syntax=a/b\n"), None);
        assert_eq!(detect(b"# a comment\n# syntax=a/b\n"), None);
        assert_eq!(detect(b"\n# syntax=a/b\n"), None);
        assert_eq!(detect(b""), None);
    }
}
