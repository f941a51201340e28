//! The open cells as a logged-in donor sees them: the same rules the booking decision
//! applies, evaluated for every cell of the list and every donation type.

use super::db::bookings;
use super::state::AppState;
use crate::domain::calendar::local_date;
use crate::domain::rules::{check_standing, first_bookable_day, may_book};
use crate::domain::{Coded, DonationType, Locale};
use crate::error::AppError;
use crate::i18n::texts;
use crate::model::cells::{CellRefusal, CellSummary, DonorView, Eligibility, TypeFrom};

/// A donation type filter from a query or form: empty means all types.
pub fn parse_donation_type(code: Option<&str>, locale: Locale) -> Result<Option<DonationType>, AppError> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(code) => DonationType::from_code(code)
            .map(Some)
            .ok_or_else(|| AppError::validation("donation_type", texts(locale).filter_type_invalid)),
    }
}

/// The donor's standing, eligibility per donation type and the reason for each cell of
/// `cells` they cannot book. `None` when the donor no longer exists.
pub async fn donor_view(state: &AppState, donor_id: i64, cells: &[CellSummary]) -> Result<Option<DonorView>, AppError> {
    let moment = state.moment();
    let Some((blood, donor)) = bookings::donor_standing(&state.db, donor_id, moment).await? else {
        return Ok(None);
    };
    let intervals = state.intervals.get(&state.db).await?;
    let (now, tz) = (moment.utc, moment.tz);
    let cell_refusals = cells
        .iter()
        .filter_map(|c| {
            may_book(&donor, &blood, c.donation_type, c.date, &c.needed, now, tz, &intervals)
                .err()
                .map(|blocked| CellRefusal { cell_id: c.id, blocked })
        })
        .collect();
    let from = DonationType::ALL
        .iter()
        .map(|&kind| TypeFrom { donation_type: kind, from: first_bookable_day(&donor, kind, now, tz, &intervals) })
        .collect();
    Ok(Some(DonorView {
        blood,
        blocked: check_standing(&donor, now, tz).err(),
        eligibility: Eligibility { today: local_date(now, tz), last_donation: donor.last_donation(), from },
        cell_refusals,
    }))
}
