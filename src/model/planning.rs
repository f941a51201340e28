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

/// What copying days would do, cell by cell, before anything is written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CopyPreview {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: u32,
    pub items: Vec<CopyPreviewItem>,
}

impl CopyPreview {
    /// The cells that copying creates.
    pub fn copied(&self) -> usize {
        self.items.iter().filter(|i| i.skip.is_none()).count()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CopyPreviewItem {
    pub source_id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub donation_type: DonationType,
    pub place_name: String,
    pub times: u32,
    pub places: u32,
    pub needed: u32,
    pub skip: Option<crate::domain::planning::CopySkip>,
}

/// The planner's dashboard: per day and group, what hospitals need against what donors booked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NeedsDashboard {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: Vec<DayNeeds>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayNeeds {
    pub date: NaiveDate,
    pub rows: Vec<NeedsRow>,
}

impl DayNeeds {
    /// The day's sum over its groups.
    pub fn total(&self) -> NeedsRow {
        let mut sum = NeedsRow { group: None, kell_negative_only: false, needed: 0, booked: 0, donated: 0, no_show: 0 };
        for r in &self.rows {
            sum.needed += r.needed;
            sum.booked += r.booked;
            sum.donated += r.donated;
            sum.no_show += r.no_show;
        }
        sum
    }
}

/// One group+Rh(+K−) of a day, over all its cells; `group` is `None` for a day's total.
/// `booked` counts the places taken (pending, approved and visits), so a no-show stays booked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedsRow {
    pub group: Option<(crate::domain::BloodGroup, crate::domain::Rh)>,
    pub kell_negative_only: bool,
    pub needed: u32,
    pub booked: u32,
    pub donated: u32,
    pub no_show: u32,
}

impl NeedsRow {
    /// "0(I) Rh− K−"; `None` for a day's total.
    pub fn group_label(&self, locale: crate::domain::Locale) -> Option<String> {
        self.group.map(|(group, rh)| crate::domain::cells::need_label(group, rh, self.kell_negative_only, locale))
    }

    /// Donors still to find.
    pub fn unmet(&self) -> u32 {
        self.needed.saturating_sub(self.booked)
    }
}
