//! One input → (escape character, mode, word, env pairs) → every shell entry point.
//!
//! Layout: byte 0 picks the escape character (bit 0) and whether the word is also run
//! through the raw modes (bit 1); the rest, read as UTF-8 (lossy), is split on NUL: the first
//! piece is the word, each further piece a `KEY=value` env entry.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rustfront::shell::{self, Lexer, Options};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let escape = if mode & 1 == 0 { '\\' } else { '`' };
    let text = String::from_utf8_lossy(rest);
    let mut pieces = text.split('\0');
    let word = pieces.next().unwrap_or_default();
    let env = shell::env_from_list(pieces);
    let lexer = Lexer::new(escape);

    let _ = lexer.process_word(word, &env);
    let _ = lexer.process_words(word, &env);
    let _ = lexer.process_word_with_matches(word, &env);
    let _ = lexer.expand_for_display(word, &env);
    let _ = shell::expand_heredoc(word, &env);
    if mode & 2 != 0 {
        // The heredoc-marker mode: raw quotes and escapes, unset variables kept.
        let options = Options {
            raw_quotes: true,
            raw_escapes: true,
            skip_unset_env: true,
            ..Options::default()
        };
        let _ = lexer.process_with(word, &env, options);
    }
});
