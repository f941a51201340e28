//! The live-event hub. After a commit the change publishes a [`LiveEvent`]; every open SSE
//! stream of this instance filters it for its subscriber. With PostgreSQL the event goes out
//! as `NOTIFY donor_events` and every instance (this one too) receives it by `LISTEN`, so
//! browsers connected to any instance see changes made on any other.

use super::db::Db;
use super::state::AppState;
use crate::domain::account::Principal;
use crate::domain::events::{Audience, LiveEvent, LiveMessage};
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::Utc;
use futures::stream::Stream;
use http::HeaderMap;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt;

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

/// `GET /events`: a server-sent event stream of what the caller may see. A browser's
/// EventSource reconnects by itself; the page re-fetches on every (re)connection, which is the
/// catch-up after a network loss. A subscriber that fell behind gets `resync`.
pub async fn stream(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let audience = audience(&state, &headers).await;
    let events = BroadcastStream::new(state.events.subscribe()).filter_map(move |item| match item {
        Ok(message) if message.event.visible_to(audience) => {
            Some(Ok(Event::default().json_data(message).unwrap_or_else(|_| Event::default().event("resync"))))
        }
        Ok(_) => None,
        Err(BroadcastStreamRecvError::Lagged(_)) => Some(Ok(Event::default().event("resync").data("{}"))),
    });
    let hello = tokio_stream::once(Ok(Event::default().event("ready").data("{}")));
    Sse::new(hello.chain(events)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

async fn audience(state: &AppState, headers: &HeaderMap) -> Audience {
    let Some(secret) = super::auth::sessions::read_cookie(headers, state.settings.is_https()) else {
        return Audience::Anonymous;
    };
    match super::auth::sessions::lookup(&state.db, &secret, state.clock.now()).await {
        Ok(Some(Principal::Donor { id })) => Audience::Donor(id),
        Ok(Some(Principal::Staff { .. })) => Audience::Staff,
        _ => Audience::Anonymous,
    }
}
