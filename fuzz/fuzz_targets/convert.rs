//! Bytes → parse → `convert::convert_dockerfile` (no resolved images) → `llb::marshal` →
//! `llb::describe`, wired like `rustfront debug llb`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rustfront::convert::{self, ConvertOptions, ResolvedImage};
use rustfront::dockerfile;
use rustfront::llb::{self, MarshalOptions, Platform};

/// Larger inputs only slow the fuzzer down; the parser target covers them.
const MAX_INPUT: usize = 64 * 1024;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let Ok(parsed) = dockerfile::parse(data) else {
        return;
    };
    let opts = ConvertOptions::new("Dockerfile", data, Platform::new("linux", "amd64"));
    let Ok(converted) = convert::convert_dockerfile(&parsed, &opts, |_| ResolvedImage::default())
    else {
        return;
    };
    if let Ok(definition) = llb::marshal(converted.state.as_ref(), &MarshalOptions::default()) {
        let _ = llb::describe(&definition);
    }
});
