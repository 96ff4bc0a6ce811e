//! Arbitrary bytes → `dockerfile::parse`, and the AST dump of whatever parses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rustfront::dockerfile;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = dockerfile::parse(data) {
        let _ = parsed.dump();
    }
});
