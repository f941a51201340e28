//! Registrars (and admins) find donors and read a donor's page. Planners never see donors.

use crate::error::AppError;
use crate::model::donors::{DonorCard, DonorHit};
use leptos::prelude::*;

#[server(endpoint = "find_donors")]
pub async fn find_donors(q: String) -> Result<Vec<DonorHit>, AppError> {
    use crate::domain::account::StaffRole;
    crate::server::frame::staff(&[StaffRole::Registrar], |call, _| async move {
        crate::server::donors::search(&call.state, &q, call.locale).await
    })
    .await
}

#[server(endpoint = "donor_page")]
pub async fn donor_page(donor_id: i64) -> Result<DonorCard, AppError> {
    use crate::domain::account::StaffRole;
    crate::server::frame::staff(&[StaffRole::Registrar], |call, _| async move {
        crate::server::donors::card(&call.state, donor_id).await
    })
    .await
}
