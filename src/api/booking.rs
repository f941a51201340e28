//! The donor's bookings: book a time, cancel, list the records.

use crate::error::AppError;
use crate::model::booking::BookingRow;
use leptos::prelude::*;

/// Books `time` ("09:30") in the cell. `confirmed` is the «Подтверждаю запись» checkbox.
/// Returns the booking's id; repeating the same request returns the same id.
#[server(endpoint = "book")]
pub async fn book(cell_id: i64, time: String, confirmed: Option<String>) -> Result<i64, AppError> {
    use crate::server::booking;
    crate::server::frame::donor(|call, donor_id| async move {
        let id = booking::book(&call.state, donor_id, cell_id, &time, confirmed.is_some(), call.locale).await?;
        call.redirect_form_post("/cabinet?booked=1#my-bookings");
        Ok(id)
    })
    .await
}

#[server(endpoint = "cancel_booking")]
pub async fn cancel_booking(booking_id: i64) -> Result<(), AppError> {
    use crate::server::booking;
    crate::server::frame::donor(|call, donor_id| async move {
        booking::cancel(&call.state, donor_id, booking_id, call.locale).await?;
        call.redirect_form_post("/cabinet?cancelled=1#my-bookings");
        Ok(())
    })
    .await
}

/// The caller's own bookings of the last ten days (R6), newest first.
#[server(endpoint = "my_bookings")]
pub async fn my_bookings() -> Result<Vec<BookingRow>, AppError> {
    use crate::server::booking;
    crate::server::frame::donor(|call, donor_id| async move { booking::rows(&call.state, donor_id, call.locale).await })
        .await
}
