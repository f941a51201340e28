//! The live-event hub. After a commit the change publishes a [`LiveEvent`]; every open SSE
//! stream of this instance filters it for its subscriber. With PostgreSQL the event goes out
//! as `NOTIFY donor_events` and every instance (this one too) receives it by `LISTEN`, so
//! browsers connected to any instance see changes made on any other.

use super::db::Db;
use super::state::AppState;
use crate::domain::account::{AccountId, Principal};
use crate::domain::events::{Audience, LiveEvent, LiveMessage};
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::Utc;
use futures::stream::Stream;
use http::HeaderMap;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

const CHANNEL: &str = "donor_events";

#[derive(Clone)]
pub struct EventHub {
    local: broadcast::Sender<LiveMessage>,
}

impl Default for EventHub {
    fn default() -> Self {
        // A slow subscriber that falls this far behind is told to re-fetch everything.
        EventHub { local: broadcast::channel(1024).0 }
    }
}

impl EventHub {
    pub fn subscribe(&self) -> broadcast::Receiver<LiveMessage> {
        self.local.subscribe()
    }

    /// Publishes events of a committed change. Never fails the change: a lost event only
    /// delays a page until its next refresh, so errors are logged.
    pub async fn publish(&self, db: &Db, events: &[LiveEvent]) {
        let committed_at = Utc::now();
        for &event in events {
            let message = LiveMessage { event, committed_at };
            match db {
                Db::Postgres(pool) => {
                    let payload = serde_json::to_string(&message).unwrap_or_default();
                    let sent = sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(payload).execute(pool).await;
                    if let Err(err) = sent {
                        tracing::warn!(error = %err, "NOTIFY failed; delivering on this instance only");
                        let _ = self.local.send(message);
                    }
                }
                Db::Sqlite(_) => {
                    let _ = self.local.send(message);
                }
            }
        }
    }

    /// Tells every open stream of this account (on any instance) to re-check its session.
    pub async fn sessions_ended(&self, db: &Db, account: AccountId) {
        self.publish(db, &[LiveEvent::SessionsEnded { account }]).await;
    }

    /// PostgreSQL: relays `NOTIFY donor_events` from every instance to this instance's
    /// subscribers; reconnects after a lost connection.
    pub fn spawn_listener(&self, db: &Db) {
        let Db::Postgres(pool) = db else { return };
        let (pool, local) = (pool.clone(), self.local.clone());
        tokio::spawn(async move {
            loop {
                match sqlx::postgres::PgListener::connect_with(&pool).await {
                    Ok(mut listener) => {
                        if let Err(err) = listener.listen(CHANNEL).await {
                            tracing::warn!(error = %err, "LISTEN failed");
                        } else {
                            while let Ok(note) = listener.recv().await {
                                match serde_json::from_str::<LiveMessage>(note.payload()) {
                                    Ok(message) => {
                                        let _ = local.send(message);
                                    }
                                    Err(err) => tracing::warn!(error = %err, "unreadable live event"),
                                }
                            }
                        }
                    }
                    Err(err) => tracing::warn!(error = %err, "cannot LISTEN for live events"),
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }
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
pub async fn stream(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let secret = super::auth::sessions::read_cookie(&headers, state.settings.is_https());
    let watched = match &secret {
        Some(secret) => peek(&state, secret).await.ok().flatten().map(|principal| (secret.clone(), principal)),
        None => None,
    };
    let (out, events) = mpsc::channel(16);
    tokio::spawn(forward(state, watched, out));
    Sse::new(ReceiverStream::new(events)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

type Outgoing = mpsc::Sender<Result<Event, Infallible>>;

/// Relays this instance's events to one stream until the browser goes away or the session
/// that opened it ends. A browser too slow to take them makes the relay fall behind, which
/// the broadcast channel turns into `resync`.
async fn forward(state: AppState, watched: Option<(String, Principal)>, out: Outgoing) {
    let mut incoming = state.events.subscribe();
    let audience = match watched {
        Some((_, Principal::Donor { id })) => Audience::Donor(id),
        Some((_, Principal::Staff { .. })) => Audience::Staff,
        None => Audience::Anonymous,
    };
    if out.send(Ok(Event::default().event("ready").data("{}"))).await.is_err() {
        return;
    }
    let mut recheck = tokio::time::interval(SESSION_RECHECK);
    recheck.tick().await;
    loop {
        let next = tokio::select! {
            _ = out.closed() => return,
            _ = recheck.tick(), if watched.is_some() => Relay::Recheck,
            received = incoming.recv() => match received {
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
                Some((secret, _)) if matches!(peek(&state, secret).await, Ok(None)) => {
                    let _ = out.send(Ok(Event::default().event("session_ended").data("{}"))).await;
                    return;
                }
                _ => continue,
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

/// The session's owner while it is alive. On a database error the stream stays as it is:
/// ending a session is for its rules to decide, not for a passing fault.
async fn peek(state: &AppState, secret: &str) -> Result<Option<Principal>, sqlx::Error> {
    let found = super::auth::sessions::peek(&state.db, secret, state.clock.now()).await;
    if let Err(err) = &found {
        tracing::warn!(error = %err, "cannot re-read a session for its event stream");
    }
    found
}
