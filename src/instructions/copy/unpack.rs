//! `ADD --unpack[=bool]` (upstream's `AddCommand.Unpack`).

use super::FileFlag;
use crate::instructions::errors::InvalidInput;
use crate::instructions::flags::{FlagSpec, ParsedFlags};

/// `ADD --unpack`: `None` when not given (archives from the context are unpacked, downloads
/// are not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AddUnpack(pub Option<bool>);

impl FileFlag for AddUnpack {
    const SPEC: FlagSpec = FlagSpec::bool("unpack");

    fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput> {
        Ok(AddUnpack(
            flags.is_used("unpack").then(|| flags.bool("unpack")),
        ))
    }
}
