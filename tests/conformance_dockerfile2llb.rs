//! The official frontend's own output as the oracle: for every row of
//! `tests/data/dockerfile2llb/index.tsv` (dockerfile/1.20.0's `dockerfile2llb` on the public
//! real-world files, the examples and feature probes; see that directory's README), convert
//! the same Dockerfile the same way and require
//!
//! - the same ops, byte for byte (so the same vertex digests and cache keys) and terminal,
//! - the same metadata per op (progress names, caps, ignore-cache, progress groups),
//! - the same source locations per op,
//! - the same image config (as JSON values),
//!
//! or, for the rows listed in [`DEFERRED`], a clear error naming a Dockerfile line.
//!
//! `ORACLE_VERBOSE=1 cargo test --test conformance_dockerfile2llb -- --nocapture` prints every
//! difference; `ORACLE_ONLY=name` restricts the run to one row.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use prost::Message;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use rustfront::convert::{self, ConvertOptions, ResolvedImage};
use rustfront::dockerfile;
use rustfront::llb::{self, MarshalOptions, Platform};
use rustfront::proto::pb;

/// Rows that need a feature of a later issue: each must fail with an error naming a line.
const DEFERRED: &[(&str, &str)] = &[];

/// Rows where upstream refuses and rustfront's dialect gives a meaning (README "Beyond
/// docker/dockerfile"): each must convert to the LLB of the same Dockerfile with `from`
/// replaced by `to`, the form upstream accepts.
const EXTENSIONS: &[(&str, &str, &str)] = &[("copy-from-variable", "--from=$X", "--from=build")];

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dockerfile2llb")
}

#[derive(Debug)]
struct Row {
    name: String,
    source: PathBuf,
    sha256: String,
    build_args: BTreeMap<String, String>,
    target: Option<String>,
    expected: PathBuf,
}

/// The rows of `index.tsv` (the shared data) and `index-extra.tsv` (the rest of the corpus,
/// converted by rustfront's developers the same way; see the data README).
fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for file in ["index.tsv", "index-extra.tsv"] {
        let index = fs::read_to_string(data_dir().join(file)).expect("index");
        rows.extend(index_rows(&index));
    }
    // For development: rows of a further index (absolute paths), e.g. probes converted by a
    // local build of upstream's frontend.
    if let Some(extra) = std::env::var_os("ORACLE_EXTRA_INDEX") {
        let index = fs::read_to_string(extra).expect("ORACLE_EXTRA_INDEX");
        rows.extend(index_rows(&index));
    }
    rows
}

fn index_rows(index: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    for line in index.lines().skip(1).filter(|l| !l.is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 9, "index.tsv row: {line}");
        let source = match cols[2].strip_prefix("rustfront:") {
            Some(path) => Path::new(env!("CARGO_MANIFEST_DIR")).join(path),
            None => data_dir().join(cols[2]),
        };
        let expected = data_dir().join(cols[8]);
        let build_args = match cols[5] {
            "-" => BTreeMap::new(),
            args => args
                .split(' ')
                .map(|kv| {
                    let (k, v) = kv.split_once('=').expect("K=V");
                    (k.to_string(), v.to_string())
                })
                .collect(),
        };
        rows.push(Row {
            name: cols[0].to_string(),
            source,
            sha256: cols[4].to_string(),
            build_args,
            target: (cols[6] != "-").then(|| cols[6].to_string()),
            expected,
        });
    }
    rows
}

/// The stub resolver's answer (see the data README): the reference unchanged, no digest, and
/// a config with only the platform and one empty layer.
fn stub_config(platform: &Platform) -> Vec<u8> {
    let mut config = Map::new();
    config.insert("architecture".into(), json!(platform.architecture));
    config.insert("os".into(), json!(platform.os));
    config.insert(
        "rootfs".into(),
        json!({"diff_ids": [format!("sha256:{}", "0".repeat(64))], "type": "layers"}),
    );
    if !platform.variant.is_empty() {
        config.insert("variant".into(), json!(platform.variant));
    }
    serde_json::to_vec(&Value::Object(config)).expect("json")
}

struct Ours {
    definition: pb::Definition,
    image: Value,
    /// Build-check warnings of the rules rustfront implements, as the data records them.
    warnings: Vec<Value>,
}

/// The build-check rules the data records and rustfront evaluates: all of upstream's, but the
/// experimental ones (off by default).
const IMPLEMENTED_RULES: &[&str] = &[
    "StageNameCasing",
    "FromAsCasing",
    "NoEmptyContinuation",
    "ConsistentInstructionCasing",
    "DuplicateStageName",
    "ReservedStageName",
    "JSONArgsRecommended",
    "MaintainerDeprecated",
    "UndefinedArgInFrom",
    "WorkdirRelativePath",
    "UndefinedVar",
    "MultipleInstructionsDisallowed",
    "LegacyKeyValueFormat",
    "InvalidBaseImagePlatform",
    "RedundantTargetPlatform",
    "SecretsUsedInArgOrEnv",
    "InvalidDefaultArgInFrom",
    "FromPlatformFlagConstDisallowed",
    "ExposeProtoCasing",
    "ExposeInvalidFormat",
];

fn convert_row(row: &Row, data: &[u8]) -> Result<Ours, String> {
    let parsed = dockerfile::parse(data).map_err(|e| e.to_string())?;
    let platform = Platform::new("linux", "amd64");
    let opts = ConvertOptions {
        target: row.target.clone(),
        build_args: row.build_args.clone(),
        target_platform: Some(platform.clone()),
        ..ConvertOptions::new("Dockerfile", data, platform)
    };
    let converted = convert::convert_dockerfile(&parsed, &opts, |request| ResolvedImage {
        digest: String::new(),
        config: Some(stub_config(&request.platform)),
    })
    .map_err(|e| e.to_string())?;
    let definition = llb::marshal(converted.state.as_ref(), &MarshalOptions::default())
        .map_err(|e| e.to_string())?;
    let image = serde_json::to_value(&converted.image).map_err(|e| e.to_string())?;
    let warnings = converted
        .warnings
        .iter()
        .map(|w| {
            let ranges: Vec<Value> = (w.span.start.line..=w.span.end.line.max(w.span.start.line))
                .map(|line| {
                    let pos = json!({"character": 0, "line": line});
                    json!({"end": pos, "start": pos})
                })
                .collect();
            json!({"rule": w.rule.name, "description": w.rule.description, "url": w.rule.url,
                   "message": w.message, "ranges": ranges})
        })
        .collect();
    Ok(Ours {
        definition,
        image,
        warnings,
    })
}

fn digest_of(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}

/// `pb::OpMetadata` the way protojson (proto names, zero values left out) shows it.
fn metadata_json(md: &pb::OpMetadata) -> Value {
    let mut obj = Map::new();
    if md.ignore_cache {
        obj.insert("ignore_cache".into(), json!(true));
    }
    if !md.description.is_empty() {
        let d: BTreeMap<&String, &String> = md.description.iter().collect();
        obj.insert("description".into(), json!(d));
    }
    if let Some(e) = &md.export_cache {
        obj.insert(
            "export_cache".into(),
            if e.value {
                json!({"value": true})
            } else {
                json!({})
            },
        );
    }
    if !md.caps.is_empty() {
        let c: BTreeMap<&String, &bool> = md.caps.iter().collect();
        obj.insert("caps".into(), json!(c));
    }
    if let Some(pg) = &md.progress_group {
        let mut g = Map::new();
        if !pg.id.is_empty() {
            g.insert("id".into(), json!(pg.id));
        }
        if !pg.name.is_empty() {
            g.insert("name".into(), json!(pg.name));
        }
        if pg.weak {
            g.insert("weak".into(), json!(true));
        }
        obj.insert("progress_group".into(), Value::Object(g));
    }
    Value::Object(obj)
}

/// `pb::Locations` with unpopulated fields emitted.
fn locations_json(l: &pb::Locations) -> Value {
    let pos = |p: &Option<pb::Position>| {
        let p = p.unwrap_or_default();
        json!({"character": p.character, "line": p.line})
    };
    json!({"locations": l.locations.iter().map(|loc| json!({
        "ranges": loc.ranges.iter().map(|r| json!({"end": pos(&r.end), "start": pos(&r.start)})).collect::<Vec<_>>(),
        "sourceIndex": loc.source_index,
    })).collect::<Vec<_>>()})
}

/// Progress group ids are random upstream: number them in the order of `ops` (sorted as the
/// data README describes), equal ids staying equal.
fn normalise_groups(ops: &mut [(String, Value)]) {
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for (_, md) in ops.iter_mut() {
        if let Some(id) = md
            .pointer_mut("/progress_group/id")
            .and_then(|v| v.as_str().map(str::to_string))
        {
            let n = ids.len() + 1;
            let new = ids.entry(id).or_insert_with(|| format!("pg-{n}")).clone();
            if let Some(v) = md.pointer_mut("/progress_group/id") {
                *v = json!(new);
            }
        }
    }
}

/// The ops in the data's order: Kahn's algorithm from the sources, smallest digest first,
/// the terminal (last in `def`) at the end.
fn sorted_digests(def: &pb::Definition) -> Vec<String> {
    let Some((terminal, ops)) = def.def.split_last() else {
        return Vec::new();
    };
    let mut inputs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for bytes in ops {
        let op = pb::Op::decode(bytes.as_slice()).expect("decodable op");
        inputs.insert(
            digest_of(bytes),
            op.inputs.into_iter().map(|i| i.digest).collect(),
        );
    }
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut order = Vec::new();
    while done.len() < inputs.len() {
        let next = inputs
            .iter()
            .filter(|(d, ins)| !done.contains(*d) && ins.iter().all(|i| done.contains(i)))
            .map(|(d, _)| d.clone())
            .next();
        let Some(next) = next else { break };
        done.insert(next.clone());
        order.push(next);
    }
    order.push(digest_of(terminal));
    order
}

/// Every difference between our conversion and the expected document.
fn differences(expected: &Value, ours: &Ours) -> Vec<String> {
    let mut diffs = Vec::new();
    let def = &ours.definition;
    let exp_ops = expected["ops"].as_array().cloned().unwrap_or_default();

    // Ops, byte for byte: the digest is the SHA-256 of the op's bytes.
    let our_raw: BTreeMap<String, Vec<u8>> =
        def.def.iter().map(|b| (digest_of(b), b.clone())).collect();
    let name_of = |md: Option<&Value>| {
        md.and_then(|m| m.pointer("/description/llb.customname"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let exp_by_digest: BTreeMap<String, &Value> = exp_ops
        .iter()
        .map(|o| (o["digest"].as_str().unwrap_or_default().to_string(), o))
        .collect();
    let terminal = def.def.last().map(|b| digest_of(b));
    if terminal.as_deref() != expected["terminal"].as_str() {
        diffs.push(format!(
            "terminal: ours {terminal:?}, expected {}",
            expected["terminal"]
        ));
    }
    for (digest, op) in &exp_by_digest {
        if !our_raw.contains_key(digest) {
            let name = name_of(op.get("metadata"));
            let ours_named: Vec<String> = def
                .def
                .iter()
                .filter(|b| {
                    def.metadata
                        .get(&digest_of(b))
                        .and_then(|m| m.description.get(llb::CUSTOM_NAME_KEY))
                        .is_some_and(|n| *n == name)
                })
                .map(|b| {
                    serde_json::to_string(&llb::describe(&pb::Definition {
                        def: vec![b.clone(), Vec::new()],
                        ..Default::default()
                    }))
                    .unwrap_or_default()
                })
                .collect();
            diffs.push(format!(
                "missing op {name:?} {digest}\n      expected: {}\n      ours (same name): {}",
                op.get("op").unwrap_or(&Value::Null),
                ours_named.join(" | ")
            ));
        }
    }
    for (digest, bytes) in &our_raw {
        if !exp_by_digest.contains_key(digest) && Some(digest) != terminal.as_ref() {
            let name = def
                .metadata
                .get(digest)
                .and_then(|m| m.description.get(llb::CUSTOM_NAME_KEY))
                .cloned()
                .unwrap_or_default();
            if !exp_ops.iter().any(|o| name_of(o.get("metadata")) == name) || name.is_empty() {
                diffs.push(format!(
                    "extra op {name:?}: {}",
                    serde_json::to_string(&llb::describe(&pb::Definition {
                        def: vec![bytes.clone(), Vec::new()],
                        ..Default::default()
                    }))
                    .unwrap_or_default()
                ));
            }
        }
    }
    if !diffs.is_empty() {
        // Metadata comparisons would only repeat the op differences.
        return diffs;
    }

    // Metadata and locations, per op.
    let mut ours_md: Vec<(String, Value)> = sorted_digests(def)
        .into_iter()
        .map(|d| {
            let md = def
                .metadata
                .get(&d)
                .map(metadata_json)
                .unwrap_or(Value::Null);
            (d, md)
        })
        .collect();
    normalise_groups(&mut ours_md);
    for (digest, md) in &ours_md {
        let Some(exp) = exp_by_digest.get(digest) else {
            continue;
        };
        let exp_md = exp.get("metadata").cloned().unwrap_or(Value::Null);
        if *md != exp_md {
            diffs.push(format!(
                "metadata of {:?}:\n      ours     {md}\n      expected {exp_md}",
                name_of(Some(&exp_md))
            ));
        }
        let our_loc = def
            .source
            .as_ref()
            .and_then(|s| s.locations.get(digest))
            .map(locations_json);
        let exp_loc = exp.get("locations").cloned();
        if our_loc != exp_loc {
            diffs.push(format!(
                "locations of {:?}:\n      ours     {}\n      expected {}",
                name_of(Some(&exp_md)),
                our_loc.unwrap_or(Value::Null),
                exp_loc.unwrap_or(Value::Null)
            ));
        }
    }
    let infos: Vec<Value> = def
        .source
        .as_ref()
        .map(|s| {
            s.infos
                .iter()
                .map(|i| {
                    json!({"filename": i.filename, "language": i.language,
                           "data_sha256": digest_of(&i.data), "data_length": i.data.len(),
                           "has_definition": i.definition.is_some()})
                })
                .collect()
        })
        .unwrap_or_default();
    if json!(infos) != expected["source_infos"] {
        diffs.push(format!(
            "source infos: ours {}, expected {}",
            json!(infos),
            expected["source_infos"]
        ));
    }

    // The image config.
    json_diff("image", &ours.image, &expected["image"], &mut diffs);

    // Warnings of the implemented rules.
    let expected_warnings: Vec<Value> = expected["warnings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|w| IMPLEMENTED_RULES.contains(&w["rule"].as_str().unwrap_or("")))
        .cloned()
        .collect();
    json_diff(
        "warnings",
        &json!(ours.warnings),
        &json!(expected_warnings),
        &mut diffs,
    );
    diffs
}

/// Each place where two JSON values differ, by path.
fn json_diff(path: &str, ours: &Value, expected: &Value, out: &mut Vec<String>) {
    match (ours, expected) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let (x, y) = (
                    a.get(k).unwrap_or(&Value::Null),
                    b.get(k).unwrap_or(&Value::Null),
                );
                if a.contains_key(k) != b.contains_key(k) {
                    out.push(format!(
                        "{path}.{k}: ours {x}, expected {y} (key {})",
                        if a.contains_key(k) {
                            "extra"
                        } else {
                            "missing"
                        }
                    ));
                } else {
                    json_diff(&format!("{path}.{k}"), x, y, out);
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                json_diff(&format!("{path}[{i}]"), x, y, out);
            }
        }
        _ if ours != expected => out.push(format!("{path}: ours {ours}, expected {expected}")),
        _ => {}
    }
}

/// Every file of the real-world corpus has the official frontend's output to compare with.
#[test]
fn every_real_world_file_has_a_row() {
    let covered: BTreeSet<PathBuf> = rows().into_iter().map(|r| r.source).collect();
    let covered: BTreeSet<PathBuf> = covered
        .into_iter()
        .filter(|p| p.starts_with(env!("CARGO_MANIFEST_DIR")))
        .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real-world");
    let mut missing = Vec::new();
    for entry in fs::read_dir(&dir).expect("real-world dir").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "Dockerfile") && !covered.contains(&path) {
            missing.push(path);
        }
    }
    assert!(missing.is_empty(), "no oracle row for {missing:?}");
    assert!(covered.len() >= 250, "{} rows", covered.len());
}

#[test]
fn dockerfile2llb_oracle() {
    let verbose = std::env::var_os("ORACLE_VERBOSE").is_some();
    let only = std::env::var("ORACLE_ONLY").ok();
    let deferred: BTreeMap<&str, &str> = DEFERRED.iter().copied().collect();
    let mut failures: Vec<(String, Vec<String>)> = Vec::new();
    let (mut identical, mut errors_as_expected, mut deferred_ok, mut total) = (0, 0, 0, 0);
    let mut extended = 0;
    for row in rows() {
        if only.as_deref().is_some_and(|o| o != row.name) {
            continue;
        }
        total += 1;
        let data = fs::read(&row.source).unwrap_or_else(|e| panic!("{:?}: {e}", row.source));
        assert_eq!(
            digest_of(&data),
            row.sha256,
            "{}: the Dockerfile changed",
            row.name
        );
        let expected: Value = serde_json::from_slice(
            &fs::read(&row.expected).unwrap_or_else(|e| panic!("{:?}: {e}", row.expected)),
        )
        .expect("expected json");
        let ours = convert_row(&row, &data);
        if let Some(issue) = deferred.get(row.name.as_str()) {
            match ours {
                Err(e) if e.starts_with("Dockerfile:") => deferred_ok += 1,
                Err(e) => failures.push((
                    row.name,
                    vec![format!(
                        "deferred to {issue}, but the error names no line: {e}"
                    )],
                )),
                Ok(_) => failures.push((
                    row.name,
                    vec![format!(
                        "deferred to {issue}, but it converted: move it out of DEFERRED"
                    )],
                )),
            }
            continue;
        }
        if let Some((_, from, to)) = EXTENSIONS.iter().find(|(n, _, _)| *n == row.name) {
            let text = String::from_utf8_lossy(&data);
            assert!(text.contains(from), "{}: no {from:?}", row.name);
            let plain = text.replace(from, to);
            let ops = |r: Result<Ours, String>| r.map(|o| o.definition.def);
            match (ops(convert_row(&row, plain.as_bytes())), ops(ours)) {
                (Ok(want), Ok(got)) if want == got => extended += 1,
                (want, got) => failures.push((
                    row.name,
                    vec![format!(
                        "dialect extension: ops differ from the plain form ({:?} vs {:?})",
                        want.map(|d| d.len()),
                        got.map(|d| d.len())
                    )],
                )),
            }
            continue;
        }
        if expected["result"] == "error" {
            match ours {
                Err(e) if e.contains(expected["error"].as_str().unwrap_or("\u{0}")) => {
                    errors_as_expected += 1
                }
                Err(e) => failures.push((
                    row.name,
                    vec![format!("error {e:?}, expected {}", expected["error"])],
                )),
                Ok(_) => failures.push((
                    row.name,
                    vec![format!(
                        "converted, expected the error {}",
                        expected["error"]
                    )],
                )),
            }
            continue;
        }
        match ours {
            Err(e) => failures.push((row.name, vec![format!("conversion failed: {e}")])),
            Ok(ours) => {
                let diffs = differences(&expected, &ours);
                if diffs.is_empty() {
                    identical += 1;
                } else {
                    failures.push((row.name, diffs));
                }
            }
        }
    }
    let mut report = format!(
        "{total} rows: {identical} identical, {errors_as_expected} failing as upstream does, {deferred_ok} deferred with a clear error, {extended} extended by the rustfront dialect, {} different\n",
        failures.len()
    );
    for (name, diffs) in &failures {
        report.push_str(&format!("  {name}: {} difference(s)\n", diffs.len()));
        let shown = if verbose { diffs.len() } else { 3 };
        for d in diffs.iter().take(shown) {
            report.push_str(&format!("    - {d}\n"));
        }
    }
    eprintln!("{report}");
    assert!(
        failures.is_empty(),
        "{} row(s) differ from upstream (report above)",
        failures.len()
    );
}

/// The definitions whose `frontend.convertllb` answer is pinned in `tests/data/convertllb`:
/// `(name, row, row whose definition is nested as the Dockerfile's own LLB)`. The nested one
/// stands for the source map of a real build (dockerui puts the LLB that loaded the
/// Dockerfile into `source.infos[0].definition`), which the rows do not have.
fn convertllb_cases() -> Vec<(String, String, Option<String>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/convertllb");
    let list = fs::read_to_string(dir.join("cases.tsv")).expect("cases.tsv");
    list.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 3, "cases.tsv row: {l}");
            let nested = (cols[2] != "-").then(|| cols[2].to_string());
            (cols[0].to_string(), cols[1].to_string(), nested)
        })
        .collect()
}

/// A definition no Dockerfile gives, with every field the JSON encoding knows set at least
/// once (the ops need not make a graph: convertllb only decodes them).
fn synthetic_definition() -> pb::Definition {
    use pb::file_action::Action;
    use pb::user_opt::User;
    let by_name = |name: &str, input| pb::UserOpt {
        user: Some(User::ByName(pb::NamedUserOpt {
            name: name.into(),
            input,
        })),
    };
    let by_id = |id| pb::UserOpt {
        user: Some(User::ById(id)),
    };
    let exec = pb::ExecOp {
        meta: Some(pb::Meta {
            args: vec!["/bin/sh".into(), "-c".into(), "a && b > c < d".into()],
            env: vec!["A=é\u{2028}\u{1}\t\"q\"\\".into()],
            cwd: "/w".into(),
            user: "u:g".into(),
            proxy_env: Some(pb::ProxyEnv {
                http_proxy: "h".into(),
                https_proxy: "hs".into(),
                ftp_proxy: "f".into(),
                no_proxy: "n".into(),
                all_proxy: "a".into(),
            }),
            extra_hosts: vec![pb::HostIp {
                host: "db".into(),
                ip: "10.0.0.1".into(),
            }],
            hostname: "box".into(),
            ulimit: vec![pb::Ulimit {
                name: "nofile".into(),
                soft: 1024,
                hard: -1,
            }],
            cgroup_parent: "cg".into(),
            remove_mount_stubs_recursive: true,
            valid_exit_codes: vec![0, 2],
        }),
        mounts: vec![
            pb::Mount {
                input: 0,
                selector: "/sel".into(),
                dest: "/".into(),
                output: 0,
                readonly: true,
                result_id: "r".into(),
                content_cache: pb::MountContentCache::On as i32,
                ..Default::default()
            },
            pb::Mount {
                input: -1,
                dest: "/t".into(),
                output: -1,
                mount_type: pb::MountType::Tmpfs as i32,
                tmpfs_opt: Some(pb::TmpfsOpt { size: 1 << 40 }),
                ..Default::default()
            },
            pb::Mount {
                input: -1,
                dest: "/s".into(),
                output: -1,
                mount_type: pb::MountType::Secret as i32,
                secret_opt: Some(pb::SecretOpt {
                    id: "tok".into(),
                    uid: 1,
                    gid: 2,
                    mode: 0o400,
                    optional: true,
                }),
                ..Default::default()
            },
            pb::Mount {
                input: -1,
                dest: "/run/ssh".into(),
                output: -1,
                mount_type: pb::MountType::Ssh as i32,
                ssh_opt: Some(pb::SshOpt {
                    id: "default".into(),
                    uid: 0,
                    gid: 0,
                    mode: 0o600,
                    optional: false,
                }),
                ..Default::default()
            },
            pb::Mount {
                input: -1,
                dest: "/c".into(),
                output: -1,
                mount_type: pb::MountType::Cache as i32,
                cache_opt: Some(pb::CacheOpt {
                    id: "c".into(),
                    sharing: pb::CacheSharingOpt::Private as i32,
                }),
                content_cache: 9,
                ..Default::default()
            },
        ],
        network: pb::NetMode::Host as i32,
        security: pb::SecurityMode::Insecure as i32,
        secretenv: vec![pb::SecretEnv {
            id: "tok".into(),
            name: "TOKEN".into(),
            optional: true,
        }],
        cdi_devices: vec![pb::CdiDevice {
            name: "vendor.com/gpu=all".into(),
            optional: true,
        }],
    };
    let file = pb::FileOp {
        actions: vec![
            pb::FileAction {
                input: 0,
                secondary_input: -1,
                output: 0,
                action: Some(Action::Rm(pb::FileActionRm {
                    path: "/x*".into(),
                    allow_not_found: true,
                    allow_wildcard: true,
                })),
            },
            pb::FileAction {
                input: 2,
                secondary_input: -1,
                output: -1,
                action: Some(Action::Symlink(pb::FileActionSymlink {
                    oldpath: "/a".into(),
                    newpath: "/b".into(),
                    owner: Some(pb::ChownOpt {
                        user: Some(by_name("app", 1)),
                        group: Some(by_id(0)),
                    }),
                    timestamp: 1_700_000_000_000_000_000,
                })),
            },
            pb::FileAction {
                input: 3,
                secondary_input: -1,
                output: 1,
                action: Some(Action::Mkdir(pb::FileActionMkDir {
                    path: "/d".into(),
                    mode: 0o755,
                    make_parents: true,
                    owner: Some(pb::ChownOpt {
                        user: Some(by_id(1000)),
                        group: Some(by_name("staff", 0)),
                    }),
                    timestamp: 5,
                })),
            },
            pb::FileAction {
                input: 4,
                secondary_input: 1,
                output: 2,
                action: Some(Action::Copy(pb::FileActionCopy {
                    src: "/s".into(),
                    dest: "/d".into(),
                    mode: 0o644,
                    attempt_unpack_docker_compatibility: true,
                    always_replace_existing_dest_paths: true,
                    mode_str: "u+x".into(),
                    include_patterns: vec!["*.go".into()],
                    exclude_patterns: vec!["*_test.go".into()],
                    required_paths: vec!["go.mod".into()],
                    ..Default::default()
                })),
            },
        ],
    };
    let inner = pb::Definition {
        def: vec![b"\x1a\x00".to_vec()],
        metadata: [(
            "sha256:inner".to_string(),
            pb::OpMetadata {
                ignore_cache: true,
                export_cache: Some(pb::ExportCache { value: true }),
                progress_group: Some(pb::ProgressGroup {
                    id: "g".into(),
                    name: "group <1>".into(),
                    weak: true,
                }),
                ..Default::default()
            },
        )]
        .into(),
        source: Some(pb::Source::default()),
    };
    let build = pb::BuildOp {
        builder: -1,
        inputs: [("context".to_string(), pb::BuildInput { input: 1 })].into(),
        def: Some(inner),
        attrs: [("filename".to_string(), "Dockerfile".to_string())].into(),
    };
    let platform = pb::Platform {
        architecture: "arm".into(),
        os: "linux".into(),
        variant: "v7".into(),
        os_version: "10.0".into(),
        os_features: vec!["win32k".into()],
    };
    let ops: Vec<pb::Op> = vec![
        pb::Op {
            op: Some(pb::op::Op::Exec(exec)),
            platform: Some(platform),
            constraints: Some(pb::WorkerConstraints {
                filter: vec!["labels.x==y".into()],
            }),
            ..Default::default()
        },
        pb::Op {
            op: Some(pb::op::Op::File(file)),
            ..Default::default()
        },
        pb::Op {
            inputs: vec![pb::Input {
                digest: "sha256:a".into(),
                index: 3,
            }],
            op: Some(pb::op::Op::Diff(pb::DiffOp {
                lower: Some(pb::LowerDiffInput { input: 0 }),
                upper: Some(pb::UpperDiffInput { input: 1 }),
            })),
            ..Default::default()
        },
        pb::Op {
            op: Some(pb::op::Op::Diff(pb::DiffOp {
                lower: None,
                upper: Some(pb::UpperDiffInput { input: 0 }),
            })),
            ..Default::default()
        },
        pb::Op {
            op: Some(pb::op::Op::Build(build)),
            ..Default::default()
        },
        pb::Op::default(),
    ];
    let def: Vec<Vec<u8>> = ops.iter().map(|op| op.encode_to_vec()).collect();
    let metadata = def
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let md = pb::OpMetadata {
                ignore_cache: i % 2 == 0,
                description: [
                    (
                        "llb.customname".to_string(),
                        format!("[{i}/6] <op> & \u{2029}"),
                    ),
                    ("x".to_string(), "\u{7f}\r\n".to_string()),
                ]
                .into(),
                export_cache: (i == 1).then_some(pb::ExportCache { value: false }),
                caps: [("a".to_string(), true), ("b".to_string(), false)].into(),
                progress_group: (i == 2).then(|| pb::ProgressGroup {
                    id: "pg".into(),
                    name: String::new(),
                    weak: false,
                }),
            };
            (digest_of(bytes), md)
        })
        .collect();
    let position = |line, character| Some(pb::Position { line, character });
    let locations = [(
        digest_of(&def[0]),
        pb::Locations {
            locations: vec![
                pb::Location {
                    source_index: 0,
                    ranges: vec![
                        pb::Range {
                            start: position(1, 0),
                            end: position(1, 0),
                        },
                        pb::Range {
                            start: position(2, 3),
                            end: None,
                        },
                    ],
                },
                pb::Location {
                    source_index: 1,
                    ranges: vec![pb::Range {
                        start: position(0, 0),
                        end: position(4, 7),
                    }],
                },
            ],
        },
    )]
    .into();
    pb::Definition {
        def,
        metadata,
        source: Some(pb::Source {
            locations,
            infos: vec![
                pb::SourceInfo {
                    filename: "Dockerfile".into(),
                    data: b"FROM a\nRUN b\n".to_vec(),
                    definition: None,
                    language: "Dockerfile".into(),
                },
                pb::SourceInfo {
                    filename: "inc/common.Dockerfile".into(),
                    data: Vec::new(),
                    definition: Some(pb::Definition::default()),
                    language: String::new(),
                },
            ],
        }),
    }
}

/// `frontend.convertllb`'s `result.json` for the oracle's definitions, byte for byte as
/// upstream's `convertllb.Result.ToResult` writes it for the same definition (the expected
/// files were written by that Go code over the definitions this test dumps with
/// `CONVERTLLB_DUMP=dir`; see tests/data/convertllb/README.md).
#[test]
fn convertllb_json_as_upstream_writes_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/convertllb");
    let dump = std::env::var_os("CONVERTLLB_DUMP").map(PathBuf::from);
    let definitions: BTreeMap<String, pb::Definition> = rows()
        .iter()
        .filter_map(|row| {
            let data = fs::read(&row.source).ok()?;
            let ours = convert_row(row, &data).ok()?;
            Some((row.name.clone(), ours.definition))
        })
        .chain([("synthetic".to_string(), synthetic_definition())])
        .collect();
    let cases = convertllb_cases();
    assert!(cases.len() >= 20, "{} cases", cases.len());
    let mut failures = Vec::new();
    for (name, row, nested) in cases {
        let mut def = definitions
            .get(&row)
            .unwrap_or_else(|| panic!("{name}: row {row} does not convert"))
            .clone();
        if let Some(nested) = nested {
            let inner = definitions
                .get(&nested)
                .unwrap_or_else(|| panic!("{name}: row {nested} does not convert"));
            if let Some(info) = def.source.as_mut().and_then(|s| s.infos.first_mut()) {
                info.definition = Some(inner.clone());
            }
        }
        if let Some(dump) = &dump {
            fs::create_dir_all(dump).expect("dump dir");
            fs::write(dump.join(format!("{name}.pb")), def.encode_to_vec()).expect("dump");
            fs::write(
                dump.join(format!("{name}.ours.json")),
                llb::convert_llb_json(&def).expect("convertllb json"),
            )
            .expect("dump");
            continue;
        }
        let ours = llb::convert_llb_json(&def).expect("convertllb json");
        let expected = fs::read_to_string(dir.join(format!("{name}.json")))
            .unwrap_or_else(|e| panic!("{name}.json: {e}"));
        if ours != expected {
            let line = ours
                .lines()
                .zip(expected.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            failures.push(format!(
                "{name}: first difference at line {}: ours {:?}, upstream {:?}",
                line + 1,
                ours.lines().nth(line),
                expected.lines().nth(line)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
