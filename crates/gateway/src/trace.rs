//! Per-call timing of the LLBBridge calls, for finding where a frontend's time goes: with
//! `RUSTFRONT_TRACE` set in the frontend's environment, every call's start (since connect),
//! method and duration is written to stderr after `Return`. BuildKit passes a gateway
//! frontend's stderr to its own log (the daemon's log for Docker's embedded BuildKit).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tonic::codegen::Service;
use tonic::codegen::http;

/// The environment variable that turns tracing on (any value but empty).
pub const TRACE_ENV: &str = "RUSTFRONT_TRACE";

/// The calls made so far: method, start since connect, duration.
#[derive(Debug)]
pub struct CallTrace {
    start: Instant,
    calls: Mutex<Vec<(String, Duration, Duration)>>,
}

impl CallTrace {
    /// A trace when `RUSTFRONT_TRACE` asks for one.
    pub fn from_env() -> Option<Arc<CallTrace>> {
        std::env::var_os(TRACE_ENV)
            .filter(|v| !v.is_empty())
            .map(|_| Arc::new(CallTrace::new()))
    }

    /// An empty trace starting now.
    pub fn new() -> CallTrace {
        CallTrace {
            start: Instant::now(),
            calls: Mutex::new(Vec::new()),
        }
    }

    fn record(&self, method: String, began: Instant, took: Duration) {
        let offset = began.saturating_duration_since(self.start);
        if let Ok(mut calls) = self.calls.lock() {
            calls.push((method, offset, took));
        }
    }

    /// One line per call, in order of start: `+12.3ms ReadFile 1.4ms`, then the total.
    pub fn report(&self) -> String {
        let mut calls = self.calls.lock().map(|c| c.clone()).unwrap_or_default();
        calls.sort_by_key(|(_, offset, _)| *offset);
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let mut out = String::new();
        for (method, offset, took) in &calls {
            out.push_str(&format!(
                "rustfront trace: +{:.1}ms {method} {:.1}ms\n",
                ms(*offset),
                ms(*took)
            ));
        }
        let busy: Duration = calls.iter().map(|(_, _, took)| *took).sum();
        out.push_str(&format!(
            "rustfront trace: {} calls, {:.1}ms in calls, {:.1}ms since connect\n",
            calls.len(),
            ms(busy),
            ms(self.start.elapsed())
        ));
        out
    }
}

impl Default for CallTrace {
    fn default() -> Self {
        CallTrace::new()
    }
}

/// A gRPC channel whose calls are timed into a [`CallTrace`] (when there is one).
#[derive(Debug, Clone)]
pub struct Timed<S> {
    inner: S,
    trace: Option<Arc<CallTrace>>,
}

impl<S> Timed<S> {
    /// `inner`, timed into `trace`.
    pub fn new(inner: S, trace: Option<Arc<CallTrace>>) -> Self {
        Timed { inner, trace }
    }
}

impl<S, B> Service<http::Request<B>> for Timed<S>
where
    S: Service<http::Request<B>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    /// Times the call until BuildKit's response headers arrive (for a unary call, all but
    /// reading the answer's bytes).
    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let Some(trace) = self.trace.clone() else {
            return Box::pin(self.inner.call(request));
        };
        // `/moby.buildkit.v1.frontend.LLBBridge/ReadFile` → `ReadFile`
        let method = request
            .uri()
            .path()
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_string();
        let began = Instant::now();
        let future = self.inner.call(request);
        Box::pin(async move {
            let response = future.await;
            trace.record(method, began, began.elapsed());
            response
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn calls_are_timed_by_method_in_order() {
        let trace = Arc::new(CallTrace::new());
        let inner = tower::service_fn(|_: http::Request<()>| async {
            tokio::time::sleep(Duration::from_millis(2)).await;
            Ok::<_, std::convert::Infallible>(http::Response::new(()))
        });
        let mut timed = Timed::new(inner, Some(Arc::clone(&trace)));
        for method in ["Ping", "ReadFile"] {
            let uri = format!("/moby.buildkit.v1.frontend.LLBBridge/{method}");
            let request = http::Request::builder()
                .uri(uri)
                .body(())
                .unwrap_or_default();
            assert!(timed.call(request).await.is_ok());
        }
        let report = trace.report();
        let lines: Vec<&str> = report.lines().collect();
        assert_eq!(lines.len(), 3, "{report}");
        assert!(lines[0].starts_with("rustfront trace: +") && lines[0].contains(" Ping "));
        assert!(lines[1].contains(" ReadFile "), "{report}");
        assert!(
            lines[2].starts_with("rustfront trace: 2 calls, "),
            "{report}"
        );
        let took: f64 = lines[1]
            .rsplit(' ')
            .next()
            .and_then(|t| t.strip_suffix("ms"))
            .and_then(|t| t.parse().ok())
            .unwrap_or_default();
        assert!(took >= 2.0, "{report}");
    }

    #[tokio::test]
    async fn without_a_trace_calls_pass_through() {
        let inner = tower::service_fn(|_: http::Request<()>| async {
            Ok::<_, std::convert::Infallible>(http::Response::new(()))
        });
        let mut timed = Timed::new(inner, None);
        assert!(timed.call(http::Request::new(())).await.is_ok());
    }
}
