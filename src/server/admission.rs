//! How many requests are served at once. Pages and server functions take a turn from a fair
//! (first come, first served) queue; the rest wait in arrival order. Without it a crowd of
//! 2,000 requests all start at once and each goes back to the end of the database pool's
//! queue between its statements, so all of them finish late together; with it the first to
//! arrive finish first (a flash crowd's bookings are made in a fraction of the time). A request
//! that waits longer than the pool's acquire timeout is answered 503 with Retry-After, as
//! when the pool itself has no free connection.

use super::state::AppState;
use crate::error::AppError;
use crate::i18n::texts;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

const BUSY_RETRY_AFTER_SECS: u64 = 2;

#[derive(Clone, Debug)]
pub struct Admission {
    turns: Arc<Semaphore>,
    wait: Duration,
}

impl Admission {
    pub fn new(at_once: usize, wait: Duration) -> Admission {
        Admission { turns: Arc::new(Semaphore::new(at_once.max(1))), wait }
    }
}

/// Everything but live-event streams (open for hours), static files and health probes.
fn takes_a_turn(path: &str) -> bool {
    !(path == "/events" || path.starts_with("/pkg/") || path == "/healthz" || path == "/readyz")
}

pub async fn admit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !takes_a_turn(request.uri().path()) {
        return next.run(request).await;
    }
    let admission = &state.admission;
    match tokio::time::timeout(admission.wait, admission.turns.acquire()).await {
        // The turn is held until the response's head is ready.
        Ok(Ok(_turn)) => next.run(request).await,
        _ => busy(&request),
    }
}

/// 503 with Retry-After: the server functions' error for the WASM client; for a browser a
/// small page saying so, with a link to ask again when it was a page (a form posted without
/// JavaScript is sent back with the browser's Back button; nothing was written).
fn busy(request: &Request) -> Response {
    let retry_after = [(header::RETRY_AFTER, HeaderValue::from(BUSY_RETRY_AFTER_SECS))];
    if request.uri().path().starts_with("/api/") && !super::request::accepts_html(request.headers()) {
        let error = AppError::Unavailable { retry_after_secs: BUSY_RETRY_AFTER_SECS };
        let body = serde_json::to_string(&error).unwrap_or_default();
        let json = [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))];
        return (StatusCode::SERVICE_UNAVAILABLE, retry_after, json, body).into_response();
    }
    let locale = super::http::request_locale(request.headers());
    let t = texts(locale);
    let again = (request.method() == http::Method::GET)
        .then(|| request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/"))
        .map(|href| format!("<p><a href=\"{}\">{}</a></p>", escape_attribute(href), t.server_busy_again))
        .unwrap_or_default();
    let page = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{busy}</title></head>\
         <body><p>{busy}</p>{again}</body></html>",
        lang = locale.code(),
        busy = t.server_busy,
    );
    (StatusCode::SERVICE_UNAVAILABLE, retry_after, Html(page)).into_response()
}

/// A path and query (already URL-encoded by the client) made safe inside a quoted attribute.
fn escape_attribute(value: &str) -> String {
    value.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::{escape_attribute, takes_a_turn};

    #[test]
    fn pages_and_server_functions_wait_their_turn_streams_and_files_do_not() {
        assert!(takes_a_turn("/cabinet"));
        assert!(takes_a_turn("/api/book"));
        assert!(!takes_a_turn("/events"));
        assert!(!takes_a_turn("/pkg/donor-booking.0123456789abcdef.wasm"));
        assert!(!takes_a_turn("/healthz"));
    }

    #[test]
    fn the_busy_page_links_back_to_the_address_asked_for_without_breaking_out_of_the_attribute() {
        assert_eq!(
            escape_attribute("/cabinet/book/3?step=times&time=09:00"),
            "/cabinet/book/3?step=times&amp;time=09:00"
        );
        assert_eq!(escape_attribute("/x?\"><script>"), "/x?&quot;&gt;&lt;script&gt;");
    }
}
