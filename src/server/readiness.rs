//! `GET /readyz`: whether this instance should be sent traffic. `/healthz` stays the cheap
//! liveness check (the process answers and the database is reachable); readiness also asks
//! that the database takes a write, that the mail worker is alive, and on PostgreSQL that
//! live events arrive (LISTEN). Each failing check is named in the answer.

use super::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use http::StatusCode;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;

/// Signs of life from the background tasks, read by `/readyz`.
#[derive(Clone)]
pub struct Heartbeats {
    /// When the mail worker last went round its loop (ms since the epoch).
    mail: Arc<AtomicI64>,
    /// Whether the PostgreSQL LISTEN connection is up.
    listening: Arc<AtomicBool>,
}

/// Born beating: an instance that just started is not yet late.
impl Default for Heartbeats {
    fn default() -> Self {
        Heartbeats { mail: Arc::new(AtomicI64::new(Utc::now().timestamp_millis())), listening: Arc::default() }
    }
}

impl Heartbeats {
    pub fn mail_beat(&self) {
        self.mail.store(Utc::now().timestamp_millis(), Ordering::Relaxed);
    }

    pub fn set_listening(&self, up: bool) {
        self.listening.store(up, Ordering::Relaxed);
    }

    fn mail_quiet_for(&self) -> std::time::Duration {
        let since = Utc::now().timestamp_millis() - self.mail.load(Ordering::Relaxed);
        std::time::Duration::from_millis(since.max(0) as u64)
    }
}

/// A worker's round takes at most one send (bounded by `SMTP_TIMEOUT_SECS`) plus its poll.
fn mail_worker_stale_after(state: &AppState) -> std::time::Duration {
    state.settings.mail.send_timeout() + std::time::Duration::from_secs(35)
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    let database = match super::db::probe_write(&state.db, &state.instance, Utc::now()).await {
        Ok(()) => "ok".to_owned(),
        Err(err) => {
            tracing::warn!(error = %err, "readiness: the database refused a write");
            "refuses writes".to_owned()
        }
    };
    let quiet = state.heartbeats.mail_quiet_for();
    let mail_worker = if quiet <= mail_worker_stale_after(&state) {
        "ok".to_owned()
    } else {
        format!("silent for {} s", quiet.as_secs())
    };
    let listen = match &state.db {
        super::db::Db::Postgres(_) if !state.heartbeats.listening.load(Ordering::Relaxed) => "down",
        super::db::Db::Postgres(_) => "ok",
        super::db::Db::Sqlite(_) => "not used",
    };
    let ready = database == "ok" && mail_worker == "ok" && listen != "down";
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body =
        serde_json::json!({ "ready": ready, "database": database, "mail_worker": mail_worker, "listen": listen });
    (status, axum::Json(body)).into_response()
}
