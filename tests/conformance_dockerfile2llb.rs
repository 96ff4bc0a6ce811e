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
