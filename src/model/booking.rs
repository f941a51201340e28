//! A donor's bookings on the wire.

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
}
