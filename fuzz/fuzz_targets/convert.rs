//! Bytes → parse → `convert::Plan::new` → `convert::convert` (no resolved images) →
//! `llb::marshal` → `llb::describe`, wired like `rustfront debug llb`.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use rustfront::convert::{self, ConvertOptions, Plan, PlanInputs};
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
    let build_platform = Platform::new("linux", "amd64");
    let opts = ConvertOptions::new("Dockerfile", data, build_platform.clone());
    let Ok(plan) = Plan::new(&PlanInputs {
        dockerfile: &parsed,
        build_args: &opts.build_args,
        target: None,
        build_platform: &build_platform,
        target_platform: opts.target_platform.as_ref(),
    }) else {
        return;
    };
    let Ok(converted) = convert::convert(&plan, &opts, parsed.escape, &BTreeMap::new()) else {
        return;
    };
    if let Ok(definition) = llb::marshal(converted.state.as_ref(), &MarshalOptions::default()) {
        let _ = llb::describe(&definition);
    }
});
