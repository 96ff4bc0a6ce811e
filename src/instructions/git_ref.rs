//! Git references in `ADD` sources (and build contexts): which strings name a git repository,
//! and the remote, ref, subdir and options they carry. Follows docker/dockerfile's rules:
//!
//! - `./…`, `../…` and anything that is not a URL or scp-style address are local paths;
//! - `http(s)://…` is a git repository only when its path ends in `.git`;
//! - `git://…`, `ssh://…` and `user@host:path` always are;
//! - `#ref:subdir` and the query form `?ref=…&subdir=…&tag=…&branch=…&checksum=…&submodules=…&
//!   keep-git-dir=…` give the options; the two forms may be combined if they agree.
//! - `github.com/…` without a scheme is deprecated and still treated as a local path.

/// A parsed git reference.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitRef {
    /// The repository without query and fragment (`https://github.com/org/repo.git`).
    pub remote: String,
    /// Branch, tag (`refs/tags/…`), `refs/heads/…` or commit; empty for the default branch.
    pub reference: String,
    /// A commit the ref must resolve to (`checksum=` / `commit=`).
    pub checksum: String,
    pub subdir: String,
    /// `keep-git-dir=` in the query.
    pub keep_git_dir: Option<bool>,
    /// `submodules=` in the query.
    pub submodules: Option<bool>,
}

/// What a string is, as a git reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitSource {
    /// Not a git reference (a local path, or a plain URL).
    NotGit,
    Git(GitRef),
    /// A git reference with an invalid query: the message says why.
    Invalid(String),
}

use super::parse_go_bool;

const PROTOCOLS: [&str; 4] = ["http", "https", "ssh", "git"];

/// Classifies `source` as docker/dockerfile does for `ADD`.
pub fn parse_git_ref(source: &str) -> GitSource {
    if source.starts_with("./") || source.starts_with("../") || source.starts_with("github.com/") {
        return GitSource::NotGit;
    }
    let (without_fragment, fragment) = match source.split_once('#') {
        Some((rest, fragment)) => (rest, fragment),
        None => (source, ""),
    };
    let (remote, query) = match without_fragment.split_once('?') {
        Some((remote, query)) => (remote, query),
        None => (without_fragment, ""),
    };
    match scheme(source) {
        Some(scheme) => {
            let scheme = scheme.to_ascii_lowercase();
            if !PROTOCOLS.contains(&scheme.as_str()) {
                return GitSource::NotGit;
            }
            if scheme.starts_with("http") && !url_path(remote).ends_with(".git") {
                return GitSource::NotGit;
            }
        }
        None if !is_scp_style(source) => return GitSource::NotGit,
        None => {}
    }
    let (reference, subdir) = fragment.split_once(':').unwrap_or((fragment, ""));
    let mut git = GitRef {
        remote: remote.to_string(),
        reference: reference.to_string(),
        subdir: subdir.to_string(),
        ..GitRef::default()
    };
    match load_query(&mut git, query) {
        Ok(()) => GitSource::Git(git),
        Err(message) => GitSource::Invalid(message),
    }
}

/// The `scheme` of `scheme://…` (letters and digits only, as upstream's pattern).
fn scheme(source: &str) -> Option<&str> {
    let (scheme, _) = source.split_once("://")?;
    (!scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(scheme)
}

/// The path of a `scheme://authority/path` URL.
fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.find('/').map_or("", |i| &rest[i..])
}

/// `user@host:path` with a user of `[A-Za-z0-9-_]` and a host of `[A-Za-z0-9-.]`.
fn is_scp_style(source: &str) -> bool {
    let Some((user, rest)) = source.split_once('@') else {
        return false;
    };
    let Some((host, _)) = rest.split_once(':') else {
        return false;
    };
    let word = |s: &str, extra: char| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == extra)
    };
    word(user, '_') && word(host, '.')
}

fn load_query(git: &mut GitRef, query: &str) -> Result<(), String> {
    if query.is_empty() {
        return Ok(());
    }
    let mut values: Vec<(String, Vec<String>)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        if pair.contains(';') {
            return Err("invalid semicolon separator in query".into());
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = (unescape(key)?, unescape(value)?);
        match values.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(value),
            None => values.push((key, vec![value])),
        }
    }
    let (mut tag, mut branch) = (String::new(), String::new());
    for (key, vals) in values {
        if vals.len() > 1 {
            return Err(format!("query {key:?} has multiple values"));
        }
        let value = vals.into_iter().next().unwrap_or_default();
        let flag = |value: &str, what: &str| -> Result<bool, String> {
            if value.is_empty() {
                return Ok(true);
            }
            parse_go_bool(value).ok_or_else(|| format!("invalid {what} value: {value:?}"))
        };
        if value.is_empty() && !matches!(key.as_str(), "submodules" | "keep-git-dir") {
            return Err(format!("query {key:?} has no value"));
        }
        match key.as_str() {
            "ref" => {
                if !git.reference.is_empty() && git.reference != value {
                    return Err(format!("ref conflicts: {:?} vs {value:?}", git.reference));
                }
                git.reference = value;
            }
            "tag" => tag = value,
            "branch" => branch = value,
            "subdir" => {
                if !git.subdir.is_empty() && git.subdir != value {
                    return Err(format!("subdir conflicts: {:?} vs {value:?}", git.subdir));
                }
                git.subdir = value;
            }
            "checksum" | "commit" => git.checksum = value,
            "keep-git-dir" => git.keep_git_dir = Some(flag(&value, "keep-git-dir")?),
            "submodules" => git.submodules = Some(flag(&value, "submodules")?),
            _ => return Err(format!("unexpected query {key:?}")),
        }
    }
    if !branch.is_empty() && !tag.is_empty() {
        set_ref(git, &tag, "refs/tags/")?;
        return Err("branch conflicts with tag".into());
    }
    set_ref(git, &tag, "refs/tags/")?;
    set_ref(git, &branch, "refs/heads/")?;
    Ok(())
}

/// `tag=` / `branch=`: the name with its `refs/…/` prefix, agreeing with any ref given.
fn set_ref(git: &mut GitRef, name: &str, prefix: &str) -> Result<(), String> {
    if name.is_empty() {
        return Ok(());
    }
    let full = if name.starts_with(prefix) {
        name.to_string()
    } else {
        format!("{prefix}{name}")
    };
    if !git.reference.is_empty() && git.reference != full {
        return Err(format!("ref conflicts: {:?} vs {full:?}", git.reference));
    }
    git.reference = full;
    Ok(())
}

/// Query unescaping: `+` is a space, `%XX` a byte.
fn unescape(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        format!("invalid URL escape {:?}", &s[i..(i + 3).min(s.len())])
                    })?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(s: &str) -> GitRef {
        match parse_git_ref(s) {
            GitSource::Git(g) => g,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn what_is_a_git_reference() {
        for local in [
            "./repo.git",
            "../x.git",
            "github.com/moby/buildkit",
            "src/",
            "https://example.com/tool.tar.gz",
            "ftp://example.com/x.git",
            "C:\\repo.git",
        ] {
            assert_eq!(parse_git_ref(local), GitSource::NotGit, "{local}");
        }
        assert_eq!(
            git("git@github.com:org/x.git").remote,
            "git@github.com:org/x.git"
        );
        assert_eq!(git("ssh://git@host/x").remote, "ssh://git@host/x");
        assert_eq!(git("git://host/x").remote, "git://host/x");
        assert_eq!(git("HTTPS://host/x.git").remote, "HTTPS://host/x.git");
    }

    #[test]
    fn fragment_and_query_forms() {
        let f = git("https://github.com/moby/buildkit.git#v0.20.0:docs");
        assert_eq!(
            (f.remote.as_str(), f.reference.as_str(), f.subdir.as_str()),
            ("https://github.com/moby/buildkit.git", "v0.20.0", "docs")
        );
        let q = git("https://github.com/moby/buildkit.git?ref=v0.20.0&subdir=docs");
        assert_eq!((q.reference, q.subdir), (f.reference, f.subdir));
        let t = git("https://h/x.git?tag=v1&checksum=abc&keep-git-dir&submodules=false");
        assert_eq!(t.reference, "refs/tags/v1");
        assert_eq!(t.checksum, "abc");
        assert_eq!((t.keep_git_dir, t.submodules), (Some(true), Some(false)));
        assert_eq!(
            git("https://h/x.git?branch=main").reference,
            "refs/heads/main"
        );
    }

    #[test]
    fn invalid_queries() {
        for (s, msg) in [
            (
                "https://h/x.git?ref=a&ref=b",
                "query \"ref\" has multiple values",
            ),
            ("https://h/x.git?ref=", "query \"ref\" has no value"),
            ("https://h/x.git?foo=1", "unexpected query \"foo\""),
            ("https://h/x.git#a?ref=b", "ref conflicts: \"a\" vs \"b\""),
            (
                "https://h/x.git?keep-git-dir=maybe",
                "invalid keep-git-dir value: \"maybe\"",
            ),
        ] {
            let got = match s.split_once('#') {
                // the fragment comes after the query in a URL
                Some((u, f)) if f.contains('?') => {
                    let (f, q) = f.split_once('?').unwrap_or((f, ""));
                    parse_git_ref(&format!("{u}?{q}#{f}"))
                }
                _ => parse_git_ref(s),
            };
            assert_eq!(got, GitSource::Invalid(msg.into()), "{s}");
        }
    }
}
