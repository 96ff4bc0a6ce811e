//! Exec ops: run a command on a root filesystem with extra mounts.
//!
//! Mount layout follows the Go client: filesystem mounts (root, bind, cache, tmpfs) sorted by
//! destination, then secret mounts, then SSH mounts. Writable bind mounts that keep their
//! changes get outputs 0, 1, … in that order (the root is normally output 0).
//!
//! This is Go's `llb.ExecState` (`client/llb/exec.go`) and BuildKit's `pb.ExecOp`.

use std::collections::{BTreeMap, BTreeSet};

use super::Error;
use super::caps;
use super::graph::{Inputs, OpMeta, Output, new_output};
use super::platform::Platform;
use crate::proto::pb;

/// A bind mount of a state (`None` = scratch) at `dest` (`pb.Mount` of type `BIND`, Go
/// `llb.AddMount`).
///
/// A writable mount that keeps its changes is an output of the exec: read it back with
/// [`ExecOutputs::mount`]. Mounting a non-scratch state declares
/// [`caps::EXEC_MOUNT_BIND`](crate::caps::EXEC_MOUNT_BIND).
///
/// ```
/// use rustfront_llb::{BindMount, Exec, Local};
///
/// let src = Local::new("context").session("s").build();
/// let built = Exec::new(None, ["/bin/true"])
///     .mount(BindMount { dest: "/src".into(), source: Some(src), readonly: true, ..BindMount::default() })
///     .mount(BindMount { dest: "/out".into(), ..BindMount::default() }) // scratch, writable
///     .build()?;
/// assert_eq!(built.mount("/out").map(|o| o.index()), Some(1)); // the root is output 0
/// # Ok::<(), rustfront_llb::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct BindMount {
    /// Absolute path in the container.
    pub dest: String,
    /// The state to mount (`None` = an empty directory).
    pub source: Option<Output>,
    /// Mount only this path of the source (empty = its root); needs
    /// [`caps::EXEC_MOUNT_SELECTOR`](crate::caps::EXEC_MOUNT_SELECTOR), added automatically.
    pub selector: String,
    /// Read-only: no output, and [`ExecOutputs::mount`] gives back `source` unchanged.
    pub readonly: bool,
    /// Writable, but changes are thrown away (no output). Ignored when `readonly`.
    pub discard_output: bool,
}

/// A persistent cache directory (`pb.Mount` of type `CACHE`, Go `llb.AsPersistentCacheDir`),
/// as `RUN --mount=type=cache` uses it.
///
/// The content outlives the build and is shared, by `id`, with later execs and builds on the
/// same daemon; it is never part of a result (no output) nor of the exec's cache key.
/// Declares [`caps::EXEC_MOUNT_CACHE`](crate::caps::EXEC_MOUNT_CACHE) and
/// [`caps::EXEC_MOUNT_CACHE_SHARING`](crate::caps::EXEC_MOUNT_CACHE_SHARING).
///
/// ```
/// use rustfront_llb::{CacheMount, Exec, pb};
///
/// let build = Exec::new(None, ["cargo", "build"])
///     .mount(CacheMount {
///         dest: "/usr/local/cargo/registry".into(),
///         id: "cargo-registry".into(),
///         sharing: pb::CacheSharingOpt::Shared,
///         ..CacheMount::default()
///     })
///     .build()?;
/// assert!(build.mount("/usr/local/cargo/registry").is_none()); // caches have no output
/// # Ok::<(), rustfront_llb::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct CacheMount {
    /// Absolute path in the container.
    pub dest: String,
    /// The cache's name (`CacheOpt.ID`). Empty means the server uses `dest`.
    pub id: String,
    /// What happens when several execs use the cache at once: `Shared` (default: all at
    /// once), `Private` (a second writer gets a new, empty cache) or `Locked` (a second writer
    /// waits).
    pub sharing: pb::CacheSharingOpt,
    /// Initial content for a new cache (`None` = empty).
    pub source: Option<Output>,
    /// The path of `source` to start from (empty = its root).
    pub selector: String,
    /// Mount read-only.
    pub readonly: bool,
}

/// A tmpfs (`pb.Mount` of type `TMPFS`, Go `llb.Tmpfs`): an in-memory directory, empty at the
/// start and gone afterwards. Declares [`caps::EXEC_MOUNT_TMPFS`](crate::caps::EXEC_MOUNT_TMPFS).
#[derive(Debug, Clone, Default)]
pub struct TmpfsMount {
    /// Absolute path in the container (`/dev/shm` with a size is how `shm-size` is done).
    pub dest: String,
    /// Bytes; 0 = the default size (a non-zero size needs `exec.mount.tmpfs.size`).
    pub size: i64,
    /// Mount read-only.
    pub readonly: bool,
}

/// A secret file (also used for SSH agent sockets through [`Mount::Ssh`]).
///
/// `pb.SecretOpt` / `pb.SSHOpt`: BuildKit asks the client session for secret (or agent) `id`
/// while the command runs; the content is never part of a result or a cache key.
#[derive(Debug, Clone)]
pub struct SecretMount {
    /// Absolute path in the container. For [`Mount::Ssh`], empty means
    /// `/run/buildkit/ssh_agent.<n>` (n counting SSH mounts from 0).
    pub dest: String,
    /// The secret (or SSH agent) ID the client provides; for SSH, empty means `default`.
    pub id: String,
    /// Owner of the file or socket.
    pub uid: u32,
    /// Group of the file or socket.
    pub gid: u32,
    /// Permission bits, e.g. `0o400`.
    pub mode: u32,
    /// A secret the client does not have is skipped instead of failing the command.
    pub optional: bool,
}

impl SecretMount {
    /// A secret file with mode 0400, owned by root.
    pub fn new(dest: impl Into<String>, id: impl Into<String>) -> Self {
        SecretMount {
            dest: dest.into(),
            id: id.into(),
            uid: 0,
            gid: 0,
            mode: 0o400,
            optional: false,
        }
    }

    /// An SSH agent socket with mode 0600, owned by root.
    pub fn ssh(dest: impl Into<String>, id: impl Into<String>) -> Self {
        SecretMount {
            mode: 0o600,
            ..SecretMount::new(dest, id)
        }
    }
}

/// A resource limit for the command (`docker build --ulimit nofile=1024:2048`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ulimit {
    /// The resource as Docker names it: `nofile`, `nproc`, `core`, `memlock`, …
    pub name: String,
    /// The soft limit.
    pub soft: i64,
    /// The hard limit.
    pub hard: i64,
}

/// One extra mount of an exec ([`Exec::mount`]; the struct types convert into it with `From`).
///
/// Non-exhaustive: BuildKit may add mount types.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Mount {
    /// A state, mounted read-write or read-only.
    Bind(BindMount),
    /// A persistent cache directory.
    Cache(CacheMount),
    /// An in-memory directory.
    Tmpfs(TmpfsMount),
    /// A secret file (cap [`caps::EXEC_MOUNT_SECRET`](crate::caps::EXEC_MOUNT_SECRET)).
    Secret(SecretMount),
    /// An SSH agent socket (cap [`caps::EXEC_MOUNT_SSH`](crate::caps::EXEC_MOUNT_SSH)); the first
    /// one becomes `SSH_AUTH_SOCK` unless the environment sets it.
    Ssh(SecretMount),
}

impl Mount {
    /// The mount's destination path in the container.
    pub fn dest(&self) -> &str {
        match self {
            Mount::Bind(m) => &m.dest,
            Mount::Cache(m) => &m.dest,
            Mount::Tmpfs(m) => &m.dest,
            Mount::Secret(m) | Mount::Ssh(m) => &m.dest,
        }
    }
}

impl From<BindMount> for Mount {
    fn from(m: BindMount) -> Self {
        Mount::Bind(m)
    }
}

impl From<CacheMount> for Mount {
    fn from(m: CacheMount) -> Self {
        Mount::Cache(m)
    }
}

impl From<TmpfsMount> for Mount {
    fn from(m: TmpfsMount) -> Self {
        Mount::Tmpfs(m)
    }
}

/// Builds one exec op: run a command on a root filesystem with extra mounts (`pb.ExecOp`, Go
/// `llb.State.Run`).
///
/// The command runs with exactly the environment given here: nothing is inherited from the
/// image, so copy the image config's `Env` (and its `PATH`) in with [`envs`](Self::envs), or
/// see [`DefaultPath`]. [`build`](Self::build) marshals the op once and returns its
/// [`ExecOutputs`]; every exec declares [`caps::EXEC_META_BASE`](crate::caps::EXEC_META_BASE)
/// plus the caps of the features used.
///
/// ```
/// use rustfront_llb::{Exec, Image, Platform, pb};
///
/// let platform = Platform::parse("linux/arm64")?;
/// let alpine = Image::new("alpine:3.20").platform(platform.clone()).build()?;
/// let run = Exec::new(Some(alpine), ["/bin/sh", "-c", "apk add --no-cache curl"])
///     .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
///     .cwd("/root")
///     .network(pb::NetMode::Unset) // sandbox (the default)
///     .platform(platform)
///     .build()?;
/// let after = run.root(); // the root filesystem once the command has run
/// assert_eq!(after.map(|o| o.index()), Some(0));
/// # Ok::<(), rustfront_llb::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Exec {
    root: Option<Output>,
    readonly_root: bool,
    meta_pb: pb::Meta,
    network: pb::NetMode,
    security: pb::SecurityMode,
    secret_env: Vec<pb::SecretEnv>,
    cdi_devices: Vec<pb::CdiDevice>,
    mounts: Vec<Mount>,
    platform: Option<Platform>,
    meta: OpMeta,
    default_path: DefaultPath,
}

/// Who provides `PATH` when the command's environment has none (the Go client decides this
/// from the daemon's caps).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DefaultPath {
    /// The daemon's caps are unknown: nothing is added.
    #[default]
    Unknown,
    /// The daemon sets it (`exec.meta.setsdefaultpath`): the op carries that cap.
    Daemon,
    /// The daemon does not: the op's environment gets the default `PATH` of its OS (none on
    /// Windows).
    Client,
}

impl Exec {
    /// Runs `args` on `root` (`None` = scratch) in `/`, with
    /// `removeMountStubsRecursive` set (as the Go client always does).
    pub fn new<I, S>(root: Option<Output>, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Exec {
            root,
            readonly_root: false,
            meta_pb: pb::Meta {
                args: args.into_iter().map(Into::into).collect(),
                cwd: "/".into(),
                remove_mount_stubs_recursive: true,
                ..pb::Meta::default()
            },
            network: pb::NetMode::Unset,
            security: pb::SecurityMode::Sandbox,
            secret_env: Vec::new(),
            cdi_devices: Vec::new(),
            mounts: Vec::new(),
            platform: None,
            meta: OpMeta::default(),
            default_path: DefaultPath::Unknown,
        }
    }

    /// Who sets `PATH` when the environment has none; see [`DefaultPath`].
    pub fn default_path(mut self, who: DefaultPath) -> Self {
        self.default_path = who;
        self
    }

    /// Adds one `KEY=VALUE` entry (order is kept).
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.meta_pb.env.push(format!("{key}={value}"));
        self
    }

    /// Adds `KEY=VALUE` entries (order is kept).
    pub fn envs<I, S>(mut self, entries: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.meta_pb.env.extend(entries.into_iter().map(Into::into));
        self
    }

    /// The working directory (`Meta.cwd`, default `/`). BuildKit creates it if missing.
    pub fn cwd(mut self, cwd: impl Into<String>) -> Self {
        self.meta_pb.cwd = cwd.into();
        self
    }

    /// The user to run as (`Meta.user`): `uid`, `uid:gid` or a name from the root's
    /// `/etc/passwd`. Default: root.
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.meta_pb.user = user.into();
        self
    }

    /// The container's hostname (`Meta.hostname`); empty = BuildKit's default.
    pub fn hostname(mut self, hostname: impl Into<String>) -> Self {
        self.meta_pb.hostname = hostname.into();
        self
    }

    /// Adds an `/etc/hosts` entry (`Meta.extraHosts`, as `--add-host`).
    pub fn extra_host(mut self, host: impl Into<String>, ip: impl Into<String>) -> Self {
        self.meta_pb.extra_hosts.push(pb::HostIp {
            host: host.into(),
            ip: ip.into(),
        });
        self
    }

    /// The network (`ExecOp.network`): `Unset` is the default sandbox, `Host` needs the
    /// `network.host` entitlement, `None` has no network. Anything but `Unset` declares
    /// [`caps::EXEC_META_NETWORK`](crate::caps::EXEC_META_NETWORK).
    pub fn network(mut self, mode: pb::NetMode) -> Self {
        self.network = mode;
        self
    }

    /// The security mode (`ExecOp.security`): `Sandbox` (default) or `Insecure` (privileged,
    /// needs the `security.insecure` entitlement; declares
    /// [`caps::EXEC_META_SECURITY`](crate::caps::EXEC_META_SECURITY)).
    pub fn security(mut self, mode: pb::SecurityMode) -> Self {
        self.security = mode;
        self
    }

    /// Adds a resource limit (`Meta.ulimit`, e.g. `("nofile", 1024, 2048)`); declares
    /// [`caps::EXEC_META_ULIMIT`](crate::caps::EXEC_META_ULIMIT) (BuildKit v0.10+).
    pub fn ulimit(mut self, name: impl Into<String>, soft: i64, hard: i64) -> Self {
        self.meta_pb.ulimit.push(pb::Ulimit {
            name: name.into(),
            soft,
            hard,
        });
        self
    }

    /// The parent cgroup (`Meta.cgroupParent`); declares
    /// [`caps::EXEC_META_CGROUP_PARENT`](crate::caps::EXEC_META_CGROUP_PARENT) (BuildKit v0.10+).
    pub fn cgroup_parent(mut self, parent: impl Into<String>) -> Self {
        self.meta_pb.cgroup_parent = parent.into();
        self
    }

    /// Proxy variables (`Meta.proxy_env`) that BuildKit sets for the command but keeps out of
    /// the cache key; declares [`caps::EXEC_META_PROXY`](crate::caps::EXEC_META_PROXY).
    pub fn proxy_env(mut self, proxy: pb::ProxyEnv) -> Self {
        self.meta_pb.proxy_env = Some(proxy);
        self
    }

    /// Exposes secret `id` as environment variable `name` (`ExecOp.secretenv`); an `optional`
    /// secret may be missing. Declares [`caps::EXEC_SECRET_ENV`](crate::caps::EXEC_SECRET_ENV)
    /// (BuildKit v0.10+) and, as the Go client does,
    /// [`caps::EXEC_MOUNT_SECRET`](crate::caps::EXEC_MOUNT_SECRET).
    pub fn secret_env(
        mut self,
        id: impl Into<String>,
        name: impl Into<String>,
        optional: bool,
    ) -> Self {
        self.secret_env.push(pb::SecretEnv {
            id: id.into(),
            name: name.into(),
            optional,
        });
        self
    }

    /// Gives the command the CDI device `name` (`vendor.com/class=name`; `ExecOp.cdiDevices`);
    /// an `optional` one may be missing. Declares
    /// [`caps::EXEC_META_CDI`](crate::caps::EXEC_META_CDI) (BuildKit v0.20+).
    pub fn cdi_device(mut self, name: impl Into<String>, optional: bool) -> Self {
        self.cdi_devices.push(pb::CdiDevice {
            name: name.into(),
            optional,
        });
        self
    }

    /// `Meta.removeMountStubsRecursive` (default `true`, as the Go client sets it): remove the
    /// empty files and directories BuildKit creates in the root for mount points, including
    /// their parents. Daemons before v0.11 ignore it.
    pub fn remove_mount_stubs_recursive(mut self, on: bool) -> Self {
        self.meta_pb.remove_mount_stubs_recursive = on;
        self
    }

    /// Mounts the root read-only; the exec then has no root output of its own.
    pub fn readonly_root(mut self) -> Self {
        self.readonly_root = true;
        self
    }

    /// Adds a mount. Order does not matter (mounts are sorted as the Go client sorts them); two
    /// mounts at the same destination make [`build`](Self::build) fail.
    pub fn mount(mut self, mount: impl Into<Mount>) -> Self {
        self.mounts.push(mount.into());
        self
    }

    /// `Op.platform`: where the command runs (the worker emulates other platforms if it can).
    /// Without one the daemon's default is used; the Go client always sets it.
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = Some(platform);
        self
    }

    /// Progress name, cache flags, extra caps and source locations; see [`OpMeta`].
    pub fn meta(mut self, meta: OpMeta) -> Self {
        self.meta = meta;
        self
    }

    /// Sets [`OpMeta::ignore_cache`], keeping the rest of the metadata: `true` runs the command
    /// even when a cache record exists.
    pub fn ignore_cache(mut self, ignore: bool) -> Self {
        self.meta.ignore_cache = ignore;
        self
    }

    /// Marshals the op.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyArgs`] without arguments, [`Error::DuplicateMount`] when two mounts
    /// (including the root at `/`) share a destination.
    pub fn build(mut self) -> Result<ExecOutputs, Error> {
        if self.meta_pb.args.is_empty() {
            return Err(Error::EmptyArgs);
        }
        // As the Go client: SSH sockets without a target get /run/buildkit/ssh_agent.<n>, and
        // the first one becomes SSH_AUTH_SOCK unless the environment sets it.
        let mut first_ssh = None;
        for (n, mount) in self
            .mounts
            .iter_mut()
            .filter_map(|m| match m {
                Mount::Ssh(s) => Some(s),
                _ => None,
            })
            .enumerate()
        {
            if mount.dest.is_empty() {
                mount.dest = format!("/run/buildkit/ssh_agent.{n}");
            }
            first_ssh.get_or_insert_with(|| mount.dest.clone());
        }
        if let Some(sock) = first_ssh {
            if !self
                .meta_pb
                .env
                .iter()
                .any(|e| e.starts_with("SSH_AUTH_SOCK="))
            {
                self.meta_pb.env.push(format!("SSH_AUTH_SOCK={sock}"));
            }
        }
        let os = self.platform.as_ref().map_or("linux", |p| p.os.as_str());
        let has_path = self.meta_pb.env.iter().any(|e| e.starts_with("PATH="));
        if self.default_path == DefaultPath::Client && os != "windows" && !has_path {
            self.meta_pb
                .env
                .push(format!("PATH={}", super::DEFAULT_LINUX_PATH));
        }
        let root = Mount::Bind(BindMount {
            dest: "/".into(),
            source: self.root,
            readonly: self.readonly_root,
            ..BindMount::default()
        });
        let mut seen = BTreeSet::new();
        for m in std::iter::once(&root).chain(&self.mounts) {
            if !seen.insert(m.dest()) {
                return Err(Error::DuplicateMount(m.dest().to_owned()));
            }
        }
        let (mut fs_mounts, rest): (Vec<Mount>, Vec<Mount>) = std::iter::once(root)
            .chain(self.mounts)
            .partition(|m| !matches!(m, Mount::Secret(_) | Mount::Ssh(_)));
        fs_mounts.sort_by(|a, b| a.dest().cmp(b.dest()));
        let (secrets, ssh): (Vec<Mount>, Vec<Mount>) = rest
            .into_iter()
            .partition(|m| matches!(m, Mount::Secret(_)));

        let mut caps = BTreeSet::from([caps::EXEC_META_BASE]);
        let meta = &self.meta_pb;
        for (on, cap) in [
            (self.network != pb::NetMode::Unset, caps::EXEC_META_NETWORK),
            (
                self.security != pb::SecurityMode::Sandbox,
                caps::EXEC_META_SECURITY,
            ),
            (meta.proxy_env.is_some(), caps::EXEC_META_PROXY),
            (!meta.ulimit.is_empty(), caps::EXEC_META_ULIMIT),
            (
                !meta.cgroup_parent.is_empty(),
                caps::EXEC_META_CGROUP_PARENT,
            ),
            (!self.secret_env.is_empty(), caps::EXEC_SECRET_ENV),
            (!self.cdi_devices.is_empty(), caps::EXEC_META_CDI),
            // The Go client declares secret mounts for secrets used only as variables too.
            (!self.secret_env.is_empty(), caps::EXEC_MOUNT_SECRET),
            (
                self.default_path == DefaultPath::Daemon,
                caps::EXEC_META_SETS_DEFAULT_PATH,
            ),
        ] {
            if on {
                caps.insert(cap);
            }
        }

        let mut inputs = Inputs::default();
        let mut next_output = 0;
        let mut pb_mounts = Vec::new();
        // What each bind mount leaves behind, by destination.
        let mut results: Vec<(String, MountResult)> = Vec::new();
        for m in fs_mounts.iter().chain(&secrets).chain(&ssh) {
            let mut pm = pb::Mount {
                dest: m.dest().to_owned(),
                ..pb::Mount::default()
            };
            match m {
                Mount::Bind(b) => {
                    pm.input = inputs.index_of(b.source.as_ref());
                    pm.selector = b.selector.clone();
                    pm.readonly = b.readonly;
                    pm.mount_type = pb::MountType::Bind.into();
                    if b.source.is_some() {
                        caps.insert(caps::EXEC_MOUNT_BIND);
                    }
                    let result = if b.readonly {
                        pm.output = -1;
                        MountResult::Source(b.source.clone())
                    } else if b.discard_output {
                        // The Go client does not declare `exec.mount.bind.readwrite-nooutput`.
                        pm.output = -1;
                        MountResult::None
                    } else {
                        pm.output = next_output;
                        next_output += 1;
                        MountResult::Output(pm.output)
                    };
                    results.push((b.dest.clone(), result));
                }
                Mount::Cache(c) => {
                    pm.input = inputs.index_of(c.source.as_ref());
                    pm.selector = c.selector.clone();
                    pm.readonly = c.readonly;
                    pm.output = -1;
                    pm.mount_type = pb::MountType::Cache.into();
                    pm.cache_opt = Some(pb::CacheOpt {
                        id: c.id.clone(),
                        sharing: c.sharing.into(),
                    });
                    caps.extend([caps::EXEC_MOUNT_CACHE, caps::EXEC_MOUNT_CACHE_SHARING]);
                }
                Mount::Tmpfs(t) => {
                    pm.input = -1;
                    pm.readonly = t.readonly;
                    pm.output = -1;
                    pm.mount_type = pb::MountType::Tmpfs.into();
                    pm.tmpfs_opt = Some(pb::TmpfsOpt { size: t.size });
                    caps.insert(caps::EXEC_MOUNT_TMPFS);
                    if t.size > 0 {
                        caps.insert(caps::EXEC_MOUNT_TMPFS_SIZE);
                    }
                }
                // Go leaves `output` unset for secrets and SSH; the server ignores both.
                Mount::Secret(s) => {
                    pm.input = -1;
                    pm.mount_type = pb::MountType::Secret.into();
                    pm.secret_opt = Some(pb::SecretOpt {
                        id: s.id.clone(),
                        uid: s.uid,
                        gid: s.gid,
                        mode: s.mode,
                        optional: s.optional,
                    });
                    caps.insert(caps::EXEC_MOUNT_SECRET);
                }
                Mount::Ssh(s) => {
                    pm.input = -1;
                    pm.mount_type = pb::MountType::Ssh.into();
                    pm.ssh_opt = Some(pb::SshOpt {
                        id: s.id.clone(),
                        uid: s.uid,
                        gid: s.gid,
                        mode: s.mode,
                        optional: s.optional,
                    });
                    caps.insert(caps::EXEC_MOUNT_SSH);
                }
            }
            if !pm.selector.is_empty() {
                caps.insert(caps::EXEC_MOUNT_SELECTOR);
            }
            pb_mounts.push(pm);
        }

        let op = pb::Op {
            platform: self.platform.as_ref().map(Platform::to_pb),
            op: Some(pb::op::Op::Exec(pb::ExecOp {
                meta: Some(self.meta_pb),
                mounts: pb_mounts,
                network: self.network.into(),
                security: self.security.into(),
                secretenv: self.secret_env,
                cdi_devices: self.cdi_devices,
            })),
            ..pb::Op::default()
        };
        let node = new_output(op, inputs, caps, self.meta);
        let mounts = results
            .into_iter()
            .map(|(dest, result)| {
                let out = match result {
                    MountResult::Output(i) => Some(node.sibling(i)),
                    MountResult::Source(s) => s,
                    MountResult::None => None,
                };
                (dest, out)
            })
            .collect();
        Ok(ExecOutputs { node, mounts })
    }
}

enum MountResult {
    Output(i64),
    Source(Option<Output>),
    None,
}

/// A built exec op and the states it produces.
#[derive(Debug, Clone)]
pub struct ExecOutputs {
    /// Output 0 of the op (only used for its digest and metadata).
    node: Output,
    /// Bind mounts by destination, with the state each leaves behind.
    mounts: BTreeMap<String, Option<Output>>,
}

impl ExecOutputs {
    /// The root filesystem after the run: the op's root output, or for a read-only root the
    /// unchanged root state.
    pub fn root(&self) -> Option<Output> {
        self.mount("/")
    }

    /// The state a bind mount leaves behind: the op output for a writable mount, the mounted
    /// source for a read-only one; `None` for mounts without an output (discarded, cache,
    /// tmpfs, secret, SSH) or a read-only scratch mount.
    pub fn mount(&self, dest: &str) -> Option<Output> {
        self.mounts.get(dest).cloned().flatten()
    }

    /// The exec op's digest.
    pub fn digest(&self) -> &str {
        self.node.digest()
    }

    /// The exec op's metadata (with the caps it needs).
    pub fn meta(&self) -> &OpMeta {
        self.node.meta()
    }
}

#[cfg(test)]
mod tests;
