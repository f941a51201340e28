//! The donor's own data.

use crate::error::AppError;
use crate::model::accounts::DonorProfileView;
use leptos::prelude::*;

#[server(endpoint = "my_profile")]
pub async fn my_profile() -> Result<DonorProfileView, AppError> {
    use crate::server::db::accounts;
    crate::server::frame::donor(|call, donor_id| async move {
        let p = accounts::donor_profile(&call.state.db, donor_id).await?.ok_or(AppError::Unauthorized)?;
        Ok(DonorProfileView {
            email: p.email,
            blood: p.blood,
            donor_code: p.donor_code,
            email_confirmed: p.email_confirmed,
        })
    })
    .await
}

#[server(endpoint = "change_donor_code")]
pub async fn change_donor_code(donor_code: String) -> Result<String, AppError> {
    use crate::server::accounts;
    crate::server::frame::donor(|call, donor_id| async move {
        let saved = accounts::change_donor_code(&call.state, donor_id, &donor_code, call.locale).await?;
        // The cabinet's profile forms are plain forms (outside its island): back to it, saying so.
        call.redirect_form_post("/cabinet?code_saved=1#donor-code-form");
        Ok(saved)
    })
    .await
}

#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    new_password_confirmation: String,
) -> Result<(), AppError> {
    use crate::server::{accounts, request};
    crate::server::frame::donor(|call, donor_id| async move {
        let session = request::session_secret(&call.state, &call.parts);
        accounts::change_password(
            &call.state,
            crate::domain::account::Principal::Donor { id: donor_id },
            session.as_deref(),
            &current_password,
            &new_password,
            &new_password_confirmation,
            call.locale,
        )
        .await?;
        call.redirect_form_post("/cabinet?password_changed=1#password-form");
        Ok(())
    })
    .await
}
