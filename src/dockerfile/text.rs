//! Character classes and small string helpers with Go's semantics, which BuildKit's parser
//! is written against.

/// Go's `unicode.IsSpace` (the same set as Unicode `White_Space`).
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's `unicode.IsSpace(rune(b))` on a single byte, as BuildKit's byte-wise loops use it:
/// besides ASCII whitespace this is also true for the bytes 0x85 and 0xA0.
pub(crate) fn is_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xa0)
}

/// The regexp class `[\t\v\f\r ]` BuildKit splits instruction arguments on.
pub(crate) fn is_split_space(b: u8) -> bool {
    matches!(b, b'\t' | 0x0b | 0x0c | b'\r' | b' ')
}

/// Go's `strings.ToLower`: simple per-character lower-casing (no context-dependent rules).
pub(crate) fn go_lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        // U+0130 is the only character whose full lower-case mapping differs from the
        // simple one Go uses.
        if c == '\u{130}' {
            out.push('i');
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// A string slice starting at byte `from`, or `""` if `from` is out of range or not on a
/// character boundary.
pub(crate) fn tail(s: &str, from: usize) -> &str {
    s.get(from..).unwrap_or("")
}

/// Bytes of `s` from `from` to `to`, converted to text (lossily if the range cuts a
/// character, which BuildKit's byte-wise loops can do).
pub(crate) fn byte_range(s: &str, from: usize, to: usize) -> String {
    match s.get(from..to) {
        Some(t) => t.to_owned(),
        None => {
            let bytes = s.as_bytes();
            let to = to.min(bytes.len());
            let from = from.min(to);
            String::from_utf8_lossy(bytes.get(from..to).unwrap_or_default()).into_owned()
        }
    }
}

/// Go's `%q` formatting of a string (`strconv.Quote`).
pub(crate) fn go_quote(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_print(c) => out.push(c),
            c => {
                let v = u32::from(c);
                let (prefix, digits) = if v < 0x80 {
                    ("\\x", 2)
                } else if v < 0x10000 {
                    ("\\u", 4)
                } else {
                    ("\\U", 8)
                };
                out.push_str(prefix);
                for i in (0..digits).rev() {
                    let nibble = (v >> (4 * i)) & 0xf;
                    out.push(char::from(HEX[nibble as usize]));
                }
            }
        }
    }
    out.push('"');
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII
/// space. Approximated without full Unicode tables: control, format, separator,
/// private-use and non-characters are rejected, as are the large unassigned planes;
/// unassigned code points inside the first three planes count as printable.
pub(crate) fn is_print(c: char) -> bool {
    let v = u32::from(c);
    if v < 0x80 {
        return (0x20..0x7f).contains(&v);
    }
    !NOT_PRINT.iter().any(|&(lo, hi)| (lo..=hi).contains(&v))
        && v & 0xfffe != 0xfffe
        && !(0xfdd0..=0xfdef).contains(&v)
}

/// Non-printable ranges above ASCII (Cc, Cf, Zs, Zl, Zp, Co and unassigned planes).
const NOT_PRINT: &[(u32, u32)] = &[
    (0x80, 0xa0),
    (0xad, 0xad),
    (0x600, 0x605),
    (0x61c, 0x61c),
    (0x6dd, 0x6dd),
    (0x70f, 0x70f),
    (0x890, 0x891),
    (0x8e2, 0x8e2),
    (0x1680, 0x1680),
    (0x180e, 0x180e),
    (0x2000, 0x200f),
    (0x2028, 0x202f),
    (0x205f, 0x206f),
    (0x3000, 0x3000),
    (0xd800, 0xf8ff),
    (0xfeff, 0xfeff),
    (0xfff9, 0xfffb),
    (0x110bd, 0x110bd),
    (0x110cd, 0x110cd),
    (0x13430, 0x1343f),
    (0x1bca0, 0x1bca3),
    (0x1d173, 0x1d17a),
    (0x323b0, 0xe00ff),
    (0xe01f0, 0x10ffff),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(s: &str) -> String {
        let mut out = String::new();
        go_quote(s, &mut out);
        out
    }

    #[test]
    fn quote_matches_go() {
        assert_eq!(quoted("abc"), r#""abc""#);
        assert_eq!(quoted("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            quoted("\u{0}\u{7}\u{8}\u{c}\n\r\t\u{b}\u{7f}"),
            r#""\x00\a\b\f\n\r\t\v\x7f""#
        );
        assert_eq!(quoted("♥☃"), "\"♥☃\"");
        assert_eq!(quoted("\u{a0}\u{200b}\u{feff}"), r#""\u00a0\u200b\ufeff""#);
        assert_eq!(quoted("\u{e0001}x\u{10ffff}"), r#""\U000e0001x\U0010ffff""#);
        assert_eq!(quoted("é한국어"), "\"é한국어\"");
    }

    #[test]
    fn lower_is_simple_case_mapping() {
        assert_eq!(go_lower("RUN"), "run");
        assert_eq!(go_lower("İX"), "ix");
        assert_eq!(go_lower("ΣΑΣ"), "σασ");
    }

    #[test]
    fn byte_classes() {
        assert!(is_space_byte(0xa0) && is_space_byte(0x85) && !is_space_byte(0xc2));
        assert!(is_split_space(0x0b) && !is_split_space(b'\n'));
    }
}
