//! The commands for people (`rustfront debug …`), run as a user would.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn rustfront(args: &[&str]) -> (bool, String, String) {
    rustfront_in(Path::new("."), args)
}

fn rustfront_in(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rustfront"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run rustfront");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real-world");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "Dockerfile"))
        .collect();
    files.sort();
    files
}

/// Every corpus file that plans gets a graph whose critical path ends at the target and
/// runs along edges of the graph.
#[test]
fn debug_graph_over_the_corpus() {
    let mut graphs = 0;
    for file in corpus() {
        let path = file.to_string_lossy();
        let (ok, out, err) = rustfront(&["debug", "graph", &path, "--format", "json"]);
        if !ok {
            // The file fails where upstream fails (the oracle test checks which); never a crash.
            assert!(err.starts_with("error: "), "{path}: {err}");
            continue;
        }
        let graph: Value = serde_json::from_str(&out).expect("JSON");
        let path_stages: Vec<u64> = graph["critical_path"]["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .filter_map(Value::as_u64)
            .collect();
        assert_eq!(
            path_stages.last(),
            graph["target"].as_u64().as_ref(),
            "{path}"
        );
        for pair in path_stages.windows(2) {
            let joined = graph["edges"].as_array().is_some_and(|edges| {
                edges.iter().any(|e| {
                    e["from"].as_u64() == Some(pair[0]) && e["to"].as_u64() == Some(pair[1])
                })
            });
            assert!(joined, "{path}: no edge {pair:?}");
        }
        for format in ["dot", "mermaid"] {
            let (ok, out, err) = rustfront(&["debug", "graph", &path, "--format", format]);
            assert!(ok && !out.is_empty(), "{path} {format}: {err}");
        }
        graphs += 1;
    }
    assert!(graphs > 150, "only {graphs} graphs");
}

#[test]
fn debug_graph_flags() {
    let file =
        std::env::temp_dir().join(format!("rustfront-cli-{}.Dockerfile", std::process::id()));
    std::fs::write(
        &file,
        "FROM alpine AS a\nRUN a\nFROM alpine AS b\nRUN b\nFROM scratch\nCOPY --from=a /a /a\n",
    )
    .expect("write");
    let path = file.to_string_lossy();
    let (ok, out, _) = rustfront(&["debug", "graph", &path, "--target", "b"]);
    assert!(ok);
    assert!(
        out.contains("label=\"critical path: b (2 steps)\""),
        "{out}"
    );
    assert!(
        out.contains("s0 [label=\"a\\n2 steps\\nfrom docker.io/library/alpine:latest\\n(pruned)\""),
        "{out}"
    );
    let (ok, _, err) = rustfront(&["debug", "graph", &path, "--format", "svg"]);
    assert!(!ok);
    assert!(
        err.contains("unknown format svg (one of: dot, mermaid, json)"),
        "{err}"
    );
    let (ok, _, err) = rustfront(&["debug", "graph", &path, "--target", "nope"]);
    assert!(!ok);
    assert!(
        err.contains("target stage \"nope\" could not be found"),
        "{err}"
    );
    let _ = std::fs::remove_file(&file);
}

/// `debug why` over a git repository: a revision pair per kind of change, the old revision
/// read with `git show`, the old context from the same commit.
#[test]
fn debug_why_names_the_step_and_the_cause() {
    let dir = std::env::temp_dir().join(format!("rustfront-why-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args(["-c", "user.email=t@t", "-c", "user.name=t"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).expect("write");
    let dockerfile = "FROM busybox:1 AS build\nWORKDIR /src\nCOPY go.mod ./\nCOPY *.go ./\n\
                      ARG VERSION=dev\nRUN build ${VERSION}\n\
                      FROM busybox:1.36\nCOPY --from=build /out /out\n";
    write("Dockerfile", dockerfile);
    write("go.mod", "module m\n");
    write("main.go", "package main\n");
    write("README.md", "docs\n");
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "v1"]);
    let old = "git:HEAD:./Dockerfile";
    let new = dir.join("Dockerfile");
    let new = new.to_string_lossy();
    let ctx = dir.to_string_lossy();
    let why = |extra: &[&str]| {
        let mut args = vec!["debug", "why", old, &new, "--context", &ctx];
        args.extend_from_slice(extra);
        rustfront_in(&dir, &args)
    };

    let (ok, out, err) = why(&[]);
    assert!(ok, "{err}");
    assert!(
        out.contains("stage build: cached (all 5 steps reused)"),
        "{out}"
    );

    // an edited source file (and an unrelated one)
    write("main.go", "package main // v2\n");
    write("README.md", "more docs\n");
    let (_, out, _) = why(&[]);
    assert!(
        out.contains("stage build: cache miss at step 4/5 (line 4): COPY *.go ./\n  because context files it reads changed: main.go\n"),
        "{out}"
    );
    assert!(
        out.contains("stage stage-1: cache miss at step 2/2 (line 8): COPY --from=build /out /out\n  because it uses stage build"),
        "{out}"
    );
    write("main.go", "package main\n");

    // a changed ARG
    write(
        "Dockerfile",
        &dockerfile.replace("VERSION=dev", "VERSION=2"),
    );
    let (_, out, _) = why(&["--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(report["stages"][0]["first_miss"]["step"], 5, "{out}");
    assert_eq!(
        report["stages"][0]["first_miss"]["cause"],
        serde_json::json!({"kind": "variables", "changed": [["VERSION", "dev", "2"]]})
    );

    // reordered instructions
    write(
        "Dockerfile",
        &dockerfile.replace(
            "COPY go.mod ./\nCOPY *.go ./",
            "COPY *.go ./\nCOPY go.mod ./",
        ),
    );
    let (_, out, _) = why(&[]);
    assert!(
        out.contains("step 3/5 (line 3): COPY *.go ./\n  because the instruction changed:\n    - COPY go.mod ./\n    + COPY *.go ./"),
        "{out}"
    );

    // a bumped base tag
    write(
        "Dockerfile",
        &dockerfile.replace("busybox:1 AS", "busybox:2 AS"),
    );
    let (_, out, _) = why(&[]);
    assert!(
        out.contains("because the base image changed: docker.io/library/busybox:1 → docker.io/library/busybox:2"),
        "{out}"
    );

    // a context for the new revision alone cannot be compared
    let (ok, _, err) = rustfront(&["debug", "why", &new, &new, "--context", &ctx]);
    assert!(!ok);
    assert!(
        err.contains("--old-context DIR, or OLD as git:REV:PATH"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn debug_llb_and_graph_read_included_files_from_the_context() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("lib")).expect("mkdir");
    std::fs::write(
        root.join("Dockerfile"),
        "INCLUDE lib/build.Dockerfile AS lib\nFROM alpine\nCOPY --from=lib.build /out /app\n",
    )
    .expect("write");
    std::fs::write(
        root.join("lib/build.Dockerfile"),
        "FROM alpine AS base\nFROM base AS build\nRUN make > /out\n",
    )
    .expect("write");
    let file = root.join("Dockerfile");
    let path = file.to_string_lossy();
    let (ok, out, err) = rustfront(&["debug", "graph", &path]);
    assert!(ok, "{err}");
    assert!(
        out.contains("label=\"INCLUDE lib/build.Dockerfile\""),
        "{out}"
    );
    assert!(out.contains("s1 [label=\"lib.build\\n1 step\""), "{out}");
    let (ok, out, err) = rustfront(&["debug", "llb", &path, "--target", "lib.build"]);
    assert!(ok, "{err}");
    let llb: Value = serde_json::from_str(&out).expect("json");
    let run = llb["ops"]
        .as_array()
        .and_then(|ops| ops.iter().find(|o| o["op"] == "exec"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(run["name"], "[lib.build 1/1] RUN make > /out");
    assert_eq!(run["locations"][0]["file"], "lib/build.Dockerfile");
    // `--context` elsewhere: the included file is not there, the error names the line.
    let (ok, _, err) = rustfront(&["debug", "llb", &path, "--context", "/nonexistent"]);
    assert!(!ok);
    assert!(
        err.contains("Dockerfile:1: failed to read included file lib/build.Dockerfile"),
        "{err}"
    );
    // A file .dockerignore excludes is not in the context, as for the frontend.
    std::fs::write(root.join(".dockerignore"), "lib/*.Dockerfile\n").expect("write");
    let (ok, _, err) = rustfront(&["debug", "llb", &path]);
    assert!(!ok);
    assert!(err.contains("excluded by .dockerignore"), "{err}");
}

/// The e2e INCLUDE check's two Dockerfiles (e2e/beyond/include and include-pasted) give the
/// same ops and image config offline too; only progress names differ.
#[test]
fn include_gives_the_llb_of_the_stages_pasted_into_one_file() {
    let beyond = Path::new(env!("CARGO_MANIFEST_DIR")).join("e2e/beyond");
    let llb = |dir: &str| -> Value {
        let file = beyond.join(dir).join("Dockerfile");
        let (ok, out, err) = rustfront(&["debug", "llb", &file.to_string_lossy()]);
        assert!(ok, "{err}");
        serde_json::from_str(&out).expect("json")
    };
    let (included, pasted) = (llb("include"), llb("include-pasted"));
    let digests = |v: &Value| -> Vec<String> {
        v["ops"]
            .as_array()
            .map(|ops| ops.iter().map(|o| o["digest"].to_string()).collect())
            .unwrap_or_default()
    };
    assert!(!digests(&included).is_empty());
    assert_eq!(digests(&included), digests(&pasted));
    assert_eq!(included["image"], pasted["image"]);
}

/// Like [`rustfront`], with the exit code.
fn rustfront_code(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rustfront"))
        .args(args)
        .output()
        .expect("run rustfront");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every corpus file gets a target list, a lint result and (where it converts) an outline, in
/// the structures of the subrequests; `rustfront lint` fails exactly when the result has a
/// build error.
#[test]
fn targets_outline_and_lint_over_the_corpus() {
    let (mut outlines, mut warnings) = (0, 0);
    for file in corpus() {
        let path = file.to_string_lossy();
        let (ok, out, err) = rustfront(&["debug", "targets", &path]);
        assert!(ok, "{path}: {err}");
        let list: Value = serde_json::from_str(&out).expect("targets JSON");
        let targets = list["targets"].as_array().expect("targets");
        assert!(!targets.is_empty(), "{path}");
        let defaults: Vec<bool> = targets.iter().map(|t| t["default"] == true).collect();
        assert_eq!(defaults.iter().filter(|d| **d).count(), 1, "{path}");
        assert_eq!(defaults.last(), Some(&true), "{path}");
        assert!(targets.iter().all(|t| t["base"].is_string()), "{path}");
        assert_eq!(list["sources"].as_array().map(Vec::len), Some(1), "{path}");

        let (ok, out, err) = rustfront(&["debug", "outline", &path]);
        if ok {
            let outline: Value = serde_json::from_str(&out).expect("outline JSON");
            for arg in outline["args"].as_array().into_iter().flatten() {
                assert!(arg["name"].is_string(), "{path}");
                assert!(
                    arg["location"]["ranges"][0]["start"]["line"].as_u64() > Some(0),
                    "{path}"
                );
            }
            outlines += 1;
        } else {
            assert!(err.starts_with("error: "), "{path}: {err}");
        }

        let (code, out, err) = rustfront_code(&["lint", &path, "--format", "json"]);
        let results: Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{path}: {e} {err}"));
        assert_eq!(results["sources"][0]["filename"], path.as_ref());
        let failed = results.get("buildError").is_some();
        assert_eq!(code, Some(i32::from(failed)), "{path}");
        let found = results["warnings"].as_array().map_or(0, Vec::len);
        for w in results["warnings"].as_array().into_iter().flatten() {
            assert!(w["ruleName"].is_string() && w["url"].is_string(), "{path}");
        }
        warnings += found;
        let (human_code, human, _) = rustfront_code(&["lint", &path]);
        assert_eq!(human_code, code, "{path}");
        assert!(
            human.starts_with("Check complete, ") || failed,
            "{path}: {human}"
        );
    }
    assert!(outlines > 150, "only {outlines} outlines");
    assert!(warnings > 0);
}

#[test]
fn lint_exit_status_and_flags() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| {
        let file = dir.path().join(name);
        std::fs::write(&file, text).expect("write");
        file.to_string_lossy().into_owned()
    };
    let warns = write("warns.Dockerfile", "FROM alpine as build\nCMD echo\n");
    let (code, out, _) = rustfront_code(&["lint", &warns]);
    assert_eq!(code, Some(0), "warnings alone are not an error");
    assert!(
        out.starts_with("Check complete, 2 warnings have been found!\n"),
        "{out}"
    );
    assert!(out.contains("\nWARNING: FromAsCasing - https://docs.docker.com/go/dockerfile/rule/from-as-casing/\n'as' and 'FROM' keywords' casing do not match\n"), "{out}");
    assert!(out.contains(" >>> FROM alpine as build\n"), "{out}");

    let errors = write(
        "errors.Dockerfile",
        "# check=error=true\nFROM alpine as build\n",
    );
    let (code, out, _) = rustfront_code(&["lint", &errors]);
    assert_eq!(code, Some(1));
    assert!(
        out.ends_with("\nERROR: lint violation found for rules: FromAsCasing\n"),
        "{out}"
    );
    // `skip=` through the build arg, as BUILDKIT_DOCKERFILE_CHECK does for a build.
    let (code, out, _) = rustfront_code(&[
        "lint",
        &errors,
        "--build-arg",
        "BUILDKIT_DOCKERFILE_CHECK=skip=FromAsCasing;error=true",
    ]);
    assert_eq!(code, Some(0));
    assert_eq!(out, "Check complete, no warnings found.\n");

    // With --target only what the target needs is checked.
    let stages = write(
        "stages.Dockerfile",
        "FROM alpine AS a\nENV X=$NOPE\nFROM alpine AS b\n",
    );
    let (_, all, _) = rustfront_code(&["lint", &stages, "--format", "json"]);
    assert!(all.contains("\"ruleName\": \"UndefinedVar\""), "{all}");
    let (_, only_b, _) = rustfront_code(&["lint", &stages, "--format", "json", "--target", "b"]);
    assert!(only_b.starts_with("{\n  \"warnings\": null,"), "{only_b}");

    let (code, _, err) = rustfront_code(&["lint", &stages, "--format", "xml"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown format xml"), "{err}");
}

#[test]
fn lint_reads_the_dockerignore_of_the_context() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dockerfile = dir.path().join("Dockerfile");
    std::fs::write(
        &dockerfile,
        "# check=experimental=CopyIgnoredFile\nFROM alpine\nCOPY app.log keep.log /app/\n",
    )
    .expect("write");
    let file = dockerfile.to_string_lossy().into_owned();
    let (_, clean, _) = rustfront_code(&["lint", &file]);
    assert_eq!(clean, "Check complete, no warnings found.\n");
    // The context's .dockerignore (the Dockerfile's directory), as a build reads it.
    std::fs::write(dir.path().join(".dockerignore"), "*.log\n!keep.log\n").expect("write");
    let (_, out, _) = rustfront_code(&["lint", &file]);
    assert!(
        out.contains("Attempting to Copy file \"app.log\" that is excluded by .dockerignore"),
        "{out}"
    );
    assert!(!out.contains("\"keep.log\""), "{out}");
    // `<Dockerfile>.dockerignore` wins over the context's.
    std::fs::write(dir.path().join("Dockerfile.dockerignore"), "nothing\n").expect("write");
    let (_, own, _) = rustfront_code(&["lint", &file]);
    assert_eq!(own, "Check complete, no warnings found.\n");
}

#[test]
fn debug_why_reads_each_revisions_included_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let revision = |name: &str, step: &str| {
        let root = dir.path().join(name);
        std::fs::create_dir_all(&root).expect("mkdir");
        std::fs::write(
            root.join("Dockerfile"),
            "INCLUDE lib.Dockerfile AS lib\nFROM alpine\nCOPY --from=lib.build /out /out\n",
        )
        .expect("write");
        std::fs::write(
            root.join("lib.Dockerfile"),
            format!("FROM alpine AS build\nRUN {step} > /out\n"),
        )
        .expect("write");
        root.join("Dockerfile").to_string_lossy().into_owned()
    };
    let (old, new) = (revision("old", "make"), revision("new", "make all"));
    let (ok, out, err) = rustfront(&["debug", "why", &old, &new]);
    assert!(ok, "{err}");
    assert!(
        out.contains("stage lib.build: cache miss at step 2/2 (line 2): RUN make all > /out"),
        "{out}"
    );
}
