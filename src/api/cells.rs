//! The open cells, with the logged-in donor's eligibility beside them.

use crate::error::AppError;
use crate::model::cells::CellsView;
use leptos::prelude::*;

/// Open cells, optionally of one donation type (its code), in date order. The public page and
/// the cabinet both use it; the cells carry no personal data, and a logged-in donor gets
/// only their own eligibility.
#[server(endpoint = "open_cells")]
pub async fn open_cells(donation_type: Option<String>) -> Result<CellsView, AppError> {
    use crate::domain::account::Principal;
    use crate::server::{cells, db, request};
    crate::server::frame::anyone(|call| async move {
        let kind = cells::parse_donation_type(donation_type.as_deref(), call.locale)?;
        let cells = db::cells::open_cells(&call.state.db, call.state.now_local(), kind).await?;
        let donor = match request::principal(&call.state, &call.parts).await? {
            Some(Principal::Donor { id }) => cells::donor_view(&call.state, id, &cells).await?,
            _ => None,
        };
        Ok(CellsView { cells, donor })
    })
    .await
}
