//! COPY, ADD and WORKDIR: file ops on the stage's filesystem.

use super::StageRun;
use super::run::INLINE_DOCUMENT;
use crate::convert::ConvertError;
use crate::dockerfile::Span;
use crate::instructions::{AddCommand, CopyCommand, SourcesAndDest};
use crate::llb::{self, Chown, Copy, FileOp, Http, Mkdir, Mkfile, OpMeta, Output};
use crate::shell;

impl StageRun<'_, '_> {
    pub(super) fn workdir(
        &mut self,
        path: &str,
        code: &str,
        span: Span,
    ) -> Result<(), ConvertError> {
        let current = if self.s.image.config.working_dir.is_empty() {
            "/"
        } else {
            self.s.image.config.working_dir.as_str()
        };
        let dir = if path.starts_with('/') {
            path.to_string()
        } else {
            llb::clean_path(&format!("{current}/{path}"))
        };
        self.s.image.config.working_dir = dir.clone();
        self.s.dir = dir.clone();
        let display = self.display_name(code, false);
        let name = self.next_step(&display);
        let layer = dir != "/";
        if layer {
            let mut mkdir = Mkdir {
                mode: 0o755,
                make_parents: true,
                ..Mkdir::new(dir.clone())
            };
            if !self.s.user.is_empty() {
                mkdir.owner = Some(Chown::parse(&self.s.user));
            }
            let meta = self.d.located(name, span);
            self.s.state = Some(
                FileOp::new(self.s.state.clone())
                    .mkdir(mkdir)
                    .meta(meta)
                    .build()
                    .map_err(|e| ConvertError::at(span, e.to_string()))?,
            );
        }
        self.s.image.add_history(format!("WORKDIR {dir}"), !layer);
        Ok(())
    }

    pub(super) fn copy(&mut self, c: &CopyCommand) -> Result<(), ConvertError> {
        let span = c.source.span;
        if c.parents || !c.excludes.is_empty() {
            return Err(ConvertError::at(
                span,
                "COPY --parents and --exclude are not supported by this frontend yet",
            ));
        }
        if let Some(url) = c.sources.source_paths.iter().find(|w| is_remote(&w.text)) {
            let kind = if is_git(&url.text) { "git ref" } else { "URL" };
            return Err(ConvertError::at(
                span,
                format!("source can't be a {kind} for COPY"),
            ));
        }
        let from = match &c.from {
            Some(from) => CopySource::Stage(self.stage_state(&from.text, span)?),
            None => CopySource::Context,
        };
        self.copy_files(CopyRequest {
            keyword: "COPY",
            code: &c.source.code,
            span,
            sources: &c.sources,
            from,
            chown: c.chown.as_ref().map(|w| w.text.as_str()),
            chmod: c.chmod.as_ref().map(|w| w.text.as_str()),
            unpack_local: false,
            checksum: None,
        })
    }

    pub(super) fn add(&mut self, a: &AddCommand) -> Result<(), ConvertError> {
        let span = a.source.span;
        if !a.excludes.is_empty() || a.keep_git_dir {
            return Err(ConvertError::at(
                span,
                "ADD --exclude and --keep-git-dir are not supported by this frontend yet",
            ));
        }
        let paths = &a.sources.source_paths;
        if let Some(git) = paths.iter().find(|w| is_git(&w.text)) {
            return Err(ConvertError::at(
                span,
                format!(
                    "ADD of git repositories ({}) is not supported by this frontend yet",
                    git.text
                ),
            ));
        }
        let checksum = a.checksum.as_ref().map(|w| w.text.as_str());
        if checksum.is_some() {
            if paths.len() + a.sources.source_contents.len() != 1 {
                return Err(ConvertError::at(
                    span,
                    "checksum can't be specified for multiple sources",
                ));
            }
            if !paths.iter().all(|w| is_remote(&w.text)) {
                return Err(ConvertError::at(
                    span,
                    "checksum can't be specified for non-HTTP sources",
                ));
            }
        }
        self.copy_files(CopyRequest {
            keyword: "ADD",
            code: &a.source.code,
            span,
            sources: &a.sources,
            from: CopySource::Context,
            chown: a.chown.as_ref().map(|w| w.text.as_str()),
            chmod: a.chmod.as_ref().map(|w| w.text.as_str()),
            unpack_local: a.unpack.unwrap_or(true),
            checksum,
        })
    }

    /// One COPY/ADD: a file op whose actions copy every source (context or stage paths, URLs,
    /// heredocs) to the destination, each on the result of the one before.
    fn copy_files(&mut self, req: CopyRequest<'_>) -> Result<(), ConvertError> {
        let err = |m: String| ConvertError::at(req.span, m);
        let mode = req.chmod.map(|m| parse_chmod(m).map_err(err)).transpose()?;
        let owner = req.chown.filter(|c| !c.is_empty()).map(Chown::parse);
        let dest = copy_dest(&self.s.dir, &req.sources.dest.text);
        let display = self.display_name(req.code, false);
        let meta = self.step_meta(&display, req.span);

        let mut op = FileOp::new(self.s.state.clone());
        for src in &req.sources.source_paths {
            let (from_state, copy) = if is_remote(&src.text) {
                // Downloaded files are copied as they are: no unpacking, no wildcards.
                let filename = url_filename(&src.text);
                let mut http = Http::new(src.text.clone()).filename(filename.clone());
                if let Some(checksum) = req.checksum {
                    http = http.checksum(checksum);
                }
                let download = http.meta(meta.clone()).build();
                let copy = Copy {
                    create_dest_path: true,
                    ..Copy::new(format!("/{filename}"), dest.clone())
                };
                (Some(download), copy)
            } else {
                let from_state = match &req.from {
                    CopySource::Context => {
                        self.use_context(&src.text);
                        Some(self.d.context.clone())
                    }
                    CopySource::Stage(state) => state.clone(),
                };
                let copy = Copy {
                    attempt_unpack: req.unpack_local,
                    ..Copy::dockerfile(llb::clean_path(&format!("/{}", src.text)), dest.clone())
                };
                (from_state, copy)
            };
            let download = is_remote(&src.text);
            op = op.copy(
                from_state,
                Copy {
                    mode: mode.filter(|_| !(download && self.like_buildkit_0_8())),
                    owner: owner.clone(),
                    ..copy
                },
            );
        }
        let mut contents = req.sources.source_contents.clone();
        for content in &mut contents {
            if content.expand {
                content.data = shell::expand_heredoc(&content.data, &self.s.env)
                    .map_err(|e| err(e.to_string()))?
                    .text;
            }
            let doc = FileOp::new(None)
                .mkfile(Mkfile {
                    mode: 0o644,
                    ..Mkfile::new(
                        format!("/{}", content.path),
                        content.data.clone().into_bytes(),
                    )
                })
                .meta(OpMeta::new().custom_name(INLINE_DOCUMENT))
                .build()
                .map_err(|e| err(e.to_string()))?;
            op = op.copy(
                Some(doc),
                Copy {
                    mode,
                    owner: owner.clone(),
                    create_dest_path: true,
                    ..Copy::new(format!("/{}", content.path), dest.clone())
                },
            );
        }
        self.s.state = Some(op.meta(meta).build().map_err(|e| err(e.to_string()))?);

        let mut history = req.keyword.to_string();
        if !self.like_buildkit_0_8() {
            if let Some(chown) = req.chown {
                history.push_str(&format!(" --chown={chown}"));
            }
            if let Some(chmod) = req.chmod {
                history.push_str(&format!(" --chmod={chmod}"));
            }
        }
        for src in &req.sources.source_paths {
            history.push_str(&format!(" {}", src.text));
        }
        for content in &req.sources.source_contents {
            history.push_str(&format!(" <<{}", content.path));
        }
        history.push_str(&format!(" {}", req.sources.dest.text));
        self.commit(history, true);
        Ok(())
    }
}

/// What one COPY or ADD asks for.
struct CopyRequest<'a> {
    keyword: &'static str,
    code: &'a str,
    span: Span,
    sources: &'a SourcesAndDest,
    /// Where path sources come from.
    from: CopySource,
    chown: Option<&'a str>,
    chmod: Option<&'a str>,
    /// ADD: unpack local archives.
    unpack_local: bool,
    /// ADD --checksum of the one URL source.
    checksum: Option<&'a str>,
}

enum CopySource {
    Context,
    Stage(Option<Output>),
}

/// COPY/ADD destination against the working directory: absolute paths stay as written, a
/// relative one is joined to the directory, keeping a trailing `/` (or `/.`).
fn copy_dest(dir: &str, dest: &str) -> String {
    if dest.is_empty() {
        return dir.to_string();
    }
    if dest.starts_with('/') {
        return dest.to_string();
    }
    let mut joined = llb::clean_path(&format!("{dir}/{dest}"));
    if (dest.ends_with('/') || dest.ends_with("/.")) && !joined.ends_with('/') {
        joined.push('/');
    }
    joined
}

/// `--chmod` as an octal mode.
fn parse_chmod(value: &str) -> Result<u32, String> {
    u32::from_str_radix(value, 8)
        .ok()
        .filter(|m| *m <= 0o7777)
        .ok_or_else(|| {
            format!(
                "invalid chmod parameter: '{value}'. it should be octal string and between 0 and 07777"
            )
        })
}

/// An `http(s)://` source (git URLs included; see [`is_git`]).
fn is_remote(src: &str) -> bool {
    src.starts_with("http://") || src.starts_with("https://") || is_git(src)
}

/// A git repository reference: `git@…`, `git://…`, `ssh://…`, or an http(s) URL of a `.git`
/// repository (optionally with `#ref`).
fn is_git(src: &str) -> bool {
    if src.starts_with("git@") || src.starts_with("git://") || src.starts_with("ssh://") {
        return true;
    }
    let without_fragment = src.split('#').next().unwrap_or(src);
    (src.starts_with("http://") || src.starts_with("https://"))
        && without_fragment.trim_end_matches('/').ends_with(".git")
}

/// The file name a download is saved as: the last element of the URL path, or `__unnamed__`.
fn url_filename(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .split_once('/')
        .map_or("", |(_, path)| path);
    match path.trim_end_matches('/').rsplit('/').next() {
        Some(name) if !name.is_empty() && name != "." => name.to_string(),
        _ => "__unnamed__".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_destinations() {
        assert_eq!(copy_dest("/app", "."), "/app");
        assert_eq!(copy_dest("/app", "./"), "/app/");
        assert_eq!(copy_dest("/app", "sub/"), "/app/sub/");
        assert_eq!(copy_dest("/app", "/abs/x/"), "/abs/x/");
        assert_eq!(copy_dest("/app", ""), "/app");
        assert_eq!(copy_dest("/", "a"), "/a");
    }

    #[test]
    fn chmod_values() {
        assert_eq!(parse_chmod("755"), Ok(0o755));
        assert_eq!(parse_chmod("0644"), Ok(0o644));
        assert!(parse_chmod("u+x").is_err());
        assert!(parse_chmod("17777").is_err());
    }

    #[test]
    fn url_sources() {
        assert_eq!(
            url_filename("https://example.invalid/a/b.tar.gz?x=1#y"),
            "b.tar.gz"
        );
        assert_eq!(url_filename("http://example.invalid/dir/"), "dir");
        assert_eq!(url_filename("http://example.invalid/"), "__unnamed__");
        assert_eq!(url_filename("http://example.invalid"), "__unnamed__");
        assert!(is_git("https://example.invalid/org/repo.git#v1"));
        assert!(is_git("git@example.invalid:org/repo.git"));
        assert!(!is_git("https://example.invalid/file.txt"));
        assert!(is_remote("https://example.invalid/file.txt"));
        assert!(!is_remote("./file.txt"));
    }
}
