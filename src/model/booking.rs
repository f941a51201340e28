//! A donor's bookings on the wire.

use crate::domain::booking::NextStep;
use crate::domain::{BookingStatus, DonationType, RejectionReason};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// One of the donor's bookings still on record (R6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingRecord {
    pub id: i64,
    pub status: BookingStatus,
    pub date: NaiveDate,
    pub time: NaiveTime,
    pub donation_type: DonationType,
    pub place_name: String,
    pub place_address: String,
    pub rejection_reason: Option<RejectionReason>,
    /// The registrar's comment on a rejection, if they wrote one.
    pub rejection_comment: Option<String>,
}

impl BookingRecord {
    /// See [`crate::domain::booking::donor_may_cancel`].
    pub fn can_cancel(&self, now_local: NaiveDateTime) -> bool {
        crate::domain::booking::donor_may_cancel(self.status, self.date, self.time, now_local)
    }
}

/// A booking on record and whether its donor may still cancel it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingRow {
    pub record: BookingRecord,
    pub can_cancel: bool,
    /// For a rejection: the reason in the donor's language, naming the centre.
    pub reason_text: Option<String>,
    /// For a rejection: what the donor can do next.
    pub next_step: Option<NextStepView>,
}

/// A rejection's next step: which one (the page links the donor-code form) and its sentence
/// (the first bookable day and the centre's phone and hours filled in).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextStepView {
    pub step: NextStep,
    pub sentence: String,
}
