//! `COPY`/`ADD --exclude`: the patterns go on every copy action of the step
//! (`FileActionCopy.exclude_patterns`, as upstream's `llb.WithExcludePatterns`). A daemon without
//! `file.copy.includeexcludepatterns` (BuildKit before 0.9) would ignore them and copy the
//! excluded files, so the step is refused there.

use super::{ConvertFileFlag, CopyStep};
use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::instructions::CopyExcludes;

impl ConvertFileFlag for CopyExcludes {
    fn apply(
        &self,
        run: &mut StageRun<'_, '_>,
        step: &mut CopyStep<'_>,
    ) -> Result<(), ConvertError> {
        if self.0.is_empty() {
            return Ok(());
        }
        step.require_filtering(run, "--exclude")?;
        step.excludes = self.patterns();
        Ok(())
    }
}
