//! `COPY --parents`: each context or stage source is copied from its pivot (the part before
//! `/./`, else `/`) with the rest as an include pattern, so the matched paths keep their
//! parent directories under the destination; a source without wildcards must exist
//! (`required_paths`). As upstream's `dispatchCopy`. Needs `file.copy.includeexcludepatterns`
//! (BuildKit 0.9); required paths are sent as upstream sends them (BuildKit 0.26 enforces them,
//! older daemons ignore them).

use super::{ConvertFileFlag, CopyStep};
use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::instructions::CopyParents;
use crate::llb::{self, Copy};

impl ConvertFileFlag for CopyParents {
    fn apply(
        &self,
        run: &mut StageRun<'_, '_>,
        step: &mut CopyStep<'_>,
    ) -> Result<(), ConvertError> {
        if !self.0 {
            return Ok(());
        }
        step.require_filtering(run, "--parents")?;
        step.parents = true;
        step.history_flags.push("--parents".into());
        Ok(())
    }
}

/// The copy of one context or stage source with `--parents`.
pub(super) fn local_copy(src: &str, dest: String) -> Copy {
    let (pivot, pattern) = match src.split_once("/./") {
        Some((pivot, pattern)) => (pivot, pattern),
        None => ("/", src),
    };
    let pattern = normalize_path(pattern);
    let required_paths = if contains_wildcards(pivot) || contains_wildcards(&pattern) {
        Vec::new()
    } else {
        vec![normalize_path(&llb::clean_path(&format!(
            "{pivot}/{pattern}"
        )))]
    };
    Copy {
        include_patterns: vec![pattern.strip_prefix('/').unwrap_or(&pattern).to_string()],
        required_paths,
        ..Copy::dockerfile(normalize_path(pivot), dest)
    }
}

/// Upstream's `system.NormalizePath("/", path, "linux", false)`: a relative path is joined to
/// `/` (and so cleaned), an absolute one is kept as written, an empty one is `/`.
fn normalize_path(path: &str) -> String {
    match path {
        "" => "/".into(),
        _ if path.starts_with('/') => path.into(),
        _ => llb::clean_path(&format!("/{path}")),
    }
}

/// Upstream's `containsWildcards`: `*`, `?` or `[` not escaped by a backslash.
fn contains_wildcards(name: &str) -> bool {
    let mut bytes = name.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'*' | b'?' | b'[' => return true,
            b'\\' => {
                bytes.next();
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(src: &str) -> (String, Vec<String>, Vec<String>) {
        let c = local_copy(src, "/dst/".into());
        (c.src, c.include_patterns, c.required_paths)
    }

    #[test]
    fn pivot_and_patterns() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parts("./pkg/*/go.mod"),
            ("/".into(), s(&["pkg/*/go.mod"]), s(&[]))
        );
        assert_eq!(
            parts("a/b/c.txt"),
            ("/".into(), s(&["a/b/c.txt"]), s(&["/a/b/c.txt"]))
        );
        assert_eq!(
            parts("src/./app/main.go"),
            ("/src".into(), s(&["app/main.go"]), s(&["/src/app/main.go"]))
        );
        assert_eq!(
            parts("x/./**/*.txt"),
            ("/x".into(), s(&["**/*.txt"]), s(&[]))
        );
        // An absolute pattern is kept as written, as upstream does.
        assert_eq!(parts("/a//b"), ("/".into(), s(&["a//b"]), s(&["/a/b"])));
    }

    #[test]
    fn wildcards() {
        assert!(contains_wildcards("a/*"));
        assert!(contains_wildcards("a?"));
        assert!(contains_wildcards("[ab]"));
        assert!(!contains_wildcards("a\\*b"));
        assert!(!contains_wildcards("plain/path"));
    }
}
