//! BuildKit's shell-lexer vectors (`tests/data/buildkit/shell/`, Apache-2.0, see NOTICE there):
//! every `A` and `U` row of `envVarTest` through single-word processing, and every row of
//! `wordsTest` through word splitting, with the environments described in the README.

use std::collections::BTreeMap;
use std::path::Path;

use rustfront::shell::Lexer;

fn read(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/buildkit/shell")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn env_of(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Check every applicable row; return (rows run, failure descriptions).
fn run_env_var_test() -> (usize, Vec<String>) {
    let text = read("envVarTest");
    let env = env_of(&[
        ("PWD", "/home"),
        ("SHELL", "bash"),
        ("KOREAN", "한국어"),
        ("NULL", ""),
    ]);
    let lexer = Lexer::new('\\');
    let mut run = 0;
    let mut failures = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        if raw.starts_with('#') || raw.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = raw.trim().split('|').collect();
        let [platform, input, expected] = fields.as_slice() else {
            failures.push(format!("line {line_no}: expected 3 fields in {raw:?}"));
            continue;
        };
        let (platform, input, expected) = (platform.trim(), input.trim(), expected.trim());
        match platform {
            "A" | "U" => {}
            "W" => continue,
            other => {
                failures.push(format!("line {line_no}: unknown platform tag {other:?}"));
                continue;
            }
        }
        run += 1;
        let got = lexer.process_word(input, &env);
        let ok = match (&got, expected) {
            (Err(_), "error") => true,
            (Ok(x), e) if e != "error" => x.text == e,
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "envVarTest line {line_no}: input {input:?}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    (run, failures)
}

fn run_words_test() -> (usize, Vec<String>) {
    let text = read("wordsTest");
    let lexer = Lexer::new('\\');
    let mut env = BTreeMap::new();
    let mut run = 0;
    let mut failures = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        if line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("ENV ") {
            let assignment = rest.trim_start_matches(' ');
            let (k, v) = assignment.split_once('=').unwrap_or((assignment, ""));
            env.insert(k.to_owned(), v.to_owned());
            continue;
        }
        let fields: Vec<&str> = line.split('|').collect();
        let [input, expected] = fields.as_slice() else {
            failures.push(format!(
                "line {line_no}: expected exactly one | in {line:?}"
            ));
            continue;
        };
        let input = input.trim();
        let expected: Vec<&str> = expected.trim_start_matches(' ').split(',').collect();
        run += 1;
        let got = lexer.process_words(input, &env);
        let ok = match &got {
            Err(_) => expected == ["error"],
            Ok(words) => *words == expected,
        };
        if !ok {
            failures.push(format!(
                "wordsTest line {line_no}: input {input:?}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    (run, failures)
}

#[test]
fn buildkit_shell_vectors() {
    let (env_rows, mut failures) = run_env_var_test();
    let (word_rows, word_failures) = run_words_test();
    failures.extend(word_failures);
    assert!(
        failures.is_empty(),
        "{} shell vector(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(env_rows > 200, "only {env_rows} envVarTest rows ran");
    assert!(word_rows >= 24, "only {word_rows} wordsTest rows ran");
    assert!(
        env_rows + word_rows > 200,
        "only {} rows ran",
        env_rows + word_rows
    );
}
