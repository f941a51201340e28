//! Graceful shutdown (SIGTERM or Ctrl-C): stop accepting, end the event streams so browsers
//! reconnect to another instance, let in-flight requests finish and the mail worker finish its
//! message or hand its claim back, and exit within `SHUTDOWN_DEADLINE_SECS` whatever happens.

use std::sync::Arc;
use tokio::sync::watch;

/// Set once, when the process is asked to stop; long-running tasks watch it.
#[derive(Clone)]
pub struct Shutdown(Arc<watch::Sender<bool>>);

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown(Arc::new(watch::channel(false).0))
    }
}

impl Shutdown {
    pub fn begin(&self) {
        self.0.send_replace(true);
    }

    pub fn has_begun(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once shutdown has begun (at once if it already has).
    pub async fn begun(&self) {
        let mut seen = self.0.subscribe();
        let _ = seen.wait_for(|stopping| *stopping).await;
    }
}

/// Waits for SIGTERM or Ctrl-C, then begins the shutdown.
pub async fn on_signal(shutdown: Shutdown) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
    shutdown.begin();
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn watchers_learn_of_a_shutdown_even_after_it_began() {
        let shutdown = super::Shutdown::default();
        assert!(!shutdown.has_begun());
        shutdown.begin();
        tokio::time::timeout(std::time::Duration::from_secs(1), shutdown.begun()).await.expect("resolves");
        assert!(shutdown.has_begun());
    }
}
