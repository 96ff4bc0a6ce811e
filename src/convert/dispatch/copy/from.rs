//! `COPY --from`: the sources come from a stage's result or an image instead of the context.

use super::{ConvertFileFlag, CopySource, CopyStep};
use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::instructions::CopyFrom;

impl ConvertFileFlag for CopyFrom {
    fn apply(
        &self,
        run: &mut StageRun<'_, '_>,
        step: &mut CopyStep<'_>,
    ) -> Result<(), ConvertError> {
        if let Some(from) = &self.0 {
            let (state, index) = run.stage_source(&from.text, step.span)?;
            step.from = CopySource::Stage(state, index);
            // `--from=${BUILDER}` (rustfront dialect, `convert::stage_ref`) shows the stage
            // it selected
            if let Some(value) = run.d.plan.shown_reference(&from.text, from.span.file) {
                step.shown = Some(step.code.replacen(&from.text, &value, 1));
            }
        }
        Ok(())
    }
}
