//! The HTTP/1.1 listener, with the limits `axum::serve` leaves unset: a
//! deadline for a request's headers (a client that sends them a byte at a
//! time is cut off), a deadline for a stalled write (a client that stops
//! reading a download), and a cap on open connections (beyond it, new
//! connections are closed at once rather than queued). Shutdown is
//! graceful: on the signal the listener closes, open connections finish
//! their request, and stragglers are dropped after [`DRAIN`].

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_io_timeout::TimeoutStream;
use tower::ServiceExt as _;

/// How long open connections may take to finish after the shutdown signal.
const DRAIN: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// From a connection's first byte (or the end of the previous request)
    /// to the end of the request's headers.
    pub header_read: Duration,
    /// How long a write may wait for the client to read.
    pub write_stall: Duration,
    /// Open connections at most.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            write_stall: Duration::from_secs(30),
            max_connections: 1024,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves.
pub async fn serve_connections(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    // Out of file descriptors, usually: back off briefly.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tracing::warn!(%remote, "refused a connection: too many are open");
            continue;
        };
        let _ = stream.set_nodelay(true);
        let mut stream = TimeoutStream::new(stream);
        stream.set_write_timeout(Some(limits.write_stall));
        let io = TokioIo::new(Box::pin(stream));
        // Each request learns the peer's address (`ConnectInfo`), as with
        // `into_make_service_with_connect_info`.
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(remote));
            app.clone().oneshot(request.map(axum::body::Body::new))
        });
        let connection = graceful.watch(builder.serve_connection(io, service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %remote, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN) => {
            tracing::warn!("connections still open after {DRAIN:?}; closing them");
        }
    }
}
