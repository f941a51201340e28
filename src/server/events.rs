//! The live-event hub. After a commit the change publishes a [`LiveEvent`]; every open SSE
//! stream of this instance filters it for its subscriber. With PostgreSQL the event goes out
//! as `NOTIFY donor_events` and every instance (this one too) receives it by `LISTEN`, so
//! browsers connected to any instance see changes made on any other.

use super::db::Db;
use super::state::AppState;
use crate::domain::account::{AccountId, Principal};
use crate::domain::events::{Audience, LiveEvent, LiveMessage};
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use http::{header, HeaderMap, StatusCode};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

const CHANNEL: &str = "donor_events";

#[derive(Clone)]
pub struct EventHub {
    local: broadcast::Sender<LiveMessage>,
    recent: Arc<Mutex<Recent>>,
    /// Open streams per session secret (`MAX_STREAMS_PER_SESSION`).
    streams: OpenStreams,
}

type OpenStreams = Arc<Mutex<std::collections::HashMap<String, usize>>>;

/// One open stream of a session; dropping it (the stream ended) frees its place.
pub struct HeldStream {
    streams: OpenStreams,
    session: String,
}

impl Drop for HeldStream {
    fn drop(&mut self) {
        if let Ok(mut open) = self.streams.lock() {
            if let Some(count) = open.get_mut(&self.session) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    open.remove(&self.session);
                }
            }
        }
    }
}

/// The last events this instance delivered, so that a page opening its stream can be told
/// whether what it was rendered with is still current (then it need not re-fetch).
struct Recent {
    started_at: DateTime<Utc>,
    messages: VecDeque<LiveMessage>,
    /// The newest event no longer kept.
    forgotten_until: Option<DateTime<Utc>>,
}

/// Events kept for [`EventHub::changed_since`].
const RECENT_KEPT: usize = 4096;
/// Instances' clocks differ by less than this (a page's own estimate of the server's time errs
/// early by construction); an event this close before a page's render counts as unseen.
pub const CLOCK_MARGIN: chrono::Duration = chrono::Duration::seconds(1);

impl Default for EventHub {
    fn default() -> Self {
        // A slow subscriber that falls this far behind is told to re-fetch everything.
        let recent = Recent { started_at: Utc::now(), messages: VecDeque::new(), forgotten_until: None };
        EventHub { local: broadcast::channel(1024).0, recent: Arc::new(Mutex::new(recent)), streams: Arc::default() }
    }
}

impl EventHub {
    /// Counts an open stream of `session` while the returned guard lives; `None` when the
    /// session already holds `limit`.
    pub fn hold_stream(&self, session: &str, limit: usize) -> Option<HeldStream> {
        let mut open = self.streams.lock().ok()?;
        let count = open.entry(session.to_owned()).or_default();
        if *count >= limit {
            return None;
        }
        *count += 1;
        Some(HeldStream { streams: self.streams.clone(), session: session.to_owned() })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveMessage> {
        self.local.subscribe()
    }

    /// Hands an event to this instance's streams and remembers it.
    fn deliver(&self, message: LiveMessage) {
        if let Ok(mut recent) = self.recent.lock() {
            if recent.messages.len() == RECENT_KEPT {
                let forgotten = recent.messages.pop_front().map(|m| m.committed_at);
                recent.forgotten_until = forgotten.max(recent.forgotten_until);
            }
            recent.messages.push_back(message);
        }
        let _ = self.local.send(message);
    }

    /// Whether anything `audience` sees may have changed after `since` — true whenever this
    /// instance cannot tell (it started later, or no longer keeps events that old).
    pub fn changed_since(&self, since: DateTime<Utc>, audience: Audience) -> bool {
        let since = since - CLOCK_MARGIN;
        let Ok(recent) = self.recent.lock() else { return true };
        recent.started_at > since
            || recent.forgotten_until.is_some_and(|t| t > since)
            || recent.messages.iter().any(|m| m.committed_at > since && m.event.visible_to(audience))
    }

    /// Publishes events of a committed change. Never fails the change: a lost event only
    /// delays a page until its next refresh, so errors are logged.
    pub async fn publish(&self, db: &Db, events: &[LiveEvent]) {
        let committed_at = Utc::now();
        let messages: Vec<LiveMessage> = events.iter().map(|&event| LiveMessage { event, committed_at }).collect();
        match db {
            // One NOTIFY for all of a change's events: each NOTIFY is a commit that queues on
            // PostgreSQL's notification lock, and a booking has two events.
            Db::Postgres(pool) if !messages.is_empty() => {
                let payload = serde_json::to_string(&messages).unwrap_or_default();
                let sent = sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(payload).execute(pool).await;
                if let Err(err) = sent {
                    tracing::warn!(error = %err, "NOTIFY failed; delivering on this instance only");
                    messages.into_iter().for_each(|m| self.deliver(m));
                }
            }
            _ => messages.into_iter().for_each(|m| self.deliver(m)),
        }
    }

    /// Tells every open stream of this account (on any instance) to re-check its session.
    pub async fn sessions_ended(&self, db: &Db, account: AccountId) {
        self.publish(db, &[LiveEvent::SessionsEnded { account }]).await;
    }

    /// PostgreSQL: relays `NOTIFY donor_events` from every instance to this instance's
    /// subscribers; reconnects after a lost connection.
    pub fn spawn_listener(&self, db: &Db, heartbeats: super::readiness::Heartbeats) {
        let Db::Postgres(pool) = db else { return };
        let (pool, hub) = (pool.clone(), self.clone());
        tokio::spawn(async move {
            // After the first connection, any new one follows a gap whose events are lost.
            let mut after_a_gap = false;
            loop {
                match listen(&pool).await {
                    Ok(mut listener) => {
                        heartbeats.set_listening(true);
                        if after_a_gap {
                            tracing::info!("LISTEN re-established: open pages re-fetch what they show");
                            hub.deliver(LiveMessage { event: LiveEvent::Resync, committed_at: Utc::now() });
                        }
                        after_a_gap = true;
                        loop {
                            match listener.try_recv().await {
                                Ok(Some(note)) => match parse_payload(note.payload()) {
                                    Ok(messages) => messages.into_iter().for_each(|m| hub.deliver(m)),
                                    Err(err) => tracing::warn!(error = %err, "unreadable live event"),
                                },
                                Ok(None) => {
                                    tracing::warn!("the LISTEN connection was lost; reconnecting");
                                    break;
                                }
                                Err(err) => {
                                    tracing::warn!(error = %err, "LISTEN failed; reconnecting");
                                    break;
                                }
                            }
                        }
                    }
                    Err(err) => tracing::warn!(error = %err, "cannot LISTEN for live events"),
                }
                heartbeats.set_listening(false);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }
}

/// A NOTIFY's events: an array (this version), or one event (an instance of the version
/// before, during a rolling upgrade).
fn parse_payload(payload: &str) -> Result<Vec<LiveMessage>, serde_json::Error> {
    serde_json::from_str::<Vec<LiveMessage>>(payload).or_else(|_| serde_json::from_str(payload).map(|m| vec![m]))
}

async fn listen(pool: &sqlx::PgPool) -> Result<sqlx::postgres::PgListener, sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// How often an open stream re-reads its session, to notice idle or absolute expiry. Ends of
/// a session by someone's action (logout, new password, staff disabled) arrive at once as
/// [`LiveEvent::SessionsEnded`].
const SESSION_RECHECK: Duration = Duration::from_secs(15);

/// `GET /events`: a server-sent event stream of what the caller may see. A browser's
/// EventSource reconnects by itself; the page re-fetches on every (re)connection, which is the
/// catch-up after a network loss. A subscriber that fell behind gets `resync`.
///
/// A stream opened with a session lives only as long as that session: when it ends, the
/// stream sends `session_ended` and closes, and sends nothing more. Reading the session for
/// this does not count as its use, so a page left open still idles out.
///
/// `?since=<ms since the epoch>`: when the page was rendered, by the server's clock. The first
/// `ready` says `{"current":true}` when nothing the page shows changed since, so the page
/// need not re-fetch what the server just rendered.
pub async fn stream(State(state): State<AppState>, Query(opened): Query<Opened>, headers: HeaderMap) -> Response {
    let secret = super::auth::sessions::read_cookie(&headers, state.settings.is_https());
    // One per open tab: a session holding more is a runaway script, not a person.
    let held = match &secret {
        Some(secret) => match state.events.hold_stream(secret, state.settings.max_streams_per_session) {
            Some(held) => Some(held),
            None => {
                return (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "30")], "too many open streams")
                    .into_response()
            }
        },
        None => None,
    };
    let (out, events) = mpsc::channel(16);
    let watched = match &secret {
        None => Ok(None),
        Some(secret) => peek(&state, secret).await.map(|found| found.map(|principal| (secret.clone(), principal))),
    };
    // Without an answer about the session the stream ends at once (the browser retries): a
    // registrar is never quietly served as a stranger, nor a stranger as anyone.
    if let Ok(watched) = watched {
        let since = opened.since.and_then(DateTime::<Utc>::from_timestamp_millis);
        tokio::spawn(async move {
            forward(state, watched, since, out).await;
            drop(held);
        });
    }
    Sse::new(ReceiverStream::new(events)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response()
}

#[derive(serde::Deserialize)]
pub struct Opened {
    since: Option<i64>,
}

type Outgoing = mpsc::Sender<Result<Event, Infallible>>;

/// Relays this instance's events to one stream until the browser goes away or the session
/// that opened it ends. A browser too slow to take them makes the relay fall behind, which
/// the broadcast channel turns into `resync`.
async fn forward(state: AppState, watched: Option<(String, Principal)>, since: Option<DateTime<Utc>>, out: Outgoing) {
    // Subscribed before asking what changed: nothing falls between the two.
    let mut incoming = state.events.subscribe();
    let audience = match watched {
        Some((_, Principal::Donor { id })) => Audience::Donor(id),
        Some((_, Principal::Staff { .. })) => Audience::Staff,
        None => Audience::Anonymous,
    };
    let current = since.is_some_and(|since| !state.events.changed_since(since, audience));
    let ready = Event::default().event("ready").data(if current { r#"{"current":true}"# } else { "{}" });
    if out.send(Ok(ready)).await.is_err() {
        return;
    }
    let mut recheck = tokio::time::interval(SESSION_RECHECK);
    recheck.tick().await;
    loop {
        let next = tokio::select! {
            _ = out.closed() => return,
            // The instance is stopping: the browser reconnects (to another one) and catches up.
            _ = state.shutdown.begun() => return,
            _ = recheck.tick(), if watched.is_some() => Relay::Recheck,
            received = incoming.recv() => match received {
                Ok(LiveMessage { event: LiveEvent::Resync, .. }) => Relay::Send(resync()),
                Ok(LiveMessage { event: LiveEvent::SessionsEnded { account }, .. }) => {
                    match &watched {
                        Some((_, principal)) if principal.account() == account => Relay::Recheck,
                        _ => continue,
                    }
                }
                Ok(message) if message.event.visible_to(audience) => {
                    Relay::Send(Event::default().json_data(message).unwrap_or_else(|_| resync()))
                }
                Ok(_) => continue,
                Err(broadcast::error::RecvError::Lagged(_)) => Relay::Send(resync()),
                Err(broadcast::error::RecvError::Closed) => return,
            },
        };
        let event = match next {
            Relay::Send(event) => event,
            Relay::Recheck => match &watched {
                Some((secret, _)) => match peek(&state, secret).await {
                    Ok(Some(_)) => continue,
                    Ok(None) => {
                        let _ = out.send(Ok(Event::default().event("session_ended").data("{}"))).await;
                        return;
                    }
                    Err(_) => return, // the browser reconnects and asks again
                },
                None => continue,
            },
        };
        if out.send(Ok(event)).await.is_err() {
            return;
        }
    }
}

enum Relay {
    Send(Event),
    Recheck,
}

fn resync() -> Event {
    Event::default().event("resync").data("{}")
}

/// The session's owner while it is alive; a database error is logged and ends the stream.
async fn peek(state: &AppState, secret: &str) -> Result<Option<Principal>, sqlx::Error> {
    let found = super::auth::sessions::peek(&state.db, secret, state.clock.now()).await;
    if let Err(err) = &found {
        tracing::warn!(error = %err, "cannot re-read a session for its event stream");
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::BookingStatus;

    fn message(event: LiveEvent, committed_at: DateTime<Utc>) -> LiveMessage {
        LiveMessage { event, committed_at }
    }

    #[test]
    fn a_notify_carries_all_of_a_changes_events_or_one_from_an_older_instance() {
        let at = Utc::now();
        let cell = message(LiveEvent::CellChanged { cell_id: 3 }, at);
        let booking =
            message(LiveEvent::BookingChanged { booking_id: 1, donor_id: 7, status: BookingStatus::Pending }, at);
        let both = serde_json::to_string(&[cell, booking]).unwrap();
        assert_eq!(parse_payload(&both).unwrap(), vec![cell, booking]);
        assert_eq!(parse_payload(&serde_json::to_string(&cell).unwrap()).unwrap(), vec![cell]);
        assert!(parse_payload("{\"nonsense\":1}").is_err());
    }

    #[test]
    fn a_page_is_current_unless_something_it_sees_changed_since() {
        let hub = EventHub::default();
        let start = Utc::now();
        let later = start + chrono::Duration::seconds(10);
        assert!(hub.changed_since(start - chrono::Duration::minutes(1), Audience::Anonymous), "before this instance");
        assert!(!hub.changed_since(later, Audience::Anonymous), "nothing happened");
        let booking = LiveEvent::BookingChanged { booking_id: 1, donor_id: 7, status: BookingStatus::Approved };
        hub.deliver(message(booking, later + chrono::Duration::seconds(5)));
        assert!(hub.changed_since(later, Audience::Donor(7)), "the donor's own booking");
        assert!(!hub.changed_since(later, Audience::Donor(8)), "another donor's is not theirs to see");
        assert!(!hub.changed_since(later, Audience::Anonymous));
        assert!(!hub.changed_since(later + chrono::Duration::seconds(10), Audience::Donor(7)), "rendered after it");
        hub.deliver(message(LiveEvent::CellChanged { cell_id: 3 }, later + chrono::Duration::seconds(6)));
        assert!(hub.changed_since(later, Audience::Anonymous), "cells are everyone's");
    }

    #[test]
    fn a_page_older_than_what_is_kept_is_never_current() {
        let hub = EventHub::default();
        let t = Utc::now() + chrono::Duration::seconds(10);
        for n in 0..=RECENT_KEPT as i64 {
            let booking = LiveEvent::BookingChanged { booking_id: n, donor_id: 1, status: BookingStatus::Pending };
            hub.deliver(message(booking, t + chrono::Duration::milliseconds(n)));
        }
        // The first event was forgotten: a page from before it cannot be vouched for.
        assert!(hub.changed_since(t - chrono::Duration::seconds(1), Audience::Donor(2)));
        assert!(!hub.changed_since(t + chrono::Duration::seconds(60), Audience::Donor(2)));
    }
}
