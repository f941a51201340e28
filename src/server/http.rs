//! HTTP hardening every feature relies on: security headers, the cross-site request guard,
//! `/healthz`, and the language switch.

use super::state::AppState;
use crate::domain::account::Principal;
use crate::domain::locale::LOCALE_COOKIE;
use crate::domain::Locale;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use serde::Deserialize;
use std::net::SocketAddr;

/// This response's CSP nonce, chosen by [`security_headers`] before the page renders and handed
/// to Leptos (see [`provide_request_nonce`]) so its hydration scripts carry it.
#[derive(Clone)]
pub struct CspNonce(pub String);

/// The policy of every HTML page: inline scripts only with this response's nonce, script
/// files only from this origin (Leptos's modulepreload link carries no nonce), WASM
/// compilation allowed, nothing framed, forms only to us.
fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Makes Leptos use the nonce this request's CSP header will name. Called in the page
/// context, after leptos_axum provided a nonce of its own, which this replaces.
pub fn provide_request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(CspNonce(nonce)) =
        use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}

/// Works out who sent the request (`server::client_addr`) once, for rate limits and logs.
pub async fn client_address(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
    if let Some(peer) = peer {
        let ip = super::client_addr::resolve(peer, request.headers(), &state.settings.trusted_proxies);
        request.extensions_mut().insert(super::client_addr::ClientAddr(ip));
    }
    next.run(request).await
}

/// What browsers and proxies may keep. A static name with a content hash
/// (`donor-booking.<16 hex>.wasm`, scripts/build) never changes: a year and `immutable`, so a
/// second visit downloads only the HTML. Anything else under `/pkg/` is revalidated, the icon
/// kept a day. Pages, `/api/*` and the event stream carry a person's data (the header alone
/// says who is logged in): `no-store`, so no shared or back-button cache keeps them.
pub async fn cache_policy(request: Request, next: Next) -> Response {
    let policy = cache_policy_for(request.uri().path());
    let mut response = next.run(request).await;
    let static_file = policy != NO_STORE;
    if (response.status().is_success() || !static_file) && !response.headers().contains_key(header::CACHE_CONTROL) {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

const NO_STORE: &str = "no-store";

fn cache_policy_for(path: &str) -> &'static str {
    let file = path.rsplit('/').next().unwrap_or_default();
    let hashed = file.split('.').any(|part| part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit()));
    match path {
        p if p.starts_with("/pkg/") && hashed => "public, max-age=31536000, immutable",
        p if p.starts_with("/pkg/") => "no-cache",
        "/favicon.svg" | "/robots.txt" => "public, max-age=86400",
        _ => NO_STORE,
    }
}

/// Headers for every response. HTML pages get the nonce policy; everything else a policy that
/// allows nothing to run.
pub async fn security_headers(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &str); 5] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), payment=()"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    let is_html =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    let policy = if is_html {
        HeaderValue::from_str(&page_policy(&nonce)).ok()
    } else {
        Some(HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'; object-src 'none'"))
    };
    if let Some(policy) = policy {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    if state.settings.is_https() {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}

/// Refuses state-changing requests that a browser sent from another site. Browsers send
/// `Sec-Fetch-Site` (or at least `Origin`) on such requests; clients that send neither are
/// not browsers and carry no ambient cookies of a victim.
pub async fn cross_site_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // RFC 8058's one-click unsubscribe is posted by mail clients from anywhere; it uses no
    // cookie, only the link's signature.
    let signed_link = request.uri().path() == super::links::ALERTS_ONE_CLICK_PATH;
    if signed_link
        || is_safe_method(request.method())
        || is_same_site_request(request.headers(), &state.settings.public_url())
    {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        (StatusCode::FORBIDDEN, "cross-site request refused").into_response()
    }
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub fn is_same_site_request(headers: &HeaderMap, public_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    if origin == public_url {
        return true;
    }
    let origin_authority = origin.split_once("://").map(|(_, rest)| rest);
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    origin_authority.is_some() && origin_authority == host
}

/// A request that takes longer than `REQUEST_TIMEOUT_SECS` (reading its body included) is
/// answered 408 and its work dropped, which rolls back any transaction it had open. Event
/// streams stay open as long as the page does.
pub async fn request_deadline(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.uri().path() == "/events" {
        return next.run(request).await;
    }
    let path = request.uri().path().to_owned();
    match tokio::time::timeout(state.settings.request_timeout(), next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%path, "request timed out");
            (StatusCode::REQUEST_TIMEOUT, "request timeout").into_response()
        }
    }
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> Response {
    if state.db.ping().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

#[derive(Deserialize)]
pub struct SwitchQuery {
    next: Option<String>,
}

/// `GET /lang/{code}?next=/path`: remembers the language for a year and goes back.
pub async fn switch_language(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<SwitchQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(locale) = Locale::from_code(&code) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    // A logged-in donor's future e-mails follow the language they chose (issue 14).
    if let Some(secret) = super::auth::sessions::read_cookie(&headers, state.settings.is_https()) {
        if let Ok(Some(Principal::Donor { id })) =
            super::auth::sessions::peek(&state.db, &secret, state.clock.now()).await
        {
            if let Err(err) = super::db::accounts::set_donor_locale(&state.db, id, locale).await {
                tracing::warn!(error = %err, "could not store the donor's language");
            }
        }
    }
    let back = query.next.filter(|n| is_local_path(n)).unwrap_or_else(|| "/".to_owned());
    let secure = if state.settings.is_https() { "; Secure" } else { "" };
    let cookie = format!("{LOCALE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}", locale.code());
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, back)]).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Only paths on this site: no scheme, no `//host`, no backslash tricks.
/// A path on this site, safe to redirect to (no other host, no scheme tricks).
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') && !path.chars().any(char::is_control)
}

/// The language of a request: the switch's cookie, else Accept-Language, else Russian.
pub fn request_locale(headers: &HeaderMap) -> Locale {
    let cookies = headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok());
    Locale::negotiate(cookies, headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(HeaderName::from_static(k), HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn cross_site_requests_are_recognised() {
        let public = "https://donor.example.org";
        assert!(is_same_site_request(&headers(&[("sec-fetch-site", "same-origin")]), public));
        assert!(!is_same_site_request(&headers(&[("sec-fetch-site", "cross-site")]), public));
        assert!(!is_same_site_request(&headers(&[("sec-fetch-site", "same-site")]), public));
        assert!(is_same_site_request(&headers(&[("origin", "https://donor.example.org")]), public));
        assert!(!is_same_site_request(&headers(&[("origin", "https://evil.example")]), public));
        assert!(is_same_site_request(
            &headers(&[("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")]),
            public
        ));
        assert!(is_same_site_request(&headers(&[]), public), "non-browser clients carry no victim cookies");
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/?type=plasma"));
        assert_eq!(cache_policy_for("/pkg/donor-booking.0123456789abcdef.wasm"), "public, max-age=31536000, immutable");
        assert_eq!(cache_policy_for("/pkg/donor-booking.wasm"), "no-cache");
        assert_eq!(cache_policy_for("/favicon.svg"), "public, max-age=86400");
        assert_eq!(cache_policy_for("/cabinet"), "no-store");
        assert_eq!(cache_policy_for("/api/my_bookings"), "no-store");
        assert!(!is_local_path("//evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path("/\\evil.example"));
    }

    #[test]
    fn cookie_beats_accept_language() {
        assert_eq!(request_locale(&headers(&[("cookie", "a=b; lang=en"), ("accept-language", "ru")])), Locale::En);
        assert_eq!(request_locale(&headers(&[("accept-language", "en-US,en;q=0.9")])), Locale::En);
        assert_eq!(request_locale(&headers(&[])), Locale::Ru);
    }
}
