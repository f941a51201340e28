//! A person's own records: their sessions, their alert subscription, and a donor's rights
//! under 152-ФЗ (see everything kept, destroy it). Also the login-free links of e-mails:
//! turning alerts off and cancelling a reminded booking.

use super::accounts::{limits, throttle};
use super::auth::sessions;
use super::booking;
use super::db::bookings as booking_store;
use super::db::notices as alert_store;
use super::db::privacy::{self as store, DestructionReason};
use super::links::LinkPurpose;
use super::request;
use super::state::AppState;
use crate::domain::account::AccountId;
use crate::domain::events::LiveEvent;
use crate::domain::notices::AlertTypes;
use crate::domain::{BookingStatus, DonationType, Locale};
use crate::error::{AppError, FieldError};
use crate::i18n::rights::rights_texts;
use crate::model::booking::BookingRecord;
use crate::model::privacy::{AlertsView, DonorData, SessionList};
use axum::extract::{Query, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// The caller's live sessions, the current one marked.
pub async fn sessions_of(
    state: &AppState,
    account: AccountId,
    current: Option<&str>,
    locale: Locale,
) -> Result<SessionList, AppError> {
    let tz = state.settings.time_zone;
    let sessions = sessions::list_of(&state.db, account, current, state.clock.now(), tz, locale).await?;
    Ok(SessionList { sessions })
}

/// Ends one of the caller's sessions (their own current one included: that is a logout).
pub async fn end_session(state: &AppState, account: AccountId, handle: &str) -> Result<(), AppError> {
    if !sessions::end_by_handle(&state.db, account, handle).await? {
        return Err(AppError::NotFound);
    }
    state.events.sessions_ended(&state.db, account).await;
    Ok(())
}

/// Ends every session of the caller but the current one; returns how many.
pub async fn end_other_sessions(state: &AppState, account: AccountId, current: Option<&str>) -> Result<u64, AppError> {
    let Some(current) = current else { return Err(AppError::Unauthorized) };
    let ended = sessions::delete_all_of(&state.db, account, Some(current)).await?;
    if ended > 0 {
        state.events.sessions_ended(&state.db, account).await;
    }
    Ok(ended)
}

pub async fn alerts(state: &AppState, donor_id: i64) -> Result<AlertsView, AppError> {
    Ok(match alert_store::subscription(&state.db, donor_id).await? {
        Some(types) => AlertsView { enabled: true, donation_types: types.0 },
        None => AlertsView::default(),
    })
}

/// Switches "tell me when my group is needed" on (for these types; none: every type) or off.
pub async fn set_alerts(
    state: &AppState,
    donor_id: i64,
    enabled: bool,
    types: Vec<DonationType>,
) -> Result<AlertsView, AppError> {
    if enabled {
        alert_store::subscribe(&state.db, donor_id, &AlertTypes(types.clone()), state.clock.now()).await?;
        Ok(AlertsView { enabled, donation_types: types })
    } else {
        alert_store::unsubscribe(&state.db, donor_id).await?;
        Ok(AlertsView::default())
    }
}

/// Everything the system holds about the donor (152-ФЗ, art. 14).
pub async fn export(
    state: &AppState,
    donor_id: i64,
    current: Option<&str>,
    locale: Locale,
) -> Result<DonorData, AppError> {
    let db = &state.db;
    let (profile, consent) = store::profile_and_consent(db, donor_id).await?.ok_or(AppError::Unauthorized)?;
    let mail = store::mail_to(db, &profile.email).await?;
    Ok(DonorData {
        exported_at: state.clock.now(),
        time_zone: state.settings.time_zone.name().to_owned(),
        sessions: sessions_of(state, AccountId::Donor(donor_id), current, locale).await?.sessions,
        alerts: alerts(state, donor_id).await?,
        bookings: store::bookings_on_record(db, donor_id).await?,
        donations: store::donations_on_record(db, donor_id).await?,
        account_events: store::account_events(db, donor_id).await?,
        profile,
        consent,
        mail,
    })
}

/// The account deletion form as submitted.
pub struct Deletion<'a> {
    pub password: &'a str,
    pub confirmation: &'a str,
    pub reason: &'a str,
}

/// The word a donor types to confirm a deletion, in either language.
fn confirms(typed: &str) -> bool {
    let typed = typed.trim().to_uppercase();
    Locale::ALL.iter().any(|l| typed == rights_texts(*l).delete_word)
}

/// Deletes the donor's account and data (or, which is the same, records the withdrawal of
/// consent): the password and the typed word first, then one transaction (`db::privacy`).
/// Open pages of the donor end; a registrar's queue loses the cancelled booking live.
pub async fn delete_account(
    state: &AppState,
    donor_id: i64,
    form: Deletion<'_>,
    locale: Locale,
) -> Result<(), AppError> {
    let t = rights_texts(locale);
    let mut errors = Vec::new();
    let reason = DestructionReason::from_code(form.reason);
    if reason.is_none() {
        errors.push(FieldError { field: "reason".into(), message: t.delete_reason_required.into() });
    }
    if !confirms(form.confirmation) {
        errors.push(FieldError { field: "confirmation".into(), message: t.delete_word_wrong.into() });
    }
    if form.password.is_empty() {
        errors.push(FieldError { field: "password".into(), message: t.delete_password_wrong.into() });
    }
    let Some(reason) = reason.filter(|_| errors.is_empty()) else { return Err(AppError::Validation { errors }) };
    let account = AccountId::Donor(donor_id);
    let _ = throttle(state, &[(limits::PASSWORD_CHANGE_PER_ACCOUNT, &format!("{account:?}"))])?;
    let stored = super::db::accounts::password_hash(&state.db, account).await?;
    if !state.passwords.verify(form.password, stored.as_deref()).await {
        return Err(AppError::validation("password", t.delete_password_wrong));
    }
    let Some(done) = store::destroy_donor(&state.db, donor_id, reason, state.clock.now()).await? else {
        return Err(AppError::Unauthorized);
    };
    tracing::info!(destruction = done.destruction_id, reason = reason.code(), "a donor's data was destroyed");
    let mut events = vec![LiveEvent::SessionsEnded { account }];
    if let Some((booking_id, cell_id)) = done.cancelled {
        events.push(LiveEvent::CellChanged { cell_id });
        events.push(LiveEvent::BookingChanged { booking_id, donor_id, status: BookingStatus::Cancelled });
    }
    state.events.publish(&state.db, &events).await;
    Ok(())
}

/// Checks a login-free link; a forged or altered one is refused like a missing record.
async fn verified(state: &AppState, purpose: LinkPurpose, id: i64, signature: &str) -> Result<(), AppError> {
    if state.link_key().await?.verify(purpose, id, signature) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The unsubscribe link of an alert: no login, the signature is the authority. Idempotent.
pub async fn alerts_off_by_link(state: &AppState, donor_id: i64, signature: &str) -> Result<(), AppError> {
    verified(state, LinkPurpose::AlertsOff, donor_id, signature).await?;
    alert_store::unsubscribe(&state.db, donor_id).await?;
    Ok(())
}

/// The booking a reminder's cancel link names, as its donor sees it.
pub async fn linked_booking(state: &AppState, booking_id: i64, signature: &str) -> Result<BookingRecord, AppError> {
    verified(state, LinkPurpose::CancelBooking, booking_id, signature).await?;
    let found = booking_store::record_with_owner(&state.db, booking_id, state.now_local()).await?;
    found.map(|(_, record)| record).ok_or(AppError::NotFound)
}

/// Cancels the booking a reminder's link names, through the donor's own cancellation (its
/// rules, R4, the e-mail and the live update).
pub async fn cancel_by_link(
    state: &AppState,
    booking_id: i64,
    signature: &str,
    locale: Locale,
) -> Result<(), AppError> {
    verified(state, LinkPurpose::CancelBooking, booking_id, signature).await?;
    let found = booking_store::record_with_owner(&state.db, booking_id, state.now_local()).await?;
    let (donor_id, _) = found.ok_or(AppError::NotFound)?;
    booking::cancel(state, donor_id, booking_id, locale).await
}

/// The query of a login-free link.
#[derive(serde::Deserialize)]
pub struct LinkQuery {
    id: i64,
    sig: String,
}

/// `POST /alerts/off/one-click?id=…&sig=…`: RFC 8058's one-click unsubscribe, posted by a mail
/// client (no cookies, no page). The cross-site guard lets it through: the signature is its
/// authority.
pub async fn one_click_unsubscribe(State(state): State<AppState>, Query(q): Query<LinkQuery>) -> Response {
    match alerts_off_by_link(&state, q.id, &q.sig).await {
        Ok(()) => (StatusCode::OK, "unsubscribed").into_response(),
        Err(error) => super::errors::plain_response(&error),
    }
}

/// `GET /cabinet/data.json`: the donor's export as a file.
pub async fn download_data(State(state): State<AppState>, parts: Parts) -> Response {
    let locale = request::locale(&parts);
    let result = async {
        let donor_id = request::require_donor(&state, &parts).await?;
        let current = request::session_secret(&state, &parts);
        export(&state, donor_id, current.as_deref(), locale).await
    }
    .await;
    match result.map(|data| serde_json::to_vec_pretty(&data)) {
        Ok(Ok(json)) => (
            [
                (header::CONTENT_TYPE, "application/json; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"my-donor-data.json\""),
                (header::CACHE_CONTROL, "no-store"),
            ],
            json,
        )
            .into_response(),
        Ok(Err(err)) => {
            tracing::error!(error = %err, "cannot write a donor's export");
            (StatusCode::INTERNAL_SERVER_ERROR, [(header::CACHE_CONTROL, "no-store")]).into_response()
        }
        Err(AppError::Unauthorized) => Redirect::to("/login?next=%2Fcabinet%2Fdata").into_response(),
        Err(error) => super::errors::plain_response(&error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typed_word_is_either_languages_in_any_case() {
        assert!(confirms("УДАЛИТЬ"));
        assert!(confirms(" удалить "));
        assert!(confirms("delete"));
        assert!(!confirms("удали"));
        assert!(!confirms(""));
    }
}
