//! Shell patterns for `${v#p}`, `${v%p}` and `${v/p/r}`, matched the way BuildKit does it.
//!
//! BuildKit turns the pattern into a Go regular expression: `*` becomes `.*` (or the lazy
//! `.*?`), `?` becomes `.`, `\*`, `\?` and `\\` are literals, `\}` and `\/` drop their backslash,
//! and everything else (brackets included) is literal. There are no `[...]` classes. Go's `.`
//! does not match a newline. Matching is leftmost-first, as in Go's `regexp`.
//!
//! We compile the pattern to a flat list of elements and run a small Pike VM over it, which
//! gives the same leftmost-first answer in `O(text × pattern)` time without backtracking.

/// One element of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Elem {
    /// Exactly this character.
    Lit(char),
    /// Any one character except `\n`.
    Any,
    /// Any run of characters without `\n` (greedy or lazy, per pattern).
    Star,
}

impl Elem {
    fn accepts(self, c: char) -> bool {
        match self {
            Elem::Lit(l) => l == c,
            Elem::Any | Elem::Star => c != '\n',
        }
    }
}

/// A compiled shell pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    elems: Vec<Elem>,
    greedy: bool,
}

/// Compile a shell pattern. The only error is an escape of something other than `*`, `?`
/// or `\` (including a dangling `\`), with Go's message.
pub(crate) fn compile(pattern: &str, greedy: bool) -> Result<Pattern, String> {
    let mut chars = pattern.chars().peekable();
    // Go's text/scanner drops a byte-order mark at the very start.
    chars.next_if_eq(&'\u{feff}');
    let mut elems = Vec::new();
    while let Some(c) = chars.next() {
        let elem = match c {
            '*' => Elem::Star,
            '?' => Elem::Any,
            '\\' => {
                if matches!(chars.peek(), Some('}' | '/')) {
                    continue;
                }
                match chars.next() {
                    Some(e @ ('*' | '?' | '\\')) => Elem::Lit(e),
                    other => {
                        return Err(format!(
                            "invalid escape '\\{}'",
                            other.unwrap_or(char::REPLACEMENT_CHARACTER)
                        ));
                    }
                }
            }
            other => Elem::Lit(other),
        };
        elems.push(elem);
    }
    Ok(Pattern { elems, greedy })
}

/// Reverse a pattern for suffix matching, keeping each `\x` pair in order
/// (`a\*c` → `c\*a`). A trailing lone `\` is reversed like any character.
pub(crate) fn reverse_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    // Split into units (an escape pair or a single character), then emit them back to front.
    let mut units: Vec<&[char]> = Vec::with_capacity(chars.len());
    let mut rest = chars.as_slice();
    while !rest.is_empty() {
        let len = if rest.len() > 1 && rest.first() == Some(&'\\') {
            2
        } else {
            1
        };
        let (unit, tail) = rest.split_at(len);
        units.push(unit);
        rest = tail;
    }
    units.iter().rev().flat_map(|u| u.iter()).collect()
}

/// Reverse a string by code point.
pub(crate) fn reverse_str(s: &str) -> String {
    s.chars().rev().collect()
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Waiting for a character matching the element at this index (`Lit` or `Any`).
    Step(usize),
    /// Inside the star at this index, ready to consume one more character.
    Loop(usize),
    /// The whole pattern matched.
    Match,
}

#[derive(Debug, Clone, Copy)]
struct Thread {
    kind: Kind,
    start: usize,
}

/// Scratch state of one Pike VM run.
struct Vm<'p> {
    pat: &'p Pattern,
    marks: Vec<usize>,
    generation: usize,
    stars: Vec<usize>,
}

impl<'p> Vm<'p> {
    fn new(pat: &'p Pattern) -> Self {
        Vm {
            pat,
            marks: vec![0; pat.elems.len() + 1],
            generation: 0,
            stars: Vec::new(),
        }
    }

    /// Add the epsilon closure of `state` to `list`, in priority order, skipping states
    /// already in the list being built.
    fn add(&mut self, list: &mut Vec<Thread>, state: usize, start: usize) {
        self.stars.clear();
        let mut terminal = None;
        let mut j = state;
        while let Some(mark) = self.marks.get_mut(j) {
            if *mark == self.generation {
                break;
            }
            *mark = self.generation;
            match self.pat.elems.get(j) {
                None => {
                    terminal = Some(Kind::Match);
                    break;
                }
                Some(Elem::Star) => {
                    self.stars.push(j);
                    j += 1;
                }
                Some(_) => {
                    terminal = Some(Kind::Step(j));
                    break;
                }
            }
        }
        let loops = self.stars.iter().map(|&s| Thread {
            kind: Kind::Loop(s),
            start,
        });
        let terminal = terminal.map(|kind| Thread { kind, start });
        if self.pat.greedy {
            list.extend(loops);
            list.extend(terminal);
        } else {
            list.extend(terminal);
            list.extend(loops.rev());
        }
    }

    /// Leftmost-first match in `text[from..]`, as `(start, end)` char indices.
    fn run(&mut self, text: &[char], from: usize, anchored: bool) -> Option<(usize, usize)> {
        let mut clist = Vec::new();
        let mut nlist = Vec::new();
        self.generation += 1;
        self.add(&mut clist, 0, from);
        let mut found = None;
        let mut pos = from;
        loop {
            self.generation += 1;
            nlist.clear();
            let c = text.get(pos).copied();
            for t in &clist {
                let (elem_index, next_state) = match t.kind {
                    Kind::Match => {
                        found = Some((t.start, pos));
                        // Lower-priority threads can no longer win.
                        break;
                    }
                    Kind::Step(i) => (i, i + 1),
                    Kind::Loop(i) => (i, i),
                };
                let accepted = match (c, self.pat.elems.get(elem_index)) {
                    (Some(c), Some(e)) => e.accepts(c),
                    _ => false,
                };
                if accepted {
                    self.add(&mut nlist, next_state, t.start);
                }
            }
            if c.is_none() {
                break;
            }
            pos += 1;
            if !anchored && found.is_none() {
                self.add(&mut nlist, 0, pos);
            }
            if nlist.is_empty() {
                break;
            }
            std::mem::swap(&mut clist, &mut nlist);
        }
        found
    }
}

impl Pattern {
    /// End (char index) of the match anchored at the start of `text`, if any.
    pub(crate) fn match_prefix(&self, text: &[char]) -> Option<usize> {
        Vm::new(self).run(text, 0, true).map(|(_, end)| end)
    }

    /// First match at or after `from`, as `(start, end)` char indices.
    pub(crate) fn find_at(&self, text: &[char], from: usize) -> Option<(usize, usize)> {
        Vm::new(self).run(text, from, false)
    }

    /// Replace the first match with `replacement`, used literally.
    pub(crate) fn replace_first(&self, value: &str, replacement: &str) -> String {
        let text: Vec<char> = value.chars().collect();
        match self.find_at(&text, 0) {
            Some((start, end)) => {
                let mut out: String = text.get(..start).unwrap_or_default().iter().collect();
                out.push_str(replacement);
                out.extend(text.get(end..).unwrap_or_default());
                out
            }
            None => value.to_owned(),
        }
    }

    /// Replace every match like Go's `Regexp.ReplaceAllString`: matches do not overlap, an
    /// empty match right after a match is skipped, and `$` in `template` is expanded
    /// (`$0` is the match, `$$` a dollar, other group references are empty).
    pub(crate) fn replace_all(&self, value: &str, template: &str) -> String {
        let text: Vec<char> = value.chars().collect();
        let mut vm = Vm::new(self);
        let mut out = String::with_capacity(value.len());
        let mut last_end = 0;
        let mut search = 0;
        while search <= text.len() {
            let Some((start, end)) = vm.run(&text, search, false) else {
                break;
            };
            out.extend(text.get(last_end..start).unwrap_or_default());
            if end > last_end || start == 0 {
                let whole: String = text.get(start..end).unwrap_or_default().iter().collect();
                expand_template(&mut out, template, &whole);
            }
            last_end = end;
            search = if search + 1 > end { search + 1 } else { end };
        }
        out.extend(text.get(last_end..).unwrap_or_default());
        out
    }
}

/// Go's `Regexp.Expand` for a regexp whose only group is the whole match.
fn expand_template(out: &mut String, template: &str, whole: &str) {
    let mut rest = template;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        rest = &rest[dollar + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        match extract_group(rest) {
            Some((name, after)) => {
                if name == "0" {
                    out.push_str(whole);
                }
                rest = after;
            }
            None => out.push('$'),
        }
    }
    out.push_str(rest);
}

/// Parse `name` or `{name}` after a `$`; `None` if malformed (the `$` is then literal).
fn extract_group(s: &str) -> Option<(&str, &str)> {
    let (body, braced) = match s.strip_prefix('{') {
        Some(b) => (b, true),
        None => (s, false),
    };
    let len: usize = body
        .chars()
        .take_while(|&c| super::lexer::is_go_letter(c) || super::lexer::is_go_digit(c) || c == '_')
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        return None;
    }
    let (name, mut after) = body.split_at(len);
    if braced {
        after = after.strip_prefix('}')?;
    }
    Some((name, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(p: &str, greedy: bool, text: &str) -> Option<usize> {
        let t: Vec<char> = text.chars().collect();
        compile(p, greedy).ok()?.match_prefix(&t)
    }

    #[test]
    fn compile_accepts_upstream_examples() {
        assert_eq!(compile("*", true).map(|p| p.elems), Ok(vec![Elem::Star]));
        assert_eq!(compile("?", true).map(|p| p.elems), Ok(vec![Elem::Any]));
        assert_eq!(
            compile("\\*", true).map(|p| p.elems),
            Ok(vec![Elem::Lit('*')])
        );
        let specials = compile("(()[]{\\}^$.\\*\\?|\\\\", true).map(|p| p.elems);
        let expected: Vec<Elem> = "(()[]{}^$.*?|\\".chars().map(Elem::Lit).collect();
        assert_eq!(specials, Ok(expected));
    }

    #[test]
    fn compile_rejects_bad_escapes() {
        for bad in ["\\", "\\x", "\\\\\\"] {
            assert!(compile(bad, true).is_err(), "{bad:?} should be rejected");
        }
        assert_eq!(
            compile("\\x", true),
            Err("invalid escape '\\x'".to_string())
        );
    }

    #[test]
    fn reverse_pattern_keeps_escape_pairs() {
        let cases = [
            ("a\\*c", "c\\*a"),
            ("\\\\\\ab", "b\\a\\\\"),
            ("ab\\", "\\ba"),
            ("👽\\🚀🖖", "🖖\\🚀👽"),
            ("\\\\b", "b\\\\"),
        ];
        for (input, expected) in cases {
            assert_eq!(reverse_pattern(input), expected, "reversing {input:?}");
        }
    }

    #[test]
    fn reverse_str_by_code_point() {
        assert_eq!(reverse_str("54321"), "12345");
        assert_eq!(reverse_str("🖖🚀👽"), "👽🚀🖖");
    }

    #[test]
    fn greedy_and_lazy_prefixes() {
        assert_eq!(prefix("*x*y", false, "xxyy"), Some(3));
        assert_eq!(prefix("*", false, "xxyy"), Some(0));
        assert_eq!(prefix("*x", true, "xxyy"), Some(2));
        assert_eq!(prefix("*", true, "ab\ncd"), Some(2));
        assert_eq!(prefix("?", true, "\n"), None);
        assert_eq!(prefix("a", true, "b"), None);
    }

    #[test]
    fn replace_all_follows_go_empty_match_rules() {
        let empty = compile("", true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(empty.replace_all("xy", "-"), "-x-y-");
        assert_eq!(empty.replace_first("xy", "-"), "-xy");
        let star = compile("*", true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(star.replace_all("ab", "-"), "-");
    }

    #[test]
    fn replace_all_expands_dollar_templates() {
        let p = compile("b", true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.replace_all("abc", "[$0]"), "a[b]c");
        assert_eq!(p.replace_all("abc", "[${0}]"), "a[b]c");
        assert_eq!(p.replace_all("abc", "$$"), "a$c");
        assert_eq!(p.replace_all("abc", "$1x"), "ac");
        assert_eq!(p.replace_all("abc", "$"), "a$c");
        assert_eq!(p.replace_all("abc", "${0"), "a${0c");
        // The first-match form uses the replacement literally.
        assert_eq!(p.replace_first("abc", "$0"), "a$0c");
    }
}
