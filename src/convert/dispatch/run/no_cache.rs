//! `RUN --no-cache`: the step ignores the cache, and so does every later step of its stage and
//! of the stages that build on, copy from or mount its result — otherwise BuildKit would
//! stack their cached results on the step's old output and drop the new one.

use super::ConvertRunFlag;
use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::dockerfile::Span;
use crate::instructions::NoCache;
use crate::llb::Exec;

impl ConvertRunFlag for NoCache {
    fn apply(&self, run: &mut StageRun<'_, '_>, exec: Exec, _: Span) -> Result<Exec, ConvertError> {
        if self.0 {
            run.uncache_from_here();
        }
        Ok(exec)
    }
}
