//! When the centre writes to a donor unasked: the visit reminder and "your group is needed".
//! Whether the donor could book a cell is the booking decision's answer, never a rule of its own.

use super::decision::{decide, Decision, Snapshot};
use super::{Coded, DonationType, TimeSlot};
use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// The reminder hour when none is configured (the centre's local time).
pub const DEFAULT_REMINDER_HOUR: u32 = 10;

/// A visit on `visit_date` is reminded of on the day before, from `hour` on (an approval that
/// comes later that day is reminded of at once), and never on the day itself.
pub fn reminder_due(visit_date: NaiveDate, now_local: NaiveDateTime, hour: u32) -> bool {
    now_local.date().checked_add_days(Days::new(1)) == Some(visit_date) && now_local.hour() >= hour
}

/// The donation types a subscriber asked about; empty means every type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlertTypes(pub Vec<DonationType>);

impl AlertTypes {
    /// From the stored comma list (unknown codes are dropped).
    pub fn parse(codes: &str) -> AlertTypes {
        AlertTypes(codes.split(',').filter_map(|c| DonationType::from_code(c.trim())).collect())
    }

    pub fn code(&self) -> String {
        self.0.iter().map(|t| t.code()).collect::<Vec<_>>().join(",")
    }

    pub fn wants(&self, kind: DonationType) -> bool {
        self.0.is_empty() || self.0.contains(&kind)
    }
}

/// At most one alert per donor per day (the centre's date).
pub fn alert_allowed(last_sent_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    last_sent_on.is_none_or(|last| last < today)
}

/// The time an alert offers: the cell's first time that still has a free place and has not begun.
pub fn offered_time(date: NaiveDate, now_local: NaiveDateTime, times: &[TimeSlot]) -> Option<NaiveTime> {
    times.iter().filter(|t| t.is_bookable(date, now_local)).map(|t| t.start).min()
}

/// Whether the donor would get a place if they booked the snapshot's time now: only then is
/// the alert worth sending (R1–R5, the intervals, R2 and R7 all decided by [`decide`]).
pub fn could_book(snapshot: &Snapshot) -> bool {
    matches!(decide(snapshot), Decision::Take(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }

    #[test]
    fn the_reminder_is_due_the_day_before_from_the_hour() {
        let visit = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        assert!(!reminder_due(visit, at(9, 9), 10), "before the hour");
        assert!(reminder_due(visit, at(9, 10), 10));
        assert!(reminder_due(visit, at(9, 23), 10), "an approval late that day is still reminded of");
        assert!(!reminder_due(visit, at(10, 11), 10), "not on the day itself");
        assert!(!reminder_due(visit, at(8, 12), 10), "not two days before");
    }

    #[test]
    fn types_round_trip_and_empty_means_all() {
        let some = AlertTypes::parse("plasma, platelets,unknown");
        assert_eq!(some.0, vec![DonationType::Plasma, DonationType::Platelets]);
        assert_eq!(AlertTypes::parse(&some.code()), some);
        assert!(!some.wants(DonationType::WholeBlood));
        assert!(AlertTypes::parse("").wants(DonationType::WholeBlood));
    }

    #[test]
    fn one_alert_a_day() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        assert!(alert_allowed(None, today));
        assert!(alert_allowed(today.pred_opt(), today));
        assert!(!alert_allowed(Some(today), today));
    }

    #[test]
    fn the_offered_time_is_the_first_free_one_not_begun() {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        let times = [
            TimeSlot { start: t(8), capacity: 2, booked: 0 },
            TimeSlot { start: t(9), capacity: 2, booked: 2 },
            TimeSlot { start: t(10), capacity: 2, booked: 1 },
        ];
        let day = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        assert_eq!(offered_time(day, at(9, 12), &times), Some(t(8)));
        assert_eq!(offered_time(day, at(10, 9), &times), Some(t(10)), "08:00 has begun, 09:00 is full");
        assert_eq!(offered_time(day, at(10, 11), &times), None);
    }
}
