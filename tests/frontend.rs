//! The whole frontend against an in-process LLBBridge: options in, Dockerfile read, images
//! resolved, LLB solved, exactly one Return with the image config (or the error).

use prost::Message;
use rustfront::frontend;
use rustfront::gateway::FrontendEnv;
use rustfront::proto::moby::buildkit::v1::frontend as fe;
use rustfront::proto::pb;
use rustfront_gateway::testing::{FakeBuildkit, FakeHandle, frontend_env, source_ops};
use serde_json::Value;

const DIGEST: &str = "sha256:665ba8b2cdc0cb0200e2a42a6b3c0f8f684089f4cd1b81494fbb9805879120f7";
const BUSYBOX: &str = "docker.io/library/busybox:latest";
const BUSYBOX_CONFIG: &str = r#"{"architecture":"amd64","os":"linux",
  "config":{"Env":["PATH=/bin:/usr/bin","FROM_BASE=1"],"Cmd":["sh"],"WorkingDir":"/home"},
  "rootfs":{"type":"layers","diff_ids":["sha256:1111"]},
  "history":[{"created_by":"base layer"}]}"#;

fn env(opts: &[(&str, &str)]) -> FrontendEnv {
    frontend_env(opts).expect("env")
}

async fn run(fake: FakeBuildkit, opts: &[(&str, &str)]) -> FakeHandle {
    let (gateway, handle) = fake.start().await;
    frontend::serve(gateway, &env(opts))
        .await
        .expect("return accepted");
    handle
}

fn with_dockerfile(text: &str) -> FakeBuildkit {
    FakeBuildkit::new()
        .with_file("local://dockerfile", "Dockerfile", text)
        .with_image(BUSYBOX, "", BUSYBOX_CONFIG)
}

fn returned_config(ret: &fe::ReturnRequest) -> Value {
    let result = ret.result.as_ref().expect("a result, not an error");
    let config = result
        .metadata
        .get("containerimage.config")
        .expect("containerimage.config");
    serde_json::from_slice(config).expect("config JSON")
}

fn ops(def: &pb::Definition) -> Vec<pb::Op> {
    def.def
        .iter()
        .map(|b| pb::Op::decode(b.as_slice()).expect("op"))
        .collect()
}

fn execs(def: &pb::Definition) -> Vec<pb::ExecOp> {
    ops(def)
        .into_iter()
        .filter_map(|op| match op.op {
            Some(pb::op::Op::Exec(e)) => Some(e),
            _ => None,
        })
        .collect()
}

/// The definition of the final solve (the one carrying the build).
fn final_definition(handle: &FakeHandle) -> pb::Definition {
    let rec = handle.recorded();
    rec.definitions()
        .into_iter()
        .max_by_key(|d| d.def.len())
        .cloned()
        .expect("a definition")
}

#[tokio::test]
async fn multi_stage_build_returns_the_target_image() {
    let dockerfile = "\
ARG BASE=busybox
FROM ${BASE} AS build
ARG VERSION=1
RUN echo $VERSION > /v
FROM busybox AS unused
RUN exit 1
FROM busybox
COPY --from=build /v /v
ENTRYPOINT [\"/bin/cat\"]
LABEL from.file=yes
";
    let handle = run(
        with_dockerfile(dockerfile),
        &[
            ("build-arg:VERSION", "2"),
            ("label:from.opt", "yes"),
            ("cache-from", "localhost:5000/cache"),
            ("force-network-mode", "none"),
        ],
    )
    .await;
    let rec = handle.recorded();
    let config = returned_config(rec.the_return());
    let c = &config["config"];
    assert_eq!(c["Entrypoint"], serde_json::json!(["/bin/cat"]));
    assert!(
        c.get("Cmd").is_none(),
        "ENTRYPOINT resets the inherited CMD"
    );
    assert_eq!(c["WorkingDir"], "/home");
    assert_eq!(c["Labels"]["from.file"], "yes");
    assert_eq!(c["Labels"]["from.opt"], "yes");
    assert_eq!(
        c["Env"],
        serde_json::json!(["PATH=/bin:/usr/bin", "FROM_BASE=1"])
    );
    let history: Vec<&str> = config["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|h| h["created_by"].as_str())
        .collect();
    assert_eq!(
        history,
        [
            "base layer",
            "COPY /v /v # buildkit",
            "ENTRYPOINT [\"/bin/cat\"]",
            "LABEL from.file=yes"
        ]
    );

    // Every solve (Dockerfile, .dockerignore, the build) carried the cache imports.
    assert!(rec.solves.len() >= 3);
    for solve in &rec.solves {
        assert_eq!(solve.cache_imports.len(), 1);
        assert_eq!(solve.cache_imports[0].r#type, "registry");
        assert_eq!(solve.cache_imports[0].attrs["ref"], "localhost:5000/cache");
    }

    // The unused stage (which would fail) is pruned; the used RUN got the build arg and
    // the forced network mode.
    let def = final_definition(&handle);
    let runs = execs(&def);
    assert_eq!(runs.len(), 1);
    let meta = runs[0].meta.as_ref().expect("meta");
    assert_eq!(meta.args, ["/bin/sh", "-c", "echo $VERSION > /v"]);
    assert!(meta.env.contains(&"VERSION=2".to_string()));
    assert_eq!(meta.cwd, "/home");
    assert_eq!(runs[0].network, pb::NetMode::None as i32);

    // Base images are resolved once each, with a progress name.
    assert_eq!(rec.resolves.len(), 1);
    assert_eq!(rec.resolves[0].r#ref, BUSYBOX);
    assert_eq!(
        rec.resolves[0].log_name,
        format!("[internal] load metadata for {BUSYBOX}")
    );
    // Every op of the build knows its Dockerfile lines or is internal.
    let source = def.source.as_ref().expect("source map");
    assert_eq!(source.infos[0].filename, "Dockerfile");
}

#[tokio::test]
async fn dockerignore_and_follow_paths_reach_the_context_source() {
    let fake = with_dockerfile("FROM busybox\nCOPY app/ /app/\n").with_file(
        "local://context",
        ".dockerignore",
        "# comment\n*.log\n!keep.log\n",
    );
    let handle = run(fake, &[]).await;
    let def = final_definition(&handle);
    let context = source_ops(&def)
        .into_iter()
        .find(|s| s.identifier == "local://context")
        .expect("context source");
    assert_eq!(context.attrs["local.session"], "session-1");
    assert_eq!(
        context.attrs["local.excludepatterns"],
        r#"["*.log","!keep.log"]"#
    );
    assert_eq!(context.attrs["local.followpaths"], r#"["app"]"#);
    assert!(handle.recorded().the_return().result.is_some());
}

#[tokio::test]
async fn target_selects_a_stage() {
    let fake = with_dockerfile("FROM busybox AS a\nENV STAGE=a\nFROM busybox AS b\nENV STAGE=b\n");
    let handle = run(fake, &[("target", "A")]).await;
    let config = returned_config(handle.recorded().the_return());
    let env = config["config"]["Env"].as_array().expect("env").clone();
    assert!(env.contains(&Value::from("STAGE=a")));
}

#[tokio::test]
async fn dockerfile_errors_name_the_line() {
    let handle = run(with_dockerfile("FROM busybox\nRUN true\nFOO bar\n"), &[]).await;
    let rec = handle.recorded();
    let status = rec.the_return().error.as_ref().expect("an error Return");
    assert_ne!(status.code, 0);
    assert!(
        status.message.contains("Dockerfile:3") && status.message.contains("unknown instruction"),
        "{}",
        status.message
    );
    assert_eq!(
        status.details[0].type_url,
        "github.com/moby/buildkit/errdefs.Source+json"
    );
}

#[tokio::test]
async fn unknown_target_is_an_error() {
    let handle = run(
        with_dockerfile("FROM busybox AS a\n"),
        &[("target", "nope")],
    )
    .await;
    let rec = handle.recorded();
    let status = rec.the_return().error.as_ref().expect("an error Return");
    assert!(
        status
            .message
            .contains("target stage \"nope\" could not be found")
    );
}

#[tokio::test]
async fn syntax_directive_forwards_once() {
    let forwarded = fe::Result {
        metadata: [("marker".to_string(), b"forwarded".to_vec())].into(),
        ..fe::Result::default()
    };
    let fake = FakeBuildkit::new()
        .with_file(
            "local://dockerfile",
            "Dockerfile",
            "# syntax=other/frontend:1\nFROM x\n",
        )
        .with_frontend_result("gateway.v0", forwarded);
    let handle = run(fake, &[("build-arg:A", "1")]).await;
    let rec = handle.recorded();
    let request = rec
        .solves
        .iter()
        .find(|s| s.frontend == "gateway.v0")
        .expect("forwarding solve");
    assert_eq!(request.frontend_opt["source"], "other/frontend:1");
    assert_eq!(request.frontend_opt["cmdline"], "other/frontend:1");
    assert_eq!(request.frontend_opt["build-arg:A"], "1");
    let result = rec.the_return().result.as_ref().expect("result");
    assert_eq!(result.metadata["marker"], b"forwarded");

    // Started as the forwarded frontend: build, do not forward again.
    let fake = with_dockerfile("# syntax=other/frontend:1\nFROM busybox\n");
    let handle = run(fake, &[("cmdline", "other/frontend:1")]).await;
    let rec = handle.recorded();
    assert!(rec.solves.iter().all(|s| s.frontend.is_empty()));
    assert!(rec.the_return().result.is_some());
}

#[tokio::test]
async fn works_against_buildkit_0_8() {
    let fake = FakeBuildkit::v0_8()
        .with_file(
            "local://dockerfile",
            "Dockerfile",
            "FROM busybox\nWORKDIR /w\nRUN true\n",
        )
        .with_image(BUSYBOX, DIGEST, BUSYBOX_CONFIG);
    let handle = run(fake, &[("platform", "linux/amd64")]).await;
    let rec = handle.recorded();
    let ret = rec.the_return();
    let result = ret
        .result
        .as_ref()
        .unwrap_or_else(|| panic!("{:?}", ret.error));
    let platforms: Value =
        serde_json::from_slice(&result.metadata["refs.platforms"]).expect("refs.platforms");
    assert_eq!(platforms["Platforms"][0]["ID"], "linux/amd64");
    // The resolved digest pins the image.
    let def = final_definition(&handle);
    assert!(
        source_ops(&def)
            .iter()
            .any(|s| s.identifier == format!("docker-image://{BUSYBOX}@{DIGEST}"))
    );
}

#[tokio::test]
async fn describe_subrequest_lists_every_subrequest() {
    let handle = run(
        with_dockerfile("FROM busybox\n"),
        &[("requestid", "frontend.subrequests.describe")],
    )
    .await;
    let rec = handle.recorded();
    let result = rec.the_return().result.as_ref().expect("result");
    let list: Value = serde_json::from_slice(&result.metadata["result.json"]).expect("json");
    let names: Vec<&str> = list
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "frontend.outline",
            "frontend.targets",
            "frontend.lint",
            "frontend.convertllb",
            "frontend.subrequests.describe",
            "frontend.graph"
        ]
    );
    assert_eq!(result.metadata["version"], b"1.0.0");
    assert!(String::from_utf8_lossy(&result.metadata["result.txt"]).starts_with("NAME "));
    assert!(
        rec.solves
            .iter()
            .all(|s| s.definition.as_ref().is_none_or(|d| d.def.len() < 3))
    );
}

#[tokio::test]
async fn onbuild_triggers_of_the_base_run_first_and_are_cleared() {
    let base = r#"{"architecture":"amd64","os":"linux",
      "config":{"Env":["PATH=/bin"],"OnBuild":["RUN echo from-base > /t","LABEL base.trigger=1"]},
      "rootfs":{"type":"layers","diff_ids":["sha256:1111"]}}"#;
    let dockerfile = "\
FROM busybox AS parent
ONBUILD RUN echo from-stage > /s
FROM parent
ONBUILD LABEL mine=1
";
    let fake = FakeBuildkit::new()
        .with_file("local://dockerfile", "Dockerfile", dockerfile)
        .with_image(BUSYBOX, "", base);
    let handle = run(fake, &[]).await;
    let rec = handle.recorded();
    let config = returned_config(rec.the_return());
    assert_eq!(config["config"]["Labels"]["base.trigger"], "1");
    assert_eq!(
        config["config"]["OnBuild"],
        serde_json::json!(["LABEL mine=1"])
    );
    let def = final_definition(&handle);
    let commands: Vec<String> = execs(&def)
        .iter()
        .filter_map(|e| e.meta.as_ref()?.args.last().cloned())
        .collect();
    assert_eq!(commands, ["echo from-base > /t", "echo from-stage > /s"]);
}

#[tokio::test]
async fn add_downloads_urls_and_fetches_git_repositories() {
    let sum = "sha256:9f63d5cc0750937493c527a28ddeac70955c8bf9e535bacacb9ef36e785e82b4";
    let dockerfile = format!(
        "FROM busybox\nADD --checksum={sum} https://example.invalid/dl/tool.tar.gz /opt/\n"
    );
    let handle = run(with_dockerfile(&dockerfile), &[]).await;
    let def = final_definition(&handle);
    let http = source_ops(&def)
        .into_iter()
        .find(|s| s.identifier.starts_with("https://"))
        .expect("http source");
    assert_eq!(http.identifier, "https://example.invalid/dl/tool.tar.gz");
    assert_eq!(http.attrs["http.filename"], "tool.tar.gz");
    assert_eq!(http.attrs["http.checksum"], sum);
    // Downloads need no build context.
    assert!(
        source_ops(&def)
            .iter()
            .all(|s| s.identifier != "local://context")
    );

    // A git URL (here in the query form) is a git source, not a download.
    let git = "FROM busybox\nADD --keep-git-dir https://example.invalid/org/repo.git?ref=v1&subdir=docs /src\n";
    let handle = run(with_dockerfile(git), &[]).await;
    let def = final_definition(&handle);
    let repo = source_ops(&def)
        .into_iter()
        .find(|s| s.identifier.starts_with("git://"))
        .expect("git source");
    assert_eq!(
        repo.identifier,
        "git://example.invalid/org/repo.git#v1:docs"
    );
    assert_eq!(
        repo.attrs["git.fullurl"],
        "https://example.invalid/org/repo.git"
    );
    assert_eq!(repo.attrs["git.keepgitdir"], "true");
    assert!(
        source_ops(&def)
            .iter()
            .all(|s| !s.identifier.starts_with("https://"))
    );
}

#[tokio::test]
async fn an_unknown_base_image_names_its_from_line() {
    let handle = run(
        with_dockerfile("FROM busybox\nRUN true\nFROM nothere:1 AS x\n"),
        &[],
    )
    .await;
    let rec = handle.recorded();
    let status = rec.the_return().error.as_ref().expect("an error Return");
    assert!(
        status.message.contains("Dockerfile:3"),
        "{}",
        status.message
    );
    assert!(
        status.message.contains("docker.io/library/nothere:1"),
        "{}",
        status.message
    );
    assert!(
        !status.details.is_empty(),
        "the source detail points at the FROM"
    );
}

#[tokio::test]
async fn each_platform_of_a_multi_platform_build_is_solved() {
    let handle = run(
        with_dockerfile("FROM busybox\nRUN uname -m > /arch\n"),
        &[("platform", "linux/amd64,linux/arm64")],
    )
    .await;
    let rec = handle.recorded();
    let result = rec.the_return().result.as_ref().expect("a result");
    let platforms: Value = serde_json::from_slice(
        result
            .metadata
            .get("refs.platforms")
            .expect("refs.platforms"),
    )
    .expect("platforms JSON");
    let ids: Vec<&str> = platforms["Platforms"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|p| p["ID"].as_str())
        .collect();
    assert_eq!(ids, ["linux/amd64", "linux/arm64"]);
    // One solve per platform, each running the RUN for its own platform.
    let mut archs: Vec<String> = rec
        .definitions()
        .iter()
        .flat_map(|d| ops(d))
        .filter(|op| matches!(op.op, Some(pb::op::Op::Exec(_))))
        .filter_map(|op| op.platform.map(|p| p.architecture))
        .collect();
    archs.sort();
    assert_eq!(archs, ["amd64", "arm64"]);
    for arch in ["amd64", "arm64"] {
        let config = result
            .metadata
            .get(&format!("containerimage.config/linux/{arch}"))
            .expect("a config per platform");
        let config: Value = serde_json::from_slice(config).expect("config JSON");
        assert_eq!(config["architecture"], arch);
    }
}

fn warned(handle: &FakeHandle) -> Vec<String> {
    handle
        .recorded()
        .warns
        .iter()
        .map(|w| String::from_utf8_lossy(&w.short).into_owned())
        .collect()
}

#[tokio::test]
async fn build_check_warnings_are_sent_once_for_all_platforms() {
    let dockerfile = "FROM busybox AS Build\nENV A 1\n";
    let handle = run(
        with_dockerfile(dockerfile),
        &[("platform", "linux/amd64,linux/arm64")],
    )
    .await;
    assert_eq!(
        warned(&handle),
        [
            "StageNameCasing: Stage name 'Build' should be lowercase (line 1)",
            "LegacyKeyValueFormat: \"ENV key=value\" should be used instead of legacy \"ENV key value\" format (line 2)",
        ]
    );
    assert!(handle.recorded().the_return().error.is_none());
}

#[tokio::test]
async fn check_error_true_fails_after_sending_the_warnings() {
    let dockerfile = "# check=error=true\nFROM busybox AS Build\nENV A 1\n";
    let handle = run(with_dockerfile(dockerfile), &[]).await;
    assert_eq!(warned(&handle).len(), 2);
    let rec = handle.recorded();
    let status = rec.the_return().error.as_ref().expect("the build fails");
    assert!(
        status
            .message
            .contains("lint violation found for rules: LegacyKeyValueFormat, StageNameCasing"),
        "{}",
        status.message
    );
}

#[tokio::test]
async fn parser_warnings_reach_the_client_unless_skipped() {
    let dockerfile = "FROM busybox\nRUN echo a \\\n\n  b\n";
    let handle = run(with_dockerfile(dockerfile), &[]).await;
    let rec = handle.recorded();
    let shorts: Vec<String> = rec
        .warns
        .iter()
        .map(|w| String::from_utf8_lossy(&w.short).into_owned())
        .collect();
    assert_eq!(
        shorts,
        ["NoEmptyContinuation: Empty continuation line (line 4)"]
    );
    let warn = &rec.warns[0];
    assert_eq!(warn.level, 1);
    assert_eq!(
        warn.url,
        "https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/"
    );
    assert_eq!(
        warn.info.as_ref().map(|i| i.filename.as_str()),
        Some("Dockerfile")
    );
    // Attached to the op that loaded the Dockerfile.
    assert!(rec.definitions().iter().any(|d| {
        d.def
            .iter()
            .any(|op| rustfront::llb::digest_of(op) == warn.digest)
    }));

    let skipped = format!("# check=skip=NoEmptyContinuation\n{dockerfile}");
    let handle = run(with_dockerfile(&skipped), &[]).await;
    assert!(handle.recorded().warns.is_empty());
}

const INCLUDING: &str =
    "INCLUDE lib/build.Dockerfile AS lib\nFROM busybox\nCOPY --from=lib.build /out /out\n";

fn with_context(files: &[(&str, &str)]) -> FakeBuildkit {
    files
        .iter()
        .fold(with_dockerfile(INCLUDING), |fake, (path, data)| {
            fake.with_file("local://context", path, *data)
        })
}

#[tokio::test]
async fn include_transfers_only_the_included_file() {
    let fake = with_context(&[
        (
            "lib/build.Dockerfile",
            "FROM busybox AS build\nRUN echo hi > /out\n",
        ),
        ("lib/other.Dockerfile", "FROM busybox\n"),
        ("big.bin", "not needed"),
        (".dockerignore", "*.bin\n"),
    ]);
    let handle = run(fake, &[]).await;
    let rec = handle.recorded();
    assert!(rec.the_return().result.is_some(), "{:?}", rec.the_return());
    // One solve of the context with exactly that path, the context's excludes applied.
    let include_sources: Vec<pb::SourceOp> = rec
        .definitions()
        .into_iter()
        .flat_map(source_ops)
        .filter(|s| {
            s.identifier == "local://context"
                && s.attrs.get("local.sharedkeyhint").map(String::as_str) == Some("context-include")
        })
        .collect();
    assert_eq!(include_sources.len(), 1);
    assert_eq!(
        include_sources[0].attrs["local.followpaths"],
        r#"["lib/build.Dockerfile"]"#
    );
    assert_eq!(
        include_sources[0].attrs["local.excludepatterns"],
        r#"["*.bin"]"#
    );
    let reads: Vec<&str> = rec
        .read_files
        .iter()
        .map(|r| r.file_path.as_str())
        .collect();
    assert_eq!(
        reads,
        [
            "Dockerfile",
            "Dockerfile.dockerignore",
            ".dockerignore",
            "lib/build.Dockerfile"
        ]
    );
    // The included stage's ops are named after it and point into its file.
    let def = final_definition(&handle);
    let source = def.source.as_ref().expect("source map");
    let mut files: Vec<&str> = source.infos.iter().map(|i| i.filename.as_str()).collect();
    files.sort();
    assert_eq!(files, ["Dockerfile", "lib/build.Dockerfile"]);
    let names: Vec<&str> = def
        .metadata
        .values()
        .filter_map(|m| m.description.get("llb.customname").map(String::as_str))
        .collect();
    assert!(
        names.contains(&"[lib.build 2/2] RUN echo hi > /out"),
        "{names:?}"
    );
}

#[tokio::test]
async fn include_errors_point_into_the_included_file() {
    let handle = run(
        with_context(&[("lib/build.Dockerfile", "FROM busybox AS build\nBOGUS x\n")]),
        &[],
    )
    .await;
    let rec = handle.recorded();
    let status = rec.the_return().error.as_ref().expect("an error Return");
    assert_eq!(
        status.message,
        "lib/build.Dockerfile:2: unknown instruction: BOGUS"
    );
    // A file the context does not send (missing, or excluded by .dockerignore).
    let handle = run(
        with_context(&[("lib/build.Dockerfile", "FROM busybox AS build\n")]).with_file(
            "local://context",
            ".dockerignore",
            "lib\n",
        ),
        &[],
    )
    .await;
    let rec = handle.recorded();
    let status = rec.the_return().error.as_ref().expect("an error Return");
    assert!(
        status
            .message
            .starts_with("Dockerfile:1: failed to read included file lib/build.Dockerfile"),
        "{}",
        status.message
    );
}

#[tokio::test]
async fn include_warnings_point_into_the_included_file() {
    let handle = run(
        with_context(&[(
            "lib/build.Dockerfile",
            "FROM busybox as build\nRUN echo a \\\n\n  b > /out\n",
        )]),
        &[],
    )
    .await;
    let rec = handle.recorded();
    assert!(rec.the_return().result.is_some());
    let warns: Vec<(String, &str)> = rec
        .warns
        .iter()
        .map(|w| {
            (
                String::from_utf8_lossy(&w.short).into_owned(),
                w.info.as_ref().map_or("", |i| i.filename.as_str()),
            )
        })
        .collect();
    assert_eq!(
        warns,
        [
            (
                "NoEmptyContinuation: Empty continuation line (line 4)".to_string(),
                "lib/build.Dockerfile"
            ),
            (
                "FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)".to_string(),
                "lib/build.Dockerfile"
            ),
        ]
    );
}

/// The metadata of the Return of a subrequest.
fn subrequest_metadata(handle: &FakeHandle) -> std::collections::HashMap<String, Vec<u8>> {
    let rec = handle.recorded();
    let ret = rec.the_return();
    let result = ret
        .result
        .as_ref()
        .unwrap_or_else(|| panic!("a result, not {:?}", ret.error));
    result.metadata.clone()
}

fn metadata_json(metadata: &std::collections::HashMap<String, Vec<u8>>) -> Value {
    serde_json::from_slice(&metadata["result.json"]).expect("result.json")
}

/// Only the Dockerfile (and .dockerignore) are loaded: no build is solved for a subrequest.
fn nothing_built(handle: &FakeHandle) -> bool {
    handle
        .recorded()
        .solves
        .iter()
        .all(|s| s.definition.as_ref().is_none_or(|d| d.def.len() < 3))
}

const SUBREQUEST_DOCKERFILE: &str = "\
# BASE the image to start from
ARG BASE=busybox
# build compiles it
FROM ${BASE} AS build
RUN --mount=type=secret,id=token,required echo
FROM busybox AS Other
FROM busybox
COPY --from=build /x /x
";

#[tokio::test]
async fn outline_subrequest_returns_upstreams_keys_and_json() {
    let handle = run(
        with_dockerfile(SUBREQUEST_DOCKERFILE),
        &[("requestid", "frontend.outline"), ("target", "build")],
    )
    .await;
    let metadata = subrequest_metadata(&handle);
    let mut keys: Vec<&str> = metadata.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["result.json", "result.txt", "version"]);
    assert_eq!(metadata["version"], b"1.0.0");
    let outline = metadata_json(&metadata);
    assert_eq!(outline["name"], "build");
    assert_eq!(outline["description"], "compiles it");
    assert_eq!(outline["args"][0]["name"], "BASE");
    assert_eq!(outline["args"][0]["value"], "busybox");
    assert_eq!(outline["args"][0]["description"], "the image to start from");
    assert_eq!(
        outline["args"][0]["location"]["ranges"][0]["start"]["line"],
        2
    );
    assert_eq!(outline["secrets"][0]["name"], "token");
    assert_eq!(outline["secrets"][0]["required"], true);
    assert!(outline["sources"][0].is_string());
    let text = String::from_utf8_lossy(&metadata["result.txt"]).into_owned();
    assert!(text.starts_with("TARGET:      build\n"), "{text}");
    // The base image was resolved (for ARGs using its ENV), nothing built; as upstream, the
    // build checks of the conversion were sent (stage names are checked in every stage).
    assert_eq!(handle.recorded().resolves.len(), 1);
    assert!(nothing_built(&handle));
    assert_eq!(
        warned(&handle),
        ["StageNameCasing: Stage name 'Other' should be lowercase (line 6)"]
    );
}

#[tokio::test]
async fn targets_subrequest_lists_every_stage() {
    let handle = run(
        with_dockerfile(SUBREQUEST_DOCKERFILE),
        &[("requestid", "frontend.targets")],
    )
    .await;
    let metadata = subrequest_metadata(&handle);
    let list = metadata_json(&metadata);
    let targets = list["targets"].as_array().expect("targets");
    let names: Vec<&str> = targets
        .iter()
        .map(|t| t["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["build", "other", ""]);
    assert_eq!(targets[0]["base"], "${BASE}");
    assert_eq!(targets[2]["default"], true);
    assert!(targets[0].get("default").is_none());
    assert_eq!(
        String::from_utf8_lossy(&metadata["result.txt"]),
        "TARGET    DESCRIPTION\nbuild     compiles it\nother     \n(default) \n"
    );
    assert_eq!(handle.recorded().resolves.len(), 0);
    assert!(nothing_built(&handle));
}

#[tokio::test]
async fn lint_subrequest_checks_every_stage_and_sends_no_warning() {
    let handle = run(
        with_dockerfile(SUBREQUEST_DOCKERFILE),
        &[("requestid", "frontend.lint")],
    )
    .await;
    let metadata = subrequest_metadata(&handle);
    let mut keys: Vec<&str> = metadata.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["result.json", "result.statuscode", "result.txt", "version"]
    );
    assert_eq!(metadata["result.statuscode"], b"1");
    let results = metadata_json(&metadata);
    assert_eq!(results["warnings"][0]["ruleName"], "StageNameCasing");
    assert_eq!(
        results["warnings"][0]["location"]["ranges"][0]["start"]["line"],
        6
    );
    assert_eq!(results["sources"][0]["filename"], "Dockerfile");
    assert_eq!(results["sources"][0]["language"], "Dockerfile");
    assert!(results.get("buildError").is_none());
    let text = String::from_utf8_lossy(&metadata["result.txt"]).into_owned();
    assert!(
        text.starts_with("\nWARNING: StageNameCasing - https://docs.docker.com/go/dockerfile/rule/stage-name-casing/\n"),
        "{text}"
    );
    // The findings are the answer, not warnings of a build.
    assert!(warned(&handle).is_empty());
    assert!(nothing_built(&handle));
}

#[tokio::test]
async fn lint_subrequest_reports_what_stops_the_build() {
    let handle = run(
        with_dockerfile("FROM busybox\nCOPY --from=nowhere:x@y /a /b\n"),
        &[("requestid", "frontend.lint")],
    )
    .await;
    let metadata = subrequest_metadata(&handle);
    let results = metadata_json(&metadata);
    assert!(results["warnings"].is_null());
    assert!(results["buildError"]["message"].is_string());
    assert_eq!(
        results["buildError"]["location"]["ranges"][0]["start"]["line"],
        2
    );
    assert_eq!(metadata["result.statuscode"], b"1");
}

#[tokio::test]
async fn graph_subrequest_is_the_stage_graph() {
    let handle = run(
        with_dockerfile(SUBREQUEST_DOCKERFILE),
        &[("requestid", "frontend.graph")],
    )
    .await;
    let metadata = subrequest_metadata(&handle);
    let graph = metadata_json(&metadata);
    assert_eq!(graph["target"], 2);
    assert!(String::from_utf8_lossy(&metadata["result.txt"]).starts_with("digraph"));
    assert_eq!(metadata["version"], b"0.1.0");
}

#[tokio::test]
async fn convertllb_answers_the_llb_a_build_solves() {
    // `as` in lower case: a FromAsCasing warning, shown for the subrequest too.
    let file =
        "FROM busybox AS build\nRUN echo hi > /a\nFROM scratch as final\nCOPY --from=build /a /a\n";
    let built = run(with_dockerfile(file), &[]).await;
    let built = built.recorded();
    let solved = built
        .definitions()
        .last()
        .cloned()
        .cloned()
        .expect("the build's solve");
    let asked = run(
        with_dockerfile(file),
        &[("requestid", "frontend.convertllb")],
    )
    .await;
    let metadata = subrequest_metadata(&asked);
    assert_eq!(metadata["version"], b"0.1.0");
    let json = String::from_utf8_lossy(&metadata["result.json"]).into_owned();
    let expected = rustfront::llb::convert_llb_json(&solved).expect("json");
    assert_eq!(json, expected);
    let answer: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(
        answer["def"].as_object().map(|d| d.len()),
        Some(solved.def.len())
    );
    assert!(json.contains("\"identifier\": \"docker-image://docker.io/library/busybox:latest\""));
    // The source map carries the LLB that loaded the Dockerfile, as protojson.
    assert!(
        answer.pointer("/source/infos/0/definition/def/0").is_some(),
        "{json}"
    );
    let shorts = |warns: &[rustfront::proto::moby::buildkit::v1::frontend::WarnRequest]| {
        warns
            .iter()
            .map(|w| String::from_utf8_lossy(&w.short).into_owned())
            .collect::<Vec<_>>()
    };
    let warned = shorts(&asked.recorded().warns);
    assert_eq!(warned, shorts(&built.warns));
    assert!(
        warned.iter().any(|w| w.contains("FromAsCasing")),
        "{warned:?}"
    );
}

fn error_of(handle: &FakeHandle) -> String {
    let rec = handle.recorded();
    let status = rec.the_return().error.as_ref().expect("an error Return");
    assert_ne!(status.code, 0);
    status.message.clone()
}

#[tokio::test]
async fn a_platform_named_twice_is_listed_twice_as_upstream() {
    let handle = run(
        with_dockerfile("FROM busybox\n"),
        &[("platform", "linux/amd64,linux/amd64")],
    )
    .await;
    let rec = handle.recorded();
    let result = rec.the_return().result.as_ref().expect("a result");
    let platforms: Value =
        serde_json::from_slice(&result.metadata["refs.platforms"]).expect("platforms JSON");
    let ids: Vec<&str> = platforms["Platforms"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|p| p["ID"].as_str())
        .collect();
    assert_eq!(ids, ["linux/amd64", "linux/amd64"]);
    let Some(fe::result::Result::Refs(refs)) = &result.result else {
        panic!("a ref map");
    };
    assert_eq!(refs.refs.len(), 1);
}

/// A Dockerfile of `size` bytes: a FROM, comments, then `tail`.
fn padded_dockerfile(size: usize, tail: &str) -> String {
    let mut text = String::from("FROM busybox\n");
    let line = format!("# {}\n", "x".repeat(1_000));
    while text.len() + line.len() + tail.len() <= size {
        text.push_str(&line);
    }
    text.push_str(&"#".repeat(size - text.len() - tail.len() - 1));
    text.push('\n');
    text.push_str(tail);
    text
}

#[tokio::test]
async fn a_dockerfile_bigger_than_the_daemon_accepts_is_refused_with_the_limit() {
    let text = padded_dockerfile(5 << 20, "RUN true\n");
    let handle = run(with_dockerfile(&text), &[]).await;
    assert_eq!(
        error_of(&handle),
        "the Dockerfile is 5 MiB and its LLB carries it whole; BuildKit accepts at most 4 MiB \
         per build request (BuildKit v0.14 and later: 16 MiB)"
    );
    // BuildKit v0.14 takes 16 MiB: the same file builds.
    let fake = FakeBuildkit::v0_14()
        .with_file("local://dockerfile", "Dockerfile", text)
        .with_image(BUSYBOX, "", BUSYBOX_CONFIG);
    let (gateway, handle) = fake.start().await;
    frontend::serve(gateway, &env(&[])).await.expect("return");
    assert!(handle.recorded().the_return().result.is_some());
}

#[tokio::test]
async fn an_llb_bigger_than_the_daemon_accepts_names_the_instruction_and_the_limit() {
    let mut text = String::from("FROM busybox\n");
    for i in 0..40_000 {
        text.push_str(&format!("RUN echo {i}\n"));
    }
    let message = error_of(&run(with_dockerfile(&text), &[]).await);
    assert!(
        message.contains(
            ": the LLB for this Dockerfile grows past 4 MiB here; BuildKit accepts at most 4 MiB \
             per build request (BuildKit v0.14 and later: 16 MiB)"
        ),
        "{message}"
    );
    assert!(message.starts_with("Dockerfile:"), "{message}");
}

#[tokio::test]
async fn a_solve_request_past_the_limit_is_not_sent() {
    // The Dockerfile alone is just under 4 MiB: the LLB (its ops, metadata and the file) is
    // only known to be too big once marshaled.
    let text = padded_dockerfile((4 << 20) - 500, "RUN true\n");
    let handle = run(with_dockerfile(&text), &[]).await;
    let message = error_of(&handle);
    assert!(
        message.starts_with("the LLB for this Dockerfile is 4.0 MiB; BuildKit accepts at most 4 MiB per build request"),
        "{message}"
    );
    // Only the Dockerfile's own load was solved.
    assert!(handle.recorded().definitions().len() <= 2);
}

#[tokio::test]
async fn an_error_whose_snippet_does_not_fit_is_returned_without_it() {
    // The error's source detail would carry the whole (~4 MiB) Dockerfile.
    let text = padded_dockerfile((4 << 20) - 100, "RUN true\n");
    let handle = run(with_dockerfile(&text), &[]).await;
    let rec = handle.recorded();
    let status = rec.the_return().error.as_ref().expect("an error Return");
    assert!(
        status.message.contains("grows past 4 MiB"),
        "{}",
        status.message
    );
    assert!(status.details.is_empty());
}

#[tokio::test]
async fn subrequests_read_included_files() {
    let context = [(
        "lib/build.Dockerfile",
        "# build makes /out\nFROM busybox as build\nARG FLAVOUR=plain\nRUN echo $FLAVOUR > /out\n",
    )];
    // targets: the included stages in place of their INCLUDE line, located in their file.
    let handle = run(with_context(&context), &[("requestid", "frontend.targets")]).await;
    let list = metadata_json(&subrequest_metadata(&handle));
    let targets = list["targets"].as_array().expect("targets");
    assert_eq!(targets[0]["name"], "lib.build");
    assert_eq!(targets[0]["description"], "makes /out");
    assert_eq!(targets[0]["location"]["sourceIndex"], 1);
    assert_eq!(list["sources"].as_array().map(Vec::len), Some(2));
    // outline of an included stage: its ARG, in its file.
    let handle = run(
        with_context(&context),
        &[("requestid", "frontend.outline"), ("target", "lib.build")],
    )
    .await;
    let outline = metadata_json(&subrequest_metadata(&handle));
    assert_eq!(outline["args"][0]["name"], "FLAVOUR");
    assert_eq!(outline["args"][0]["location"]["sourceIndex"], 1);
    // lint: the included file's warnings, pointing into it.
    let handle = run(with_context(&context), &[("requestid", "frontend.lint")]).await;
    let results = metadata_json(&subrequest_metadata(&handle));
    let warning = &results["warnings"][0];
    assert_eq!(warning["ruleName"], "FromAsCasing");
    assert_eq!(warning["location"]["sourceIndex"], 1);
    assert_eq!(results["sources"][1]["filename"], "lib/build.Dockerfile");
}

#[tokio::test]
async fn base_images_are_resolved_once_each_though_asked_early() {
    // A single-platform build starts resolving while it reads .dockerignore; the conversion
    // then uses those answers rather than asking again.
    let file = "FROM busybox AS a\nRUN true\nFROM busybox\nCOPY --from=a / /\n";
    let handle = run(
        with_dockerfile(file).with_file("local://context", ".dockerignore", "*.tmp\n"),
        &[],
    )
    .await;
    let rec = handle.recorded();
    assert!(
        rec.the_return().error.is_none(),
        "{:?}",
        rec.the_return().error
    );
    assert_eq!(rec.resolves.len(), 1, "{:?}", rec.resolves);
    // A missing base image still fails with BuildKit's answer (only the target's stage is
    // resolved: the first one is not used).
    let handle = run(with_dockerfile("FROM busybox\nFROM nosuch:1\n"), &[]).await;
    let message = error_of(&handle);
    assert!(
        message.contains("docker.io/library/nosuch:1: not found"),
        "{message}"
    );
    assert_eq!(handle.recorded().resolves.len(), 1);
}
