//! The gateway client against the in-process fake LLBBridge of the `testing` feature.

use std::collections::BTreeMap;
use std::time::Duration;

use rustfront_gateway::proto::google::protobuf::Any;
use rustfront_gateway::proto::google::rpc::Status as RpcStatus;
use rustfront_gateway::proto::moby::buildkit::v1::frontend::{self as fe, result};
use rustfront_gateway::proto::moby::buildkit::v1::types::WorkerRecord;
use rustfront_gateway::proto::pb;
use rustfront_gateway::testing::{FakeBuildkit, MODE_DIR, platform, source_definition};
use rustfront_gateway::{
    self as gateway, CacheOptionsEntry, FileRange, FrontendEnv, GatewayError, PlatformImage,
    Warning, frontend_cap, llb_cap,
};

/// Fails the test instead of hanging when the client does not answer.
async fn within<T>(fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), fut)
        .await
        .expect("call did not finish within 10 s")
}

fn registry(reference: &str) -> CacheOptionsEntry {
    CacheOptionsEntry {
        r#type: "registry".into(),
        attrs: [("ref".to_owned(), reference.to_owned())].into(),
    }
}

#[tokio::test]
async fn ping_reports_enabled_caps_and_workers() {
    let (gw, fake) = FakeBuildkit::new()
        .with_disabled_frontend_cap(frontend_cap::WARNINGS)
        .with_workers(vec![WorkerRecord {
            id: "w1".into(),
            platforms: vec![
                platform("linux", "arm64", ""),
                platform("linux", "arm", "v7"),
            ],
            ..Default::default()
        }])
        .start()
        .await;
    assert!(gw.caps().is_none());
    let caps = within(gw.ping()).await.expect("ping");
    assert!(caps.has_frontend(frontend_cap::READ_FILE));
    assert!(caps.has_frontend(frontend_cap::EVALUATE));
    assert!(
        !caps.has_frontend(frontend_cap::WARNINGS),
        "disabled cap must not count"
    );
    assert!(caps.has_llb(llb_cap::MERGE_OP));
    assert!(!caps.has_llb("no.such.cap"));
    assert_eq!(caps.workers.len(), 1);
    assert_eq!(caps.workers[0].id, "w1");
    assert_eq!(caps.workers[0].platforms[1].variant, "v7");
    assert_eq!(gw.caps(), Some(&caps));
    assert_eq!(fake.recorded().pings, 1);
}

#[tokio::test]
async fn v0_8_caps_lack_newer_features() {
    let (gw, _fake) = FakeBuildkit::v0_8().start().await;
    let caps = within(gw.ping()).await.expect("ping");
    assert!(caps.has_frontend(frontend_cap::SOLVE_EVALUATE));
    assert!(!caps.has_frontend(frontend_cap::EVALUATE));
    assert!(!caps.has_frontend(frontend_cap::WARNINGS));
    assert!(caps.has_llb(llb_cap::FILE_BASE));
    assert!(!caps.has_llb(llb_cap::MERGE_OP));
}

#[tokio::test]
async fn solve_sends_definition_cache_imports_and_flags() {
    let (gw, fake) = FakeBuildkit::new().start().await;
    let def = source_definition("docker-image://docker.io/library/alpine:latest");
    let imports = vec![registry("example.com/cache")];
    let id = within(gw.solve(def.clone(), &imports, true))
        .await
        .expect("solve");
    assert!(!id.is_empty());

    let rec = fake.recorded();
    let req = rec.solve_of(&id).expect("solve recorded for the ref");
    assert_eq!(req.definition.as_ref(), Some(&def));
    assert_eq!(req.cache_imports, imports);
    assert!(req.evaluate);
    assert!(req.allow_result_return && req.allow_result_array_ref);
    assert!(req.frontend.is_empty());
}

#[tokio::test]
async fn solving_an_empty_definition_gives_the_empty_ref() {
    let (gw, _fake) = FakeBuildkit::new().start().await;
    let id = within(gw.solve(pb::Definition::default(), &[], false))
        .await
        .expect("solve");
    assert_eq!(id, "");
}

#[tokio::test]
async fn read_file_whole_ranged_and_missing() {
    let (gw, fake) = FakeBuildkit::new()
        .with_file(
            "local://dockerfile",
            "Dockerfile",
            "FROM alpine\nRUN true\n",
        )
        .start()
        .await;
    let id = within(gw.solve(source_definition("local://dockerfile"), &[], false))
        .await
        .expect("solve");

    let whole = within(gw.read_file(&id, "Dockerfile", None))
        .await
        .expect("read");
    assert_eq!(whole, b"FROM alpine\nRUN true\n");
    let range = FileRange {
        offset: 5,
        length: 6,
    };
    let part = within(gw.read_file(&id, "Dockerfile", Some(range)))
        .await
        .expect("range");
    assert_eq!(part, b"alpine");
    let empty = FileRange {
        offset: 0,
        length: 0,
    };
    let none = within(gw.read_file(&id, "Dockerfile", Some(empty)))
        .await
        .expect("empty");
    assert!(none.is_empty());

    let err = within(gw.read_file(&id, "Dockerfile.dockerignore", None))
        .await
        .expect_err("missing file");
    assert_eq!(err.code(), tonic::Code::Unknown);
    // The user sees BuildKit's message, unchanged.
    assert_eq!(
        err.to_string(),
        "open Dockerfile.dockerignore: no such file or directory"
    );
    assert!(matches!(
        err,
        GatewayError::Rpc {
            method: "ReadFile",
            ..
        }
    ));

    let rec = fake.recorded();
    assert_eq!(rec.read_files.len(), 4);
    assert_eq!(rec.read_files[1].range, Some(range));
    assert_eq!(rec.read_files[0].range, None);
}

#[tokio::test]
async fn read_file_larger_than_grpc_default_limit() {
    let big: Vec<u8> = (0..(5 << 20) + 123).map(|i| (i % 251) as u8).collect();
    let (gw, _fake) = FakeBuildkit::new()
        .with_file("local://context", "big.bin", big.clone())
        .start()
        .await;
    let id = within(gw.solve(source_definition("local://context"), &[], false))
        .await
        .expect("solve");
    let data = within(gw.read_file(&id, "/big.bin", None))
        .await
        .expect("read big");
    assert_eq!(data.len(), big.len());
    assert!(data == big);
}

#[tokio::test]
async fn concurrent_calls_share_the_connection() {
    let (gw, fake) = FakeBuildkit::new()
        .with_file("local://context", "a", "A")
        .with_file("local://context", "b", "B")
        .start()
        .await;
    let id = within(gw.solve(source_definition("local://context"), &[], false))
        .await
        .expect("solve");
    let client = gw.client();
    let spawned = tokio::spawn({
        let id = id.clone();
        async move { client.read_file(&id, "b", None).await }
    });
    let (a, b) = within(async { tokio::join!(gw.read_file(&id, "a", None), spawned) }).await;
    assert_eq!(a.expect("a"), b"A");
    assert_eq!(b.expect("task").expect("b"), b"B");
    assert_eq!(fake.recorded().read_files.len(), 2);
}

#[tokio::test]
async fn read_dir_and_stat() {
    let (gw, _fake) = FakeBuildkit::new()
        .with_file("ref-key", "src/main.rs", "fn main() {}")
        .with_file("ref-key", "src/lib/mod.rs", "")
        .with_file("ref-key", "README.md", "hi")
        .start()
        .await;
    // Files keyed by a source identifier the definition uses.
    let id = within(gw.solve(source_definition("ref-key"), &[], false))
        .await
        .expect("solve");
    let entries = within(gw.read_dir(&id, "src", None))
        .await
        .expect("readdir");
    let names: Vec<_> = entries.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(names, ["lib", "main.rs"]);
    assert_eq!(entries[0].mode & MODE_DIR, MODE_DIR);
    let filtered = within(gw.read_dir(&id, "/", Some("*.md")))
        .await
        .expect("readdir");
    assert_eq!(filtered.len(), 1);
    assert_eq!(filtered[0].path, "README.md");

    let stat = within(gw.stat_file(&id, "src/main.rs"))
        .await
        .expect("stat");
    assert_eq!(stat.size, 12);
    assert_eq!(stat.mode & MODE_DIR, 0);
    let err = within(gw.stat_file(&id, "nope"))
        .await
        .expect_err("missing");
    assert!(err.to_string().contains("no such file or directory"));
    let err = within(gw.stat_file("", "x"))
        .await
        .expect_err("scratch ref");
    assert_eq!(err.to_string(), "no such ref");
}

#[tokio::test]
async fn resolve_image_config_roundtrip() {
    let config = br#"{"architecture":"arm64","os":"linux"}"#;
    let (gw, fake) = FakeBuildkit::new()
        .with_image("docker.io/library/alpine:latest", "sha256:abc", &config[..])
        .start()
        .await;
    let plat = platform("linux", "arm64", "");
    let resolved = within(gw.resolve_image_config(
        "docker.io/library/alpine:latest",
        Some(plat.clone()),
        "pull",
        "[internal] load metadata for docker.io/library/alpine:latest",
    ))
    .await
    .expect("resolve");
    assert_eq!(resolved.digest, "sha256:abc");
    assert_eq!(resolved.config, config);
    assert_eq!(resolved.reference, "docker.io/library/alpine:latest");

    let rec = fake.recorded();
    assert_eq!(rec.resolves.len(), 1);
    assert_eq!(rec.resolves[0].platform, Some(plat));
    assert_eq!(rec.resolves[0].resolve_mode, "pull");
    assert!(
        rec.resolves[0]
            .log_name
            .starts_with("[internal] load metadata")
    );

    let err = within(gw.resolve_image_config("docker.io/library/nope:latest", None, "", ""))
        .await
        .expect_err("unknown image");
    assert_eq!(err.to_string(), "docker.io/library/nope:latest: not found");
}

#[tokio::test]
async fn inputs_warn_and_evaluate_follow_caps() {
    let input = source_definition("local://context");
    let (gw, fake) = FakeBuildkit::new()
        .with_input("context", input.clone())
        .start()
        .await;
    within(gw.ping()).await.expect("ping");
    let inputs = within(gw.inputs()).await.expect("inputs");
    assert_eq!(inputs.get("context"), Some(&input));
    let delivered = within(gw.warn(Warning {
        level: 1,
        short: "JSON arguments recommended".into(),
        detail: vec!["line two".into()],
        ranges: vec![gateway::line_range(3, 3)],
        ..Default::default()
    }))
    .await
    .expect("warn");
    assert!(delivered);
    let id = within(gw.solve(source_definition("local://context"), &[], false))
        .await
        .expect("solve");
    within(gw.evaluate(&id)).await.expect("evaluate");
    let rec = fake.recorded();
    assert_eq!(rec.warns.len(), 1);
    assert_eq!(rec.warns[0].short, b"JSON arguments recommended");
    assert_eq!(rec.warns[0].ranges[0].start.map(|p| p.line), Some(3));
    assert_eq!(rec.evaluates.len(), 1);

    // v0.8: no Warn, no Evaluate RPC; nothing reaches the daemon.
    let (old, old_fake) = FakeBuildkit::v0_8().start().await;
    within(old.ping()).await.expect("ping");
    let delivered = within(old.warn(Warning::default())).await.expect("warn");
    assert!(!delivered);
    let err = within(old.evaluate("ref-0"))
        .await
        .expect_err("no evaluate cap");
    assert!(matches!(
        err,
        GatewayError::MissingCap {
            cap: "gateway.evaluate",
            ..
        }
    ));
    assert!(old_fake.recorded().warns.is_empty());
    assert!(old_fake.recorded().evaluates.is_empty());
}

#[tokio::test]
async fn warn_without_ping_tolerates_unimplemented() {
    let (gw, _fake) = FakeBuildkit::v0_8().start().await;
    let delivered = within(gw.warn(Warning::default())).await.expect("warn");
    assert!(!delivered);
}

#[tokio::test]
async fn solve_frontend_returns_the_whole_result() {
    let forwarded = fe::Result {
        result: Some(result::Result::Ref(fe::Ref {
            id: "sub-1".into(),
            def: None,
        })),
        metadata: [("containerimage.config".to_owned(), b"{}".to_vec())].into(),
        ..Default::default()
    };
    let (gw, fake) = FakeBuildkit::new()
        .with_frontend_result("gateway.v0", forwarded.clone())
        .start()
        .await;
    let opts = BTreeMap::from([
        ("source".to_owned(), "docker/dockerfile:1".to_owned()),
        ("cmdline".to_owned(), "docker/dockerfile:1".to_owned()),
    ]);
    let inputs = BTreeMap::from([("dockerfile".to_owned(), source_definition("local://df"))]);
    let got = within(gw.solve_frontend("gateway.v0", opts.clone(), inputs.clone()))
        .await
        .expect("forward");
    assert_eq!(got, forwarded);

    let rec = fake.recorded();
    let req = &rec.solves[0];
    assert_eq!(req.frontend, "gateway.v0");
    assert!(req.definition.is_none());
    assert_eq!(req.frontend_opt, opts.into_iter().collect());
    assert_eq!(req.frontend_inputs, inputs.into_iter().collect());
    assert!(req.allow_result_return && req.allow_result_array_ref);

    within(gw.return_result(got)).await.expect("return");
    assert_eq!(fake.recorded().the_return().result, Some(forwarded));
}

#[tokio::test]
async fn failed_forward_keeps_error_details_through_return() {
    let info = pb::SourceInfo {
        filename: "Dockerfile".into(),
        data: b"FROM alpine\nFOO bar\n".to_vec(),
        ..Default::default()
    };
    let detail = gateway::source_detail(&info, &[gateway::line_range(2, 2)]);
    let (gw, fake) = FakeBuildkit::new()
        .with_solve_error(RpcStatus {
            code: tonic::Code::Unknown as i32,
            message: "dockerfile parse error on line 2: unknown instruction: FOO".into(),
            details: vec![detail.clone()],
        })
        .start()
        .await;
    let err = within(gw.solve_frontend("gateway.v0", BTreeMap::new(), BTreeMap::new()))
        .await
        .expect_err("forward fails");
    assert_eq!(
        err.to_string(),
        "dockerfile parse error on line 2: unknown instruction: FOO"
    );
    within(gw.return_status(err.to_rpc_status()))
        .await
        .expect("return");

    let rec = fake.recorded();
    let sent = rec.the_return().error.clone().expect("an error Return");
    assert_eq!(sent.code, tonic::Code::Unknown as i32);
    assert_eq!(sent.details, vec![detail]);
}

#[tokio::test]
async fn return_result_is_sent_exactly_once() {
    let (gw, fake) = FakeBuildkit::new().start().await;
    let id = within(gw.solve(source_definition("docker-image://x"), &[], false))
        .await
        .expect("solve");
    let plat = platform("linux", "amd64", "");
    let res = gateway::image_result(PlatformImage {
        id: gateway::platform_id(&plat),
        platform: plat,
        ref_id: id.clone(),
        config: br#"{"architecture":"amd64","os":"linux"}"#.to_vec(),
        base_config: None,
    });
    let client = gw.client();
    within(gw.return_result(res.clone())).await.expect("return");
    // `gw` is consumed; clones of the call interface cannot Return, but still work.
    within(client.stat_file(&id, "."))
        .await
        .expect("client still usable");

    let rec = fake.recorded();
    let sent = rec.the_return();
    assert!(sent.error.is_none());
    assert_eq!(sent.result.as_ref(), Some(&res));
    let meta = &sent.result.as_ref().expect("result").metadata;
    let platforms: serde_json::Value =
        serde_json::from_slice(&meta["refs.platforms"]).expect("JSON");
    assert_eq!(platforms["Platforms"][0]["ID"], "linux/amd64");
    assert_eq!(platforms["Platforms"][0]["Platform"]["os"], "linux");
}

#[tokio::test]
async fn error_return_carries_status_and_source() {
    let (gw, fake) = FakeBuildkit::new().start().await;
    let info = pb::SourceInfo {
        filename: "Dockerfile".into(),
        data: b"FROM alpine\nRUN\n".to_vec(),
        language: "Dockerfile".into(),
        definition: None,
    };
    let detail = gateway::source_detail(&info, &[gateway::line_range(2, 2)]);
    within(gw.return_error(
        tonic::Code::InvalidArgument,
        "Dockerfile parse error line 2: RUN requires at least one argument",
        vec![detail],
    ))
    .await
    .expect("return");

    let rec = fake.recorded();
    let sent = rec.the_return();
    assert!(sent.result.is_none());
    let err = sent.error.as_ref().expect("error");
    assert_eq!(err.code, tonic::Code::InvalidArgument as i32);
    assert!(err.message.contains("RUN requires at least one argument"));
    let Any { type_url, value } = &err.details[0];
    assert_eq!(type_url, "github.com/moby/buildkit/errdefs.Source+json");
    let json: serde_json::Value = serde_json::from_slice(value).expect("JSON detail");
    assert_eq!(json["info"]["filename"], "Dockerfile");
    assert_eq!(json["info"]["data"], "RlJPTSBhbHBpbmUKUlVOCg==");
    assert_eq!(json["ranges"][0]["start"]["line"], 2);
}

#[tokio::test]
async fn error_return_with_ok_code_is_sent_as_unknown() {
    let (gw, fake) = FakeBuildkit::new().start().await;
    within(gw.return_error(tonic::Code::Ok, "boom", vec![]))
        .await
        .expect("the daemon accepts it");
    let rec = fake.recorded();
    assert_eq!(rec.the_return().error.as_ref().map(|e| e.code), Some(2));
}

#[tokio::test]
async fn lost_connection_errors_instead_of_hanging() {
    let (gw, fake) = FakeBuildkit::new().start().await;
    within(gw.ping()).await.expect("ping while connected");
    fake.disconnect();
    // Both the call on the broken connection and the reconnect attempt must fail promptly.
    assert!(within(gw.ping()).await.is_err());
    assert!(within(gw.read_file("ref-0", "x", None)).await.is_err());
}

#[test]
fn env_parses_opts_session_product_and_v0_8_workers() {
    let env = FrontendEnv::from_vars([
        ("BUILDKIT_FRONTEND_OPT_0", "build-arg:FOO=a=b"),
        ("BUILDKIT_FRONTEND_OPT_1", "no-cache="),
        ("BUILDKIT_FRONTEND_OPT_12", "filename=Dockerfile.dev"),
        ("BUILDKIT_SESSION_ID", "sess123"),
        ("BUILDKIT_EXPORTEDPRODUCT", "docker"),
        (
            "BUILDKIT_WORKERS",
            r#"[{"ID":"w0","Labels":{"org.mobyproject.buildkit.worker.executor":"oci"},
                "Platforms":[{"architecture":"amd64","os":"linux"},
                             {"architecture":"arm","os":"linux","variant":"v7"}],
                "GCPolicy":null}]"#,
        ),
        ("HOME", "/root"),
    ])
    .expect("valid env");
    assert_eq!(env.opts.len(), 3);
    assert_eq!(env.opts["build-arg:FOO"], "a=b");
    assert_eq!(env.opts["no-cache"], "");
    assert_eq!(env.opts["filename"], "Dockerfile.dev");
    assert_eq!(env.session_id, "sess123");
    assert_eq!(env.product, "docker");
    assert_eq!(env.workers.len(), 1);
    assert_eq!(env.workers[0].id, "w0");
    assert_eq!(
        env.workers[0].labels["org.mobyproject.buildkit.worker.executor"],
        "oci"
    );
    assert_eq!(env.workers[0].platforms[1].variant, "v7");
    assert_eq!(env.build_platform(), Some(&platform("linux", "amd64", "")));
}

#[test]
fn env_parses_lowercase_workers_of_newer_buildkit() {
    let env = FrontendEnv::from_vars([(
        "BUILDKIT_WORKERS",
        r#"[{"id":"abc","labels":{},"platforms":[{"architecture":"arm64","os":"linux"}],
            "gcPolicy":[{"all":true}],"buildkitVersion":{"version":"v0.13.2"}}]"#,
    )])
    .expect("valid env");
    assert_eq!(env.workers[0].id, "abc");
    assert_eq!(
        env.build_platform().map(|p| p.architecture.as_str()),
        Some("arm64")
    );
    assert!(env.session_id.is_empty());
    assert!(env.opts.is_empty());
}

#[test]
fn env_rejects_malformed_workers() {
    let err = FrontendEnv::from_vars([("BUILDKIT_WORKERS", "[{")]).expect_err("bad JSON");
    assert!(err.to_string().starts_with("invalid BUILDKIT_WORKERS"));
}

#[test]
fn cache_imports_merge_json_and_legacy_list() {
    let env = FrontendEnv::from_vars([
        (
            "BUILDKIT_FRONTEND_OPT_0",
            r#"cache-imports=[{"Type":"local","Attrs":{"src":"/cache","digest":"sha256:1"}},{"type":"registry","attrs":{"ref":"r/one"}}]"#,
        ),
        ("BUILDKIT_FRONTEND_OPT_1", "cache-from=r/two,,r/one"),
    ])
    .expect("valid env");
    let imports = env.cache_imports().expect("valid cache options");
    let local = CacheOptionsEntry {
        r#type: "local".into(),
        attrs: [
            ("src".to_owned(), "/cache".to_owned()),
            ("digest".to_owned(), "sha256:1".to_owned()),
        ]
        .into(),
    };
    assert_eq!(imports, vec![local, registry("r/one"), registry("r/two")]);

    // Docker 20.10 always sends cache-from, possibly empty.
    let docker =
        FrontendEnv::from_vars([("BUILDKIT_FRONTEND_OPT_0", "cache-from=")]).expect("valid env");
    assert!(docker.cache_imports().expect("valid").is_empty());
}
