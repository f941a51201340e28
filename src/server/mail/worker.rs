//! The delivery worker: claims due outbox rows, sends them, and reschedules failures with
//! exponential back-off until a deadline, after which a message is marked failed and logged.
//! A relay's permanent refusal (5xx) fails the message at once.
//!
//! Every send runs under `send_timeout` as a whole (connect to QUIT), and a message is sent only
//! while its claim (`CLAIM_LEASE`) outlasts that timeout: no other instance can claim it before
//! this one has finished or given up, so no e-mail goes out twice.

use super::outbox::{claim_due, mark_failed, mark_sent, release, CLAIM_LEASE};
use super::transport::{redact_addresses, MailTransport, SendFailure};
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
    /// The longest one delivery may take (`SMTP_TIMEOUT_SECS`).
    pub send_timeout: std::time::Duration,
    /// Once begun, the worker finishes the message it is sending, hands the rest back, stops.
    pub shutdown: crate::server::shutdown::Shutdown,
    /// Beaten every round and every message (`/readyz` checks it).
    pub heartbeats: crate::server::readiness::Heartbeats,
}

/// Slack between the end of a send and the end of its claim (database round trips, clock steps).
const LEASE_MARGIN: std::time::Duration = std::time::Duration::from_secs(10);

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
            while !self.shutdown.has_begun() {
                self.heartbeats.mail_beat();
                let delivered_full_batch = self.run_once().await;
                if !delivered_full_batch {
                    tokio::select! {
                        _ = self.wake.notified() => {}
                        _ = tokio::time::sleep(self.poll_every) => {}
                        _ = self.shutdown.begun() => {}
                    }
                }
            }
            tracing::info!("mail worker stopped");
        })
    }

    /// One pass; true when a full batch was claimed (so more may be waiting).
    pub async fn run_once(&self) -> bool {
        let claimed_at = std::time::Instant::now();
        let batch = match claim_due(&self.db, self.clock.now(), BATCH).await {
            Ok(batch) => batch,
            Err(err) => {
                tracing::error!(error = %err, "mail outbox: claiming failed");
                return false;
            }
        };
        let full = batch.len() as i64 == BATCH;
        let lease = CLAIM_LEASE.to_std().unwrap_or_default();
        let mut batch = batch.into_iter();
        while let Some(mail) = batch.next() {
            if self.shutdown.has_begun() || claimed_at.elapsed() + self.send_timeout + LEASE_MARGIN > lease {
                // Stopping, or what is left could not be finished inside the claim: hand it
                // back, due now (for another instance, or this one's next pass).
                let rest: Vec<i64> = std::iter::once(mail.id).chain(batch.map(|m| m.id)).collect();
                if let Err(err) = release(&self.db, &rest).await {
                    tracing::error!(error = %err, "mail outbox: releasing claimed rows failed");
                }
                return true;
            }
            self.heartbeats.mail_beat();
            let result = match tokio::time::timeout(self.send_timeout, self.transport.send(&mail)).await {
                Ok(result) => result,
                Err(_) => Err(SendFailure {
                    text: format!("no answer within {} s", self.send_timeout.as_secs()),
                    permanent: false,
                }),
            };
            let now = self.clock.now();
            let stored = match result {
                Ok(()) => {
                    tracing::info!(mail_id = mail.id, "mail sent");
                    mark_sent(&self.db, mail.id, now).await
                }
                Err(failure) => {
                    let attempt = u32::try_from(mail.attempts + 1).unwrap_or(u32::MAX);
                    let error = redact_addresses(&failure.text);
                    let retry = if failure.permanent {
                        None
                    } else {
                        next_attempt(attempt, mail.created_at, now, self.retry_base)
                    };
                    match retry {
                        Some(at) => {
                            tracing::warn!(mail_id = mail.id, attempt, %error, retry_at = %at, "mail delivery failed; will retry")
                        }
                        None if failure.permanent => {
                            tracing::error!(mail_id = mail.id, attempt, %error, "mail refused permanently; not retried")
                        }
                        None => tracing::error!(mail_id = mail.id, attempt, %error, "mail delivery failed; giving up"),
                    }
                    mark_failed(&self.db, mail.id, &failure.text, retry).await
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
