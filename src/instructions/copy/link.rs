//! `COPY`/`ADD --link[=bool]` (upstream's `Link` field).

use super::FileFlag;
use crate::instructions::errors::InvalidInput;
use crate::instructions::flags::{FlagSpec, ParsedFlags};

/// `--link`: copy onto scratch and merge the result onto the stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CopyLink(pub bool);

impl FileFlag for CopyLink {
    const SPEC: FlagSpec = FlagSpec::bool("link");

    fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput> {
        Ok(CopyLink(flags.bool("link")))
    }
}
