//! `type=cache`: a persistent cache directory (id defaults to the target, namespaced by
//! `BUILDKIT_CACHE_MOUNT_NS`), shared, private or locked.

use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::dockerfile::Span;
use crate::instructions::{Mount, ShareMode};
use crate::llb::{self, CacheMount, Exec, pb};

pub(super) fn add(
    run: &mut StageRun<'_, '_>,
    exec: Exec,
    mount: &Mount,
    span: Span,
) -> Result<Exec, ConvertError> {
    let fs = run.fs_mount(mount, span)?;
    let id = super::given(&mount.id).unwrap_or_else(|| llb::clean_path(&fs.raw_target));
    let ns = run
        .d
        .opts
        .build_args
        .get("BUILDKIT_CACHE_MOUNT_NS")
        .cloned()
        .unwrap_or_default();
    Ok(exec.mount(llb::Mount::Cache(CacheMount {
        dest: fs.dest,
        id: format!("{ns}/{id}"),
        sharing: match mount.sharing.unwrap_or(ShareMode::Shared) {
            ShareMode::Shared => pb::CacheSharingOpt::Shared,
            ShareMode::Private => pb::CacheSharingOpt::Private,
            ShareMode::Locked => pb::CacheSharingOpt::Locked,
        },
        source: fs.state,
        selector: fs.selector,
        readonly: mount.read_only,
    })))
}
