//! `ADD --checksum`: the digest of the one URL source or the commit of the one git source,
//! refused as upstream refuses it for anything else.

use super::{ConvertFileFlag, CopyStep, is_http};
use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::instructions::{AddChecksum, GitSource, parse_git_ref};

impl ConvertFileFlag for AddChecksum {
    fn apply(&self, _: &mut StageRun<'_, '_>, step: &mut CopyStep<'_>) -> Result<(), ConvertError> {
        let Some(checksum) = self.0.as_ref().map(|w| &w.text).filter(|c| !c.is_empty()) else {
            return Ok(());
        };
        let paths = &step.sources.source_paths;
        if paths.len() + step.sources.source_contents.len() != 1 {
            return Err(ConvertError::at(
                step.span,
                "checksum can't be specified for multiple sources",
            ));
        }
        let remote = paths
            .iter()
            .all(|w| is_http(&w.text) || matches!(parse_git_ref(&w.text), GitSource::Git(_)));
        if !remote {
            return Err(ConvertError::at(
                step.span,
                "checksum requires HTTP(S) or Git sources",
            ));
        }
        step.checksum = Some(checksum.clone());
        Ok(())
    }
}
