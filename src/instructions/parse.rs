//! AST nodes → typed instructions and stages (BuildKit's `instructions.Parse`).

use crate::dockerfile::{
    Dockerfile, Heredoc, Node, Span, Word, chomp_heredoc_content, heredoc_marker,
};

use super::commands::*;
use super::copy::{AddFlags, CopyFlags};
use super::errors::{InstructionError, InvalidInput};
use super::flags::{FlagSpec, ParsedFlags, parse_flags};
use super::healthcheck::{HealthConfig, parse_interval, parse_retries};
use super::run::RunFlags;
use super::suggest::with_suggestion;
use crate::lint::{Linter, rules};

/// Every instruction name, upper-case, as offered in "did you mean" hints.
pub const INSTRUCTION_NAMES: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Split a parsed Dockerfile into build stages, plus the ARGs written before the first FROM
/// (the global "meta" ARGs).
///
/// Fails on the first instruction that does not parse, and on any instruction other than ARG
/// before the first FROM (`no build stage in current context`). A file with no FROM gives no
/// stages and no error.
pub fn parse_dockerfile(
    dockerfile: &Dockerfile,
    lint: &mut Linter,
) -> Result<(Vec<Stage>, Vec<ArgCommand>), InstructionError> {
    let mut stages: Vec<Stage> = Vec::new();
    let mut meta_args = Vec::new();
    for node in &dockerfile.nodes {
        lint_node(node, lint);
        match parse_instruction(node)? {
            Instruction::Stage(stage) => stages.push(stage),
            Instruction::Command(Command::Arg(arg)) if stages.is_empty() => meta_args.push(arg),
            Instruction::Command(command) => match stages.last_mut() {
                Some(stage) => stage.commands.push(command),
                None => {
                    return Err(InstructionError::at(
                        node.span,
                        "no build stage in current context",
                    ));
                }
            },
        }
    }
    Ok((stages, meta_args))
}

/// The checks upstream runs while it reads each instruction.
fn lint_node(node: &Node, lint: &mut Linter) {
    match node.keyword.as_str() {
        "maintainer" => lint.report(
            &rules::MAINTAINER_DEPRECATED,
            node.span,
            rules::maintainer_deprecated(),
        ),
        "from" => {
            if let [_, as_word, name] = node.args.as_slice() {
                if name.text != name.text.to_lowercase() {
                    lint.report(
                        &rules::STAGE_NAME_CASING,
                        node.span,
                        rules::stage_name_casing(&name.text),
                    );
                }
                // Mixed-case FROM is ConsistentInstructionCasing's business.
                let from = written_keyword(&node.original);
                let lower = from == from.to_lowercase();
                let upper = from == from.to_uppercase();
                let matches = if lower {
                    as_word.text == as_word.text.to_lowercase()
                } else {
                    !upper || as_word.text == as_word.text.to_uppercase()
                };
                if !matches {
                    lint.report(
                        &rules::FROM_AS_CASING,
                        node.span,
                        rules::from_as_casing(&as_word.text, from),
                    );
                }
                lint_description(node, "FROM", &[name.text.to_lowercase()], lint);
            }
        }
        "arg" => {
            let keys: Vec<String> = node
                .args
                .iter()
                .map(|a| a.text.split('=').next().unwrap_or_default().to_string())
                .collect();
            lint_description(node, "ARG", &keys, lint);
        }
        _ => {}
    }
}

/// InvalidDefinitionDescription (experimental): the comment right above a FROM or ARG should
/// start with the name it describes.
fn lint_description(node: &Node, instruction: &str, names: &[String], lint: &mut Linter) {
    let (Some(comment), Some(first)) = (node.comments.last(), names.first()) else {
        return;
    };
    let word = comment.split(' ').next().unwrap_or_default();
    if names.iter().any(|n| n == word) {
        return;
    }
    let example = if names.len() > 1 { "<arg_key>" } else { first };
    lint.report(
        &rules::INVALID_DEFINITION_DESCRIPTION,
        node.span,
        rules::invalid_definition_description(instruction, example),
    );
}

/// The instruction keyword as written (`FROM`, `from`, `From`).
pub fn written_keyword(code: &str) -> &str {
    code.split_whitespace().next().unwrap_or_default()
}

/// Parse one instruction node: FROM gives a [`Stage`] (without commands), anything else a
/// [`Command`].
pub fn parse_instruction(node: &Node) -> Result<Instruction, InstructionError> {
    let req = Request::new(node);
    let parsed = match node.keyword.as_str() {
        "from" => parse_from(&req).map(Instruction::Stage),
        keyword => parse_command(&req, keyword).map(Instruction::Command),
    };
    parsed.map_err(|e| e.at(node.span))
}

/// What every parse function gets: the node and its arguments.
struct Request<'a> {
    node: &'a Node,
    args: &'a [Word],
    source: CommandSource,
}

impl<'a> Request<'a> {
    fn new(node: &'a Node) -> Self {
        Request {
            node,
            args: &node.args,
            source: CommandSource {
                code: node.original.trim().to_string(),
                span: node.span,
            },
        }
    }

    fn flags(&self, specs: &[FlagSpec]) -> Result<ParsedFlags, InvalidInput> {
        parse_flags(&self.node.flags, specs)
    }

    fn no_flags(&self) -> Result<(), InvalidInput> {
        self.flags(&[]).map(|_| ())
    }

    /// The single argument, or `<NAME> requires exactly one argument`.
    fn exactly_one(&self, name: &str) -> Result<Word, InvalidInput> {
        match self.args {
            [only] => Ok(only.clone()),
            _ => Err(InvalidInput(format!(
                "{name} requires exactly one argument"
            ))),
        }
    }

    fn at_least_one(&self, name: &str) -> Result<(), InvalidInput> {
        if self.args.is_empty() {
            Err(at_least_one_argument(name))
        } else {
            Ok(())
        }
    }

    fn json(&self) -> bool {
        self.node.json
    }
}

fn at_least_one_argument(name: &str) -> InvalidInput {
    InvalidInput(format!("{name} requires at least one argument"))
}

fn parse_command(req: &Request<'_>, keyword: &str) -> Result<Command, InvalidInput> {
    Ok(match keyword {
        "add" => Command::Add(parse_add(req)?),
        "arg" => Command::Arg(parse_arg(req)?),
        "cmd" => Command::Cmd(CmdCommand {
            cmd: parse_cmd_line(req, &[])?,
            source: req.source.clone(),
        }),
        "copy" => Command::Copy(parse_copy(req)?),
        "entrypoint" => Command::Entrypoint(EntrypointCommand {
            cmd: parse_cmd_line(req, &[])?,
            source: req.source.clone(),
        }),
        "env" => Command::Env(EnvCommand {
            env: parse_key_values(req, "ENV")?,
            source: req.source.clone(),
        }),
        "expose" => Command::Expose(parse_expose(req)?),
        "healthcheck" => Command::Healthcheck(parse_healthcheck(req)?),
        "label" => Command::Label(LabelCommand {
            labels: parse_key_values(req, "LABEL")?,
            source: req.source.clone(),
        }),
        "maintainer" => {
            let maintainer = req.exactly_one("MAINTAINER")?;
            req.no_flags()?;
            Command::Maintainer(MaintainerCommand {
                maintainer,
                source: req.source.clone(),
            })
        }
        "onbuild" => Command::Onbuild(parse_onbuild(req)?),
        "run" => Command::Run(parse_run(req)?),
        "shell" => Command::Shell(parse_shell(req)?),
        "stopsignal" => Command::StopSignal(StopSignalCommand {
            signal: req.exactly_one("STOPSIGNAL")?,
            source: req.source.clone(),
        }),
        "user" => {
            let user = req.exactly_one("USER")?;
            req.no_flags()?;
            Command::User(UserCommand {
                user,
                source: req.source.clone(),
            })
        }
        "volume" => Command::Volume(parse_volume(req)?),
        "workdir" => {
            let path = req.exactly_one("WORKDIR")?;
            req.no_flags()?;
            Command::Workdir(WorkdirCommand {
                path,
                source: req.source.clone(),
            })
        }
        _ => return Err(unknown_instruction(req.node)),
    })
}

/// `unknown instruction: FOO`, with the keyword as written and a hint when one is close.
fn unknown_instruction(node: &Node) -> InvalidInput {
    let written = node
        .original
        .split_whitespace()
        .next()
        .filter(|w| w.eq_ignore_ascii_case(&node.keyword))
        .unwrap_or(&node.keyword);
    InvalidInput(with_suggestion(
        format!("unknown instruction: {written}"),
        written,
        INSTRUCTION_NAMES,
        false,
    ))
}

fn is_valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

fn parse_from(req: &Request<'_>) -> Result<Stage, InvalidInput> {
    let (base_name, name_word) = match req.args {
        [base] => (base.clone(), None),
        [base, as_word, name] if as_word.text.eq_ignore_ascii_case("as") => {
            let lower = name.text.to_lowercase();
            if !is_valid_stage_name(&lower) {
                return Err(InvalidInput(format!(
                    "invalid name for build stage: {:?}, name can't start with a number or contain symbols",
                    name.text
                )));
            }
            (base.clone(), Some(name.clone()))
        }
        _ => {
            return Err(InvalidInput::new(
                "FROM requires either one or three arguments",
            ));
        }
    };
    let flags = req.flags(&[FlagSpec::string("platform")])?;
    let name = name_word.as_ref().map(|w| w.text.to_lowercase());
    let comment = name
        .as_deref()
        .map(|n| doc_comment(&req.node.comments, n))
        .unwrap_or_default();
    Ok(Stage {
        name,
        name_word,
        base_name,
        platform: flags.string("platform").cloned(),
        commands: Vec::new(),
        comment,
        source: req.source.clone(),
    })
}

/// The comment line that documents `name`: it starts with `name ` and the doc is the rest.
fn doc_comment(comments: &[String], name: &str) -> String {
    if name.is_empty() {
        return String::new();
    }
    let prefix = format!("{name} ");
    comments
        .iter()
        .find_map(|line| line.trim().strip_prefix(&prefix).map(str::to_string))
        .unwrap_or_default()
}

fn parse_arg(req: &Request<'_>) -> Result<ArgCommand, InvalidInput> {
    req.at_least_one("ARG")?;
    let args = req
        .args
        .iter()
        .map(|word| {
            let (key, value) = match word.text.split_once('=') {
                Some(("", _)) => return Err(InvalidInput::new("ARG names can not be blank")),
                Some((key, value)) => (key, Some(value)),
                None => (word.text.as_str(), None),
            };
            let sub_word = |text: &str| Word {
                text: text.to_string(),
                span: word.span,
            };
            Ok(ArgDef {
                key: sub_word(key),
                value: value.map(sub_word),
                comment: doc_comment(&req.node.comments, key),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ArgCommand {
        source: req.source.clone(),
        args,
    })
}

/// ENV/LABEL: the parser's `key, value, separator` triples.
fn parse_key_values(req: &Request<'_>, name: &str) -> Result<Vec<KeyValue>, InvalidInput> {
    req.no_flags()?;
    req.at_least_one(name)?;
    if req.args.len() % 3 != 0 {
        return Err(InvalidInput(format!(
            "Bad input to {name}, too many arguments"
        )));
    }
    req.args
        .chunks_exact(3)
        .map(|triple| match triple {
            [key, _, _] if key.text.is_empty() => {
                Err(InvalidInput(format!("{name} names can not be blank")))
            }
            [key, value, separator] => Ok(KeyValue {
                key: key.clone(),
                value: value.clone(),
                no_delim: separator.text.is_empty(),
            }),
            _ => Err(InvalidInput(format!(
                "Bad input to {name}, too many arguments"
            ))),
        })
        .collect()
}

/// JSON form: the elements; shell form: all arguments joined by spaces into one word.
fn json_or_joined(args: &[Word], json: bool) -> Vec<Word> {
    match args {
        [] => Vec::new(),
        _ if json => args.to_vec(),
        [first, ..] => {
            let text = args
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let end = args.last().map_or(first.span.end, |w| w.span.end);
            vec![Word {
                text,
                span: Span {
                    start: first.span.start,
                    end,
                    file: first.span.file,
                },
            }]
        }
    }
}

fn inline_files(heredocs: &[Heredoc]) -> Vec<ShellInlineFile> {
    heredocs
        .iter()
        .map(|h| ShellInlineFile {
            name: h.name.clone(),
            data: h.content.clone(),
            chomp: h.chomp,
            expand: h.expand,
        })
        .collect()
}

fn parse_cmd_line(
    req: &Request<'_>,
    specs: &[FlagSpec],
) -> Result<ShellDependentCmdLine, InvalidInput> {
    req.flags(specs)?;
    Ok(cmd_line(req))
}

fn cmd_line(req: &Request<'_>) -> ShellDependentCmdLine {
    ShellDependentCmdLine {
        cmd_line: json_or_joined(req.args, req.json()),
        files: inline_files(&req.node.heredocs),
        prepend_shell: !req.json(),
    }
}

fn parse_run(req: &Request<'_>) -> Result<RunCommand, InvalidInput> {
    let flags = req.flags(RunFlags::SPECS)?;
    Ok(RunCommand {
        source: req.source.clone(),
        cmd: cmd_line(req),
        flags: RunFlags::parse(&flags)?,
        flags_used: flags.used().iter().map(|s| s.to_string()).collect(),
    })
}

fn parse_shell(req: &Request<'_>) -> Result<ShellCommand, InvalidInput> {
    req.no_flags()?;
    let shell = json_or_joined(req.args, req.json());
    if shell.is_empty() {
        return Err(at_least_one_argument("SHELL"));
    }
    if !req.json() {
        return Err(InvalidInput::new(
            "SHELL requires the arguments to be in JSON form",
        ));
    }
    Ok(ShellCommand {
        source: req.source.clone(),
        shell,
    })
}

fn parse_expose(req: &Request<'_>) -> Result<ExposeCommand, InvalidInput> {
    req.at_least_one("EXPOSE")?;
    req.no_flags()?;
    let mut ports = req.args.to_vec();
    ports.sort_by(|a, b| a.text.cmp(&b.text));
    Ok(ExposeCommand {
        source: req.source.clone(),
        ports,
    })
}

fn parse_volume(req: &Request<'_>) -> Result<VolumeCommand, InvalidInput> {
    req.at_least_one("VOLUME")?;
    req.no_flags()?;
    let volumes = req
        .args
        .iter()
        .map(|w| {
            let text = w.text.trim();
            if text.is_empty() {
                Err(InvalidInput::new(
                    "VOLUME specified can not be an empty string",
                ))
            } else {
                Ok(Word {
                    text: text.to_string(),
                    span: w.span,
                })
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(VolumeCommand {
        source: req.source.clone(),
        volumes,
    })
}

const HEALTHCHECK_FLAGS: [FlagSpec; 5] = [
    FlagSpec::string("interval"),
    FlagSpec::string("timeout"),
    FlagSpec::string("start-period"),
    FlagSpec::string("start-interval"),
    FlagSpec::string("retries"),
];

fn parse_healthcheck(req: &Request<'_>) -> Result<HealthcheckCommand, InvalidInput> {
    let Some((kind_word, rest)) = req.args.split_first() else {
        return Err(at_least_one_argument("HEALTHCHECK"));
    };
    let kind = kind_word.text.to_uppercase();
    let health = if kind == "NONE" {
        if !rest.is_empty() {
            return Err(InvalidInput::new("HEALTHCHECK NONE takes no arguments"));
        }
        HealthConfig {
            test: vec![kind],
            ..HealthConfig::default()
        }
    } else {
        let flags = req.flags(&HEALTHCHECK_FLAGS)?;
        if kind != "CMD" {
            return Err(InvalidInput(format!(
                "Unknown type {kind:?} in HEALTHCHECK (try CMD)"
            )));
        }
        let cmd = json_or_joined(rest, req.json());
        if cmd.is_empty() {
            return Err(InvalidInput::new("Missing command after HEALTHCHECK CMD"));
        }
        let test_kind = if req.json() { "CMD" } else { "CMD-SHELL" };
        let interval = |name: &str| parse_interval(name, flags.string_or_default(name));
        HealthConfig {
            test: std::iter::once(test_kind.to_string())
                .chain(cmd.into_iter().map(|w| w.text))
                .collect(),
            interval: interval("interval")?,
            timeout: interval("timeout")?,
            start_period: interval("start-period")?,
            start_interval: interval("start-interval")?,
            retries: parse_retries(flags.string_or_default("retries"))?,
        }
    };
    Ok(HealthcheckCommand {
        source: req.source.clone(),
        health,
    })
}

fn parse_onbuild(req: &Request<'_>) -> Result<OnbuildCommand, InvalidInput> {
    let Some(trigger) = req.node.onbuild.as_deref() else {
        return Err(at_least_one_argument("ONBUILD"));
    };
    req.no_flags()?;
    let trigger_name = trigger.keyword.trim().to_uppercase();
    match trigger_name.as_str() {
        "ONBUILD" => {
            return Err(InvalidInput::new(
                "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
            ));
        }
        "MAINTAINER" | "FROM" => {
            return Err(InvalidInput(format!(
                "{trigger_name} isn't allowed as an ONBUILD trigger"
            )));
        }
        _ => {}
    }
    let heredocs = if req.node.heredocs.is_empty() {
        &trigger.heredocs
    } else {
        &req.node.heredocs
    };
    let mut expression = strip_onbuild_keyword(&req.node.original).to_string();
    for heredoc in heredocs {
        expression.push('\n');
        expression.push_str(&heredoc.content);
        expression.push_str(&heredoc.name);
    }
    Ok(OnbuildCommand {
        source: req.source.clone(),
        expression,
        trigger: trigger.clone(),
    })
}

/// `original` without a leading `ONBUILD` keyword (any case) and the blanks around it.
fn strip_onbuild_keyword(original: &str) -> &str {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c');
    let trimmed = original.trim_start_matches(is_space);
    match trimmed.get(..7) {
        Some(keyword) if keyword.eq_ignore_ascii_case("onbuild") => {
            trimmed[7..].trim_start_matches(is_space)
        }
        _ => original,
    }
}

fn no_destination(name: &str) -> InvalidInput {
    InvalidInput(format!(
        "{name} requires at least two arguments, but only one was provided. Destination could not be determined"
    ))
}

/// Split COPY/ADD arguments into sources and destination, resolving `<<EOF` sources to the
/// heredoc bodies the parser attached to the node.
fn parse_sources_and_dest(req: &Request<'_>, name: &str) -> Result<SourcesAndDest, InvalidInput> {
    let Some((dest, sources)) = req.args.split_last() else {
        return Err(no_destination(name));
    };
    if heredoc_marker(&dest.text).is_some() {
        return Err(InvalidInput(format!(
            "{name} cannot accept a heredoc as a destination"
        )));
    }
    let mut source_paths = Vec::new();
    let mut source_contents = Vec::new();
    for source in sources {
        match heredoc_marker(&source.text) {
            Some(marker) => {
                let body = req
                    .node
                    .heredocs
                    .iter()
                    .rev()
                    .find(|h| h.name == marker.name)
                    .map(|h| h.content.as_str())
                    .unwrap_or_default();
                let data = if marker.chomp {
                    chomp_heredoc_content(body)
                } else {
                    body.to_string()
                };
                source_contents.push(SourceContent {
                    path: marker.name,
                    data,
                    expand: marker.expand,
                });
            }
            None => source_paths.push(source.clone()),
        }
    }
    Ok(SourcesAndDest {
        dest: dest.clone(),
        source_paths,
        source_contents,
    })
}

fn parse_add(req: &Request<'_>) -> Result<AddCommand, InvalidInput> {
    if req.args.len() < 2 {
        return Err(no_destination("ADD"));
    }
    let flags = AddFlags::parse(&req.flags(AddFlags::SPECS)?)?;
    Ok(AddCommand {
        sources: parse_sources_and_dest(req, "ADD")?,
        flags,
        source: req.source.clone(),
    })
}

fn parse_copy(req: &Request<'_>) -> Result<CopyCommand, InvalidInput> {
    if req.args.len() < 2 {
        return Err(no_destination("COPY"));
    }
    let flags = CopyFlags::parse(&req.flags(CopyFlags::SPECS)?)?;
    Ok(CopyCommand {
        sources: parse_sources_and_dest(req, "COPY")?,
        flags,
        source: req.source.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_names() {
        for ok in ["a", "build-1", "a_b.c", "x9"] {
            assert!(is_valid_stage_name(ok), "{ok}");
        }
        for bad in ["", "1a", "-a", "a!", "é"] {
            assert!(!is_valid_stage_name(bad), "{bad}");
        }
    }

    #[test]
    fn onbuild_keyword_stripping() {
        assert_eq!(strip_onbuild_keyword("ONBUILD RUN x"), "RUN x");
        assert_eq!(strip_onbuild_keyword("  onbuild\tRUN x"), "RUN x");
        assert_eq!(strip_onbuild_keyword("RUN x"), "RUN x");
        assert_eq!(strip_onbuild_keyword("ONBUILDRUN x"), "RUN x");
        assert_eq!(strip_onbuild_keyword("ONBUI"), "ONBUI");
    }

    #[test]
    fn doc_comments() {
        let comments = vec![
            " bar defines bar".to_string(),
            "baz is something".to_string(),
        ];
        assert_eq!(doc_comment(&comments, "bar"), "defines bar");
        assert_eq!(doc_comment(&comments, "baz"), "is something");
        assert_eq!(doc_comment(&comments, "ba"), "");
        assert_eq!(doc_comment(&comments, ""), "");
    }
}
