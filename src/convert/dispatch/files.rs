//! COPY, ADD and WORKDIR: file ops on the stage's filesystem.

use super::StageRun;
use super::run::INLINE_DOCUMENT;
use crate::convert::ConvertError;
use crate::dockerfile::Span;
use crate::instructions::{AddCommand, CopyCommand, SourcesAndDest};
use crate::llb::{self, Chown, Copy, FileOp, Mkdir, Mkfile, OpMeta, Output};
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
        let source = match &c.from {
            Some(from) => CopySource::Stage(self.stage_state(&from.text, span)?),
            None => CopySource::Context,
        };
        self.copy_files(
            "COPY",
            &c.source.code,
            span,
            &c.sources,
            source,
            c.chown.as_ref().map(|w| w.text.as_str()),
            c.chmod.as_ref().map(|w| w.text.as_str()),
            false,
        )
    }

    pub(super) fn add(&mut self, a: &AddCommand) -> Result<(), ConvertError> {
        let span = a.source.span;
        if !a.excludes.is_empty() || a.checksum.is_some() || a.keep_git_dir {
            return Err(ConvertError::at(
                span,
                "ADD --exclude, --checksum and --keep-git-dir are not supported by this frontend yet",
            ));
        }
        if let Some(remote) = a.sources.source_paths.iter().find(|w| is_remote(&w.text)) {
            return Err(ConvertError::at(
                span,
                format!(
                    "ADD of URLs and git repositories ({}) is not supported by this frontend yet",
                    remote.text
                ),
            ));
        }
        self.copy_files(
            "ADD",
            &a.source.code,
            span,
            &a.sources,
            CopySource::Context,
            a.chown.as_ref().map(|w| w.text.as_str()),
            a.chmod.as_ref().map(|w| w.text.as_str()),
            a.unpack.unwrap_or(true),
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn copy_files(
        &mut self,
        keyword: &str,
        code: &str,
        span: Span,
        sources: &SourcesAndDest,
        from: CopySource,
        chown: Option<&str>,
        chmod: Option<&str>,
        unpack: bool,
    ) -> Result<(), ConvertError> {
        let err = |m: String| ConvertError::at(span, m);
        let mode = chmod.map(|m| parse_chmod(m).map_err(err)).transpose()?;
        let owner = chown.filter(|c| !c.is_empty()).map(Chown::parse);
        let dest = copy_dest(&self.s.dir, &sources.dest.text);
        let display = self.display_name(code, false);
        let meta = self.step_meta(&display, span);

        let mut op = FileOp::new(self.s.state.clone());
        for src in &sources.source_paths {
            let from_state = match &from {
                CopySource::Context => {
                    self.use_context(&src.text);
                    Some(self.d.context.clone())
                }
                CopySource::Stage(state) => state.clone(),
            };
            op = op.copy(
                from_state,
                Copy {
                    mode,
                    owner: owner.clone(),
                    attempt_unpack: unpack,
                    ..Copy::dockerfile(llb::clean_path(&format!("/{}", src.text)), dest.clone())
                },
            );
        }
        let mut contents = sources.source_contents.clone();
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

        let mut history = keyword.to_string();
        if !self.legacy_history() {
            if let Some(chown) = chown {
                history.push_str(&format!(" --chown={chown}"));
            }
            if let Some(chmod) = chmod {
                history.push_str(&format!(" --chmod={chmod}"));
            }
        }
        for src in &sources.source_paths {
            history.push_str(&format!(" {}", src.text));
        }
        for content in &sources.source_contents {
            history.push_str(&format!(" <<{}", content.path));
        }
        history.push_str(&format!(" {}", sources.dest.text));
        self.commit(history, true);
        Ok(())
    }
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

fn is_remote(src: &str) -> bool {
    src.starts_with("http://")
        || src.starts_with("https://")
        || src.starts_with("git@")
        || src.starts_with("git://")
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
}
