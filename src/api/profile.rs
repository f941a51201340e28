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
