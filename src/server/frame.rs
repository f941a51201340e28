//! The one frame of every server function: find the state and the request, authorise the
//! caller, run the body, and give its error the HTTP status it means. A server function
//! body is only its own logic:
//!
//! ```text
//! #[server(endpoint = "book")]
//! pub async fn book(cell_id: i64, time: String) -> Result<i64, AppError> {
//!     crate::server::frame::donor(|call, donor_id| async move { /* … */ }).await
//! }
//! ```
//!
//! Because every function goes through [`run`], no error can turn into a 500 by a forgotten
//! status mapping.

use super::db::security::{self, SecurityAction, SecurityEntry};
use super::errors::reply;
use super::request;
use super::state::{use_app_state, AppState};
use crate::domain::account::{AccountId, StaffRole};
use crate::domain::Locale;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use http::request::Parts;
use std::future::Future;

/// What a server function body gets: the state, the request and its language.
pub struct Call {
    pub state: AppState,
    pub parts: Parts,
    pub locale: Locale,
}

impl Call {
    fn current() -> Result<Call, AppError> {
        let state = use_app_state()?;
        let parts = request::parts()?;
        let locale = request::locale(&parts);
        Ok(Call { state, parts, locale })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.state.clock.now()
    }

    /// A plain HTML form post (JavaScript off) rather than a call from the WASM client.
    pub fn is_form_post(&self) -> bool {
        request::is_form_post(&self.parts)
    }

    /// Without JavaScript the browser posted a form here: after success, send it to `to`.
    pub fn redirect_form_post(&self, to: &str) {
        if self.is_form_post() {
            leptos_axum::redirect(to);
        }
    }

    /// Sends the browser to `to` after success, with or without JavaScript.
    pub fn redirect(&self, to: &str) {
        leptos_axum::redirect(to);
    }

    /// Appends a security-trail entry about `account` (for staff actions, the one who acted),
    /// with this request's client address.
    pub async fn audit(&self, action: SecurityAction, account: Option<AccountId>, note: Option<&str>) {
        let ip = request::client_ip(&self.parts);
        let entry = SecurityEntry { at: self.now(), action, account, client_addr: ip.as_deref(), note };
        security::record(&self.state.db, entry).await;
    }
}

/// A logged-in staff member.
#[derive(Clone, Copy, Debug)]
pub struct Staff {
    pub id: i64,
    pub role: StaffRole,
}

async fn run<T, Fut>(body: impl FnOnce(Call) -> Fut) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    let result = match Call::current() {
        Ok(call) => body(call).await,
        Err(err) => Err(err),
    };
    reply(result)
}

/// Anyone may call (public pages, login, registration).
pub async fn anyone<T, Fut>(body: impl FnOnce(Call) -> Fut) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    run(body).await
}

/// Only a logged-in donor; the body gets their id.
pub async fn donor<T, Fut>(body: impl FnOnce(Call, i64) -> Fut) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    run(|call| async move {
        let donor_id = request::require_donor(&call.state, &call.parts).await?;
        body(call, donor_id).await
    })
    .await
}

/// Anyone logged in, donor or staff (also staff who must change their password): for what
/// is about their own account only (sessions).
pub async fn account<T, Fut>(body: impl FnOnce(Call, AccountId) -> Fut) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    run(|call| async move {
        let principal = request::principal(&call.state, &call.parts).await?.ok_or(AppError::Unauthorized)?;
        body(call, principal.account()).await
    })
    .await
}

/// Any staff member, also one who must change their password: their own account only.
pub async fn staff_self<T, Fut>(body: impl FnOnce(Call, Staff) -> Fut) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    run(|call| async move {
        let (id, role) = request::require_any_staff(&call.state, &call.parts).await?;
        body(call, Staff { id, role }).await
    })
    .await
}

/// Only staff with one of `roles` (admins may do everything staff may).
pub async fn staff<T, Fut>(roles: &[StaffRole], body: impl FnOnce(Call, Staff) -> Fut) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    run(|call| async move {
        let (id, role) = request::require_staff(&call.state, &call.parts, roles).await?;
        body(call, Staff { id, role }).await
    })
    .await
}
