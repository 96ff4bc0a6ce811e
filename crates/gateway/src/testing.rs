//! A fake BuildKit LLBBridge for testing frontends (feature `testing`).
//!
//! It runs in-process as a real tonic/HTTP/2 server over `tokio::io::duplex`, and the client
//! side is connected with [`Gateway::connect`], i.e. through the same connector as stdio.
//!
//! Write the frontend as a function of a [`Gateway`] (as its `main` would call it with
//! [`Gateway::connect_stdio`]), then run it against the fake and inspect what it asked:
//!
//! ```
//! use rustfront_gateway::testing::FakeBuildkit;
//! use rustfront_gateway::{Gateway, GatewayError, PlatformImage, image_result, platform_id};
//! use rustfront_llb::{self as llb, Local, MarshalOptions, Platform};
//!
//! /// The frontend under test: read `greeting.txt` from the context, return the context.
//! async fn frontend(gateway: Gateway) -> Result<(), GatewayError> {
//!     gateway.ping().await?;
//!     let context = Local::new("context").session("s").build();
//!     let def = llb::marshal(Some(&context), &MarshalOptions::default()).expect("marshal");
//!     let ref_id = gateway.solve(def, &[], false).await?;
//!     let greeting = gateway.read_file(&ref_id, "greeting.txt", None).await?;
//!     let platform = Platform::new("linux", "amd64").to_pb();
//!     let result = image_result(PlatformImage {
//!         id: platform_id(&platform),
//!         platform,
//!         ref_id,
//!         config: format!(r#"{{"os":"linux","architecture":"amd64","comment":{greeting:?}}}"#)
//!             .into_bytes(),
//!         base_config: None,
//!     });
//!     gateway.return_result(result).await
//! }
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let (gateway, fake) = FakeBuildkit::new()
//!     .with_file("local://context", "greeting.txt", "hello")
//!     .start()
//!     .await;
//! frontend(gateway).await.expect("Return accepted");
//!
//! let rec = fake.recorded();
//! assert_eq!(rec.pings, 1);
//! assert_eq!(rec.read_files[0].file_path, "greeting.txt");
//! let result = rec.the_return().result.as_ref().expect("a result, not an error");
//! assert!(result.metadata.contains_key("containerimage.config"));
//! # });
//! ```
//!
//! Behaviour (close to BuildKit's):
//! - `Solve` with a non-empty definition answers a fresh ref id `ref-<n>`; an empty definition
//!   answers ref `""`; `Solve{Frontend}` answers the result set with
//!   [`FakeBuildkit::with_frontend_result`] (or an empty result).
//! - Files are registered per *key*: either a ref id, or a source identifier such as
//!   `local://dockerfile` / `docker-image://…` / `https://…`. A solved ref serves the files of
//!   its ref id, else those of the first source op in its definition that has files.
//! - `ReadFile`/`StatFile`/`ReadDir` on a missing path fail with code Unknown and an
//!   ENOENT-style message; on ref `""` with "no such ref".
//! - `Return`: a second call, an error with code 0, or neither result nor error fails.
//! - `Warn`/`Evaluate`/`Inputs` answer Unimplemented unless their cap is enabled.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::Gateway;
use crate::proto::fsutil::types::Stat;
use crate::proto::google::rpc::Status as RpcStatus;
use crate::proto::moby::buildkit::v1::apicaps::ApiCap;
use crate::proto::moby::buildkit::v1::frontend::{
    self as fe,
    llb_bridge_server::{LlbBridge, LlbBridgeServer},
};
use crate::proto::moby::buildkit::v1::types::WorkerRecord;
use crate::proto::pb;
use prost::Message;
use tokio::io::DuplexStream;
use tokio::task::JoinHandle;
use tonic::{Code, Request, Response, Status};

mod daemon_caps;
mod paths;
pub use daemon_caps::{
    V0_8_FRONTEND_CAPS, V0_8_LLB_CAPS, V0_13_EXTRA_FRONTEND_CAPS, V0_13_EXTRA_LLB_CAPS,
};
use paths::{clean_path, glob};

/// Go `os.FileMode` directory bit, as BuildKit reports it in `Stat.mode`.
pub const MODE_DIR: u32 = 1 << 31;

/// Everything the fake was asked, in order per kind (from [`FakeHandle::recorded`]).
///
/// Non-exhaustive: more calls may be recorded as the fake learns them.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Recorded {
    /// How many `Ping` calls were made.
    pub pings: usize,
    /// Every `Solve` request: definition solves and frontend solves alike.
    pub solves: Vec<fe::SolveRequest>,
    /// Every `ResolveImageConfig` request.
    pub resolves: Vec<fe::ResolveImageConfigRequest>,
    /// Every `ReadFile` request.
    pub read_files: Vec<fe::ReadFileRequest>,
    /// Every `ReadDir` request.
    pub read_dirs: Vec<fe::ReadDirRequest>,
    /// Every `StatFile` request.
    pub stats: Vec<fe::StatFileRequest>,
    /// Every `Evaluate` request served (not those answered Unimplemented for want of the cap).
    pub evaluates: Vec<fe::EvaluateRequest>,
    /// Every `Warn` request served (not those answered Unimplemented for want of the cap).
    pub warns: Vec<fe::WarnRequest>,
    /// How many `Inputs` calls were served (not those answered Unimplemented).
    pub inputs_calls: usize,
    /// Every `Return` request, also rejected ones (a frontend must make exactly one).
    pub returns: Vec<fe::ReturnRequest>,
    /// Ref id handed out by each definition solve → the solve's index in `solves`.
    pub refs: BTreeMap<String, usize>,
}

impl Recorded {
    /// The definitions of all definition solves, in order.
    pub fn definitions(&self) -> Vec<&pb::Definition> {
        self.solves
            .iter()
            .filter_map(|s| s.definition.as_ref())
            .collect()
    }

    /// The solve request that produced `ref_id`.
    pub fn solve_of(&self, ref_id: &str) -> Option<&fe::SolveRequest> {
        self.solves.get(*self.refs.get(ref_id)?)
    }

    /// The only Return request (panics if there was not exactly one).
    pub fn the_return(&self) -> &fe::ReturnRequest {
        assert_eq!(self.returns.len(), 1, "expected exactly one Return");
        &self.returns[0]
    }
}

/// All source ops of a definition, in `def` order.
pub fn source_ops(definition: &pb::Definition) -> Vec<pb::SourceOp> {
    definition
        .def
        .iter()
        .filter_map(|bytes| pb::Op::decode(bytes.as_slice()).ok())
        .filter_map(|op| match op.op {
            Some(pb::op::Op::Source(source)) => Some(source),
            _ => None,
        })
        .collect()
}

/// A minimal valid definition: one source op with `identifier` plus the terminal op.
pub fn source_definition(identifier: &str) -> pb::Definition {
    use sha2::{Digest, Sha256};
    let source = pb::Op {
        op: Some(pb::op::Op::Source(pb::SourceOp {
            identifier: identifier.to_owned(),
            attrs: Default::default(),
        })),
        constraints: Some(Default::default()),
        ..Default::default()
    }
    .encode_to_vec();
    let digest = format!("sha256:{:x}", Sha256::digest(&source));
    let terminal = pb::Op {
        inputs: vec![pb::Input { digest, index: 0 }],
        ..Default::default()
    }
    .encode_to_vec();
    pb::Definition {
        def: vec![source, terminal],
        ..Default::default()
    }
}

/// Configuration of the fake daemon (builder style); [`start`](Self::start) runs it.
///
/// The default ([`new`](Self::new)) is a BuildKit v0.13-like daemon with every cap of that
/// version enabled, one linux/amd64 worker, no files and no images.
#[derive(Debug, Clone)]
pub struct FakeBuildkit {
    frontend_caps: Vec<ApiCap>,
    llb_caps: Vec<ApiCap>,
    workers: Vec<WorkerRecord>,
    files: HashMap<String, BTreeMap<String, Vec<u8>>>,
    images: HashMap<String, fe::ResolveImageConfigResponse>,
    inputs: HashMap<String, pb::Definition>,
    frontend_results: HashMap<String, fe::Result>,
    solve_error: Option<RpcStatus>,
    max_request_size: usize,
}

impl Default for FakeBuildkit {
    fn default() -> Self {
        Self::new()
    }
}

fn caps(ids: &[&str]) -> Vec<ApiCap> {
    ids.iter()
        .map(|id| ApiCap {
            id: (*id).to_owned(),
            enabled: true,
            ..Default::default()
        })
        .collect()
}

/// The environment BuildKit gives a frontend it starts: the options `opts` (as
/// `BUILDKIT_FRONTEND_OPT_<n>=key=value`), session `session-1` and one linux/amd64 worker.
pub fn frontend_env(opts: &[(&str, &str)]) -> Result<crate::FrontendEnv, crate::EnvError> {
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
    crate::FrontendEnv::from_vars(vars)
}

/// A wire platform, for [`FakeBuildkit::with_workers`] (not normalized: pass what a worker
/// would report).
pub fn platform(os: &str, arch: &str, variant: &str) -> pb::Platform {
    pb::Platform {
        os: os.into(),
        architecture: arch.into(),
        variant: variant.into(),
        ..Default::default()
    }
}

impl FakeBuildkit {
    /// A BuildKit v0.13-like daemon with one linux/amd64 worker (4 MiB request limit).
    pub fn new() -> Self {
        let frontend: Vec<&str> = [V0_8_FRONTEND_CAPS, V0_13_EXTRA_FRONTEND_CAPS].concat();
        let llb: Vec<&str> = [V0_8_LLB_CAPS, V0_13_EXTRA_LLB_CAPS].concat();
        Self {
            frontend_caps: caps(&frontend),
            llb_caps: caps(&llb),
            workers: vec![WorkerRecord {
                id: "fake0".into(),
                platforms: vec![platform("linux", "amd64", "")],
                ..Default::default()
            }],
            files: HashMap::new(),
            images: HashMap::new(),
            inputs: HashMap::new(),
            frontend_results: HashMap::new(),
            solve_error: None,
            max_request_size: crate::MAX_REQUEST_SIZE_V0_8,
        }
    }

    /// A BuildKit v0.14-like daemon: v0.13's caps plus the first cap of v0.14, and the
    /// 16 MiB request limit of v0.14 and later.
    pub fn v0_14() -> Self {
        let mut fake = Self::new();
        fake.llb_caps
            .extend(caps(&[crate::llb_cap::FILE_COPY_ALWAYS_REPLACE]));
        fake.max_request_size = crate::MAX_REQUEST_SIZE_V0_14;
        fake
    }

    /// A BuildKit v0.8-like daemon (Docker 20.10): v0.8 caps, 4 MiB request limit.
    pub fn v0_8() -> Self {
        Self {
            frontend_caps: caps(V0_8_FRONTEND_CAPS),
            llb_caps: caps(V0_8_LLB_CAPS),
            max_request_size: 4 << 20,
            ..Self::new()
        }
    }

    /// Replaces the gateway caps (all enabled).
    pub fn with_frontend_caps(mut self, ids: &[&str]) -> Self {
        self.frontend_caps = caps(ids);
        self
    }

    /// Replaces the LLB caps (all enabled).
    pub fn with_llb_caps(mut self, ids: &[&str]) -> Self {
        self.llb_caps = caps(ids);
        self
    }

    /// Adds a gateway cap that is reported but disabled.
    pub fn with_disabled_frontend_cap(mut self, id: &str) -> Self {
        self.frontend_caps.retain(|c| c.id != id);
        self.frontend_caps.push(ApiCap {
            id: id.into(),
            enabled: false,
            disabled_reason: "disabled by test".into(),
            ..Default::default()
        });
        self
    }

    /// Replaces the workers.
    pub fn with_workers(mut self, workers: Vec<WorkerRecord>) -> Self {
        self.workers = workers;
        self
    }

    /// Serves `data` at `path` for refs of `key` (a ref id or a source identifier).
    pub fn with_file(mut self, key: &str, path: &str, data: impl Into<Vec<u8>>) -> Self {
        self.files
            .entry(key.to_owned())
            .or_default()
            .insert(clean_path(path), data.into());
        self
    }

    /// Answers `ResolveImageConfig` for `reference`.
    pub fn with_image(mut self, reference: &str, digest: &str, config: impl Into<Vec<u8>>) -> Self {
        self.images.insert(
            reference.to_owned(),
            fe::ResolveImageConfigResponse {
                digest: digest.to_owned(),
                config: config.into(),
                r#ref: String::new(),
            },
        );
        self
    }

    /// Answers `Inputs` with this definition under `name`.
    pub fn with_input(mut self, name: &str, definition: pb::Definition) -> Self {
        self.inputs.insert(name.to_owned(), definition);
        self
    }

    /// Answers `Solve{Frontend: frontend}` with `result`.
    pub fn with_frontend_result(mut self, frontend: &str, result: fe::Result) -> Self {
        self.frontend_results.insert(frontend.to_owned(), result);
        self
    }

    /// Fails every `Solve` with this status (details are sent as `grpc-status-details-bin`).
    pub fn with_solve_error(mut self, status: RpcStatus) -> Self {
        self.solve_error = Some(status);
        self
    }

    /// Starts the fake and connects a [`Gateway`] to it through the stdio connector code.
    pub async fn start(self) -> (Gateway, FakeHandle) {
        let (io, handle) = self.serve();
        let gateway = Gateway::connect(io)
            .await
            .expect("connect to fake BuildKit");
        (gateway, handle)
    }

    /// Starts the fake; returns the client end of the byte stream.
    pub fn serve(self) -> (DuplexStream, FakeHandle) {
        const BUF: usize = 256 << 10;
        let (client_io, mut proxy_client) = tokio::io::duplex(BUF);
        let (mut proxy_server, server_io) = tokio::io::duplex(BUF);
        let state = Arc::new(Mutex::new(State::default()));
        let max_request_size = self.max_request_size;
        let bridge = FakeBridge {
            config: Arc::new(self),
            state: Arc::clone(&state),
        };
        let service = LlbBridgeServer::new(bridge)
            .max_decoding_message_size(max_request_size)
            .max_encoding_message_size(usize::MAX);
        let server = tokio::spawn(async move {
            let incoming = tokio_stream::once(Ok::<_, std::io::Error>(server_io));
            let _ = tonic::transport::Server::builder()
                .add_service(service)
                .serve_with_incoming(incoming)
                .await;
        });
        // The connection runs through this copy loop; aborting it cuts the "pipes".
        let link = tokio::spawn(async move {
            let _ = tokio::io::copy_bidirectional(&mut proxy_client, &mut proxy_server).await;
        });
        (
            client_io,
            FakeHandle {
                state,
                tasks: vec![server, link],
            },
        )
    }
}

/// The running fake. Dropping it stops the server.
pub struct FakeHandle {
    state: Arc<Mutex<State>>,
    tasks: Vec<JoinHandle<()>>,
}

impl FakeHandle {
    /// A snapshot of everything recorded so far.
    pub fn recorded(&self) -> Recorded {
        lock(&self.state).recorded.clone()
    }

    /// Cuts the connection (like BuildKit closing the pipes).
    pub fn disconnect(&self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Drop for FakeHandle {
    fn drop(&mut self) {
        self.disconnect();
    }
}

#[derive(Debug, Default)]
struct State {
    recorded: Recorded,
    /// ref id → files it serves.
    ref_files: HashMap<String, BTreeMap<String, Vec<u8>>>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn status(rpc: &RpcStatus) -> Status {
    let code = Code::from_i32(rpc.code);
    if rpc.details.is_empty() {
        Status::new(code, rpc.message.clone())
    } else {
        Status::with_details(code, rpc.message.clone(), rpc.encode_to_vec().into())
    }
}

fn enoent(op: &str, path: &str) -> Status {
    Status::unknown(format!("{op} {path}: no such file or directory"))
}

struct FakeBridge {
    config: Arc<FakeBuildkit>,
    state: Arc<Mutex<State>>,
}

impl FakeBridge {
    fn has_cap(&self, id: &str) -> bool {
        self.config
            .frontend_caps
            .iter()
            .any(|c| c.id == id && c.enabled)
    }

    fn files_of(&self, ref_id: &str) -> Result<BTreeMap<String, Vec<u8>>, Status> {
        if ref_id.is_empty() {
            return Err(Status::unknown("no such ref"));
        }
        lock(&self.state)
            .ref_files
            .get(ref_id)
            .cloned()
            .ok_or_else(|| Status::unknown(format!("no such ref: {ref_id}")))
    }

    fn files_for_definition(
        &self,
        ref_id: &str,
        def: &pb::Definition,
    ) -> BTreeMap<String, Vec<u8>> {
        if let Some(files) = self.config.files.get(ref_id) {
            return files.clone();
        }
        // A local source with follow paths transfers only those paths (and what is under
        // them), minus its exclude patterns, as BuildKit does (only literal patterns, without
        // wildcards or `!`, are understood here).
        source_ops(def)
            .iter()
            .find_map(|op| {
                let files = self.config.files.get(&op.identifier)?;
                let list = |key: &str| -> Option<Vec<String>> {
                    op.attrs.get(key).and_then(|v| serde_json::from_str(v).ok())
                };
                let under = |path: &str, dir: &str| {
                    let dir = clean_path(dir);
                    path == dir || path.starts_with(&format!("{dir}/"))
                };
                let follow = list("local.followpaths");
                let excludes = list("local.excludepatterns").unwrap_or_default();
                Some(
                    files
                        .iter()
                        .filter(|(path, _)| {
                            follow
                                .as_ref()
                                .is_none_or(|f| f.iter().any(|f| under(path, f)))
                        })
                        .filter(|(path, _)| !excludes.iter().any(|e| under(path, e)))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                )
            })
            .unwrap_or_default()
    }
}

#[tonic::async_trait]
impl LlbBridge for FakeBridge {
    async fn resolve_image_config(
        &self,
        request: Request<fe::ResolveImageConfigRequest>,
    ) -> Result<Response<fe::ResolveImageConfigResponse>, Status> {
        let request = request.into_inner();
        lock(&self.state).recorded.resolves.push(request.clone());
        self.config
            .images
            .get(&request.r#ref)
            .cloned()
            .map(Response::new)
            .ok_or_else(|| Status::unknown(format!("{}: not found", request.r#ref)))
    }

    async fn resolve_source_meta(
        &self,
        _: Request<fe::ResolveSourceMetaRequest>,
    ) -> Result<Response<fe::ResolveSourceMetaResponse>, Status> {
        Err(Status::unimplemented("fake: ResolveSourceMeta"))
    }

    async fn solve(
        &self,
        request: Request<fe::SolveRequest>,
    ) -> Result<Response<fe::SolveResponse>, Status> {
        let request = request.into_inner();
        let index = {
            let mut state = lock(&self.state);
            state.recorded.solves.push(request.clone());
            state.recorded.solves.len() - 1
        };
        if let Some(err) = &self.config.solve_error {
            return Err(status(err));
        }
        if request.definition.is_some() && !request.frontend.is_empty() {
            return Err(Status::invalid_argument(
                "cannot solve with both Definition and Frontend specified",
            ));
        }
        let result = if !request.frontend.is_empty() {
            self.config
                .frontend_results
                .get(&request.frontend)
                .cloned()
                .unwrap_or_default()
        } else {
            let ref_id = match &request.definition {
                Some(def) if !def.def.is_empty() => {
                    let ref_id = format!("ref-{index}");
                    let files = self.files_for_definition(&ref_id, def);
                    let mut state = lock(&self.state);
                    state.ref_files.insert(ref_id.clone(), files);
                    state.recorded.refs.insert(ref_id.clone(), index);
                    ref_id
                }
                _ => String::new(),
            };
            fe::Result {
                result: Some(fe::result::Result::Ref(fe::Ref {
                    id: ref_id,
                    def: request.definition.clone(),
                })),
                ..Default::default()
            }
        };
        if !request.allow_result_return {
            let legacy = match result.result {
                Some(fe::result::Result::Ref(r)) => r.id,
                _ => String::new(),
            };
            return Ok(Response::new(fe::SolveResponse {
                r#ref: legacy,
                result: None,
            }));
        }
        Ok(Response::new(fe::SolveResponse {
            r#ref: String::new(),
            result: Some(result),
        }))
    }

    async fn read_file(
        &self,
        request: Request<fe::ReadFileRequest>,
    ) -> Result<Response<fe::ReadFileResponse>, Status> {
        let request = request.into_inner();
        lock(&self.state).recorded.read_files.push(request.clone());
        let files = self.files_of(&request.r#ref)?;
        let data = files
            .get(&clean_path(&request.file_path))
            .ok_or_else(|| enoent("open", &request.file_path))?;
        let data = match request.range {
            None => data.clone(),
            Some(range) => {
                let start = usize::try_from(range.offset).unwrap_or(0).min(data.len());
                let len = usize::try_from(range.length).unwrap_or(0);
                data[start..start.saturating_add(len).min(data.len())].to_vec()
            }
        };
        Ok(Response::new(fe::ReadFileResponse { data }))
    }

    async fn read_dir(
        &self,
        request: Request<fe::ReadDirRequest>,
    ) -> Result<Response<fe::ReadDirResponse>, Status> {
        let request = request.into_inner();
        lock(&self.state).recorded.read_dirs.push(request.clone());
        let files = self.files_of(&request.r#ref)?;
        let dir = clean_path(&request.dir_path);
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let pattern: Vec<char> = request.include_pattern.chars().collect();
        let mut entries: BTreeMap<String, Stat> = BTreeMap::new();
        for (path, data) in &files {
            let Some(rest) = path.strip_prefix(&prefix) else {
                continue;
            };
            let (name, is_dir) = match rest.split_once('/') {
                Some((name, _)) => (name, true),
                None => (rest, false),
            };
            let chars: Vec<char> = name.chars().collect();
            if !pattern.is_empty() && !glob(&pattern, &chars) {
                continue;
            }
            entries.entry(name.to_owned()).or_insert_with(|| Stat {
                path: name.to_owned(),
                mode: if is_dir { MODE_DIR | 0o755 } else { 0o644 },
                size: if is_dir { 0 } else { data.len() as i64 },
                ..Default::default()
            });
        }
        if entries.is_empty() && !dir.is_empty() && !files.keys().any(|p| p.starts_with(&prefix)) {
            return Err(enoent("open", &request.dir_path));
        }
        Ok(Response::new(fe::ReadDirResponse {
            entries: entries.into_values().collect(),
        }))
    }

    async fn stat_file(
        &self,
        request: Request<fe::StatFileRequest>,
    ) -> Result<Response<fe::StatFileResponse>, Status> {
        let request = request.into_inner();
        lock(&self.state).recorded.stats.push(request.clone());
        let files = self.files_of(&request.r#ref)?;
        let path = clean_path(&request.path);
        let stat = if let Some(data) = files.get(&path) {
            Stat {
                path: path.clone(),
                mode: 0o644,
                size: data.len() as i64,
                ..Default::default()
            }
        } else if path.is_empty() || files.keys().any(|p| p.starts_with(&format!("{path}/"))) {
            Stat {
                path: path.clone(),
                mode: MODE_DIR | 0o755,
                ..Default::default()
            }
        } else {
            return Err(enoent("stat", &request.path));
        };
        Ok(Response::new(fe::StatFileResponse { stat: Some(stat) }))
    }

    async fn evaluate(
        &self,
        request: Request<fe::EvaluateRequest>,
    ) -> Result<Response<fe::EvaluateResponse>, Status> {
        if !self.has_cap("gateway.evaluate") {
            return Err(Status::unimplemented("unknown method Evaluate"));
        }
        let request = request.into_inner();
        lock(&self.state).recorded.evaluates.push(request.clone());
        self.files_of(&request.r#ref)?;
        Ok(Response::new(fe::EvaluateResponse {}))
    }

    async fn ping(
        &self,
        _: Request<fe::PingRequest>,
    ) -> Result<Response<fe::PongResponse>, Status> {
        lock(&self.state).recorded.pings += 1;
        Ok(Response::new(fe::PongResponse {
            frontend_api_caps: self.config.frontend_caps.clone(),
            llb_caps: self.config.llb_caps.clone(),
            workers: self.config.workers.clone(),
        }))
    }

    async fn r#return(
        &self,
        request: Request<fe::ReturnRequest>,
    ) -> Result<Response<fe::ReturnResponse>, Status> {
        let request = request.into_inner();
        let already = {
            let mut state = lock(&self.state);
            state.recorded.returns.push(request.clone());
            state.recorded.returns.len() > 1
        };
        if already {
            return Err(Status::unknown("gateway result is already set"));
        }
        match (&request.result, &request.error) {
            (_, Some(err)) if err.code == 0 => Err(Status::unknown("must be either result or err")),
            (None, None) => Err(Status::unknown("no result or error in Return")),
            _ => Ok(Response::new(fe::ReturnResponse {})),
        }
    }

    async fn inputs(
        &self,
        _: Request<fe::InputsRequest>,
    ) -> Result<Response<fe::InputsResponse>, Status> {
        if !self.has_cap("frontend.inputs") {
            return Err(Status::unimplemented("unknown method Inputs"));
        }
        lock(&self.state).recorded.inputs_calls += 1;
        Ok(Response::new(fe::InputsResponse {
            definitions: self.config.inputs.clone(),
        }))
    }

    async fn new_container(
        &self,
        _: Request<fe::NewContainerRequest>,
    ) -> Result<Response<fe::NewContainerResponse>, Status> {
        Err(Status::unimplemented("fake: NewContainer"))
    }

    async fn release_container(
        &self,
        _: Request<fe::ReleaseContainerRequest>,
    ) -> Result<Response<fe::ReleaseContainerResponse>, Status> {
        Err(Status::unimplemented("fake: ReleaseContainer"))
    }

    type ExecProcessStream = tokio_stream::Empty<Result<fe::ExecMessage, Status>>;

    async fn exec_process(
        &self,
        _: Request<tonic::Streaming<fe::ExecMessage>>,
    ) -> Result<Response<Self::ExecProcessStream>, Status> {
        Err(Status::unimplemented("fake: ExecProcess"))
    }

    async fn read_file_container(
        &self,
        _: Request<fe::ReadFileRequest>,
    ) -> Result<Response<fe::ReadFileResponse>, Status> {
        Err(Status::unimplemented("fake: ReadFileContainer"))
    }

    async fn read_dir_container(
        &self,
        _: Request<fe::ReadDirRequest>,
    ) -> Result<Response<fe::ReadDirResponse>, Status> {
        Err(Status::unimplemented("fake: ReadDirContainer"))
    }

    async fn stat_file_container(
        &self,
        _: Request<fe::StatFileRequest>,
    ) -> Result<Response<fe::StatFileResponse>, Status> {
        Err(Status::unimplemented("fake: StatFileContainer"))
    }

    async fn warn(
        &self,
        request: Request<fe::WarnRequest>,
    ) -> Result<Response<fe::WarnResponse>, Status> {
        if !self.has_cap("gateway.warnings") {
            return Err(Status::unimplemented("unknown method Warn"));
        }
        lock(&self.state).recorded.warns.push(request.into_inner());
        Ok(Response::new(fe::WarnResponse {}))
    }
}
