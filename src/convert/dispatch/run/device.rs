//! `RUN --device`: CDI devices, as docker/dockerfile's labs channel adds them (`ExecOp.cdiDevices`;
//! optional unless `required`). Labs leaves them out on a daemon without `exec.meta.cdi`
//! (BuildKit before 0.20); rustfront refuses instead, naming the line, rather than build
//! without the device.

use super::ConvertRunFlag;
use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::dockerfile::Span;
use crate::instructions::Devices;
use crate::llb::{Exec, caps};

impl ConvertRunFlag for Devices {
    fn apply(
        &self,
        run: &mut StageRun<'_, '_>,
        mut exec: Exec,
        span: Span,
    ) -> Result<Exec, ConvertError> {
        if self.0.is_empty() {
            return Ok(exec);
        }
        if !run.d.opts.has_cap(caps::EXEC_META_CDI) {
            return Err(ConvertError::at(
                span,
                "RUN --device needs a BuildKit with CDI devices (cap exec.meta.cdi, BuildKit 0.20 or later)",
            ));
        }
        for device in &self.0 {
            exec = exec.cdi_device(device.name.clone(), !device.required);
        }
        Ok(exec)
    }
}
