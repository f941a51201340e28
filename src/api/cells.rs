use crate::domain::{Blocked, BloodProfile, CellSummary};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a logged-in donor sees beside the cells: their own blood profile (to tell which cells
/// fit) and, when a rule keeps them from booking anything now, that rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DonorView {
    pub blood: BloodProfile,
    pub blocked: Option<Blocked>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellsView {
    pub cells: Vec<CellSummary>,
    /// Present only for a logged-in donor, and only their own data.
    pub donor: Option<DonorView>,
}

/// Open cells, optionally of one donation type (its code), in date order. The public page and
/// the cabinet both use it; the cells carry no personal data.
#[server(endpoint = "open_cells")]
pub async fn open_cells(donation_type: Option<String>) -> Result<CellsView, AppError> {
    use crate::domain::{account::Principal, rules::check_standing, Coded, DonationType};
    use crate::server::{db, errors::reply, request, state::use_app_state};

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
            let parts = request::parts()?;
            let donor = match request::principal(&state, &parts).await? {
                Some(Principal::Donor { id }) => {
                    db::bookings::donor_standing(&state.db, id).await?.map(|(blood, s)| DonorView {
                        blood,
                        blocked: check_standing(&s, state.clock.now(), state.settings.time_zone).err(),
                    })
                }
                _ => None,
            };
            let cells = db::cells::open_cells(&state.db, state.now_local(), kind).await?;
            Ok(CellsView { cells, donor })
        }
        .await,
    )
}
