//! Registrars (and admins) find donors and read a donor's page. Planners never see donors.

use crate::error::AppError;
use crate::model::cells::CellsView;
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

/// The open cells as the caller would see them in their cabinet: which they can book, and
/// the rule that refuses each other one.
#[server(endpoint = "caller_cells")]
pub async fn caller_cells(donor_id: i64) -> Result<CellsView, AppError> {
    use crate::domain::account::StaffRole;
    use crate::server::{cells, db};
    crate::server::frame::staff(&[StaffRole::Registrar], |call, _| async move {
        let open = db::cells::open_cells(&call.state.db, call.state.now_local(), None).await?;
        let donor = cells::donor_view(&call.state, donor_id, &open).await?.ok_or(AppError::NotFound)?;
        Ok(CellsView { cells: open, donor: Some(donor) })
    })
    .await
}

/// Books `time` in the cell for the donor on the phone; returns the booking and its status.
#[server(endpoint = "book_for_caller")]
pub async fn book_for_caller(
    donor_id: i64,
    cell_id: i64,
    time: String,
) -> Result<(i64, crate::domain::BookingStatus), AppError> {
    use crate::domain::account::StaffRole;
    crate::server::frame::staff(&[StaffRole::Registrar], |call, registrar| async move {
        let booked =
            crate::server::booking::book_for_caller(&call.state, registrar.id, donor_id, cell_id, &time, call.locale)
                .await?;
        call.redirect_form_post(&format!("/staff/donors/{donor_id}?booked=1"));
        Ok(booked)
    })
    .await
}

/// Registers a caller as a donor on the phone (no e-mail confirmation; audited) and opens
/// their page, where the registrar books for them. `email` may be empty.
#[server(endpoint = "register_caller")]
pub async fn register_caller(
    email: Option<String>,
    donor_code: String,
    blood_group: Option<String>,
    rh: Option<String>,
    kell: Option<String>,
    consent: Option<String>,
) -> Result<i64, AppError> {
    use crate::domain::account::StaffRole;
    use crate::server::donors::NewCaller;
    crate::server::frame::staff(&[StaffRole::Registrar], |call, registrar| async move {
        let form = NewCaller {
            email: email.unwrap_or_default(),
            donor_code,
            blood_group: blood_group.unwrap_or_default(),
            rh: rh.unwrap_or_default(),
            kell: kell.unwrap_or_default(),
            consent: consent.is_some_and(|v| !v.is_empty()),
        };
        let donor_id = crate::server::donors::register_caller(&call.state, registrar.id, &form, call.locale).await?;
        call.redirect(&format!("/staff/donors/{donor_id}?new=1"));
        Ok(donor_id)
    })
    .await
}
