//! `COPY`/`ADD --chown=<user>[:<group>]` (upstream's `Chown` field).

use super::FileFlag;
use crate::dockerfile::Word;
use crate::instructions::errors::InvalidInput;
use crate::instructions::expand::Expander;
use crate::instructions::flags::{FlagSpec, ParsedFlags};

/// `--chown`: the owner of the copied files, as written (names or ids); expanded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CopyChown(pub Option<Word>);

impl FileFlag for CopyChown {
    const SPEC: FlagSpec = FlagSpec::string("chown");

    fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput> {
        Ok(CopyChown(flags.string("chown").cloned()))
    }

    fn expand(&mut self, expand: &mut Expander<'_>) -> Result<(), InvalidInput> {
        if let Some(word) = &mut self.0 {
            word.text = expand(&word.text)?;
        }
        Ok(())
    }
}
