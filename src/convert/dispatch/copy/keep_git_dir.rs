//! `ADD --keep-git-dir`: keep `.git` of git sources (checked against the URL's own
//! `keep-git-dir=` when the copy is built).

use super::{ConvertFileFlag, CopyStep};
use crate::convert::ConvertError;
use crate::convert::dispatch::StageRun;
use crate::instructions::AddKeepGitDir;

impl ConvertFileFlag for AddKeepGitDir {
    fn apply(&self, _: &mut StageRun<'_, '_>, step: &mut CopyStep<'_>) -> Result<(), ConvertError> {
        step.keep_git_dir = self.0;
        Ok(())
    }
}
