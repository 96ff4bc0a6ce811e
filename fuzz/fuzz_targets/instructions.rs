//! Bytes → `dockerfile::parse` → `instructions::parse_dockerfile`, then every command's
//! expansion with a small fixed environment (as the converter would do per stage).
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use rustfront::shell::{self, Lexer, ShellError};
use rustfront::{dockerfile, instructions};

fuzz_target!(|data: &[u8]| {
    let Ok(parsed) = dockerfile::parse(data) else {
        return;
    };
    let Ok((stages, _meta_args)) = instructions::parse_dockerfile(&parsed) else {
        return;
    };
    let lexer = Lexer::new(parsed.escape);
    let env: BTreeMap<String, String> = [("A", "a b"), ("EMPTY", ""), ("P", "/p/*")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let mut expand =
        |w: &str| -> Result<String, ShellError> { lexer.process_word(w, &env).map(|e| e.text) };
    let mut split = |w: &str| lexer.process_words(w, &env);
    // Heredoc bodies keep their quotes (BuildKit's raw expander).
    let mut expand_body =
        |w: &str| -> Result<String, ShellError> { shell::expand_heredoc(w, &env).map(|e| e.text) };
    for mut stage in stages {
        let _ = stage.expand_from(&mut expand);
        for mut command in stage.commands {
            if let instructions::Command::Expose(expose) = &command {
                let _ = expose.port_specs(&mut split);
            }
            let _ = command.expand(&mut expand);
            if let instructions::Command::Copy(c) = &mut command {
                let _ = c.sources.expand_contents(&mut expand_body);
            }
            if let instructions::Command::Add(c) = &mut command {
                let _ = c.sources.expand_contents(&mut expand_body);
            }
        }
    }
});
