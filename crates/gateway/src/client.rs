//! The LLBBridge client: [`Gateway`] (owns the one `Return`) and [`GatewayClient`] (all other
//! calls; cheap to clone, usable concurrently).

use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use prost::Message as _;
use tokio::io::{AsyncRead, AsyncWrite};
use tonic::transport::Channel;

use super::caps::{Caps, frontend_cap};
use super::error::GatewayError;
use super::trace::{CallTrace, Timed};
use super::transport::{self, MAX_DECODE_MESSAGE_SIZE, MAX_ENCODE_MESSAGE_SIZE};
use crate::proto::fsutil::types::Stat;
use crate::proto::google::protobuf::Any;
use crate::proto::google::rpc::Status as RpcStatus;
use crate::proto::moby::buildkit::v1::frontend::{
    self as fe, CacheOptionsEntry, FileRange, llb_bridge_client::LlbBridgeClient, result,
};
use crate::proto::pb;

/// Room for the `ReturnRequest` fields around an error status.
const RETURN_OVERHEAD: usize = 1 << 10;

/// The longest prefix of `text` of at most `max` bytes, on a character boundary.
fn truncated(text: &str, max: usize) -> String {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// The Go client's deadline for Ping.
const PING_TIMEOUT: Duration = Duration::from_secs(15);

/// What `ResolveImageConfig` answered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResolvedImage {
    /// Digest of the top-level descriptor (index digest for multi-arch images). **May be empty**
    /// (Docker answers from its local store without a digest): then do not pin.
    pub digest: String,
    /// The raw image config JSON of the platform-matched manifest.
    pub config: Vec<u8>,
    /// The reference after source policies (v0.13+); the requested one when BuildKit sent none.
    pub reference: String,
}

/// A warning for [`GatewayClient::warn`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Warning {
    /// Digest of a vertex in the build (the official frontend uses the Dockerfile-loading op).
    pub digest: String,
    /// Level; the official frontend uses 1.
    pub level: i64,
    /// The one-line message.
    pub short: String,
    /// Further lines.
    pub detail: Vec<String>,
    /// A documentation URL.
    pub url: String,
    /// The source file the ranges refer to.
    pub info: Option<pb::SourceInfo>,
    /// 1-based line ranges in `info`.
    pub ranges: Vec<pb::Range>,
}

/// All LLBBridge calls except `Return`. Clones share the connection and the cached caps.
#[derive(Debug, Clone)]
pub struct GatewayClient {
    rpc: LlbBridgeClient<Timed<Channel>>,
    caps: Arc<OnceLock<Caps>>,
    /// Per-call timing, when `RUSTFRONT_TRACE` is set (see [`crate::trace`]).
    trace: Option<Arc<CallTrace>>,
}

impl GatewayClient {
    fn new(channel: Channel) -> Self {
        let trace = CallTrace::from_env();
        let rpc = LlbBridgeClient::new(Timed::new(channel, trace.clone()))
            .max_decoding_message_size(MAX_DECODE_MESSAGE_SIZE)
            .max_encoding_message_size(MAX_ENCODE_MESSAGE_SIZE);
        Self {
            rpc,
            caps: Arc::new(OnceLock::new()),
            trace,
        }
    }

    /// The timing of the calls so far, when `RUSTFRONT_TRACE` is set.
    pub fn trace(&self) -> Option<&CallTrace> {
        self.trace.as_deref()
    }

    /// The caps from the first successful [`ping`](Self::ping), if any.
    pub fn caps(&self) -> Option<&Caps> {
        self.caps.get()
    }

    /// `Ping`: the daemon's capabilities and workers. The first answer is cached for
    /// [`caps`](Self::caps) and for capability checks of other calls.
    pub async fn ping(&self) -> Result<Caps, GatewayError> {
        const METHOD: &str = "Ping";
        let mut rpc = self.rpc.clone();
        let pong = tokio::time::timeout(PING_TIMEOUT, rpc.ping(fe::PingRequest {}))
            .await
            .map_err(|_| GatewayError::Timeout {
                method: METHOD,
                seconds: PING_TIMEOUT.as_secs(),
            })?
            .map_err(GatewayError::rpc(METHOD))?
            .into_inner();
        let caps = Caps::from_pong(&pong);
        Ok(self.caps.get_or_init(|| caps).clone())
    }

    /// `false` only when Ping was done and did not report `cap`.
    fn may_have(&self, cap: &str) -> bool {
        self.caps().is_none_or(|caps| caps.has_frontend(cap))
    }

    fn require(&self, method: &'static str, cap: &'static str) -> Result<(), GatewayError> {
        if self.may_have(cap) {
            Ok(())
        } else {
            Err(GatewayError::MissingCap { method, cap })
        }
    }

    /// The largest request this client sends: the daemon's limit once Ping told which
    /// BuildKit it is, and never more than [`MAX_ENCODE_MESSAGE_SIZE`].
    pub fn max_request_size(&self) -> usize {
        self.caps()
            .map_or(MAX_ENCODE_MESSAGE_SIZE, Caps::max_request_size)
            .min(MAX_ENCODE_MESSAGE_SIZE)
    }

    async fn send_solve(
        &self,
        request: fe::SolveRequest,
    ) -> Result<fe::SolveResponse, GatewayError> {
        let (size, limit) = (request.encoded_len(), self.max_request_size());
        if size > limit {
            return Err(GatewayError::RequestTooLarge {
                method: "Solve",
                size,
                limit,
            });
        }
        Ok(self
            .rpc
            .clone()
            .solve(request)
            .await
            .map_err(GatewayError::rpc("Solve"))?
            .into_inner())
    }

    /// `Solve` a definition; returns the ref id (empty for an empty/scratch definition).
    ///
    /// Lazy unless `evaluate` is set (cap `gateway.solve.evaluate`, present since v0.8).
    pub async fn solve(
        &self,
        definition: pb::Definition,
        cache_imports: &[CacheOptionsEntry],
        evaluate: bool,
    ) -> Result<String, GatewayError> {
        let request = fe::SolveRequest {
            definition: Some(definition),
            cache_imports: cache_imports.to_vec(),
            evaluate,
            ..solve_request()
        };
        single_ref_id(self.send_solve(request).await?)
    }

    /// `Solve` with another frontend (e.g. `gateway.v0` with opt `source=<image>` to forward to
    /// a `# syntax=` image). Returns that frontend's whole result, ready to be returned as is.
    pub async fn solve_frontend(
        &self,
        frontend: &str,
        opts: BTreeMap<String, String>,
        inputs: BTreeMap<String, pb::Definition>,
    ) -> Result<fe::Result, GatewayError> {
        let request = fe::SolveRequest {
            frontend: frontend.to_owned(),
            frontend_opt: opts.into_iter().collect(),
            frontend_inputs: inputs.into_iter().collect(),
            ..solve_request()
        };
        let response = self.send_solve(request).await?;
        Ok(match response.result {
            Some(result) => result,
            // Only servers without allowResultReturn answer this way.
            None => fe::Result {
                result: Some(result::Result::Ref(fe::Ref {
                    id: response.r#ref,
                    def: None,
                })),
                ..Default::default()
            },
        })
    }

    /// `ResolveImageConfig` for a normalized reference (e.g. `docker.io/library/alpine:latest`).
    /// `resolve_mode` is `default`, `pull` or `local` (empty = default); `log_name` is the
    /// progress line shown to the user (official: `[internal] load metadata for <ref>`).
    pub async fn resolve_image_config(
        &self,
        reference: &str,
        platform: Option<pb::Platform>,
        resolve_mode: &str,
        log_name: &str,
    ) -> Result<ResolvedImage, GatewayError> {
        self.resolve_config(fe::ResolveImageConfigRequest {
            r#ref: reference.to_owned(),
            platform,
            resolve_mode: resolve_mode.to_owned(),
            log_name: log_name.to_owned(),
            ..Default::default()
        })
        .await
    }

    /// `ResolveImageConfig` of an image in an OCI layout the client exposes as store `store`
    /// on session `session` (`reference` is a name with the image's digest). BuildKit v0.11+.
    pub async fn resolve_oci_layout_config(
        &self,
        reference: &str,
        platform: Option<pb::Platform>,
        (session, store): (&str, &str),
        log_name: &str,
    ) -> Result<ResolvedImage, GatewayError> {
        /// Go's `sourceresolver.ResolverTypeOCILayout`.
        const RESOLVER_TYPE_OCI_LAYOUT: i32 = 1;
        self.resolve_config(fe::ResolveImageConfigRequest {
            r#ref: reference.to_owned(),
            platform,
            log_name: log_name.to_owned(),
            resolver_type: RESOLVER_TYPE_OCI_LAYOUT,
            session_id: session.to_owned(),
            store_id: store.to_owned(),
            ..Default::default()
        })
        .await
    }

    async fn resolve_config(
        &self,
        request: fe::ResolveImageConfigRequest,
    ) -> Result<ResolvedImage, GatewayError> {
        const METHOD: &str = "ResolveImageConfig";
        let requested = request.r#ref.clone();
        let response = self
            .rpc
            .clone()
            .resolve_image_config(request)
            .await
            .map_err(GatewayError::rpc(METHOD))?
            .into_inner();
        let reference = if response.r#ref.is_empty() {
            requested
        } else {
            response.r#ref
        };
        Ok(ResolvedImage {
            digest: response.digest,
            config: response.config,
            reference,
        })
    }

    /// `ReadFile` from a solved ref (forces its evaluation). `range` `None` reads the whole
    /// file; a range with length 0 reads nothing. A missing file is an `Unknown` RPC error.
    pub async fn read_file(
        &self,
        ref_id: &str,
        path: &str,
        range: Option<FileRange>,
    ) -> Result<Vec<u8>, GatewayError> {
        const METHOD: &str = "ReadFile";
        let request = fe::ReadFileRequest {
            r#ref: ref_id.to_owned(),
            file_path: path.to_owned(),
            range,
            ..Default::default()
        };
        Ok(self
            .rpc
            .clone()
            .read_file(request)
            .await
            .map_err(GatewayError::rpc(METHOD))?
            .into_inner()
            .data)
    }

    /// `ReadDir`: the (non-recursive) entries of `dir` in a solved ref, optionally filtered by
    /// one glob.
    pub async fn read_dir(
        &self,
        ref_id: &str,
        dir: &str,
        include_pattern: Option<&str>,
    ) -> Result<Vec<Stat>, GatewayError> {
        const METHOD: &str = "ReadDir";
        let request = fe::ReadDirRequest {
            r#ref: ref_id.to_owned(),
            dir_path: dir.to_owned(),
            include_pattern: include_pattern.unwrap_or_default().to_owned(),
            ..Default::default()
        };
        Ok(self
            .rpc
            .clone()
            .read_dir(request)
            .await
            .map_err(GatewayError::rpc(METHOD))?
            .into_inner()
            .entries)
    }

    /// `StatFile` in a solved ref. `mode` holds Go `os.FileMode` bits (dir = 1<<31).
    pub async fn stat_file(&self, ref_id: &str, path: &str) -> Result<Stat, GatewayError> {
        const METHOD: &str = "StatFile";
        let request = fe::StatFileRequest {
            r#ref: ref_id.to_owned(),
            path: path.to_owned(),
            ..Default::default()
        };
        self.rpc
            .clone()
            .stat_file(request)
            .await
            .map_err(GatewayError::rpc(METHOD))?
            .into_inner()
            .stat
            .ok_or_else(|| GatewayError::protocol(METHOD, "no stat in answer"))
    }

    /// `Inputs`: definitions the client passed as frontend inputs (cap `frontend.inputs`).
    pub async fn inputs(&self) -> Result<BTreeMap<String, pb::Definition>, GatewayError> {
        const METHOD: &str = "Inputs";
        self.require(METHOD, frontend_cap::FRONTEND_INPUTS)?;
        Ok(self
            .rpc
            .clone()
            .inputs(fe::InputsRequest {})
            .await
            .map_err(GatewayError::rpc(METHOD))?
            .into_inner()
            .definitions
            .into_iter()
            .collect())
    }

    /// `Evaluate` a ref (cap `gateway.evaluate`, v0.11+; on v0.8 solve with `evaluate=true`
    /// instead). An empty ref id is a no-op.
    pub async fn evaluate(&self, ref_id: &str) -> Result<(), GatewayError> {
        const METHOD: &str = "Evaluate";
        if ref_id.is_empty() {
            return Ok(());
        }
        self.require(METHOD, frontend_cap::EVALUATE)?;
        self.rpc
            .clone()
            .evaluate(fe::EvaluateRequest {
                r#ref: ref_id.to_owned(),
            })
            .await
            .map_err(GatewayError::rpc(METHOD))?;
        Ok(())
    }

    /// `Warn` (cap `gateway.warnings`, v0.10+). Returns whether the warning was delivered:
    /// `false` when the daemon has no warnings support (not an error; old daemons simply
    /// cannot show it).
    pub async fn warn(&self, warning: Warning) -> Result<bool, GatewayError> {
        const METHOD: &str = "Warn";
        if !self.may_have(frontend_cap::WARNINGS) {
            return Ok(false);
        }
        let request = fe::WarnRequest {
            digest: warning.digest,
            level: warning.level,
            short: warning.short.into_bytes(),
            detail: warning.detail.into_iter().map(String::into_bytes).collect(),
            url: warning.url,
            info: warning.info,
            ranges: warning.ranges,
        };
        match self.rpc.clone().warn(request).await {
            Ok(_) => Ok(true),
            Err(status) if status.code() == tonic::Code::Unimplemented => Ok(false),
            Err(status) => Err(GatewayError::rpc(METHOD)(status)),
        }
    }
}

/// A Solve request asking for the current result format (as the Go client always does).
fn solve_request() -> fe::SolveRequest {
    fe::SolveRequest {
        allow_result_return: true,
        allow_result_array_ref: true,
        ..Default::default()
    }
}

fn single_ref_id(response: fe::SolveResponse) -> Result<String, GatewayError> {
    let Some(result) = response.result else {
        return Ok(response.r#ref);
    };
    match result.result {
        Some(result::Result::Ref(reference)) => Ok(reference.id),
        Some(result::Result::RefDeprecated(id)) => Ok(id),
        Some(result::Result::Refs(_) | result::Result::RefsDeprecated(_)) => Err(
            GatewayError::protocol("Solve", "a definition solve returned several refs"),
        ),
        None => Ok(String::new()),
    }
}

/// The connection to BuildKit for one frontend run.
///
/// Derefs to [`GatewayClient`] for every call; [`client`](Self::client) gives a clone for
/// spawned tasks. `Return` is sent by [`return_result`](Self::return_result),
/// [`return_error`](Self::return_error) or [`return_status`](Self::return_status), which
/// consume the gateway, so it can be sent at most once. Send exactly one, wait for it, then
/// exit the process with status 0.
///
/// ```no_run
/// # async fn once(gateway: rustfront_gateway::Gateway) {
/// let _ = gateway.return_error(tonic::Code::Unknown, "first", vec![]).await;
/// # }
/// ```
///
/// A second `Return` does not compile:
///
/// ```compile_fail,E0382
/// # async fn twice(gateway: rustfront_gateway::Gateway) {
/// let _ = gateway.return_error(tonic::Code::Unknown, "first", vec![]).await;
/// let _ = gateway.return_error(tonic::Code::Unknown, "second", vec![]).await;
/// # }
/// ```
#[derive(Debug)]
#[must_use = "a frontend must call one of the return_* methods exactly once"]
pub struct Gateway {
    client: GatewayClient,
}

impl Gateway {
    /// Connects over the process's stdin/stdout (see [`transport::stdio`]).
    pub async fn connect_stdio() -> Result<Self, GatewayError> {
        Self::connect(transport::stdio()).await
    }

    /// Connects over any byte stream carrying the HTTP/2 connection (tests use
    /// `tokio::io::duplex`). Uses the same connector as [`connect_stdio`](Self::connect_stdio).
    pub async fn connect<S>(io: S) -> Result<Self, GatewayError>
    where
        S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
    {
        let channel = transport::connect_channel(io).await?;
        Ok(Self {
            client: GatewayClient::new(channel),
        })
    }

    /// A clone of the call interface (for spawned tasks). It cannot send `Return`.
    pub fn client(&self) -> GatewayClient {
        self.client.clone()
    }

    /// `Return` a successful result (see [`super::result`] for building it).
    ///
    /// A result bigger than the daemon accepts (image configs with huge histories) is returned
    /// as the [`GatewayError::RequestTooLarge`] error instead, which names both sizes.
    pub async fn return_result(self, result: fe::Result) -> Result<(), GatewayError> {
        let request = fe::ReturnRequest {
            result: Some(result),
            error: None,
        };
        let (size, limit) = (request.encoded_len(), self.max_request_size());
        if size > limit {
            let error = GatewayError::RequestTooLarge {
                method: "Return",
                size,
                limit,
            };
            return self.return_status(error.to_rpc_status()).await;
        }
        self.send_return(request).await
    }

    /// `Return` a failure. A `code` of `Ok` is sent as `Unknown` (BuildKit rejects code 0).
    /// `details` are typed details such as [`super::result::source_detail`].
    pub async fn return_error(
        self,
        code: tonic::Code,
        message: impl Into<String>,
        details: Vec<Any>,
    ) -> Result<(), GatewayError> {
        self.return_status(RpcStatus {
            code: code as i32,
            message: message.into(),
            details,
        })
        .await
    }

    /// `Return` a failure given as a whole `google.rpc.Status` (e.g.
    /// [`GatewayError::to_rpc_status`] of a failed forward). Code 0 is sent as `Unknown`.
    pub async fn return_status(self, mut status: RpcStatus) -> Result<(), GatewayError> {
        if status.code == tonic::Code::Ok as i32 {
            status.code = tonic::Code::Unknown as i32;
        }
        // The details carry the source file (a Dockerfile snippet for BuildKit to show): past
        // the daemon's limit they are dropped, so that at least the message gets through.
        let limit = self.max_request_size().saturating_sub(RETURN_OVERHEAD);
        if status.encoded_len() > limit {
            status.details.clear();
            if status.message.len() > limit {
                status.message = truncated(&status.message, limit);
            }
        }
        self.send_return(fe::ReturnRequest {
            result: None,
            error: Some(status),
        })
        .await
    }

    async fn send_return(self, request: fe::ReturnRequest) -> Result<(), GatewayError> {
        let (size, limit) = (request.encoded_len(), self.max_request_size());
        if size > limit {
            return Err(GatewayError::RequestTooLarge {
                method: "Return",
                size,
                limit,
            });
        }
        let returned = self
            .client
            .rpc
            .clone()
            .r#return(request)
            .await
            .map_err(GatewayError::rpc("Return"));
        if let Some(trace) = self.client.trace() {
            // stdout is the gRPC pipe: the report goes to stderr.
            eprint!("{}", trace.report());
        }
        returned?;
        Ok(())
    }
}

impl Deref for Gateway {
    type Target = GatewayClient;

    fn deref(&self) -> &GatewayClient {
        &self.client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(result: Option<result::Result>) -> fe::SolveResponse {
        fe::SolveResponse {
            r#ref: String::new(),
            result: Some(fe::Result {
                result,
                ..Default::default()
            }),
        }
    }

    #[test]
    fn single_ref_id_forms() {
        let r = response(Some(result::Result::Ref(fe::Ref {
            id: "abc".into(),
            def: None,
        })));
        assert_eq!(single_ref_id(r).ok().as_deref(), Some("abc"));
        let r = response(Some(result::Result::RefDeprecated("old".into())));
        assert_eq!(single_ref_id(r).ok().as_deref(), Some("old"));
        assert_eq!(single_ref_id(response(None)).ok().as_deref(), Some(""));
        let legacy = fe::SolveResponse {
            r#ref: "legacy".into(),
            result: None,
        };
        assert_eq!(single_ref_id(legacy).ok().as_deref(), Some("legacy"));
        let r = response(Some(result::Result::Refs(fe::RefMap::default())));
        assert!(matches!(
            single_ref_id(r),
            Err(GatewayError::Protocol { .. })
        ));
    }
}
