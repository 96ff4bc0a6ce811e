//! `RUN --mount`: bind, cache, tmpfs, secret and ssh mounts, as upstream adds them.

use super::{CACHE_PERMISSIONS, ConvertRunFlag};
use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::convert::outline::MountUse;
use crate::dockerfile::Span;
use crate::instructions::{Mount, MountType, Mounts, ShareMode};
use crate::llb::{
    self, BindMount, CacheMount, Chown, Exec, FileOp, Mkdir, OpMeta, SecretMount, TmpfsMount, pb,
};

impl ConvertRunFlag for Mounts {
    fn apply(
        &self,
        run: &mut StageRun<'_, '_>,
        mut exec: Exec,
        span: Span,
    ) -> Result<Exec, ConvertError> {
        for mount in &self.mounts {
            exec = run.run_mount(exec, mount, span)?;
        }
        Ok(exec)
    }
}

impl StageRun<'_, '_> {
    /// One `RUN --mount`, plus an env var it sets (SSH_AUTH_SOCK, secret env).
    /// Adds one `--mount` to the exec, as upstream does.
    fn run_mount(&mut self, exec: Exec, mount: &Mount, span: Span) -> Result<Exec, ConvertError> {
        let err = |m: String| ConvertError::at(span, m);
        // An empty value is the same as none, as upstream reads these keys.
        let given = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        let (source, target, id) = (given(&mount.source), given(&mount.target), given(&mount.id));
        match mount.kind {
            MountType::Secret => return self.secret_mount(exec, mount, span),
            MountType::Ssh => {
                if source.is_some() {
                    return Err(err("ssh does not support source".into()));
                }
                let used = MountUse {
                    id: id.clone().unwrap_or_else(|| "default".into()),
                    required: mount.required,
                    span,
                };
                self.d.capture.ssh(self.index, used);
                let ssh = SecretMount {
                    uid: mount.uid.unwrap_or(0),
                    gid: mount.gid.unwrap_or(0),
                    mode: mount.mode.unwrap_or(0o600),
                    optional: !mount.required,
                    // Without a target the exec builder picks /run/buildkit/ssh_agent.<n>.
                    ..SecretMount::ssh(target.unwrap_or_default(), id.unwrap_or_default())
                };
                return Ok(exec.mount(llb::Mount::Ssh(ssh)));
            }
            _ => {}
        }

        // Bind, cache and tmpfs mounts: the target is relative to the working directory.
        let raw_target = target.clone().unwrap_or_default();
        let dest = if llb::clean_path(&raw_target).starts_with('/') {
            raw_target.clone()
        } else {
            llb::clean_path(&format!("/{}/{raw_target}", self.s.dir))
        };
        if dest == "/" {
            return Err(err(format!("invalid mount target {dest:?}")));
        }
        let from = given(&mount.from);
        // The state mounted: a stage or image (`from`), scratch for caches and tmpfs without
        // one, else the build context.
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
            source_path.clone()
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
        Ok(match mount.kind {
            MountType::Cache => {
                let id = id.unwrap_or_else(|| llb::clean_path(&raw_target));
                let ns = self
                    .d
                    .opts
                    .build_args
                    .get("BUILDKIT_CACHE_MOUNT_NS")
                    .cloned()
                    .unwrap_or_default();
                exec.mount(llb::Mount::Cache(CacheMount {
                    dest,
                    id: format!("{ns}/{id}"),
                    sharing: match mount.sharing.unwrap_or(ShareMode::Shared) {
                        ShareMode::Shared => pb::CacheSharingOpt::Shared,
                        ShareMode::Private => pb::CacheSharingOpt::Private,
                        ShareMode::Locked => pb::CacheSharingOpt::Locked,
                    },
                    source: state,
                    selector,
                    readonly: mount.read_only,
                }))
            }
            MountType::Tmpfs => exec.mount(llb::Mount::Tmpfs(TmpfsMount {
                dest,
                size: mount.size_limit.unwrap_or(0),
                readonly: mount.read_only,
            })),
            _ => exec.mount(llb::Mount::Bind(BindMount {
                dest,
                source: state,
                selector,
                readonly: mount.read_only,
                // Without the cap a writable bind mount gets an output of its own, as upstream.
                discard_output: !mount.read_only
                    && self
                        .d
                        .opts
                        .has_cap(llb::caps::EXEC_MOUNT_BIND_READWRITE_NO_OUTPUT),
            })),
        })
    }

    /// `type=secret`: a file (at `target`, or `/run/secrets/<id>` unless `env` is given), an
    /// environment variable (`env`), or both.
    fn secret_mount(
        &mut self,
        exec: Exec,
        mount: &Mount,
        span: Span,
    ) -> Result<Exec, ConvertError> {
        let given = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        let target = given(&mount.target);
        let id = given(&mount.source)
            .or_else(|| given(&mount.id))
            .or_else(|| target.as_deref().map(basename))
            .ok_or_else(|| ConvertError::at(span, "one of source, target required"))?;
        let used = MountUse {
            id: id.clone(),
            required: mount.required,
            span,
        };
        self.d.capture.secret(self.index, used);
        let optional = !mount.required;
        let mut exec = exec;
        if let Some(name) = &mount.env {
            if !self.d.opts.has_cap(llb::caps::EXEC_SECRET_ENV) {
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
}

fn basename(path: &str) -> String {
    path.rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or(path)
        .to_string()
}
