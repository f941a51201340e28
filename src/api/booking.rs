//! The donor's bookings: book a time, cancel, list the records.

use crate::domain::BookingRecord;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A booking on record and whether its donor may still cancel it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingRow {
    pub record: BookingRecord,
    pub can_cancel: bool,
}

/// Books `time` ("09:30") in the cell. `confirmed` is the «Подтверждаю запись» checkbox.
/// Returns the booking's id; repeating the same request returns the same id.
#[server(endpoint = "book")]
pub async fn book(cell_id: i64, time: String, confirmed: Option<String>) -> Result<i64, AppError> {
    use crate::server::{booking, errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            let donor_id = request::require_donor(&state, &parts).await?;
            let id =
                booking::book(&state, donor_id, cell_id, &time, confirmed.is_some(), request::locale(&parts)).await?;
            // Without JavaScript the form posted here; send the donor to their bookings.
            if request::is_form_post(&parts) {
                leptos_axum::redirect("/cabinet?booked=1#my-bookings");
            }
            Ok(id)
        }
        .await,
    )
}

#[server(endpoint = "cancel_booking")]
pub async fn cancel_booking(booking_id: i64) -> Result<(), AppError> {
    use crate::server::{booking, errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            let donor_id = request::require_donor(&state, &parts).await?;
            booking::cancel(&state, donor_id, booking_id, request::locale(&parts)).await?;
            if request::is_form_post(&parts) {
                leptos_axum::redirect("/cabinet?cancelled=1#my-bookings");
            }
            Ok(())
        }
        .await,
    )
}

/// The caller's own bookings of the last ten days (R6), newest first.
#[server(endpoint = "my_bookings")]
pub async fn my_bookings() -> Result<Vec<BookingRow>, AppError> {
    use crate::server::{booking, errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            let donor_id = request::require_donor(&state, &parts).await?;
            let now_local = state.now_local();
            let records = booking::records(&state, donor_id).await?;
            Ok(records
                .into_iter()
                .map(|record| BookingRow { can_cancel: record.can_cancel(now_local), record })
                .collect())
        }
        .await,
    )
}
