//! The single HTTP/2 connection to BuildKit.
//!
//! BuildKit runs the frontend with two pipes: our stdin carries bytes from BuildKit, our stdout
//! carries bytes to BuildKit. Together they form one byte stream carrying exactly one cleartext
//! HTTP/2 connection (prior knowledge), with BuildKit as the server. tonic normally dials
//! sockets; here a connector hands out the (already open) stream once. If the connection ever
//! breaks, tonic asks the connector again and gets an error instead of hanging.

use std::io;
use std::sync::{Arc, Mutex};

use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tonic::transport::{Channel, Endpoint, Uri};
use tower::Service;

use super::error::GatewayError;

/// Largest message we accept from BuildKit (ReadFile/Inputs answers can be big; BuildKit up to
/// v0.13 may send up to 2 GiB, newer ones cap at 16 MiB).
pub const MAX_DECODE_MESSAGE_SIZE: usize = 128 << 20;
/// Largest message we send. BuildKit v0.14+ accepts 16 MiB; v0.8–v0.13 only 4 MiB and answer
/// bigger requests with `ResourceExhausted`.
pub const MAX_ENCODE_MESSAGE_SIZE: usize = 16 << 20;

/// HTTP/2 flow-control windows: large enough that a multi-MiB ReadFile answer is not throttled
/// by 64 KiB window updates.
const STREAM_WINDOW: u32 = 4 << 20;
const CONNECTION_WINDOW: u32 = 8 << 20;

/// The authority we "dial"; BuildKit ignores it (the Go client uses `localhost`).
const AUTHORITY: &str = "http://localhost";

/// A tower connector that yields `io` on the first call and an error on every later call.
pub fn once_connector<S>(
    io: S,
) -> impl Service<
    Uri,
    Response = TokioIo<S>,
    Error = io::Error,
    Future = std::future::Ready<io::Result<TokioIo<S>>>,
> + Clone
+ Send
+ 'static
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let slot = Arc::new(Mutex::new(Some(io)));
    tower::service_fn(move |_: Uri| {
        let taken = slot.lock().ok().and_then(|mut guard| guard.take());
        std::future::ready(taken.map(TokioIo::new).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotConnected,
                "the BuildKit connection over stdio was lost and cannot be re-established",
            )
        }))
    })
}

/// Opens a gRPC channel over `io` (one HTTP/2 connection, we are the client).
///
/// Tests pass one half of a `tokio::io::duplex`; production passes [`stdio`].
pub async fn connect_channel<S>(io: S) -> Result<Channel, GatewayError>
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    Endpoint::from_static(AUTHORITY)
        .initial_stream_window_size(STREAM_WINDOW)
        .initial_connection_window_size(CONNECTION_WINDOW)
        .connect_with_connector(once_connector(io))
        .await
        .map_err(GatewayError::Connect)
}

/// A boxed reader half.
pub type BoxReader = Box<dyn AsyncRead + Send + Unpin>;
/// A boxed writer half.
pub type BoxWriter = Box<dyn AsyncWrite + Send + Unpin>;
/// The process's stdin + stdout as one bidirectional stream.
pub type Stdio = tokio::io::Join<BoxReader, BoxWriter>;

/// The process's stdin (read) and stdout (write) as one stream.
///
/// When they are pipes (as under BuildKit) they are driven non-blocking through the reactor,
/// so that a pending read never keeps the runtime from shutting down. Otherwise tokio's
/// blocking stdio wrappers are used. Must be called inside a tokio runtime.
///
/// After this, nothing else may write to stdout.
pub fn stdio() -> Stdio {
    tokio::io::join(stdin_reader(), stdout_writer())
}

fn stdin_reader() -> BoxReader {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = io::stdin().as_fd().try_clone_to_owned() {
            if let Ok(pipe) = tokio::net::unix::pipe::Receiver::from_owned_fd(fd) {
                return Box::new(pipe);
            }
        }
    }
    Box::new(tokio::io::stdin())
}

fn stdout_writer() -> BoxWriter {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = io::stdout().as_fd().try_clone_to_owned() {
            if let Ok(pipe) = tokio::net::unix::pipe::Sender::from_owned_fd(fd) {
                return Box::new(pipe);
            }
        }
    }
    Box::new(tokio::io::stdout())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    #[tokio::test]
    async fn connector_hands_out_the_stream_once() {
        let (ours, _theirs) = tokio::io::duplex(64);
        let connector = once_connector(ours);
        let uri = Uri::from_static(AUTHORITY);
        assert!(connector.clone().oneshot(uri.clone()).await.is_ok());
        let second = connector.oneshot(uri).await;
        let err = second.err().map(|e| e.kind());
        assert_eq!(err, Some(io::ErrorKind::NotConnected));
    }
}
