//! Registration, e-mail confirmation, login and logout.

// A server function takes one argument per form field (ActionForm maps names to arguments).
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use crate::model::accounts::{ConfirmOutcome, RegistrationDraft, SessionInfo};
use leptos::prelude::*;

/// Hands back (once) what the last refused no-JavaScript registration contained.
#[server(endpoint = "registration_echo")]
pub async fn registration_echo() -> Result<Option<RegistrationDraft>, AppError> {
    use crate::server::form_echo;
    crate::server::frame::anyone(|call| async move { Ok(form_echo::take(&call.state, &call.parts)) }).await
}

#[server(endpoint = "session")]
pub async fn current_session() -> Result<Option<SessionInfo>, AppError> {
    use crate::domain::account::Principal;
    use crate::server::{auth::sessions::Session, request};
    crate::server::frame::anyone(|call| async move {
        Ok(match request::session(&call.state, &call.parts).await? {
            Some(Session {
                principal: Principal::Donor { .. },
                donor_email: Some(email),
                donor_email_confirmed,
                ..
            }) => Some(SessionInfo::Donor { email, email_confirmed: donor_email_confirmed }),
            Some(Session { principal: Principal::Staff { role, .. }, .. }) => Some(SessionInfo::Staff { role }),
            _ => None,
        })
    })
    .await
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
    use crate::server::request;
    crate::server::frame::anyone(|call| async move {
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
        let result = accounts::register(&call.state, &form, call.locale, request::client_ip(&call.parts)).await;
        if result.is_err() && call.is_form_post() {
            crate::server::form_echo::remember(&call.state, &form);
        }
        result?;
        call.redirect("/register/done");
        Ok(())
    })
    .await
}

#[server(endpoint = "confirm_email")]
pub async fn confirm_email(token: String) -> Result<ConfirmOutcome, AppError> {
    use crate::server::accounts;
    crate::server::frame::anyone(|call| async move { accounts::confirm_email(&call.state, &token).await }).await
}

#[server(endpoint = "resend_confirmation")]
pub async fn resend_confirmation(email: String) -> Result<(), AppError> {
    use crate::server::accounts;
    crate::server::frame::anyone(|call| async move {
        let ip = crate::server::request::client_ip(&call.parts);
        accounts::resend_confirmation(&call.state, &email, call.locale, ip.as_deref()).await?;
        call.redirect("/confirm-email/resend?sent=1");
        Ok(())
    })
    .await
}

/// `next`: the page to return to (a live page whose session ended sends the user here with
/// it); only a path on this site is followed.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::domain::account::Principal;
    use crate::server::{accounts, auth::sessions, request};
    crate::server::frame::anyone(|call| async move {
        let ip = request::client_ip(&call.parts);
        let (principal, secret) = accounts::login(
            &call.state,
            &email,
            &password,
            ip.as_deref(),
            request::user_agent(&call.parts),
            call.locale,
        )
        .await?;
        // A session id the browser had before login is dropped: the new one is fresh.
        if let Some(old) = request::session_secret(&call.state, &call.parts) {
            if let Some(owner) = sessions::delete(&call.state.db, &old).await? {
                call.state.events.sessions_ended(&call.state.db, owner).await;
            }
        }
        request::set_cookie(&sessions::set_cookie_header(&secret, call.state.settings.is_https()));
        let must_change = match principal {
            Principal::Staff { id, .. } => {
                crate::server::db::accounts::staff_must_change_password(&call.state.db, id).await?
            }
            Principal::Donor { .. } => false,
        };
        let back = next.as_deref().filter(|n| crate::server::http::is_local_path(n) && !n.starts_with("/login"));
        call.redirect(match (principal, back) {
            (Principal::Staff { .. }, _) if must_change => "/staff/password?required=1",
            (_, Some(back)) => back,
            (Principal::Donor { .. }, None) => "/cabinet",
            (Principal::Staff { role, .. }, None) => role.home_path(),
        });
        Ok(())
    })
    .await
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::auth::sessions;
    use crate::server::request;
    crate::server::frame::anyone(|call| async move {
        // Other tabs of this session show that it ended (their streams are told).
        if let Some(secret) = request::session_secret(&call.state, &call.parts) {
            if let Some(owner) = sessions::delete(&call.state.db, &secret).await? {
                call.state.events.sessions_ended(&call.state.db, owner).await;
                call.audit(crate::server::db::security::SecurityAction::Logout, Some(owner), None).await;
            }
        }
        request::set_cookie(&sessions::clear_cookie_header(call.state.settings.is_https()));
        call.redirect("/");
        Ok(())
    })
    .await
}

#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::server::accounts;
    crate::server::frame::anyone(|call| async move {
        let ip = crate::server::request::client_ip(&call.parts);
        accounts::request_password_reset(&call.state, &email, call.locale, ip.as_deref()).await?;
        call.redirect("/password/forgot?sent=1");
        Ok(())
    })
    .await
}

#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String, password_confirmation: String) -> Result<(), AppError> {
    use crate::server::accounts;
    crate::server::frame::anyone(|call| async move {
        let ip = crate::server::request::client_ip(&call.parts);
        accounts::reset_password(&call.state, &token, &password, &password_confirmation, call.locale, ip.as_deref())
            .await?;
        call.redirect("/login?reset=1");
        Ok(())
    })
    .await
}
