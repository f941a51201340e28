//! The HTTP accept loop, with the limits `axum::serve` does not offer: a cap on concurrent
//! connections (past it the listener waits, so the kernel's backlog holds new ones instead of
//! the process running out of file descriptors), and a deadline for a request's headers (a
//! client that trickles them is cut off). Near the cap, answers close their connection
//! (`Connection: close`): browsers keep idle connections open for minutes, and a crowd's
//! idle ones must not keep the next donors waiting in the backlog. Graceful shutdown: stop
//! accepting, let every connection finish its request in flight, then return.

use super::shutdown::Shutdown;
use axum::extract::ConnectInfo;
use axum::http::header::CONNECTION;
use axum::http::HeaderValue;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

pub struct Limits {
    pub max_connections: usize,
    pub header_read_timeout: Duration,
}

/// The kernel's queue of connections not yet accepted (bounded by `net.core.somaxconn`):
/// tokio's default of 1,024 drops the SYNs of a larger crowd, whose clients then retry after
/// one, three, seven seconds.
pub const BACKLOG: u32 = 4096;

/// A listener with [`BACKLOG`].
pub fn bind(addr: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Whether an answer should close its connection: fewer than a quarter of the connections
/// are left.
fn crowded(open: &Semaphore, cap: usize) -> bool {
    open.available_permits() < cap.div_ceil(4)
}

pub async fn serve(listener: TcpListener, router: Router, limits: Limits, shutdown: Shutdown) {
    let cap = limits.max_connections.max(1);
    let open = Arc::new(Semaphore::new(cap));
    let graceful = GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let builder = Arc::new(builder);
    loop {
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            _ = shutdown.begun() => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = shutdown.begun() => break,
        };
        let service = hyper::service::service_fn({
            let (router, open) = (router.clone(), open.clone());
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                let answer = router.clone().oneshot(request.map(axum::body::Body::new));
                let open = open.clone();
                async move {
                    let mut response = answer.await?;
                    if crowded(&open, cap) {
                        response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
                    }
                    Ok::<_, std::convert::Infallible>(response)
                }
            }
        });
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener); // new connections are refused from here
    graceful.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_close_their_connection_when_few_are_left() {
        let open = Semaphore::new(800);
        assert!(!crowded(&open, 800));
        let _held = open.try_acquire_many(600).unwrap();
        assert!(!crowded(&open, 800), "200 left: a quarter");
        let _more = open.try_acquire_many(1).unwrap();
        assert!(crowded(&open, 800), "199 left");
    }
}
