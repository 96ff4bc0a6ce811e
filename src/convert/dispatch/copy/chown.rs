//! `COPY`/`ADD --chown`: the owner of every copied file; shown in the history (not on
//! BuildKit 0.8, whose builtin leaves it out).

use super::{ConvertFileFlag, CopyStep};
use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::instructions::CopyChown;
use crate::llb::Chown;

impl ConvertFileFlag for CopyChown {
    fn apply(
        &self,
        run: &mut StageRun<'_, '_>,
        step: &mut CopyStep<'_>,
    ) -> Result<(), ConvertError> {
        let Some(chown) = self
            .0
            .as_ref()
            .map(|w| w.text.as_str())
            .filter(|c| !c.is_empty())
        else {
            return Ok(());
        };
        step.owner = Some(Chown::parse(chown));
        if !run.like_buildkit_0_8() {
            step.history_flags.push(format!("--chown={chown}"));
        }
        Ok(())
    }
}
