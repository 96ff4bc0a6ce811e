//! `RUN --network=default|none|host`.

use super::RunFlag;
use crate::instructions::errors::InvalidInput;
use crate::instructions::flags::{FlagSpec, ParsedFlags};

/// `RUN --network=…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NetworkMode {
    #[default]
    Default,
    None,
    Host,
}

impl NetworkMode {
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkMode::Default => "default",
            NetworkMode::None => "none",
            NetworkMode::Host => "host",
        }
    }

    /// Exact (case-sensitive) match; error `invalid network mode "x"`.
    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        match value {
            "default" => Ok(NetworkMode::Default),
            "none" => Ok(NetworkMode::None),
            "host" => Ok(NetworkMode::Host),
            _ => Err(InvalidInput(format!("invalid network mode {value:?}"))),
        }
    }
}

impl RunFlag for NetworkMode {
    const SPEC: FlagSpec = FlagSpec::string_default("network", "default");

    fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput> {
        NetworkMode::parse(flags.string_or_default("network"))
    }
}
