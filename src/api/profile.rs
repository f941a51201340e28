//! The donor's own data.

use crate::domain::BloodProfile;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DonorProfileView {
    pub email: String,
    pub blood: BloodProfile,
    pub donor_code: String,
    pub email_confirmed: bool,
}

#[server(endpoint = "my_profile")]
pub async fn my_profile() -> Result<DonorProfileView, AppError> {
    use crate::server::{db::accounts, errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            let donor_id = request::require_donor(&state, &parts).await?;
            let p = accounts::donor_profile(&state.db, donor_id).await?.ok_or(AppError::Unauthorized)?;
            Ok(DonorProfileView {
                email: p.email,
                blood: p.blood,
                donor_code: p.donor_code,
                email_confirmed: p.email_confirmed,
            })
        }
        .await,
    )
}

#[server(endpoint = "change_donor_code")]
pub async fn change_donor_code(donor_code: String) -> Result<String, AppError> {
    use crate::server::{accounts, errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            let donor_id = request::require_donor(&state, &parts).await?;
            accounts::change_donor_code(&state, donor_id, &donor_code, request::locale(&parts)).await
        }
        .await,
    )
}

#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    new_password_confirmation: String,
) -> Result<(), AppError> {
    use crate::server::{accounts, errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            let donor_id = request::require_donor(&state, &parts).await?;
            let session = request::session_secret(&state, &parts);
            accounts::change_password(
                &state,
                donor_id,
                session.as_deref(),
                &current_password,
                &new_password,
                &new_password_confirmation,
                request::locale(&parts),
            )
            .await
        }
        .await,
    )
}
