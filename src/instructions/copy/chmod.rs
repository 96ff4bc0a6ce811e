//! `COPY`/`ADD --chmod=<octal|symbolic>` (upstream's `Chmod` field).

use super::FileFlag;
use crate::dockerfile::Word;
use crate::instructions::errors::InvalidInput;
use crate::instructions::expand::Expander;
use crate::instructions::flags::{FlagSpec, ParsedFlags};

/// `--chmod`: the mode of the copied files, as written; expanded. Its syntax is checked when
/// the step is converted, as upstream does.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CopyChmod(pub Option<Word>);

impl FileFlag for CopyChmod {
    const SPEC: FlagSpec = FlagSpec::string("chmod");

    fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput> {
        Ok(CopyChmod(flags.string("chmod").cloned()))
    }

    fn expand(&mut self, expand: &mut Expander<'_>) -> Result<(), InvalidInput> {
        if let Some(word) = &mut self.0 {
            word.text = expand(&word.text)?;
        }
        Ok(())
    }
}
