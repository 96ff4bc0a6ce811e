//! Typed Dockerfile instructions, like BuildKit's `frontend/dockerfile/instructions`.
//!
//! [`parse_dockerfile`] turns the parser's AST into build [`Stage`]s (each a FROM plus its
//! [`Command`]s) and the global ARGs before the first FROM. Commands keep their raw words with
//! spans; the converter expands them per stage with [`Command::expand`] and an expander built
//! on `crate::shell::Lexer`.
//!
//! Also here: the `--flag` parser ([`parse_flags`]), `RUN --mount` ([`parse_mount`]) and
//! `RUN --device` ([`parse_device`]) values, HEALTHCHECK durations and EXPOSE port specs
//! ([`parse_port_specs`]).

mod commands;
mod csv;
mod errors;
mod expand;
mod flags;
mod healthcheck;
mod mount;
mod parse;
mod ports;
mod run_options;
mod suggest;

/// BuildKit's `ChompHeredocContent` (strip leading tabs of every line), for `<<-` bodies.
pub use crate::dockerfile::chomp_heredoc_content;
pub use commands::{
    AddCommand, ArgCommand, ArgDef, CmdCommand, Command, CommandSource, CopyCommand,
    EntrypointCommand, EnvCommand, ExposeCommand, HealthcheckCommand, Instruction, KeyValue,
    LabelCommand, MaintainerCommand, OnbuildCommand, RunCommand, ShellCommand,
    ShellDependentCmdLine, ShellInlineFile, SourceContent, SourcesAndDest, Stage,
    StopSignalCommand, UserCommand, VolumeCommand, WorkdirCommand,
};
pub use errors::{InstructionError, InvalidInput};
pub use expand::{Expander, SplitExpander};
pub use flags::{FlagKind, FlagSpec, ParsedFlags, parse_flags};
pub use healthcheck::{HealthConfig, MINIMUM_DURATION, go_duration_string, parse_go_duration};
pub use mount::{Mount, MountType, ShareMode, parse_mount};
pub use parse::{INSTRUCTION_NAMES, parse_dockerfile, parse_instruction};
pub use ports::parse_port_specs;
pub use run_options::{Device, NetworkMode, SecurityMode, parse_device};
