//! The whole frontend against an in-process LLBBridge: options in, Dockerfile read, images
//! resolved, LLB solved, exactly one Return with the image config (or the error).

mod common;

use common::{FakeBuildkit, FakeHandle, source_ops};
use prost::Message;
use rustfront::frontend;
use rustfront::gateway::FrontendEnv;
use rustfront::proto::moby::buildkit::v1::frontend as fe;
use rustfront::proto::pb;
use serde_json::Value;

const DIGEST: &str = "sha256:665ba8b2cdc0cb0200e2a42a6b3c0f8f684089f4cd1b81494fbb9805879120f7";
const BUSYBOX: &str = "docker.io/library/busybox:latest";
const BUSYBOX_CONFIG: &str = r#"{"architecture":"amd64","os":"linux",
  "config":{"Env":["PATH=/bin:/usr/bin","FROM_BASE=1"],"Cmd":["sh"],"WorkingDir":"/home"},
  "rootfs":{"type":"layers","diff_ids":["sha256:1111"]},
  "history":[{"created_by":"base layer"}]}"#;

fn env(opts: &[(&str, &str)]) -> FrontendEnv {
    let mut vars: Vec<(String, String)> = opts
        .iter()
        .enumerate()
        .map(|(i, (k, v))| (format!("BUILDKIT_FRONTEND_OPT_{i}"), format!("{k}={v}")))
        .collect();
    vars.push(("BUILDKIT_SESSION_ID".into(), "session-1".into()));
    vars.push((
        "BUILDKIT_WORKERS".into(),
        r#"[{"ID":"w0","Platforms":[{"OS":"linux","Architecture":"amd64"}]}]"#.into(),
    ));
    FrontendEnv::from_vars(vars).expect("env")
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
async fn describe_subrequest_lists_itself() {
    let handle = run(
        with_dockerfile("FROM busybox\n"),
        &[("requestid", "frontend.subrequests.describe")],
    )
    .await;
    let rec = handle.recorded();
    let result = rec.the_return().result.as_ref().expect("result");
    let list: Value = serde_json::from_slice(&result.metadata["result.json"]).expect("json");
    assert_eq!(list[0]["name"], "frontend.subrequests.describe");
    assert_eq!(result.metadata["version"], b"1.0.0");
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
async fn add_url_downloads_with_checksum_and_refuses_git() {
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

    let git = "FROM busybox\nADD https://example.invalid/org/repo.git#v1 /src\n";
    let handle = run(with_dockerfile(git), &[]).await;
    let rec = handle.recorded();
    let status = rec.the_return().error.as_ref().expect("an error Return");
    assert!(
        status.message.contains("Dockerfile:2"),
        "{}",
        status.message
    );
    assert!(
        status.message.contains("git repositories"),
        "{}",
        status.message
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
