//! `type=tmpfs`: an empty in-memory filesystem, of `size` bytes at most.

use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::dockerfile::Span;
use crate::instructions::Mount;
use crate::llb::{self, Exec, TmpfsMount};

pub(super) fn add(
    run: &mut StageRun<'_, '_>,
    exec: Exec,
    mount: &Mount,
    span: Span,
) -> Result<Exec, ConvertError> {
    let fs = run.fs_mount(mount, span)?;
    Ok(exec.mount(llb::Mount::Tmpfs(TmpfsMount {
        dest: fs.dest,
        size: mount.size_limit.unwrap_or(0),
        readonly: mount.read_only,
    })))
}
