//! Capabilities and workers reported by BuildKit's Ping.

use std::collections::{BTreeMap, BTreeSet};

use crate::proto::moby::buildkit::v1::apicaps::ApiCap;
use crate::proto::moby::buildkit::v1::frontend::PongResponse;
use crate::proto::moby::buildkit::v1::types::WorkerRecord;
use crate::proto::pb;

/// Gateway (`PongResponse.FrontendAPICaps`) capability IDs, from BuildKit's
/// `frontend/gateway/pb/caps.go` (Go names `pb.Cap…`), with the first BuildKit release that
/// has each. Docker 20.10 ships v0.8, Docker 26.1 v0.13.
///
/// [`GatewayClient`](crate::GatewayClient) checks the ones its calls need once Ping was done:
/// [`inputs`](crate::GatewayClient::inputs) and [`evaluate`](crate::GatewayClient::evaluate)
/// fail with [`GatewayError::MissingCap`](crate::GatewayError::MissingCap), and
/// [`warn`](crate::GatewayClient::warn) returns `false`.
pub mod frontend_cap {
    /// `Solve` exists (`CapSolveBase`). v0.8+.
    pub const SOLVE_BASE: &str = "solve.base";
    /// `ResolveImageConfig` exists (`CapResolveImage`). v0.8+.
    pub const RESOLVE_IMAGE: &str = "resolveimage";
    /// `ResolveImageConfigRequest.ResolveMode` is honoured (`CapResolveImageResolveMode`). v0.8+.
    pub const RESOLVE_IMAGE_RESOLVE_MODE: &str = "resolveimage.resolvemode";
    /// `ReadFile` exists (`CapReadFile`). v0.8+.
    pub const READ_FILE: &str = "readfile";
    /// `ReadDir` exists (`CapReadDir`). v0.8+.
    pub const READ_DIR: &str = "readdir";
    /// `StatFile` exists (`CapStatFile`). v0.8+.
    pub const STAT_FILE: &str = "statfile";
    /// `Return` exists (`CapReturnResult`). v0.8+.
    pub const RETURN: &str = "return";
    /// A result may hold a map of refs (`CapReturnMap`). v0.8+.
    pub const RETURN_MAP: &str = "returnmap";
    /// `SolveRequest.CacheImports` is honoured (`CapImportCaches`). v0.8+.
    pub const IMPORT_CACHES: &str = "importcaches";
    /// Result `ref`/`refs` (fields 3/4) are understood (`CapProtoRefArray`). v0.8+.
    pub const PROTO_REF_ARRAY: &str = "proto.refarray";
    /// `Inputs` and `SolveRequest.FrontendInputs` exist (`CapFrontendInputs`). v0.8+.
    pub const FRONTEND_INPUTS: &str = "frontend.inputs";
    /// `SolveRequest.Evaluate` is honoured (`CapGatewayEvaluateSolve`). v0.8+.
    pub const SOLVE_EVALUATE: &str = "gateway.solve.evaluate";
    /// `Evaluate` exists (`CapGatewayEvaluate`). v0.11+.
    pub const EVALUATE: &str = "gateway.evaluate";
    /// `Warn` exists (`CapGatewayWarnings`). v0.10+.
    pub const WARNINGS: &str = "gateway.warnings";
    /// Results may carry attestations (`CapAttestations`). v0.11+.
    pub const ATTESTATIONS: &str = "reference.attestations";
    /// `ResolveSourceMeta` exists (`CapSourceMetaResolver`). v0.13+.
    pub const SOURCE_META_RESOLVER: &str = "source.metaresolver";
}

/// Some LLB capability IDs the Dockerfile frontend gates features on. The full list, with
/// versions, is `rustfront_llb::caps`.
pub mod llb_cap {
    /// FileOp exists.
    pub const FILE_BASE: &str = "file.base";
    /// MergeOp exists (`COPY --link`).
    pub const MERGE_OP: &str = "mergeop";
    /// DiffOp exists.
    pub const DIFF_OP: &str = "diffop";
    /// Copy include/exclude patterns (`COPY --exclude`, `--parents`).
    pub const FILE_COPY_INCLUDE_EXCLUDE: &str = "file.copy.includeexcludepatterns";
    /// `Meta.ulimit`.
    pub const EXEC_ULIMIT: &str = "exec.meta.ulimit";
    /// `Meta.cgroupParent`.
    pub const EXEC_CGROUP_PARENT: &str = "exec.meta.cgroup.parent";
    /// Tmpfs size (`shm-size`).
    pub const EXEC_TMPFS_SIZE: &str = "exec.mount.tmpfs.size";
    /// Secrets as environment variables.
    pub const EXEC_SECRET_ENV: &str = "exec.secretenv";
    /// `local.differ`.
    pub const SOURCE_LOCAL_DIFFER: &str = "source.local.differ";
    /// `oci-layout://` sources.
    pub const SOURCE_OCI_LAYOUT: &str = "source.ocilayout";
    /// `FileActionCopy.alwaysReplaceExistingDestPaths`: new in BuildKit v0.14, the release that
    /// also raised the gateway's request limit from 4 to 16 MiB, so it tells the two apart.
    pub const FILE_COPY_ALWAYS_REPLACE: &str = "file.copy.alwaysreplaceexistingdestpaths";
    /// Git URL subdirectories.
    pub const SOURCE_GIT_SUBDIR: &str = "source.git.subdir";
}

/// A BuildKit worker (from Ping or `BUILDKIT_WORKERS`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Worker {
    /// Worker ID.
    pub id: String,
    /// Worker labels.
    pub labels: BTreeMap<String, String>,
    /// Platforms the worker can run, in preference order (the first is the native one).
    pub platforms: Vec<pb::Platform>,
}

impl From<&WorkerRecord> for Worker {
    fn from(record: &WorkerRecord) -> Self {
        Self {
            id: record.id.clone(),
            labels: record
                .labels
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            platforms: record.platforms.clone(),
        }
    }
}

/// The gateway server's receive limit in BuildKit v0.8–v0.13 (grpc-go's default).
pub const MAX_REQUEST_SIZE_V0_8: usize = 4 << 20;
/// The gateway server's receive limit from BuildKit v0.14 on.
pub const MAX_REQUEST_SIZE_V0_14: usize = 16 << 20;

/// What the daemon supports. A capability counts only if it is present **and** enabled.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Caps {
    frontend: BTreeSet<String>,
    llb: BTreeSet<String>,
    /// The workers from Ping.
    pub workers: Vec<Worker>,
}

impl Caps {
    /// Caps from explicit ID lists (all enabled); handy in tests of other modules.
    pub fn new<F, L>(frontend: F, llb: L) -> Self
    where
        F: IntoIterator,
        F::Item: Into<String>,
        L: IntoIterator,
        L::Item: Into<String>,
    {
        Self {
            frontend: frontend.into_iter().map(Into::into).collect(),
            llb: llb.into_iter().map(Into::into).collect(),
            workers: Vec::new(),
        }
    }

    /// Caps from a Ping answer.
    pub fn from_pong(pong: &PongResponse) -> Self {
        Self {
            frontend: enabled_ids(&pong.frontend_api_caps),
            llb: enabled_ids(&pong.llb_caps),
            workers: pong.workers.iter().map(Worker::from).collect(),
        }
    }

    /// Whether the gateway API capability `id` (see [`frontend_cap`]) is enabled.
    pub fn has_frontend(&self, id: &str) -> bool {
        self.frontend.contains(id)
    }

    /// Whether the LLB capability `id` (see [`llb_cap`]) is enabled.
    pub fn has_llb(&self, id: &str) -> bool {
        self.llb.contains(id)
    }

    /// The largest request (one gRPC message) the daemon's gateway server accepts: 16 MiB from
    /// BuildKit v0.14 on (`defaults.DefaultMaxRecvMsgSize`), grpc-go's default of 4 MiB before
    /// (v0.8–v0.13). A bigger request fails with `ResourceExhausted` or a broken HTTP/2
    /// stream, so callers check [`encoded_len`](prost::Message::encoded_len) first.
    pub fn max_request_size(&self) -> usize {
        if self.has_llb(llb_cap::FILE_COPY_ALWAYS_REPLACE) {
            MAX_REQUEST_SIZE_V0_14
        } else {
            MAX_REQUEST_SIZE_V0_8
        }
    }

    /// All enabled gateway API capability IDs, sorted.
    pub fn frontend_caps(&self) -> impl Iterator<Item = &str> {
        self.frontend.iter().map(String::as_str)
    }

    /// All enabled LLB capability IDs, sorted.
    pub fn llb_caps(&self) -> impl Iterator<Item = &str> {
        self.llb.iter().map(String::as_str)
    }
}

fn enabled_ids(caps: &[ApiCap]) -> BTreeSet<String> {
    caps.iter()
        .filter(|cap| cap.enabled)
        .map(|cap| cap.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(id: &str, enabled: bool) -> ApiCap {
        ApiCap {
            id: id.into(),
            enabled,
            ..Default::default()
        }
    }

    #[test]
    fn only_enabled_caps_count() {
        let pong = PongResponse {
            frontend_api_caps: vec![cap("readfile", true), cap("gateway.warnings", false)],
            llb_caps: vec![cap("mergeop", true), cap("diffop", false)],
            workers: vec![WorkerRecord {
                id: "w0".into(),
                platforms: vec![pb::Platform {
                    architecture: "amd64".into(),
                    os: "linux".into(),
                    ..Default::default()
                }],
                ..Default::default()
            }],
        };
        let caps = Caps::from_pong(&pong);
        assert!(caps.has_frontend(frontend_cap::READ_FILE));
        assert!(!caps.has_frontend(frontend_cap::WARNINGS));
        assert!(!caps.has_frontend(frontend_cap::EVALUATE));
        assert!(caps.has_llb(llb_cap::MERGE_OP));
        assert!(!caps.has_llb(llb_cap::DIFF_OP));
        assert_eq!(caps.frontend_caps().collect::<Vec<_>>(), ["readfile"]);
        assert_eq!(caps.workers.len(), 1);
        assert_eq!(caps.workers[0].id, "w0");
        assert_eq!(caps.workers[0].platforms[0].architecture, "amd64");
    }

    #[test]
    fn request_limit_follows_the_buildkit_version() {
        let v0_13 = Caps::new(["return"], ["file.base"]);
        assert_eq!(v0_13.max_request_size(), 4 << 20);
        let v0_14 = Caps::new(["return"], ["file.base", llb_cap::FILE_COPY_ALWAYS_REPLACE]);
        assert_eq!(v0_14.max_request_size(), 16 << 20);
    }

    #[test]
    fn explicit_caps() {
        let caps = Caps::new(["return"], Vec::<String>::new());
        assert!(caps.has_frontend("return"));
        assert!(!caps.has_llb("return"));
    }
}
