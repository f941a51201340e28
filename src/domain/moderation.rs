//! What a registrar sees about a booking and the warnings the system can compute for it, and
//! the decisions they can take. Pure: "today" is a parameter.

use super::rules::DONATION_INTERVAL_DAYS;
use super::{BloodProfile, BookingStatus, DonationType, RejectionReason};
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// A donor code changed this recently is worth a second look against the centre's records.
pub const CODE_CHANGE_WARNING_DAYS: i64 = 30;

/// One of the donor's other bookings still on record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherBooking {
    pub date: NaiveDate,
    pub status: BookingStatus,
    pub donation_type: DonationType,
}

/// A booking in the registrar's queue, with what they need to decide it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub booking_id: i64,
    pub status: BookingStatus,
    /// When the donor booked, in the centre's local time.
    pub requested_at: NaiveDateTime,
    pub date: NaiveDate,
    pub time: NaiveTime,
    pub donation_type: DonationType,
    pub place_name: String,
    pub donor_email: String,
    pub blood: BloodProfile,
    pub donor_code: String,
    pub donor_code_changed_at: Option<DateTime<Utc>>,
    pub last_donation_on: Option<NaiveDate>,
    pub other_bookings: Vec<OtherBooking>,
    pub rejection_reason: Option<RejectionReason>,
    pub rejection_comment: Option<String>,
    /// Who decided it, for decided bookings.
    pub decided_by: Option<String>,
    pub warnings: Vec<Warning>,
    /// Approved and its day has come: «Донация состоялась» / «Неявка» can be marked.
    pub visit_markable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Warning {
    /// The booked day is less than ten days after the last donation; booking possible from this day.
    Interval { last_donation: NaiveDate, allowed_from: NaiveDate },
    /// The donor holds another pending or approved booking.
    AnotherActiveBooking { date: NaiveDate },
    /// The donor changed their donor code on this day.
    DonorCodeChanged { on: NaiveDate },
}

/// The warnings for a booking on `date` by a donor with this history, as of `now`.
pub fn warnings(
    date: NaiveDate,
    last_donation_on: Option<NaiveDate>,
    others: &[OtherBooking],
    donor_code_changed_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<Warning> {
    let mut out = Vec::new();
    if let Some(last) = last_donation_on {
        let allowed_from = last + Days::new(DONATION_INTERVAL_DAYS);
        if date < allowed_from {
            out.push(Warning::Interval { last_donation: last, allowed_from });
        }
    }
    if let Some(other) = others.iter().find(|o| o.status.is_active()) {
        out.push(Warning::AnotherActiveBooking { date: other.date });
    }
    if let Some(changed) = donor_code_changed_at {
        if now - changed <= chrono::Duration::days(CODE_CHANGE_WARNING_DAYS) {
            out.push(Warning::DonorCodeChanged { on: changed.date_naive() });
        }
    }
    out
}

/// A registrar's decision on a pending booking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Approve,
    Reject { reason: RejectionReason, comment: Option<String> },
}

impl Decision {
    pub fn status(&self) -> BookingStatus {
        match self {
            Decision::Approve => BookingStatus::Approved,
            Decision::Reject { .. } => BookingStatus::Rejected,
        }
    }
}

/// Whether a visit can be marked: an approved booking whose day has come.
pub fn visit_can_be_marked(status: BookingStatus, date: NaiveDate, today: NaiveDate) -> bool {
    status == BookingStatus::Approved && date <= today
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn interval_warning_until_the_tenth_day() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let w = warnings(day(10), Some(day(1)), &[], None, now);
        assert_eq!(w, [Warning::Interval { last_donation: day(1), allowed_from: day(11) }]);
        assert!(warnings(day(11), Some(day(1)), &[], None, now).is_empty());
    }

    #[test]
    fn active_other_booking_and_recent_code_change_are_flagged() {
        let now = Utc.with_ymd_and_hms(2026, 12, 20, 9, 0, 0).unwrap();
        let others = [
            OtherBooking { date: day(3), status: BookingStatus::Cancelled, donation_type: DonationType::Plasma },
            OtherBooking { date: day(22), status: BookingStatus::Approved, donation_type: DonationType::Plasma },
        ];
        let changed = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let w = warnings(day(21), None, &others, Some(changed), now);
        assert_eq!(w, [Warning::AnotherActiveBooking { date: day(22) }, Warning::DonorCodeChanged { on: day(1) }]);
        let long_ago = Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap();
        assert!(warnings(day(21), None, &others[..1], Some(long_ago), now).is_empty());
    }

    #[test]
    fn visits_are_marked_on_the_day_or_later_for_approved_bookings() {
        assert!(visit_can_be_marked(BookingStatus::Approved, day(5), day(5)));
        assert!(!visit_can_be_marked(BookingStatus::Approved, day(6), day(5)));
        assert!(!visit_can_be_marked(BookingStatus::Pending, day(5), day(5)));
    }
}
