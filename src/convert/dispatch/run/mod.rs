//! RUN: the exec op, its args (heredocs included), proxy settings, the build's RUN options,
//! and each RUN flag's effect (one module per flag, [`ConvertRunFlag`]).

mod device;
mod mount;
mod network;
mod no_cache;
mod security;

use super::StageRun;
use crate::convert::ConvertError;
use crate::convert::names::uppercase_keyword;
use crate::dockerfile::Span;
use crate::dockerfile::heredoc_marker;
use crate::instructions::{MountType, RunCommand, RunFlags, ShellDependentCmdLine};
use crate::llb::{self, BindMount, DefaultPath, Exec, FileOp, Mkfile, OpMeta, TmpfsMount, pb};
use crate::shell::Env;

/// Name of the vertex that writes heredoc bodies.
pub(super) const INLINE_DOCUMENT: &str = "[internal] preparing inline document";
/// What a RUN flag does to the exec op of its RUN.
trait ConvertRunFlag {
    /// Applies the flag to `exec` (or refuses it, naming the RUN's lines).
    fn apply(
        &self,
        run: &mut StageRun<'_, '_>,
        exec: Exec,
        span: Span,
    ) -> Result<Exec, ConvertError>;
}

/// Name of the vertex that prepares a cache mount with `uid`/`gid`/`mode`.
const CACHE_PERMISSIONS: &str = "[internal] setting cache mount permissions";
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
        // A command may read anything of the stage's tree.
        self.d.use_stage_path(self.index, "/");
        // Every flag; a new one fails to compile here until it is converted.
        let RunFlags {
            device,
            mount,
            network,
            security,
            no_cache,
        } = &run.flags;
        let display = {
            let mut name = run.source.code.clone();
            if let Some(file) = run.cmd.files.first().filter(|_| is_lone_heredoc(&run.cmd)) {
                name.push_str(&format!(" ({})", heredoc_summary(&file.data)));
            }
            // Secrets given as variables show as `****`, as upstream.
            let masked: Vec<&str> = mount
                .mounts
                .iter()
                .filter(|m| m.kind == MountType::Secret)
                .filter_map(|m| m.env.as_deref())
                .collect();
            let env = MaskedEnv {
                base: &self.s.env,
                masked: &masked,
            };
            uppercase_keyword(&self.d.lexer.expand_for_display(&name, &env))
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
            .default_path(
                if self.d.opts.has_cap(llb::caps::EXEC_META_SETS_DEFAULT_PATH) {
                    DefaultPath::Daemon
                } else {
                    DefaultPath::Client
                },
            )
            .meta(meta);
        exec = device.apply(self, exec, span)?;
        exec = network.apply(self, exec, span)?;
        exec = security.apply(self, exec, span)?;
        exec = no_cache.apply(self, exec, span)?;
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
                    readonly: false,
                });
            }
        }
        if self.d.opts.has_cap(llb::caps::EXEC_META_ULIMIT) {
            for u in &self.d.opts.ulimits {
                exec = exec.ulimit(u.name.clone(), u.soft, u.hard);
            }
        }
        if let Some(parent) = &self.d.opts.cgroup_parent {
            if self.d.opts.has_cap(llb::caps::EXEC_META_CGROUP_PARENT) {
                exec = exec.cgroup_parent(parent.clone());
            }
        }
        for mount in extra_mounts {
            exec = exec.mount(mount);
        }
        exec = mount.apply(self, exec, span)?;
        if self.ignore_cache {
            // Set by `--no-cache`, or by a mount of an always-run stage's result.
            exec = exec.ignore_cache(true);
        }
        let outputs = exec.build().map_err(|e| ConvertError::caused_by(span, e))?;
        self.s.state = outputs.root();

        let mut history = String::from("RUN ");
        // Each ARG once, where it was first declared, with its current value. BuildKit 0.8's
        // builtin lists only the stage's own ARGs, each time one is declared.
        let old = self.like_buildkit_0_8();
        let args_from = if old { self.s.own_args_from } else { 0 };
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (key, value) in self.s.build_args.iter().skip(args_from) {
            let value = self
                .s
                .env
                .get(key)
                .map(str::to_string)
                .or_else(|| value.clone())
                .unwrap_or_default();
            match pairs.iter_mut().find(|(k, _)| k == key) {
                Some(pair) if !old => pair.1 = value,
                _ => pairs.push((key, value)),
            }
        }
        if !pairs.is_empty() {
            let shown: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            history.push_str(&format!("|{} {} ", shown.len(), shown.join(" ")));
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
                        .map_err(|e| ConvertError::caused_by(run.source.span, e))?;
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
}

/// `RUN <<EOF` with nothing else on the line.
/// A RUN whose whole command is one heredoc marker (upstream's `MustParseHeredoc` of the
/// command line): its body is run as the script.
fn is_lone_heredoc(cmd: &ShellDependentCmdLine) -> bool {
    !cmd.files.is_empty() && heredoc_marker(&cmd.args().join(" ")).is_some()
}

/// An environment where some variables read as `****`.
struct MaskedEnv<'a> {
    base: &'a dyn Env,
    masked: &'a [&'a str],
}

impl Env for MaskedEnv<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        if self.masked.contains(&name) {
            Some("****")
        } else {
            self.base.get(name)
        }
    }
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
