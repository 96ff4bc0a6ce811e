//! LLB capability IDs (`PongResponse.LLBCaps`) and a set type to check them.
//!
//! Every op records the caps its features need in its metadata; BuildKit rejects a definition
//! that names a cap it does not know, and [`super::marshal`] can check them up front against a
//! [`Caps`] set (see [`super::MarshalOptions`]).

use std::collections::BTreeSet;

use crate::proto::moby::buildkit::v1::apicaps::ApiCap;

pub const SOURCE_IMAGE: &str = "source.image";
pub const SOURCE_IMAGE_RESOLVE_MODE: &str = "source.image.resolvemode";
pub const SOURCE_IMAGE_LAYER_LIMIT: &str = "source.image.layerlimit";
pub const SOURCE_LOCAL: &str = "source.local";
pub const SOURCE_LOCAL_UNIQUE: &str = "source.local.unique";
pub const SOURCE_LOCAL_SESSION_ID: &str = "source.local.sessionid";
pub const SOURCE_LOCAL_INCLUDE_PATTERNS: &str = "source.local.includepatterns";
pub const SOURCE_LOCAL_EXCLUDE_PATTERNS: &str = "source.local.excludepatterns";
pub const SOURCE_LOCAL_FOLLOW_PATHS: &str = "source.local.followpaths";
pub const SOURCE_LOCAL_SHARED_KEY_HINT: &str = "source.local.sharedkeyhint";
pub const SOURCE_LOCAL_DIFFER: &str = "source.local.differ";
pub const SOURCE_GIT: &str = "source.git";
pub const SOURCE_GIT_KEEP_DIR: &str = "source.git.keepgitdir";
pub const SOURCE_GIT_FULL_URL: &str = "source.git.fullurl";
pub const SOURCE_GIT_HTTP_AUTH: &str = "source.git.httpauth";
pub const SOURCE_GIT_KNOWN_SSH_HOSTS: &str = "source.git.knownsshhosts";
pub const SOURCE_GIT_MOUNT_SSH_SOCK: &str = "source.git.mountsshsock";
pub const SOURCE_GIT_SUBDIR: &str = "source.git.subdir";
pub const SOURCE_HTTP: &str = "source.http";
pub const SOURCE_HTTP_CHECKSUM: &str = "source.http.checksum";
pub const SOURCE_HTTP_PERM: &str = "source.http.perm";
/// Spelled this way by BuildKit in every version.
pub const SOURCE_HTTP_UID_GID: &str = "soruce.http.uidgid";

pub const EXEC_META_BASE: &str = "exec.meta.base";
pub const EXEC_META_PROXY: &str = "exec.meta.proxyenv";
pub const EXEC_META_NETWORK: &str = "exec.meta.network";
pub const EXEC_META_SECURITY: &str = "exec.meta.security";
pub const EXEC_META_SETS_DEFAULT_PATH: &str = "exec.meta.setsdefaultpath";
pub const EXEC_META_ULIMIT: &str = "exec.meta.ulimit";
pub const EXEC_META_CGROUP_PARENT: &str = "exec.meta.cgroup.parent";
pub const EXEC_META_REMOVE_MOUNT_STUBS_RECURSIVE: &str = "exec.meta.removemountstubs.recursive";
pub const EXEC_MOUNT_BIND: &str = "exec.mount.bind";
pub const EXEC_MOUNT_BIND_READWRITE_NO_OUTPUT: &str = "exec.mount.bind.readwrite-nooutput";
pub const EXEC_MOUNT_CACHE: &str = "exec.mount.cache";
pub const EXEC_MOUNT_CACHE_SHARING: &str = "exec.mount.cache.sharing";
pub const EXEC_MOUNT_SELECTOR: &str = "exec.mount.selector";
pub const EXEC_MOUNT_TMPFS: &str = "exec.mount.tmpfs";
pub const EXEC_MOUNT_TMPFS_SIZE: &str = "exec.mount.tmpfs.size";
pub const EXEC_MOUNT_SECRET: &str = "exec.mount.secret";
pub const EXEC_MOUNT_SSH: &str = "exec.mount.ssh";
pub const EXEC_SECRET_ENV: &str = "exec.secretenv";

pub const FILE_BASE: &str = "file.base";
pub const FILE_RM_WILDCARD: &str = "file.rm.wildcard";
pub const FILE_COPY_INCLUDE_EXCLUDE_PATTERNS: &str = "file.copy.includeexcludepatterns";

pub const MERGE_OP: &str = "mergeop";
pub const DIFF_OP: &str = "diffop";

pub const CONSTRAINTS: &str = "constraints";
pub const PLATFORM: &str = "platform";
pub const META_IGNORE_CACHE: &str = "meta.ignorecache";
pub const META_DESCRIPTION: &str = "meta.description";
pub const META_EXPORT_CACHE: &str = "meta.exportcache";

/// A set of capability IDs a daemon supports.
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

    pub fn contains(&self, id: &str) -> bool {
        self.0.contains(id)
    }

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
