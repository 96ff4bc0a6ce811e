//! `RUN --network`: the step's network, or the build's default (`force-network-mode`).

use super::ConvertRunFlag;
use crate::convert::dispatch::StageRun;
use crate::convert::{ConvertError, NetworkMode as BuildNetwork};
use crate::dockerfile::Span;
use crate::instructions::NetworkMode;
use crate::llb::{Exec, pb};

impl ConvertRunFlag for NetworkMode {
    fn apply(&self, run: &mut StageRun<'_, '_>, exec: Exec, _: Span) -> Result<Exec, ConvertError> {
        let mode = match self {
            NetworkMode::None => pb::NetMode::None,
            NetworkMode::Host => pb::NetMode::Host,
            NetworkMode::Default => match run.d.opts.network {
                BuildNetwork::Sandbox => pb::NetMode::Unset,
                BuildNetwork::Host => pb::NetMode::Host,
                BuildNetwork::None => pb::NetMode::None,
            },
        };
        Ok(exec.network(mode))
    }
}
