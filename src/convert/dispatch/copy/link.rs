//! `COPY`/`ADD --link`: copy onto scratch and merge onto the stage, where the daemon has merge
//! ops and no `--chmod` is given (as upstream; otherwise a plain copy).

use super::{ConvertFileFlag, CopyStep};
use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::instructions::CopyLink;
use crate::llb;

impl ConvertFileFlag for CopyLink {
    /// Applied after `--chmod`.
    fn apply(
        &self,
        run: &mut StageRun<'_, '_>,
        step: &mut CopyStep<'_>,
    ) -> Result<(), ConvertError> {
        step.link = self.0 && step.chmod.is_none() && run.d.opts.has_cap(llb::caps::MERGE_OP);
        Ok(())
    }
}
