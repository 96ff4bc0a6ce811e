//! LLB capability IDs (`PongResponse.LLBCaps`) and a set type to check them.
//!
//! Every op records the caps its features need in its metadata; BuildKit rejects a definition
//! that names a cap it does not know, and [`super::marshal`] can check them up front against a
//! [`Caps`] set (see [`super::MarshalOptions`]).
//!
//! The constants are the IDs of BuildKit's `solver/pb/caps.go` (Go names `pb.Cap…`), with the
//! first BuildKit release that has each. Docker 20.10 ships BuildKit v0.8, Docker 26.1
//! v0.13. The builders of this crate add the caps they need automatically, so these
//! constants are for checking what a daemon supports before choosing a feature:
//!
//! ```
//! use rustfront_llb::caps::{self, Caps};
//!
//! let daemon: Caps = ["file.base", "exec.meta.base"].into_iter().collect(); // e.g. from Ping
//! let link = daemon.contains(caps::MERGE_OP); // `COPY --link` falls back to a plain copy
//! assert!(!link);
//! ```

use std::collections::BTreeSet;

use crate::proto::moby::buildkit::v1::apicaps::ApiCap;

/// `docker-image://` sources ([`Image`](crate::Image)); Go `CapSourceImage`. BuildKit v0.8+.
pub const SOURCE_IMAGE: &str = "source.image";
/// The `image.resolvemode` attr; added by [`Image::resolve_mode`](crate::Image::resolve_mode) for
/// [`ResolveMode::Pull`](crate::ResolveMode::Pull) only, as the Go client does. Go
/// `CapSourceImageResolveMode`. BuildKit v0.8+.
pub const SOURCE_IMAGE_RESOLVE_MODE: &str = "source.image.resolvemode";
/// The `image.layerlimit` attr (pull only the first N layers); Go `CapSourceImageLayerLimit`.
/// BuildKit v0.11+. Not used by the builders of this crate.
pub const SOURCE_IMAGE_LAYER_LIMIT: &str = "source.image.layerlimit";
/// `local://` sources ([`Local`](crate::Local)); Go `CapSourceLocal`. BuildKit v0.8+.
pub const SOURCE_LOCAL: &str = "source.local";
/// The `local.unique` attr ([`Local::unique`](crate::Local::unique)); Go `CapSourceLocalUnique`.
/// BuildKit v0.8+.
pub const SOURCE_LOCAL_UNIQUE: &str = "source.local.unique";
/// The `local.session` attr ([`Local::session`](crate::Local::session)); Go
/// `CapSourceLocalSessionID`. BuildKit v0.8+.
pub const SOURCE_LOCAL_SESSION_ID: &str = "source.local.sessionid";
/// The `local.includepattern` attr ([`Local::include_patterns`](crate::Local::include_patterns));
/// Go `CapSourceLocalIncludePatterns`. BuildKit v0.8+.
pub const SOURCE_LOCAL_INCLUDE_PATTERNS: &str = "source.local.includepatterns";
/// The `local.excludepatterns` attr ([`Local::exclude_patterns`](crate::Local::exclude_patterns));
/// Go `CapSourceLocalExcludePatterns`. BuildKit v0.8+.
pub const SOURCE_LOCAL_EXCLUDE_PATTERNS: &str = "source.local.excludepatterns";
/// The `local.followpaths` attr ([`Local::follow_paths`](crate::Local::follow_paths)); Go
/// `CapSourceLocalFollowPaths`. BuildKit v0.8+.
pub const SOURCE_LOCAL_FOLLOW_PATHS: &str = "source.local.followpaths";
/// The `local.sharedkeyhint` attr ([`Local::shared_key_hint`](crate::Local::shared_key_hint)); Go
/// `CapSourceLocalSharedKeyHint`. BuildKit v0.8+.
pub const SOURCE_LOCAL_SHARED_KEY_HINT: &str = "source.local.sharedkeyhint";
/// The `local.differ` attr when the differ is required ([`Local::differ`](crate::Local::differ));
/// Go `CapSourceLocalDiffer`. BuildKit v0.9+.
pub const SOURCE_LOCAL_DIFFER: &str = "source.local.differ";
/// `oci-layout://` sources ([`OciLayout`](crate::OciLayout)); Go `CapSourceOCILayout`.
/// BuildKit v0.11+.
pub const SOURCE_OCI_LAYOUT: &str = "source.ocilayout";
/// `git://` sources ([`Git`](crate::Git)); Go `CapSourceGit`. BuildKit v0.8+.
pub const SOURCE_GIT: &str = "source.git";
/// The `git.keepgitdir` attr ([`Git::keep_git_dir`](crate::Git::keep_git_dir)); Go
/// `CapSourceGitKeepDir`. BuildKit v0.8+.
pub const SOURCE_GIT_KEEP_DIR: &str = "source.git.keepgitdir";
/// The `git.fullurl` attr (always set by [`Git`](crate::Git)); Go `CapSourceGitFullURL`.
/// BuildKit v0.8+.
pub const SOURCE_GIT_FULL_URL: &str = "source.git.fullurl";
/// Custom `git.authtokensecret` / `git.authheadersecret` secret names
/// ([`Git::auth_token_secret`](crate::Git::auth_token_secret)); Go `CapSourceGitHTTPAuth`.
/// BuildKit v0.8+.
pub const SOURCE_GIT_HTTP_AUTH: &str = "source.git.httpauth";
/// The `git.knownsshhosts` attr (SSH remotes); Go `CapSourceGitKnownSSHHosts`. BuildKit v0.8+.
pub const SOURCE_GIT_KNOWN_SSH_HOSTS: &str = "source.git.knownsshhosts";
/// The `git.mountsshsock` attr (SSH remotes); Go `CapSourceGitMountSSHSock`. BuildKit v0.8+.
pub const SOURCE_GIT_MOUNT_SSH_SOCK: &str = "source.git.mountsshsock";
/// A `:subdir` in the git identifier's fragment; Go `CapSourceGitSubdir`. BuildKit v0.9+. Not
/// added automatically (the Go client does not declare it either).
pub const SOURCE_GIT_SUBDIR: &str = "source.git.subdir";
/// The `git.checksum` attr ([`Git::checksum`](crate::Git::checksum)); Go `CapSourceGitChecksum`.
/// BuildKit v0.22+.
pub const SOURCE_GIT_CHECKSUM: &str = "source.git.checksum";
/// The `git.skipsubmodules` attr ([`Git::skip_submodules`](crate::Git::skip_submodules)); Go
/// `CapSourceGitSkipSubmodules`. BuildKit v0.24+.
pub const SOURCE_GIT_SKIP_SUBMODULES: &str = "source.git.skipsubmodules";
/// `http://` / `https://` sources ([`Http`](crate::Http)); Go `CapSourceHTTP`. BuildKit v0.8+.
pub const SOURCE_HTTP: &str = "source.http";
/// The `http.checksum` attr ([`Http::checksum`](crate::Http::checksum)); Go
/// `CapSourceHTTPChecksum`. BuildKit v0.8+.
pub const SOURCE_HTTP_CHECKSUM: &str = "source.http.checksum";
/// The `http.perm` attr ([`Http::perm`](crate::Http::perm)); Go `CapSourceHTTPPerm`.
/// BuildKit v0.8+.
pub const SOURCE_HTTP_PERM: &str = "source.http.perm";
/// The `http.uid` / `http.gid` attrs ([`Http::owner`](crate::Http::owner)); Go
/// `CapSourceHTTPUIDGID`. BuildKit v0.8+.
///
/// Spelled this way by BuildKit in every version.
pub const SOURCE_HTTP_UID_GID: &str = "soruce.http.uidgid";

/// Exec ops ([`Exec`](crate::Exec)); on every exec. Go `CapExecMetaBase`. BuildKit v0.8+.
pub const EXEC_META_BASE: &str = "exec.meta.base";
/// `Meta.proxy_env` ([`Exec::proxy_env`](crate::Exec::proxy_env)); Go `CapExecMetaProxy`.
/// BuildKit v0.8+.
pub const EXEC_META_PROXY: &str = "exec.meta.proxyenv";
/// A network mode other than the default sandbox ([`Exec::network`](crate::Exec::network)); Go
/// `CapExecMetaNetwork`. BuildKit v0.8+. `host` also needs the `network.host` entitlement.
pub const EXEC_META_NETWORK: &str = "exec.meta.network";
/// A security mode other than sandbox ([`Exec::security`](crate::Exec::security)); Go
/// `CapExecMetaSecurity`. BuildKit v0.8+. `insecure` also needs the `security.insecure`
/// entitlement.
pub const EXEC_META_SECURITY: &str = "exec.meta.security";
/// The daemon sets a default `PATH` when the environment has none
/// ([`DefaultPath::Daemon`](crate::DefaultPath::Daemon)); Go `CapExecMetaSetsDefaultPath`.
/// BuildKit v0.8+.
pub const EXEC_META_SETS_DEFAULT_PATH: &str = "exec.meta.setsdefaultpath";
/// `Meta.ulimit` ([`Exec::ulimit`](crate::Exec::ulimit)); Go `CapExecMetaUlimit`. BuildKit v0.10+.
pub const EXEC_META_ULIMIT: &str = "exec.meta.ulimit";
/// `ExecOp.cdiDevices` ([`Exec::cdi_device`](crate::Exec::cdi_device)); Go `CapExecMetaCDI`.
/// BuildKit v0.20+.
pub const EXEC_META_CDI: &str = "exec.meta.cdi";
/// `OpMetadata.linux_resources` (CPU and memory limits); Go `CapExecMetaLinuxResources`.
/// BuildKit v0.31+. Not used by the builders of this crate.
pub const EXEC_META_LINUX_RESOURCES: &str = "exec.meta.linux.resources";
/// `Meta.cgroupParent` ([`Exec::cgroup_parent`](crate::Exec::cgroup_parent)); Go
/// `CapExecMetaCgroupParent`. BuildKit v0.10+.
pub const EXEC_META_CGROUP_PARENT: &str = "exec.meta.cgroup.parent";
/// `Meta.removeMountStubsRecursive`; Go `CapExecMetaRemoveMountStubsRecursive`. BuildKit
/// v0.11+. Not declared (older daemons ignore the field, and the Go client does not declare it).
pub const EXEC_META_REMOVE_MOUNT_STUBS_RECURSIVE: &str = "exec.meta.removemountstubs.recursive";
/// Bind mounts of a non-scratch state ([`BindMount`](crate::BindMount)); Go `CapExecMountBind`.
/// BuildKit v0.8+.
pub const EXEC_MOUNT_BIND: &str = "exec.mount.bind";
/// Writable bind mounts whose changes are discarded
/// ([`BindMount::discard_output`](crate::BindMount::discard_output)); Go
/// `CapExecMountBindReadWriteNoOutput`. BuildKit v0.8+. Not declared, as the Go client does not.
pub const EXEC_MOUNT_BIND_READWRITE_NO_OUTPUT: &str = "exec.mount.bind.readwrite-nooutput";
/// Cache mounts ([`CacheMount`](crate::CacheMount)); Go `CapExecMountCache`. BuildKit v0.8+.
pub const EXEC_MOUNT_CACHE: &str = "exec.mount.cache";
/// The sharing mode of cache mounts ([`CacheMount::sharing`](crate::CacheMount::sharing)); Go
/// `CapExecMountCacheSharing`. BuildKit v0.8+.
pub const EXEC_MOUNT_CACHE_SHARING: &str = "exec.mount.cache.sharing";
/// Mounting a sub-path of a state ([`BindMount::selector`](crate::BindMount::selector)); Go
/// `CapExecMountSelector`. BuildKit v0.8+.
pub const EXEC_MOUNT_SELECTOR: &str = "exec.mount.selector";
/// Tmpfs mounts ([`TmpfsMount`](crate::TmpfsMount)); Go `CapExecMountTmpfs`. BuildKit v0.8+.
pub const EXEC_MOUNT_TMPFS: &str = "exec.mount.tmpfs";
/// A tmpfs size ([`TmpfsMount::size`](crate::TmpfsMount::size) > 0); Go `CapExecMountTmpfsSize`.
/// BuildKit v0.10+.
pub const EXEC_MOUNT_TMPFS_SIZE: &str = "exec.mount.tmpfs.size";
/// Secret mounts ([`Mount::Secret`](crate::Mount::Secret)) and secret environment variables;
/// Go `CapExecMountSecret`. BuildKit v0.8+.
pub const EXEC_MOUNT_SECRET: &str = "exec.mount.secret";
/// SSH agent mounts ([`Mount::Ssh`](crate::Mount::Ssh)); Go `CapExecMountSSH`. BuildKit v0.8+.
pub const EXEC_MOUNT_SSH: &str = "exec.mount.ssh";
/// Secrets as environment variables ([`Exec::secret_env`](crate::Exec::secret_env)); Go
/// `CapExecSecretEnv`. BuildKit v0.10+.
pub const EXEC_SECRET_ENV: &str = "exec.secretenv";

/// File ops ([`FileOp`](crate::FileOp)); on every file op. Go `CapFileBase`. BuildKit v0.8+.
pub const FILE_BASE: &str = "file.base";
/// Wildcards in rm actions ([`Rm::allow_wildcard`](crate::Rm::allow_wildcard)); Go
/// `CapFileRmWildcard`. BuildKit v0.8+.
pub const FILE_RM_WILDCARD: &str = "file.rm.wildcard";
/// Include/exclude patterns of copy actions
/// ([`Copy::include_patterns`](crate::Copy::include_patterns)); Go
/// `CapFileCopyIncludeExcludePatterns`. BuildKit v0.9+. Not declared automatically (the Go
/// client does not either, so the Dockerfile frontend's LLB does not carry it): older daemons
/// silently ignore the fields, so check it before using patterns.
pub const FILE_COPY_INCLUDE_EXCLUDE_PATTERNS: &str = "file.copy.includeexcludepatterns";
/// Required paths of copy actions ([`Copy::required_paths`](crate::Copy::required_paths)); Go
/// `CapFileCopyRequiredPaths`. BuildKit v0.26+. Not declared automatically (nor by the Go
/// client); older daemons ignore the field.
pub const FILE_COPY_REQUIRED_PATHS: &str = "file.copy.requiredpaths";
/// Symbolic modes of copy actions ([`Copy::symbolic_mode`](crate::Copy::symbolic_mode),
/// `FileActionCopy.modeStr`); Go `CapFileCopyModeStringFormat`. BuildKit v0.17+. Not declared
/// automatically (the Go client does not either), so check it before using a symbolic mode:
/// older daemons ignore the field.
pub const FILE_COPY_MODE_STRING: &str = "file.copy.modestring";

/// Merge ops ([`merge`](crate::merge)); Go `CapMergeOp`. BuildKit v0.10+.
pub const MERGE_OP: &str = "mergeop";
/// Diff ops ([`diff`](crate::diff)); Go `CapDiffOp`. BuildKit v0.10+.
pub const DIFF_OP: &str = "diffop";

/// `Op.constraints` (worker constraints); on the terminal op of every definition. Go
/// `CapConstraints`. BuildKit v0.8+.
pub const CONSTRAINTS: &str = "constraints";
/// `Op.platform`; on the terminal op of every definition. Go `CapPlatform`. BuildKit v0.8+.
pub const PLATFORM: &str = "platform";
/// `OpMetadata.ignore_cache` ([`OpMeta::ignore_cache`](crate::OpMeta::ignore_cache)); on the
/// terminal op when any op uses it. Go `CapMetaIgnoreCache`. BuildKit v0.8+.
pub const META_IGNORE_CACHE: &str = "meta.ignorecache";
/// `OpMetadata.description` ([`OpMeta::description`](crate::OpMeta::description)); on the
/// terminal op when any op uses it. Go `CapMetaDescription`. BuildKit v0.8+.
pub const META_DESCRIPTION: &str = "meta.description";
/// `OpMetadata.export_cache` ([`OpMeta::export_cache`](crate::OpMeta::export_cache)); on the
/// terminal op when any op uses it. Go `CapMetaExportCache`. BuildKit v0.8+.
pub const META_EXPORT_CACHE: &str = "meta.exportcache";

/// A set of capability IDs a daemon supports (all of them enabled).
///
/// Build it from a Ping answer ([`Caps::from_api_caps`] on `PongResponse.llb_caps`) or collect
/// it from IDs (with `rustfront-gateway`: `caps.llb_caps().collect()`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caps(BTreeSet<String>);

impl Caps {
    /// The caps a Ping reported: only those present **and** enabled count.
    pub fn from_api_caps<'a>(caps: impl IntoIterator<Item = &'a ApiCap>) -> Self {
        Caps(
            caps.into_iter()
                .filter(|c| c.enabled)
                .map(|c| c.id.clone())
                .collect(),
        )
    }

    /// Whether cap `id` is supported.
    pub fn contains(&self, id: &str) -> bool {
        self.0.contains(id)
    }

    /// The supported cap IDs, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl<S: Into<String>> FromIterator<S> for Caps {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        Caps(iter.into_iter().map(Into::into).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_enabled_api_caps_count() {
        let caps = Caps::from_api_caps(&[
            ApiCap {
                id: MERGE_OP.into(),
                enabled: true,
                ..ApiCap::default()
            },
            ApiCap {
                id: DIFF_OP.into(),
                enabled: false,
                ..ApiCap::default()
            },
        ]);
        assert!(caps.contains(MERGE_OP));
        assert!(!caps.contains(DIFF_OP));
        assert_eq!(caps.iter().collect::<Vec<_>>(), vec![MERGE_OP]);
    }
}
