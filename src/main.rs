//! `rustfront`: started by BuildKit as a gateway frontend (no arguments, stdin/stdout are the
//! gRPC pipe), or by people for `rustfront debug …`.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use rustfront::convert::graph::StageGraph;
use rustfront::convert::{self, ConvertOptions, Plan, ResolvedImage};
use rustfront::debug::context::{DirTree, GitTree, Revision};
use rustfront::debug::why::{ContextTree, Contexts, Side, why};
use rustfront::frontend::subrequests::{lint, outline, targets};
use rustfront::gateway::{FrontendEnv, Gateway};
use rustfront::instructions::include::Includes;
use rustfront::llb::{self, MarshalOptions, Platform};
use rustfront::{dockerfile, frontend};

const USAGE: &str = "\
rustfront — a BuildKit frontend for Dockerfiles

Use it from a Dockerfile:   # syntax=<this image>
Or:                         docker buildx build --build-arg BUILDKIT_SYNTAX=<this image> .

Commands for people:
  rustfront lint FILE [--format json] [--target T] [--build-arg K=V]...
                                           the build checks, as `docker buildx build --check`
                                           shows them (exit status 1 on an error: a Dockerfile
                                           that does not build, or a violation with
                                           `# check=error=true`)
  rustfront debug outline FILE [--target T] [--build-arg K=V]... [--platform P]
                                           the build args, secrets and SSH sockets the target
                                           uses, as the frontend.outline JSON
  rustfront debug targets FILE             the stages, as the frontend.targets JSON
  rustfront debug ast FILE                 print the parsed Dockerfile (BuildKit's AST dump)
  rustfront debug llb FILE [--target T] [--build-arg K=V]... [--platform P]
                                           print the LLB that would be solved, as JSON
  rustfront debug graph FILE [--target T] [--build-arg K=V]... [--platform P]
                           [--format dot|mermaid|json]
                                           print the stage graph: steps per stage, pruned
                                           stages, the critical path (default: dot)
  (llb and graph read INCLUDEd files, lint and llb the .dockerignore, from --context DIR,
   default: the Dockerfile's directory;
   --build-context NAME=VALUE gives them a named context as buildx does)
  rustfront debug why OLD NEW [--context DIR] [--old-context DIR] [--target T]
                         [--build-arg K=V]... [--platform P] [--format text|json]
                                           per stage, the first step whose cache misses
                                           between two revisions and why; OLD and NEW are
                                           files or git:REV:PATH (then DIR at REV is the
                                           old context)
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
        ["lint", file, rest @ ..] => lint_command(file, rest),
        ["debug", "ast", file] => report(debug_ast(file)),
        ["debug", "outline", file, rest @ ..] => report(debug_outline(file, rest)),
        ["debug", "targets", file] => report(debug_targets(file)),
        ["debug", "llb", file, rest @ ..] => report(debug_llb(file, rest).map(|()| String::new())),
        ["debug", "graph", file, rest @ ..] => report(debug_graph(file, rest)),
        ["debug", "why", old, new, rest @ ..] => report(debug_why(old, new, rest)),
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

/// `file:line: message` (or `file: message`).
fn located(file: &str, e: &dockerfile::Error) -> String {
    e.located(file).to_string()
}

fn debug_ast(file: &str) -> Result<String, String> {
    let data = read(file)?;
    let parsed = dockerfile::parse(&data).map_err(|e| located(file, &e))?;
    Ok(parsed.dump() + "\n")
}

/// The flags of `lint` and the `debug` commands.
#[derive(Default)]
struct DebugFlags {
    target: Option<String>,
    build_args: BTreeMap<String, String>,
    platform: Option<Platform>,
    format: Option<String>,
    /// The build context: where `debug llb`/`debug graph` read INCLUDEd files (default: the
    /// Dockerfile's directory); for `debug why`, the new revision's.
    context: Option<String>,
    /// `debug why`: the old revision's build context.
    old_context: Option<String>,
    /// `--build-context NAME=VALUE` (`local:DIR`, `docker-image://REF`, …), as the
    /// `context:NAME` options buildx sends.
    named_contexts: BTreeMap<String, String>,
}

impl DebugFlags {
    fn parse(rest: &[&str], formats: &[&str]) -> Result<Self, String> {
        let mut flags = DebugFlags::default();
        let mut words = rest.iter();
        while let Some(flag) = words.next() {
            let mut value = || {
                words
                    .next()
                    .copied()
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match *flag {
                "--target" => flags.target = Some(value()?.to_string()),
                "--build-arg" => {
                    let kv = value()?;
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    flags.build_args.insert(k.to_string(), v.to_string());
                }
                "--context" => flags.context = Some(value()?.to_string()),
                "--build-context" => {
                    let kv = value()?;
                    let (k, v) = kv
                        .split_once('=')
                        .ok_or_else(|| format!("--build-context {kv}: expected NAME=VALUE"))?;
                    flags.named_contexts.insert(k.to_string(), v.to_string());
                }
                "--platform" => {
                    flags.platform = Some(Platform::parse(value()?).map_err(|e| e.to_string())?);
                }
                "--format" if !formats.is_empty() => {
                    let format = value()?;
                    if !formats.contains(&format) {
                        return Err(format!(
                            "unknown format {format} (one of: {})",
                            formats.join(", ")
                        ));
                    }
                    flags.format = Some(format.to_string());
                }
                "--old-context" if formats.contains(&"text") => {
                    flags.old_context = Some(value()?.to_string());
                }
                other => return Err(format!("unknown flag {other}\n{USAGE}")),
            }
        }
        Ok(flags)
    }

    /// The files `parsed` (read from `file`) includes, read from the context directory.
    fn includes(&self, file: &str, parsed: &dockerfile::Dockerfile) -> Result<Includes, String> {
        let dir = self.context_dir(file);
        // As the frontend transfers them: a file .dockerignore excludes is not in the context.
        let ignore = rustfront::lint::IgnoreMatcher::new(&self.excludes(file));
        let mut includes = Includes::new(file);
        includes
            .resolve(parsed, |path| {
                if ignore.matches_or_parent_matches(path) {
                    return Err(format!(
                        "{path}: not in the build context, or excluded by .dockerignore"
                    ));
                }
                std::fs::read(dir.join(path)).map_err(|e| e.to_string())
            })
            .map_err(|e| includes.located(&e))?;
        Ok(includes)
    }

    /// Conversion options for `file` holding `data`, built on linux/amd64.
    /// The build context: `--context`, else the Dockerfile's directory.
    fn context_dir(&self, file: &str) -> std::path::PathBuf {
        match &self.context {
            Some(dir) => std::path::PathBuf::from(dir),
            None => std::path::Path::new(file)
                .parent()
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default(),
        }
    }

    /// The patterns a build of `file` would exclude, as the frontend reads them:
    /// `<file>.dockerignore`, else the context's `.dockerignore` (CopyIgnoredFile uses them).
    fn excludes(&self, file: &str) -> Vec<String> {
        let own = format!("{file}.dockerignore");
        std::fs::read(own)
            .or_else(|_| std::fs::read(self.context_dir(file).join(".dockerignore")))
            .map(|data| frontend::dockerignore::parse(&data))
            .unwrap_or_default()
    }

    fn options(self, file: &str, data: &[u8]) -> ConvertOptions {
        let excludes = self.excludes(file);
        ConvertOptions {
            excludes,
            target: self.target,
            build_args: self.build_args,
            target_platform: self.platform,
            named_contexts: self.named_contexts,
            ..ConvertOptions::new(file, data, Platform::new("linux", "amd64"))
        }
    }
}

/// Writes the LLB as JSON to stdout while it is described, op by op (a big definition's
/// JSON view is many times its size).
fn debug_llb(file: &str, rest: &[&str]) -> Result<(), String> {
    let flags = DebugFlags::parse(rest, &[])?;
    let data = read(file)?;
    let parsed = dockerfile::parse(&data).map_err(|e| located(file, &e))?;
    let includes = flags.includes(file, &parsed)?;
    let opts = flags.options(file, &data);
    // Offline: base images are not resolved (their config is unknown).
    let converted =
        convert::convert_with_includes(&parsed, &includes, &opts, |_| ResolvedImage::default())
            .map_err(|e| includes.located(&e))?;
    drop(parsed);
    let definition = llb::marshal(converted.state.as_ref(), &MarshalOptions::default())
        .map_err(|e| e.to_string())?;
    let out = LlbView {
        // Through a `Value`, whose keys are sorted, as the ops' are.
        image: serde_json::to_value(&converted.image).map_err(|e| e.to_string())?,
        ops: Ops(&definition),
    };
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut stdout, &out).map_err(|e| e.to_string())?;
    stdout
        .write_all(b"\n")
        .and_then(|()| stdout.flush())
        .map_err(|e| e.to_string())
}

/// What `debug llb` prints: `{"image": …, "ops": […]}`.
#[derive(serde::Serialize)]
struct LlbView<'a> {
    image: serde_json::Value,
    ops: Ops<'a>,
}

/// The ops of a definition, described as they are written.
struct Ops<'a>(&'a llb::pb::Definition);

impl serde::Serialize for Ops<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(llb::describe_ops(self.0))
    }
}

fn debug_graph(file: &str, rest: &[&str]) -> Result<String, String> {
    let flags = DebugFlags::parse(rest, &["dot", "mermaid", "json"])?;
    let format = flags.format.clone().unwrap_or_else(|| "dot".into());
    let data = read(file)?;
    let parsed = dockerfile::parse(&data).map_err(|e| located(file, &e))?;
    let includes = flags.includes(file, &parsed)?;
    let plan = Plan::with_includes(&parsed, &includes, &flags.options(file, &data))
        .map_err(|e| includes.located(&e))?;
    let graph = StageGraph::new(&plan);
    match format.as_str() {
        "mermaid" => Ok(graph.to_mermaid()),
        "json" => serde_json::to_string_pretty(&graph)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string()),
        _ => Ok(graph.to_dot()),
    }
}

/// The LLB of one revision, converted offline as `debug llb` does, and its target's name.
fn revision_llb(
    spec: &str,
    flags: &DebugFlags,
    context: Option<&str>,
) -> Result<(llb::pb::Definition, String), String> {
    let revision = Revision::parse(spec);
    let data = revision.read()?;
    let parsed = dockerfile::parse(&data).map_err(|e| located(spec, &e))?;
    let mut includes = Includes::new(spec);
    includes
        .resolve(&parsed, |path| {
            revision.read_included(path, context.map(std::path::Path::new))
        })
        .map_err(|e| includes.located(&e))?;
    let flags = DebugFlags {
        target: flags.target.clone(),
        build_args: flags.build_args.clone(),
        platform: flags.platform.clone(),
        ..DebugFlags::default()
    };
    let opts = flags.options(spec, &data);
    let plan = Plan::with_includes(&parsed, &includes, &opts).map_err(|e| includes.located(&e))?;
    let target = plan
        .stages
        .get(plan.target)
        .map(|s| s.display_name(plan.target))
        .unwrap_or_default();
    let converted =
        convert::convert_with_includes(&parsed, &includes, &opts, |_| ResolvedImage::default())
            .map_err(|e| includes.located(&e))?;
    let def = llb::marshal(converted.state.as_ref(), &MarshalOptions::default())
        .map_err(|e| e.to_string())?;
    Ok((def, target))
}

fn debug_why(old: &str, new: &str, rest: &[&str]) -> Result<String, String> {
    let flags = DebugFlags::parse(rest, &["text", "json"])?;
    let old_def = revision_llb(old, &flags, flags.old_context.as_deref())?;
    let new_def = revision_llb(new, &flags, flags.context.as_deref())?;
    let trees: Option<(Box<dyn ContextTree>, Box<dyn ContextTree>)> = match &flags.context {
        None => None,
        Some(dir) => {
            let at = |spec: &str, other: Option<&String>| -> Box<dyn ContextTree> {
                match (Revision::parse(spec).git_rev(), other) {
                    (_, Some(d)) => Box::new(DirTree(d.into())),
                    (Some(rev), None) => Box::new(GitTree {
                        dir: dir.into(),
                        rev: rev.to_string(),
                    }),
                    (None, None) => Box::new(DirTree(dir.into())),
                }
            };
            if flags.old_context.is_none() && Revision::parse(old).git_rev().is_none() {
                return Err(
                    "--context needs the old revision's context too: --old-context DIR, or OLD as git:REV:PATH"
                        .into(),
                );
            }
            Some((at(old, flags.old_context.as_ref()), at(new, None)))
        }
    };
    let contexts = trees.as_ref().map(|(o, n)| Contexts {
        old: o.as_ref(),
        new: n.as_ref(),
    });
    let report = why(
        Side {
            definition: &old_def.0,
            target: &old_def.1,
        },
        Side {
            definition: &new_def.0,
            target: &new_def.1,
        },
        contexts,
    );
    match flags.format.as_deref() {
        Some("json") => serde_json::to_string_pretty(&report)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string()),
        _ => Ok(report.to_text()),
    }
}

fn debug_outline(file: &str, rest: &[&str]) -> Result<String, String> {
    let flags = DebugFlags::parse(rest, &[])?;
    let data = read(file)?;
    let parsed = dockerfile::parse(&data).map_err(|e| located(file, &e))?;
    let includes = flags.includes(file, &parsed)?;
    let files = source_files(file, &data, &includes);
    // Offline: base images are not resolved.
    let found = convert::outline(&parsed, &includes, &flags.options(file, &data), |_| {
        ResolvedImage::default()
    })
    .map_err(|e| includes.located(&e))?;
    Ok(outline::Outline::new(&found, &files).json() + "\n")
}

fn debug_targets(file: &str) -> Result<String, String> {
    let data = read(file)?;
    let parsed = dockerfile::parse(&data).map_err(|e| located(file, &e))?;
    let includes = DebugFlags::default().includes(file, &parsed)?;
    let list = convert::outline::targets_with_includes(&parsed, &includes)
        .map_err(|e| includes.located(&e))?;
    Ok(targets::List::new(&list, &source_files(file, &data, &includes)).json() + "\n")
}

/// The Dockerfile and the files it includes, as the subrequests' answers list them.
fn source_files(file: &str, data: &[u8], includes: &Includes) -> Vec<(String, Vec<u8>)> {
    std::iter::once((file.to_string(), data.to_vec()))
        .chain(
            includes
                .files()
                .iter()
                .map(|f| (f.path.clone(), f.data.clone())),
        )
        .collect()
}

/// `rustfront lint`: what `frontend.lint` finds, offline (base images are not resolved, so
/// InvalidBaseImagePlatform cannot fire).
fn lint_command(file: &str, rest: &[&str]) -> ExitCode {
    let checked = DebugFlags::parse(rest, &["human", "json"]).and_then(|flags| {
        let json = flags.format.as_deref() == Some("json");
        let data = read(file)?;
        let (report, includes) = match dockerfile::parse(&data) {
            Ok(parsed) => {
                let includes = flags.includes(file, &parsed)?;
                let opts = flags.options(file, &data);
                let report = convert::lint(&parsed, &includes, &opts, |_| ResolvedImage::default());
                (report, includes)
            }
            Err(e) => (convert::LintReport::failed(e), Includes::default()),
        };
        let results = lint::Results::new(&report, &source_files(file, &data, &includes));
        let out = if json {
            results.json() + "\n"
        } else {
            results.human()
        };
        Ok((out, results.error.is_some()))
    });
    match checked {
        Ok((out, failed)) => {
            print!("{out}");
            if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
