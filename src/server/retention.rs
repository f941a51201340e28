//! R6: a daily job deletes bookings dated more than ten days ago. It runs at start-up and then
//! shortly after each local midnight; running twice is harmless, so several instances may.
//! A second, frequent job writes down the bookings whose time has passed (the rules already
//! read the time; this keeps the audit log and the registrar's lists in step).

use super::db::bookings::{purge_before, release_all_lapsed};
use super::db::housekeeping::purge_expired;
use super::db::Db;
use super::state::AppState;
use crate::domain::calendar::local_date;
use crate::domain::rules::retention_cutoff;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::time::Duration;

/// Purges once; returns how many bookings were removed. Also removes what is kept only for a
/// while (`db::housekeeping`): old e-mails, ended sessions, used or expired links, and accounts
/// never confirmed — each count in the log.
pub async fn purge_once(db: &Db, tz: Tz, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let cutoff = retention_cutoff(local_date(now, tz));
    let purged = purge_before(db, cutoff, now).await?;
    tracing::info!(purged, %cutoff, "purged old bookings (R6)");
    // The refusals of the same days go with them (the centre's midnight of the cutoff day).
    let cutoff_instant = cutoff
        .and_hms_opt(0, 0, 0)
        .and_then(|midnight| midnight.and_local_timezone(tz).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    let refusals = super::db::donors::purge_refusals(db, cutoff_instant).await?;
    tracing::info!(refusals, "purged old refusals (R6)");
    let expired = purge_expired(db, now).await?;
    tracing::info!(
        outbox = expired.outbox,
        sessions = expired.sessions,
        tokens = expired.tokens,
        unconfirmed_accounts = expired.unconfirmed_accounts,
        "purged expired personal data"
    );
    Ok(purged)
}

/// Time until five minutes past the next local midnight.
fn until_next_run(state: &AppState) -> Duration {
    let now = state.now_local();
    let next = (now.date() + chrono::Days::new(1)).and_hms_opt(0, 5, 0).unwrap_or(now);
    (next - now).to_std().unwrap_or(Duration::from_secs(3600))
}

pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(err) = purge_once(&state.db, state.settings.time_zone, state.clock.now()).await {
                tracing::error!(error = %err, "purge of old bookings failed; retrying in an hour");
                tokio::time::sleep(Duration::from_secs(3600)).await;
                continue;
            }
            tokio::time::sleep(until_next_run(&state)).await;
        }
    })
}

/// How often lapsed bookings are written down.
const RELEASE_EVERY: Duration = Duration::from_secs(60);

pub fn spawn_release(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match release_all_lapsed(&state.db, state.moment()).await {
                Ok(0) => {}
                Ok(released) => tracing::info!(released, "released bookings whose time has passed"),
                Err(err) => tracing::warn!(error = %err, "releasing lapsed bookings failed; retrying"),
            }
            tokio::time::sleep(RELEASE_EVERY).await;
        }
    })
}
