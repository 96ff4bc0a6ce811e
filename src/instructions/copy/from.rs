//! `COPY --from=<stage|index|image>` (upstream's `CopyCommand.From`).

use super::FileFlag;
use crate::dockerfile::Word;
use crate::instructions::errors::InvalidInput;
use crate::instructions::flags::{FlagSpec, ParsedFlags};

/// `COPY --from`: the stage, stage index or image the sources come from; `None` is the build
/// context. Not expanded: stage references are resolved before a stage is dispatched, and a
/// value with variables is refused there.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CopyFrom(pub Option<Word>);

impl FileFlag for CopyFrom {
    const SPEC: FlagSpec = FlagSpec::string("from");

    fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput> {
        Ok(CopyFrom(flags.string("from").cloned()))
    }

    fn stage_refs(&self) -> Vec<String> {
        self.0.iter().map(|w| w.text.clone()).collect()
    }
}
