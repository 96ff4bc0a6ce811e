//! `ADD --keep-git-dir[=bool]` (upstream's `AddCommand.KeepGitDir`).

use super::FileFlag;
use crate::instructions::errors::InvalidInput;
use crate::instructions::flags::{FlagSpec, ParsedFlags};

/// `ADD --keep-git-dir`: keep `.git` of a git source; `None` when not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AddKeepGitDir(pub Option<bool>);

impl FileFlag for AddKeepGitDir {
    const SPEC: FlagSpec = FlagSpec::bool("keep-git-dir");

    fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput> {
        Ok(AddKeepGitDir(
            flags
                .is_used("keep-git-dir")
                .then(|| flags.bool("keep-git-dir")),
        ))
    }
}
