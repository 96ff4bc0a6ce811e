//! `.dockerignore` matching for the CopyIgnoredFile check, as moby/patternmatcher (v0.6, the
//! one docker/dockerfile 1.20 vendors) does it: patterns in order, `!` re-includes, `**` any
//! number of directories, `*` and `?` never cross a `/`; a path is ignored when it or one of
//! its parent directories matches ([`IgnoreMatcher::matches_or_parent_matches`]).
//!
//! patternmatcher turns a pattern into a Go regular expression unless it is a plain path
//! (compared as a string), ends in `**` with no other wildcard (a prefix) or starts with `**`
//! with no other wildcard (a suffix). Those shortcuts differ from the regular expression in
//! places (`**foo` matches `afoo`) and are kept. The expression is matched here by a small
//! backtracking matcher over the compiled elements.

use crate::llb::clean_path;

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Elem {
    Lit(char),
    /// `?`: one character but `/`.
    One,
    /// `*`: any run without `/`.
    Star,
    /// `**/` (or `**` before more pattern): nothing, or anything ending in `/`.
    Dirs,
    /// `**` at the end: anything.
    Rest,
    /// `[…]`: a character class.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Match {
    Exact(String),
    Prefix(String),
    Suffix(String),
    Regex(Vec<Elem>),
    /// A pattern Go's `filepath.Match` rejects (an unclosed `[`): matches nothing.
    Invalid,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    exclusion: bool,
    kind: Match,
}

/// The patterns of a `.dockerignore` file, compiled.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IgnoreMatcher {
    patterns: Vec<Pattern>,
}

impl IgnoreMatcher {
    /// Compiles `patterns` (as `.dockerignore` lists them: cleaned, `!` for exceptions);
    /// blank ones are skipped.
    pub fn new(patterns: &[String]) -> Self {
        let patterns = patterns
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .filter_map(|p| {
                let cleaned = clean_path(p);
                let (exclusion, rest) = match cleaned.strip_prefix('!') {
                    Some("") => return None,
                    Some(rest) => (true, rest.to_string()),
                    None => (false, cleaned),
                };
                Some(Pattern {
                    exclusion,
                    kind: compile(&rest),
                })
            })
            .collect();
        IgnoreMatcher { patterns }
    }

    /// patternmatcher's `MatchesOrParentMatches`: whether `file` (slash-separated, taken as
    /// given) or one of its parent directories is ignored, the last matching pattern winning.
    pub fn matches_or_parent_matches(&self, file: &str) -> bool {
        let parent = go_dir(file);
        let parent_dirs: Vec<&str> = parent.split('/').collect();
        let mut matched = false;
        for pattern in &self.patterns {
            if pattern.exclusion != matched {
                continue;
            }
            let mut hit = pattern.matches(file);
            if !hit && parent != "." {
                hit = (1..=parent_dirs.len()).any(|n| pattern.matches(&parent_dirs[..n].join("/")));
            }
            if hit {
                matched = !pattern.exclusion;
            }
        }
        matched
    }
}

impl Pattern {
    fn matches(&self, path: &str) -> bool {
        match &self.kind {
            Match::Exact(p) => path == p,
            Match::Prefix(p) => path.starts_with(p.as_str()),
            Match::Suffix(suffix) => {
                path.ends_with(suffix.as_str())
                    || suffix.strip_prefix('/').is_some_and(|rest| path == rest)
            }
            Match::Regex(elems) => {
                let chars: Vec<char> = path.chars().collect();
                let mut failed = std::collections::HashSet::new();
                match_at(elems, &chars, 0, 0, &mut failed)
            }
            Match::Invalid => false,
        }
    }
}

/// Go's `filepath.Dir` on a slash-separated path.
fn go_dir(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => clean_path(&path[..=i]),
        None => ".".into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Exact,
    Prefix,
    Suffix,
    Regex,
}

/// patternmatcher's `compile`: the elements and which kind of match the pattern needs.
fn compile(pattern: &str) -> Match {
    let chars: Vec<char> = pattern.chars().collect();
    let mut elems = Vec::new();
    let mut kind = Kind::Exact;
    let mut pos = 0;
    let mut token = 0;
    while pos < chars.len() {
        let ch = chars[pos];
        pos += 1;
        match ch {
            '*' if chars.get(pos) == Some(&'*') => {
                pos += 1;
                if chars.get(pos) == Some(&'/') {
                    pos += 1;
                }
                if pos == chars.len() {
                    if kind == Kind::Exact {
                        kind = Kind::Prefix;
                    } else {
                        elems.push(Elem::Rest);
                        kind = Kind::Regex;
                    }
                } else {
                    elems.push(Elem::Dirs);
                    kind = Kind::Regex;
                }
                if token == 0 {
                    kind = Kind::Suffix;
                }
            }
            '*' => {
                elems.push(Elem::Star);
                kind = Kind::Regex;
            }
            '?' => {
                elems.push(Elem::One);
                kind = Kind::Regex;
            }
            '\\' => match chars.get(pos) {
                Some(&next) => {
                    pos += 1;
                    elems.push(Elem::Lit(next));
                    kind = Kind::Regex;
                }
                None => elems.push(Elem::Lit('\\')),
            },
            '[' => {
                let Some((class, next)) = parse_class(&chars, pos) else {
                    return Match::Invalid;
                };
                elems.push(class);
                pos = next;
                kind = Kind::Regex;
            }
            ']' => {
                elems.push(Elem::Lit(']'));
                kind = Kind::Regex;
            }
            other => elems.push(Elem::Lit(other)),
        }
        token += 1;
    }
    match kind {
        Kind::Exact => Match::Exact(pattern.to_string()),
        Kind::Prefix => Match::Prefix(pattern[..pattern.len() - 2].to_string()),
        Kind::Suffix => Match::Suffix(pattern[2..].to_string()),
        Kind::Regex => Match::Regex(elems),
    }
}

/// A `[…]` class starting after the `[` at `pos`: its element and the position after `]`.
fn parse_class(chars: &[char], mut pos: usize) -> Option<(Elem, usize)> {
    let negated = chars.get(pos) == Some(&'^');
    if negated {
        pos += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(pos)?;
        pos += 1;
        if c == ']' && !first {
            return Some((Elem::Class { negated, ranges }, pos));
        }
        first = false;
        let lo = if c == '\\' {
            let escaped = *chars.get(pos)?;
            pos += 1;
            escaped
        } else {
            c
        };
        let hi = if chars.get(pos) == Some(&'-') && chars.get(pos + 1).is_some_and(|&c| c != ']') {
            let hi = chars[pos + 1];
            pos += 2;
            hi
        } else {
            lo
        };
        ranges.push((lo, hi));
    }
}

/// Whether `elems[e..]` matches `text[t..]` exactly; `failed` memoizes dead ends.
fn match_at(
    elems: &[Elem],
    text: &[char],
    e: usize,
    t: usize,
    failed: &mut std::collections::HashSet<(usize, usize)>,
) -> bool {
    if failed.contains(&(e, t)) {
        return false;
    }
    let result = match elems.get(e) {
        None => t == text.len(),
        Some(Elem::Lit(c)) => text.get(t) == Some(c) && match_at(elems, text, e + 1, t + 1, failed),
        Some(Elem::One) => {
            text.get(t).is_some_and(|&c| c != '/') && match_at(elems, text, e + 1, t + 1, failed)
        }
        Some(Elem::Class { negated, ranges }) => {
            text.get(t)
                .is_some_and(|&c| ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated)
                && match_at(elems, text, e + 1, t + 1, failed)
        }
        Some(Elem::Star) => {
            let mut end = t;
            loop {
                if match_at(elems, text, e + 1, end, failed) {
                    break true;
                }
                match text.get(end) {
                    Some(&c) if c != '/' => end += 1,
                    _ => break false,
                }
            }
        }
        Some(Elem::Rest) => (t..=text.len()).any(|end| match_at(elems, text, e + 1, end, failed)),
        Some(Elem::Dirs) => {
            match_at(elems, text, e + 1, t, failed)
                || (t..text.len())
                    .filter(|&i| text[i] == '/')
                    .any(|i| match_at(elems, text, e + 1, i + 1, failed))
        }
    };
    if !result {
        failed.insert((e, t));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignored(patterns: &[&str], file: &str) -> bool {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        IgnoreMatcher::new(&patterns).matches_or_parent_matches(file)
    }

    #[test]
    fn plain_paths_and_parents() {
        assert!(ignored(&["foo.txt"], "foo.txt"));
        assert!(!ignored(&["foo.txt"], "bar.txt"));
        assert!(ignored(&["dir"], "dir/sub/file"));
        assert!(!ignored(&["dir"], "dirx/file"));
        // Taken as written: `./foo.txt` is not cleaned, as upstream's check does not clean it.
        assert!(!ignored(&["foo.txt"], "./foo.txt"));
    }

    #[test]
    fn wildcards() {
        assert!(ignored(&["*.md"], "README.md"));
        assert!(!ignored(&["*.md"], "docs/README.md"));
        assert!(ignored(&["**/*.md"], "docs/README.md"));
        assert!(ignored(&["**/*.md"], "README.md"));
        assert!(ignored(&["docs/**"], "docs/a/b"));
        assert!(ignored(&["a/**/b"], "a/b"));
        assert!(ignored(&["a/**/b"], "a/x/y/b"));
        assert!(ignored(&["?.txt"], "a.txt"));
        assert!(!ignored(&["?.txt"], "ab.txt"));
        assert!(ignored(&["file[0-9].txt"], "file7.txt"));
        assert!(!ignored(&["file[^0-9].txt"], "file7.txt"));
        assert!(ignored(&["a.b"], "a.b"));
        assert!(!ignored(&["a.b"], "axb"));
        // The suffix shortcut of patternmatcher.
        assert!(ignored(&["**foo"], "afoo"));
        assert!(ignored(&["**/foo"], "x/foo"));
        assert!(ignored(&["**/foo"], "foo"));
        assert!(!ignored(&["**/foo"], "xfoo"));
    }

    #[test]
    fn exceptions() {
        assert!(!ignored(&["*.log", "!keep.log"], "keep.log"));
        assert!(ignored(&["*.log", "!keep.log"], "other.log"));
        assert!(ignored(&["*.log", "!keep.log", "keep.log"], "keep.log"));
        assert!(!ignored(&["!", "x"], "y"));
    }
}
