//! LLB as JSON the way BuildKit's Go code writes it: ops and source maps in protobuf's JSON
//! mapping (`protojson.Marshal`: fields in declaration order, unpopulated fields left out,
//! 64-bit integers as strings, enums by name, bytes as base64), and the result of the
//! `frontend.convertllb` subrequest built from them ([`convert_llb_json`]).

use std::collections::BTreeMap;

use prost::Message;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::Error;
use crate::graph::digest_of;
use crate::proto::pb;
use crate::source::go_html_escape;

/// A JSON value whose objects keep their keys in the order they were added.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `true` or `false`.
    Bool(bool),
    /// A signed number.
    Int(i64),
    /// An unsigned number.
    Uint(u64),
    /// A string.
    Str(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, its keys in order.
    Object(Vec<(String, Json)>),
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Int(n) => s.serialize_i64(*n),
            Json::Uint(n) => s.serialize_u64(*n),
            Json::Str(text) => s.serialize_str(text),
            Json::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(fields) => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (key, value) in fields {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// The fields of one message, each added only when populated (proto3 without presence: a
/// zero number, `false`, an empty string, list or map is left out).
#[derive(Default)]
struct Fields(Vec<(String, Json)>);

impl Fields {
    fn put(mut self, key: &str, value: Json) -> Self {
        self.0.push((key.to_string(), value));
        self
    }

    fn string(self, key: &str, value: &str) -> Self {
        if value.is_empty() {
            return self;
        }
        self.put(key, Json::Str(value.to_string()))
    }

    fn strings(self, key: &str, values: &[String]) -> Self {
        if values.is_empty() {
            return self;
        }
        let items = values.iter().map(|v| Json::Str(v.clone())).collect();
        self.put(key, Json::Array(items))
    }

    fn bool(self, key: &str, value: bool) -> Self {
        if !value {
            return self;
        }
        self.put(key, Json::Bool(true))
    }

    /// `int32`: a number.
    fn int32(self, key: &str, value: i32) -> Self {
        if value == 0 {
            return self;
        }
        self.put(key, Json::Int(value.into()))
    }

    /// `uint32`: a number.
    fn uint32(self, key: &str, value: u32) -> Self {
        if value == 0 {
            return self;
        }
        self.put(key, Json::Uint(value.into()))
    }

    /// `int64`: a string, as protojson writes every 64-bit integer.
    fn int64(self, key: &str, value: i64) -> Self {
        if value == 0 {
            return self;
        }
        self.put(key, Json::Str(value.to_string()))
    }

    fn bytes(self, key: &str, value: &[u8]) -> Self {
        if value.is_empty() {
            return self;
        }
        self.put(key, Json::Str(base64(value)))
    }

    /// An enum field: its value's name, or the number when the name is unknown.
    fn enumeration(self, key: &str, value: i32, name: Option<&'static str>) -> Self {
        if value == 0 {
            return self;
        }
        let json = name.map_or(Json::Int(value.into()), |n| Json::Str(n.to_string()));
        self.put(key, json)
    }

    /// A message field: present when set, even if empty.
    fn message<T>(self, key: &str, value: Option<&T>, encode: impl Fn(&T) -> Json) -> Self {
        match value {
            Some(v) => self.put(key, encode(v)),
            None => self,
        }
    }

    fn list<T>(self, key: &str, values: &[T], encode: impl Fn(&T) -> Json) -> Self {
        if values.is_empty() {
            return self;
        }
        self.put(key, Json::Array(values.iter().map(encode).collect()))
    }

    /// A map field: keys in byte order (a `BTreeMap`'s), as protojson sorts them.
    fn map<V>(self, key: &str, map: &BTreeMap<String, V>, encode: impl Fn(&V) -> Json) -> Self {
        if map.is_empty() {
            return self;
        }
        let entries = map.iter().map(|(k, v)| (k.clone(), encode(v))).collect();
        self.put(key, Json::Object(entries))
    }

    fn done(self) -> Json {
        Json::Object(self.0)
    }
}

fn text(value: &str) -> Json {
    Json::Str(value.to_string())
}

/// Bytes as Go writes a `[]byte`: standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sextet = |n: u32, shift: u32| char::from(ALPHABET[((n >> shift) & 0x3f) as usize]);
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sextet(n, 18));
        out.push(sextet(n, 12));
        out.push(if chunk.len() > 1 { sextet(n, 6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(n, 0) } else { '=' });
    }
    out
}

/// `pb.Op` as `protojson.Marshal` writes it.
pub fn op(op: &pb::Op) -> Json {
    use pb::op::Op;
    let fields = Fields::default().list("inputs", &op.inputs, |i| {
        Fields::default()
            .string("digest", &i.digest)
            .int64("index", i.index)
            .done()
    });
    let fields = match &op.op {
        Some(Op::Exec(e)) => fields.put("exec", exec(e)),
        Some(Op::Source(s)) => fields.put(
            "source",
            Fields::default()
                .string("identifier", &s.identifier)
                .map("attrs", &s.attrs, |v| text(v))
                .done(),
        ),
        Some(Op::File(f)) => fields.put(
            "file",
            Fields::default()
                .list("actions", &f.actions, file_action)
                .done(),
        ),
        Some(Op::Build(b)) => fields.put("build", build(b)),
        Some(Op::Merge(m)) => fields.put(
            "merge",
            Fields::default()
                .list("inputs", &m.inputs, |i| input_index(i.input))
                .done(),
        ),
        Some(Op::Diff(d)) => fields.put(
            "diff",
            Fields::default()
                .message("lower", d.lower.as_ref(), |i| input_index(i.input))
                .message("upper", d.upper.as_ref(), |i| input_index(i.input))
                .done(),
        ),
        None => fields,
    };
    fields
        .message("platform", op.platform.as_ref(), platform)
        .message("constraints", op.constraints.as_ref(), |c| {
            Fields::default().strings("filter", &c.filter).done()
        })
        .done()
}

/// A message whose one field is `int64 input = 1` (merge and diff inputs, build inputs).
fn input_index(input: i64) -> Json {
    Fields::default().int64("input", input).done()
}

fn platform(p: &pb::Platform) -> Json {
    Fields::default()
        .string("Architecture", &p.architecture)
        .string("OS", &p.os)
        .string("Variant", &p.variant)
        .string("OSVersion", &p.os_version)
        .strings("OSFeatures", &p.os_features)
        .done()
}

fn exec(e: &pb::ExecOp) -> Json {
    let network = pb::NetMode::try_from(e.network)
        .ok()
        .map(|m| m.as_str_name());
    let security = pb::SecurityMode::try_from(e.security)
        .ok()
        .map(|m| m.as_str_name());
    Fields::default()
        .message("meta", e.meta.as_ref(), meta)
        .list("mounts", &e.mounts, mount)
        .enumeration("network", e.network, network)
        .enumeration("security", e.security, security)
        .list("secretenv", &e.secretenv, |s| {
            Fields::default()
                .string("ID", &s.id)
                .string("name", &s.name)
                .bool("optional", s.optional)
                .done()
        })
        .list("cdiDevices", &e.cdi_devices, |d| {
            Fields::default()
                .string("name", &d.name)
                .bool("optional", d.optional)
                .done()
        })
        .done()
}

fn meta(m: &pb::Meta) -> Json {
    Fields::default()
        .strings("args", &m.args)
        .strings("env", &m.env)
        .string("cwd", &m.cwd)
        .string("user", &m.user)
        .message("proxyEnv", m.proxy_env.as_ref(), |p| {
            Fields::default()
                .string("httpProxy", &p.http_proxy)
                .string("httpsProxy", &p.https_proxy)
                .string("ftpProxy", &p.ftp_proxy)
                .string("noProxy", &p.no_proxy)
                .string("allProxy", &p.all_proxy)
                .done()
        })
        .list("extraHosts", &m.extra_hosts, |h| {
            Fields::default()
                .string("Host", &h.host)
                .string("IP", &h.ip)
                .done()
        })
        .string("hostname", &m.hostname)
        .list("ulimit", &m.ulimit, |u| {
            Fields::default()
                .string("Name", &u.name)
                .int64("Soft", u.soft)
                .int64("Hard", u.hard)
                .done()
        })
        .string("cgroupParent", &m.cgroup_parent)
        .bool("removeMountStubsRecursive", m.remove_mount_stubs_recursive)
        .list("validExitCodes", &m.valid_exit_codes, |c| {
            Json::Int((*c).into())
        })
        .done()
}

fn mount(m: &pb::Mount) -> Json {
    let kind = pb::MountType::try_from(m.mount_type)
        .ok()
        .map(|t| t.as_str_name());
    let content_cache = pb::MountContentCache::try_from(m.content_cache)
        .ok()
        .map(|c| c.as_str_name());
    let owned_file = |id: &str, uid: u32, gid: u32, mode: u32, optional: bool| {
        Fields::default()
            .string("ID", id)
            .uint32("uid", uid)
            .uint32("gid", gid)
            .uint32("mode", mode)
            .bool("optional", optional)
            .done()
    };
    Fields::default()
        .int64("input", m.input)
        .string("selector", &m.selector)
        .string("dest", &m.dest)
        .int64("output", m.output)
        .bool("readonly", m.readonly)
        .enumeration("mountType", m.mount_type, kind)
        .message("TmpfsOpt", m.tmpfs_opt.as_ref(), |t| {
            Fields::default().int64("size", t.size).done()
        })
        .message("cacheOpt", m.cache_opt.as_ref(), |c| {
            let sharing = pb::CacheSharingOpt::try_from(c.sharing)
                .ok()
                .map(|s| s.as_str_name());
            Fields::default()
                .string("ID", &c.id)
                .enumeration("sharing", c.sharing, sharing)
                .done()
        })
        .message("secretOpt", m.secret_opt.as_ref(), |s| {
            owned_file(&s.id, s.uid, s.gid, s.mode, s.optional)
        })
        .message("SSHOpt", m.ssh_opt.as_ref(), |s| {
            owned_file(&s.id, s.uid, s.gid, s.mode, s.optional)
        })
        .string("resultID", &m.result_id)
        .enumeration("contentCache", m.content_cache, content_cache)
        .done()
}

fn build(b: &pb::BuildOp) -> Json {
    Fields::default()
        .int64("builder", b.builder)
        .map("inputs", &b.inputs, |i| input_index(i.input))
        .message("def", b.def.as_ref(), definition)
        .map("attrs", &b.attrs, |v| text(v))
        .done()
}

fn file_action(a: &pb::FileAction) -> Json {
    use pb::file_action::Action;
    let fields = Fields::default()
        .int64("input", a.input)
        .int64("secondaryInput", a.secondary_input)
        .int64("output", a.output);
    match &a.action {
        Some(Action::Copy(c)) => fields.put("copy", copy(c)),
        Some(Action::Mkfile(f)) => fields.put(
            "mkfile",
            Fields::default()
                .string("path", &f.path)
                .int32("mode", f.mode)
                .bytes("data", &f.data)
                .message("owner", f.owner.as_ref(), chown)
                .int64("timestamp", f.timestamp)
                .done(),
        ),
        Some(Action::Mkdir(d)) => fields.put(
            "mkdir",
            Fields::default()
                .string("path", &d.path)
                .int32("mode", d.mode)
                .bool("makeParents", d.make_parents)
                .message("owner", d.owner.as_ref(), chown)
                .int64("timestamp", d.timestamp)
                .done(),
        ),
        Some(Action::Rm(r)) => fields.put(
            "rm",
            Fields::default()
                .string("path", &r.path)
                .bool("allowNotFound", r.allow_not_found)
                .bool("allowWildcard", r.allow_wildcard)
                .done(),
        ),
        Some(Action::Symlink(s)) => fields.put(
            "symlink",
            Fields::default()
                .string("oldpath", &s.oldpath)
                .string("newpath", &s.newpath)
                .message("owner", s.owner.as_ref(), chown)
                .int64("timestamp", s.timestamp)
                .done(),
        ),
        None => fields,
    }
    .done()
}

fn copy(c: &pb::FileActionCopy) -> Json {
    Fields::default()
        .string("src", &c.src)
        .string("dest", &c.dest)
        .message("owner", c.owner.as_ref(), chown)
        .int32("mode", c.mode)
        .bool("followSymlink", c.follow_symlink)
        .bool("dirCopyContents", c.dir_copy_contents)
        .bool(
            "attemptUnpackDockerCompatibility",
            c.attempt_unpack_docker_compatibility,
        )
        .bool("createDestPath", c.create_dest_path)
        .bool("allowWildcard", c.allow_wildcard)
        .bool("allowEmptyWildcard", c.allow_empty_wildcard)
        .int64("timestamp", c.timestamp)
        .strings("includePatterns", &c.include_patterns)
        .strings("excludePatterns", &c.exclude_patterns)
        .bool(
            "alwaysReplaceExistingDestPaths",
            c.always_replace_existing_dest_paths,
        )
        .string("modeStr", &c.mode_str)
        .strings("requiredPaths", &c.required_paths)
        .done()
}

fn chown(c: &pb::ChownOpt) -> Json {
    Fields::default()
        .message("user", c.user.as_ref(), user)
        .message("group", c.group.as_ref(), user)
        .done()
}

fn user(u: &pb::UserOpt) -> Json {
    use pb::user_opt::User;
    let fields = Fields::default();
    match &u.user {
        Some(User::ByName(n)) => fields.put(
            "byName",
            Fields::default()
                .string("name", &n.name)
                .int64("input", n.input)
                .done(),
        ),
        // A oneof member is written when set, zero or not.
        Some(User::ById(id)) => fields.put("byID", Json::Uint((*id).into())),
        None => fields,
    }
    .done()
}

/// The keys of `OpMetadata`'s fields: protobuf's JSON names, or the snake-case tags Go's
/// `encoding/json` writes for `llb.OpMetadata`.
const PROTO_METADATA_KEYS: [&str; 5] = [
    "ignoreCache",
    "description",
    "exportCache",
    "caps",
    "progressGroup",
];
const GO_METADATA_KEYS: [&str; 5] = [
    "ignore_cache",
    "description",
    "export_cache",
    "caps",
    "progress_group",
];

/// `pb.OpMetadata` as `protojson.Marshal` writes it (inside a nested definition).
pub fn op_metadata(m: &pb::OpMetadata) -> Json {
    metadata_with(m, PROTO_METADATA_KEYS)
}

/// `OpMetadata` under `keys`; both encodings leave out the same empty fields.
fn metadata_with(m: &pb::OpMetadata, keys: [&str; 5]) -> Json {
    let [ignore_cache, description, export_cache, caps, group] = keys;
    Fields::default()
        .bool(ignore_cache, m.ignore_cache)
        .map(description, &m.description, |v| text(v))
        .message(export_cache, m.export_cache.as_ref(), |e| {
            Fields::default().bool("Value", e.value).done()
        })
        .map(caps, &m.caps, |on| Json::Bool(*on))
        .message(group, m.progress_group.as_ref(), progress_group)
        .done()
}

fn progress_group(g: &pb::ProgressGroup) -> Json {
    Fields::default()
        .string("id", &g.id)
        .string("name", &g.name)
        .bool("weak", g.weak)
        .done()
}

/// `pb.Definition` as `protojson.Marshal` writes it.
pub fn definition(d: &pb::Definition) -> Json {
    let defs: Vec<Json> = d.def.iter().map(|b| Json::Str(base64(b))).collect();
    let fields = if defs.is_empty() {
        Fields::default()
    } else {
        Fields::default().put("def", Json::Array(defs))
    };
    fields
        .map("metadata", &d.metadata, op_metadata)
        .message("Source", d.source.as_ref(), source)
        .done()
}

/// `pb.Source` (the source map: locations per op digest, the files) as `protojson.Marshal`
/// writes it.
pub fn source(s: &pb::Source) -> Json {
    let position = |p: &pb::Position| {
        Fields::default()
            .int32("line", p.line)
            .int32("character", p.character)
            .done()
    };
    Fields::default()
        .map("locations", &s.locations, |l| {
            Fields::default()
                .list("locations", &l.locations, |loc| {
                    Fields::default()
                        .int32("sourceIndex", loc.source_index)
                        .list("ranges", &loc.ranges, |r| {
                            Fields::default()
                                .message("start", r.start.as_ref(), position)
                                .message("end", r.end.as_ref(), position)
                                .done()
                        })
                        .done()
                })
                .done()
        })
        .list("infos", &s.infos, |i| {
            Fields::default()
                .string("filename", &i.filename)
                .bytes("data", &i.data)
                .message("definition", i.definition.as_ref(), definition)
                .string("language", &i.language)
                .done()
        })
        .done()
}

/// The `result.json` of BuildKit's `frontend.convertllb` subrequest for `def`, byte for byte
/// as `convertllb.Result.ToResult` writes it: every op decoded (`def`, keyed and sorted by
/// digest), the metadata (`metadata`), the source map (`source`), indented by two spaces,
/// with `<`, `>` and `&` escaped as Go escapes them.
pub fn convert_llb_json(def: &pb::Definition) -> Result<String, Error> {
    let mut ops = BTreeMap::new();
    for bytes in &def.def {
        let decoded = pb::Op::decode(bytes.as_slice())
            .map_err(|e| Error::InvalidDefinition(format!("undecodable op: {e}")))?;
        ops.insert(digest_of(bytes), op(&decoded));
    }
    let result = Fields::default()
        .put("def", Json::Object(ops.into_iter().collect()))
        .put(
            "metadata",
            Json::Object(
                def.metadata
                    .iter()
                    .map(|(k, m)| (k.clone(), metadata_with(m, GO_METADATA_KEYS)))
                    .collect(),
            ),
        )
        .put(
            "source",
            def.source.as_ref().map_or(Json::Object(Vec::new()), source),
        )
        .done();
    let text = serde_json::to_string_pretty(&result)
        .map_err(|e| Error::InvalidDefinition(format!("convertllb JSON: {e}")))?;
    Ok(go_html_escape(&text))
}

#[cfg(test)]
mod tests;
