//! Paths of the files the fake serves: cleaned like BuildKit's, matched by a minimal glob.

pub(super) fn clean_path(path: &str) -> String {
    let mut p = path.trim_start_matches('/');
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.trim_start_matches('/');
    }
    if p == "." {
        String::new()
    } else {
        p.trim_end_matches('/').to_owned()
    }
}

/// Minimal glob: `*` (any run) and `?` (one char), matched against a whole name.
pub(super) fn glob(pattern: &[char], name: &[char]) -> bool {
    match (pattern.split_first(), name.split_first()) {
        (None, None) => true,
        (Some(('*', rest)), _) => {
            glob(rest, name) || (!name.is_empty() && glob(pattern, &name[1..]))
        }
        (Some(('?', rest)), Some((_, name_rest))) => glob(rest, name_rest),
        (Some((p, rest)), Some((n, name_rest))) => p == n && glob(rest, name_rest),
        _ => false,
    }
}
