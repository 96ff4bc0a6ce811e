//! Parser-level unit tests (the conformance suite is in `tests/conformance_parser.rs`).

use super::*;

fn dump(src: &str) -> String {
    parse(src.as_bytes())
        .map(|d| d.dump())
        .unwrap_or_else(|e| format!("error: {e}"))
}

#[test]
fn minimal_file() {
    assert_eq!(dump("FROM scratch\n"), "(from \"scratch\")");
}

#[test]
fn lone_escape_line_starts_an_instruction() {
    // `\` alone continues into the next line, like upstream.
    assert_eq!(dump("\\\nFROM x\n"), "(from \"x\")");
    // ... and at the end of the file it leaves an instruction with an empty keyword.
    assert_eq!(dump("FROM x\n\\\n"), "(from \"x\")\n(\"\")");
}

#[test]
fn empty_lines_do_not_end_a_continuation() {
    assert_eq!(dump("RUN a \\\n\n\nFROM b\n"), "(run \"a FROM b\")");
}

#[test]
fn backtick_escape_directive() {
    let src = "# escape=`\nFROM x\nRUN dir c:\\ `\n  && echo hi\nENV A=b` c\n";
    assert_eq!(
        dump(src),
        "(from \"x\")\n(run \"dir c:\\\\   && echo hi\")\n(env \"A\" \"b` c\" \"=\")"
    );
}

#[test]
fn escaped_escape_then_continuation_is_not_a_continuation() {
    // upstream's regex quirk: `foo \\\` does not continue
    assert_eq!(
        dump("RUN foo \\\\\\\nCMD x\n"),
        "(run \"foo \\\\\\\\\\\\\")\n(cmd \"x\")"
    );
}

#[test]
fn flags_on_any_instruction_and_spaces_in_flags() {
    assert_eq!(
        dump("RUN --mount=type=secret,id=a\\ b --network=none echo\n"),
        "(run [\"--mount=type=secret,id=a b\" \"--network=none\"] \"echo\")"
    );
    assert_eq!(
        dump("FROM --platform=$BUILDPLATFORM x AS y\n"),
        "(from [\"--platform=$BUILDPLATFORM\"] \"x\" \"AS\" \"y\")"
    );
}

#[test]
fn heredoc_only_for_run_copy_add() {
    let df = parse(b"FROM x\nENTRYPOINT <<EOF\nEOF\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        df.dump(),
        "(from \"x\")\n(entrypoint \"<<EOF\")\n(eof \"\")"
    );
    let df = parse(b"ADD <<EOF /x\nhi\nEOF\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(df.nodes[0].heredocs[0].content, "hi\n");
}

#[test]
fn invalid_utf8_is_replaced() {
    let df = parse(b"FROM x\nRUN echo \xff\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(df.nodes[1].args[0].text, "echo \u{fffd}");
}

#[test]
fn keyword_case_and_unicode_keyword() {
    assert_eq!(dump("fRoM x\n"), "(from \"x\")");
    assert_eq!(dump("ÉTAPE x\n"), "(étape \"\")");
}

/// xorshift64*: deterministic pseudo-random numbers for the robustness test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const FRAGMENTS: &[&[u8]] = &[
    b"RUN ",
    b"COPY ",
    b"ADD ",
    b"ONBUILD ",
    b"ENV ",
    b"LABEL ",
    b"ARG ",
    b"FROM ",
    b"CMD ",
    b"HEALTHCHECK ",
    b"EXPOSE ",
    b"USER ",
    b"SHELL ",
    b"VOLUME ",
    b"X ",
    b"\\\n",
    b"`\n",
    b"\n",
    b"\r\n",
    b"\r",
    b"<<EOF",
    b"<<-'E'",
    b"<<\"A\" ",
    b"3<<B",
    b"EOF\n",
    b"E\n",
    b"\tE\n",
    b"A\n",
    b"[",
    b"]",
    b"\"",
    b"'",
    b"$",
    b"${",
    b"}",
    b":-",
    b"--flag=",
    b"--",
    b" ",
    b"\t",
    b"#",
    b"# escape=`\n",
    b"# syntax=x\n",
    b"\xc3\xa9",
    b"\xc2\xa0",
    b"\xc2\x85",
    b"\x00",
    b"=",
    b",",
    b"1",
    b"\\",
    b"\xff",
    b"a",
    b"b=c",
    b"{\"k\": [1, null]}",
    b"\xef\xbb\xbf",
];

#[test]
fn random_inputs_never_panic_and_spans_stay_in_range() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let mut input = Vec::new();
        for _ in 0..rng.below(40) {
            input.extend_from_slice(FRAGMENTS[rng.below(FRAGMENTS.len())]);
        }
        let lines = input.split(|&b| b == b'\n').count();
        let Ok(df) = parse(&input) else { continue };
        let _ = df.dump();
        for node in &df.nodes {
            check_node(node, lines, &input);
        }
    }
}

fn check_node(node: &Node, lines: usize, input: &[u8]) {
    let span = node.span;
    assert!(
        span.start.line >= 1 && span.start.line <= span.end.line,
        "{input:?}"
    );
    assert!(span.end.line <= lines, "{input:?}");
    for word in node.flags.iter().chain(&node.args) {
        assert!(word.span.start <= word.span.end, "{input:?}");
        assert!(word.span.start.line >= span.start.line, "{input:?}");
        assert!(word.span.end.line <= span.end.line, "{input:?}");
    }
    if let Some(child) = &node.onbuild {
        check_node(child, lines, input);
    }
}
