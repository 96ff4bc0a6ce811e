//! WORKDIR (upstream's `dispatchWorkdir`): the mkdir on the stage's filesystem. COPY and ADD
//! are in `copy/`.

use super::StageRun;
use crate::convert::ConvertError;
use crate::dockerfile::Span;
use crate::lint::rules;
use crate::llb::{self, Chown, FileOp, Mkdir};

impl StageRun<'_, '_> {
    pub(super) fn workdir(
        &mut self,
        path: &str,
        code: &str,
        span: Span,
    ) -> Result<(), ConvertError> {
        if !self.s.workdir_set && !path.starts_with('/') {
            self.d.lint.report(
                &rules::WORKDIR_RELATIVE_PATH,
                span,
                rules::workdir_relative_path(path),
            );
        }
        self.s.workdir_set = true;
        let current = if self.s.image.config.working_dir.is_empty() {
            "/"
        } else {
            self.s.image.config.working_dir.as_str()
        };
        // As upstream: an absolute path is kept as written (the mkdir cleans it), a relative
        // one is joined to the current directory.
        let dir = if path.starts_with('/') {
            path.to_string()
        } else {
            llb::resolve_path(current, if path.is_empty() { current } else { path }, false)
        };
        self.s.image.config.working_dir = dir.clone();
        self.s.dir = dir.clone();
        let layer = dir != "/";
        if layer {
            // As upstream, `WORKDIR /` counts in the stage's total but takes no step number.
            let display = self.display_name(code, false);
            let name = self.next_step(&display);
            let mut mkdir = Mkdir {
                mode: 0o755,
                make_parents: true,
                timestamp: self.d.opts.epoch.map(|s| s.saturating_mul(1_000_000_000)),
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
                    .map_err(|e| ConvertError::caused_by(span, e))?,
            );
        }
        self.s
            .image
            .add_history(format!("WORKDIR {dir}"), !layer, self.d.opts.epoch);
        Ok(())
    }
}
