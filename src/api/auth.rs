//! Registration, e-mail confirmation, login and logout.

// A server function takes one argument per form field (ActionForm maps names to arguments).
#![allow(clippy::too_many_arguments)]

use crate::domain::account::StaffRole;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Who is logged in, as the pages need it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SessionInfo {
    Donor { email: String, email_confirmed: bool },
    Staff { role: StaffRole },
}

/// The outcome of following a confirmation link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfirmOutcome {
    Confirmed,
    Expired,
    AlreadyUsed,
    Invalid,
}

/// What a donor typed into the registration form, kept for a page load when it was refused
/// without JavaScript (the passwords are never kept).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RegistrationDraft {
    pub email: String,
    pub blood_group: String,
    pub rh: String,
    pub kell: String,
    pub donor_code: String,
    pub consent: bool,
}

/// Hands back (once) what the last refused no-JavaScript registration contained.
#[server(endpoint = "registration_echo")]
pub async fn registration_echo() -> Result<Option<RegistrationDraft>, AppError> {
    use crate::server::{errors::reply, form_echo, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            Ok(form_echo::take(&state, &parts))
        }
        .await,
    )
}

#[server(endpoint = "session")]
pub async fn current_session() -> Result<Option<SessionInfo>, AppError> {
    use crate::domain::account::Principal;
    use crate::server::{db::accounts, errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            Ok(match request::principal(&state, &parts).await? {
                Some(Principal::Donor { id }) => accounts::donor_profile(&state.db, id)
                    .await?
                    .map(|p| SessionInfo::Donor { email: p.email, email_confirmed: p.email_confirmed }),
                Some(Principal::Staff { role, .. }) => Some(SessionInfo::Staff { role }),
                None => None,
            })
        }
        .await,
    )
}

#[server(endpoint = "register")]
pub async fn register(
    email: String,
    password: String,
    password_confirmation: String,
    blood_group: Option<String>,
    rh: Option<String>,
    kell: Option<String>,
    donor_code: String,
    consent: Option<String>,
) -> Result<(), AppError> {
    use crate::server::accounts::{self, Registration};
    use crate::server::{errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            let form = Registration {
                email,
                password,
                password_confirmation,
                blood_group: blood_group.unwrap_or_default(),
                rh: rh.unwrap_or_default(),
                kell: kell.unwrap_or_default(),
                donor_code,
                consent: consent.is_some_and(|c| !c.is_empty()),
            };
            let result = accounts::register(&state, &form, request::locale(&parts), request::client_ip(&parts)).await;
            if result.is_err() && request::is_form_post(&parts) {
                crate::server::form_echo::remember(&state, &form);
            }
            result?;
            leptos_axum::redirect("/register/done");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "confirm_email")]
pub async fn confirm_email(token: String) -> Result<ConfirmOutcome, AppError> {
    use crate::server::{accounts, errors::reply, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            accounts::confirm_email(&state, &token).await
        }
        .await,
    )
}

#[server(endpoint = "resend_confirmation")]
pub async fn resend_confirmation(email: String) -> Result<(), AppError> {
    use crate::server::{accounts, errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            accounts::resend_confirmation(&state, &email, request::locale(&parts)).await?;
            leptos_axum::redirect("/confirm-email/resend?sent=1");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use crate::domain::account::Principal;
    use crate::server::auth::sessions;
    use crate::server::{accounts, errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            let ip = request::client_ip(&parts);
            let (principal, secret) = accounts::login(
                &state,
                &email,
                &password,
                ip.as_deref(),
                request::user_agent(&parts),
                request::locale(&parts),
            )
            .await?;
            // A session id the browser had before login is dropped: the new one is fresh.
            if let Some(old) = request::session_secret(&state, &parts) {
                sessions::delete(&state.db, &old).await?;
            }
            request::set_cookie(&sessions::set_cookie_header(&secret, state.settings.is_https()));
            leptos_axum::redirect(match principal {
                Principal::Donor { .. } => "/cabinet",
                Principal::Staff { role, .. } => role.home_path(),
            });
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::auth::sessions;
    use crate::server::{errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            if let Some(secret) = request::session_secret(&state, &parts) {
                sessions::delete(&state.db, &secret).await?;
            }
            request::set_cookie(&sessions::clear_cookie_header(state.settings.is_https()));
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::server::{accounts, errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            accounts::request_password_reset(&state, &email, request::locale(&parts)).await?;
            leptos_axum::redirect("/password/forgot?sent=1");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String, password_confirmation: String) -> Result<(), AppError> {
    use crate::server::{accounts, errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            accounts::reset_password(&state, &token, &password, &password_confirmation, request::locale(&parts))
                .await?;
            leptos_axum::redirect("/login?reset=1");
            Ok(())
        }
        .await,
    )
}
