//! `type=ssh`: the client's SSH agent socket (id `default` unless given), optional unless
//! `required`.

use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::convert::outline::MountUse;
use crate::dockerfile::Span;
use crate::instructions::Mount;
use crate::llb::{self, Exec, SecretMount};

pub(super) fn add(
    run: &mut StageRun<'_, '_>,
    exec: Exec,
    mount: &Mount,
    span: Span,
) -> Result<Exec, ConvertError> {
    if super::given(&mount.source).is_some() {
        return Err(ConvertError::at(span, "ssh does not support source"));
    }
    let (target, id) = (super::given(&mount.target), super::given(&mount.id));
    let used = MountUse {
        id: id.clone().unwrap_or_else(|| "default".into()),
        required: mount.required,
        span,
    };
    run.d.capture.ssh(run.index, used);
    let ssh = SecretMount {
        uid: mount.uid.unwrap_or(0),
        gid: mount.gid.unwrap_or(0),
        mode: mount.mode.unwrap_or(0o600),
        optional: !mount.required,
        // Without a target the exec builder picks /run/buildkit/ssh_agent.<n>.
        ..SecretMount::ssh(target.unwrap_or_default(), id.unwrap_or_default())
    };
    Ok(exec.mount(llb::Mount::Ssh(ssh)))
}
