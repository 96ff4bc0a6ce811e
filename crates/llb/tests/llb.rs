//! Integration tests of the LLB builder through its public API.

use std::sync::Arc;

use prost::Message;
use rustfront_llb::{
    self as llb, BindMount, CacheMount, Chown, Copy, Differ, Error, Exec, FileOp, Image, Local,
    MarshalOptions, Mkdir, Mkfile, OpMeta, Output, Platform, Rm, SecretMount, SourceMap,
    TmpfsMount, caps, line_range, pb,
};
use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn amd64() -> Platform {
    Platform::new("linux", "amd64")
}

fn marshal(out: Option<&Output>) -> Result<pb::Definition, Error> {
    llb::marshal(out, &MarshalOptions::default())
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn dockerfile_source() -> Arc<SourceMap> {
    Arc::new(SourceMap {
        filename: "Dockerfile".into(),
        data: b"FROM alpine AS base\nCOPY . /src\nRUN --mount=type=cache,target=/c make\n".to_vec(),
        language: "Dockerfile".into(),
        definition: None,
    })
}

/// A small two-stage build: context copy, a RUN with mounts, a file chain and a merge.
/// `swap` builds the independent pieces in the other order and passes options in another
/// order; the resulting graph is the same.
fn sample_graph(swap: bool) -> Result<Option<Output>, Error> {
    let src = dockerfile_source();
    let meta = |name: &str, line: u32| {
        OpMeta::new()
            .custom_name(name)
            .description(llb::DOCKERFILE_COMMAND_KEY, name)
            .location(&src, vec![line_range(line, line)])
    };
    let context = || {
        let local = Local::new("context");
        let local = if swap {
            local
                .shared_key_hint("context")
                .exclude_patterns(&["*.md".into()])
                .session("session-1")
        } else {
            local
                .session("session-1")
                .exclude_patterns(&["*.md".into()])
                .shared_key_hint("context")
        };
        local
            .differ(Differ::None, false)
            .meta(OpMeta::new().custom_name("[internal] load build context"))
            .build()
    };
    let image = || {
        Image::new("alpine")
            .platform(amd64())
            .meta(meta("[base 1/3] FROM alpine", 1))
            .build()
    };
    let (ctx, base) = if swap {
        let base = image()?;
        (context(), base)
    } else {
        let ctx = context();
        (ctx, image()?)
    };
    let copied = FileOp::new(Some(base.clone()))
        .copy(Some(ctx.clone()), Copy::dockerfile("/", "/src/"))
        .meta(meta("[base 2/3] COPY . /src", 2))
        .build()?;
    let cache = CacheMount {
        dest: "/c".into(),
        id: "c".into(),
        sharing: pb::CacheSharingOpt::Locked,
        ..CacheMount::default()
    };
    let bind = BindMount {
        dest: "/ctx".into(),
        source: Some(ctx),
        readonly: true,
        ..BindMount::default()
    };
    let exec = Exec::new(Some(copied), ["/bin/sh", "-c", "make"])
        .env("PATH", "/usr/bin:/bin")
        .cwd("/src")
        .platform(amd64());
    let exec = if swap {
        exec.mount(bind).mount(cache)
    } else {
        exec.mount(cache).mount(bind)
    };
    let run = exec.meta(meta("[base 3/3] RUN make", 3)).build()?;
    let extra = FileOp::new(None)
        .mkdir(Mkdir {
            make_parents: true,
            owner: Some(Chown::ids(1, 1)),
            ..Mkdir::new("/out")
        })
        .mkfile(Mkfile::new("/out/VERSION", "1\n"))
        .build()?;
    Ok(llb::merge([run.root(), None, Some(extra)], OpMeta::new()))
}

#[test]
fn go_vector_through_the_public_api() -> TestResult {
    // docker/dockerfile 1.20's bytes for `FROM alpine` (platform and constraints before the
    // source, as protobuf-go writes a oneof last).
    let alpine = Image::new("alpine").platform(amd64()).build()?;
    let def = marshal(Some(&alpine))?;
    let op = def.def.first().cloned().unwrap_or_default();
    assert_eq!(
        sha256(&op),
        "sha256:a7f9733e307dd352c82d43053b783dd17bb2ec2c36214908ce393e41545c8b51"
    );
    assert_eq!(op.len(), 0x32 + 0x10 + 2);
    assert!(op.starts_with(&[0x52, 0x0e]));
    assert_eq!(
        def.def.last().map(|d| sha256(d)).as_deref(),
        Some("sha256:91d1ea452bdb17a7987049c214be5a0ebfc499b11003e057978043b827bee403")
    );
    Ok(())
}

#[test]
fn deterministic_and_independent_of_construction_order() -> TestResult {
    let one = marshal(sample_graph(false)?.as_ref())?;
    let again = marshal(sample_graph(false)?.as_ref())?;
    let swapped = marshal(sample_graph(true)?.as_ref())?;
    assert_eq!(one.encode_to_vec(), again.encode_to_vec());
    assert_eq!(one.encode_to_vec(), swapped.encode_to_vec());
    // image, local, file, exec, file (mkdir chain), merge, terminal
    assert_eq!(one.def.len(), 7);
    Ok(())
}

#[test]
fn every_op_once_inputs_first_terminal_last_with_metadata() -> TestResult {
    let def = marshal(sample_graph(false)?.as_ref())?;
    let digests: Vec<String> = def.def.iter().map(|d| sha256(d)).collect();
    let mut seen = std::collections::HashSet::new();
    for (i, bytes) in def.def.iter().enumerate() {
        let op = pb::Op::decode(bytes.as_slice())?;
        for input in &op.inputs {
            let pos = digests.iter().position(|d| *d == input.digest);
            assert!(
                pos.is_some_and(|p| p < i),
                "input of op {i} not emitted before it"
            );
        }
        assert!(seen.insert(digests[i].clone()), "op {i} emitted twice");
        assert!(
            def.metadata.contains_key(&digests[i]),
            "op {i} has no metadata"
        );
        let terminal = i + 1 == def.def.len();
        assert_eq!(op.op.is_none(), terminal);
        assert_eq!(op.constraints.is_some(), !terminal);
    }
    assert_eq!(def.metadata.len(), def.def.len());
    Ok(())
}

#[test]
fn shared_subgraphs_are_emitted_once() -> TestResult {
    let base = Image::new("busybox").platform(amd64()).build()?;
    let same_again = Image::new("busybox:latest").platform(amd64()).build()?;
    let left = FileOp::new(Some(base.clone()))
        .mkdir(Mkdir::new("/l"))
        .build()?;
    let right = Exec::new(Some(same_again), ["touch", "/r"])
        .platform(amd64())
        .build()?;
    let merged = llb::merge(
        [Some(base.clone()), Some(left), right.root()],
        OpMeta::new(),
    );
    let def = marshal(merged.as_ref())?;
    // busybox, mkdir, exec, merge, terminal
    assert_eq!(def.def.len(), 5);
    let merge = pb::Op::decode(def.def.get(3).cloned().unwrap_or_default().as_slice())?;
    assert_eq!(merge.inputs.len(), 3);
    assert!(
        merge
            .inputs
            .first()
            .is_some_and(|i| i.digest == base.digest())
    );
    let md = def.metadata.get(base.digest()).cloned().unwrap_or_default();
    assert_eq!(md.caps.keys().collect::<Vec<_>>(), vec!["source.image"]);
    Ok(())
}

#[test]
fn merge_and_diff_shortcuts() -> TestResult {
    let a = Image::new("a").build()?;
    let b = Image::new("b").build()?;
    assert_eq!(llb::merge([None, None], OpMeta::new()), None);
    assert_eq!(
        llb::merge([None, Some(a.clone())], OpMeta::new()),
        Some(a.clone())
    );
    assert_eq!(
        llb::diff(None, Some(b.clone()), OpMeta::new()),
        Some(b.clone())
    );
    assert_eq!(llb::diff(None, None, OpMeta::new()), None);
    let d = llb::diff(Some(a.clone()), None, OpMeta::new());
    let def = marshal(d.as_ref())?;
    let ops = llb::describe(&def);
    let diff = &ops[1];
    assert_eq!(diff["op"], "diff");
    assert_eq!(diff["diff"], serde_json::json!({"lower": 0, "upper": -1}));
    assert_eq!(diff["caps"], serde_json::json!(["diffop"]));
    let m = llb::merge([Some(a), Some(b)], OpMeta::new());
    let ops = llb::describe(&marshal(m.as_ref())?);
    assert_eq!(ops[2]["merge"]["inputs"], serde_json::json!([0, 1]));
    assert_eq!(ops[2]["caps"], serde_json::json!(["mergeop"]));
    Ok(())
}

fn op_by_kind<'a>(ops: &'a Value, kind: &str) -> Vec<&'a Value> {
    ops.as_array()
        .map(|a| a.iter().filter(|o| o["op"] == kind).collect())
        .unwrap_or_default()
}

#[test]
fn describe_round_trip() -> TestResult {
    let def = marshal(sample_graph(false)?.as_ref())?;
    let ops = llb::describe(&def);
    let list = ops.as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), def.def.len());
    for (op, bytes) in list.iter().zip(&def.def) {
        assert_eq!(op["digest"], sha256(bytes));
    }
    let terminal = list.last().cloned().unwrap_or_default();
    assert_eq!(terminal["op"], "terminal");
    assert_eq!(
        terminal["caps"],
        serde_json::json!(["constraints", "meta.description", "platform"])
    );
    let merge = &list[list.len() - 2];
    assert_eq!(terminal["inputs"][0]["digest"], merge["digest"]);

    let sources = op_by_kind(&ops, "source");
    let image = sources
        .iter()
        .find(|s| s["source"]["identifier"] == "docker-image://docker.io/library/alpine:latest")
        .copied()
        .cloned()
        .unwrap_or_default();
    assert_eq!(image["platform"], "linux/amd64");
    assert_eq!(image["name"], "[base 1/3] FROM alpine");
    assert_eq!(image["ignore_cache"], false);
    assert_eq!(
        image["description"][llb::DOCKERFILE_COMMAND_KEY],
        "[base 1/3] FROM alpine"
    );
    assert_eq!(
        image["locations"],
        serde_json::json!([{"file": "Dockerfile", "lines": [[1, 1]]}])
    );
    let local = sources
        .iter()
        .find(|s| s["source"]["identifier"] == "local://context")
        .copied()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        local["source"]["attrs"]["local.excludepatterns"],
        r#"["*.md"]"#
    );
    assert_eq!(local["source"]["attrs"]["local.differ"], "none");
    assert!(local.get("platform").is_none());
    assert!(local.get("locations").is_none());

    let exec = op_by_kind(&ops, "exec")
        .first()
        .copied()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        exec["exec"]["args"],
        serde_json::json!(["/bin/sh", "-c", "make"])
    );
    assert_eq!(
        exec["exec"]["env"],
        serde_json::json!(["PATH=/usr/bin:/bin"])
    );
    assert_eq!(exec["exec"]["cwd"], "/src");
    assert_eq!(exec["exec"]["network"], "sandbox");
    assert_eq!(
        exec["exec"]["mounts"],
        serde_json::json!([
            {"dest": "/", "type": "bind", "input": 0, "output": 0, "readonly": false},
            {"dest": "/c", "type": "cache", "input": -1, "id": "c", "sharing": "locked"},
            {"dest": "/ctx", "type": "bind", "input": 1, "output": -1, "readonly": true},
        ])
    );
    assert_eq!(exec["platform"], "linux/amd64");
    let copy = op_by_kind(&ops, "file")
        .into_iter()
        .find(|f| f["file"]["actions"][0]["action"] == "copy")
        .cloned()
        .unwrap_or_default();
    let action = &copy["file"]["actions"][0];
    assert_eq!(action["src"], "/");
    assert_eq!(action["dest"], "/src/");
    assert_eq!(action["mode"], Value::Null);
    assert_eq!(action["timestamp"], Value::Null);
    assert_eq!(action["follow_symlink"], true);
    assert_eq!(
        (action["input"].clone(), action["secondary_input"].clone()),
        (0.into(), 1.into())
    );
    // inputs of each op are the digests of ops that appear earlier in the list
    assert_eq!(copy["inputs"].as_array().map(Vec::len), Some(2));
    Ok(())
}

#[test]
fn file_chain_indices_in_describe() -> TestResult {
    let base = Image::new("alpine").build()?;
    let ctx = Local::new("context").session("s").build();
    let out = FileOp::new(Some(base))
        .copy(Some(ctx.clone()), Copy::new("/a", "/a"))
        .rm(Rm {
            allow_not_found: true,
            allow_wildcard: true,
            ..Rm::new("/tmp/*")
        })
        .copy(Some(ctx), Copy::new("/b", "/b"))
        .build()?;
    let ops = llb::describe(&marshal(Some(&out))?);
    let file = op_by_kind(&ops, "file")
        .first()
        .copied()
        .cloned()
        .unwrap_or_default();
    let idx: Vec<(i64, i64, i64)> = file["file"]["actions"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    let n = |k: &str| x[k].as_i64().unwrap_or(i64::MIN);
                    (n("input"), n("secondary_input"), n("output"))
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(idx, vec![(0, 1, -1), (2, -1, -1), (3, 1, 0)]);
    let caps = file["caps"].as_array().cloned().unwrap_or_default();
    assert!(caps.contains(&caps::FILE_RM_WILDCARD.into()));
    assert!(caps.contains(&caps::FILE_BASE.into()));
    Ok(())
}

#[test]
fn caps_follow_features() -> TestResult {
    let run = Exec::new(None, ["x"])
        .mount(TmpfsMount {
            dest: "/dev/shm".into(),
            size: 64 << 20,
            readonly: false,
        })
        .mount(llb::Mount::Secret(SecretMount {
            optional: true,
            ..SecretMount::new("/run/secrets/npm", "npm")
        }))
        .network(pb::NetMode::Host)
        .meta(OpMeta::new().cap(caps::EXEC_META_SETS_DEFAULT_PATH))
        .build()?;
    let def = marshal(run.root().as_ref())?;
    let md = def.metadata.get(run.digest()).cloned().unwrap_or_default();
    let got: Vec<&str> = md.caps.keys().map(String::as_str).collect();
    assert_eq!(
        got,
        vec![
            "exec.meta.base",
            "exec.meta.network",
            "exec.meta.setsdefaultpath",
            "exec.mount.secret",
            "exec.mount.tmpfs",
            "exec.mount.tmpfs.size",
        ]
    );
    let local = Local::new("dockerfile")
        .session("s")
        .follow_paths(&["Dockerfile".into()])
        .shared_key_hint("dockerfile")
        .differ(Differ::None, true)
        .build();
    let def = marshal(Some(&local))?;
    let md = def
        .metadata
        .get(local.digest())
        .cloned()
        .unwrap_or_default();
    let got: Vec<&str> = md.caps.keys().map(String::as_str).collect();
    assert_eq!(
        got,
        vec![
            "source.local",
            "source.local.differ",
            "source.local.followpaths",
            "source.local.sessionid",
            "source.local.sharedkeyhint",
        ]
    );
    Ok(())
}

#[test]
fn source_map_locations_per_digest() -> TestResult {
    let def = marshal(sample_graph(false)?.as_ref())?;
    let source = def.source.clone().unwrap_or_default();
    assert_eq!(source.infos.len(), 1);
    assert_eq!(source.infos[0].filename, "Dockerfile");
    assert_eq!(source.infos[0].data, dockerfile_source().data);
    // every op has an entry (as Go sends them); the image, the copy and the exec have lines
    assert_eq!(source.locations.len(), def.def.len() - 1);
    let located = source
        .locations
        .values()
        .filter(|l| !l.locations.is_empty())
        .count();
    assert_eq!(located, 3);
    let digests: Vec<String> = def.def.iter().map(|d| sha256(d)).collect();
    let mut lines: Vec<i32> = Vec::new();
    for (digest, locs) in &source.locations {
        assert!(digests.contains(digest));
        for loc in &locs.locations {
            assert_eq!(loc.source_index, 0);
            lines.extend(loc.ranges.iter().filter_map(|r| r.start.map(|p| p.line)));
        }
    }
    lines.sort();
    assert_eq!(lines, vec![1, 2, 3]);
    Ok(())
}

#[test]
fn definition_survives_a_prost_round_trip() -> TestResult {
    let def = marshal(sample_graph(false)?.as_ref())?;
    let bytes = def.encode_to_vec();
    let back = pb::Definition::decode(bytes.as_slice())?;
    assert_eq!(back, def);
    assert_eq!(llb::describe(&back), llb::describe(&def));
    Ok(())
}

#[test]
fn describe_reports_undecodable_ops() {
    let def = pb::Definition {
        def: vec![vec![0xff, 0xff], vec![]],
        ..pb::Definition::default()
    };
    let ops = llb::describe(&def);
    assert!(ops[0]["error"].is_string());
    assert_eq!(ops[1]["op"], "terminal");
}
