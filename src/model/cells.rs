//! Cells on the wire: the open cells donors see, and what a logged-in donor sees beside them.

use crate::domain::calendar::hh_mm;
use crate::domain::intervals::Donation;
use crate::domain::{Blocked, BloodProfile, DonationType, GroupNeed};
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// A time still open for booking, as donors see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreeTime {
    pub start: NaiveTime,
    pub free: u32,
}

/// An open cell as the public page and the cabinet show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellSummary {
    pub id: i64,
    pub date: NaiveDate,
    pub donation_type: DonationType,
    pub place_name: String,
    pub place_address: String,
    /// Only the groups that still have places.
    pub needed: Vec<GroupNeed>,
    /// Places still bookable (see [`crate::domain::cells::bookable_places`]).
    pub free_places: u32,
    /// The times that have not begun and have a free place, in order.
    pub times: Vec<FreeTime>,
}

impl CellSummary {
    /// "08:00–12:30": the span of the free times.
    pub fn hours(&self) -> Option<String> {
        let (first, last) = (self.times.first()?, self.times.last()?);
        Some(format!("{}–{}", hh_mm(first.start), hh_mm(last.start)))
    }

    pub fn free_time(&self, start: NaiveTime) -> Option<FreeTime> {
        self.times.iter().copied().find(|t| t.start == start)
    }
}

/// What a logged-in donor sees beside the cells: their own blood profile (to tell which cells
/// fit), when a rule keeps them from booking anything now that rule, when they may give
/// each donation type, and why each cell they cannot book is greyed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DonorView {
    pub blood: BloodProfile,
    pub blocked: Option<Blocked>,
    pub eligibility: Eligibility,
    /// The cells of the list this donor cannot book, each with the rule (and its date).
    pub cell_refusals: Vec<CellRefusal>,
}

impl DonorView {
    pub fn refusal(&self, cell_id: i64) -> Option<Blocked> {
        self.cell_refusals.iter().find(|r| r.cell_id == cell_id).map(|r| r.blocked)
    }
}

/// The donor's last donation and, per donation type, the first day a cell of it can be
/// booked (R4, R5 and the intervals; today when nothing restricts it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Eligibility {
    /// The centre's today, as the server computed the days.
    pub today: NaiveDate,
    pub last_donation: Option<Donation>,
    pub from: Vec<TypeFrom>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypeFrom {
    pub donation_type: DonationType,
    pub from: NaiveDate,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellRefusal {
    pub cell_id: i64,
    pub blocked: Blocked,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellsView {
    pub cells: Vec<CellSummary>,
    /// Present only for a logged-in donor, and only their own data.
    pub donor: Option<DonorView>,
}
