//! BuildKit parser conformance: the upstream `parser/testfiles` (AST dump must match
//! `result` byte for byte), the negative cases, the line-number case, and the parser cases
//! of `GO_TEST_CASES.md` §1.

use std::fs;
use std::path::{Path, PathBuf};

use rustfront::dockerfile::{Dockerfile, Node, ParseError, parse};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/buildkit/parser")
}

fn case_dirs(sub: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(data_dir().join(sub))
        .unwrap_or_else(|e| panic!("reading {sub}: {e}"))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn parse_str(src: &str) -> Dockerfile {
    parse(src.as_bytes()).unwrap_or_else(|e| panic!("parse failed: {e}\n{src}"))
}

fn parse_err(src: &str) -> ParseError {
    match parse(src.as_bytes()) {
        Ok(df) => panic!("expected an error, got:\n{}", df.dump()),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------------------
// README §1: positive testfiles

#[test]
fn testfiles_dump_matches_result() {
    let dirs = case_dirs("testfiles");
    assert_eq!(dirs.len(), 33, "expected the 33 upstream cases");
    let mut failures = Vec::new();
    for dir in &dirs {
        let input = fs::read(dir.join("Dockerfile")).unwrap_or_default();
        let expected = fs::read_to_string(dir.join("result")).unwrap_or_default();
        match parse(&input) {
            Ok(df) => {
                let got = df.dump() + "\n";
                if got != expected {
                    failures.push(format!(
                        "{}:\n--- expected\n{expected}--- got\n{got}",
                        dir.display()
                    ));
                }
            }
            Err(e) => failures.push(format!("{}: error {e}", dir.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn testfiles_also_parse_with_crlf_line_endings() {
    for dir in case_dirs("testfiles") {
        let input = fs::read_to_string(dir.join("Dockerfile")).unwrap_or_default();
        let expected = fs::read_to_string(dir.join("result")).unwrap_or_default();
        let crlf = input.replace('\n', "\r\n");
        let got = parse(crlf.as_bytes()).map(|d| d.dump() + "\n");
        assert_eq!(got.as_deref(), Ok(expected.as_str()), "{}", dir.display());
    }
}

// ---------------------------------------------------------------------------------------
// README §2: negative testfiles

#[test]
fn negative_testfiles_are_rejected() {
    let expected = [
        ("empty_dockerfile", "file with no instructions", 0),
        ("env_no_value", "ENV must have two arguments", 3),
        ("only_comments", "file with no instructions", 3),
        (
            "shykes-nested-json",
            "when using JSON array syntax, arrays must be comprised of strings only",
            1,
        ),
    ];
    let dirs = case_dirs("testfiles-negative");
    assert_eq!(dirs.len(), expected.len());
    for (dir, (name, message, line)) in dirs.iter().zip(expected) {
        assert!(dir.ends_with(name), "{}", dir.display());
        let input = fs::read(dir.join("Dockerfile")).unwrap_or_default();
        let err = parse(&input).err();
        assert_eq!(
            err.as_ref().map(|e| (e.message.as_str(), e.line())),
            Some((message, line)),
            "{name}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// README §3 / GO_TEST_CASES 1.2: line numbers

#[test]
fn testfile_line_ranges() {
    let input = fs::read(data_dir().join("testfile-line/Dockerfile")).unwrap_or_default();
    let df = parse(&input).unwrap_or_else(|e| panic!("{e}"));
    let ranges: Vec<(usize, usize)> = df
        .nodes
        .iter()
        .map(|n| (n.span.start.line, n.span.end.line))
        .collect();
    assert_eq!(ranges, [(5, 5), (11, 12), (17, 31)]);
    assert_eq!(df.directive("escape"), Some("\\"));
    // the empty continuation lines inside the RUN are reported
    assert_eq!(df.warnings.len(), 1);
    assert_eq!(df.warnings[0].span.start.line, 31);
}

// ---------------------------------------------------------------------------------------
// GO_TEST_CASES 1.3: warnings for empty continuation lines

#[test]
fn empty_continuation_warnings() {
    let src = "\nFROM alpine:3.6\n\nRUN valid \\\n    continuation\n\nRUN something \\\n\n    following \\\n\n    more\n\nRUN another \\\n\n    thing\n\nRUN non-indented \\\n# this is a comment\n   after-comment\n\nRUN indented \\\n    # this is an indented comment\n    comment\n\t\n";
    let df = parse_str(src);
    assert_eq!(df.warnings.len(), 2);
    assert!(
        df.warnings[0]
            .message
            .contains("Empty continuation line found in")
    );
    assert!(
        df.warnings[0]
            .message
            .contains("RUN something     following     more")
    );
    assert!(df.warnings[1].message.contains("RUN another     thing"));
    assert!(
        df.warnings[0]
            .detail
            .contains("will become errors in a future release")
    );
    assert_eq!(df.nodes.len(), 6);
}

// ---------------------------------------------------------------------------------------
// GO_TEST_CASES 1.4: line length limit

#[test]
fn overlong_line_is_rejected() {
    let src = format!("FROM busybox\nLABEL test={}\n", "a".repeat(65_536));
    let err = parse_err(&src);
    assert_eq!(
        err.message,
        "dockerfile line greater than max allowed size of 65535"
    );
    assert_eq!(err.line(), 2);
    let fits = format!("FROM busybox\nLABEL t={}\n", "a".repeat(65_535 - 8));
    assert!(parse(fits.as_bytes()).is_ok());
}

// ---------------------------------------------------------------------------------------
// GO_TEST_CASES 1.5: JSON arrays through the whole parser

fn args(node: &Node) -> Vec<&str> {
    node.args.iter().map(|w| w.text.as_str()).collect()
}

#[test]
fn json_arrays() {
    let valid = [
        ("[]", vec![]),
        ("[\"\"]", vec![""]),
        ("[\"a\"]", vec!["a"]),
        ("[\"a\",\"b\"]", vec!["a", "b"]),
        ("[ \"a\", \"b\" ]", vec!["a", "b"]),
        ("[\t\"a\",\t\"b\"\t]", vec!["a", "b"]),
        ("\t[\t\"a\",\t\"b\"\t]\t", vec!["a", "b"]),
        (
            r#"["abc 123", "♥", "☃", "\" \\ \/ \b \f \n \r \t \u0000"]"#,
            vec!["abc 123", "♥", "☃", "\" \\ / \u{8} \u{c} \n \r \t \u{0}"],
        ),
    ];
    for (text, expected) in valid {
        let df = parse_str(&format!("CMD {text}\n"));
        assert!(df.nodes[0].json, "{text}");
        assert_eq!(args(&df.nodes[0]), expected, "{text}");
    }
    for text in [
        r#"["a",42,"b"]"#,
        r#"["a",123.456,"b"]"#,
        r#"["a",{},"b"]"#,
        r#"["a",{"c": "d"},"b"]"#,
        r#"["a",["c"],"b"]"#,
        r#"["a",true,"b"]"#,
        r#"["a",false,"b"]"#,
        r#"["a",null,"b"]"#,
    ] {
        let err = parse_err(&format!("CMD {text}\n"));
        assert_eq!(
            err.message, "when using JSON array syntax, arrays must be comprised of strings only",
            "{text}"
        );
    }
}

#[test]
fn json_form_attribute_and_fallback() {
    let df = parse_str("RUN [\"echo hi\"]\nRUN echo hi\nCOPY [\"a b\", \"/c\"]\nCOPY \"a b\" /c\n");
    assert_eq!(
        df.dump(),
        "(run \"echo hi\")\n(run \"echo hi\")\n(copy \"a b\" \"/c\")\n(copy \"\\\"a\" \"b\\\"\" \"/c\")"
    );
    let json: Vec<bool> = df.nodes.iter().map(|n| n.json).collect();
    assert_eq!(json, [true, false, true, false]);
}

// ---------------------------------------------------------------------------------------
// GO_TEST_CASES 1.6: ENV/LABEL shapes

#[test]
fn key_value_shapes() {
    assert_eq!(
        parse_str("LABEL foo bar\nLABEL foo=bar thing=star\n").dump(),
        "(label \"foo\" \"bar\" \"\")\n(label \"foo\" \"bar\" \"=\" \"thing\" \"star\" \"=\")"
    );
    assert_eq!(
        parse_err("ENV foo\n").message,
        "ENV must have two arguments"
    );
    assert_eq!(
        parse_err("LABEL foo\n").message,
        "LABEL must have two arguments"
    );
    assert_eq!(
        parse_err("ENV a=b c\n").message,
        "Syntax error - can't find = in \"c\". Must be of the form: name=value"
    );
}

// ---------------------------------------------------------------------------------------
// GO_TEST_CASES 1.7: heredoc extraction

const HEREDOC_INPUT: &str = "
FROM alpine:3.6

ENV NAME=me

RUN ls

USER <<INVALID
INVALID

RUN <<EMPTY
EMPTY

RUN 3<<EMPTY2
EMPTY2

RUN \"<<NOHEREDOC\"

RUN <<INDENT
\tfoo
\tbar
INDENT

RUN <<-UNINDENT
\tbaz
\tquux
UNINDENT

RUN <<-UNINDENT2
\tbaz
\tquux
\tUNINDENT2

RUN <<-EXPAND
\texpand $NAME
EXPAND

RUN <<-'NOEXPAND'
\tdon't expand $NAME
NOEXPAND

RUN <<COPY
echo hello world
echo foo bar
COPY

RUN <<COMMENT
# internal comment
echo hello world
echo foo bar # trailing comment
COMMENT

RUN --mount=type=cache,target=/foo <<MOUNT
echo hello
MOUNT

COPY <<FILE1 <<FILE2 /dest
content 1
FILE1
content 2
FILE2

COPY <<EOF /quotes
\"foo\"
'bar'
EOF

COPY <<X <<Y /dest
Y
X
X
Y

RUN <<COMPLEX python3
print('hello world')
COMPLEX

COPY <<file.txt /dest
hello world
file.txt

RUN <<eo'f'
echo foo
eof

RUN <<eo\\'f
echo foo
eo'f

RUN <<'e'o\\'f
echo foo
eo'f

RUN <<'one two'
echo bar
one two

RUN <<$EOF
$EOF

RUN <<  EOF
EOF

RUN <<  EOF  > foo
EOF
";

/// (name, content, expand, chomp, fd)
type Doc = (&'static str, &'static str, bool, bool, u64);
/// An owned [`Doc`].
type OwnedDoc = (String, String, bool, bool, u64);
/// Keyword and heredocs of one node.
type NodeDocs = (String, Vec<OwnedDoc>);

#[test]
fn heredoc_extraction() {
    let df = parse_str(HEREDOC_INPUT);
    let expected: Vec<(&str, Vec<Doc>)> = vec![
        ("from", vec![]),
        ("env", vec![]),
        ("run", vec![]),
        ("user", vec![]),
        ("invalid", vec![]),
        ("run", vec![("EMPTY", "", true, false, 0)]),
        ("run", vec![("EMPTY2", "", true, false, 3)]),
        ("run", vec![]),
        ("run", vec![("INDENT", "\tfoo\n\tbar\n", true, false, 0)]),
        ("run", vec![("UNINDENT", "\tbaz\n\tquux\n", true, true, 0)]),
        ("run", vec![("UNINDENT2", "\tbaz\n\tquux\n", true, true, 0)]),
        ("run", vec![("EXPAND", "\texpand $NAME\n", true, true, 0)]),
        (
            "run",
            vec![("NOEXPAND", "\tdon't expand $NAME\n", false, true, 0)],
        ),
        (
            "run",
            vec![("COPY", "echo hello world\necho foo bar\n", true, false, 0)],
        ),
        (
            "run",
            vec![(
                "COMMENT",
                "# internal comment\necho hello world\necho foo bar # trailing comment\n",
                true,
                false,
                0,
            )],
        ),
        ("run", vec![("MOUNT", "echo hello\n", true, false, 0)]),
        (
            "copy",
            vec![
                ("FILE1", "content 1\n", true, false, 0),
                ("FILE2", "content 2\n", true, false, 0),
            ],
        ),
        ("copy", vec![("EOF", "\"foo\"\n'bar'\n", true, false, 0)]),
        (
            "copy",
            vec![("X", "Y\n", true, false, 0), ("Y", "X\n", true, false, 0)],
        ),
        (
            "run",
            vec![("COMPLEX", "print('hello world')\n", true, false, 0)],
        ),
        ("copy", vec![("file.txt", "hello world\n", true, false, 0)]),
        ("run", vec![("eof", "echo foo\n", false, false, 0)]),
        ("run", vec![("eo'f", "echo foo\n", true, false, 0)]),
        ("run", vec![("eo'f", "echo foo\n", false, false, 0)]),
        ("run", vec![("one two", "echo bar\n", false, false, 0)]),
        ("run", vec![("$EOF", "", true, false, 0)]),
        ("run", vec![("EOF", "", true, false, 0)]),
        ("run", vec![("EOF", "", true, false, 0)]),
    ];
    let got: Vec<NodeDocs> = df
        .nodes
        .iter()
        .map(|n| {
            let docs = n
                .heredocs
                .iter()
                .map(|h| {
                    (
                        h.name.clone(),
                        h.content.clone(),
                        h.expand,
                        h.chomp,
                        h.file_descriptor,
                    )
                })
                .collect();
            (n.keyword.clone(), docs)
        })
        .collect();
    let expected: Vec<NodeDocs> = expected
        .into_iter()
        .map(|(k, docs)| {
            let docs = docs
                .into_iter()
                .map(|(n, c, e, ch, fd)| (n.to_owned(), c.to_owned(), e, ch, fd))
                .collect();
            (k.to_owned(), docs)
        })
        .collect();
    assert_eq!(got, expected);
    // the instruction line itself dumps normally
    assert_eq!(
        df.nodes[16].dump(),
        "(copy \"<<FILE1\" \"<<FILE2\" \"/dest\")"
    );
    assert_eq!(df.nodes[4].dump(), "(invalid \"\")");
}

#[test]
fn json_form_is_never_a_heredoc() {
    let df = parse_str("FROM x\nRUN [\"whoami\"]\nRUN [\"<<EOF\"]\nRUN [\"<<'EOF'\"]\nEOF\n");
    assert!(df.nodes.iter().all(|n| n.heredocs.is_empty()));
    // `EOF` is then an ordinary (unknown) instruction
    assert_eq!(df.nodes.len(), 5);
}

#[test]
fn heredocs_under_onbuild_and_spans() {
    let src =
        "FROM x\nONBUILD RUN <<EOF\necho hi\nEOF\nONBUILD COPY <<A <<B /dst\na\nA\nb\nB\nRUN x\n";
    let df = parse_str(src);
    assert_eq!(df.nodes[1].heredocs.len(), 1);
    assert_eq!(df.nodes[1].heredocs[0].content, "echo hi\n");
    assert_eq!(
        (df.nodes[1].span.start.line, df.nodes[1].span.end.line),
        (2, 4)
    );
    assert_eq!(
        (
            df.nodes[1].heredocs[0].span.start.line,
            df.nodes[1].heredocs[0].span.end.line
        ),
        (3, 4)
    );
    let names: Vec<&str> = df.nodes[2]
        .heredocs
        .iter()
        .map(|h| h.name.as_str())
        .collect();
    assert_eq!(names, ["A", "B"]);
    assert_eq!(
        (df.nodes[2].span.start.line, df.nodes[2].span.end.line),
        (5, 9)
    );
    assert_eq!(df.nodes[3].span.start.line, 10);
    assert_eq!(df.nodes[1].dump(), "(onbuild (run \"<<EOF\"))");
}

#[test]
fn unterminated_heredoc() {
    let err = parse_err("FROM x\nRUN <<EOF\necho hi\n");
    assert_eq!(err.message, "unterminated heredoc");
    assert_eq!((err.line(), err.end_line()), (2, 3));
}

#[test]
fn heredoc_crlf_keeps_line_endings() {
    let df = parse_str("FROM x\r\nRUN <<EOF\r\necho hi\r\nEOF\r\n");
    assert_eq!(df.nodes[1].heredocs[0].content, "echo hi\r\n");
}

// ---------------------------------------------------------------------------------------
// GO_TEST_CASES 1.8 / 1.9: heredoc words and lines (public helpers)

#[test]
fn heredoc_word_helpers() {
    use rustfront::dockerfile::{chomp_heredoc_content, heredoc_marker, parse_heredoc};
    for word in [
        "<<EOF",
        "<<'EOF'",
        "<<\"EOF\"",
        "<<-EOF",
        "<<-'EOF'",
        "<<-\"EOF\"",
        "<<EO\"F\"",
        "<< EOF",
        "<<- EOF",
    ] {
        assert_eq!(
            heredoc_marker(word).map(|m| m.name),
            Some("EOF".to_owned()),
            "{word}"
        );
    }
    for word in ["<<'EOF", "<<\"EOF", "<<EOF'", "<<EOF\""] {
        assert!(parse_heredoc(word).is_err(), "{word}");
    }
    for word in ["", "EOF", "<<", "<<-", "<EOF", "<<<EOF", "<<EOF sh"] {
        assert_eq!(parse_heredoc(word), Ok(None), "{word}");
    }
    assert_eq!(
        chomp_heredoc_content("\thello\n\tworld\n"),
        "hello\nworld\n"
    );
}

#[test]
fn heredoc_names_in_lines() {
    let cases: [(&str, &[&str]); 10] = [
        ("RUN <<EOF", &["EOF"]),
        ("RUN <<-EOF", &["EOF"]),
        ("RUN <<- EOF", &["EOF"]),
        ("RUN << -EOF", &["-EOF"]),
        ("RUN <<'EOF'", &["EOF"]),
        ("RUN 4<<EOF", &["EOF"]),
        ("RUN <<EOF <<EOF2", &["EOF", "EOF2"]),
        ("RUN '<<EOF'", &[]),
        ("RUN \"<<EOF\"", &[]),
        ("RUN <<  EOF  > foo", &["EOF"]),
    ];
    for (line, names) in cases {
        let mut src = format!("FROM x\n{line}\n");
        for name in names {
            src.push_str(name);
            src.push('\n');
        }
        let df = parse_str(&src);
        let got: Vec<&str> = df.nodes[1]
            .heredocs
            .iter()
            .map(|h| h.name.as_str())
            .collect();
        assert_eq!(got, *names, "{line}");
        assert_eq!(df.nodes.len(), 2, "{line}");
    }
}

// ---------------------------------------------------------------------------------------
// GO_TEST_CASES 1.10: directives

#[test]
fn directives() {
    let df = parse_str("#escape=\\\n# key = FOO bar\n\n# smth\nFROM x\n");
    assert_eq!(df.directives.len(), 1);
    assert_eq!(
        (
            df.directives[0].name.as_str(),
            df.directives[0].value.as_str()
        ),
        ("escape", "\\")
    );
    let df = parse_str("# EScape=\\\n# KEY = FOO bar\nFROM x\n");
    assert_eq!(df.directives.len(), 1);
    assert_eq!(df.directives[0].name, "escape");
    let df = parse_str("# syntax=docker/dockerfile:1\n# check=skip=all\n# escape=`\nFROM x\n");
    assert_eq!(df.directive("syntax"), Some("docker/dockerfile:1"));
    assert_eq!(df.directive("check"), Some("skip=all"));
    assert_eq!(df.escape, '`');
    assert_eq!(df.directives[2].span.start.line, 3);
}

#[test]
fn directive_errors() {
    let err = parse_err("# escape=\\\n# ESCAPE=`\nFROM x\n");
    assert_eq!(err.message, "only one escape parser directive can be used");
    assert_eq!(err.line(), 2);
    let err = parse_err("# escape=x\nFROM x\n");
    assert_eq!(
        err.message,
        "invalid escape token 'x' does not match ` or \\"
    );
}

#[test]
fn directives_after_an_instruction_are_comments() {
    let df = parse_str("FROM x\n# escape=`\nRUN a \\\n b\n");
    assert!(df.directives.is_empty());
    assert_eq!(df.dump(), "(from \"x\")\n(run \"a  b\")");
}

#[test]
fn byte_order_mark_is_dropped() {
    let df = parse(b"\xef\xbb\xbf# syntax=x\nFROM y\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(df.directive("syntax"), Some("x"));
    assert_eq!(df.dump(), "(from \"y\")");
}

// ---------------------------------------------------------------------------------------
// Further parser behaviour from README §1

#[test]
fn unknown_keywords_and_empty_instructions() {
    assert_eq!(parse_str("FOO bar\n").dump(), "(foo \"\")");
    assert_eq!(
        parse_str("FROM x\nHEALTHCHECK\nCMD []\nONBUILD\n").dump(),
        "(from \"x\")\n(healthcheck)\n(cmd)\n(onbuild)"
    );
    assert_eq!(parse_str("Run echo\n").dump(), "(run \"echo\")");
}

#[test]
fn onbuild_with_flags() {
    assert_eq!(
        parse_str("ONBUILD COPY --from=x a b\n").dump(),
        "(onbuild (copy [\"--from=x\"] \"a\" \"b\"))"
    );
}

#[test]
fn comments_attach_to_next_instruction() {
    let df = parse_str("# syntax=x\n# base stage\nFROM a AS base\n#\n# reset above\nRUN x\n");
    assert_eq!(df.nodes[0].comments, ["base stage"]);
    assert_eq!(df.nodes[1].comments, ["reset above"]);
}

#[test]
fn positions_of_keyword_flags_and_args() {
    let df = parse_str("FROM x\n  COPY --chown=a:b \\\n     src \\\n  dst\n");
    let copy = &df.nodes[1];
    assert_eq!(
        (copy.keyword_span.start.line, copy.keyword_span.start.column),
        (2, 2)
    );
    assert_eq!(
        (
            copy.flags[0].span.start.line,
            copy.flags[0].span.start.column
        ),
        (2, 7)
    );
    assert_eq!(
        (copy.args[0].span.start.line, copy.args[0].span.start.column),
        (3, 5)
    );
    assert_eq!(
        (copy.args[1].span.start.line, copy.args[1].span.start.column),
        (4, 2)
    );
    assert_eq!((copy.span.start.line, copy.span.end.line), (2, 4));
    assert_eq!(copy.original, "COPY --chown=a:b      src   dst");
}

#[test]
fn garbage_never_panics() {
    let inputs: [&[u8]; 8] = [
        b"\\",
        b"\xff\xfe\x00RUN \xc3",
        b"RUN <<\n",
        b"COPY --a=\"\\",
        b"ENV \"",
        b"HEALTHCHECK \xe2\xa0\x80x",
        b"RUN <<EOF ${",
        b"ONBUILD ONBUILD ONBUILD",
    ];
    for input in inputs {
        let _ = parse(input).map(|d| d.dump());
    }
}

// ---------------------------------------------------------------------------------------
// Real-world corpus (tests/data/real-world, see its README)

const KNOWN_KEYWORDS: [&str; 18] = [
    "add",
    "arg",
    "cmd",
    "copy",
    "entrypoint",
    "env",
    "expose",
    "from",
    "healthcheck",
    "label",
    "maintainer",
    "onbuild",
    "run",
    "shell",
    "stopsignal",
    "user",
    "volume",
    "workdir",
];

#[test]
fn real_world_dockerfiles_parse() {
    // (file, FROM instructions, heredoc bodies), counted independently of the parser
    let expected: [(&str, usize, usize); 197] = [
        ("argo-cd.Dockerfile", 5, 0),
        ("argo-workflows-windows.Dockerfile", 4, 0),
        ("argo-workflows.Dockerfile", 15, 0),
        ("astral-ruff.Dockerfile", 2, 0),
        ("astral-uv.Dockerfile", 2, 4),
        ("bom-flask.Dockerfile", 2, 0),
        ("buildkit-archutil.Dockerfile", 19, 2),
        ("buildkit-docs-dockerfile.Dockerfile", 5, 2),
        ("buildkit-generated-files.Dockerfile", 4, 0),
        ("buildx-docs.Dockerfile", 4, 2),
        ("buildx-govulncheck.Dockerfile", 3, 1),
        ("buildx-lint.Dockerfile", 8, 2),
        ("buildx-vendor.Dockerfile", 6, 2),
        ("caddy-alpine.Dockerfile", 1, 0),
        ("caddy-builder.Dockerfile", 1, 0),
        ("caddy-windows-nanoserver.Dockerfile", 1, 0),
        ("cert-manager-controller.Dockerfile", 1, 0),
        ("cilium-hubble-relay.Dockerfile", 4, 0),
        ("cilium-operator.Dockerfile", 6, 0),
        ("composer.Dockerfile", 3, 0),
        ("consul-k8s-control-plane.Dockerfile", 7, 0),
        ("containerd-release.Dockerfile", 7, 0),
        ("containerd-test.Dockerfile", 11, 0),
        ("coredns.Dockerfile", 2, 0),
        ("cosign.Dockerfile", 1, 0),
        ("cpp-cmake.Dockerfile", 3, 0),
        ("crlf-dotnet.Dockerfile", 2, 0),
        ("dapr-test-actordotnet.Dockerfile", 4, 0),
        ("dapr-test-actorjava.Dockerfile", 2, 0),
        ("dapr-test-actorphp.Dockerfile", 1, 0),
        ("dapr-test-actorpython.Dockerfile", 1, 0),
        ("dapr.Dockerfile", 1, 0),
        ("deno-bin.Dockerfile", 2, 0),
        ("deno-debian.Dockerfile", 3, 0),
        ("deno-distroless.Dockerfile", 3, 0),
        ("distroless-cc.Dockerfile", 2, 0),
        ("distroless-go.Dockerfile", 2, 0),
        ("distroless-java.Dockerfile", 2, 0),
        ("distroless-nodejs.Dockerfile", 2, 0),
        ("distroless-python3-requirements.Dockerfile", 3, 0),
        ("distroless-rust.Dockerfile", 2, 0),
        ("diun-gen.Dockerfile", 5, 3),
        ("diun.Dockerfile", 17, 5),
        ("docker-buildx.Dockerfile", 18, 0),
        ("docker-cli-dev.Dockerfile", 6, 1),
        ("docker-cli-image.Dockerfile", 1, 0),
        ("docker-cli-lint.Dockerfile", 2, 0),
        ("docker-cli-vendor.Dockerfile", 6, 2),
        ("docker-cli.Dockerfile", 18, 0),
        ("docker-compose-docs.Dockerfile", 4, 2),
        ("docker-compose.Dockerfile", 7, 0),
        ("docker-credential-helpers.Dockerfile", 17, 5),
        ("docker-dind-rootless.Dockerfile", 1, 0),
        ("docker-dind.Dockerfile", 1, 0),
        ("docker-docs-archive.Dockerfile", 2, 0),
        ("docker-model-runner-cli.Dockerfile", 6, 2),
        ("docker-model-runner.Dockerfile", 10, 0),
        ("dotnet-aspnet.Dockerfile", 2, 0),
        ("dotnet-aspnetapp-nanoserver.Dockerfile", 2, 0),
        ("dotnet-aspnetapp.Dockerfile", 2, 0),
        ("dotnet-complexapp.Dockerfile", 5, 0),
        ("dotnet-releasesapi-alpine-icu.Dockerfile", 2, 0),
        ("dotnet-releasesapi-cross-arm64.Dockerfile", 2, 1),
        ("dotnet-runtime-deps-chiseled.Dockerfile", 2, 0),
        ("dotnet-sdk-noble.Dockerfile", 2, 0),
        ("dotnet-sdk-windowsservercore.Dockerfile", 2, 0),
        ("emsdk.Dockerfile", 2, 0),
        ("envoy.Dockerfile", 2, 0),
        ("etcd-antithesis-server.Dockerfile", 2, 0),
        ("etcd.Dockerfile", 1, 0),
        ("excalidraw.Dockerfile", 2, 0),
        ("fastapi-template-backend.Dockerfile", 2, 0),
        ("flink.Dockerfile", 1, 0),
        ("fluent-bit-packaging-debian.Dockerfile", 10, 0),
        ("fluent-bit-windows.Dockerfile", 3, 0),
        ("fluent-bit.Dockerfile", 7, 0),
        ("fluentd-debian.Dockerfile", 1, 0),
        ("fluentd-sample.Dockerfile", 1, 0),
        ("fluentd-windows.Dockerfile", 1, 0),
        ("frankenphp-static-builder-musl.Dockerfile", 1, 0),
        ("frankenphp.Dockerfile", 3, 1),
        ("go-distroless.Dockerfile", 3, 0),
        ("golang-alpine.Dockerfile", 2, 0),
        ("golang-nanoserver.Dockerfile", 1, 0),
        ("golang-trixie.Dockerfile", 2, 0),
        ("goreleaser.Dockerfile", 5, 0),
        ("grafana-alloy-build-image.Dockerfile", 5, 0),
        ("grafana-alloy-windows.Dockerfile", 2, 0),
        ("grafana-alloy.Dockerfile", 3, 0),
        ("heredoc-scripts.Dockerfile", 3, 5),
        ("hoppscotch-backend.Dockerfile", 3, 0),
        ("hoppscotch-prod.Dockerfile", 12, 0),
        ("httpd-alpine.Dockerfile", 1, 0),
        ("httpd.Dockerfile", 1, 0),
        ("hugo.Dockerfile", 6, 1),
        ("ingress-nginx-controller.Dockerfile", 1, 0),
        ("ingress-nginx-kube-webhook-certgen.Dockerfile", 2, 0),
        ("ingress-nginx-nginx-image.Dockerfile", 2, 0),
        ("jaeger-hotrod.Dockerfile", 2, 0),
        ("jaeger.Dockerfile", 2, 0),
        ("java-gradle-spring.Dockerfile", 4, 0),
        ("jenkins-alpine.Dockerfile", 2, 0),
        ("jenkins-debian.Dockerfile", 2, 0),
        ("jenkins-windowsservercore.Dockerfile", 2, 0),
        ("jupyter-custom-environment.Dockerfile", 1, 0),
        ("jupyter-docker-stacks-foundation.Dockerfile", 3, 0),
        ("jupyter-pytorch-notebook-cuda.Dockerfile", 1, 0),
        ("kafka-jvm.Dockerfile", 2, 0),
        ("kafka-native.Dockerfile", 2, 0),
        ("kamal.Dockerfile", 1, 0),
        ("keda.Dockerfile", 2, 0),
        ("kind-base.Dockerfile", 9, 0),
        ("kind-kindnetd.Dockerfile", 2, 0),
        ("kube-state-metrics.Dockerfile", 2, 0),
        ("laravel-sail-runtime.Dockerfile", 1, 0),
        ("legacy-syntax.Dockerfile", 1, 0),
        ("linkerd-controller.Dockerfile", 4, 0),
        ("linkerd-proxy.Dockerfile", 5, 0),
        ("linkerd-web.Dockerfile", 4, 0),
        ("localstack.Dockerfile", 3, 0),
        ("manylinux.Dockerfile", 24, 0),
        ("moby-buildkit.Dockerfile", 52, 4),
        ("moby-simple.Dockerfile", 1, 1),
        ("moby-windows.Dockerfile", 1, 0),
        ("moby.Dockerfile", 59, 9),
        ("modern-flags.Dockerfile", 2, 0),
        ("mongo-windowsservercore.Dockerfile", 1, 0),
        ("mongo.Dockerfile", 1, 0),
        ("nerdctl.Dockerfile", 14, 0),
        ("nginx-alpine-slim.Dockerfile", 1, 0),
        ("nginx-debian.Dockerfile", 1, 0),
        ("nginx-modules.Dockerfile", 2, 0),
        ("nginx-spa.Dockerfile", 2, 1),
        ("node-alpine.Dockerfile", 1, 0),
        ("node-pnpm-nextjs.Dockerfile", 4, 0),
        ("node-red-alpine.Dockerfile", 3, 0),
        ("node-red-debian.Dockerfile", 3, 0),
        ("node-trixie-slim.Dockerfile", 1, 0),
        ("ollama.Dockerfile", 18, 0),
        ("onbuild-base.Dockerfile", 1, 1),
        ("opentofu-minimal.Dockerfile", 1, 0),
        ("opentofu.Dockerfile", 1, 0),
        ("otel-demo-checkout.Dockerfile", 2, 0),
        ("otel-demo-frontend.Dockerfile", 3, 0),
        ("php-apache-trixie.Dockerfile", 1, 0),
        ("php-cli-alpine.Dockerfile", 1, 0),
        ("php-fpm-laravel.Dockerfile", 3, 1),
        ("php-fpm-trixie.Dockerfile", 1, 0),
        ("postgres-alpine.Dockerfile", 1, 0),
        ("postgres-trixie.Dockerfile", 1, 0),
        ("prometheus.Dockerfile", 1, 0),
        ("python-alpine.Dockerfile", 1, 0),
        ("python-slim-trixie.Dockerfile", 1, 0),
        ("python-uv-fastapi.Dockerfile", 3, 1),
        ("python-windowsservercore.Dockerfile", 1, 0),
        ("qdrant.Dockerfile", 8, 0),
        ("rails-ruby.Dockerfile", 3, 0),
        ("rclone.Dockerfile", 2, 0),
        ("redis-alpine.Dockerfile", 1, 0),
        ("redis-debian.Dockerfile", 1, 0),
        ("restic-release.Dockerfile", 2, 0),
        ("restic.Dockerfile", 2, 0),
        ("ruby-alpine.Dockerfile", 1, 0),
        ("ruby-slim-trixie.Dockerfile", 1, 0),
        ("runc.Dockerfile", 1, 0),
        ("rust-alpine.Dockerfile", 1, 0),
        ("rust-cargo-chef.Dockerfile", 4, 0),
        ("rust-trixie-slim.Dockerfile", 1, 0),
        ("syft-debug.Dockerfile", 1, 0),
        ("syft.Dockerfile", 2, 0),
        ("syncthing-stdiscosrv.Dockerfile", 2, 0),
        ("syncthing.Dockerfile", 2, 0),
        ("tailscale.Dockerfile", 2, 0),
        ("temurin-jdk-nanoserver.Dockerfile", 1, 0),
        ("temurin-jdk-noble.Dockerfile", 1, 0),
        ("temurin-jdk-ubi-minimal.Dockerfile", 1, 0),
        ("temurin-jre-alpine.Dockerfile", 1, 0),
        ("tgi-neuron.Dockerfile", 9, 0),
        ("tgi.Dockerfile", 16, 0),
        ("traefik-buildx.Dockerfile", 4, 0),
        ("trivy-canary.Dockerfile", 1, 0),
        ("trivy.Dockerfile", 1, 0),
        ("typst.Dockerfile", 3, 0),
        ("umami.Dockerfile", 3, 0),
        ("uptime-kuma-debian-base.Dockerfile", 3, 0),
        ("uptime-kuma.Dockerfile", 8, 0),
        ("uv-docker-example-multistage.Dockerfile", 2, 0),
        ("uv-docker-example-standalone.Dockerfile", 2, 0),
        ("uv-docker-example.Dockerfile", 1, 0),
        ("valkey-debian.Dockerfile", 1, 0),
        ("vector-debian.Dockerfile", 2, 0),
        ("vector-regression.Dockerfile", 2, 0),
        ("windows-servercore.Dockerfile", 2, 0),
        ("xx-ld.Dockerfile", 31, 12),
        ("xx.Dockerfile", 21, 1),
        ("zipkin-ui.Dockerfile", 3, 0),
        ("zipkin.Dockerfile", 5, 0),
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real-world");
    let mut files: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".Dockerfile"))
        .collect();
    files.sort();
    let names: Vec<&str> = expected.iter().map(|e| e.0).collect();
    assert_eq!(files, names);
    for (name, stages, heredocs) in expected {
        let input = fs::read(dir.join(name)).unwrap_or_default();
        let df = parse(&input).unwrap_or_else(|e| panic!("{name}: {e}"));
        let froms = df.nodes.iter().filter(|n| n.keyword == "from").count();
        let bodies: usize = df.nodes.iter().map(|n| n.heredocs.len()).sum();
        assert_eq!((froms, bodies), (stages, heredocs), "{name}");
        assert!(df.warnings.is_empty(), "{name}: {:?}", df.warnings);
        for node in &df.nodes {
            let inner = node.onbuild.as_deref().unwrap_or(node);
            assert!(
                KNOWN_KEYWORDS.contains(&inner.keyword.as_str()),
                "{name}: {}",
                node.original
            );
        }
    }
}

#[test]
fn real_world_details() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real-world");
    let read = |name: &str| {
        let input = fs::read(dir.join(name)).unwrap_or_default();
        parse(&input).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let win = read("windows-servercore.Dockerfile");
    assert_eq!(win.escape, '`');
    assert_eq!(win.nodes[3].keyword, "run");
    assert!(
        win.nodes[3].args[0]
            .text
            .contains("-UseBasicParsing ;     Expand-Archive node.zip -DestinationPath C:\\ ;")
    );
    let bom = read("bom-flask.Dockerfile");
    assert_eq!(bom.directive("syntax"), Some("docker/dockerfile:1"));
    assert!(bom.dump().contains("Zoë Ångström"));
    let crlf = read("crlf-dotnet.Dockerfile");
    assert!(crlf.nodes.iter().all(|n| !n.original.contains('\r')));
    let php = read("php-fpm-laravel.Dockerfile");
    let ini = php.nodes.iter().flat_map(|n| &n.heredocs).next();
    assert_eq!(
        ini.map(|h| (h.name.as_str(), h.chomp, h.expand)),
        Some(("INI", true, false))
    );
    let onbuild = read("onbuild-base.Dockerfile");
    let trigger = onbuild.nodes.iter().find(|n| !n.heredocs.is_empty());
    assert_eq!(
        trigger.map(|n| n.dump()),
        Some("(onbuild (run \"<<EOF\"))".to_owned())
    );
    let rails = read("rails-ruby.Dockerfile");
    assert_eq!(
        rails.nodes[1].dump(),
        "(from \"registry.docker.com/library/ruby:$RUBY_VERSION-slim\" \"as\" \"base\")"
    );
    let docker_cli = read("docker-cli.Dockerfile");
    // comment lines inside the continuation are dropped
    let build = docker_cli
        .nodes
        .iter()
        .find(|n| n.original.contains("xx-go --wrap && "));
    assert!(build.is_some_and(|n| !n.original.contains("override the default")));

    // docker/cli Dockerfile.dev: `<<-'EOF'` whose body holds two nested `<<-` heredocs
    let cli_dev = read("docker-cli-dev.Dockerfile");
    let motd = cli_dev.nodes.iter().flat_map(|n| &n.heredocs).next();
    assert_eq!(
        motd.map(|h| (h.name.as_str(), h.chomp, h.expand)),
        Some(("EOF", true, false))
    );
    assert!(motd.is_some_and(|h| h.content.contains("\tEOM\n") && h.content.contains("\tEOB\n")));
    // buildx lint: a quoted `<<'EOF'` body with an inner unquoted `cat <<eot`
    let lint = read("buildx-lint.Dockerfile");
    let gopls = lint.nodes.iter().flat_map(|n| &n.heredocs).next();
    assert!(gopls.is_some_and(|h| h.name == "EOF" && !h.expand && h.content.contains("\neot\n")));
    // buildkit archutil: `# check=` directive, ARGs before the first FROM, heredoc after a
    // continued flag list
    let archutil = read("buildkit-archutil.Dockerfile");
    assert_eq!(archutil.directive("check"), Some("error=true"));
    let leading_args = archutil
        .nodes
        .iter()
        .take_while(|n| n.keyword != "from")
        .filter(|n| n.keyword == "arg")
        .count();
    assert_eq!(leading_args, 6);
    let generate = archutil.nodes.iter().find(|n| !n.heredocs.is_empty());
    assert!(generate.is_some_and(|n| n.keyword == "run" && n.flags.len() == 2));
    // tailscale: `<go.toolchain.rev` is an input redirection, not a heredoc
    let tailscale = read("tailscale.Dockerfile");
    assert!(
        tailscale
            .nodes
            .iter()
            .any(|n| n.original.contains("read -r REV <go.toolchain.rev") && n.heredocs.is_empty())
    );
}

// ---------------------------------------------------------------------------------------
// Size and memory: 16 MiB inputs parse in memory linear in the input, without quadratic
// blow-ups (continuation joining, heredoc scanning, long lines). The bounds reflect the
// AST's own size: every argument is a `Word` (56 bytes plus its text), so a file made of
// tiny arguments costs tens of bytes per input byte.

mod alloc_meter {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    /// The system allocator, counting live and peak bytes per thread.
    pub struct Meter;

    thread_local! {
        static LIVE: Cell<isize> = const { Cell::new(0) };
        static PEAK: Cell<isize> = const { Cell::new(0) };
    }

    fn track(delta: isize) {
        let _ = LIVE.try_with(|live| {
            let now = live.get() + delta;
            live.set(now);
            let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
        });
    }

    // SAFETY: every call is forwarded unchanged to `System`; the counters are plain
    // thread-local cells that never allocate.
    unsafe impl GlobalAlloc for Meter {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: same contract as the caller's.
            let p = unsafe { System.alloc(layout) };
            if !p.is_null() {
                track(layout.size() as isize);
            }
            p
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: same contract as the caller's.
            unsafe { System.dealloc(ptr, layout) };
            track(-(layout.size() as isize));
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: same contract as the caller's.
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if !p.is_null() {
                track(new_size as isize - layout.size() as isize);
            }
            p
        }
    }

    /// Peak bytes allocated by this thread while running `f`, above what was live before.
    pub fn peak_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
        let base = LIVE.with(Cell::get);
        PEAK.with(|p| p.set(base));
        let r = f();
        let peak = PEAK.with(Cell::get);
        (r, (peak - base).max(0) as usize)
    }
}

#[global_allocator]
static METER: alloc_meter::Meter = alloc_meter::Meter;

const MIB: usize = 1 << 20;

/// Repeats `chunk` (with `{i}` replaced by a counter) up to about `size` bytes.
fn repeat_to(size: usize, header: &str, chunk: &str) -> String {
    let mut s = String::with_capacity(size + chunk.len() * 2);
    s.push_str(header);
    let mut i = 0usize;
    while s.len() < size {
        s.push_str(&chunk.replace("{i}", &i.to_string()));
        i += 1;
    }
    s
}

fn sixteen_mib_of(header: &str, chunk: &str) -> String {
    repeat_to(16 * MIB, header, chunk)
}

/// Parses `src`, returning the instruction count and the peak bytes the parse allocated.
fn parse_metered(src: &str) -> (usize, usize) {
    let (df, peak) = alloc_meter::peak_during(|| parse(src.as_bytes()));
    let df = df.unwrap_or_else(|e| panic!("{e}"));
    (df.nodes.len(), peak)
}

#[test]
fn sixteen_mib_realistic_file() {
    let chunk = "\n# stage {i}\nFROM golang:1.22 AS build{i}\nARG VERSION={i} TARGETOS TARGETARCH\n\
        ENV CGO_ENABLED=0 \\\n    GOFLAGS=\"-trimpath -mod=readonly\"\nWORKDIR /src\n\
        COPY --link go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod \\\n    \
        go mod download && \\\n    go build -o /out/app{i} ./cmd/app\n\
        COPY <<EOF /etc/app{i}.conf\nname = app{i}\nEOF\n\
        CMD [\"/out/app{i}\", \"--port\", \"8080\"]\n";
    let src = sixteen_mib_of("# syntax=docker/dockerfile:1\n", chunk);
    let (nodes, peak) = parse_metered(&src);
    assert!(nodes > 100_000, "{nodes}");
    assert!(peak < 20 * src.len(), "peak {peak} for {} bytes", src.len());
}

#[test]
fn sixteen_mib_single_continued_instruction() {
    // one logical line joined from ~2.8 million physical lines
    let src = sixteen_mib_of("FROM x\nRUN true", " \\\n  && a{i}");
    let (nodes, peak) = parse_metered(&src);
    assert_eq!(nodes, 2);
    assert!(peak < 16 * src.len(), "peak {peak} for {} bytes", src.len());
    // the same with ENV words, whose positions are all resolved (4 MiB: three words each)
    let src = repeat_to(4 * MIB, "FROM x\nENV a=b", " \\\n  k{i}=v");
    let (nodes, peak) = parse_metered(&src);
    assert_eq!(nodes, 2);
    assert!(peak < 40 * src.len(), "peak {peak} for {} bytes", src.len());
}

#[test]
fn sixteen_mib_heredoc_body() {
    let src = sixteen_mib_of("FROM x\nRUN <<EOF\n", "echo {i} EO EOF- \tEOF\n") + "EOF\n";
    let (nodes, peak) = parse_metered(&src);
    assert_eq!(nodes, 2);
    assert!(peak < 4 * src.len(), "peak {peak} for {} bytes", src.len());
}

#[test]
fn many_heredocs_on_one_long_line() {
    // ~16 000 markers on one 64 KiB line, each with its own body
    let markers: Vec<String> = (0..8_000).map(|i| format!("<<H{i}")).collect();
    let mut src = format!("FROM x\nCOPY {} /dst\n", markers.join(" "));
    for i in 0..8_000 {
        src.push_str(&format!("body {i}\nH{i}\n"));
    }
    assert!(src.lines().nth(1).map_or(0, str::len) < 65_536);
    let df = parse_str(&src);
    assert_eq!(df.nodes[1].heredocs.len(), 8_000);
    assert_eq!(df.nodes[1].heredocs[7_999].content, "body 7999\n");
}

#[test]
fn long_lines_of_tiny_words() {
    // 4 MiB of 64 KiB LABEL lines with 16 000 pairs each
    let line = format!("LABEL {}\n", "k=v ".repeat(16_000));
    let src = repeat_to(4 * MIB, "FROM x\n", &line);
    let (nodes, peak) = parse_metered(&src);
    assert!(nodes > 60);
    assert!(peak < 64 * src.len(), "peak {peak} for {} bytes", src.len());
}
