//! The mount types (`type=`) and cache sharing modes, and what each type allows: the rules a
//! new mount type adds here (its conversion is one module under `convert::dispatch::run::mount`).

use super::Mount;
use crate::instructions::errors::InvalidInput;

/// `type=` of a mount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MountType {
    #[default]
    Bind,
    Cache,
    Tmpfs,
    Secret,
    Ssh,
}

impl MountType {
    pub const ALL: [MountType; 5] = [
        MountType::Bind,
        MountType::Cache,
        MountType::Tmpfs,
        MountType::Secret,
        MountType::Ssh,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MountType::Bind => "bind",
            MountType::Cache => "cache",
            MountType::Tmpfs => "tmpfs",
            MountType::Secret => "secret",
            MountType::Ssh => "ssh",
        }
    }

    /// Case-insensitive.
    pub fn parse(value: &str) -> Option<Self> {
        let lower = value.to_lowercase();
        Self::ALL.into_iter().find(|t| t.as_str() == lower)
    }
}

impl std::fmt::Display for MountType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `sharing=` of a cache mount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareMode {
    Shared,
    Private,
    Locked,
}

impl ShareMode {
    pub const ALL: [ShareMode; 3] = [ShareMode::Shared, ShareMode::Private, ShareMode::Locked];

    pub fn as_str(self) -> &'static str {
        match self {
            ShareMode::Shared => "shared",
            ShareMode::Private => "private",
            ShareMode::Locked => "locked",
        }
    }

    /// Case-insensitive.
    pub fn parse(value: &str) -> Option<Self> {
        let lower = value.to_lowercase();
        Self::ALL.into_iter().find(|m| m.as_str() == lower)
    }
}

impl MountType {
    /// `mode`, `uid` and `gid` apply (the file or directory the mount creates).
    pub fn allows_file_info(self) -> bool {
        match self {
            MountType::Secret | MountType::Ssh | MountType::Cache => true,
            MountType::Bind | MountType::Tmpfs => false,
        }
    }

    /// Read-only unless `rw` is given (writable caches and tmpfs otherwise).
    pub fn read_only_by_default(self) -> bool {
        match self {
            MountType::Cache | MountType::Tmpfs => false,
            MountType::Bind | MountType::Secret | MountType::Ssh => true,
        }
    }

    /// `sharing=` applies.
    pub fn allows_sharing(self) -> bool {
        match self {
            MountType::Cache => true,
            MountType::Bind | MountType::Tmpfs | MountType::Secret | MountType::Ssh => false,
        }
    }

    /// `size=` applies.
    pub fn allows_size(self) -> bool {
        match self {
            MountType::Tmpfs => true,
            MountType::Bind | MountType::Cache | MountType::Secret | MountType::Ssh => false,
        }
    }
}

/// What a secret mount must name, with BuildKit's messages.
pub(super) fn validate_secret(m: &Mount) -> Result<(), InvalidInput> {
    if m.from.is_some() {
        return Err(InvalidInput::new("secret mount should not have a from"));
    }
    if m.sharing.is_some() {
        return Err(InvalidInput::new("secret mount should not define sharing"));
    }
    if m.source.is_none() && m.target.is_none() && m.id.is_none() {
        return Err(InvalidInput::new(
            "invalid secret mount. one of source, target required",
        ));
    }
    if m.source.is_some() && m.id.is_some() {
        return Err(InvalidInput::new("both source and id can't be set"));
    }
    Ok(())
}
