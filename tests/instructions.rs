//! The instruction layer against BuildKit's instruction tests (GO_TEST_CASES.md §3, §4.4),
//! plus flags, mounts and expansion. Nodes are built by hand in the parser's shapes.

use std::collections::BTreeMap;
use std::time::Duration;

use rustfront::dockerfile::{Dockerfile, Heredoc, Node, Position, Span, Word};
use rustfront::instructions::*;
use rustfront::lint::Linter;
use rustfront::shell::ShellError;

// ---------------------------------------------------------------------------------------------
// Node builder

fn span(line: usize) -> Span {
    Span {
        start: Position { line, column: 0 },
        end: Position { line, column: 0 },
        file: 0,
    }
}

fn word(text: &str, line: usize) -> Word {
    Word {
        text: text.to_string(),
        span: span(line),
    }
}

struct N(Node);

impl N {
    /// `keyword` as written; args are given separately in the parser's shape.
    fn new(original: &str) -> Self {
        let keyword = original
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_lowercase();
        N(Node {
            keyword,
            keyword_span: span(1),
            flags: Vec::new(),
            args: Vec::new(),
            json: false,
            onbuild: None,
            heredocs: Vec::new(),
            original: original.to_string(),
            comments: Vec::new(),
            span: span(1),
        })
    }

    fn line(mut self, line: usize) -> Self {
        self.0.span = span(line);
        self.0.keyword_span = span(line);
        self
    }

    fn args(mut self, args: &[&str]) -> Self {
        let line = self.0.span.start.line;
        self.0.args = args.iter().map(|a| word(a, line)).collect();
        self
    }

    fn flags(mut self, flags: &[&str]) -> Self {
        let line = self.0.span.start.line;
        self.0.flags = flags.iter().map(|a| word(a, line)).collect();
        self
    }

    fn json(mut self) -> Self {
        self.0.json = true;
        self
    }

    fn heredoc(mut self, name: &str, content: &str, expand: bool, chomp: bool) -> Self {
        self.0.heredocs.push(Heredoc {
            name: name.to_string(),
            content: content.to_string(),
            expand,
            chomp,
            span: self.0.span,
            file_descriptor: 0,
        });
        self
    }

    fn comments(mut self, comments: &[&str]) -> Self {
        self.0.comments = comments.iter().map(|c| c.to_string()).collect();
        self
    }

    fn onbuild(mut self, trigger: N) -> Self {
        self.0.onbuild = Some(Box::new(trigger.0));
        self
    }

    fn parse(self) -> Result<Instruction, InstructionError> {
        parse_instruction(&self.0)
    }

    fn command(self) -> Command {
        match self.parse() {
            Ok(Instruction::Command(c)) => c,
            other => panic!("expected a command, got {other:?}"),
        }
    }

    fn error(self) -> String {
        match self.parse() {
            Err(e) => e.message,
            Ok(other) => panic!("expected an error, got {other:?}"),
        }
    }
}

fn dockerfile(nodes: Vec<N>) -> Dockerfile {
    Dockerfile {
        directives: Vec::new(),
        escape: '\\',
        nodes: nodes.into_iter().map(|n| n.0).collect(),
        warnings: Vec::new(),
    }
}

fn texts(words: &[Word]) -> Vec<&str> {
    words.iter().map(|w| w.text.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------
// §3.1 argument counts

#[test]
fn exactly_one_argument() {
    for name in ["MAINTAINER", "WORKDIR", "USER", "STOPSIGNAL"] {
        assert_eq!(
            N::new(name).error(),
            format!("{name} requires exactly one argument")
        );
    }
    // The name in the message is fixed upper-case whatever the source case.
    assert_eq!(
        N::new("workdir").error(),
        "WORKDIR requires exactly one argument"
    );
}

#[test]
fn at_least_one_argument() {
    for name in [
        "ENV",
        "LABEL",
        "ONBUILD",
        "HEALTHCHECK",
        "EXPOSE",
        "VOLUME",
        "ARG",
    ] {
        assert_eq!(
            N::new(name).error(),
            format!("{name} requires at least one argument")
        );
    }
}

#[test]
fn no_destination() {
    for name in ["ADD", "COPY"] {
        assert_eq!(
            N::new(&format!("{name} arg1")).args(&["arg1"]).error(),
            format!(
                "{name} requires at least two arguments, but only one was provided. Destination could not be determined"
            )
        );
    }
}

#[test]
fn key_value_shapes() {
    for name in ["ENV", "LABEL"] {
        assert_eq!(
            N::new(&format!("{name} arg1 arg2 arg3"))
                .args(&["arg1", "arg2", "arg3", ""])
                .error(),
            format!("Bad input to {name}, too many arguments")
        );
        assert_eq!(
            N::new(&format!("{name} =arg2"))
                .args(&["", "arg2", "="])
                .error(),
            format!("{name} names can not be blank")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// §3.2 single instructions

#[test]
fn healthcheck_shell_form_joins_arguments() {
    let Command::Healthcheck(hc) = N::new("HEALTHCHECK CMD hello world")
        .args(&["CMD", "hello", "world"])
        .command()
    else {
        panic!("not a healthcheck")
    };
    assert_eq!(hc.health.test, ["CMD-SHELL", "hello world"]);
    assert_eq!(hc.health.retries, 0);
    assert_eq!(hc.health.interval, Duration::ZERO);
}

#[test]
fn healthcheck_json_form_and_flags() {
    let Command::Healthcheck(hc) =
        N::new("HEALTHCHECK --interval=1s CMD [\"bin\", \"-c\", \"exit 0\"]")
            .flags(&[
                "--interval=1s",
                "--timeout=10s",
                "--start-period=3s",
                "--start-interval=100ms",
                "--retries=5",
            ])
            .args(&["CMD", "bin", "-c", "exit 0"])
            .json()
            .command()
    else {
        panic!("not a healthcheck")
    };
    assert_eq!(hc.health.test, ["CMD", "bin", "-c", "exit 0"]);
    assert_eq!(
        hc.health.history_string(true),
        r#"&{["CMD" "bin" "-c" "exit 0"] "1s" "10s" "3s" "100ms" '\x05'}"#
    );
}

#[test]
fn healthcheck_intervals() {
    let hc = |interval: &str| {
        N::new("HEALTHCHECK CMD true")
            .flags(&[interval])
            .args(&["CMD", "true"])
            .parse()
    };
    let err = hc("--interval=50ns").unwrap_err().message;
    assert!(err.contains("cannot be less than 1ms"), "{err}");
    assert!(hc("--interval=0ms").is_ok());
    assert!(hc("--interval=1ms").is_ok());
    assert!(hc("--timeout=abc").is_err());
    assert_eq!(
        hc("--retries=-1").unwrap_err().message,
        "--retries cannot be negative (-1)"
    );
}

#[test]
fn healthcheck_errors() {
    assert_eq!(
        N::new("HEALTHCHECK NONE x").args(&["NONE", "x"]).error(),
        "HEALTHCHECK NONE takes no arguments"
    );
    assert_eq!(
        N::new("HEALTHCHECK CMD").args(&["CMD"]).error(),
        "Missing command after HEALTHCHECK CMD"
    );
    assert_eq!(
        N::new("HEALTHCHECK CONNECT x")
            .args(&["CONNECT", "x"])
            .error(),
        "Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)"
    );
    let Command::Healthcheck(hc) = N::new("HEALTHCHECK none").args(&["none"]).command() else {
        panic!("not a healthcheck")
    };
    assert_eq!(hc.health.test, ["NONE"]);
}

#[test]
fn bare_copy() {
    let err = N::new("COPY").error();
    assert!(
        err.contains("COPY requires at least two arguments"),
        "{err}"
    );
}

#[test]
fn onbuild_triggers() {
    assert_eq!(
        N::new("ONBUILD FROM scratch")
            .onbuild(N::new("FROM scratch").args(&["scratch"]))
            .error(),
        "FROM isn't allowed as an ONBUILD trigger"
    );
    assert_eq!(
        N::new("ONBUILD MAINTAINER docker.io")
            .onbuild(N::new("MAINTAINER docker.io").args(&["docker.io"]))
            .error(),
        "MAINTAINER isn't allowed as an ONBUILD trigger"
    );
    assert_eq!(
        N::new("ONBUILD ONBUILD RUN touch foobar")
            .onbuild(N::new("ONBUILD RUN touch foobar").onbuild(N::new("RUN touch foobar")))
            .error(),
        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
    );
}

#[test]
fn onbuild_expression() {
    let Command::Onbuild(ob) = N::new("onbuild  RUN echo hi")
        .onbuild(N::new("RUN echo hi").args(&["echo hi"]))
        .command()
    else {
        panic!("not onbuild")
    };
    assert_eq!(ob.expression, "RUN echo hi");
    assert_eq!(ob.trigger.keyword, "run");

    let Command::Onbuild(ob) = N::new("ONBUILD RUN <<EOF")
        .onbuild(N::new("RUN <<EOF").args(&["<<EOF"]))
        .heredoc("EOF", "echo hi\n", true, false)
        .command()
    else {
        panic!("not onbuild")
    };
    assert_eq!(ob.expression, "RUN <<EOF\necho hi\nEOF");
}

#[test]
fn unknown_flag() {
    assert_eq!(
        N::new("MAINTAINER --boo joe@example.com")
            .flags(&["--boo"])
            .args(&["joe@example.com"])
            .error(),
        "unknown flag: --boo"
    );
    assert_eq!(
        N::new("COPY --form=x a b")
            .flags(&["--form=x"])
            .args(&["a", "b"])
            .error(),
        "unknown flag: --form (did you mean from?)"
    );
}

#[test]
fn unknown_instruction() {
    // BuildKit adds a hint when an instruction name is close (FOO is 1 edit from FROM).
    assert_eq!(
        N::new("FOO bar").args(&[""]).error(),
        "unknown instruction: FOO (did you mean FROM?)"
    );
    assert_eq!(
        N::new("foo bar").args(&[""]).error(),
        "unknown instruction: foo (did you mean from?)"
    );
    assert_eq!(
        N::new("BOGUS bar").args(&[""]).error(),
        "unknown instruction: BOGUS"
    );
    assert_eq!(
        N::new("RUNN x").args(&[""]).error(),
        "unknown instruction: RUNN (did you mean RUN?)"
    );
    let err = N::new("bogus bar").line(7).parse().unwrap_err();
    assert_eq!(err.line(), 7);
    assert_eq!(err.to_string(), "Dockerfile:7: unknown instruction: bogus");
    assert_eq!(
        parse_error_message(&err),
        "dockerfile parse error on line 7: unknown instruction: bogus"
    );
}

#[test]
fn run_flags_used() {
    let Command::Run(run) = N::new("RUN --mount=type=tmpfs,target=/foo/ echo hello")
        .flags(&["--mount=type=tmpfs,target=/foo/"])
        .args(&["echo hello"])
        .command()
    else {
        panic!("not run")
    };
    assert_eq!(run.flags_used, ["mount"]);
    assert_eq!(texts(&run.flags.mount.specs), ["type=tmpfs,target=/foo/"]);
    assert_eq!(run.flags.network, NetworkMode::Default);
    assert_eq!(run.flags.security, SecurityMode::Sandbox);
}

#[test]
fn copy_heredoc_destination() {
    assert_eq!(
        N::new("COPY /foo <<EOF")
            .args(&["/foo", "<<EOF"])
            .heredoc("EOF", "", true, false)
            .error(),
        "COPY cannot accept a heredoc as a destination"
    );
}

/// Shapes the parser gives `X <rest>` for each keyword, approximately.
fn shaped(keyword: &str, rest: &str) -> N {
    let original = format!("{keyword} {rest}");
    let words: Vec<&str> = rest.split_whitespace().collect();
    let args: Vec<String> = match keyword {
        "ENV" | "LABEL" => {
            if words.first().is_some_and(|w| w.contains('=')) {
                words
                    .iter()
                    .flat_map(|w| {
                        let (k, v) = w.split_once('=').unwrap_or((w, ""));
                        [k.to_string(), v.to_string(), "=".to_string()]
                    })
                    .collect()
            } else {
                let (k, v) = rest.split_once(' ').unwrap_or((rest, ""));
                vec![k.to_string(), v.to_string(), String::new()]
            }
        }
        "RUN" | "CMD" | "ENTRYPOINT" | "SHELL" | "MAINTAINER" | "USER" | "WORKDIR"
        | "STOPSIGNAL" => vec![rest.to_string()],
        "HEALTHCHECK" => {
            let (first, tail) = rest.split_once(' ').unwrap_or((rest, ""));
            if tail.is_empty() {
                vec![first.to_string()]
            } else {
                vec![first.to_string(), tail.to_string()]
            }
        }
        _ => words.iter().map(|w| w.to_string()).collect(),
    };
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let node = N::new(&original).args(&arg_refs);
    if keyword == "ONBUILD" {
        node.args(&[])
            .onbuild(shaped(words.first().copied().unwrap_or("RUN"), ""))
    } else {
        node
    }
}

#[test]
fn every_instruction_survives_odd_arguments() {
    for name in INSTRUCTION_NAMES {
        for rest in ["foo=bar", "a", "a b", "a b c", "0 0"] {
            let df = dockerfile(vec![
                N::new("FROM busybox").args(&["busybox"]),
                shaped(name, rest).line(2),
            ]);
            // Errors are fine; what matters is that nothing panics and errors are located.
            if let Err(e) = parse_dockerfile(&df, &mut Linter::default()) {
                assert_eq!(e.line(), 2, "{name} {rest}: {e}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// §3.3 doc comments

#[test]
fn doc_comments() {
    let df = dockerfile(vec![
        N::new("ARG foo=bar")
            .args(&["foo=bar"])
            .comments(&["foo sets foo"]),
        N::new("FROM busybox AS base")
            .args(&["busybox", "AS", "base"])
            .comments(&["base defines first stage"]),
        N::new("ARG foo")
            .args(&["foo"])
            .comments(&["this is irrelevant"]),
        N::new("ARG bar baz=123")
            .args(&["bar", "baz=123"])
            .comments(&["bar defines bar", "baz is something else"]),
    ]);
    let (stages, meta) = parse_dockerfile(&df, &mut Linter::default()).unwrap();
    assert_eq!(meta.len(), 1);
    assert_eq!(meta[0].args[0].key.text, "foo");
    assert_eq!(meta[0].args[0].value.as_ref().unwrap().text, "bar");
    assert_eq!(meta[0].args[0].comment, "sets foo");
    assert_eq!(stages.len(), 1);
    assert_eq!(stages[0].name.as_deref(), Some("base"));
    assert_eq!(stages[0].comment, "defines first stage");
    let args: Vec<&ArgDef> = stages[0]
        .commands
        .iter()
        .flat_map(|c| match c {
            Command::Arg(a) => a.args.iter().collect::<Vec<_>>(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(args.len(), 3);
    assert_eq!(
        (args[0].key.text.as_str(), args[0].comment.as_str()),
        ("foo", "")
    );
    assert!(args[0].value.is_none());
    assert_eq!(
        (args[1].key.text.as_str(), args[1].comment.as_str()),
        ("bar", "defines bar")
    );
    assert_eq!(
        (args[2].key.text.as_str(), args[2].comment.as_str()),
        ("baz", "is something else")
    );
    assert_eq!(args[2].value.as_ref().unwrap().text, "123");
}

// ---------------------------------------------------------------------------------------------
// §3.4 COPY heredoc sources

fn copy(node: N) -> CopyCommand {
    match node.command() {
        Command::Copy(c) => c,
        other => panic!("not a copy: {other:?}"),
    }
}

fn contents(sd: &SourcesAndDest) -> Vec<(&str, &str, bool)> {
    sd.source_contents
        .iter()
        .map(|c| (c.path.as_str(), c.data.as_str(), c.expand))
        .collect()
}

#[test]
fn copy_heredoc_sources() {
    let c = copy(N::new("COPY /foo /bar").args(&["/foo", "/bar"]));
    assert_eq!(c.sources.dest.text, "/bar");
    assert_eq!(texts(&c.sources.source_paths), ["/foo"]);
    assert!(c.sources.source_contents.is_empty());

    let c = copy(
        N::new("COPY <<EOF /bar")
            .args(&["<<EOF", "/bar"])
            .heredoc("EOF", "", true, false),
    );
    assert_eq!(c.sources.dest.text, "/bar");
    assert!(c.sources.source_paths.is_empty());
    assert_eq!(contents(&c.sources), [("EOF", "", true)]);

    let c = copy(N::new("COPY <<EOF /bar").args(&["<<EOF", "/bar"]).heredoc(
        "EOF",
        "TESTING\n",
        true,
        false,
    ));
    assert_eq!(contents(&c.sources), [("EOF", "TESTING\n", true)]);

    let c = copy(
        N::new("COPY <<-EOF /bar")
            .args(&["<<-EOF", "/bar"])
            .heredoc("EOF", "\tTESTING\n", true, true),
    );
    assert_eq!(contents(&c.sources), [("EOF", "TESTING\n", true)]);

    let c = copy(
        N::new("COPY <<'EOF' /bar")
            .args(&["<<'EOF'", "/bar"])
            .heredoc("EOF", "TESTING\n", false, false),
    );
    assert_eq!(contents(&c.sources), [("EOF", "TESTING\n", false)]);

    let c = copy(
        N::new("COPY <<EOF1 <<EOF2 /bar")
            .args(&["<<EOF1", "<<EOF2", "/bar"])
            .heredoc("EOF1", "this is the first file\n", true, false)
            .heredoc("EOF2", "this is the second file\n", true, false),
    );
    assert_eq!(
        contents(&c.sources),
        [
            ("EOF1", "this is the first file\n", true),
            ("EOF2", "this is the second file\n", true)
        ]
    );

    let c = copy(
        N::new("COPY <<EOF foo.txt /bar")
            .args(&["<<EOF", "foo.txt", "/bar"])
            .heredoc("EOF", "this is inline\n", true, false),
    );
    assert_eq!(texts(&c.sources.source_paths), ["foo.txt"]);
    assert_eq!(contents(&c.sources), [("EOF", "this is inline\n", true)]);

    let c = copy(
        N::new("COPY <<EOF /quotes")
            .args(&["<<EOF", "/quotes"])
            .heredoc("EOF", "\"quotes\"\n", true, false),
    );
    assert_eq!(c.sources.dest.text, "/quotes");
    assert_eq!(contents(&c.sources), [("EOF", "\"quotes\"\n", true)]);
}

// ---------------------------------------------------------------------------------------------
// §3.5 RUN heredocs

fn run(node: N) -> RunCommand {
    match node.command() {
        Command::Run(c) => c,
        other => panic!("not a run: {other:?}"),
    }
}

fn files(r: &RunCommand) -> Vec<(&str, &str, bool)> {
    r.cmd
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.data.as_str(), f.chomp))
        .collect()
}

#[test]
fn run_heredocs() {
    let r = run(N::new("RUN [\"ls\", \"/\"]").args(&["ls", "/"]).json());
    assert!(!r.cmd.prepend_shell);
    assert_eq!(r.cmd.args(), ["ls", "/"]);
    assert!(r.cmd.files.is_empty());

    let r = run(N::new("RUN [\"<<EOF\"]").args(&["<<EOF"]).json());
    assert!(!r.cmd.prepend_shell);
    assert_eq!(r.cmd.args(), ["<<EOF"]);
    assert!(r.cmd.files.is_empty());

    let r = run(N::new("RUN ls /").args(&["ls /"]));
    assert!(r.cmd.prepend_shell);
    assert_eq!(r.cmd.args(), ["ls /"]);

    let r = run(N::new("RUN <<EOF")
        .args(&["<<EOF"])
        .heredoc("EOF", "ls /\nwhoami\n", true, false));
    assert!(r.cmd.prepend_shell);
    assert_eq!(r.cmd.args(), ["<<EOF"]);
    assert_eq!(files(&r), [("EOF", "ls /\nwhoami\n", false)]);

    let r = run(N::new("RUN <<'EOF' | python")
        .args(&["<<'EOF' | python"])
        .heredoc("EOF", "print(\"hello\")\nprint(\"world\")\n", false, false));
    assert_eq!(r.cmd.args(), ["<<'EOF' | python"]);
    assert_eq!(
        files(&r),
        [("EOF", "print(\"hello\")\nprint(\"world\")\n", false)]
    );

    let r = run(N::new("RUN <<-EOF")
        .args(&["<<-EOF"])
        .heredoc("EOF", "\techo test\n", true, true));
    assert_eq!(r.cmd.args(), ["<<-EOF"]);
    assert_eq!(files(&r), [("EOF", "\techo test\n", true)]);
}

// ---------------------------------------------------------------------------------------------
// §3.6 JSON attribute handling

fn cmd(node: N) -> ShellDependentCmdLine {
    match node.command() {
        Command::Cmd(c) => c.cmd,
        other => panic!("not a cmd: {other:?}"),
    }
}

#[test]
fn json_argument_handling() {
    let c = cmd(N::new("CMD []").json());
    assert!(c.cmd_line.is_empty());
    assert!(!c.prepend_shell);
    let c = cmd(N::new("CMD").args(&[]));
    assert!(c.cmd_line.is_empty());
    assert!(c.prepend_shell);
    assert_eq!(
        cmd(N::new("CMD [\"foo\"]").args(&["foo"]).json()).args(),
        ["foo"]
    );
    assert_eq!(
        cmd(N::new("CMD [\"foo\", \"bar\"]")
            .args(&["foo", "bar"])
            .json())
        .args(),
        ["foo", "bar"]
    );
    assert_eq!(
        cmd(N::new("CMD foo bar").args(&["foo", "bar"])).args(),
        ["foo bar"]
    );
}

// ---------------------------------------------------------------------------------------------
// §3.7 RUN --device

#[test]
fn device_values() {
    let cases = [
        ("vendor1.com/device=foo", "vendor1.com/device=foo", false),
        ("vendor1.com/device", "vendor1.com/device", false),
        (
            "vendor1.com/device=foo,required",
            "vendor1.com/device=foo",
            true,
        ),
        (
            "vendor1.com/device=foo,required=true",
            "vendor1.com/device=foo",
            true,
        ),
        (
            "vendor1.com/device=foo,required=false",
            "vendor1.com/device=foo",
            false,
        ),
        (
            "name=vendor1.com/device=foo",
            "vendor1.com/device=foo",
            false,
        ),
        (
            "name=vendor1.com/device=foo,required",
            "vendor1.com/device=foo",
            true,
        ),
    ];
    for (value, name, required) in cases {
        let d = parse_device(value).unwrap_or_else(|e| panic!("{value}: {e}"));
        assert_eq!((d.name.as_str(), d.required), (name, required), "{value}");
    }
    assert_eq!(
        parse_device("vendor1.com/device=foo,name=vendor2.com/device=bar")
            .unwrap_err()
            .0,
        "device name already set to vendor1.com/device=foo"
    );
    assert!(parse_device("a,required=maybe").is_err());
    assert!(parse_device("a,b").is_err());

    let r = run(N::new("RUN --device=vendor1.com/device=foo,required true")
        .flags(&["--device=vendor1.com/device=foo,required"])
        .args(&["true"]));
    assert_eq!(
        r.flags.device.0,
        [Device {
            name: "vendor1.com/device=foo".into(),
            required: true
        }]
    );
    assert_eq!(r.flags_used, ["device"]);
}

// ---------------------------------------------------------------------------------------------
// §3.8 flag parser

fn flag_words(args: &[&str]) -> Vec<Word> {
    args.iter().map(|a| word(a, 1)).collect()
}

const STR_BOOL: [FlagSpec; 2] = [
    FlagSpec::string_default("str1", "HI"),
    FlagSpec::bool("bool1"),
];

#[test]
fn flags_empty_and_defaults() {
    let f = parse_flags(&[], &STR_BOOL).unwrap();
    assert!(!f.is_used("str1"));
    assert!(!f.is_used("bool1"));
    assert_eq!(f.string_or_default("str1"), "HI");
    assert!(f.string("str1").is_none());
    assert!(!f.bool("bool1"));
    assert!(f.used().is_empty());
    let f = parse_flags(&flag_words(&["--"]), &STR_BOOL).unwrap();
    assert!(f.used().is_empty());
}

#[test]
fn flags_strings() {
    let err = |args: &[&str]| parse_flags(&flag_words(args), &STR_BOOL).unwrap_err().0;
    assert_eq!(err(&["--str1"]), "missing a value on flag: --str1");
    let f = parse_flags(&flag_words(&["--str1="]), &STR_BOOL).unwrap();
    assert_eq!(f.string("str1").unwrap().text, "");
    assert_eq!(f.string_or_default("str1"), "");
    let f = parse_flags(&flag_words(&["--str1=BYE"]), &STR_BOOL).unwrap();
    assert_eq!(f.string_or_default("str1"), "BYE");
    assert_eq!(
        err(&["--str1=a", "--str1=b"]),
        "duplicate flag specified: --str1"
    );
    assert_eq!(err(&["str1=a"]), "arg should start with -- : str1=a");
}

#[test]
fn flags_bools() {
    let ok = |args: &[&str]| parse_flags(&flag_words(args), &STR_BOOL).unwrap();
    assert!(ok(&["--bool1"]).bool("bool1"));
    assert!(ok(&["--bool1=true"]).bool("bool1"));
    assert!(ok(&["--bool1=TRUE"]).bool("bool1"));
    let f = ok(&["--bool1=false"]);
    assert!(!f.bool("bool1"));
    assert!(f.is_used("bool1"));
    let err = |args: &[&str]| parse_flags(&flag_words(args), &STR_BOOL).unwrap_err().0;
    assert_eq!(
        err(&["--bool1=false1"]),
        "expecting boolean value for flag --bool1, not: false1"
    );
    assert_eq!(err(&["--bool1="]), "missing a value on flag: --bool1");
    assert_eq!(
        err(&["--bool2"]),
        "unknown flag: --bool2 (did you mean bool1?)"
    );
    let f = ok(&["--bool1", "--str1=BYE"]);
    assert!(f.bool("bool1"));
    assert_eq!(f.string_or_default("str1"), "BYE");
}

#[test]
fn flags_used_set() {
    let specs = [
        FlagSpec::bool("bool1"),
        FlagSpec::bool("bool2"),
        FlagSpec::bool("bool3"),
        FlagSpec::bool_default("bool4", true),
        FlagSpec::bool_default("bool5", true),
        FlagSpec::string("str1"),
        FlagSpec::string("str2"),
        FlagSpec::string_default("str3", "def3"),
        FlagSpec::string_default("str4", "def4"),
    ];
    let f = parse_flags(
        &flag_words(&[
            "--bool2=false",
            "--bool3",
            "--bool4=true",
            "--bool5",
            "--str2= ",
            "--str3=def3",
            "--str4=my-val",
        ]),
        &specs,
    )
    .unwrap();
    let mut used = f.used().to_vec();
    used.sort_unstable();
    assert_eq!(
        used,
        ["bool2", "bool3", "bool4", "bool5", "str2", "str3", "str4"]
    );
    assert!(!f.bool("bool2"));
    assert!(f.bool("bool4"));
    assert_eq!(f.string_or_default("str2"), " ");
    assert_eq!(f.string_or_default("str1"), "");
}

#[test]
fn flags_repeated_and_spans() {
    let specs = [FlagSpec::strings("exclude")];
    let words = vec![word("--exclude=a", 3), word("--exclude=b", 4)];
    let f = parse_flags(&words, &specs).unwrap();
    assert_eq!(texts(f.strings("exclude")), ["a", "b"]);
    assert_eq!(f.strings("exclude")[1].span, span(4));
    assert_eq!(
        parse_flags(&flag_words(&["--exclude"]), &specs)
            .unwrap_err()
            .0,
        "missing a value on flag: --exclude"
    );
    let dup = [FlagSpec::bool("x"), FlagSpec::string("x")];
    assert!(parse_flags(&[], &dup).is_err());
}

// ---------------------------------------------------------------------------------------------
// COPY / ADD flags

#[test]
fn copy_flags() {
    let c = copy(
        N::new("COPY ...")
            .flags(&[
                "--from=build",
                "--chown=1:2",
                "--chmod=755",
                "--link",
                "--parents",
                "--exclude=*.go",
                "--exclude=tmp/",
            ])
            .args(&["a", "b", "/dst/"]),
    );
    assert_eq!(c.flags.from.0.unwrap().text, "build");
    assert_eq!(c.flags.chown.0.unwrap().text, "1:2");
    assert_eq!(c.flags.chmod.0.unwrap().text, "755");
    assert!(c.flags.link.0 && c.flags.parents.0);
    assert_eq!(texts(&c.flags.exclude.0), ["*.go", "tmp/"]);
    assert_eq!(texts(&c.sources.source_paths), ["a", "b"]);
    assert_eq!(c.sources.dest.text, "/dst/");

    let c = copy(N::new("COPY a b").args(&["a", "b"]));
    assert_eq!(c.flags, Default::default());

    assert!(
        N::new("COPY --checksum=x a b")
            .flags(&["--checksum=x"])
            .args(&["a", "b"])
            .parse()
            .is_err()
    );
}

#[test]
fn add_flags() {
    let Command::Add(a) = N::new("ADD ...")
        .flags(&[
            "--chown=app",
            "--chmod=644",
            "--link=false",
            "--keep-git-dir",
            "--checksum=sha256:abc",
            "--unpack=false",
            "--exclude=*.md",
        ])
        .args(&["https://example.com/a.tar", "/"])
        .command()
    else {
        panic!("not add")
    };
    assert_eq!(a.flags.chown.0.unwrap().text, "app");
    assert_eq!(a.flags.chmod.0.unwrap().text, "644");
    assert!(!a.flags.link.0);
    assert_eq!(a.flags.keep_git_dir.0, Some(true));
    assert_eq!(a.flags.checksum.0.unwrap().text, "sha256:abc");
    assert_eq!(a.flags.unpack.0, Some(false));
    assert_eq!(texts(&a.flags.exclude.0), ["*.md"]);

    let Command::Add(a) = N::new("ADD a b").args(&["a", "b"]).command() else {
        panic!("not add")
    };
    assert_eq!(a.flags.unpack.0, None);

    assert!(
        N::new("ADD --from=x a b")
            .flags(&["--from=x"])
            .args(&["a", "b"])
            .parse()
            .is_err()
    );
}

// ---------------------------------------------------------------------------------------------
// Other instructions

#[test]
fn from_stages() {
    let Ok(Instruction::Stage(s)) = N::new("FROM --platform=$BUILDPLATFORM golang:1.22 AS Build")
        .flags(&["--platform=$BUILDPLATFORM"])
        .args(&["golang:1.22", "AS", "Build"])
        .parse()
    else {
        panic!("not a stage")
    };
    assert_eq!(s.name.as_deref(), Some("build"));
    assert_eq!(s.name_word.unwrap().text, "Build");
    assert_eq!(s.base_name.text, "golang:1.22");
    assert_eq!(s.platform.unwrap().text, "$BUILDPLATFORM");
    assert_eq!(
        s.source.code,
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS Build"
    );

    let Ok(Instruction::Stage(s)) = N::new("FROM scratch").args(&["scratch"]).parse() else {
        panic!("not a stage")
    };
    assert!(s.name.is_none() && s.platform.is_none());

    assert_eq!(
        N::new("FROM a b").args(&["a", "b"]).error(),
        "FROM requires either one or three arguments"
    );
    assert_eq!(
        N::new("FROM a to b").args(&["a", "to", "b"]).error(),
        "FROM requires either one or three arguments"
    );
    assert_eq!(
        N::new("FROM").error(),
        "FROM requires either one or three arguments"
    );
    assert_eq!(
        N::new("FROM a AS 1st").args(&["a", "AS", "1st"]).error(),
        "invalid name for build stage: \"1st\", name can't start with a number or contain symbols"
    );
    assert_eq!(
        N::new("FROM --foo=x a")
            .flags(&["--foo=x"])
            .args(&["a"])
            .error(),
        "unknown flag: --foo"
    );
}

#[test]
fn env_and_label() {
    let Command::Env(env) = N::new("ENV a=1 b=\"x y\"")
        .args(&["a", "1", "=", "b", "\"x y\"", "="])
        .command()
    else {
        panic!("not env")
    };
    let pairs: Vec<_> = env
        .env
        .iter()
        .map(|kv| (kv.key.text.as_str(), kv.value.text.as_str(), kv.no_delim))
        .collect();
    assert_eq!(pairs, [("a", "1", false), ("b", "\"x y\"", false)]);

    let Command::Label(label) = N::new("LABEL foo bar").args(&["foo", "bar", ""]).command() else {
        panic!("not label")
    };
    assert!(label.labels[0].no_delim);
    assert_eq!(label.labels[0].value.text, "bar");
}

#[test]
fn arg_errors_and_values() {
    assert_eq!(
        N::new("ARG =x").args(&["=x"]).error(),
        "ARG names can not be blank"
    );
    let Command::Arg(arg) = N::new("ARG a= b=c=d e")
        .args(&["a=", "b=c=d", "e"])
        .command()
    else {
        panic!("not arg")
    };
    let defs: Vec<_> = arg
        .args
        .iter()
        .map(|d| {
            (
                d.key.text.as_str(),
                d.value.as_ref().map(|v| v.text.as_str()),
            )
        })
        .collect();
    assert_eq!(defs, [("a", Some("")), ("b", Some("c=d")), ("e", None)]);
}

#[test]
fn shell_instruction() {
    let Command::Shell(sh) = N::new("SHELL [\"bash\", \"-c\"]")
        .args(&["bash", "-c"])
        .json()
        .command()
    else {
        panic!("not shell")
    };
    assert_eq!(texts(&sh.shell), ["bash", "-c"]);
    assert_eq!(
        N::new("SHELL bash -c").args(&["bash -c"]).error(),
        "SHELL requires the arguments to be in JSON form"
    );
    assert_eq!(
        N::new("SHELL []").json().error(),
        "SHELL requires at least one argument"
    );
}

#[test]
fn simple_instructions() {
    let Command::Expose(e) = N::new("EXPOSE 8080 443/tcp 80")
        .args(&["8080", "443/tcp", "80"])
        .command()
    else {
        panic!("not expose")
    };
    assert_eq!(texts(&e.ports), ["443/tcp", "80", "8080"]);

    let Command::Volume(v) = N::new("VOLUME [\" /a \", \"/b\"]")
        .args(&[" /a ", "/b"])
        .json()
        .command()
    else {
        panic!("not volume")
    };
    assert_eq!(texts(&v.volumes), ["/a", "/b"]);
    assert_eq!(
        N::new("VOLUME [\" \"]").args(&[" "]).json().error(),
        "VOLUME specified can not be an empty string"
    );

    let Command::Entrypoint(ep) = N::new("ENTRYPOINT []").json().command() else {
        panic!("not entrypoint")
    };
    assert!(ep.cmd.cmd_line.is_empty() && !ep.cmd.prepend_shell);

    let Command::StopSignal(s) = N::new("STOPSIGNAL SIGKILL").args(&["SIGKILL"]).command() else {
        panic!("not stopsignal")
    };
    assert_eq!(s.signal.text, "SIGKILL");
    assert_eq!(
        N::new("USER --x=1 me")
            .flags(&["--x=1"])
            .args(&["me"])
            .error(),
        "unknown flag: --x"
    );
    let c = N::new("  WORKDIR /app  ").args(&["/app"]).command();
    assert_eq!(c.name(), "workdir");
    assert_eq!(c.code(), "WORKDIR /app");
}

/// Upstream refuses a variable in a mount's `from`; rustfront keeps it as written for the plan,
/// which expands it with the global ARGs (`convert::stage_ref`).
#[test]
fn mount_from_with_a_variable_is_kept_for_the_plan() {
    let r = run(N::new("RUN --mount=from=$X,target=/x true")
        .flags(&["--mount=from=$X,target=/x"])
        .args(&["true"]));
    assert_eq!(r.flags.stage_refs(), ["$X"]);
}

#[test]
fn run_network_and_security() {
    let r = run(N::new("RUN --network=none --security=insecure true")
        .flags(&["--network=none", "--security=insecure"])
        .args(&["true"]));
    assert_eq!(r.flags.network, NetworkMode::None);
    assert_eq!(r.flags.security, SecurityMode::Insecure);
    assert_eq!(r.flags_used, ["network", "security"]);
    assert_eq!(
        N::new("RUN --network=bridge true")
            .flags(&["--network=bridge"])
            .args(&["true"])
            .error(),
        "invalid network mode \"bridge\""
    );
    assert_eq!(
        N::new("RUN --security=x true")
            .flags(&["--security=x"])
            .args(&["true"])
            .error(),
        "security \"x\" is not valid"
    );
}

// ---------------------------------------------------------------------------------------------
// Stages and errors of parse_dockerfile

#[test]
fn stages_and_meta_args() {
    let df = dockerfile(vec![
        N::new("ARG BASE=alpine").args(&["BASE=alpine"]),
        N::new("FROM $BASE AS one")
            .args(&["$BASE", "AS", "one"])
            .line(2),
        N::new("RUN echo hi").args(&["echo hi"]).line(3),
        N::new("ARG X").args(&["X"]).line(4),
        N::new("FROM one").args(&["one"]).line(5),
        N::new("COPY --from=one /a /b")
            .flags(&["--from=one"])
            .args(&["/a", "/b"])
            .line(6),
    ]);
    let (stages, meta) = parse_dockerfile(&df, &mut Linter::default()).unwrap();
    assert_eq!(meta.len(), 1);
    assert_eq!(stages.len(), 2);
    assert_eq!(stages[0].commands.len(), 2);
    assert_eq!(stages[0].commands[0].code(), "RUN echo hi");
    assert_eq!(stages[0].commands[0].source().line(), 3);
    assert_eq!(stages[0].commands[1].name(), "arg");
    assert_eq!(stages[1].base_name.text, "one");
    assert_eq!(stages[1].commands.len(), 1);
}

#[test]
fn instruction_before_from() {
    let df = dockerfile(vec![
        N::new("ARG X").args(&["X"]),
        N::new("RUN true").args(&["true"]).line(2),
    ]);
    let err = parse_dockerfile(&df, &mut Linter::default()).unwrap_err();
    assert_eq!(err.message, "no build stage in current context");
    assert_eq!(err.line(), 2);
    assert_eq!(
        err.to_string(),
        "Dockerfile:2: no build stage in current context"
    );
}

#[test]
fn first_error_wins_with_its_line() {
    let df = dockerfile(vec![
        N::new("FROM a").args(&["a"]),
        N::new("WORKDIR").line(12),
        N::new("BOGUS x").args(&[""]).line(13),
    ]);
    let err = parse_dockerfile(&df, &mut Linter::default()).unwrap_err();
    assert_eq!(err.line(), 12);
    assert_eq!(
        err.to_string(),
        "Dockerfile:12: WORKDIR requires exactly one argument"
    );
}

// ---------------------------------------------------------------------------------------------
// Mounts

fn mount(value: &str) -> Result<Mount, String> {
    let mut identity = |s: &str| -> Result<String, ShellError> { Ok(s.to_string()) };
    parse_mount(value, Some(&mut identity)).map_err(|e| e.0)
}

#[test]
fn mount_defaults() {
    let m = mount("target=/src").unwrap();
    assert_eq!(m.kind, MountType::Bind);
    assert!(m.read_only, "bind mounts are read-only by default");
    assert_eq!(m.target.as_deref(), Some("/src"));

    let m = mount("type=cache,target=/root/.cache").unwrap();
    assert_eq!(m.kind, MountType::Cache);
    assert!(!m.read_only);
    let m = mount("type=tmpfs,dst=/t,size=64m").unwrap();
    assert!(!m.read_only);
    assert_eq!(m.size_limit, Some(64 << 20));
    let m = mount("type=secret,id=tok").unwrap();
    assert!(m.read_only);
    assert_eq!(m.id.as_deref(), Some("tok"));
}

#[test]
fn mount_all_keys() {
    let m = mount(
        "type=Cache,id=go,target=/go,source=/sub,from=builder,sharing=LOCKED,mode=0750,uid=1000,gid=1001,rw",
    )
    .unwrap();
    assert_eq!(m.kind, MountType::Cache);
    assert_eq!(m.id.as_deref(), Some("go"));
    assert_eq!(m.target.as_deref(), Some("/go"));
    assert_eq!(m.source.as_deref(), Some("/sub"));
    assert_eq!(m.from.as_deref(), Some("builder"));
    assert_eq!(m.sharing, Some(ShareMode::Locked));
    assert_eq!(m.mode, Some(0o750));
    assert_eq!((m.uid, m.gid), (Some(1000), Some(1001)));
    assert!(!m.read_only);

    for (value, read_only) in [
        ("dst=/a,ro", true),
        ("destination=/a,readonly=false", false),
        ("target=/a,rw=true", false),
        ("target=/a,readwrite=0", true),
        ("type=cache,target=/a,ro=true", true),
    ] {
        assert_eq!(mount(value).unwrap().read_only, read_only, "{value}");
    }

    let m = mount("type=secret,id=aws,env=AWS_KEY,required").unwrap();
    assert_eq!(m.env.as_deref(), Some("AWS_KEY"));
    assert!(m.required);
    let m = mount("type=ssh,required=false").unwrap();
    assert_eq!(m.kind, MountType::Ssh);
    assert!(!m.required);
    let m = mount("type=secret,src=/run/s,dst=/x").unwrap();
    assert_eq!(m.source.as_deref(), Some("/run/s"));
    // CSV quoting keeps a comma inside a value.
    let m = mount("\"target=/a,b\",type=bind").unwrap();
    assert_eq!(m.target.as_deref(), Some("/a,b"));
}

#[test]
fn mount_errors() {
    let cases = [
        (
            "type=bnd",
            "unsupported mount type \"bnd\" (did you mean bind?)",
        ),
        ("type=volume", "unsupported mount type \"volume\""),
        (
            "tagret=/x",
            "unexpected key 'tagret' in 'tagret=/x' (did you mean target?)",
        ),
        ("target", "invalid field 'target' must be a key=value pair"),
        (
            "required,type=secret,id=a",
            "unexpected key 'required' for mount type 'bind'",
        ),
        (
            "type=cache,size=1g",
            "unexpected key 'size' for mount type 'cache'",
        ),
        ("type=tmpfs,size=lots", "invalid value for size: lots"),
        ("ro=maybe", "invalid value for ro: maybe"),
        ("type=cache,sharing=no", "unsupported sharing value \"no\""),
        ("type=cache,mode=999", "invalid value 999 for mode"),
        ("type=cache,uid=-1", "invalid value -1 for uid"),
        ("type=cache,gid=x", "invalid value x for gid"),
        ("mode=0755", "mode not allowed for \"bind\" type mounts"),
        (
            "type=tmpfs,uid=1",
            "uid not allowed for \"tmpfs\" type mounts",
        ),
        (
            "type=secret,id=a,from=x",
            "secret mount should not have a from",
        ),
        (
            "type=secret,id=a,sharing=shared",
            "secret mount should not define sharing",
        ),
        (
            "type=secret",
            "invalid secret mount. one of source, target required",
        ),
        ("type=secret,src=a,id=b", "both source and id can't be set"),
        (
            "type=bind,sharing=shared",
            "invalid cache sharing set for bind mount",
        ),
        (
            "a\"b",
            "failed to parse csv mounts: bare \" in non-quoted-field",
        ),
    ];
    for (value, message) in cases {
        assert_eq!(mount(value).unwrap_err(), message, "{value}");
    }
}

#[test]
fn mount_parse_time_keeps_only_from() {
    let m = parse_mount("type=cache,from=build,target=$DIR", None).unwrap();
    assert_eq!(m.from.as_deref(), Some("build"));
    assert_eq!(m.kind, MountType::Bind, "other keys wait for expansion");
    assert!(m.target.is_none());
    assert!(parse_mount("type=nonsense,target", None).is_ok());
    assert!(parse_mount("from=stage$", None).is_ok());
    // a variable is kept for the plan (rustfront dialect; upstream refuses it)
    let m = parse_mount("from=${STAGE}", None).unwrap();
    assert_eq!(m.from.as_deref(), Some("${STAGE}"));
}

// ---------------------------------------------------------------------------------------------
// Expansion

fn env_expander(vars: &[(&str, &str)]) -> impl FnMut(&str) -> Result<String, ShellError> {
    let vars: BTreeMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |word: &str| {
        if word.contains("${BAD}") {
            return Err(ShellError("BAD: is not allowed to be unset".into()));
        }
        let mut out = word.to_string();
        for (k, v) in &vars {
            out = out.replace(&format!("${k}"), v);
        }
        Ok(out)
    }
}

#[test]
fn expand_copy_and_add() {
    let mut c = N::new("COPY ...")
        .flags(&[
            "--from=$STAGE",
            "--chown=$USER",
            "--chmod=$MODE",
            "--exclude=$EXT",
        ])
        .args(&["$SRC", "<<EOF", "$DST"])
        .heredoc("EOF", "hello $USER\n", true, false)
        .command();
    let mut expand = env_expander(&[
        ("STAGE", "build"),
        ("USER", "app"),
        ("MODE", "644"),
        ("EXT", "*.go"),
        ("SRC", "a.txt"),
        ("DST", "/dst/"),
    ]);
    c.expand(&mut expand).unwrap();
    let Command::Copy(mut c) = c else {
        panic!("not copy")
    };
    assert_eq!(
        c.flags.from.0.as_ref().unwrap().text,
        "$STAGE",
        "--from is not expanded"
    );
    assert_eq!(c.flags.chown.0.as_ref().unwrap().text, "app");
    assert_eq!(c.flags.chmod.0.as_ref().unwrap().text, "644");
    assert_eq!(
        texts(&c.flags.exclude.0),
        ["$EXT"],
        "--exclude is not expanded (upstream's Expand leaves it)"
    );
    assert_eq!(texts(&c.sources.source_paths), ["a.txt"]);
    assert_eq!(c.sources.dest.text, "/dst/");
    assert_eq!(c.sources.source_contents[0].data, "hello $USER\n");
    c.sources.expand_contents(&mut expand).unwrap();
    assert_eq!(c.sources.source_contents[0].data, "hello app\n");

    let mut a = N::new("ADD ...")
        .flags(&["--checksum=$SUM", "--chown=$USER"])
        .args(&["$SRC", "$DST"])
        .command();
    a.expand(&mut env_expander(&[
        ("SUM", "sha256:1"),
        ("USER", "u"),
        ("SRC", "s"),
        ("DST", "d"),
    ]))
    .unwrap();
    let Command::Add(a) = a else {
        panic!("not add")
    };
    assert_eq!(a.flags.checksum.0.unwrap().text, "sha256:1");
    assert_eq!(a.flags.chown.0.unwrap().text, "u");
    assert_eq!(texts(&a.sources.source_paths), ["s"]);
    assert_eq!(a.sources.dest.text, "d");
}

#[test]
fn expand_simple_commands() {
    let mut expand = env_expander(&[("A", "1"), ("DIR", "/app"), ("WHO", "me")]);
    let cases = [
        N::new("ENV ...").args(&["K$A", "v$A", "="]),
        N::new("LABEL ...").args(&["K$A", "v$A", "="]),
        N::new("ARG ...").args(&["K$A=v$A"]),
        N::new("WORKDIR $DIR").args(&["$DIR"]),
        N::new("USER $WHO").args(&["$WHO"]),
        N::new("STOPSIGNAL SIG$A").args(&["SIG$A"]),
        N::new("VOLUME $DIR").args(&["$DIR"]),
        N::new("CMD echo $A").args(&["echo $A"]),
    ];
    let mut results = Vec::new();
    for node in cases {
        let mut c = node.command();
        c.expand(&mut expand).unwrap();
        results.push(match c {
            Command::Env(e) => format!("{}={}", e.env[0].key.text, e.env[0].value.text),
            Command::Label(l) => format!("{}={}", l.labels[0].key.text, l.labels[0].value.text),
            Command::Arg(a) => format!(
                "{}={}",
                a.args[0].key.text,
                a.args[0].value.as_ref().unwrap().text
            ),
            Command::Workdir(w) => w.path.text,
            Command::User(u) => u.user.text,
            Command::StopSignal(s) => s.signal.text,
            Command::Volume(v) => v.volumes[0].text.clone(),
            Command::Cmd(c) => c.cmd.cmd_line[0].text.clone(),
            other => panic!("unexpected {other:?}"),
        });
    }
    assert_eq!(
        results,
        [
            "K1=v1", "K1=v1", "K1=v1", "/app", "me", "SIG1", "/app", "echo $A"
        ]
    );
}

#[test]
fn expand_run_mounts() {
    let mut c = N::new("RUN ...")
        .flags(&[
            "--mount=type=$T,target=$DIR,id=$ID",
            "--mount=type=secret,id=tok",
        ])
        .args(&["make"])
        .command();
    c.expand(&mut env_expander(&[
        ("T", "cache"),
        ("DIR", "/root/.cache"),
        ("ID", "x"),
    ]))
    .unwrap();
    let Command::Run(r) = c else {
        panic!("not run")
    };
    assert_eq!(r.flags.mount.mounts.len(), 2);
    assert_eq!(r.flags.mount.mounts[0].kind, MountType::Cache);
    assert_eq!(
        r.flags.mount.mounts[0].target.as_deref(),
        Some("/root/.cache")
    );
    assert_eq!(r.flags.mount.mounts[0].id.as_deref(), Some("x"));
    assert_eq!(r.flags.mount.mounts[1].kind, MountType::Secret);

    let mut bad = N::new("RUN ...")
        .line(9)
        .flags(&["--mount=type=$T"])
        .args(&["make"])
        .command();
    let err = bad
        .expand(&mut env_expander(&[("T", "bogus")]))
        .unwrap_err();
    assert_eq!(err.line(), 9);
    assert_eq!(err.message, "unsupported mount type \"bogus\"");
}

#[test]
fn expand_errors_are_located() {
    let mut c = N::new("WORKDIR ${BAD}").line(4).args(&["${BAD}"]).command();
    let err = c.expand(&mut env_expander(&[])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Dockerfile:4: BAD: is not allowed to be unset"
    );
}

#[test]
fn expand_stage_base() {
    let Ok(Instruction::Stage(mut s)) = N::new("FROM --platform=$P $BASE")
        .flags(&["--platform=$P"])
        .args(&["$BASE"])
        .parse()
    else {
        panic!("not a stage")
    };
    s.expand_from(&mut env_expander(&[
        ("P", "linux/arm64"),
        ("BASE", "alpine"),
    ]))
    .unwrap();
    assert_eq!(s.base_name.text, "alpine");
    assert_eq!(s.platform.unwrap().text, "linux/arm64");
}

// ---------------------------------------------------------------------------------------------
// §4.4 EXPOSE port specs

#[test]
fn port_spec_errors() {
    for spec in ["", "0.0.0.0:1234-1235:/tcp", "0.0.0.0:1234-1235:"] {
        assert_eq!(
            parse_port_specs(&[spec]).unwrap_err().0,
            format!("invalid port: {spec:?}: no port specified")
        );
    }
    assert!(parse_port_specs(&["localhost:1234:1234/tcp"]).is_err());
    assert!(parse_port_specs(&["localhost:1234-1236:1234-1236/tcp"]).is_err());
    assert!(parse_port_specs(&["80/icmp"]).is_err());
    assert!(parse_port_specs(&["1-2:5-9"]).is_err());
    assert!(parse_port_specs(&["99999"]).is_err());
}

#[test]
fn port_specs() {
    assert_eq!(
        parse_port_specs(&["0.0.0.0:1234-1235:3333-3334/tcp"]).unwrap(),
        ["3333/tcp", "3334/tcp"]
    );
    for ipv6 in ["[2001:4860:0:2001::68]::333", "2001:4860:0:2001::68::333"] {
        assert_eq!(parse_port_specs(&[ipv6]).unwrap(), ["333/tcp"], "{ipv6}");
    }
    for ipv6 in ["[::1]:80:80", "::1:80:80", "::::80"] {
        assert_eq!(parse_port_specs(&[ipv6]).unwrap(), ["80/tcp"], "{ipv6}");
    }
    let three = ["1234/tcp", "2345/udp", "3456/sctp"];
    for list in [
        ["1234/tcp", "2345/udp", "3456/sctp"],
        ["1234:1234/tcp", "2345:2345/udp", "3456:3456/sctp"],
        [
            "0.0.0.0:1234:1234/tcp",
            "0.0.0.0:2345:2345/udp",
            "0.0.0.0:3456:3456/sctp",
        ],
    ] {
        assert_eq!(parse_port_specs(&list).unwrap(), three, "{list:?}");
    }
    let nine = [
        "1234/tcp",
        "1235/tcp",
        "1236/tcp",
        "2345/udp",
        "2346/udp",
        "2347/udp",
        "3456/sctp",
        "3457/sctp",
        "3458/sctp",
    ];
    for list in [
        ["1234-1236/tcp", "2345-2347/udp", "3456-3458/sctp"],
        [
            "1234-1236:1234-1236/tcp",
            "2345-2347:2345-2347/udp",
            "3456-3458:3456-3458/sctp",
        ],
        [
            "0.0.0.0:1234-1236:1234-1236/tcp",
            "0.0.0.0:2345-2347:2345-2347/udp",
            "0.0.0.0:3456-3458:3456-3458/sctp",
        ],
    ] {
        assert_eq!(parse_port_specs(&list).unwrap(), nine, "{list:?}");
    }
    assert_eq!(parse_port_specs(&["80/UDP"]).unwrap(), ["80/udp"]);
    assert_eq!(parse_port_specs(&["8000-9000:80"]).unwrap(), ["80/tcp"]);
}

#[test]
fn expose_port_specs_with_splitting() {
    let Command::Expose(e) = N::new("EXPOSE $PORTS 22").args(&["$PORTS", "22"]).command() else {
        panic!("not expose")
    };
    let mut split = |w: &str| -> Result<Vec<String>, ShellError> {
        Ok(w.replace("$PORTS", "80 443/udp")
            .split_whitespace()
            .map(str::to_string)
            .collect())
    };
    // The raw words are sorted before expansion ("$PORTS" < "22"), as BuildKit does.
    assert_eq!(
        e.port_specs(&mut split).unwrap(),
        ["80/tcp", "443/udp", "22/tcp"]
    );
}

// ---------------------------------------------------------------------------------------------
// From Dockerfile text, through the parser

fn parse_text(src: &str) -> Result<(Vec<Stage>, Vec<ArgCommand>), InstructionError> {
    let df = rustfront::dockerfile::parse(src.as_bytes())
        .unwrap_or_else(|e| panic!("parser rejected {src:?}: {e}"));
    parse_dockerfile(&df, &mut Linter::default())
}

fn text_error(src: &str) -> InstructionError {
    match parse_text(src) {
        Err(e) => e,
        Ok(ok) => panic!("expected an error for {src:?}, got {ok:?}"),
    }
}

/// The commands of the only stage of `FROM scratch` + `body`.
fn text_commands(body: &str) -> Vec<Command> {
    let (mut stages, _) = parse_text(&format!("FROM scratch\n{body}")).unwrap();
    assert_eq!(stages.len(), 1);
    stages.remove(0).commands
}

#[test]
fn text_argument_counts() {
    for name in ["MAINTAINER", "WORKDIR", "USER", "STOPSIGNAL"] {
        let err = text_error(&format!("FROM scratch\n{name}\n"));
        assert_eq!(err.message, format!("{name} requires exactly one argument"));
        assert_eq!(err.line(), 2);
    }
    for name in ["ENV", "LABEL", "ONBUILD", "HEALTHCHECK", "EXPOSE", "VOLUME"] {
        let err = text_error(&format!("FROM scratch\n{name}\n"));
        assert_eq!(
            err.message,
            format!("{name} requires at least one argument")
        );
    }
    for name in ["ADD", "COPY"] {
        assert_eq!(
            text_error(&format!("FROM scratch\n{name} arg1\n")).message,
            format!(
                "{name} requires at least two arguments, but only one was provided. Destination could not be determined"
            )
        );
    }
}

#[test]
fn text_copy_empty_whitespace() {
    let err = text_error("FROM scratch\nCOPY\t\n\t\tquux \\\n      bar");
    assert!(
        err.message.contains("COPY requires at least two arguments"),
        "{err}"
    );
    assert_eq!(err.line(), 2);
}

#[test]
fn text_single_instruction_errors() {
    let cases = [
        (
            "ONBUILD FROM scratch",
            "FROM isn't allowed as an ONBUILD trigger",
        ),
        (
            "ONBUILD MAINTAINER docker.io",
            "MAINTAINER isn't allowed as an ONBUILD trigger",
        ),
        ("MAINTAINER --boo joe@example.com", "unknown flag: --boo"),
        (
            "ONBUILD ONBUILD RUN touch foobar",
            "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
        ),
        (
            "COPY /foo <<EOF\nEOF",
            "COPY cannot accept a heredoc as a destination",
        ),
        ("FOO bar", "unknown instruction: FOO"),
        ("foo bar", "unknown instruction: foo"),
    ];
    for (body, message) in cases {
        let err = text_error(&format!("FROM scratch\n{body}\n"));
        assert!(err.message.starts_with(message), "{body}: {err}");
        assert_eq!(err.line(), 2, "{body}");
    }
}

#[test]
fn text_run_mount_flags_used() {
    let commands = text_commands("RUN --mount=type=tmpfs,target=/foo/ echo hello\n");
    let Command::Run(r) = &commands[0] else {
        panic!("not run")
    };
    assert_eq!(r.flags_used, ["mount"]);
    assert_eq!(r.cmd.args(), ["echo hello"]);
    assert_eq!(
        r.source.code,
        "RUN --mount=type=tmpfs,target=/foo/ echo hello"
    );
}

#[test]
fn text_every_instruction_survives_odd_arguments() {
    for name in INSTRUCTION_NAMES {
        for rest in ["foo=bar", "a", "a b", "a b c", "0 0"] {
            let src = format!("FROM busybox\n{name} {rest}\n");
            let Ok(df) = rustfront::dockerfile::parse(src.as_bytes()) else {
                continue;
            };
            if let Err(e) = parse_dockerfile(&df, &mut Linter::default()) {
                assert_eq!(e.line(), 2, "{src:?}: {e}");
            }
        }
    }
}

#[test]
fn text_doc_comments() {
    let (stages, meta) = parse_text(
        "# foo sets foo\nARG foo=bar\n\n# base defines first stage\nFROM busybox AS base\n# this is irrelevant\nARG foo\n# bar defines bar\n# baz is something else\nARG bar baz=123\n",
    )
    .unwrap();
    assert_eq!(meta[0].args[0].comment, "sets foo");
    assert_eq!(stages[0].comment, "defines first stage");
    let docs: Vec<(String, String)> = stages[0]
        .commands
        .iter()
        .flat_map(|c| match c {
            Command::Arg(a) => a
                .args
                .iter()
                .map(|d| (d.key.text.clone(), d.comment.clone()))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(
        docs,
        [
            ("foo".to_string(), String::new()),
            ("bar".to_string(), "defines bar".to_string()),
            ("baz".to_string(), "is something else".to_string()),
        ]
    );
}

/// (name, data, flag) of an inline file or heredoc source.
type Inline = (&'static str, &'static str, bool);
/// Dockerfile body, destination, source paths, inline sources.
type CopyCase = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [Inline],
);
/// Dockerfile body, shell form, command line, files.
type RunCase = (
    &'static str,
    bool,
    &'static [&'static str],
    &'static [Inline],
);

#[test]
fn text_copy_heredocs() {
    let cases: [CopyCase; 8] = [
        ("COPY /foo /bar", "/bar", &["/foo"], &[]),
        ("COPY <<EOF /bar\nEOF", "/bar", &[], &[("EOF", "", true)]),
        (
            "COPY <<EOF /bar\nTESTING\nEOF",
            "/bar",
            &[],
            &[("EOF", "TESTING\n", true)],
        ),
        (
            "COPY <<-EOF /bar\n\tTESTING\nEOF",
            "/bar",
            &[],
            &[("EOF", "TESTING\n", true)],
        ),
        (
            "COPY <<'EOF' /bar\nTESTING\nEOF",
            "/bar",
            &[],
            &[("EOF", "TESTING\n", false)],
        ),
        (
            "COPY <<EOF1 <<EOF2 /bar\nthis is the first file\nEOF1\nthis is the second file\nEOF2",
            "/bar",
            &[],
            &[
                ("EOF1", "this is the first file\n", true),
                ("EOF2", "this is the second file\n", true),
            ],
        ),
        (
            "COPY <<EOF foo.txt /bar\nthis is inline\nEOF",
            "/bar",
            &["foo.txt"],
            &[("EOF", "this is inline\n", true)],
        ),
        (
            "COPY <<EOF /quotes\n\"quotes\"\nEOF",
            "/quotes",
            &[],
            &[("EOF", "\"quotes\"\n", true)],
        ),
    ];
    for (body, dest, paths, inline) in cases {
        let commands = text_commands(&format!("{body}\n"));
        let Command::Copy(c) = &commands[0] else {
            panic!("not copy: {body}")
        };
        assert_eq!(c.sources.dest.text, dest, "{body}");
        assert_eq!(texts(&c.sources.source_paths), paths, "{body}");
        assert_eq!(contents(&c.sources), inline, "{body}");
    }
}

#[test]
fn text_run_heredocs() {
    let cases: [RunCase; 6] = [
        ("RUN [\"ls\", \"/\"]", false, &["ls", "/"], &[]),
        ("RUN [\"<<EOF\"]", false, &["<<EOF"], &[]),
        ("RUN ls /", true, &["ls /"], &[]),
        (
            "RUN <<EOF\nls /\nwhoami\nEOF",
            true,
            &["<<EOF"],
            &[("EOF", "ls /\nwhoami\n", false)],
        ),
        (
            "RUN <<'EOF' | python\nprint(\"hello\")\nprint(\"world\")\nEOF",
            true,
            &["<<'EOF' | python"],
            &[("EOF", "print(\"hello\")\nprint(\"world\")\n", false)],
        ),
        (
            "RUN <<-EOF\n\techo test\nEOF",
            true,
            &["<<-EOF"],
            &[("EOF", "\techo test\n", true)],
        ),
    ];
    for (body, shell, args, inline) in cases {
        let commands = text_commands(&format!("{body}\n"));
        let Command::Run(r) = &commands[0] else {
            panic!("not run: {body}")
        };
        assert_eq!(r.cmd.prepend_shell, shell, "{body}");
        assert_eq!(r.cmd.args(), args, "{body}");
        assert_eq!(files(r), inline, "{body}");
    }
}

#[test]
fn text_onbuild_with_heredoc() {
    let commands = text_commands("ONBUILD RUN <<EOF\necho hi\nEOF\n");
    let Command::Onbuild(ob) = &commands[0] else {
        panic!("not onbuild")
    };
    assert_eq!(ob.expression, "RUN <<EOF\necho hi\nEOF");
    assert_eq!(ob.trigger.keyword, "run");
}

#[test]
fn text_full_dockerfile() {
    let src = "\
# syntax=docker/dockerfile:1
ARG GO=1.22
FROM --platform=$BUILDPLATFORM golang:${GO} AS Build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=\"-mod=vendor\"
RUN --mount=type=cache,target=/root/.cache/go-build \\
    --mount=type=bind,source=.,target=/src \\
    go build -o /out/app ./cmd/app
FROM scratch
COPY --from=build --chmod=0755 /out/app /app
EXPOSE 8080/tcp 9090
HEALTHCHECK --interval=30s --timeout=3s CMD [\"/app\", \"health\"]
USER 65534:65534
ENTRYPOINT [\"/app\"]
";
    let (stages, meta) = parse_text(src).unwrap();
    assert_eq!(meta.len(), 1);
    assert_eq!(meta[0].args[0].key.text, "GO");
    assert_eq!(stages.len(), 2);
    let build = &stages[0];
    assert_eq!(build.name.as_deref(), Some("build"));
    assert_eq!(build.base_name.text, "golang:${GO}");
    assert_eq!(build.platform.as_ref().unwrap().text, "$BUILDPLATFORM");
    assert_eq!(build.source.line(), 3);
    assert_eq!(
        build.commands.iter().map(Command::name).collect::<Vec<_>>(),
        ["workdir", "env", "run"]
    );
    let Command::Run(r) = &build.commands[2] else {
        panic!("not run")
    };
    assert_eq!(r.source.span.start.line, 6);
    assert_eq!(r.source.span.end.line, 8);
    assert_eq!(r.flags.mount.specs.len(), 2);
    assert_eq!(r.cmd.args().len(), 1);
    assert!(r.cmd.args()[0].contains("go build -o /out/app ./cmd/app"));

    let fin = &stages[1];
    assert!(fin.name.is_none());
    let Command::Copy(c) = &fin.commands[0] else {
        panic!("not copy")
    };
    assert_eq!(c.flags.from.0.as_ref().unwrap().text, "build");
    assert_eq!(c.flags.chmod.0.as_ref().unwrap().text, "0755");
    let Command::Healthcheck(h) = &fin.commands[2] else {
        panic!("not healthcheck")
    };
    assert_eq!(h.health.test, ["CMD", "/app", "health"]);
    assert_eq!(h.health.interval, Duration::from_secs(30));
    assert_eq!(h.health.timeout, Duration::from_secs(3));
    let Command::Entrypoint(ep) = &fin.commands[4] else {
        panic!("not entrypoint")
    };
    assert_eq!(ep.cmd.args(), ["/app"]);
    assert!(!ep.cmd.prepend_shell);
}

#[test]
fn text_error_lines() {
    let err = text_error("FROM a\nRUN true\n\nWORKDIR\n");
    assert_eq!(err.line(), 4);
    assert_eq!(
        err.to_string(),
        "Dockerfile:4: WORKDIR requires exactly one argument"
    );
    let err = text_error("RUN true\n");
    assert_eq!(err.message, "no build stage in current context");
    assert_eq!(err.line(), 1);
}

// ---------------------------------------------------------------------------------------------
// Expansion with the real shell lexer

#[test]
fn expand_with_shell_lexer() {
    use rustfront::shell::Lexer;

    let (mut stages, meta) = parse_text(
        "ARG BASE=alpine\nFROM ${BASE}:3 AS b\nENV DIR=/app USER=\"build er\"\nWORKDIR $DIR/src\nCOPY --chown=${USER} a.txt ${DIR}/\nRUN --mount=type=cache,target=${DIR}/.cache,id=${BASE} make\nEXPOSE $PORTS 22/udp\n",
    )
    .unwrap();
    let lexer = Lexer::new('\\');
    let mut env = BTreeMap::new();
    for arg in &meta[0].args {
        env.insert(
            arg.key.text.clone(),
            arg.value
                .as_ref()
                .map(|v| v.text.clone())
                .unwrap_or_default(),
        );
    }
    let stage = &mut stages[0];
    let mut expand = |w: &str| lexer.process_word(w, &env).map(|e| e.text);
    stage.expand_from(&mut expand).unwrap();
    assert_eq!(stage.base_name.text, "alpine:3");

    env.insert("DIR".into(), "/app".into());
    env.insert("USER".into(), "build er".into());
    env.insert("PORTS".into(), "80 443".into());
    let mut expand = |w: &str| lexer.process_word(w, &env).map(|e| e.text);
    let mut commands = stage.commands.clone();
    for command in &mut commands {
        command.expand(&mut expand).unwrap();
    }
    let Command::Env(e) = &commands[0] else {
        panic!("not env")
    };
    assert_eq!(e.env[1].value.text, "build er", "quotes removed");
    let Command::Workdir(w) = &commands[1] else {
        panic!("not workdir")
    };
    assert_eq!(w.path.text, "/app/src");
    let Command::Copy(c) = &commands[2] else {
        panic!("not copy")
    };
    assert_eq!(c.flags.chown.0.as_ref().unwrap().text, "build er");
    assert_eq!(texts(&c.sources.source_paths), ["a.txt"]);
    assert_eq!(c.sources.dest.text, "/app/");
    let Command::Run(r) = &commands[3] else {
        panic!("not run")
    };
    assert_eq!(r.flags.mount.mounts[0].kind, MountType::Cache);
    assert_eq!(
        r.flags.mount.mounts[0].target.as_deref(),
        Some("/app/.cache")
    );
    assert_eq!(r.flags.mount.mounts[0].id.as_deref(), Some("alpine"));
    let Command::Expose(x) = &commands[4] else {
        panic!("not expose")
    };
    let mut split = |w: &str| lexer.process_words(w, &env);
    assert_eq!(
        x.port_specs(&mut split).unwrap(),
        ["80/tcp", "443/tcp", "22/udp"]
    );

    // COPY splits on blanks without respecting quotes, so `"a` is a word of its own and
    // fails to expand, as in BuildKit.
    let mut commands = text_commands("COPY \"a b\" /dst/\n");
    let err = commands[0].expand(&mut expand).unwrap_err();
    assert_eq!(err.line(), 2);
    assert!(err.message.contains("double-quote"), "{err}");
}
