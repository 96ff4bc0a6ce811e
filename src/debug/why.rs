//! `rustfront debug why OLD NEW`: why does the cache miss between two revisions of a Dockerfile?
//!
//! No BuildKit counterpart (buildkit#2567, #2039 ask for it). Both revisions are converted to
//! LLB; then every step of the new revision is compared with the step of the old one the way
//! BuildKit's solver keys its cache: an op is reused when its own fields are equal and each of
//! its inputs is reused. Two departures from plain digest equality follow BuildKit:
//! the build context source is keyed by the *content* of the paths a step selects from it (its
//! `followpaths` list is not part of the key), so a context is compared file by file when both
//! trees are given; and an op's progress name and source lines are not part of the key.
//!
//! For each stage the report names the first step that misses and the cause: the instruction
//! text, a build arg or ENV value it sees, its base image, the context files it copies, another
//! stage it uses, or another field of the op.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use serde_json::Value;

use crate::llb::{self, pb};

/// A build context as one revision saw it: a list of files and their bytes.
pub trait ContextTree {
    /// Every regular file, as a `/`-separated path relative to the context root.
    fn files(&self) -> Result<BTreeSet<String>, String>;
    /// The bytes of one file listed by [`ContextTree::files`].
    fn read(&self, path: &str) -> Result<Vec<u8>, String>;
}

/// The two revisions' build contexts, when the caller has them.
pub struct Contexts<'a> {
    pub old: &'a dyn ContextTree,
    pub new: &'a dyn ContextTree,
}

/// Why a step is not reused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cause {
    /// The stage did not exist (by name) in the old revision, or had fewer steps.
    NewStep,
    /// The instruction itself changed.
    Instruction { old: String, new: String },
    /// The base image reference changed.
    BaseImage { old: String, new: String },
    /// Build args or ENV values the step sees changed (`name`, old value, new value).
    Variables {
        changed: Vec<(String, Option<String>, Option<String>)>,
    },
    /// Context files the step copies or mounts changed.
    ContextFiles { paths: Vec<String> },
    /// The step uses the result of another stage, which misses. BuildKit keys a copy or mount
    /// of another stage by the content it takes, so the step is still reused when that content
    /// comes out identical: a miss here is likely, not certain.
    Stage { stage: String },
    /// The step is built on an earlier step that misses (only for unnamed helper ops).
    Parent,
    /// Some other field of the op changed (named by its JSON path).
    Fields { fields: Vec<String> },
}

/// One stage of the new revision.
#[derive(Debug, Serialize)]
pub struct StageReport {
    pub stage: String,
    pub steps: usize,
    /// The first step that is not reused, if any.
    pub first_miss: Option<Miss>,
}

/// The first step of a stage that misses the cache.
#[derive(Debug, Serialize)]
pub struct Miss {
    /// 1-based, as in the progress name `[stage N/M]`.
    pub step: usize,
    pub instruction: String,
    pub line: Option<u32>,
    pub cause: Cause,
}

/// What `debug why` found.
#[derive(Debug, Serialize)]
pub struct Report {
    pub stages: Vec<StageReport>,
    /// Stages of the old revision that are gone.
    pub removed_stages: Vec<String>,
    /// False when the context was not compared (no trees given): a changed file goes unnoticed.
    pub context_compared: bool,
}

/// One op as `llb::describe` shows it, plus where it sits in the Dockerfile.
struct Op {
    json: Value,
    inputs: Vec<String>,
    step: Option<Step>,
}

#[derive(Clone)]
struct Step {
    stage: String,
    index: usize,
    total: usize,
    text: String,
}

struct Revision {
    ops: HashMap<String, Op>,
    /// Stage name → step index → the digests named `[stage index/total]`, in definition order.
    stages: Vec<(String, BTreeMap<usize, Vec<String>>)>,
}

impl Revision {
    fn new(def: &pb::Definition) -> Revision {
        let mut ops = HashMap::new();
        let mut stages: Vec<(String, BTreeMap<usize, Vec<String>>)> = Vec::new();
        if let Value::Array(list) = llb::describe(def) {
            for json in list {
                let digest = str_at(&json, &["digest"]).unwrap_or_default();
                let inputs = match json.get("inputs") {
                    Some(Value::Array(ins)) => {
                        ins.iter().filter_map(|i| str_at(i, &["digest"])).collect()
                    }
                    _ => Vec::new(),
                };
                let step = str_at(&json, &["name"]).and_then(|n| parse_step(&n));
                if let Some(s) = &step {
                    let pos = match stages.iter().position(|(name, _)| *name == s.stage) {
                        Some(p) => p,
                        None => {
                            stages.push((s.stage.clone(), BTreeMap::new()));
                            stages.len() - 1
                        }
                    };
                    stages[pos]
                        .1
                        .entry(s.index)
                        .or_default()
                        .push(digest.clone());
                }
                ops.insert(digest, Op { json, inputs, step });
            }
        }
        // in Dockerfile order (the definition lists a stage where it is first used)
        let first_line = |steps: &BTreeMap<usize, Vec<String>>| {
            steps
                .values()
                .flatten()
                .filter_map(|d| line_of(&ops.get(d)?.json))
                .min()
        };
        stages.sort_by_cached_key(|(_, steps)| first_line(steps));
        Revision { ops, stages }
    }

    /// Give the unnamed stage of a one-stage build the name `name`.
    fn name_unnamed(&mut self, name: &str) {
        for (stage, _) in self.stages.iter_mut().filter(|(s, _)| s.is_empty()) {
            *stage = name.to_string();
        }
        for op in self.ops.values_mut() {
            if let Some(step) = op.step.as_mut().filter(|s| s.stage.is_empty()) {
                step.stage = name.to_string();
            }
        }
    }

    fn stage(&self, name: &str) -> Option<&BTreeMap<usize, Vec<String>>> {
        self.stages.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }
}

/// `[build 3/5] COPY . .` → stage `build`, step 3 of 5, text `COPY . .`.
fn parse_step(name: &str) -> Option<Step> {
    let rest = name.strip_prefix('[')?;
    let (head, text) = rest.split_once("] ")?;
    // a build of one stage has no stage name: `[2/3] RUN …`
    let (stage, count) = head.rsplit_once(' ').unwrap_or(("", head));
    let (index, total) = count.split_once('/')?;
    Some(Step {
        stage: stage.to_string(),
        index: index.parse().ok()?,
        total: total.parse().ok()?,
        text: text.to_string(),
    })
}

fn str_at(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for key in path {
        cur = cur.get(key)?;
    }
    cur.as_str().map(str::to_string)
}

/// One revision: its LLB and the name of the stage it builds (`stage-N` when unnamed).
pub struct Side<'a> {
    pub definition: &'a pb::Definition,
    pub target: &'a str,
}

/// Compare two conversions of a Dockerfile.
pub fn why(old: Side, new: Side, contexts: Option<Contexts>) -> Report {
    // a one-stage build's progress names carry no stage name: it is the target
    let mut old_rev = Revision::new(old.definition);
    old_rev.name_unnamed(old.target);
    let mut new_rev = Revision::new(new.definition);
    new_rev.name_unnamed(new.target);
    let (old, new) = (old_rev, new_rev);
    let mut cmp = Comparer {
        old: &old,
        new: &new,
        contexts,
        memo: HashMap::new(),
    };
    let stages = new
        .stages
        .iter()
        .map(|(name, steps)| {
            let total = steps
                .values()
                .filter_map(|d| new.ops.get(d.first()?)?.step.as_ref())
                .map(|s| s.total)
                .max()
                .unwrap_or(0);
            let first_miss = steps.iter().find_map(|(index, digests)| {
                let last = digests.last()?;
                let step = new.ops.get(last)?.step.clone()?;
                let line = line_of(&new.ops[last].json);
                // the old step by its progress name, or the very same op (BuildKit gives one
                // op to equal steps, and its progress name to one of them)
                let same: Vec<String>;
                let old_step = match old.stage(name).and_then(|s| s.get(index)) {
                    Some(o) => Some(o),
                    None if digests.iter().all(|d| old.ops.contains_key(d)) => {
                        same = digests.clone();
                        Some(&same)
                    }
                    None => None,
                };
                let cause = match old_step {
                    None => Some(Cause::NewStep),
                    Some(old_digests) => digests
                        .iter()
                        .zip(old_digests.iter())
                        .find_map(|(n, o)| cmp.compare(n, o))
                        .or_else(|| {
                            (digests.len() != old_digests.len()).then(|| Cause::Fields {
                                fields: vec!["ops of the step".into()],
                            })
                        })
                        .map(|cause| explain(cause, &old, &old_digests[0], &step)),
                };
                cause.map(|cause| Miss {
                    step: *index,
                    instruction: step.text.clone(),
                    line,
                    cause,
                })
            });
            StageReport {
                stage: name.clone(),
                steps: total,
                first_miss,
            }
        })
        .collect();
    let removed_stages = old
        .stages
        .iter()
        .filter(|(name, _)| new.stage(name).is_none())
        .map(|(name, _)| name.clone())
        .collect();
    Report {
        stages,
        removed_stages,
        context_compared: cmp.contexts.is_some(),
    }
}

/// A cause found on the op level, told as the instruction text changing when it did.
fn explain(cause: Cause, old: &Revision, old_digest: &str, step: &Step) -> Cause {
    let old_text = old
        .ops
        .get(old_digest)
        .and_then(|o| o.step.as_ref())
        .map(|s| s.text.clone())
        .unwrap_or_default();
    match cause {
        Cause::BaseImage { .. }
        | Cause::Stage { .. }
        | Cause::ContextFiles { .. }
        | Cause::Variables { .. } => cause,
        _ if old_text != step.text => Cause::Instruction {
            old: old_text,
            new: step.text.clone(),
        },
        _ => cause,
    }
}

fn line_of(json: &Value) -> Option<u32> {
    let first = json
        .get("locations")?
        .get(0)?
        .get("lines")?
        .get(0)?
        .get(0)?;
    first.as_u64().and_then(|l| u32::try_from(l).ok())
}

struct Comparer<'a> {
    old: &'a Revision,
    new: &'a Revision,
    contexts: Option<Contexts<'a>>,
    memo: HashMap<(String, String), Option<Cause>>,
}

/// Fields of `llb::describe` that are not part of BuildKit's cache key.
const NOT_KEYED: &[&str] = &[
    "digest",
    "inputs",
    "name",
    "locations",
    "description",
    "caps",
    "ignore_cache",
];
/// Attributes of a local source that BuildKit leaves out of its key (content decides).
const LOCAL_NOT_KEYED: &[&str] = &[
    "local.followpaths",
    "local.includepattern",
    "local.excludepatterns",
    "local.session",
    "local.sharedkeyhint",
];

impl Comparer<'_> {
    /// `None` when the new op `n` reuses the old op `o`, else the first cause found.
    /// Iterative (an explicit stack), so a long chain of steps cannot overflow the stack.
    fn compare(&mut self, n: &str, o: &str) -> Option<Cause> {
        let mut stack = vec![(n.to_string(), o.to_string())];
        while let Some((n, o)) = stack.last().cloned() {
            // the very same op is reused, unless it reads context files that changed
            if n == o && self.contexts.is_none() {
                self.memo.insert((n, o), None);
                stack.pop();
                continue;
            }
            if self.memo.contains_key(&(n.clone(), o.clone())) {
                stack.pop();
                continue;
            }
            let (Some(nop), Some(oop)) = (self.new.ops.get(&n), self.old.ops.get(&o)) else {
                self.memo.insert((n, o), Some(Cause::NewStep));
                stack.pop();
                continue;
            };
            if let Some(cause) = self.own_fields(nop, oop) {
                self.memo.insert((n, o), Some(cause));
                stack.pop();
                continue;
            }
            if nop.inputs.len() != oop.inputs.len() {
                let cause = Cause::Fields {
                    fields: vec!["inputs".into()],
                };
                self.memo.insert((n, o), Some(cause));
                stack.pop();
                continue;
            }
            let pending: Vec<(String, String)> = nop
                .inputs
                .iter()
                .cloned()
                .zip(oop.inputs.iter().cloned())
                .filter(|pair| !self.memo.contains_key(pair))
                .collect();
            if !pending.is_empty() {
                stack.extend(pending);
                continue;
            }
            let mut result = None;
            for (i, (ni, oi)) in nop.inputs.iter().zip(&oop.inputs).enumerate() {
                let Some(Some(inner)) = self.memo.get(&(ni.clone(), oi.clone())) else {
                    continue;
                };
                result = Some(self.through_input(nop, i, ni, inner.clone()));
                break;
            }
            if result.is_none() {
                result = self.context_files(nop, oop);
            }
            self.memo.insert((n, o), result);
            stack.pop();
        }
        self.memo
            .get(&(n.to_string(), o.to_string()))
            .cloned()
            .flatten()
    }

    /// The cause of a step that misses because its input `index` (`digest`) misses.
    fn through_input(&self, op: &Op, index: usize, digest: &str, inner: Cause) -> Cause {
        let input = &self.new.ops[digest];
        let own_stage = op.step.as_ref().map(|s| s.stage.as_str());
        match &input.step {
            Some(s) if Some(s.stage.as_str()) != own_stage => Cause::Stage {
                stage: s.stage.clone(),
            },
            Some(_) => Cause::Parent,
            // an unnamed op: a source (base image, context) or a helper op
            None => match inner {
                Cause::BaseImage { .. } | Cause::ContextFiles { .. } | Cause::Stage { .. } => inner,
                _ if index == 0 => inner,
                _ => Cause::Parent,
            },
        }
    }

    fn own_fields(&self, n: &Op, o: &Op) -> Option<Cause> {
        let keyed = |op: &Op| {
            let mut v = op.json.clone();
            if let Value::Object(map) = &mut v {
                for k in NOT_KEYED {
                    map.remove(*k);
                }
                if let Some(Value::Object(attrs)) =
                    map.get_mut("source").and_then(|s| s.get_mut("attrs"))
                {
                    for k in LOCAL_NOT_KEYED {
                        attrs.remove(*k);
                    }
                }
            }
            v
        };
        let (nv, ov) = (keyed(n), keyed(o));
        if nv == ov {
            return None;
        }
        let (n_id, o_id) = (
            str_at(&nv, &["source", "identifier"]),
            str_at(&ov, &["source", "identifier"]),
        );
        if let (Some(new), Some(old)) = (n_id, o_id) {
            if new != old {
                return Some(Cause::BaseImage {
                    old: strip_scheme(&old),
                    new: strip_scheme(&new),
                });
            }
        }
        if let (Some(Value::Array(ne)), Some(Value::Array(oe))) = (
            nv.get("exec").and_then(|e| e.get("env")),
            ov.get("exec").and_then(|e| e.get("env")),
        ) {
            let changed = env_changes(oe, ne);
            if !changed.is_empty() {
                return Some(Cause::Variables { changed });
            }
        }
        let mut fields = Vec::new();
        diff_paths(&ov, &nv, String::new(), &mut fields);
        Some(Cause::Fields { fields })
    }

    /// Context files selected by a copy or a mount of the local context source that changed.
    fn context_files(&self, n: &Op, o: &Op) -> Option<Cause> {
        let contexts = self.contexts.as_ref()?;
        let mut selectors = Vec::new();
        for (i, input) in n.inputs.iter().enumerate() {
            let is_context = self
                .new
                .ops
                .get(input)
                .and_then(|op| str_at(&op.json, &["source", "identifier"]))
                .is_some_and(|id| id.starts_with("local://"));
            if !is_context {
                continue;
            }
            selectors.extend(selectors_of(&n.json, i));
            selectors.extend(selectors_of(&o.json, i));
        }
        if selectors.is_empty() {
            return None;
        }
        let changed = match changed_files(contexts, &selectors) {
            Ok(c) => c,
            Err(e) => vec![format!("(cannot compare the context: {e})")],
        };
        (!changed.is_empty()).then_some(Cause::ContextFiles { paths: changed })
    }
}

fn strip_scheme(id: &str) -> String {
    id.split_once("://")
        .map_or(id, |(_, rest)| rest)
        .to_string()
}

/// The paths a file op's copies or an exec op's mounts read from input `input`.
fn selectors_of(json: &Value, input: usize) -> Vec<String> {
    let mut out = Vec::new();
    let index = i64::try_from(input).unwrap_or(-1);
    if let Some(Value::Array(actions)) = json.get("file").and_then(|f| f.get("actions")) {
        for a in actions {
            let reads = a.get("secondary_input").and_then(Value::as_i64) == Some(index)
                && a.get("action").and_then(Value::as_str) == Some("copy");
            if let (true, Some(src)) = (reads, str_at(a, &["src"])) {
                out.push(src);
            }
        }
    }
    if let Some(Value::Array(mounts)) = json.get("exec").and_then(|e| e.get("mounts")) {
        for m in mounts {
            if m.get("input").and_then(Value::as_i64) == Some(index) {
                out.push(str_at(m, &["selector"]).unwrap_or_else(|| "/".into()));
            }
        }
    }
    out
}

/// Files under any of `selectors` (paths or wildcards from the context root) that were added,
/// removed or changed between the two trees.
fn changed_files(contexts: &Contexts, selectors: &[String]) -> Result<Vec<String>, String> {
    let (old_files, new_files) = (contexts.old.files()?, contexts.new.files()?);
    let selected = |path: &str| selectors.iter().any(|s| selects(s, path));
    let mut changed = Vec::new();
    for path in old_files.union(&new_files) {
        if !selected(path) {
            continue;
        }
        let same = old_files.contains(path)
            && new_files.contains(path)
            && contexts.old.read(path)? == contexts.new.read(path)?;
        if !same {
            changed.push(path.clone());
        }
    }
    Ok(changed)
}

/// Whether a copy source (`/src/*.go`, `/`, `/dir`) selects `path` (relative, `/`-separated):
/// the source matches the path itself or one of its parent directories.
fn selects(selector: &str, path: &str) -> bool {
    let pattern: Vec<&str> = selector
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    let parts: Vec<&str> = path.split('/').collect();
    pattern.len() <= parts.len()
        && pattern
            .iter()
            .zip(&parts)
            .all(|(p, c)| glob_match(p.as_bytes(), c.as_bytes()))
}

/// One path component against a pattern with `*` and `?` (Go's `filepath.Match`, without
/// classes: a `[` is taken literally). Iterative with one backtrack point.
fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(b'?') => {
                p += 1;
                t += 1;
            }
            Some(c) if *c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == b'*')
}

/// `NAME=value` lists → the names whose value differs.
fn env_changes(old: &[Value], new: &[Value]) -> Vec<(String, Option<String>, Option<String>)> {
    let map = |list: &[Value]| -> BTreeMap<String, String> {
        list.iter()
            .filter_map(Value::as_str)
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (kv.to_string(), String::new()),
            })
            .collect()
    };
    let (o, n) = (map(old), map(new));
    o.keys()
        .chain(n.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|k| o.get(*k) != n.get(*k))
        .map(|k| (k.clone(), o.get(k).cloned(), n.get(k).cloned()))
        .collect()
}

/// The JSON paths (`exec.args`, `file.actions[0].mode`) where `a` and `b` differ.
fn diff_paths(a: &Value, b: &Value, at: String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let path = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => diff_paths(u, v, path, out),
                    _ => out.push(path),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() && !is_scalar_list(x) => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                diff_paths(u, v, format!("{at}[{i}]"), out);
            }
        }
        _ if a != b => out.push(at),
        _ => {}
    }
}

fn is_scalar_list(list: &[Value]) -> bool {
    list.iter().all(|v| !v.is_object() && !v.is_array())
}

impl Report {
    /// The report for people: one paragraph per stage.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for s in &self.stages {
            match &s.first_miss {
                None => out.push_str(&format!(
                    "stage {}: cached (all {} steps reused)\n",
                    s.stage, s.steps
                )),
                Some(m) => {
                    let line = m.line.map(|l| format!(" (line {l})")).unwrap_or_default();
                    out.push_str(&format!(
                        "stage {}: cache miss at step {}/{}{line}: {}\n  because {}\n",
                        s.stage,
                        m.step,
                        s.steps,
                        m.instruction,
                        describe_cause(&m.cause)
                    ));
                }
            }
        }
        for s in &self.removed_stages {
            out.push_str(&format!("stage {s}: gone in the new revision\n"));
        }
        if !self.context_compared {
            out.push_str(
                "note: the build context was not compared (give --context DIR); a changed file \
                 that a COPY reads would also make that COPY miss\n",
            );
        }
        out
    }
}

fn describe_cause(cause: &Cause) -> String {
    match cause {
        Cause::NewStep => "the step is new (the old revision has no such step)".into(),
        Cause::Instruction { old, new } => {
            format!("the instruction changed:\n    - {old}\n    + {new}")
        }
        Cause::BaseImage { old, new } => format!("the base image changed: {old} → {new}"),
        Cause::Variables { changed } => {
            let lines: Vec<String> = changed
                .iter()
                .map(|(k, o, n)| {
                    let show = |v: &Option<String>| v.as_deref().unwrap_or("(unset)").to_string();
                    format!("    {k}: {} → {}", show(o), show(n))
                })
                .collect();
            format!(
                "a build arg or ENV value it sees changed:\n{}",
                lines.join("\n")
            )
        }
        Cause::ContextFiles { paths } => {
            format!("context files it reads changed: {}", paths.join(", "))
        }
        Cause::Stage { stage } => format!(
            "it uses stage {stage}, which misses the cache (BuildKit still reuses this step if \
             the files it takes from {stage} come out identical)"
        ),
        Cause::Parent => "an earlier step it is built on misses the cache".into(),
        Cause::Fields { fields } => format!("the op changed in: {}", fields.join(", ")),
    }
}

#[cfg(test)]
mod tests;
