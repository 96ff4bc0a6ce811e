//! `ADD --unpack`: whether archives are unpacked (default: local ones are, downloads are not).

use super::{ConvertFileFlag, CopyStep};
use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::instructions::AddUnpack;

impl ConvertFileFlag for AddUnpack {
    fn apply(&self, _: &mut StageRun<'_, '_>, step: &mut CopyStep<'_>) -> Result<(), ConvertError> {
        step.unpack = self.0;
        Ok(())
    }
}
