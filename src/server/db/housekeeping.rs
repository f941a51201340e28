//! What the daily job deletes besides old bookings (R6): personal data kept no longer than it
//! serves a purpose. The periods are the README's ("Retention").

use super::{on_pool, Db};
use crate::server::auth::sessions::IDLE_TIMEOUT;
use chrono::{DateTime, Duration, Utc};

/// Sent and failed e-mails are kept (without their bodies) this long, for support questions.
pub const OUTBOX_KEPT: Duration = Duration::days(30);
/// An account whose e-mail was never confirmed, and that never booked, is removed after this.
pub const UNCONFIRMED_KEPT: Duration = Duration::days(7);

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub outbox: u64,
    pub sessions: u64,
    pub tokens: u64,
    pub unconfirmed_accounts: u64,
}

pub async fn purge_expired(db: &Db, now: DateTime<Utc>) -> Result<Purged, sqlx::Error> {
    let mut purged = Purged::default();
    on_pool!(db, pool => {
        purged.outbox = sqlx::query("DELETE FROM mail_outbox WHERE status IN ('sent', 'failed') AND created_at < $1")
            .bind(now - OUTBOX_KEPT).execute(pool).await?.rows_affected();
        purged.sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
            .bind(now).bind(now - IDLE_TIMEOUT).execute(pool).await?.rows_affected();
        purged.tokens = sqlx::query("DELETE FROM email_tokens WHERE used_at IS NOT NULL OR expires_at <= $1")
            .bind(now).execute(pool).await?.rows_affected();
        // Only accounts with nothing on record: a booking holds a place, a donation an interval.
        purged.unconfirmed_accounts = sqlx::query(
            "DELETE FROM donors WHERE email_confirmed_at IS NULL AND created_at < $1 \
             AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.donor_id = donors.id) \
             AND NOT EXISTS (SELECT 1 FROM donations d WHERE d.donor_id = donors.id)",
        )
        .bind(now - UNCONFIRMED_KEPT).execute(pool).await?.rows_affected();
    });
    Ok(purged)
}
