//! A generated Dockerfile of more than 16 MiB (many instructions, long continuation lines,
//! heredocs, one big heredoc) parses, and parses correctly. No timing or memory checks here:
//! the peak memory is measured by hand (see fuzz/README.md).

use rustfront::dockerfile;

const TARGET_SIZE: usize = 16 << 20;
const BIG_HEREDOC_SIZE: usize = 4 << 20;
const RUN_CONTINUATIONS: usize = 40;
const COPY_BODY_LINES: usize = 20;

/// What the generator promises about its output.
struct Expected {
    blocks: usize,
    /// Joined text of each block's RUN, in order.
    run_texts: Vec<String>,
    /// First line of each block's RUN.
    run_lines: Vec<usize>,
    copy_body: Vec<String>,
    big_body: String,
    last_line: usize,
}

fn generate() -> (String, Expected) {
    let mut out = String::with_capacity(TARGET_SIZE + (1 << 20));
    let mut line = 0;
    let mut push_line = |out: &mut String, text: &str| {
        out.push_str(text);
        out.push('\n');
        line += 1;
        line
    };
    push_line(&mut out, "# syntax=docker/dockerfile:1");
    push_line(&mut out, "FROM alpine AS base");

    let filler = "x".repeat(200);
    let mut expected = Expected {
        blocks: 0,
        run_texts: Vec::new(),
        run_lines: Vec::new(),
        copy_body: Vec::new(),
        big_body: String::new(),
        last_line: 0,
    };
    while out.len() < TARGET_SIZE - BIG_HEREDOC_SIZE {
        let i = expected.blocks;
        push_line(&mut out, &format!("ENV K{i}=v{i}"));

        let first = push_line(&mut out, &format!("RUN echo start{i} \\"));
        let mut joined = format!("echo start{i} ");
        for j in 0..RUN_CONTINUATIONS {
            push_line(&mut out, &format!("    && echo {j}{filler} \\"));
            joined.push_str(&format!("    && echo {j}{filler} "));
        }
        push_line(&mut out, &format!("    && echo end{i}"));
        joined.push_str(&format!("    && echo end{i}"));
        expected.run_texts.push(joined);
        expected.run_lines.push(first);

        push_line(&mut out, &format!("COPY <<EOF{i} /f{i}"));
        let mut body = String::new();
        for j in 0..COPY_BODY_LINES {
            let text = format!("line {j} of block {i} $HOME \"quoted\" \\ {filler}");
            push_line(&mut out, &text);
            body.push_str(&text);
            body.push('\n');
        }
        push_line(&mut out, &format!("EOF{i}"));
        expected.copy_body.push(body);
        expected.blocks += 1;
    }

    push_line(&mut out, "RUN <<BIG cat > /big");
    let big_line = "y".repeat(99);
    while expected.big_body.len() < BIG_HEREDOC_SIZE {
        push_line(&mut out, &big_line);
        expected.big_body.push_str(&big_line);
        expected.big_body.push('\n');
    }
    push_line(&mut out, "BIG");
    expected.last_line = push_line(&mut out, "CMD [\"done\"]");
    (out, expected)
}

#[test]
fn sixteen_mib_dockerfile_parses_correctly() {
    let (text, expected) = generate();
    assert!(
        text.len() >= TARGET_SIZE,
        "generated only {} bytes",
        text.len()
    );

    let parsed = dockerfile::parse(text.as_bytes()).expect("the big Dockerfile parses");

    assert_eq!(parsed.directive("syntax"), Some("docker/dockerfile:1"));
    // FROM, three instructions per block, the big RUN and the CMD.
    assert_eq!(parsed.nodes.len(), 1 + 3 * expected.blocks + 2);
    assert_eq!(parsed.nodes[0].keyword, "from");

    for (i, block) in parsed.nodes[1..=3 * expected.blocks].chunks(3).enumerate() {
        let [env, run, copy] = block else {
            panic!("block {i} has {} nodes", block.len());
        };
        assert_eq!(env.keyword, "env");
        let env_args: Vec<&str> = env.args.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(env_args, [format!("K{i}"), format!("v{i}"), "=".to_owned()]);

        assert_eq!(run.keyword, "run");
        assert_eq!(run.args.len(), 1);
        assert_eq!(run.args[0].text, expected.run_texts[i], "RUN of block {i}");
        assert_eq!(run.span.start.line, expected.run_lines[i]);
        assert_eq!(
            run.span.end.line,
            expected.run_lines[i] + RUN_CONTINUATIONS + 1
        );

        assert_eq!(copy.keyword, "copy");
        assert_eq!(copy.heredocs.len(), 1);
        assert_eq!(copy.heredocs[0].name, format!("EOF{i}"));
        assert!(copy.heredocs[0].expand);
        assert_eq!(copy.heredocs[0].content, expected.copy_body[i]);
    }

    let [big, cmd] = &parsed.nodes[parsed.nodes.len() - 2..] else {
        panic!("missing the last two instructions");
    };
    assert_eq!(big.keyword, "run");
    assert_eq!(big.heredocs.len(), 1);
    assert_eq!(big.heredocs[0].name, "BIG");
    assert_eq!(big.heredocs[0].content.len(), expected.big_body.len());
    assert!(big.heredocs[0].content == expected.big_body);

    assert_eq!(cmd.keyword, "cmd");
    assert!(cmd.json);
    assert_eq!(cmd.args[0].text, "done");
    assert_eq!(cmd.span.start.line, expected.last_line);

    // The dump covers every instruction too (one line each).
    assert_eq!(parsed.dump().lines().count(), parsed.nodes.len());
}
