//! Recognising a `<<WORD` source word (COPY/ADD heredoc sources) and chomping heredoc bodies.

/// What a `[n]<<[-]WORD` word says about its heredoc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeredocWord {
    /// The delimiter with quotes and escapes removed.
    pub name: String,
    /// `<<-`: leading tabs are to be stripped from the body.
    pub chomp: bool,
    /// `false` when any part of the delimiter was quoted.
    pub expand: bool,
    /// The file descriptor number before `<<` (0 if none).
    pub fd: u32,
}

/// `Some` when `word` is exactly one heredoc marker (`<<EOF`, `<<-'EOF'`, `3<<EOF`, `<< EOF`).
///
/// Returns `None` for anything else, including unbalanced quotes and markers followed by more
/// words (`<<EOF sh`), like BuildKit's `MustParseHeredoc`.
pub fn parse_heredoc_word(word: &str) -> Option<HeredocWord> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let (fd, rest) = word.split_at(digits);
    let rest = rest.strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let (name, quoted) = single_word(rest)?;
    Some(HeredocWord {
        name,
        chomp,
        expand: !quoted,
        fd: if fd.is_empty() { 0 } else { fd.parse().ok()? },
    })
}

/// Remove quotes and `\` escapes from `text` (leading/trailing blanks allowed), returning the
/// single word and whether any quote character acted as a quote. `None` when `text` holds no
/// word, several words, or an unterminated quote.
fn single_word(text: &str) -> Option<(String, bool)> {
    let text = text.trim_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    if text.is_empty() {
        return None;
    }
    let mut out = String::new();
    let mut quoted = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => out.push(c),
                    }
                }
            }
            '"' => {
                quoted = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\' | '$') => out.push(c),
                            c => {
                                out.push('\\');
                                out.push(c);
                            }
                        },
                        c => out.push(c),
                    }
                }
            }
            '\\' => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            c if c.is_whitespace() => return None,
            c => out.push(c),
        }
    }
    Some((out, quoted))
}

/// Strip leading tabs from every line (the `<<-` form).
pub fn chomp_heredoc_content(content: &str) -> String {
    content
        .split_inclusive('\n')
        .map(|line| line.trim_start_matches('\t'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(word: &str) -> Option<String> {
        parse_heredoc_word(word).map(|h| h.name)
    }

    #[test]
    fn heredoc_words() {
        for w in [
            "<<EOF",
            "<<'EOF'",
            "<<\"EOF\"",
            "<<-EOF",
            "<<-'EOF'",
            "<<-\"EOF\"",
            "<<EO\"F\"",
            "<< EOF",
            "<<- EOF",
        ] {
            assert_eq!(name(w).as_deref(), Some("EOF"), "{w}");
        }
        for w in [
            "<<'EOF", "<<\"EOF", "<<EOF'", "<<EOF\"", "", "EOF", "<<", "<<-", "<EOF", "<<<EOF",
            "<<EOF sh",
        ] {
            assert_eq!(name(w), None, "{w}");
        }
    }

    #[test]
    fn heredoc_flags() {
        let h = parse_heredoc_word("3<<-'e'o\\'f").unwrap();
        assert_eq!(h.name, "eo'f");
        assert!(h.chomp);
        assert!(!h.expand);
        assert_eq!(h.fd, 3);
        let h = parse_heredoc_word("<<eo\\'f").unwrap();
        assert_eq!(h.name, "eo'f");
        assert!(h.expand);
        let h = parse_heredoc_word("<<$EOF").unwrap();
        assert_eq!(h.name, "$EOF");
        assert!(h.expand);
        assert_eq!(parse_heredoc_word("<< -EOF").unwrap().name, "-EOF");
        assert_eq!(parse_heredoc_word("<<file.txt").unwrap().name, "file.txt");
    }

    #[test]
    fn chomp() {
        assert_eq!(
            chomp_heredoc_content("\thello\n\tworld\n"),
            "hello\nworld\n"
        );
        assert_eq!(chomp_heredoc_content("\t\t a\n  b"), " a\n  b");
    }
}
