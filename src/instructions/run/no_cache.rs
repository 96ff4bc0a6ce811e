//! `RUN --no-cache[=true|false]` (rustfront's own, not in docker/dockerfile): the step always
//! runs, and so does everything built on its result.

use super::RunFlag;
use crate::instructions::errors::InvalidInput;
use crate::instructions::flags::{FlagSpec, ParsedFlags};

/// `RUN --no-cache`: whether the step skips the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoCache(pub bool);

impl RunFlag for NoCache {
    const SPEC: FlagSpec = FlagSpec::bool("no-cache");

    fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput> {
        Ok(NoCache(flags.bool("no-cache")))
    }
}

#[cfg(test)]
mod tests {
    use crate::instructions::{Command, parse_dockerfile};
    use crate::lint::Linter;

    fn no_cache(line: &str) -> Result<bool, String> {
        let text = format!("FROM busybox\n{line}\n");
        let df = crate::dockerfile::parse(text.as_bytes()).map_err(|e| e.to_string())?;
        let (stages, _) =
            parse_dockerfile(&df, &mut Linter::default()).map_err(|e| e.to_string())?;
        match stages.first().and_then(|s| s.commands.first()) {
            Some(Command::Run(run)) => Ok(run.flags.no_cache.0),
            other => Err(format!("not a RUN: {other:?}")),
        }
    }

    #[test]
    fn written_as_a_bool_flag() {
        assert_eq!(no_cache("RUN --no-cache apt-get update"), Ok(true));
        assert_eq!(no_cache("RUN --no-cache=true true"), Ok(true));
        assert_eq!(no_cache("RUN --no-cache=false true"), Ok(false));
        assert_eq!(no_cache("RUN true"), Ok(false));
        assert!(no_cache("RUN --no-cache=maybe true").is_err());
    }
}
