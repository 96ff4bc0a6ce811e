//! The frontend against `rustfront_gateway::testing::FakeBuildkit`: what it asks BuildKit,
//! the LLB it solves and what it returns.

use prost::Message;
use rustfront_gateway::FrontendEnv;
use rustfront_gateway::proto::moby::buildkit::v1::frontend as fe;
use rustfront_gateway::proto::pb;
use rustfront_gateway::testing::{FakeBuildkit, FakeHandle, Recorded, frontend_env};
use serde_json::Value;

const RUST: &str = "docker.io/library/rust:1-bookworm";
const RUST_DIGEST: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
const RUST_CONFIG: &str = r#"{"architecture":"amd64","os":"linux","config":{
  "Env":["PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
         "RUSTUP_HOME=/usr/local/rustup","CARGO_HOME=/usr/local/cargo"],"Cmd":["bash"]}}"#;
const DISTROLESS: &str = "gcr.io/distroless/cc-debian12:latest";
const DISTROLESS_DIGEST: &str =
    "sha256:2222222222222222222222222222222222222222222222222222222222222222";
const DISTROLESS_CONFIG: &str = r#"{"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z",
  "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "User":"0","WorkingDir":"/"},
  "rootfs":{"type":"layers","diff_ids":["sha256:3333"]},
  "history":[{"created_by":"distroless"}]}"#;
const HELLO: &str = "[package]\nname = \"hello\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";

fn env(opts: &[(&str, &str)]) -> FrontendEnv {
    frontend_env(opts).expect("valid environment")
}

/// A daemon that has the images and a context holding `files`.
fn daemon(fake: FakeBuildkit, files: &[(&str, &str)]) -> FakeBuildkit {
    files
        .iter()
        .fold(fake, |fake, (path, data)| {
            fake.with_file("local://context", path, *data)
        })
        .with_image(RUST, RUST_DIGEST, RUST_CONFIG)
        .with_image(DISTROLESS, DISTROLESS_DIGEST, DISTROLESS_CONFIG)
}

async fn run(fake: FakeBuildkit, opts: &[(&str, &str)]) -> (Recorded, FakeHandle) {
    let (gateway, handle) = fake.start().await;
    cargo_frontend::serve(gateway, &env(opts))
        .await
        .expect("Return accepted");
    let recorded = handle.recorded();
    assert_eq!(recorded.returns.len(), 1, "exactly one Return");
    (recorded, handle)
}

fn ops(def: &pb::Definition) -> Vec<pb::Op> {
    def.def
        .iter()
        .map(|bytes| pb::Op::decode(bytes.as_slice()).expect("an op"))
        .collect()
}

/// The definition of the last solve: the build.
fn build_ops(rec: &Recorded) -> Vec<pb::Op> {
    ops(rec.definitions().last().expect("a build solve"))
}

fn the_exec(ops: &[pb::Op]) -> pb::ExecOp {
    let execs: Vec<pb::ExecOp> = ops
        .iter()
        .filter_map(|op| match &op.op {
            Some(pb::op::Op::Exec(exec)) => Some(exec.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(execs.len(), 1, "one exec");
    execs[0].clone()
}

fn sources(ops: &[pb::Op]) -> Vec<String> {
    ops.iter()
        .filter_map(|op| match &op.op {
            Some(pb::op::Op::Source(s)) => Some(s.identifier.clone()),
            _ => None,
        })
        .collect()
}

fn returned_config(ret: &fe::ReturnRequest) -> Value {
    let result = ret.result.as_ref().expect("a result, not an error");
    let config = result
        .metadata
        .get("containerimage.config")
        .expect("containerimage.config");
    serde_json::from_slice(config).expect("config JSON")
}

fn returned_error(ret: &fe::ReturnRequest) -> &str {
    &ret.error.as_ref().expect("an error, not a result").message
}

#[tokio::test]
async fn builds_the_binary_with_cache_mounts_onto_distroless() {
    let fake = daemon(
        FakeBuildkit::new(),
        &[("Cargo.toml", HELLO), ("Cargo.lock", "version = 3\n")],
    );
    let (rec, _fake) = run(fake, &[("cache-from", "registry.example/hello:cache")]).await;

    // Cargo.toml is read from the context, then both images are resolved.
    assert_eq!(rec.read_files[0].file_path, "Cargo.toml");
    let resolved: Vec<&str> = rec.resolves.iter().map(|r| r.r#ref.as_str()).collect();
    assert_eq!(resolved, [RUST, DISTROLESS]);

    let ops = build_ops(&rec);
    // The image sources are pinned to the digests BuildKit answered.
    let sources = sources(&ops);
    assert!(sources.contains(&format!("docker-image://{RUST}@{RUST_DIGEST}")));
    assert!(sources.contains(&format!("docker-image://{DISTROLESS}@{DISTROLESS_DIGEST}")));
    assert!(sources.contains(&"local://context".to_owned()));

    let exec = the_exec(&ops);
    let meta = exec.meta.clone().expect("exec meta");
    assert_eq!(
        meta.args,
        [
            "/bin/sh",
            "-c",
            "cargo build --release --bin hello --locked \
             && cp /cargo-target/release/hello /out/hello"
        ]
    );
    assert_eq!(meta.cwd, "/src");
    // The Rust image's environment, plus the target directory.
    assert!(
        meta.env
            .iter()
            .any(|e| e.starts_with("PATH=/usr/local/cargo/bin:"))
    );
    assert!(
        meta.env
            .contains(&"CARGO_TARGET_DIR=/cargo-target".to_owned())
    );

    let mount = |dest: &str| {
        exec.mounts
            .iter()
            .find(|m| m.dest == dest)
            .unwrap_or_else(|| panic!("a mount at {dest}"))
            .clone()
    };
    let cache = |dest: &str| {
        let m = mount(dest);
        assert_eq!(m.mount_type, pb::MountType::Cache as i32, "{dest}");
        let opt = m.cache_opt.expect("cache options");
        (opt.id, opt.sharing)
    };
    assert_eq!(
        cache("/usr/local/cargo/registry"),
        ("cargo-registry".into(), pb::CacheSharingOpt::Shared as i32)
    );
    assert_eq!(
        cache("/usr/local/cargo/git"),
        ("cargo-git".into(), pb::CacheSharingOpt::Shared as i32)
    );
    assert_eq!(
        cache("/cargo-target"),
        (
            "cargo-target/hello/linux/amd64".into(),
            pb::CacheSharingOpt::Locked as i32
        )
    );
    // The context: writable for cargo, changes discarded. /out: scratch, output 1.
    let src = mount("/src");
    assert_eq!((src.readonly, src.output), (false, -1));
    let out = mount("/out");
    assert_eq!((out.input, out.output), (-1, 1));

    // The final op copies /out/hello onto distroless.
    let copy = ops
        .iter()
        .find_map(|op| match &op.op {
            Some(pb::op::Op::File(f)) => f.actions.first().cloned(),
            _ => None,
        })
        .expect("a file op");
    match copy.action {
        Some(pb::file_action::Action::Copy(c)) => {
            assert_eq!(
                (c.src.as_str(), c.dest.as_str()),
                ("/hello", "/usr/local/bin/hello")
            );
            assert!(c.create_dest_path);
        }
        other => panic!("expected a copy, got {other:?}"),
    }

    // Built with --cache-from, returned with the binary as entrypoint.
    let solve = rec.solves.last().expect("the build solve");
    assert_eq!(solve.cache_imports.len(), 1);
    assert_eq!(solve.cache_imports[0].r#type, "registry");
    let config = returned_config(rec.the_return());
    assert_eq!(config["config"]["Entrypoint"][0], "/usr/local/bin/hello");
    assert_eq!(config["config"]["User"], "0");
    assert!(config.get("created").is_none());
    let history = config["history"].as_array().expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(history[1]["comment"], "cargo-frontend");
}

#[tokio::test]
async fn bin_arg_scratch_and_no_lock_file() {
    let manifest = format!("{HELLO}[[bin]]\nname = \"a\"\n[[bin]]\nname = \"tool\"\n");
    let fake = daemon(FakeBuildkit::new(), &[("Cargo.toml", &manifest)]);
    let (rec, _fake) = run(
        fake,
        &[
            ("build-arg:BIN", "tool"),
            ("build-arg:RUNTIME_IMAGE", "scratch"),
            ("force-network-mode", "none"),
        ],
    )
    .await;

    let resolved: Vec<&str> = rec.resolves.iter().map(|r| r.r#ref.as_str()).collect();
    assert_eq!(resolved, [RUST], "no runtime image to resolve");
    let ops = build_ops(&rec);
    let exec = the_exec(&ops);
    assert_eq!(exec.network, pb::NetMode::None as i32);
    let args = exec.meta.expect("meta").args;
    assert_eq!(
        args[2],
        "cargo build --release --bin tool && cp /cargo-target/release/tool /out/tool"
    );
    // The copy goes onto scratch: input -1.
    let base = ops.iter().find_map(|op| match &op.op {
        Some(pb::op::Op::File(f)) => f.actions.first().map(|a| a.input),
        _ => None,
    });
    assert_eq!(base, Some(-1));

    let config = returned_config(rec.the_return());
    assert_eq!(
        (&config["os"], &config["architecture"]),
        (&"linux".into(), &"amd64".into())
    );
    assert_eq!(config["config"]["Entrypoint"][0], "/usr/local/bin/tool");
    let result = rec.the_return().result.as_ref().expect("result");
    assert!(!result.metadata.contains_key("containerimage.base.config"));
}

#[tokio::test]
async fn works_on_a_buildkit_v0_8_daemon() {
    let fake = daemon(FakeBuildkit::v0_8(), &[("Cargo.toml", HELLO)]);
    let (rec, _fake) = run(fake, &[("platform", "linux/amd64")]).await;
    // Every cap of the graph was checked against v0.8's before solving.
    assert!(rec.the_return().result.is_some());
}

#[tokio::test]
async fn a_missing_manifest_is_returned_as_the_error() {
    let fake = daemon(FakeBuildkit::new(), &[("main.rs", "fn main() {}")]);
    let (rec, _fake) = run(fake, &[]).await;
    let message = returned_error(rec.the_return());
    assert!(
        message.starts_with("cannot read Cargo.toml from the build context: "),
        "{message}"
    );
    assert!(rec.resolves.is_empty(), "stopped before resolving images");
}

#[tokio::test]
async fn a_bad_manifest_points_at_its_line() {
    let fake = daemon(
        FakeBuildkit::new(),
        &[("Cargo.toml", "[package]\nname = \"x\"\nversion = \n")],
    );
    let (rec, _fake) = run(fake, &[]).await;
    let error = rec.the_return().error.as_ref().expect("an error");
    assert!(
        error.message.starts_with("Cargo.toml: "),
        "{}",
        error.message
    );
    let detail = error.details.first().expect("a source detail");
    assert_eq!(
        detail.type_url,
        "github.com/moby/buildkit/errdefs.Source+json"
    );
    let json: Value = serde_json::from_slice(&detail.value).expect("JSON detail");
    assert_eq!(json["info"]["filename"], "Cargo.toml");
    assert_eq!(json["ranges"][0]["start"]["line"], 3);
}

#[tokio::test]
async fn several_binaries_need_a_choice() {
    let manifest = format!("{HELLO}[[bin]]\nname = \"a\"\n[[bin]]\nname = \"b\"\n");
    let fake = daemon(FakeBuildkit::new(), &[("Cargo.toml", &manifest)]);
    let (rec, _fake) = run(fake, &[]).await;
    assert_eq!(
        returned_error(rec.the_return()),
        "Cargo.toml: several binaries (a, b): choose one with --build-arg BIN=<name>"
    );
}
