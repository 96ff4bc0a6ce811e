//! `type=secret`: a file (at `target`, or `/run/secrets/<id>` unless `env` is given), an
//! environment variable (`env`, cap `exec.secretenv`), or both.

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
    let target = super::given(&mount.target);
    let id = super::given(&mount.source)
        .or_else(|| super::given(&mount.id))
        .or_else(|| target.as_deref().map(basename))
        .ok_or_else(|| ConvertError::at(span, "one of source, target required"))?;
    let used = MountUse {
        id: id.clone(),
        required: mount.required,
        span,
    };
    run.d.capture.secret(run.index, used);
    let optional = !mount.required;
    let mut exec = exec;
    if let Some(name) = &mount.env {
        if !run.d.opts.has_cap(llb::caps::EXEC_SECRET_ENV) {
            return Err(ConvertError::at(
                span,
                format!(
                    "--mount=type=secret,env={name} needs a BuildKit with secrets as environment variables (cap exec.secretenv, BuildKit 0.10 or later)"
                ),
            ));
        }
        exec = exec.secret_env(id.clone(), name.clone(), optional);
    }
    let dest = match (&target, &mount.env) {
        (Some(t), _) => Some(t.clone()),
        (None, None) => Some(format!("/run/secrets/{}", basename(&id))),
        (None, Some(_)) => None,
    };
    if let Some(dest) = dest {
        let secret = SecretMount {
            uid: mount.uid.unwrap_or(0),
            gid: mount.gid.unwrap_or(0),
            mode: mount.mode.unwrap_or(0o400),
            optional,
            ..SecretMount::new(dest, id)
        };
        exec = exec.mount(llb::Mount::Secret(secret));
    }
    Ok(exec)
}

fn basename(path: &str) -> String {
    path.rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or(path)
        .to_string()
}
