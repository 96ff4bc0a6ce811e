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
        if let Some(pipe) = pipe_reader(io::stdin().as_fd()) {
            return pipe;
        }
    }
    Box::new(tokio::io::stdin())
}

fn stdout_writer() -> BoxWriter {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Some(pipe) = pipe_writer(io::stdout().as_fd()) {
            return pipe;
        }
    }
    Box::new(tokio::io::stdout())
}

/// A non-blocking reader on a duplicate of `fd`, if `fd` is a readable pipe.
#[cfg(unix)]
fn pipe_reader(fd: std::os::fd::BorrowedFd<'_>) -> Option<BoxReader> {
    let owned = fd.try_clone_to_owned().ok()?;
    let pipe = tokio::net::unix::pipe::Receiver::from_owned_fd(owned).ok()?;
    Some(Box::new(pipe))
}

/// A non-blocking writer on a duplicate of `fd`, if `fd` is a writable pipe.
#[cfg(unix)]
fn pipe_writer(fd: std::os::fd::BorrowedFd<'_>) -> Option<BoxWriter> {
    let owned = fd.try_clone_to_owned().ok()?;
    let pipe = tokio::net::unix::pipe::Sender::from_owned_fd(owned).ok()?;
    Some(Box::new(pipe))
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

    #[cfg(unix)]
    #[tokio::test]
    async fn pipes_are_driven_through_the_reactor() {
        use std::os::fd::AsFd;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        use tokio::net::unix::pipe;

        // Like BuildKit: one pipe towards us, one from us.
        let (mut daemon_tx, to_us) = pipe::pipe().expect("pipe");
        let (from_us, mut daemon_rx) = pipe::pipe().expect("pipe");
        let to_us = to_us.into_blocking_fd().expect("fd");
        let from_us = from_us.into_blocking_fd().expect("fd");
        let reader = pipe_reader(to_us.as_fd()).expect("read end of a pipe");
        let writer = pipe_writer(from_us.as_fd()).expect("write end of a pipe");
        assert!(
            pipe_reader(from_us.as_fd()).is_none(),
            "write end is not readable"
        );
        let mut stream = tokio::io::join(reader, writer);

        stream.write_all(b"PRI * HTTP/2.0").await.expect("write");
        let mut got = [0u8; 14];
        daemon_rx.read_exact(&mut got).await.expect("daemon reads");
        assert_eq!(&got, b"PRI * HTTP/2.0");

        daemon_tx
            .write_all(b"settings")
            .await
            .expect("daemon writes");
        let mut got = [0u8; 8];
        stream.read_exact(&mut got).await.expect("read");
        assert_eq!(&got, b"settings");
    }

    #[cfg(unix)]
    #[test]
    fn regular_files_are_not_pipes() {
        use std::os::fd::AsFd;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .expect("runtime");
        let _guard = runtime.enter();
        let file = tempfile::tempfile().expect("temp file");
        assert!(pipe_reader(file.as_fd()).is_none());
        assert!(pipe_writer(file.as_fd()).is_none());
    }
}
