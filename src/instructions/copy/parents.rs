//! `COPY --parents[=bool]` (upstream's `CopyCommand.Parents`, stable since docker/dockerfile
//! 1.20).

use super::FileFlag;
use crate::instructions::errors::InvalidInput;
use crate::instructions::flags::{FlagSpec, ParsedFlags};

/// `COPY --parents`: keep the parent directories of each source (below an optional `/./`
/// pivot) in the destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CopyParents(pub bool);

impl FileFlag for CopyParents {
    const SPEC: FlagSpec = FlagSpec::bool("parents");

    fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput> {
        Ok(CopyParents(flags.bool("parents")))
    }
}
