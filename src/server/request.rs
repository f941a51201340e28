//! What a server function knows about its request: headers, client address, language, and
//! the logged-in principal. Authorisation helpers live here so every function uses the same.

use super::auth::sessions;
use super::client_addr::ClientAddr;
use super::state::AppState;
use crate::domain::account::{Principal, StaffRole};
use crate::domain::Locale;
use crate::error::AppError;
use axum::extract::ConnectInfo;
use http::request::Parts;
use http::{header, HeaderValue};
use leptos::prelude::use_context;
use std::net::SocketAddr;
use std::sync::Arc;

pub fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(|| {
        tracing::error!("request parts missing from the server function context");
        AppError::Internal
    })
}

pub fn locale(parts: &Parts) -> Locale {
    super::http::request_locale(&parts.headers)
}

/// The client's address (behind a trusted proxy, the one it names: `server::client_addr`).
pub fn client_ip(parts: &Parts) -> Option<String> {
    match parts.extensions.get::<ClientAddr>() {
        Some(ClientAddr(ip)) => Some(ip.to_string()),
        None => parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip().to_string()),
    }
}

pub fn user_agent(parts: &Parts) -> Option<&str> {
    parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok())
}

/// A plain HTML form post (JavaScript off) rather than a call from the WASM client.
pub fn is_form_post(parts: &Parts) -> bool {
    accepts_html(&parts.headers)
}

/// A browser asking for a page (or posting a form without JavaScript), not the WASM client.
pub fn accepts_html(headers: &http::HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"))
}

pub fn session_secret(state: &AppState, parts: &Parts) -> Option<String> {
    sessions::read_cookie(&parts.headers, state.settings.is_https())
}

/// The logged-in principal, if the request carries a live session.
pub async fn principal(state: &AppState, parts: &Parts) -> Result<Option<Principal>, AppError> {
    Ok(session(state, parts).await?.map(|s| s.principal))
}

/// The request's session, read once: a page's server-side render runs several server
/// functions (the header's session, the profile, the cells, the bookings, the alerts), and
/// each asks who is calling. Every copy of the request's parts shares this cell.
#[derive(Clone, Default)]
pub struct SessionOnce(Arc<tokio::sync::OnceCell<Option<sessions::Session>>>);

/// Gives every request its [`SessionOnce`] (a middleware, before the pages and server functions).
pub async fn read_session_once(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    request.extensions_mut().insert(SessionOnce::default());
    next.run(request).await
}

/// The request's live session, if any: read once per request ([`SessionOnce`]).
pub async fn session(state: &AppState, parts: &Parts) -> Result<Option<sessions::Session>, AppError> {
    let read = || async {
        match session_secret(state, parts) {
            Some(secret) => sessions::lookup_session(&state.db, &secret, state.clock.now()).await,
            None => Ok(None),
        }
    };
    match parts.extensions.get::<SessionOnce>() {
        Some(once) => Ok(once.0.get_or_try_init(read).await?.clone()),
        None => Ok(read().await?),
    }
}

pub async fn require_donor(state: &AppState, parts: &Parts) -> Result<i64, AppError> {
    match principal(state, parts).await? {
        Some(Principal::Donor { id }) => Ok(id),
        Some(Principal::Staff { .. }) => Err(AppError::Forbidden),
        None => Err(AppError::Unauthorized),
    }
}

/// A staff member with one of `roles` (admins may do everything staff may) who has chosen
/// their own password.
pub async fn require_staff(state: &AppState, parts: &Parts, roles: &[StaffRole]) -> Result<(i64, StaffRole), AppError> {
    let (id, role, must_change_password) = staff_session(state, parts).await?;
    if !(role == StaffRole::Admin || roles.contains(&role)) {
        return Err(AppError::Forbidden);
    }
    if must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok((id, role))
}

/// Any logged-in staff member, whether or not they must change their password first: for
/// changing it.
pub async fn require_any_staff(state: &AppState, parts: &Parts) -> Result<(i64, StaffRole), AppError> {
    let (id, role, _) = staff_session(state, parts).await?;
    Ok((id, role))
}

async fn staff_session(state: &AppState, parts: &Parts) -> Result<(i64, StaffRole, bool), AppError> {
    match session(state, parts).await? {
        Some(sessions::Session { principal: Principal::Staff { id, role }, must_change_password, .. }) => {
            Ok((id, role, must_change_password))
        }
        Some(_) => Err(AppError::Forbidden),
        None => Err(AppError::Unauthorized),
    }
}

pub fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (use_context::<leptos_axum::ResponseOptions>(), HeaderValue::from_str(value)) {
        response.append_header(header::SET_COOKIE, value);
    }
}
