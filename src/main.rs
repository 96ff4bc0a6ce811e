//! `rustfront`: started by BuildKit as a gateway frontend (no arguments, stdin/stdout are the
//! gRPC pipe), or by people for `rustfront debug …`.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::process::ExitCode;

use rustfront::convert::{self, ConvertOptions, Plan, PlanInputs};
use rustfront::gateway::{FrontendEnv, Gateway};
use rustfront::llb::{self, MarshalOptions, Platform};
use rustfront::{dockerfile, frontend};

const USAGE: &str = "\
rustfront — a BuildKit frontend for Dockerfiles

Use it from a Dockerfile:   # syntax=<this image>
Or:                         docker buildx build --build-arg BUILDKIT_SYNTAX=<this image> .

Commands for people:
  rustfront debug ast FILE                 print the parsed Dockerfile (BuildKit's AST dump)
  rustfront debug llb FILE [--target T] [--build-arg K=V]... [--platform P]
                                           print the LLB that would be solved, as JSON
  rustfront --version
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] if !std::io::stdin().is_terminal() => frontend_mode(),
        ["--version" | "-V"] => {
            println!("rustfront {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        ["debug", "ast", file] => report(debug_ast(file)),
        ["debug", "llb", file, rest @ ..] => report(debug_llb(file, rest)),
        _ => {
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn report(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Serve BuildKit over stdio. Only stderr may be written to: stdout carries HTTP/2 frames.
fn frontend_mode() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rustfront: cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        let env = FrontendEnv::from_process_env().map_err(|e| e.to_string())?;
        let gateway = Gateway::connect_stdio().await.map_err(|e| e.to_string())?;
        frontend::serve(gateway, &env)
            .await
            .map_err(|e| e.to_string())
    });
    // The stdio reader may still be parked; the process exits either way (BuildKit decides the
    // outcome from the Return call and this exit code).
    match outcome {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!("rustfront: {e}");
            std::process::exit(1)
        }
    }
}

fn read(file: &str) -> Result<Vec<u8>, String> {
    std::fs::read(file).map_err(|e| format!("{file}: {e}"))
}

fn parse_error(file: &str, e: &dockerfile::ParseError) -> String {
    if e.line == 0 {
        format!("{file}: {}", e.message)
    } else {
        format!("{file}:{}: {}", e.line, e.message)
    }
}

fn debug_ast(file: &str) -> Result<String, String> {
    let data = read(file)?;
    let parsed = dockerfile::parse(&data).map_err(|e| parse_error(file, &e))?;
    Ok(parsed.dump() + "\n")
}

fn debug_llb(file: &str, rest: &[&str]) -> Result<String, String> {
    let mut target = None;
    let mut build_args = BTreeMap::new();
    let mut platform = None;
    let mut words = rest.iter();
    while let Some(flag) = words.next() {
        let mut value = || {
            words
                .next()
                .copied()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match *flag {
            "--target" => target = Some(value()?.to_string()),
            "--build-arg" => {
                let kv = value()?;
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                build_args.insert(k.to_string(), v.to_string());
            }
            "--platform" => {
                platform = Some(Platform::parse(value()?).map_err(|e| e.to_string())?);
            }
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    let data = read(file)?;
    let parsed = dockerfile::parse(&data).map_err(|e| parse_error(file, &e))?;
    let build_platform = Platform::new("linux", "amd64");
    let mut opts = ConvertOptions::new(file, &data, build_platform.clone());
    opts.build_args = build_args;
    opts.target_platform = platform;
    let located = |e: convert::ConvertError| match e.span {
        Some(span) => format!("{file}:{}: {}", span.start.line, e.message),
        None => e.message,
    };
    let plan = Plan::new(&PlanInputs {
        dockerfile: &parsed,
        build_args: &opts.build_args,
        target: target.as_deref(),
        build_platform: &build_platform,
        target_platform: opts.target_platform.as_ref(),
    })
    .map_err(located)?;
    let converted =
        convert::convert(&plan, &opts, parsed.escape, &BTreeMap::new()).map_err(located)?;
    let definition = llb::marshal(converted.state.as_ref(), &MarshalOptions::default())
        .map_err(|e| e.to_string())?;
    let out = serde_json::json!({
        "ops": llb::describe(&definition),
        "image": converted.image,
    });
    serde_json::to_string_pretty(&out)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}
