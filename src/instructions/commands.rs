//! Typed Dockerfile commands.
//!
//! Every command keeps the words it was written with ([`Word`]: raw text plus span): variables
//! are expanded later, per stage, through [`Command::expand`] (see `expand.rs`), the way
//! BuildKit's converter calls `Expand` on each command.

use crate::dockerfile::{Node, Span, Word};

use super::copy::{AddFlags, CopyFlags};
use super::healthcheck::HealthConfig;
use super::run::RunFlags;

/// Where a command comes from: its source text and lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommandSource {
    /// The instruction as written, continuations joined and trimmed (`RUN echo hi`); heredoc
    /// bodies are not included. BuildKit shows this in progress names and history.
    pub code: String,
    /// First to last line of the instruction (heredoc bodies included).
    pub span: Span,
}

impl CommandSource {
    pub fn line(&self) -> usize {
        self.span.start.line
    }
}

/// `key value`/`key=value` of ENV and LABEL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Word,
    pub value: Word,
    /// Written in the legacy `KEY value` form (no `=`).
    pub no_delim: bool,
}

/// One `name[=default]` of an ARG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDef {
    pub key: Word,
    pub value: Option<Word>,
    /// Doc comment: the text of a comment line above the ARG that starts with `<key> `, with
    /// that prefix removed (empty if none).
    pub comment: String,
}

/// A command line for RUN/CMD/ENTRYPOINT.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShellDependentCmdLine {
    /// JSON form: one word per element. Shell form: one word with the whole command line
    /// (heredoc markers such as `<<EOF` stay in it).
    pub cmd_line: Vec<Word>,
    /// Heredoc bodies attached to the command (RUN only), in order.
    pub files: Vec<ShellInlineFile>,
    /// Shell form: run through the stage's SHELL.
    pub prepend_shell: bool,
}

impl ShellDependentCmdLine {
    /// The command line as plain strings.
    pub fn args(&self) -> Vec<String> {
        self.cmd_line.iter().map(|w| w.text.clone()).collect()
    }
}

/// A heredoc body of a RUN instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellInlineFile {
    /// Delimiter name (`EOF`).
    pub name: String,
    /// The body as the parser stored it.
    pub data: String,
    /// `<<-` form: leading tabs are to be removed from each line.
    pub chomp: bool,
    /// `false` when the delimiter was quoted.
    pub expand: bool,
}

/// An inline (heredoc) source of COPY/ADD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceContent {
    /// File name to create: the heredoc delimiter.
    pub path: String,
    /// The body, with leading tabs already removed for `<<-`.
    pub data: String,
    /// Expand variables in `data` (delimiter not quoted).
    pub expand: bool,
}

/// Sources and destination of COPY/ADD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcesAndDest {
    pub dest: Word,
    /// Sources that are paths/URLs, in order.
    pub source_paths: Vec<Word>,
    /// Heredoc sources, in order.
    pub source_contents: Vec<SourceContent>,
}

/// `ADD [flags] <src>... <dest>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCommand {
    pub source: CommandSource,
    pub sources: SourcesAndDest,
    pub flags: AddFlags,
}

/// `COPY [flags] <src>... <dest>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyCommand {
    pub source: CommandSource,
    pub sources: SourcesAndDest,
    pub flags: CopyFlags,
}

/// `ARG name[=default] ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgCommand {
    pub source: CommandSource,
    pub args: Vec<ArgDef>,
}

/// `CMD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmdCommand {
    pub source: CommandSource,
    pub cmd: ShellDependentCmdLine,
}

/// `ENTRYPOINT`. An empty JSON form (`ENTRYPOINT []`) resets the entrypoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrypointCommand {
    pub source: CommandSource,
    pub cmd: ShellDependentCmdLine,
}

/// `ENV key=value ...` / `ENV key value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvCommand {
    pub source: CommandSource,
    pub env: Vec<KeyValue>,
}

/// `EXPOSE port[/proto] ...`; the raw words, sorted like BuildKit sorts them. Expand with
/// word splitting, then use [`super::parse_port_specs`] (or [`ExposeCommand::port_specs`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExposeCommand {
    pub source: CommandSource,
    pub ports: Vec<Word>,
}

/// `HEALTHCHECK [flags] CMD ...` / `HEALTHCHECK NONE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthcheckCommand {
    pub source: CommandSource,
    pub health: HealthConfig,
}

/// `LABEL key=value ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelCommand {
    pub source: CommandSource,
    pub labels: Vec<KeyValue>,
}

/// `MAINTAINER name` (deprecated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintainerCommand {
    pub source: CommandSource,
    pub maintainer: Word,
}

/// `ONBUILD <instruction>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnbuildCommand {
    pub source: CommandSource,
    /// The trigger as stored in the image config (`RUN echo hi`): the text after `ONBUILD`,
    /// followed by each heredoc as `\n<body><delimiter>`.
    pub expression: String,
    /// The nested instruction as parsed (not validated: a trigger runs in a child build).
    pub trigger: Node,
}

/// `RUN [flags] <command>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunCommand {
    pub source: CommandSource,
    pub cmd: ShellDependentCmdLine,
    pub flags: RunFlags,
    /// Flags given (`mount`, `network`, `security`, `device`), in order of first use.
    pub flags_used: Vec<String>,
}

/// `SHELL ["exe", "arg", ...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellCommand {
    pub source: CommandSource,
    pub shell: Vec<Word>,
}

/// `STOPSIGNAL signal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopSignalCommand {
    pub source: CommandSource,
    pub signal: Word,
}

/// `USER user[:group]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCommand {
    pub source: CommandSource,
    pub user: Word,
}

/// `VOLUME path ...` (each path trimmed, never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeCommand {
    pub source: CommandSource,
    pub volumes: Vec<Word>,
}

/// `WORKDIR path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkdirCommand {
    pub source: CommandSource,
    pub path: Word,
}

/// Apply `$body` to the command struct inside any [`Command`] variant.
macro_rules! each_command {
    ($value:expr, $c:ident => $body:expr) => {
        match $value {
            Command::Add($c) => $body,
            Command::Arg($c) => $body,
            Command::Cmd($c) => $body,
            Command::Copy($c) => $body,
            Command::Entrypoint($c) => $body,
            Command::Env($c) => $body,
            Command::Expose($c) => $body,
            Command::Healthcheck($c) => $body,
            Command::Label($c) => $body,
            Command::Maintainer($c) => $body,
            Command::Onbuild($c) => $body,
            Command::Run($c) => $body,
            Command::Shell($c) => $body,
            Command::StopSignal($c) => $body,
            Command::User($c) => $body,
            Command::Volume($c) => $body,
            Command::Workdir($c) => $body,
        }
    };
}

/// Any instruction inside a stage (FROM starts a [`Stage`] instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Add(AddCommand),
    Arg(ArgCommand),
    Cmd(CmdCommand),
    Copy(CopyCommand),
    Entrypoint(EntrypointCommand),
    Env(EnvCommand),
    Expose(ExposeCommand),
    Healthcheck(HealthcheckCommand),
    Label(LabelCommand),
    Maintainer(MaintainerCommand),
    Onbuild(OnbuildCommand),
    Run(RunCommand),
    Shell(ShellCommand),
    StopSignal(StopSignalCommand),
    User(UserCommand),
    Volume(VolumeCommand),
    Workdir(WorkdirCommand),
}

impl Command {
    /// Lower-case instruction name (`run`, `copy`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Add(_) => "add",
            Command::Arg(_) => "arg",
            Command::Cmd(_) => "cmd",
            Command::Copy(_) => "copy",
            Command::Entrypoint(_) => "entrypoint",
            Command::Env(_) => "env",
            Command::Expose(_) => "expose",
            Command::Healthcheck(_) => "healthcheck",
            Command::Label(_) => "label",
            Command::Maintainer(_) => "maintainer",
            Command::Onbuild(_) => "onbuild",
            Command::Run(_) => "run",
            Command::Shell(_) => "shell",
            Command::StopSignal(_) => "stopsignal",
            Command::User(_) => "user",
            Command::Volume(_) => "volume",
            Command::Workdir(_) => "workdir",
        }
    }

    pub fn source(&self) -> &CommandSource {
        each_command!(self, c => &c.source)
    }

    /// Where the command comes from, for callers that relocate it (ONBUILD triggers run at
    /// the FROM of the stage that inherits them).
    pub fn source_mut(&mut self) -> &mut CommandSource {
        each_command!(self, c => &mut c.source)
    }

    /// The instruction text (`RUN echo hi`).
    pub fn code(&self) -> &str {
        &self.source().code
    }

    pub fn span(&self) -> Span {
        self.source().span
    }
}

/// A build stage: a FROM and the commands after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// `AS name`, lower-cased; `None` for an unnamed stage.
    pub name: Option<String>,
    /// The name word as written (original case), for diagnostics.
    pub name_word: Option<Word>,
    /// The image or stage to start from, unexpanded (`${BASE}:latest`, `scratch`, `builder`).
    pub base_name: Word,
    /// `--platform=…`, unexpanded.
    pub platform: Option<Word>,
    pub commands: Vec<Command>,
    /// Doc comment: a comment line directly above the FROM that starts with `<name> `, with
    /// that prefix removed (empty if none or unnamed).
    pub comment: String,
    /// The FROM instruction.
    pub source: CommandSource,
}

/// What one instruction parses to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Instruction {
    Stage(Stage),
    Command(Command),
}
