//! The connection loop: HTTP/1.1 on hyper, with what `axum::serve` does not offer: a
//! header timeout (hyper's, which also closes an idle connection), a cap on open
//! connections, and a graceful shutdown on SIGTERM or Ctrl-C.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt as _;

use crate::http::{self, AppState, Limits};

/// Serves on `listener` until SIGTERM or Ctrl-C; then accepts nothing more, lets the
/// requests in flight finish (for at most [`Limits::shutdown_seconds`]), and returns,
/// dropping the state, which closes the database.
pub(crate) async fn run(
    listener: TcpListener,
    state: Arc<AppState>,
    limits: Limits,
) -> Result<(), Box<dyn std::error::Error>> {
    let router = http::router(state);
    let connections = Arc::new(Semaphore::new(limits.connections));
    let mut http1 = hyper::server::conn::http1::Builder::new();
    http1
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(limits.header_seconds));
    let graceful = GracefulShutdown::new();
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        // A place first, then the connection: past the cap, connections wait in the
        // listener's backlog rather than in memory.
        let place = tokio::select! {
            place = Arc::clone(&connections).acquire_owned() => place?,
            () = &mut stop => break,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut stop => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors and the like: wait a little rather than spin.
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(request.map(axum::body::Body::new))
        });
        let connection = graceful.watch(http1.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _place = place;
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended");
            }
        });
    }
    drop(listener);
    tracing::info!("stopping: finishing the requests in flight");
    let finish = Duration::from_secs(limits.shutdown_seconds);
    if tokio::time::timeout(finish, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("stopped with requests still in flight");
    }
    Ok(())
}

/// SIGTERM or Ctrl-C.
async fn stop_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = terminate.recv() => {},
                    _ = interrupt => {},
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
