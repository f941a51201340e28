//! A person's own records: sessions (donors and staff), the donor's alert subscription, their
//! data and its deletion; and the login-free links of e-mails (unsubscribe, cancel a booking).
//! Every form here also works as a plain post without JavaScript.

use crate::error::AppError;
use crate::model::booking::BookingRecord;
use crate::model::privacy::{AlertsView, DonorData, SessionList};
use leptos::prelude::*;

/// Where a session form sends the browser back to: the donor's or the staff member's page.
#[cfg(feature = "ssr")]
fn sessions_page(account: crate::domain::account::AccountId) -> &'static str {
    match account {
        crate::domain::account::AccountId::Donor(_) => "/cabinet/sessions",
        crate::domain::account::AccountId::Staff(_) => "/staff/sessions",
    }
}

#[server(endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<SessionList, AppError> {
    use crate::server::{privacy, request};
    crate::server::frame::account(|call, account| async move {
        let current = request::session_secret(&call.state, &call.parts);
        privacy::sessions_of(&call.state, account, current.as_deref(), call.locale).await
    })
    .await
}

/// Ends one of the caller's sessions, named by its handle from [`my_sessions`].
#[server(endpoint = "end_session")]
pub async fn end_session(handle: String) -> Result<(), AppError> {
    use crate::server::privacy;
    crate::server::frame::account(|call, account| async move {
        privacy::end_session(&call.state, account, &handle).await?;
        call.redirect_form_post(&format!("{}?ended=1", sessions_page(account)));
        Ok(())
    })
    .await
}

/// Ends every session of the caller but this one; returns how many ended.
#[server(endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    use crate::server::{privacy, request};
    crate::server::frame::account(|call, account| async move {
        let current = request::session_secret(&call.state, &call.parts);
        let ended = privacy::end_other_sessions(&call.state, account, current.as_deref()).await?;
        call.redirect_form_post(&format!("{}?ended=1", sessions_page(account)));
        Ok(ended)
    })
    .await
}

#[server(endpoint = "my_alerts")]
pub async fn my_alerts() -> Result<AlertsView, AppError> {
    crate::server::frame::donor(
        |call, donor_id| async move { crate::server::privacy::alerts(&call.state, donor_id).await },
    )
    .await
}

/// "Tell me when my group is needed": `enabled` is the checkbox, each type a checkbox of its
/// own (a plain form posts only the ticked ones).
#[server(endpoint = "set_alerts")]
pub async fn set_alerts(
    enabled: Option<String>,
    whole_blood: Option<String>,
    plasma: Option<String>,
    platelets: Option<String>,
    erythrocytes: Option<String>,
) -> Result<AlertsView, AppError> {
    use crate::domain::DonationType;
    crate::server::frame::donor(|call, donor_id| async move {
        let ticked = [
            (whole_blood, DonationType::WholeBlood),
            (plasma, DonationType::Plasma),
            (platelets, DonationType::Platelets),
            (erythrocytes, DonationType::Erythrocytes),
        ];
        let types = ticked.into_iter().filter_map(|(box_, kind)| box_.map(|_| kind)).collect();
        let view = crate::server::privacy::set_alerts(&call.state, donor_id, enabled.is_some(), types).await?;
        call.redirect_form_post("/cabinet?alerts_saved=1#alerts-form");
        Ok(view)
    })
    .await
}

/// Everything the system holds about the calling donor (also `/cabinet/data.json`).
#[server(endpoint = "my_data")]
pub async fn my_data() -> Result<DonorData, AppError> {
    use crate::server::{privacy, request};
    crate::server::frame::donor(|call, donor_id| async move {
        let current = request::session_secret(&call.state, &call.parts);
        privacy::export(&call.state, donor_id, current.as_deref(), call.locale).await
    })
    .await
}

/// Deletes the calling donor's account and data (`reason`: `donor_request` or
/// `consent_withdrawn`), after the password and the typed confirmation word.
#[server(endpoint = "delete_account")]
pub async fn delete_account(password: String, confirmation: String, reason: Option<String>) -> Result<(), AppError> {
    use crate::server::privacy::{self, Deletion};
    crate::server::frame::donor(|call, donor_id| async move {
        let form =
            Deletion { password: &password, confirmation: &confirmation, reason: reason.as_deref().unwrap_or("") };
        privacy::delete_account(&call.state, donor_id, form, call.locale).await?;
        crate::server::request::set_cookie(&crate::server::auth::sessions::clear_cookie_header(
            call.state.settings.is_https(),
        ));
        call.redirect("/account/deleted");
        Ok(())
    })
    .await
}

/// The unsubscribe link of an alert e-mail: no login, the link's signature is the authority.
#[server(endpoint = "alerts_off")]
pub async fn alerts_off(id: i64, sig: String) -> Result<(), AppError> {
    crate::server::frame::anyone(|call| async move {
        crate::server::privacy::alerts_off_by_link(&call.state, id, &sig).await?;
        // A verified signature is URL-safe base64: it goes back into the URL as it is.
        call.redirect_form_post(&format!("/alerts/off?done=1&id={id}&sig={sig}"));
        Ok(())
    })
    .await
}

/// The booking a reminder's cancel link names.
#[server(endpoint = "linked_booking")]
pub async fn linked_booking(id: i64, sig: String) -> Result<BookingRecord, AppError> {
    crate::server::frame::anyone(
        |call| async move { crate::server::privacy::linked_booking(&call.state, id, &sig).await },
    )
    .await
}

/// Cancels the booking a reminder's link names, as its donor would in the cabinet.
#[server(endpoint = "cancel_by_link")]
pub async fn cancel_by_link(id: i64, sig: String) -> Result<(), AppError> {
    crate::server::frame::anyone(|call| async move {
        crate::server::privacy::cancel_by_link(&call.state, id, &sig, call.locale).await?;
        call.redirect_form_post(&format!("/booking/cancel?done=1&id={id}&sig={sig}"));
        Ok(())
    })
    .await
}
