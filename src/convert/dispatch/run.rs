//! RUN: the exec op, its args (heredocs included), network, proxy settings and mounts.

use super::StageRun;
use crate::convert::ConvertError;
use crate::dockerfile::Span;
use crate::frontend::NetworkMode;
use crate::instructions::{
    MountType, NetworkMode as RunNetwork, RunCommand, SecurityMode as RunSecurity, ShareMode,
    ShellDependentCmdLine,
};
use crate::llb::{
    self, BindMount, CacheMount, Chown, Exec, FileOp, Mkdir, Mkfile, OpMeta, Output, SecretMount,
    TmpfsMount, pb,
};

/// Name of the vertex that writes heredoc bodies.
pub(super) const INLINE_DOCUMENT: &str = "[internal] preparing inline document";
/// Build-args that become the RUN proxy settings rather than env.
const PROXY_ARGS: [&str; 5] = [
    "http_proxy",
    "https_proxy",
    "ftp_proxy",
    "no_proxy",
    "all_proxy",
];

impl StageRun<'_, '_> {
    pub(super) fn run(&mut self, run: &RunCommand) -> Result<(), ConvertError> {
        let span = run.source.span;
        if !run.devices.is_empty() {
            return Err(ConvertError::at(
                span,
                "RUN --device is not supported by this frontend yet",
            ));
        }
        let display = {
            let mut name = self.display_name(&run.source.code, true);
            if let [file] = run.cmd.files.as_slice() {
                if is_lone_heredoc(&run.cmd) {
                    name.push_str(&format!(" ({})", heredoc_summary(&file.data)));
                }
            }
            name
        };
        let mut extra_mounts = Vec::new();
        let args = self.run_args(run, &mut extra_mounts)?;
        let meta = self
            .step_meta(&display, span)
            .description(llb::DOCKERFILE_COMMAND_KEY, run.source.code.clone());

        let mut exec = Exec::new(self.s.state.clone(), args.clone())
            .envs(self.s.env.to_vec())
            .cwd(self.s.dir.clone())
            .platform(self.s.platform.clone())
            .network(self.network(run))
            .security(match run.security {
                RunSecurity::Insecure => pb::SecurityMode::Insecure,
                RunSecurity::Sandbox => pb::SecurityMode::Sandbox,
            })
            .meta(meta);
        if !self.s.user.is_empty() {
            exec = exec.user(self.s.user.clone());
        }
        if let Some(hostname) = &self.d.opts.hostname {
            exec = exec.hostname(hostname.clone());
        }
        for (host, ip) in &self.d.opts.extra_hosts {
            exec = exec.extra_host(host.clone(), ip.clone());
        }
        if let Some(proxy) = self.proxy_env() {
            exec = exec.proxy_env(proxy);
        }
        if let Some(size) = self.d.opts.shm_size.filter(|&s| s > 0) {
            if self.d.opts.has_cap("exec.mount.tmpfs.size") {
                exec = exec.mount(TmpfsMount {
                    dest: "/dev/shm".into(),
                    size: i64::try_from(size).unwrap_or(i64::MAX),
                });
            }
        }
        for mount in extra_mounts {
            exec = exec.mount(mount);
        }
        for (n, mount) in run.mounts.iter().enumerate() {
            let (mount, env) = self.run_mount(mount, n, span)?;
            if let Some((k, v)) = env {
                exec = exec.env(&k, &v);
            }
            exec = exec.mount(mount);
        }
        let outputs = exec
            .build()
            .map_err(|e| ConvertError::at(span, e.to_string()))?;
        self.s.state = outputs.root();

        let mut history = String::from("RUN ");
        if !self.args.is_empty() {
            let pairs: Vec<String> = self
                .args
                .iter()
                .map(|(k, v)| {
                    let value = self
                        .s
                        .env
                        .get(k)
                        .map(str::to_string)
                        .or_else(|| v.clone())
                        .unwrap_or_default();
                    format!("{k}={value}")
                })
                .collect();
            history.push_str(&format!("|{} {} ", pairs.len(), pairs.join(" ")));
        }
        history.push_str(&args.join(" "));
        self.commit(history, true);
        Ok(())
    }

    /// The exec args of a RUN, heredocs included.
    fn run_args(
        &self,
        run: &RunCommand,
        mounts: &mut Vec<llb::Mount>,
    ) -> Result<Vec<String>, ConvertError> {
        let cmd = &run.cmd;
        if cmd.files.is_empty() {
            return Ok(self.with_shell(cmd));
        }
        let shell_of = |script: String| {
            self.with_shell(&ShellDependentCmdLine {
                cmd_line: vec![crate::dockerfile::Word {
                    text: script,
                    span: run.source.span,
                }],
                files: Vec::new(),
                prepend_shell: true,
            })
        };
        if let [file] = cmd.files.as_slice() {
            if is_lone_heredoc(cmd) {
                let body = if file.chomp {
                    crate::instructions::chomp_heredoc_content(&file.data)
                } else {
                    file.data.clone()
                };
                if body.starts_with("#!") {
                    let doc = FileOp::new(None)
                        .mkfile(Mkfile {
                            mode: 0o755,
                            ..Mkfile::new(format!("/{}", file.name), body.into_bytes())
                        })
                        .meta(OpMeta::new().custom_name(INLINE_DOCUMENT))
                        .build()
                        .map_err(|e| ConvertError::at(run.source.span, e.to_string()))?;
                    mounts.push(llb::Mount::Bind(BindMount {
                        dest: "/dev/pipes/".into(),
                        source: Some(doc),
                        selector: "/".into(),
                        readonly: true,
                        discard_output: false,
                    }));
                    return Ok(shell_of(format!("/dev/pipes/{}", file.name)));
                }
                return Ok(shell_of(body));
            }
        }
        let mut script = cmd.args().first().cloned().unwrap_or_default();
        for file in &cmd.files {
            script.push('\n');
            script.push_str(&file.data);
            script.push_str(&file.name);
        }
        Ok(shell_of(script))
    }

    fn network(&self, run: &RunCommand) -> pb::NetMode {
        match run.network {
            RunNetwork::None => pb::NetMode::None,
            RunNetwork::Host => pb::NetMode::Host,
            RunNetwork::Default => match self.d.opts.network {
                NetworkMode::Sandbox => pb::NetMode::Unset,
                NetworkMode::Host => pb::NetMode::Host,
                NetworkMode::None => pb::NetMode::None,
            },
        }
    }

    fn proxy_env(&self) -> Option<pb::ProxyEnv> {
        let get = |name: &str| {
            self.d
                .opts
                .build_args
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let proxy = pb::ProxyEnv {
            http_proxy: get(PROXY_ARGS[0]),
            https_proxy: get(PROXY_ARGS[1]),
            ftp_proxy: get(PROXY_ARGS[2]),
            no_proxy: get(PROXY_ARGS[3]),
            all_proxy: get(PROXY_ARGS[4]),
        };
        (proxy != pb::ProxyEnv::default()).then_some(proxy)
    }

    /// One `RUN --mount`, plus an env var it sets (SSH_AUTH_SOCK, secret env).
    fn run_mount(
        &mut self,
        mount: &crate::instructions::Mount,
        n: usize,
        span: Span,
    ) -> Result<(llb::Mount, Option<(String, String)>), ConvertError> {
        let err = |m: String| ConvertError::at(span, m);
        let target = mount.target.as_deref().map(|t| {
            let cleaned = llb::clean_path(t);
            if cleaned.starts_with('/') {
                cleaned
            } else {
                llb::clean_path(&format!("{}/{cleaned}", self.s.dir))
            }
        });
        if target.as_deref() == Some("/") {
            return Err(err("invalid mount target \"/\"".into()));
        }
        let source_state = |this: &mut Self| -> Result<Option<Output>, ConvertError> {
            match &mount.from {
                Some(from) => this.stage_state(from, span),
                None => Ok(None),
            }
        };
        let mount = match mount.kind {
            MountType::Bind => {
                let dest = target.ok_or_else(|| err("invalid mount target \"\"".into()))?;
                let (source, selector) = match &mount.from {
                    Some(_) => (
                        source_state(self)?,
                        mount.source.clone().unwrap_or_default(),
                    ),
                    None => {
                        let src = mount.source.clone().unwrap_or_default();
                        self.use_context(&src);
                        (Some(self.d.context.clone()), src)
                    }
                };
                let selector = llb::clean_path(&format!("/{selector}"));
                llb::Mount::Bind(BindMount {
                    dest,
                    source,
                    selector: if selector == "/" {
                        String::new()
                    } else {
                        selector
                    },
                    readonly: mount.read_only,
                    discard_output: !mount.read_only,
                })
            }
            MountType::Cache => {
                let raw_target = mount.target.clone().unwrap_or_default();
                let id = mount
                    .id
                    .clone()
                    .unwrap_or_else(|| llb::clean_path(&raw_target));
                let ns = self
                    .d
                    .opts
                    .build_args
                    .get("BUILDKIT_CACHE_MOUNT_NS")
                    .cloned()
                    .unwrap_or_default();
                let source = source_state(self)?;
                let dest = target.ok_or_else(|| err("invalid mount target \"\"".into()))?;
                let (source, selector) =
                    if mount.uid.is_some() || mount.gid.is_some() || mount.mode.is_some() {
                        if mount.source.is_some() {
                            (source, mount.source.clone().unwrap_or_default())
                        } else {
                            let prepared = FileOp::new(source)
                                .mkdir(Mkdir {
                                    mode: mount.mode.unwrap_or(0o755),
                                    make_parents: false,
                                    owner: Some(Chown::ids(
                                        mount.uid.unwrap_or(0),
                                        mount.gid.unwrap_or(0),
                                    )),
                                    ..Mkdir::new("/cache")
                                })
                                .meta(
                                    OpMeta::new()
                                        .custom_name("[internal] settings cache mount permissions"),
                                )
                                .build()
                                .map_err(|e| err(e.to_string()))?;
                            (Some(prepared), "/cache".to_string())
                        }
                    } else {
                        (source, mount.source.clone().unwrap_or_default())
                    };
                llb::Mount::Cache(CacheMount {
                    dest,
                    id: format!("{ns}/{id}"),
                    sharing: match mount.sharing.unwrap_or(ShareMode::Shared) {
                        ShareMode::Shared => pb::CacheSharingOpt::Shared,
                        ShareMode::Private => pb::CacheSharingOpt::Private,
                        ShareMode::Locked => pb::CacheSharingOpt::Locked,
                    },
                    source,
                    selector,
                })
            }
            MountType::Tmpfs => llb::Mount::Tmpfs(TmpfsMount {
                dest: target.ok_or_else(|| err("invalid mount target \"\"".into()))?,
                size: mount.size_limit.unwrap_or(0),
            }),
            MountType::Secret => {
                let id = mount
                    .id
                    .clone()
                    .or_else(|| mount.source.clone())
                    .or_else(|| target.as_deref().map(basename))
                    .ok_or_else(|| {
                        err("invalid secret mount. one of source, target required".into())
                    })?;
                let dest = target.unwrap_or_else(|| format!("/run/secrets/{}", basename(&id)));
                let secret = SecretMount {
                    uid: mount.uid.unwrap_or(0),
                    gid: mount.gid.unwrap_or(0),
                    mode: mount.mode.unwrap_or(0o400),
                    optional: !mount.required,
                    ..SecretMount::new(dest, id)
                };
                return Ok((llb::Mount::Secret(secret), None));
            }
            MountType::Ssh => {
                let id = mount.id.clone().unwrap_or_else(|| "default".into());
                let dest = target.unwrap_or_else(|| format!("/run/buildkit/ssh_agent.{n}"));
                let ssh = SecretMount {
                    uid: mount.uid.unwrap_or(0),
                    gid: mount.gid.unwrap_or(0),
                    mode: mount.mode.unwrap_or(0o600),
                    optional: !mount.required,
                    ..SecretMount::ssh(dest.clone(), id)
                };
                let env = (n == 0).then(|| ("SSH_AUTH_SOCK".to_string(), dest));
                return Ok((llb::Mount::Ssh(ssh), env));
            }
        };
        Ok((mount, None))
    }
}

fn basename(path: &str) -> String {
    path.rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or(path)
        .to_string()
}

/// `RUN <<EOF` with nothing else on the line.
fn is_lone_heredoc(cmd: &ShellDependentCmdLine) -> bool {
    let line = cmd.args().join(" ");
    let marker = line.trim();
    cmd.files.len() == 1 && marker.starts_with("<<") && !marker.contains(char::is_whitespace)
}

/// First line of a heredoc body, with `...` when there are more.
fn heredoc_summary(body: &str) -> String {
    let trimmed = body.trim();
    let mut lines = trimmed.lines();
    let first = lines.next().unwrap_or_default();
    if lines.next().is_some() {
        format!("{first}...")
    } else {
        first.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heredoc_summaries() {
        assert_eq!(heredoc_summary("echo hi\n"), "echo hi");
        assert_eq!(heredoc_summary("\nset -e\necho hi\n"), "set -e...");
    }
}
