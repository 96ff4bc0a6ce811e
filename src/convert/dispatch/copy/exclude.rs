//! `COPY`/`ADD --exclude`: the patterns go on every copy action of the step
//! (`FileActionCopy.exclude_patterns`, as upstream's `llb.WithExcludePatterns`). A daemon without
//! `file.copy.includeexcludepatterns` (BuildKit before 0.9) would ignore them and copy the
//! excluded files, so the step is refused there.

use super::{ConvertFileFlag, CopyStep};
use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::instructions::CopyExcludes;
use crate::llb;

impl ConvertFileFlag for CopyExcludes {
    fn apply(
        &self,
        run: &mut StageRun<'_, '_>,
        step: &mut CopyStep<'_>,
    ) -> Result<(), ConvertError> {
        if self.0.is_empty() {
            return Ok(());
        }
        if !run
            .d
            .opts
            .has_cap(llb::caps::FILE_COPY_INCLUDE_EXCLUDE_PATTERNS)
        {
            return Err(ConvertError::at(
                step.span,
                format!(
                    "{} --exclude needs a BuildKit that filters copies (cap {}, BuildKit 0.9 or later)",
                    step.keyword,
                    llb::caps::FILE_COPY_INCLUDE_EXCLUDE_PATTERNS
                ),
            ));
        }
        step.excludes = self.patterns();
        Ok(())
    }
}
