//! Donors as registrars see them: search results and the donor page.

use crate::domain::rules::{Blocked, Rule};
use crate::domain::BloodProfile;
use crate::model::cells::Eligibility;
use crate::model::privacy::{BookingOnRecord, DonationOnRecord};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// One donor found by a search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DonorHit {
    pub id: i64,
    pub email: String,
    pub donor_code: String,
    pub blood: BloodProfile,
    pub email_confirmed: bool,
}

/// A rule that refused the donor a cell: when, which rule, which cell, and the registrar who
/// asked (none: the donor themself).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RefusalView {
    pub at: DateTime<Utc>,
    /// `at` on the centre's clock.
    pub at_local: NaiveDateTime,
    pub rule: Rule,
    pub cell_id: Option<i64>,
    pub cell_date: Option<NaiveDate>,
    pub by_staff: Option<String>,
}

/// Everything a registrar needs on the phone with a donor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DonorCard {
    pub donor: DonorHit,
    /// A rule that keeps the donor from booking anything now (R1, R3, R4, R5).
    pub blocked: Option<Blocked>,
    /// Their last donation and, per donation type, from which day they can book it.
    pub eligibility: Eligibility,
    pub bookings: Vec<BookingOnRecord>,
    pub donations: Vec<DonationOnRecord>,
    pub refusals: Vec<RefusalView>,
}
