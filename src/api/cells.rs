use crate::domain::CellSummary;
use crate::error::AppError;
use leptos::prelude::*;

/// Open cells, optionally of one donation type (its code), in date order.
/// Public: it carries no personal data.
#[server(endpoint = "open_cells")]
pub async fn open_cells(donation_type: Option<String>) -> Result<Vec<CellSummary>, AppError> {
    use crate::domain::{Coded, DonationType};
    use crate::server::{errors::reply, state::use_app_state};

    reply(
        async {
            let kind = match donation_type.as_deref().filter(|c| !c.is_empty()) {
                None => None,
                Some(code) => Some(
                    DonationType::from_code(code)
                        .ok_or_else(|| AppError::validation("donation_type", "unknown donation type"))?,
                ),
            };
            let state = use_app_state()?;
            crate::server::db::cells::open_cells(&state.db, state.now_local(), kind).await.map_err(AppError::from)
        }
        .await,
    )
}
