//! The table of intervals between donation types, read and edited by admins.

use crate::domain::intervals::IntervalTable;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "donation_intervals")]
pub async fn donation_intervals() -> Result<IntervalTable, AppError> {
    use crate::domain::account::StaffRole;
    crate::server::frame::staff(&[StaffRole::Admin], |call, _| async move {
        Ok(crate::server::db::intervals::interval_table(&call.state.db).await?)
    })
    .await
}

/// Sets the days from a donation of `previous` type to one of `next` type (codes); saving
/// confirms the value as the centre's. Written to the audit log.
#[server(endpoint = "set_interval")]
pub async fn set_interval(previous: String, next: String, days: String) -> Result<(), AppError> {
    use crate::domain::account::StaffRole;
    crate::server::frame::staff(&[StaffRole::Admin], |call, staff| async move {
        crate::server::intervals::set(&call.state, staff.id, &previous, &next, &days, call.locale).await?;
        call.redirect_form_post("/staff/intervals?saved=1");
        Ok(())
    })
    .await
}
