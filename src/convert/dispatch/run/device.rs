//! `RUN --device`: CDI devices. Not supported yet (docker/dockerfile 1.20 has it only in its
//! labs channel), so refused.

use super::ConvertRunFlag;
use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::dockerfile::Span;
use crate::instructions::Devices;
use crate::llb::Exec;

impl ConvertRunFlag for Devices {
    fn apply(
        &self,
        _: &mut StageRun<'_, '_>,
        exec: Exec,
        span: Span,
    ) -> Result<Exec, ConvertError> {
        if self.0.is_empty() {
            return Ok(exec);
        }
        Err(ConvertError::at(
            span,
            "RUN --device is not supported by this frontend yet",
        ))
    }
}
