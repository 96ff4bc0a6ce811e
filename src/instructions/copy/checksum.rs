//! `ADD --checksum=<digest|commit>` (upstream's `AddCommand.Checksum`).

use super::FileFlag;
use crate::dockerfile::Word;
use crate::instructions::errors::InvalidInput;
use crate::instructions::expand::Expander;
use crate::instructions::flags::{FlagSpec, ParsedFlags};

/// `ADD --checksum`: the digest of the one URL source, or the commit of the one git source;
/// expanded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddChecksum(pub Option<Word>);

impl FileFlag for AddChecksum {
    const SPEC: FlagSpec = FlagSpec::string("checksum");

    fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput> {
        Ok(AddChecksum(flags.string("checksum").cloned()))
    }

    fn expand(&mut self, expand: &mut Expander<'_>) -> Result<(), InvalidInput> {
        if let Some(word) = &mut self.0 {
            word.text = expand(&word.text)?;
        }
        Ok(())
    }
}
