//! `RUN --security=insecure`: the step runs with all capabilities (needs the daemon's
//! `security.insecure` entitlement).

use super::ConvertRunFlag;
use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::dockerfile::Span;
use crate::instructions::SecurityMode;
use crate::llb::{Exec, pb};

impl ConvertRunFlag for SecurityMode {
    fn apply(&self, _: &mut StageRun<'_, '_>, exec: Exec, _: Span) -> Result<Exec, ConvertError> {
        Ok(exec.security(match self {
            SecurityMode::Insecure => pb::SecurityMode::Insecure,
            SecurityMode::Sandbox => pb::SecurityMode::Sandbox,
        }))
    }
}
