//! `COPY`/`ADD --exclude=<pattern>` (repeatable; upstream's `ExcludePatterns`, stable since
//! docker/dockerfile 1.20).

use super::FileFlag;
use crate::dockerfile::Word;
use crate::instructions::errors::InvalidInput;
use crate::instructions::flags::{FlagSpec, ParsedFlags};

/// `--exclude`: patterns of paths not to copy, in order. Taken literally: upstream's `Expand`
/// of COPY and ADD does not expand them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CopyExcludes(pub Vec<Word>);

impl CopyExcludes {
    /// The patterns as strings.
    pub fn patterns(&self) -> Vec<String> {
        self.0.iter().map(|w| w.text.clone()).collect()
    }
}

impl FileFlag for CopyExcludes {
    const SPEC: FlagSpec = FlagSpec::strings("exclude");

    fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput> {
        Ok(CopyExcludes(flags.strings("exclude").to_vec()))
    }
}
