//! The planner's board on the wire.

use crate::domain::{DonationType, GroupNeed, TimeSlot};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One cell as the planner sees it: every group's booked vs needed, every time's places.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedCell {
    pub id: i64,
    pub date: NaiveDate,
    pub donation_type: DonationType,
    pub place_name: String,
    pub closed: bool,
    pub needs: Vec<GroupNeed>,
    pub slots: Vec<TimeSlot>,
}

/// A place a new cell can be planned at (not archived).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub id: i64,
    pub name: String,
    pub address: String,
}

/// A place as admins manage it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedPlace {
    pub id: i64,
    pub place: crate::domain::places::PlaceDraft,
    pub archived: bool,
    /// Cells planned there, any date: a place with cells can only be archived.
    pub cells: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanningBoard {
    pub places: Vec<Place>,
    pub cells: Vec<PlannedCell>,
}
