//! `RUN --mount`: one module per mount type (bind, cache, tmpfs, secret, ssh), each adding its
//! mount to the exec as upstream does; what bind, cache and tmpfs mounts share is here.

mod bind;
mod cache;
mod secret;
mod ssh;
mod tmpfs;

use super::{CACHE_PERMISSIONS, ConvertRunFlag};
use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::dockerfile::Span;
use crate::instructions::{Mount, MountType, Mounts};
use crate::llb::{self, Chown, Exec, FileOp, Mkdir, OpMeta, Output};

impl ConvertRunFlag for Mounts {
    fn apply(
        &self,
        run: &mut StageRun<'_, '_>,
        mut exec: Exec,
        span: Span,
    ) -> Result<Exec, ConvertError> {
        for mount in &self.mounts {
            exec = match mount.kind {
                MountType::Bind => bind::add(run, exec, mount, span)?,
                MountType::Cache => cache::add(run, exec, mount, span)?,
                MountType::Tmpfs => tmpfs::add(run, exec, mount, span)?,
                MountType::Secret => secret::add(run, exec, mount, span)?,
                MountType::Ssh => ssh::add(run, exec, mount, span)?,
            };
        }
        Ok(exec)
    }
}

/// A mount's value with an empty string read as none, as upstream reads these keys.
fn given(value: &Option<String>) -> Option<String> {
    value.clone().filter(|s| !s.is_empty())
}

/// Where a bind, cache or tmpfs mount goes and what it mounts.
struct FsMount {
    /// The target, against the working directory.
    dest: String,
    /// The target as written.
    raw_target: String,
    /// The filesystem mounted: the `from` stage or image, the context (bind), scratch.
    state: Option<Output>,
    /// The path within it (empty: its root).
    selector: String,
}

impl StageRun<'_, '_> {
    /// What bind, cache and tmpfs mounts share: the target against the working directory
    /// (never `/`), the mounted state (`from`, else the context for a bind mount, scratch for
    /// the others), the source path, a prepared directory for `uid`/`gid`/`mode`, and the
    /// context paths it reads.
    fn fs_mount(&mut self, mount: &Mount, span: Span) -> Result<FsMount, ConvertError> {
        let err = |m: String| ConvertError::at(span, m);
        let source = given(&mount.source);
        let raw_target = given(&mount.target).unwrap_or_default();
        let dest = if llb::clean_path(&raw_target).starts_with('/') {
            raw_target.clone()
        } else {
            llb::clean_path(&format!("/{}/{raw_target}", self.s.dir))
        };
        if dest == "/" {
            return Err(err(format!("invalid mount target {dest:?}")));
        }
        let from = given(&mount.from);
        let mut state = match (&from, mount.kind) {
            (Some(from), _) => self.stage_state(from, span).map_err(|_| {
                err(format!(
                    "cannot mount from stage {from:?} to {raw_target:?}, stage needs to be defined before current command"
                ))
            })?,
            (None, MountType::Cache | MountType::Tmpfs) => None,
            (None, _) => Some(self.d.context.clone()),
        };
        if mount.kind == MountType::Tmpfs {
            state = None;
        }
        let source_path = llb::clean_path(&format!("/{}", source.clone().unwrap_or_default()));
        let selector = if source_path != "/" {
            source_path
        } else if mount.uid.is_some() || mount.gid.is_some() || mount.mode.is_some() {
            state = Some(
                FileOp::new(state)
                    .mkdir(Mkdir {
                        mode: mount.mode.unwrap_or(0o755),
                        make_parents: false,
                        owner: Some(Chown::ids(mount.uid.unwrap_or(0), mount.gid.unwrap_or(0))),
                        ..Mkdir::new("/cache")
                    })
                    .meta(OpMeta::new().custom_name(CACHE_PERMISSIONS))
                    .build()
                    .map_err(|e| ConvertError::caused_by(span, e))?,
            );
            "/cache".to_string()
        } else {
            String::new()
        };
        if from.is_none() && mount.kind != MountType::Cache {
            self.use_context(source.as_deref().unwrap_or_default());
        }
        Ok(FsMount {
            dest,
            raw_target,
            state,
            selector,
        })
    }
}
