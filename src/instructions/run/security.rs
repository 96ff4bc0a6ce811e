//! `RUN --security=sandbox|insecure`.

use super::RunFlag;
use crate::instructions::errors::InvalidInput;
use crate::instructions::flags::{FlagSpec, ParsedFlags};

/// `RUN --security=…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecurityMode {
    #[default]
    Sandbox,
    Insecure,
}

impl SecurityMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SecurityMode::Sandbox => "sandbox",
            SecurityMode::Insecure => "insecure",
        }
    }

    /// Exact (case-sensitive) match; error `security "x" is not valid`.
    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        match value {
            "sandbox" => Ok(SecurityMode::Sandbox),
            "insecure" => Ok(SecurityMode::Insecure),
            _ => Err(InvalidInput(format!("security {value:?} is not valid"))),
        }
    }
}

impl RunFlag for SecurityMode {
    const SPEC: FlagSpec = FlagSpec::string_default("security", "sandbox");

    fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput> {
        SecurityMode::parse(flags.string_or_default("security"))
    }
}
