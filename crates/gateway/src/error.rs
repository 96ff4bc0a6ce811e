//! Errors of the gateway client.

use prost::Message;

use crate::proto::google::rpc::Status as RpcStatus;

/// An error talking to BuildKit's LLBBridge.
///
/// For RPC failures the `Display` text is BuildKit's own status message (that is what the user
/// should see, e.g. `failed to read dockerfile: open Dockerfile: no such file or directory`).
/// To fail the build with it, return [`to_rpc_status`](Self::to_rpc_status) through
/// [`Gateway::return_status`](crate::Gateway::return_status).
///
/// Non-exhaustive: new failure kinds may be added.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GatewayError {
    /// The HTTP/2 connection over stdio could not be set up.
    #[error("cannot connect to BuildKit: {0}")]
    Connect(#[source] tonic::transport::Error),

    /// BuildKit answered an RPC with a non-OK status.
    #[error("{}", rpc_message(.status))]
    Rpc {
        /// The LLBBridge method, e.g. `ReadFile`.
        method: &'static str,
        /// The status as received (message, code and any `grpc-status-details-bin`).
        status: Box<tonic::Status>,
    },

    /// The daemon lacks a capability the call needs.
    #[error("{method} is not supported by this BuildKit (missing capability {cap})")]
    MissingCap {
        /// The LLBBridge method that was not attempted.
        method: &'static str,
        /// The capability ID that Ping did not report as enabled.
        cap: &'static str,
    },

    /// BuildKit answered with something this client cannot interpret.
    #[error("unexpected {method} response from BuildKit: {detail}")]
    Protocol {
        /// The LLBBridge method.
        method: &'static str,
        /// What was wrong.
        detail: String,
    },

    /// A request was not sent: it is bigger than the daemon accepts (see
    /// [`Caps::max_request_size`](crate::Caps::max_request_size)). Sending it would fail with
    /// `ResourceExhausted` or, worse, an HTTP/2 protocol error that names nothing.
    #[error(
        "the {method} request is {} and this BuildKit accepts at most {} per request",
        mib(*.size),
        mib(*.limit)
    )]
    RequestTooLarge {
        /// The LLBBridge method that was not attempted.
        method: &'static str,
        /// The encoded request size, in bytes.
        size: usize,
        /// The daemon's limit, in bytes.
        limit: usize,
    },

    /// BuildKit did not answer in time (only Ping has a deadline).
    #[error("BuildKit did not answer {method} within {seconds} seconds")]
    Timeout {
        /// The LLBBridge method.
        method: &'static str,
        /// The deadline.
        seconds: u64,
    },
}

/// `bytes` in MiB, with one decimal unless whole: `4 MiB`, `17.3 MiB`.
pub fn mib(bytes: usize) -> String {
    // Precision loss is irrelevant for a size shown with one decimal.
    #[allow(clippy::cast_precision_loss)]
    let value = bytes as f64 / f64::from(1u32 << 20);
    if bytes % (1 << 20) == 0 {
        format!("{value:.0} MiB")
    } else {
        format!("{value:.1} MiB")
    }
}

/// Mirrors how BuildKit prints a gRPC error: the bare message for `Unknown`, otherwise
/// `<Code>: <message>`.
fn rpc_message(status: &tonic::Status) -> String {
    match status.code() {
        tonic::Code::Ok | tonic::Code::Unknown => status.message().to_owned(),
        code if status.message().is_empty() => code.description().to_owned(),
        code => format!("{code:?}: {}", status.message()),
    }
}

impl GatewayError {
    pub(crate) fn rpc(method: &'static str) -> impl FnOnce(tonic::Status) -> Self {
        move |status| Self::Rpc {
            method,
            status: Box::new(status),
        }
    }

    pub(crate) fn protocol(method: &'static str, detail: impl Into<String>) -> Self {
        Self::Protocol {
            method,
            detail: detail.into(),
        }
    }

    /// The gRPC code: the status code for RPC failures, `Unimplemented` for a missing
    /// capability, `DeadlineExceeded` for a timeout and `Unknown` otherwise.
    pub fn code(&self) -> tonic::Code {
        match self {
            Self::Rpc { status, .. } => status.code(),
            Self::MissingCap { .. } => tonic::Code::Unimplemented,
            Self::Timeout { .. } => tonic::Code::DeadlineExceeded,
            Self::RequestTooLarge { .. } => tonic::Code::ResourceExhausted,
            Self::Connect(_) | Self::Protocol { .. } => tonic::Code::Unknown,
        }
    }

    /// The BuildKit status message for RPC failures, otherwise the `Display` text.
    pub fn message(&self) -> String {
        match self {
            Self::Rpc { status, .. } => status.message().to_owned(),
            other => other.to_string(),
        }
    }

    /// This error as a `google.rpc.Status` suitable for `Return`, keeping BuildKit's typed
    /// details (e.g. `errdefs.Source+json`) when the status carried them. This is what to
    /// return when a forwarded frontend (`solve_frontend`) failed, so the user still sees the
    /// Dockerfile snippet. The code is never 0.
    pub fn to_rpc_status(&self) -> RpcStatus {
        let mut out = RpcStatus {
            code: self.code() as i32,
            message: self.message(),
            details: Vec::new(),
        };
        if let Self::Rpc { status, .. } = self {
            if let Ok(decoded) = RpcStatus::decode(status.details()) {
                out.details = decoded.details;
            }
        }
        if out.code == 0 {
            out.code = tonic::Code::Unknown as i32;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::google::protobuf::Any;

    #[test]
    fn rpc_display_is_the_status_message() {
        let err = GatewayError::rpc("ReadFile")(tonic::Status::unknown("open Dockerfile: ENOENT"));
        assert_eq!(err.to_string(), "open Dockerfile: ENOENT");
        assert_eq!(err.message(), "open Dockerfile: ENOENT");
        assert_eq!(err.code(), tonic::Code::Unknown);
    }

    #[test]
    fn rpc_display_prefixes_known_codes() {
        let err = GatewayError::rpc("Solve")(tonic::Status::not_found("no such ref"));
        assert_eq!(err.to_string(), "NotFound: no such ref");
        let err = GatewayError::rpc("Solve")(tonic::Status::internal(""));
        assert_eq!(err.to_string(), "Internal error");
    }

    #[test]
    fn rpc_status_keeps_typed_details() {
        let detail = Any {
            type_url: "github.com/moby/buildkit/errdefs.Source+json".into(),
            value: br#"{"info":{"filename":"Dockerfile"}}"#.to_vec(),
        };
        let encoded = RpcStatus {
            code: 2,
            message: "bad".into(),
            details: vec![detail.clone()],
        }
        .encode_to_vec();
        let status = tonic::Status::with_details(tonic::Code::Unknown, "bad", encoded.into());
        let err = GatewayError::rpc("Solve")(status);
        let rpc = err.to_rpc_status();
        assert_eq!(rpc.code, 2);
        assert_eq!(rpc.message, "bad");
        assert_eq!(rpc.details, vec![detail]);
    }

    #[test]
    fn too_large_names_size_and_limit() {
        let err = GatewayError::RequestTooLarge {
            method: "Solve",
            size: (17 << 20) + (3 << 20) / 10,
            limit: 16 << 20,
        };
        assert_eq!(
            err.to_string(),
            "the Solve request is 17.3 MiB and this BuildKit accepts at most 16 MiB per request"
        );
        assert_eq!(err.code(), tonic::Code::ResourceExhausted);
    }

    #[test]
    fn non_rpc_errors_have_nonzero_codes() {
        let err = GatewayError::MissingCap {
            method: "Evaluate",
            cap: "gateway.evaluate",
        };
        assert_eq!(err.to_rpc_status().code, tonic::Code::Unimplemented as i32);
        let err = GatewayError::protocol("Solve", "two refs");
        assert_eq!(err.to_rpc_status().code, 2);
        assert!(err.to_rpc_status().message.contains("two refs"));
    }
}
