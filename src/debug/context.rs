//! Build contexts and Dockerfiles of one revision: a directory, or a git revision of one
//! (`git:REV:PATH`, read with the `git` command, as `git show REV:PATH` would).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::why::ContextTree;

/// A revision of a Dockerfile as the user names it: a file, or `git:REV:PATH`.
pub enum Revision {
    File(PathBuf),
    Git { rev: String, path: String },
}

impl Revision {
    pub fn parse(spec: &str) -> Revision {
        match spec.strip_prefix("git:").and_then(|r| r.split_once(':')) {
            Some((rev, path)) if !rev.is_empty() => Revision::Git {
                rev: rev.to_string(),
                path: path.to_string(),
            },
            _ => Revision::File(PathBuf::from(spec)),
        }
    }

    /// The Dockerfile's bytes.
    pub fn read(&self) -> Result<Vec<u8>, String> {
        match self {
            Revision::File(p) => std::fs::read(p).map_err(|e| format!("{}: {e}", p.display())),
            Revision::Git { rev, path } => git(Path::new("."), &["show", &format!("{rev}:{path}")]),
        }
    }

    /// The git revision, if the Dockerfile came from one.
    /// A file this revision's Dockerfile INCLUDEs: from `context` when given, else from the
    /// Dockerfile's directory (in the working tree, or at the git revision).
    pub fn read_included(&self, relative: &str, context: Option<&Path>) -> Result<Vec<u8>, String> {
        match (self, context) {
            (_, Some(dir)) => {
                let file = dir.join(relative);
                std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))
            }
            (Revision::File(p), None) => {
                let file = p.parent().unwrap_or(Path::new("")).join(relative);
                std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))
            }
            (Revision::Git { rev, path }, None) => {
                let dir = Path::new(path).parent().unwrap_or(Path::new(""));
                let file = dir.join(relative);
                git(
                    Path::new("."),
                    &["show", &format!("{rev}:{}", file.display())],
                )
            }
        }
    }

    pub fn git_rev(&self) -> Option<&str> {
        match self {
            Revision::Git { rev, .. } => Some(rev),
            Revision::File(_) => None,
        }
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

/// A context directory on disk.
pub struct DirTree(pub PathBuf);

impl ContextTree for DirTree {
    fn files(&self) -> Result<BTreeSet<String>, String> {
        let mut out = BTreeSet::new();
        let mut dirs = vec![self.0.clone()];
        while let Some(dir) = dirs.pop() {
            let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            for entry in entries {
                let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
                let path = entry.path();
                let kind = entry.file_type().map_err(|e| e.to_string())?;
                if kind.is_dir() {
                    if entry.file_name() != ".git" {
                        dirs.push(path);
                    }
                } else if let Ok(rel) = path.strip_prefix(&self.0) {
                    out.insert(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        Ok(out)
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        let full = self.0.join(path);
        match std::fs::symlink_metadata(&full) {
            Ok(m) if m.file_type().is_symlink() => std::fs::read_link(&full)
                .map(|t| t.to_string_lossy().into_owned().into_bytes())
                .map_err(|e| format!("{path}: {e}")),
            _ => std::fs::read(&full).map_err(|e| format!("{path}: {e}")),
        }
    }
}

/// The same directory at a git revision (paths relative to the directory).
pub struct GitTree {
    pub dir: PathBuf,
    pub rev: String,
}

impl ContextTree for GitTree {
    fn files(&self) -> Result<BTreeSet<String>, String> {
        let out = git(
            &self.dir,
            &["ls-tree", "-r", "-z", "--name-only", &self.rev],
        )?;
        Ok(out
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect())
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        git(&self.dir, &["show", &format!("{}:./{path}", self.rev)])
    }
}
