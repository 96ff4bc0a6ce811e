//! `type=bind` (the default): a stage, an image or the build context, read-only unless `rw`.

use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::dockerfile::Span;
use crate::instructions::Mount;
use crate::llb::{self, BindMount, Exec};

pub(super) fn add(
    run: &mut StageRun<'_, '_>,
    exec: Exec,
    mount: &Mount,
    span: Span,
) -> Result<Exec, ConvertError> {
    let fs = run.fs_mount(mount, span)?;
    Ok(exec.mount(llb::Mount::Bind(BindMount {
        dest: fs.dest,
        source: fs.state,
        selector: fs.selector,
        readonly: mount.read_only,
        // Without the cap a writable bind mount gets an output of its own, as upstream.
        discard_output: !mount.read_only
            && run
                .d
                .opts
                .has_cap(llb::caps::EXEC_MOUNT_BIND_READWRITE_NO_OUTPUT),
    })))
}
