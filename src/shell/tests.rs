//! Unit tests: the lexer cases upstream keeps as Go tables (GO_TEST_CASES.md §2), plus the
//! modes and limits of our own API.

use super::*;

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

fn lex() -> Lexer {
    Lexer::new('\\')
}

// §2.1 Required-variable forms.
#[test]
fn required_variable_forms() {
    let no_empty = "${VAR:?message here$ARG}";
    let no_unset = "${VAR?message here$ARG}";
    let set_env = env(&[("VAR", "plain"), ("ARG", "x")]);
    let empty_env = env(&[("VAR", ""), ("ARG", "x")]);
    let unset_env = env(&[("ARG", "x")]);

    let ok = |w: &str, e: &BTreeMap<String, String>| lex().process_word(w, e).map(|x| x.text);
    let err = |w: &str, e: &BTreeMap<String, String>| match lex().process_word(w, e) {
        Err(ShellError(m)) => m,
        Ok(x) => panic!("{w:?} should fail, got {:?}", x.text),
    };

    assert_eq!(ok(no_empty, &set_env), Ok("plain".into()));
    assert!(err(no_empty, &empty_env).contains("VAR: message herex"));
    assert!(err(no_empty, &unset_env).contains("VAR: message herex"));

    assert_eq!(ok(no_unset, &set_env), Ok("plain".into()));
    assert_eq!(ok(no_unset, &empty_env), Ok(String::new()));
    assert!(err(no_unset, &unset_env).contains("VAR: message herex"));
}

#[test]
fn required_variable_default_messages() {
    let e = env(&[("EMPTY", "")]);
    let msg = |w: &str| lex().process_word(w, &e).err().map(|e| e.0);
    assert_eq!(
        msg("${NOPE?}"),
        Some(r#"failed to process "${NOPE?}": NOPE: is not allowed to be unset"#.into())
    );
    assert_eq!(
        msg("${EMPTY:?}"),
        Some(r#"failed to process "${EMPTY:?}": EMPTY: is not allowed to be empty"#.into())
    );
}

struct MatchCase {
    input: &'static str,
    env: &'static [(&'static str, &'static str)],
    expected: Option<&'static str>,
    matched: &'static [&'static str],
    unmatched: &'static [&'static str],
}

const FOO_BAR: &[(&str, &str)] = &[("FOO", "xxx"), ("BAR", "")];
const XXYY: &[(&str, &str)] = &[("FOO", "xxyy")];

const fn ok(
    input: &'static str,
    env: &'static [(&'static str, &'static str)],
    expected: &'static str,
    matched: &'static [&'static str],
    unmatched: &'static [&'static str],
) -> MatchCase {
    MatchCase {
        input,
        env,
        expected: Some(expected),
        matched,
        unmatched,
    }
}

const fn fails(input: &'static str, env: &'static [(&'static str, &'static str)]) -> MatchCase {
    MatchCase {
        input,
        env,
        expected: None,
        matched: &[],
        unmatched: &[],
    }
}

// §2.2 Single-word processing with match tracking.
const MATCH_CASES: &[MatchCase] = &[
    ok("x", &[("DUMMY", "dummy")], "x", &[], &[]),
    ok("x ${UNUSED}", &[("DUMMY", "dummy")], "x ", &[], &["UNUSED"]),
    ok("x ${FOO}", &[("FOO", "y")], "x y", &["FOO"], &[]),
    ok(
        "${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}",
        FOO_BAR,
        "xxx  ccc",
        &["FOO", "BAR"],
        &["BAZ"],
    ),
    ok(
        "${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}",
        FOO_BAR,
        "xxx bbb ccc",
        &["FOO", "BAR"],
        &["BAZ"],
    ),
    ok("${FOO:-}", FOO_BAR, "xxx", &["FOO"], &[]),
    ok("${FOO:-}", &[], "", &[], &["FOO"]),
    ok(
        "${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}",
        FOO_BAR,
        "aaa bbb ",
        &["FOO", "BAR"],
        &["BAZ"],
    ),
    ok(
        "${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}",
        FOO_BAR,
        "aaa  ",
        &["FOO", "BAR"],
        &["BAZ"],
    ),
    ok("${FOO?aaa}", FOO_BAR, "xxx", &["FOO"], &[]),
    ok("${BAR?bbb}", FOO_BAR, "", &["BAR"], &[]),
    fails("${BAZ?ccc}", FOO_BAR),
    ok("${FOO:?aaa}", FOO_BAR, "xxx", &["FOO"], &[]),
    fails("${BAR:?bbb}", FOO_BAR),
    fails("${BAZ:?ccc}", FOO_BAR),
    fails("${BAZ:?}", FOO_BAR),
    fails("${FOO=aaa}", FOO_BAR),
    fails("${FOO=:aaa}", FOO_BAR),
    fails("${FOO=}", &[]),
    ok(
        "${FOO#()[]{\\}^$.\\*\\?|\\\\}",
        &[("FOO", "()[]{}^$.*?|\\x")],
        "x",
        &["FOO"],
        &[],
    ),
    ok("${FOO%%\\**}", &[("FOO", "xx**")], "xx", &["FOO"], &[]),
    ok("${FOO#*x*y}", XXYY, "y", &["FOO"], &[]),
    ok("${FOO#*}", XXYY, "xxyy", &["FOO"], &[]),
    ok(
        "${FOO#$BAR}",
        &[("FOO", "xxyy"), ("BAR", "x")],
        "xyy",
        &["FOO", "BAR"],
        &[],
    ),
    ok(
        "${FOO#$BAR}",
        &[("FOO", "xxyy"), ("BAR", "")],
        "xxyy",
        &["FOO", "BAR"],
        &[],
    ),
    ok("${FOO#}", XXYY, "xxyy", &["FOO"], &[]),
    ok("${FOO##*x}", XXYY, "yy", &["FOO"], &[]),
    ok("${FOO##}", XXYY, "xxyy", &["FOO"], &[]),
    ok("${FOO#?\\?}", &[("FOO", "???y")], "?y", &["FOO"], &[]),
    ok(
        "${ABC:-.}${FOO%x}${ABC:-.}",
        XXYY,
        ".xxyy.",
        &["FOO"],
        &["ABC"],
    ),
    ok("${FOO%%\\**\\*}", &[("FOO", "a***yy*")], "a", &["FOO"], &[]),
    ok("${FOO%}", XXYY, "xxyy", &["FOO"], &[]),
    ok(
        "${FOO%%$BAR}",
        &[("FOO", "xxyy"), ("BAR", "")],
        "xxyy",
        &["FOO", "BAR"],
        &[],
    ),
    fails("${FOO:#}", &[]),
    fails("${FOO:##}", &[]),
    fails("${FOO:%}", &[]),
    fails("${FOO:%%}", &[]),
    ok(
        "${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}",
        &[("FOO", "/foo*/*/*.txt"), ("NEEDLE", "\\*/")],
        "/foo.*/*.txt - /foo..*.txt",
        &["FOO", "NEEDLE"],
        &[],
    ),
    ok(
        "${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}",
        &[("FOO", "/tmp/tmp/bar.txt"), ("NEEDLE", "/tmp")],
        "/tmp/bar.txt - /bar.txt",
        &["FOO", "NEEDLE"],
        &[],
    ),
    ok(
        "${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}",
        &[
            ("FOO", "/a/foo/b/c.txt"),
            ("NEEDLE", "/?/"),
            ("REPLACEMENT", "/"),
        ],
        "/foo/b/c.txt - /foo/c.txt",
        &["FOO", "NEEDLE", "REPLACEMENT"],
        &[],
    ),
    ok(
        "${FOO/$NEEDLE/$REPLACEMENT}",
        &[
            ("FOO", "http://google.de"),
            ("NEEDLE", "http://"),
            ("REPLACEMENT", "https://"),
        ],
        "https://google.de",
        &["FOO", "NEEDLE", "REPLACEMENT"],
        &[],
    ),
    ok(
        "${FOO//\\//\\/}",
        &[("FOO", "/tmp/foo.txt")],
        "\\/tmp\\/foo.txt",
        &["FOO"],
        &[],
    ),
    ok(
        "${FOO/$BAR/ww}",
        &[("FOO", "xxyy"), ("BAR", "")],
        "wwxxyy",
        &["FOO", "BAR"],
        &[],
    ),
    fails("${FOO//ww}", XXYY),
    fails("${FOO//}", XXYY),
    ok("${FOO///}", XXYY, "xxyy", &["FOO"], &[]),
    ok("${FOO///}", &[], "", &[], &["FOO"]),
];

#[test]
fn process_with_matches_table() {
    for case in MATCH_CASES {
        let e = env(case.env);
        let got = lex().process_word_with_matches(case.input, &e);
        match (case.expected, got) {
            (None, Err(_)) => {}
            (None, Ok(p)) => panic!("{:?} should fail, got {:?}", case.input, p.text),
            (Some(_), Err(err)) => panic!("{:?} failed: {err}", case.input),
            (Some(expected), Ok(p)) => {
                assert_eq!(p.text, expected, "text of {:?}", case.input);
                assert_eq!(p.matched, set(case.matched), "matched of {:?}", case.input);
                assert_eq!(
                    p.unmatched,
                    set(case.unmatched),
                    "unmatched of {:?}",
                    case.input
                );
                let used: BTreeSet<String> = set(case.matched)
                    .union(&set(case.unmatched))
                    .cloned()
                    .collect();
                let expanded = lex()
                    .process_word(case.input, &e)
                    .unwrap_or_else(|err| panic!("{err}"));
                assert_eq!(expanded.text, expected);
                assert_eq!(expanded.used, used, "used of {:?}", case.input);
            }
        }
    }
}

// §2.5 Environment list lookup.
#[test]
fn env_list_lookup() {
    let lookup = |list: &[&str], name: &str| {
        let e = env_from_list(list.iter().copied());
        lex()
            .process_word(&format!("${name}"), &e)
            .map(|x| x.text)
            .unwrap_or_else(|err| panic!("{err}"))
    };
    assert_eq!(lookup(&[], "foo"), "");
    assert_eq!(lookup(&["foo"], "foo"), "");
    assert_eq!(lookup(&["foo="], "foo"), "");
    assert_eq!(lookup(&["foo=bar"], "foo"), "bar");
    assert_eq!(lookup(&["foo=bar", "car=hat"], "foo"), "bar");
    assert_eq!(lookup(&["foo=bar", "car=hat"], "car"), "hat");
    assert_eq!(lookup(&["foo=bar", "car=hat", "car=bike"], "car"), "bike");
    // A bare entry counts as set (to the empty string).
    let e = env_from_list(["foo"]);
    assert_eq!(
        lex().process_word("${foo-unset}", &e).map(|x| x.text),
        Ok(String::new())
    );
}

#[test]
fn pair_list_env_last_wins() {
    let e: Vec<(String, String)> =
        vec![("car".into(), "hat".into()), ("car".into(), "bike".into())];
    assert_eq!(
        lex().process_word("$car", &e).map(|x| x.text),
        Ok("bike".into())
    );
}

// §2.6 Release-file-name template.
#[test]
fn release_file_name_template() {
    let template =
        "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz";
    let run = |pairs: &[(&str, &str)]| {
        lex()
            .process_word_with_matches(template, &env(pairs))
            .unwrap_or_else(|err| panic!("{err}"))
    };
    let arm = run(&[
        ("VERSION", "v1.2.3"),
        ("TARGETOS", "linux"),
        ("TARGETARCH", "arm"),
        ("TARGETVARIANT", "v7"),
    ]);
    assert_eq!(arm.text, "something-v1.2.3.linux-arm-v7.tar.gz");
    assert_eq!(
        arm.matched,
        set(&["VERSION", "TARGETOS", "TARGETARCH", "TARGETVARIANT"])
    );
    assert!(arm.unmatched.is_empty());

    let empty_variant = run(&[
        ("VERSION", "v1.2.3"),
        ("TARGETOS", "linux"),
        ("TARGETARCH", "arm64"),
        ("TARGETVARIANT", ""),
    ]);
    assert_eq!(empty_variant.text, "something-v1.2.3.linux-arm64.tar.gz");
    assert_eq!(
        empty_variant.matched,
        set(&["VERSION", "TARGETOS", "TARGETARCH", "TARGETVARIANT"])
    );

    let no_variant = run(&[
        ("VERSION", "v1.2.3"),
        ("TARGETOS", "linux"),
        ("TARGETARCH", "arm64"),
    ]);
    assert_eq!(no_variant.text, "something-v1.2.3.linux-arm64.tar.gz");
    assert_eq!(
        no_variant.matched,
        set(&["VERSION", "TARGETOS", "TARGETARCH"])
    );
    assert_eq!(no_variant.unmatched, set(&["TARGETVARIANT"]));
}

#[test]
fn error_messages_match_upstream() {
    let e = env(&[("PWD", "/home")]);
    let msg = |w: &str| lex().process_word(w, &e).err().map(|e| e.0);
    let cases = [
        ("${}", "syntax error: bad substitution"),
        ("${", "syntax error: missing '}'"),
        ("${PWD:-x", "syntax error: missing '}'"),
        ("${PWD:=000}", "unsupported modifier (:=) in substitution"),
        ("${PWD=x}", "unsupported modifier (=) in substitution"),
        ("${PWD", "unsupported modifier (\u{fffd}) in substitution"),
        ("${PWD:#x}", "unsupported modifier (:#) in substitution"),
        ("${PWD//x}", "syntax error: missing '/' in ${}"),
        (
            "'abc",
            "unexpected end of statement while looking for matching single-quote",
        ),
        (
            "\"abc",
            "unexpected end of statement while looking for matching double-quote",
        ),
        (
            "${PWD#\\x}",
            "invalid pattern (\\x) in substitution: invalid escape '\\x'",
        ),
    ];
    for (input, why) in cases {
        let expected = format!("failed to process {}: {why}", go_quote(input));
        assert_eq!(msg(input), Some(expected), "error for {input:?}");
    }
}

#[test]
fn go_quote_matches_strconv() {
    assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
    assert_eq!(go_quote("\t\n\u{0}\u{7f}"), r#""\t\n\x00\x7f""#);
    assert_eq!(go_quote("한국어 ♥"), "\"한국어 ♥\"");
    assert_eq!(go_quote("\u{a0}\u{feff}"), r#""\u00a0\ufeff""#);
}

#[test]
fn backtick_escape() {
    let l = Lexer::new('`');
    let e = env(&[("A", "x")]);
    let text = |w: &str| l.process_word(w, &e).map(|x| x.text);
    assert_eq!(text("a`$A"), Ok("a$A".into()));
    assert_eq!(text("C:\\dir\\$A"), Ok("C:\\dir\\x".into()));
    assert_eq!(text("\"a`\"b\""), Ok("a\"b".into()));
    assert_eq!(text("\"a`b\""), Ok("a`b".into()));
    assert_eq!(text("a``"), Ok("a`".into()));
}

#[test]
fn words_split_on_unquoted_expansions_only() {
    let e = env(&[("P", "80 443"), ("T", "  a  ")]);
    let words = |w: &str| lex().process_words(w, &e);
    assert_eq!(words("$P"), Ok(vec!["80".into(), "443".into()]));
    assert_eq!(words("\"$P\""), Ok(vec!["80 443".into()]));
    assert_eq!(
        words("x${T}y"),
        Ok(vec!["x".into(), "a".into(), "y".into()])
    );
    assert_eq!(words("'' a"), Ok(vec!["a".into()]));
    assert_eq!(words(""), Ok(vec![]));
}

#[test]
fn words_lose_text_before_a_nested_expansion_like_upstream() {
    let e = env(&[]);
    let words = |w: &str| lex().process_words(w, &e);
    assert_eq!(words("a${x:-b}"), Ok(vec!["b".into()]));
    assert_eq!(words("p q${x:-r}s"), Ok(vec!["p".into(), "rs".into()]));
    // The single-word result is unaffected.
    assert_eq!(
        lex().process_word("a${x:-b}", &e).map(|x| x.text),
        Ok("ab".into())
    );
}

#[test]
fn name_rules() {
    let e = env(&[("한국어", "k"), ("a_1", "v")]);
    let text = |w: &str| lex().process_word(w, &e).map(|x| x.text);
    assert_eq!(text("$한국어!"), Ok("k!".into()));
    assert_eq!(text("$a_1-"), Ok("v-".into()));
    assert_eq!(text("$1a"), Ok("a".into()));
    assert_eq!(text("$@@"), Ok("@".into()));
    assert_eq!(text("$"), Ok("$".into()));
    assert_eq!(text("a$ b"), Ok("a$ b".into()));
    assert_eq!(text("${#}"), Ok("".into()));
    assert!(text("${#a}").is_err());
    let used = lex()
        .process_word("$1 ${@}", &e)
        .unwrap_or_else(|err| panic!("{err}"))
        .used;
    assert_eq!(used, set(&["1", "@"]));
}

#[test]
fn heredoc_mode_keeps_quotes_and_eats_backslashes() {
    let e = env(&[("NAME", "me")]);
    let got = expand_heredoc("echo \"hi $NAME\" 'x $NAME' \\$NAME C:\\dir\n", &e)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(got.text, "echo \"hi me\" 'x me' $NAME C:dir\n");
    assert_eq!(got.used, set(&["NAME"]));
    assert!(expand_heredoc("${NAME", &e).is_err());
}

#[test]
fn display_mode_keeps_quotes_and_unset_references() {
    let e = env(&[("A", "1")]);
    let l = lex();
    assert_eq!(
        l.expand_for_display("echo \"$A\" '$A' $B ${B} ${B:-x$A} ${B/a/b}", &e),
        "echo \"1\" '$A' $B ${B} ${B:-x1} ${B/a/b}"
    );
    assert_eq!(
        l.expand_for_display("echo 'unterminated $A", &e),
        "echo 'unterminated $A"
    );
}

#[test]
fn raw_escapes_mode() {
    let opts = Options {
        raw_quotes: true,
        raw_escapes: true,
        skip_unset_env: true,
        ..Options::default()
    };
    let p = lex()
        .process_with("RUN <<'EOF' a\\ b \"c d\" $X", &env(&[]), opts)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(p.words, vec!["RUN", "<<'EOF'", "a\\ b", "\"c d\"", "$X"]);
}

#[test]
fn patterns_do_not_cross_newlines() {
    let e = env(&[("V", "a\nb/c")]);
    let text = |w: &str| lex().process_word(w, &e).map(|x| x.text);
    // `*` stops at the newline, so no prefix of the first line ends in `/`.
    assert_eq!(text("${V##*/}"), Ok("a\nb/c".into()));
    assert_eq!(text("${V#*b}"), Ok("a\nb/c".into()));
    assert_eq!(text("${V%%/*}"), Ok("a\nb".into()));
}

#[test]
fn brackets_are_literal_in_patterns() {
    let e = env(&[("V", "[ab]c"), ("W", "ac")]);
    let text = |w: &str| lex().process_word(w, &e).map(|x| x.text);
    assert_eq!(text("${V#[ab]}"), Ok("c".into()));
    assert_eq!(text("${W#[ab]}"), Ok("ac".into()));
}

#[test]
fn replace_all_template_dollars() {
    let e = env(&[("V", "a.b.c"), ("R", "<$0>")]);
    let text = |w: &str| lex().process_word(w, &e).map(|x| x.text);
    assert_eq!(text("${V//./$R}"), Ok("a<.>b<.>c".into()));
    assert_eq!(text("${V/./$R}"), Ok("a<$0>b.c".into()));
}

#[test]
fn nesting_is_bounded_by_memory_not_the_stack() {
    // Upstream recurses on Go's growable stack; here open `${…}` are a heap stack, so a
    // test thread's 2 MiB stack takes any depth.
    let e = env(&[]);
    let deep = "${a:-".repeat(100_000) + "x" + &"}".repeat(100_000);
    assert_eq!(
        lex().process_word(&deep, &e).map(|x| x.text),
        Ok("x".into())
    );
    let unclosed = "${a:-".repeat(100_000);
    let err = lex().process_word(&unclosed, &e).map(|x| x.text);
    assert!(
        err.as_ref()
            .is_err_and(|e| e.to_string().ends_with("syntax error: missing '}'")),
        "{err:?}"
    );
    let deep_patterns = "${a/".repeat(50_000) + "x" + &"/}".repeat(50_000);
    assert_eq!(
        lex().process_word(&deep_patterns, &e).map(|x| x.text),
        Ok(String::new())
    );
}

#[test]
fn long_pathological_patterns_complete() {
    // Speed is measured in benches/, not here; this only pins that such input finishes.
    let value = "ab".repeat(5_000);
    let e = env(&[("V", value.as_str())]);
    let pattern = "*?".repeat(50);
    let word = format!("${{V##{pattern}b}}${{V%{pattern}}}${{V//{pattern}/x}}");
    assert!(lex().process_word(&word, &e).is_ok());
}

#[test]
fn leading_byte_order_mark_is_ignored() {
    let e = env(&[]);
    assert_eq!(
        lex().process_word("\u{feff}a", &e).map(|x| x.text),
        Ok("a".into())
    );
    assert_eq!(
        lex().process_word("a\u{feff}", &e).map(|x| x.text),
        Ok("a\u{feff}".into())
    );
}

/// Tiny deterministic generator (xorshift) so the robustness test needs no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }
}

#[test]
fn random_inputs_never_panic() {
    const PIECES: &[&str] = &[
        "$", "{", "}", ":", "-", "+", "?", "#", "%", "/", "\\", "`", "'", "\"", "*", "=", "[", "]",
        "a", "V", "W", "1", "0", "@", " ", "\t", "\n", "é", "한", "\u{feff}", "${", "${V", "${V:-",
        "${V#", "${V//", "$V", "\\$", "\\\\",
    ];
    let e = env(&[("V", "a*b/c d\n?x"), ("W", ""), ("한", "k")]);
    let modes = [
        Options::default(),
        Options {
            raw_quotes: true,
            raw_escapes: true,
            skip_unset_env: true,
            ..Options::default()
        },
        Options {
            skip_process_quotes: true,
            ..Options::default()
        },
    ];
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let len = rng.below(24);
        let word: String = (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect();
        for escape in ['\\', '`'] {
            let l = Lexer::new(escape);
            for options in modes {
                if let Ok(p) = l.process_with(&word, &e, options) {
                    // Word splitting never yields empty words.
                    assert!(p.words.iter().all(|w| !w.is_empty()), "{word:?}");
                }
            }
            let _ = l.expand_for_display(&word, &e);
        }
        let _ = expand_heredoc(&word, &e);
    }
}

#[test]
fn multiplying_replacements_are_capped() {
    // Each level doubles the value; 20 levels would be 2^20 times the input.
    let e = env(&[("V", "abcdefgh")]);
    let mut word = "${V}".to_string();
    for _ in 0..20 {
        word = format!("${{V//?/{word}}}");
    }
    let err = lex().process_word(&word, &e).unwrap_err();
    assert!(err.0.contains("larger than"), "{}", err.0);
    // A large value passes through the other operators untouched.
    let big = "x".repeat(MAX_OPERATOR_RESULT * 2);
    let e = env(&[("BIG", big.as_str())]);
    assert_eq!(
        lex().process_word("${BIG:-d}", &e).map(|x| x.text.len()),
        Ok(big.len())
    );
    assert_eq!(
        lex().process_word("${BIG#x}", &e).map(|x| x.text.len()),
        Ok(big.len() - 1)
    );
}
