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
mod copy;
mod csv;
mod errors;
mod expand;
mod flags;
mod git_ref;
mod healthcheck;
pub mod include;
mod parse;
mod ports;
mod run;
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
pub use copy::{
    AddChecksum, AddFlags, AddKeepGitDir, AddUnpack, CopyChmod, CopyChown, CopyExcludes, CopyFlags,
    CopyFrom, CopyLink, CopyParents, FileFlag,
};
pub use csv::split_record as split_csv_record;
pub use errors::{InstructionError, InvalidInput, parse_error_message};
pub use expand::{Expander, SplitExpander};
pub use flags::{FlagKind, FlagSpec, ParsedFlags, parse_flags, parse_go_bool};
pub use git_ref::{GitRef, GitSource, parse_git_ref};
pub use healthcheck::{HealthConfig, MINIMUM_DURATION, go_duration_string, parse_go_duration};
pub use parse::{INSTRUCTION_NAMES, parse_dockerfile, parse_instruction, written_keyword};
pub use ports::parse_port_specs;
pub use run::{
    Device, Devices, Mount, MountType, Mounts, NetworkMode, NoCache, RunFlag, RunFlags,
    SecurityMode, ShareMode, parse_device, parse_mount,
};
pub use suggest::closest;
