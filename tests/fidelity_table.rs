//! The fidelity table, `docs/fidelity.tsv`: every input docker/dockerfile 1.20.0 reads
//! (instructions, flags, mount keys, frontend options, built-in build args, directives,
//! subrequests), each marked honoured / refused / not-read / bug (see `docs/fidelity.md`).
//! This walker checks every row against the code:
//!
//! - a `dockerfile:` probe is converted with the library (parse, plan, convert, marshal), a
//!   `frontend:` probe is built through the whole frontend against the in-process fake BuildKit,
//!   a `test:` row names the test that shows the effect;
//! - `expect` clauses must hold on the outcome: `error@N:<text>` (an error naming Dockerfile line
//!   N), `error:<text>`, `!<text>` (absent) or `<text>` (present in the outcome's text);
//! - a probe given options or build args must change the outcome when the row is honoured and
//!   leave it unchanged when the row is not-read;
//! - `bug` rows always fail, listed with their description, until they are fixed.
//!
//! It also checks the README's "Supported Dockerfile features" table against the rows.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use prost::Message;
use rustfront::convert::{self, ConvertOptions, ResolvedImage};
use rustfront::dockerfile;
use rustfront::frontend;
use rustfront::gateway::FrontendEnv;
use rustfront::instructions::include::Includes;
use rustfront::llb::{self, MarshalOptions, Platform};
use rustfront::proto::pb;
use rustfront_gateway::testing::{
    FakeBuildkit, V0_8_LLB_CAPS, V0_13_EXTRA_LLB_CAPS, source_definition, source_ops,
};
use serde_json::json;

/// Rows of the upstream inventory the table was made from; the table covers at least these.
const INVENTORY_ROWS: usize = 200;

const KINDS: [&str; 7] = [
    "instruction",
    "flag",
    "mount-key",
    "option",
    "build-arg",
    "directive",
    "subrequest",
];

/// The README's feature rows (by the start of their first cell) and the `feature` id that
/// table rows use for them; `None` for a row the table does not cover, with the tests that do.
const README_FEATURES: &[(&str, Option<&str>)] = &[
    ("parser:", Some("parser")),
    ("variable expansion", None), // tests/conformance_shell.rs: BuildKit's shell vectors
    ("`FROM`", Some("from")),
    ("`--target`", Some("target")),
    ("`RUN` shell", Some("run")),
    ("`RUN --mount", Some("mount")),
    ("`RUN --device`", Some("device")),
    ("`COPY` from context", Some("copy")),
    ("`COPY --link`", Some("link")),
    ("`COPY --parents`", Some("parents")),
    ("`ADD` local files", Some("add")),
    ("`ADD` of git", Some("add-git")),
    ("`ENV`, `ARG`", Some("meta")),
    ("`ONBUILD`", Some("onbuild")),
    ("predefined", Some("args")),
    ("build options", Some("options")),
    ("BuildKit's build args", Some("buildkit-args")),
    ("multi-platform", Some("multi-platform")),
    ("SBOM and provenance", Some("attest")),
    ("named contexts", Some("contexts")),
    ("subrequests", Some("subrequests")),
    ("`# check=`", Some("check")),
    ("resource limits", Some("resources")),
    ("Windows images", Some("windows")),
];

/// Images the probes may use; every one resolves to a small linux config.
const IMAGES: [&str; 3] = [
    "docker.io/library/busybox:latest",
    "docker.io/library/alpine:latest",
    // the image of the oci-layout named context probe
    "docker.io/library/base@sha256:0000000000000000000000000000000000000000000000000000000000000000",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn probe_path(name: &str) -> PathBuf {
    root().join("tests/data/fidelity").join(name)
}

fn read_probe(name: &str) -> Result<Vec<u8>, String> {
    fs::read(probe_path(name)).map_err(|e| format!("probe {name}: {e}"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Honoured,
    Refused,
    NotRead,
    Bug,
    /// Upstream refuses the input; rustfront's dialect gives it a meaning.
    Extended,
}

impl Status {
    fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "honoured" => Status::Honoured,
            "refused" => Status::Refused,
            "not-read" => Status::NotRead,
            "bug" => Status::Bug,
            "extended" => Status::Extended,
            _ => return None,
        })
    }
}

#[derive(Debug)]
struct Row {
    line: usize,
    kind: String,
    name: String,
    status: Status,
    feature: String,
    check: String,
    expect: String,
    note: String,
}

impl Row {
    fn label(&self) -> String {
        format!(
            "docs/fidelity.tsv:{} {} {:?}",
            self.line, self.kind, self.name
        )
    }
}

fn table() -> Vec<Row> {
    let text = fs::read_to_string(root().join("docs/fidelity.tsv")).expect("docs/fidelity.tsv");
    let mut lines = text.lines().enumerate();
    let (_, header) = lines.next().expect("a header row");
    assert_eq!(
        header, "kind\tname\tstatus\tfeature\tcheck\texpect\tnote",
        "docs/fidelity.tsv header"
    );
    lines
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 7, "docs/fidelity.tsv:{}: 7 columns", i + 1);
            Row {
                line: i + 1,
                kind: cols[0].into(),
                name: cols[1].into(),
                status: Status::parse(cols[2])
                    .unwrap_or_else(|| panic!("docs/fidelity.tsv:{}: status {:?}", i + 1, cols[2])),
                feature: cols[3].into(),
                check: cols[4].into(),
                expect: cols[5].into(),
                note: cols[6].into(),
            }
        })
        .collect()
}

/// How a row is checked: `<kind>:<target>` followed by `;key=value` settings.
#[derive(Debug, Default)]
struct Check {
    kind: String,
    target: String,
    /// Frontend options (`opt=k=v`), or build args (`arg=K=V`) of a library conversion.
    opts: Vec<(String, String)>,
    target_stage: Option<String>,
    platform: Option<String>,
    /// `daemon=v0.8`: the fake has BuildKit 0.8's caps.
    old_daemon: bool,
    /// `llbcap=<cap>`: the fake has this LLB cap too.
    llb_caps: Vec<String>,
    /// `worker=os/arch`: the platform of BuildKit's worker (default `linux/amd64`).
    worker: Option<(String, String)>,
    /// `as=<key>:<path>`: where the fake serves the probe (default `local://dockerfile`,
    /// `Dockerfile`).
    serve_as: Option<(String, String)>,
    /// `serve=<key>:<path>=<probe>`: further files.
    serve: Vec<(String, String, String)>,
    /// `input=<name>:<probe>`: a frontend input whose files are the probe (as `Dockerfile`).
    inputs: Vec<(String, String)>,
}

fn parse_check(text: &str) -> Result<Check, String> {
    let mut parts = text.split(';');
    let head = parts.next().unwrap_or_default();
    let (kind, target) = head
        .split_once(':')
        .ok_or_else(|| format!("check {text:?}: expected <kind>:<target>"))?;
    let mut check = Check {
        kind: kind.into(),
        target: target.into(),
        ..Check::default()
    };
    for part in parts {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| format!("check setting {part:?}: expected key=value"))?;
        // Keys such as `local://x` contain colons; paths and probe names do not.
        let pair = |v: &str, sep: char| {
            let split = if sep == ':' {
                v.rsplit_once(sep)
            } else {
                v.split_once(sep)
            };
            split
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .ok_or_else(|| format!("check setting {part:?}: expected a{sep}b"))
        };
        match key {
            "opt" | "arg" => check.opts.push(pair(value, '=')?),
            "target" => check.target_stage = Some(value.into()),
            "platform" => check.platform = Some(value.into()),
            "daemon" if value == "v0.8" => check.old_daemon = true,
            "worker" => check.worker = Some(pair(value, '/')?),
            "llbcap" => check.llb_caps.push(value.into()),
            "as" => check.serve_as = Some(pair(value, ':')?),
            "serve" => {
                let (file, probe) = pair(value, '=')?;
                let (key, path) = pair(&file, ':')?;
                check.serve.push((key, path, probe));
            }
            "input" => check.inputs.push(pair(value, ':')?),
            _ => return Err(format!("unknown check setting {part:?}")),
        }
    }
    Ok(check)
}

#[derive(Debug)]
enum Clause {
    /// The outcome equals the build without the row's options.
    Unchanged,
    Error {
        line: Option<usize>,
        text: String,
    },
    Has(String),
    Lacks(String),
}

fn parse_expect(text: &str) -> Result<Vec<Clause>, String> {
    if text == "-" {
        return Ok(Vec::new());
    }
    text.split(" && ")
        .map(|c| {
            if c == "unchanged" {
                Ok(Clause::Unchanged)
            } else if let Some(rest) = c.strip_prefix("error@") {
                let (line, text) = rest
                    .split_once(':')
                    .ok_or_else(|| format!("clause {c:?}: expected error@N:text"))?;
                let line = line
                    .parse()
                    .map_err(|_| format!("clause {c:?}: bad line number"))?;
                Ok(Clause::Error {
                    line: Some(line),
                    text: text.into(),
                })
            } else if let Some(text) = c.strip_prefix("error:") {
                Ok(Clause::Error {
                    line: None,
                    text: text.into(),
                })
            } else if let Some(text) = c.strip_prefix('!') {
                Ok(Clause::Lacks(text.into()))
            } else {
                Ok(Clause::Has(c.into()))
            }
        })
        .collect()
}

/// A probe's outcome: the text the clauses search (LLB, image config, what the fake was asked)
/// or the error.
type Outcome = Result<String, String>;

/// The stub resolver's answer: the platform and one empty layer.
fn stub_config(platform: &Platform) -> String {
    let mut config = json!({
        "architecture": platform.architecture,
        "os": platform.os,
        "rootfs": {"type": "layers", "diff_ids": [format!("sha256:{}", "0".repeat(64))]},
    });
    if !platform.variant.is_empty() {
        config["variant"] = json!(platform.variant);
    }
    config.to_string()
}

/// The definition as text: `llb::describe` plus the mounts' own fields (describe leaves out
/// some, e.g. `readonly` of cache mounts).
fn definition_text(def: &pb::Definition) -> String {
    let mut out = serde_json::to_string(&llb::describe(def)).unwrap_or_default();
    for bytes in &def.def {
        if let Ok(pb::Op {
            op: Some(pb::op::Op::Exec(exec)),
            ..
        }) = pb::Op::decode(bytes.as_slice())
        {
            for mount in &exec.mounts {
                let _ = write!(out, "\nmount {mount:?}");
            }
        }
    }
    out
}

fn convert_library(check: &Check) -> Outcome {
    let data = read_probe(&check.target)?;
    let parsed =
        dockerfile::parse(&data).map_err(|e| format!("Dockerfile:{}: {}", e.line(), e.message))?;
    let build_platform = Platform::new("linux", "amd64");
    let target_platform = match &check.platform {
        Some(p) => Platform::parse(p).map_err(|e| format!("platform {p}: {e}"))?,
        None => build_platform.clone(),
    };
    let opts = ConvertOptions {
        target: check.target_stage.clone(),
        build_args: check.opts.iter().cloned().collect(),
        target_platform: Some(target_platform),
        ..ConvertOptions::new("Dockerfile", &data, build_platform)
    };
    // INCLUDE (rustfront's own) reads other probes.
    let mut includes = Includes::new("Dockerfile");
    includes
        .resolve(&parsed, read_probe)
        .map_err(|e| includes.located(&e))?;
    let converted =
        convert::convert_with_includes(&parsed, &includes, &opts, |request| ResolvedImage {
            digest: String::new(),
            config: Some(stub_config(&request.platform).into_bytes()),
        })
        .map_err(|e| match e.span {
            Some(_) => includes.located(&e),
            None => e.to_string(),
        })?;
    let def = llb::marshal(converted.state.as_ref(), &MarshalOptions::default())
        .map_err(|e| e.to_string())?;
    let image = serde_json::to_string(&converted.image).map_err(|e| e.to_string())?;
    Ok(format!("{}\nimage {image}", definition_text(&def)))
}

fn frontend_env(check: &Check) -> FrontendEnv {
    let (os, arch) = check
        .worker
        .clone()
        .unwrap_or_else(|| ("linux".into(), "amd64".into()));
    let mut vars: Vec<(String, String)> = check
        .opts
        .iter()
        .enumerate()
        .map(|(i, (k, v))| (format!("BUILDKIT_FRONTEND_OPT_{i}"), format!("{k}={v}")))
        .collect();
    vars.push(("BUILDKIT_SESSION_ID".into(), "session-1".into()));
    vars.push((
        "BUILDKIT_WORKERS".into(),
        json!([{"ID": "w0", "Platforms": [{"OS": os, "Architecture": arch}]}]).to_string(),
    ));
    FrontendEnv::from_vars(vars).expect("frontend env")
}

async fn run_frontend(check: &Check) -> Outcome {
    let (mut fake, mut llb_caps) = if check.old_daemon {
        (FakeBuildkit::v0_8(), V0_8_LLB_CAPS.to_vec())
    } else {
        let caps = [V0_8_LLB_CAPS, V0_13_EXTRA_LLB_CAPS].concat();
        (FakeBuildkit::new(), caps)
    };
    if !check.llb_caps.is_empty() {
        llb_caps.extend(check.llb_caps.iter().map(String::as_str));
        fake = fake.with_llb_caps(&llb_caps);
    }
    let amd64 = Platform::new("linux", "amd64");
    for image in IMAGES {
        fake = fake.with_image(image, "", stub_config(&amd64));
    }
    let (key, path) = check
        .serve_as
        .clone()
        .unwrap_or_else(|| ("local://dockerfile".into(), "Dockerfile".into()));
    fake = fake.with_file(&key, &path, read_probe(&check.target)?);
    for (key, path, probe) in &check.serve {
        fake = fake.with_file(key, path, read_probe(probe)?);
    }
    for (name, probe) in &check.inputs {
        let source = format!("local://input-{name}");
        fake = fake.with_input(name, source_definition(&source)).with_file(
            &source,
            "Dockerfile",
            read_probe(probe)?,
        );
    }
    let (gateway, handle) = fake.start().await;
    frontend::serve(gateway, &frontend_env(check))
        .await
        .map_err(|e| format!("Return refused: {e}"))?;
    let rec = handle.recorded();
    let ret = rec.returns.first().ok_or("no Return")?;
    if let Some(status) = &ret.error {
        let detail = if status.details.is_empty() {
            ""
        } else {
            " [with source detail]"
        };
        return Err(format!("{}{detail}", status.message));
    }
    let mut out = String::new();
    // The build's definition (the largest), then what else the fake was asked.
    if let Some(def) = rec.definitions().into_iter().max_by_key(|d| d.def.len()) {
        out.push_str(&definition_text(def));
    }
    for solve in &rec.solves {
        let opts: BTreeMap<&String, &String> = solve.frontend_opt.iter().collect();
        let sources: Vec<String> = solve
            .definition
            .as_ref()
            .map(|d| source_ops(d).into_iter().map(|s| s.identifier).collect())
            .unwrap_or_default();
        let _ = write!(
            out,
            "\nsolve frontend={:?} sources={sources:?} opts={opts:?} cache_imports={:?}",
            solve.frontend, solve.cache_imports
        );
    }
    // Images resolve concurrently: in a fixed order.
    let mut resolves = rec.resolves.clone();
    resolves.sort_by(|a, b| a.r#ref.cmp(&b.r#ref));
    for resolve in &resolves {
        let _ = write!(
            out,
            "\nresolve {} mode={} platform={:?}",
            resolve.r#ref, resolve.resolve_mode, resolve.platform
        );
    }
    for read in &rec.read_files {
        let _ = write!(out, "\nread {}", read.file_path);
    }
    for warn in &rec.warns {
        let _ = write!(out, "\nwarn {}", String::from_utf8_lossy(&warn.short));
    }
    if let Some(result) = &ret.result {
        let metadata: BTreeMap<&String, &Vec<u8>> = result.metadata.iter().collect();
        for (key, value) in metadata {
            let _ = write!(out, "\nmeta {key}={}", String::from_utf8_lossy(value));
        }
    }
    Ok(out)
}

async fn outcome(check: &Check) -> Result<Outcome, String> {
    match check.kind.as_str() {
        "dockerfile" => Ok(convert_library(check)),
        "frontend" => Ok(run_frontend(check).await),
        other => Err(format!("unknown check kind {other:?}")),
    }
}

/// `test:<path>::<function>`: the function exists in that file.
fn check_test_exists(target: &str) -> Result<(), String> {
    let (path, function) = target
        .split_once("::")
        .ok_or_else(|| format!("test:{target}: expected <path>::<function>"))?;
    let text = fs::read_to_string(root().join(path)).map_err(|e| format!("{path}: {e}"))?;
    if text.contains(&format!("fn {function}(")) {
        Ok(())
    } else {
        Err(format!("{path} has no fn {function}"))
    }
}

fn shorten(text: &str) -> String {
    const MAX: usize = 300;
    match text.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// Why the row's check does not hold (empty when it does).
async fn verify(row: &Row) -> Vec<String> {
    let mut problems = Vec::new();
    let clauses = match parse_expect(&row.expect) {
        Ok(c) => c,
        Err(e) => return vec![e],
    };
    let check = match parse_check(&row.check) {
        Ok(c) => c,
        Err(e) => return vec![e],
    };
    if check.kind == "test" {
        if let Err(e) = check_test_exists(&check.target) {
            problems.push(e);
        }
        if !clauses.is_empty() {
            problems.push("a test: row has no expect clauses (use -)".into());
        }
        return problems;
    }
    let result = match outcome(&check).await {
        Ok(r) => r,
        Err(e) => return vec![e],
    };
    let expects_error = clauses.iter().any(|c| matches!(c, Clause::Error { .. }));
    if row.status == Status::NotRead {
        if let Err(e) = &result {
            problems.push(format!("failed: {}", shorten(e)));
        }
    } else if clauses.is_empty() {
        problems.push("no expect clauses".into());
    }
    if row.status == Status::Refused && !expects_error {
        problems.push("a refused row needs an error clause".into());
    }
    if row.status == Status::Refused && check.kind == "dockerfile" {
        let has_line = clauses
            .iter()
            .any(|c| matches!(c, Clause::Error { line: Some(_), .. }));
        if !has_line {
            problems.push("a refused Dockerfile feature must name its line (error@N:)".into());
        }
    }
    for clause in &clauses {
        match (clause, &result) {
            (Clause::Error { line, text }, Err(e)) => {
                if !e.contains(text.as_str()) {
                    problems.push(format!("error {:?}, expected {text:?}", shorten(e)));
                }
                if let Some(n) = line {
                    if !e.contains(&format!("Dockerfile:{n}:")) {
                        problems.push(format!("error {:?} does not name line {n}", shorten(e)));
                    }
                    if check.kind == "frontend" && !e.contains("[with source detail]") {
                        problems.push("the error Return has no source detail".into());
                    }
                }
            }
            (Clause::Error { text, .. }, Ok(_)) => {
                problems.push(format!("built, expected the error {text:?}"))
            }
            (Clause::Has(_) | Clause::Lacks(_) | Clause::Unchanged, Err(e)) => {
                problems.push(format!("failed: {}", shorten(e)));
                break;
            }
            (Clause::Has(text), Ok(out)) if !out.contains(text.as_str()) => {
                problems.push(format!("outcome lacks {text:?}"))
            }
            (Clause::Lacks(text), Ok(out)) if out.contains(text.as_str()) => {
                problems.push(format!("outcome has {text:?}"))
            }
            _ => {}
        }
    }
    // Options and build args change the outcome, unless the row says they do not.
    let unchanged =
        row.status == Status::NotRead || clauses.iter().any(|c| matches!(c, Clause::Unchanged));
    if unchanged && check.opts.is_empty() {
        problems.push("`unchanged` needs options to compare with the build without".into());
    }
    if !check.opts.is_empty() && !expects_error {
        let baseline = Check {
            opts: Vec::new(),
            ..parse_check(&row.check).unwrap_or_default()
        };
        let base = outcome(&baseline).await.unwrap_or_else(Err);
        match (unchanged, result == base) {
            (true, false) => problems.push("the options changed the outcome".into()),
            (false, true) => problems.push("the options made no difference to the outcome".into()),
            _ => {}
        }
    }
    problems
}

#[tokio::test]
async fn every_row_holds() {
    let rows = table();
    // `FIDELITY_ONLY=<text>`: check only rows whose name contains it, printing their outcome.
    let only = std::env::var("FIDELITY_ONLY").ok();
    let mut failures = Vec::new();
    let mut fixed_bugs = Vec::new();
    for row in &rows {
        if let Some(only) = &only {
            if !row.name.contains(only.as_str()) {
                continue;
            }
            if let Ok(check) = parse_check(&row.check) {
                let shown = match outcome(&check).await {
                    Ok(Ok(text)) => text,
                    Ok(Err(e)) | Err(e) => format!("error: {e}"),
                };
                eprintln!("{}:\n{shown}\n", row.label());
            }
        }
        let problems = verify(row).await;
        match (row.status, problems.is_empty()) {
            (Status::Bug, true) => fixed_bugs.push(format!(
                "{}: marked bug ({}) but its check holds now: set its status",
                row.label(),
                row.note
            )),
            (Status::Bug, false) => failures.push(format!(
                "{}: bug: {}\n      check {} → {}",
                row.label(),
                row.note,
                row.check,
                problems.join("; ")
            )),
            (_, false) => failures.push(format!(
                "{}: {}\n      check {}",
                row.label(),
                problems.join("; "),
                row.check
            )),
            (_, true) => {}
        }
    }
    failures.extend(fixed_bugs);
    assert!(
        failures.is_empty(),
        "{} of {} fidelity rows fail:\n  {}",
        failures.len(),
        rows.len(),
        failures.join("\n  ")
    );
}

#[test]
fn table_is_complete() {
    let rows = table();
    assert!(
        rows.len() >= INVENTORY_ROWS,
        "{} rows, the upstream inventory has {INVENTORY_ROWS}",
        rows.len()
    );
    let mut seen = BTreeSet::new();
    for row in &rows {
        assert!(KINDS.contains(&row.kind.as_str()), "{}: kind", row.label());
        assert!(
            seen.insert((row.kind.as_str(), row.name.as_str())),
            "{}: listed twice",
            row.label()
        );
        assert!(
            row.status != Status::Bug || !row.note.is_empty() && row.note != "-",
            "{}: a bug row describes the bug in its note",
            row.label()
        );
    }
    for kind in KINDS {
        assert!(
            rows.iter().any(|r| r.kind == kind),
            "no {kind} rows in the table"
        );
    }
    // Every probe file is used by some row.
    let used: String = rows.iter().map(|r| r.check.as_str()).collect();
    for entry in fs::read_dir(probe_path(""))
        .expect("tests/data/fidelity")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(used.contains(&name), "probe {name} is used by no row");
    }
}

/// The README's feature rows: first cell and status cell.
fn readme_features() -> Vec<(String, String)> {
    let readme = fs::read_to_string(root().join("README.md")).expect("README.md");
    let section = readme
        .split("### Supported Dockerfile features")
        .nth(1)
        .expect("the README's feature table");
    section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            Some((cells.first()?.to_string(), cells.get(1)?.to_string()))
        })
        .collect()
}

/// Each README row's claim holds for the table rows of its feature: `yes` when they are
/// honoured, `no` when they are refused, anything else when some are refused and some honoured
/// or not-read (`bug` rows count for neither; `every_row_holds` reports them).
#[test]
fn readme_feature_table_agrees() {
    let rows = table();
    let mut problems = Vec::new();
    let features = readme_features();
    for (cell, _) in &features {
        if !README_FEATURES.iter().any(|(p, _)| cell.starts_with(p)) {
            problems.push(format!("README row {cell:?} is not in README_FEATURES"));
        }
    }
    for (prefix, id) in README_FEATURES {
        let Some((cell, claim)) = features.iter().find(|(c, _)| c.starts_with(prefix)) else {
            problems.push(format!("no README row starts with {prefix:?}"));
            continue;
        };
        let Some(id) = id else { continue };
        let covered: Vec<&Row> = rows.iter().filter(|r| r.feature == *id).collect();
        let honoured = covered
            .iter()
            .filter(|r| matches!(r.status, Status::Honoured | Status::Extended))
            .count();
        let refused = covered
            .iter()
            .filter(|r| r.status == Status::Refused)
            .count();
        let not_read = covered
            .iter()
            .filter(|r| r.status == Status::NotRead)
            .count();
        let agrees = if claim.starts_with("yes") {
            honoured > 0 && refused == 0
        } else if claim.starts_with("no") {
            refused > 0 && honoured == 0
        } else {
            refused > 0 && honoured + not_read > 0
        };
        if !agrees {
            problems.push(format!(
                "README row {cell:?} says {claim:?}; its table rows ({id}): {honoured} honoured, {refused} refused"
            ));
        }
    }
    for row in &rows {
        if !README_FEATURES
            .iter()
            .any(|(_, id)| *id == Some(row.feature.as_str()))
        {
            problems.push(format!(
                "{}: feature {:?} is not a README row",
                row.label(),
                row.feature
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn expect_clauses_parse() {
    let clauses = parse_expect("error@3:boom && has && !not").expect("clauses");
    assert!(matches!(&clauses[0], Clause::Error { line: Some(3), text } if text == "boom"));
    assert!(matches!(&clauses[1], Clause::Has(t) if t == "has"));
    assert!(matches!(&clauses[2], Clause::Lacks(t) if t == "not"));
    let check =
        parse_check("frontend:x;opt=a=b=c;daemon=v0.8;serve=local://context:.dockerignore=y")
            .expect("check");
    assert_eq!(check.opts, [("a".to_string(), "b=c".to_string())]);
    assert!(check.old_daemon);
    assert_eq!(check.serve[0].1, ".dockerignore");
}
