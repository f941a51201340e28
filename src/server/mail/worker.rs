//! The delivery worker: claims due outbox rows, sends them, and reschedules failures with
//! exponential back-off until a deadline, after which a message is marked failed and logged.

use super::outbox::{claim_due, mark_failed, mark_sent};
use super::transport::MailTransport;
use crate::server::clock::Clock;
use crate::server::db::Db;
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use tokio::sync::Notify;

/// Give up on a message this long after it was written.
pub const DELIVERY_DEADLINE: Duration = Duration::hours(24);
const MAX_BACKOFF: Duration = Duration::minutes(15);
const BATCH: i64 = 20;

#[derive(Clone)]
pub struct MailWorker {
    pub db: Db,
    pub transport: Arc<MailTransport>,
    pub clock: Arc<dyn Clock>,
    /// Woken after a commit that enqueued mail, so delivery does not wait for the next poll.
    pub wake: Arc<Notify>,
    pub poll_every: std::time::Duration,
    pub retry_base: Duration,
}

/// When to try again after `attempt` failures, or `None` once the deadline has passed.
pub fn next_attempt(
    attempt: u32,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
    base: Duration,
) -> Option<DateTime<Utc>> {
    let factor = 2i32.saturating_pow(attempt.saturating_sub(1).min(20));
    let backoff = (base * factor).min(MAX_BACKOFF);
    let at = now + backoff;
    (at <= created_at + DELIVERY_DEADLINE).then_some(at)
}

impl MailWorker {
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                let delivered_full_batch = self.run_once().await;
                if !delivered_full_batch {
                    tokio::select! {
                        _ = self.wake.notified() => {}
                        _ = tokio::time::sleep(self.poll_every) => {}
                    }
                }
            }
        })
    }

    /// One pass; true when a full batch was claimed (so more may be waiting).
    pub async fn run_once(&self) -> bool {
        let batch = match claim_due(&self.db, self.clock.now(), BATCH).await {
            Ok(batch) => batch,
            Err(err) => {
                tracing::error!(error = %err, "mail outbox: claiming failed");
                return false;
            }
        };
        let full = batch.len() as i64 == BATCH;
        for mail in batch {
            let result = self.transport.send(&mail).await;
            let now = self.clock.now();
            let stored = match result {
                Ok(()) => {
                    tracing::info!(mail_id = mail.id, "mail sent");
                    mark_sent(&self.db, mail.id, now).await
                }
                Err(error) => {
                    let attempt = u32::try_from(mail.attempts + 1).unwrap_or(u32::MAX);
                    let retry = next_attempt(attempt, mail.created_at, now, self.retry_base);
                    match retry {
                        Some(at) => {
                            tracing::warn!(mail_id = mail.id, attempt, %error, retry_at = %at, "mail delivery failed; will retry")
                        }
                        None => tracing::error!(mail_id = mail.id, attempt, %error, "mail delivery failed; giving up"),
                    }
                    mark_failed(&self.db, mail.id, &error, retry).await
                }
            };
            if let Err(err) = stored {
                tracing::error!(mail_id = mail.id, error = %err, "mail outbox: recording the result failed");
            }
        }
        full
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn backoff_doubles_up_to_a_cap_and_stops_at_the_deadline() {
        let created = Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap();
        let base = Duration::seconds(5);
        assert_eq!(next_attempt(1, created, created, base), Some(created + Duration::seconds(5)));
        assert_eq!(next_attempt(2, created, created, base), Some(created + Duration::seconds(10)));
        assert_eq!(next_attempt(4, created, created, base), Some(created + Duration::seconds(40)));
        assert_eq!(next_attempt(30, created, created, base), Some(created + MAX_BACKOFF));
        let late = created + DELIVERY_DEADLINE - Duration::minutes(1);
        assert_eq!(next_attempt(30, created, late, base), None, "past the deadline: give up");
    }
}
