//! A readable JSON view of a marshaled definition, for `rustfront debug llb`.

use prost::Message;
use serde_json::{Map, Value, json};

use super::graph::{CUSTOM_NAME_KEY, digest_of};
use super::platform::Platform;
use crate::proto::pb;

/// One JSON object per op of `def`, in order, decoded from the bytes: digest, op kind,
/// inputs, platform, the op's own fields, and its metadata (progress name, ignore_cache,
/// other descriptions, caps, source lines). The last op is marked `"op": "terminal"`.
pub fn describe(def: &pb::Definition) -> Value {
    Value::Array(describe_ops(def).collect())
}

/// The objects of [`describe`] one by one, so that a big definition can be written out
/// without holding its whole JSON view in memory.
pub fn describe_ops(def: &pb::Definition) -> impl Iterator<Item = Value> + '_ {
    let last = def.def.len().saturating_sub(1);
    def.def
        .iter()
        .enumerate()
        .map(move |(i, bytes)| describe_op(def, bytes, i == last))
}

fn describe_op(def: &pb::Definition, bytes: &[u8], terminal: bool) -> Value {
    let digest = digest_of(bytes);
    let mut obj = Map::new();
    obj.insert("digest".into(), json!(digest));
    let op = match pb::Op::decode(bytes) {
        Ok(op) => op,
        Err(e) => {
            obj.insert("error".into(), json!(format!("undecodable op: {e}")));
            return Value::Object(obj);
        }
    };
    let (kind, body) = match &op.op {
        _ if terminal => ("terminal", None),
        Some(pb::op::Op::Source(s)) => (
            "source",
            Some(json!({"identifier": s.identifier, "attrs": s.attrs})),
        ),
        Some(pb::op::Op::Exec(e)) => ("exec", Some(describe_exec(e))),
        Some(pb::op::Op::File(f)) => (
            "file",
            Some(json!({"actions": f.actions.iter().map(describe_action).collect::<Vec<_>>()})),
        ),
        Some(pb::op::Op::Merge(m)) => (
            "merge",
            Some(json!({"inputs": m.inputs.iter().map(|i| i.input).collect::<Vec<_>>()})),
        ),
        Some(pb::op::Op::Diff(d)) => (
            "diff",
            Some(json!({
                "lower": d.lower.map_or(-1, |l| l.input),
                "upper": d.upper.map_or(-1, |u| u.input),
            })),
        ),
        Some(pb::op::Op::Build(_)) => ("build", None),
        None => ("unknown", None),
    };
    obj.insert("op".into(), json!(kind));
    obj.insert(
        "inputs".into(),
        Value::Array(
            op.inputs
                .iter()
                .map(|i| json!({"digest": i.digest, "index": i.index}))
                .collect(),
        ),
    );
    if let Some(p) = &op.platform {
        obj.insert("platform".into(), json!(Platform::from(p).to_string()));
    }
    if let Some(body) = body {
        obj.insert(kind.into(), body);
    }
    if let Some(md) = def.metadata.get(&digest) {
        if let Some(name) = md.description.get(CUSTOM_NAME_KEY) {
            obj.insert("name".into(), json!(name));
        }
        obj.insert("ignore_cache".into(), json!(md.ignore_cache));
        let other: Map<String, Value> = md
            .description
            .iter()
            .filter(|(k, _)| k.as_str() != CUSTOM_NAME_KEY)
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        if !other.is_empty() {
            obj.insert("description".into(), Value::Object(other));
        }
        if let Some(e) = md.export_cache {
            obj.insert("export_cache".into(), json!(e.value));
        }
        if let Some(g) = &md.progress_group {
            obj.insert(
                "progress_group".into(),
                json!({"id": g.id, "name": g.name, "weak": g.weak}),
            );
        }
        obj.insert("caps".into(), json!(md.caps.keys().collect::<Vec<_>>()));
    }
    let locs = def
        .source
        .as_ref()
        .and_then(|source| Some((source, source.locations.get(&digest)?)))
        .filter(|(_, locs)| !locs.locations.is_empty());
    if let Some((source, locs)) = locs {
        let locations: Vec<Value> = locs
            .locations
            .iter()
            .map(|l| {
                let file = usize::try_from(l.source_index)
                    .ok()
                    .and_then(|i| source.infos.get(i))
                    .map_or("", |info| info.filename.as_str());
                json!({"file": file, "lines": line_spans(&l.ranges)})
            })
            .collect();
        obj.insert("locations".into(), Value::Array(locations));
    }
    Value::Object(obj)
}

fn octal(mode: impl Into<i64>) -> Value {
    let mode = mode.into();
    if mode < 0 {
        Value::Null
    } else {
        json!(format!("{mode:04o}"))
    }
}

fn insert_nonempty(obj: &mut Map<String, Value>, key: &str, value: &str) {
    if !value.is_empty() {
        obj.insert(key.into(), json!(value));
    }
}

fn describe_exec(e: &pb::ExecOp) -> Value {
    let mut obj = Map::new();
    let meta = e.meta.clone().unwrap_or_default();
    obj.insert("args".into(), json!(meta.args));
    obj.insert("env".into(), json!(meta.env));
    obj.insert("cwd".into(), json!(meta.cwd));
    insert_nonempty(&mut obj, "user", &meta.user);
    insert_nonempty(&mut obj, "hostname", &meta.hostname);
    insert_nonempty(&mut obj, "cgroup_parent", &meta.cgroup_parent);
    if !meta.extra_hosts.is_empty() {
        let hosts: Vec<Value> = meta
            .extra_hosts
            .iter()
            .map(|h| json!({"host": h.host, "ip": h.ip}))
            .collect();
        obj.insert("extra_hosts".into(), Value::Array(hosts));
    }
    if !meta.ulimit.is_empty() {
        let limits: Vec<Value> = meta
            .ulimit
            .iter()
            .map(|u| json!({"name": u.name, "soft": u.soft, "hard": u.hard}))
            .collect();
        obj.insert("ulimit".into(), Value::Array(limits));
    }
    if let Some(p) = &meta.proxy_env {
        obj.insert(
            "proxy_env".into(),
            json!({"http": p.http_proxy, "https": p.https_proxy, "ftp": p.ftp_proxy,
                   "no": p.no_proxy, "all": p.all_proxy}),
        );
    }
    let network = pb::NetMode::try_from(e.network).map_or("invalid", |n| n.as_str_name());
    let security = pb::SecurityMode::try_from(e.security).map_or("invalid", |s| s.as_str_name());
    obj.insert(
        "network".into(),
        json!(network.to_ascii_lowercase().replace("unset", "sandbox")),
    );
    obj.insert("security".into(), json!(security.to_ascii_lowercase()));
    if !e.secretenv.is_empty() {
        let envs: Vec<Value> = e
            .secretenv
            .iter()
            .map(|s| json!({"id": s.id, "name": s.name, "optional": s.optional}))
            .collect();
        obj.insert("secret_env".into(), Value::Array(envs));
    }
    if !e.cdi_devices.is_empty() {
        let devices: Vec<Value> = e
            .cdi_devices
            .iter()
            .map(|d| json!({"name": d.name, "optional": d.optional}))
            .collect();
        obj.insert("cdi_devices".into(), Value::Array(devices));
    }
    obj.insert(
        "mounts".into(),
        Value::Array(e.mounts.iter().map(describe_mount).collect()),
    );
    Value::Object(obj)
}

fn describe_mount(m: &pb::Mount) -> Value {
    let kind = pb::MountType::try_from(m.mount_type).map_or("invalid", |t| t.as_str_name());
    let mut obj = Map::new();
    obj.insert("dest".into(), json!(m.dest));
    obj.insert("type".into(), json!(kind.to_ascii_lowercase()));
    match pb::MountType::try_from(m.mount_type) {
        Ok(pb::MountType::Bind) => {
            obj.insert("input".into(), json!(m.input));
            obj.insert("output".into(), json!(m.output));
            obj.insert("readonly".into(), json!(m.readonly));
        }
        Ok(pb::MountType::Cache) => {
            obj.insert("input".into(), json!(m.input));
            if let Some(c) = &m.cache_opt {
                let sharing =
                    pb::CacheSharingOpt::try_from(c.sharing).map_or("invalid", |s| s.as_str_name());
                obj.insert("id".into(), json!(c.id));
                obj.insert("sharing".into(), json!(sharing.to_ascii_lowercase()));
            }
        }
        Ok(pb::MountType::Tmpfs) => {
            obj.insert("size".into(), json!(m.tmpfs_opt.map_or(0, |t| t.size)));
        }
        Ok(pb::MountType::Secret | pb::MountType::Ssh) => {
            let opt = m
                .secret_opt
                .clone()
                .map(|s| (s.id, s.uid, s.gid, s.mode, s.optional));
            let opt = opt.or(m
                .ssh_opt
                .clone()
                .map(|s| (s.id, s.uid, s.gid, s.mode, s.optional)));
            if let Some((id, uid, gid, mode, optional)) = opt {
                obj.insert("id".into(), json!(id));
                obj.insert("uid".into(), json!(uid));
                obj.insert("gid".into(), json!(gid));
                obj.insert("mode".into(), octal(mode));
                obj.insert("optional".into(), json!(optional));
            }
        }
        Err(_) => {}
    }
    insert_nonempty(&mut obj, "selector", &m.selector);
    Value::Object(obj)
}

fn describe_chown(owner: &Option<pb::ChownOpt>) -> Value {
    let user = |u: &Option<pb::UserOpt>| match u.as_ref().and_then(|u| u.user.as_ref()) {
        Some(pb::user_opt::User::ById(id)) => json!(id),
        Some(pb::user_opt::User::ByName(n)) => json!({"name": n.name, "input": n.input}),
        None => Value::Null,
    };
    match owner {
        Some(o) => json!({"user": user(&o.user), "group": user(&o.group)}),
        None => Value::Null,
    }
}

fn describe_action(a: &pb::FileAction) -> Value {
    let mut obj = Map::new();
    obj.insert("input".into(), json!(a.input));
    obj.insert("secondary_input".into(), json!(a.secondary_input));
    obj.insert("output".into(), json!(a.output));
    let time = |t: i64| if t < 0 { Value::Null } else { json!(t) };
    let fields = match &a.action {
        Some(pb::file_action::Action::Copy(c)) => {
            let mut copy = json!({
                "action": "copy",
                "src": c.src,
                "dest": c.dest,
                "owner": describe_chown(&c.owner),
                "mode": if c.mode_str.is_empty() { octal(c.mode) } else { json!(c.mode_str) },
                "follow_symlink": c.follow_symlink,
                "dir_copy_contents": c.dir_copy_contents,
                "attempt_unpack": c.attempt_unpack_docker_compatibility,
                "create_dest_path": c.create_dest_path,
                "allow_wildcard": c.allow_wildcard,
                "allow_empty_wildcard": c.allow_empty_wildcard,
                "include_patterns": c.include_patterns,
                "exclude_patterns": c.exclude_patterns,
                "timestamp": time(c.timestamp),
            });
            if !c.required_paths.is_empty() {
                copy["required_paths"] = json!(c.required_paths);
            }
            copy
        }
        Some(pb::file_action::Action::Mkdir(m)) => json!({
            "action": "mkdir",
            "path": m.path,
            "mode": octal(m.mode),
            "make_parents": m.make_parents,
            "owner": describe_chown(&m.owner),
            "timestamp": time(m.timestamp),
        }),
        Some(pb::file_action::Action::Mkfile(m)) => json!({
            "action": "mkfile",
            "path": m.path,
            "mode": octal(m.mode),
            "data": String::from_utf8_lossy(&m.data),
            "owner": describe_chown(&m.owner),
            "timestamp": time(m.timestamp),
        }),
        Some(pb::file_action::Action::Rm(r)) => json!({
            "action": "rm",
            "path": r.path,
            "allow_not_found": r.allow_not_found,
            "allow_wildcard": r.allow_wildcard,
        }),
        Some(pb::file_action::Action::Symlink(s)) => json!({
            "action": "symlink",
            "oldpath": s.oldpath,
            "newpath": s.newpath,
        }),
        None => json!({"action": "none"}),
    };
    if let Value::Object(fields) = fields {
        obj.extend(fields);
    }
    Value::Object(obj)
}

/// `[first, last]` line pairs, with ranges on consecutive lines joined (the frontend sends one
/// range per line).
fn line_spans(ranges: &[pb::Range]) -> Vec<Value> {
    let line = |p: Option<pb::Position>| p.map_or(0, |p| p.line);
    let mut spans: Vec<(i32, i32)> = Vec::new();
    for r in ranges {
        let (start, end) = (line(r.start), line(r.end));
        match spans.last_mut() {
            Some(last) if start == last.1 + 1 => last.1 = end,
            _ => spans.push((start, end)),
        }
    }
    spans.into_iter().map(|(a, b)| json!([a, b])).collect()
}
