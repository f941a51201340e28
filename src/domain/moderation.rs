//! What a registrar sees about a booking and the warnings the system can compute for it, and
//! the decisions they can take. Pure: "today" is a parameter.

use super::booking::holds_booking;
use super::decision::Moment;
use super::intervals::{check_interval, last_donation, Donation, IntervalTable};
use super::rules::{check_donation_interval, Blocked};
use super::{BookingStatus, DonationType, RejectionReason};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// A donor code changed this recently is worth a second look against the centre's records.
pub const CODE_CHANGE_WARNING_DAYS: i64 = 30;

/// One of the donor's other bookings still on record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherBooking {
    pub date: NaiveDate,
    pub time: NaiveTime,
    /// As of now ([`status_at`]).
    pub status: BookingStatus,
    pub donation_type: DonationType,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Warning {
    /// The booked day is too soon after a donation: R5's ten days, or the interval between
    /// the donation types — the same refusal a new booking for that day would get.
    Interval(Blocked),
    /// The donor holds another pending or approved booking whose time has not passed.
    AnotherActiveBooking { date: NaiveDate },
    /// The donor changed their donor code on this day.
    DonorCodeChanged { on: NaiveDate },
}

/// What the warnings of one booking read.
pub struct BookingHistory<'a> {
    pub date: NaiveDate,
    pub kind: DonationType,
    pub donations: &'a [Donation],
    pub others: &'a [OtherBooking],
    pub donor_code_changed_at: Option<DateTime<Utc>>,
}

/// The warnings for a booking, as of `now`. The interval warning is the rules' own check
/// (R5 and the table of intervals) applied to the booked day.
pub fn warnings(h: &BookingHistory, at: Moment, intervals: &IntervalTable) -> Vec<Warning> {
    let now = at.utc;
    let mut out = Vec::new();
    let too_soon = check_donation_interval(last_donation(h.donations).map(|d| d.on), h.date)
        .and_then(|()| check_interval(h.donations, h.kind, h.date, intervals).map_err(Blocked::interval));
    if let Err(blocked) = too_soon {
        out.push(Warning::Interval(blocked));
    }
    let (others, donor_code_changed_at) = (h.others, h.donor_code_changed_at);
    if let Some(other) = others.iter().find(|o| holds_booking(o.status, o.date, o.time, at.local())) {
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

/// A visit is marked on its day or later, never before.
pub fn visit_day_reached(date: NaiveDate, today: NaiveDate) -> bool {
    date <= today
}

/// Whether a visit can be marked: an approved booking whose day has come.
pub fn visit_can_be_marked(status: BookingStatus, date: NaiveDate, today: NaiveDate) -> bool {
    status == BookingStatus::Approved && visit_day_reached(date, today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::DEFAULT_TIME_ZONE as MSK;
    use chrono::TimeZone;

    fn at(now: DateTime<Utc>) -> Moment {
        Moment { utc: now, tz: MSK }
    }

    fn nine() -> NaiveTime {
        NaiveTime::from_hms_opt(9, 0, 0).unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn history<'a>(date: NaiveDate, donations: &'a [Donation], others: &'a [OtherBooking]) -> BookingHistory<'a> {
        BookingHistory { date, kind: DonationType::Plasma, donations, others, donor_code_changed_at: None }
    }

    #[test]
    fn interval_warning_until_the_tenth_day_and_the_type_interval() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let table = IntervalTable::default();
        let plasma = [Donation { on: day(1), donation_type: DonationType::Plasma }];
        let w = warnings(&history(day(10), &plasma, &[]), at(now), &table);
        assert!(
            matches!(&w[..], [Warning::Interval(b)] if b.rule == crate::domain::Rule::R5 && b.until == Some(day(11)))
        );
        // Plasma → plasma needs 14 days: the 11th is still too soon, the 15th is not.
        let w = warnings(&history(day(11), &plasma, &[]), at(now), &table);
        assert!(
            matches!(&w[..], [Warning::Interval(b)] if b.rule == crate::domain::Rule::Interval && b.until == Some(day(15)))
        );
        assert!(warnings(&history(day(15), &plasma, &[]), at(now), &table).is_empty());
    }

    #[test]
    fn active_other_booking_and_recent_code_change_are_flagged() {
        let now = Utc.with_ymd_and_hms(2026, 12, 20, 9, 0, 0).unwrap();
        let table = IntervalTable::default();
        let others = [
            OtherBooking {
                date: day(3),
                time: nine(),
                status: BookingStatus::Cancelled,
                donation_type: DonationType::Plasma,
            },
            OtherBooking {
                date: day(22),
                time: nine(),
                status: BookingStatus::Approved,
                donation_type: DonationType::Plasma,
            },
            // Approved for yesterday: waits for its visit mark, holds nothing.
            OtherBooking {
                date: day(19),
                time: nine(),
                status: BookingStatus::Approved,
                donation_type: DonationType::Plasma,
            },
        ];
        let changed = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let h = BookingHistory { donor_code_changed_at: Some(changed), ..history(day(21), &[], &others) };
        assert_eq!(
            warnings(&h, at(now), &table),
            [Warning::AnotherActiveBooking { date: day(22) }, Warning::DonorCodeChanged { on: day(1) }]
        );
        let long_ago = Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap();
        let h = BookingHistory { donor_code_changed_at: Some(long_ago), ..history(day(21), &[], &others[..1]) };
        assert!(warnings(&h, at(now), &table).is_empty());
    }

    #[test]
    fn visits_are_marked_on_the_day_or_later_for_approved_bookings() {
        assert!(visit_can_be_marked(BookingStatus::Approved, day(5), day(5)));
        assert!(!visit_can_be_marked(BookingStatus::Approved, day(6), day(5)));
        assert!(!visit_can_be_marked(BookingStatus::Pending, day(5), day(5)));
    }
}
