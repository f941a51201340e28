//! Minimum days between donations, by the type of the previous and of the next donation
//! (Приказ Минздрава России от 28.10.2020 № 1166н, Приложение 7: "Интервалы между
//! донациями"). The interval is counted in calendar days between the two donations' days.
//!
//! The table lives in the database (`donation_intervals`) and admins edit it; the defaults
//! below seed it. Every default is marked as the centre's to confirm: the text of
//! Приложение 7 could not be read from a primary source while this was written, so the
//! values follow the order's predecessor (Приказ Минздрава РФ № 364 of 14.09.2001) and the
//! centres' donor memos. The admin page shows each unconfirmed value until an admin saves it.

use super::{Coded, DonationType};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// Longest interval an admin may set (days).
pub const MAX_INTERVAL_DAYS: u16 = 365;

/// One donation on record: its day and type. Recorded when a registrar marks
/// «Донация состоялась»; kept after the booking itself is purged (R6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Donation {
    pub on: NaiveDate,
    pub donation_type: DonationType,
}

/// One cell of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    pub previous: DonationType,
    pub next: DonationType,
    pub days: u16,
    /// Saved by an admin of this centre (else a default still to be confirmed).
    pub confirmed: bool,
}

/// Every (previous, next) pair of donation types with its minimum days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntervalTable {
    entries: Vec<Interval>,
}

/// The defaults seeded by the migration (previous, next, days); see the module comment.
pub const DEFAULT_INTERVALS: [(DonationType, DonationType, u16); 16] = {
    use DonationType::{Erythrocytes as E, Plasma as P, Platelets as T, WholeBlood as W};
    [
        (W, W, 60),
        (W, P, 30),
        (W, T, 30),
        (W, E, 60),
        (P, W, 14),
        (P, P, 14),
        (P, T, 14),
        (P, E, 14),
        (T, W, 30),
        (T, P, 14),
        (T, T, 14),
        (T, E, 30),
        (E, W, 60),
        (E, P, 30),
        (E, T, 30),
        (E, E, 60),
    ]
};

impl Default for IntervalTable {
    fn default() -> Self {
        IntervalTable::new(DEFAULT_INTERVALS.iter().map(|&(previous, next, days)| Interval {
            previous,
            next,
            days,
            confirmed: false,
        }))
    }
}

impl IntervalTable {
    /// A table from stored rows; a pair missing from them keeps its default, so the table is
    /// always complete.
    pub fn new(rows: impl IntoIterator<Item = Interval>) -> IntervalTable {
        let mut entries: Vec<Interval> = DEFAULT_INTERVALS
            .iter()
            .map(|&(previous, next, days)| Interval { previous, next, days, confirmed: false })
            .collect();
        for row in rows {
            if let Some(e) = entries.iter_mut().find(|e| e.previous == row.previous && e.next == row.next) {
                *e = row;
            }
        }
        IntervalTable { entries }
    }

    pub fn entries(&self) -> &[Interval] {
        &self.entries
    }

    /// Minimum days from a donation of `previous` type to one of `next` type.
    pub fn days(&self, previous: DonationType, next: DonationType) -> u16 {
        self.entries.iter().find(|e| e.previous == previous && e.next == next).map_or(0, |e| e.days)
    }
}

/// Why a donation of some type cannot take place before a day: the donation it must follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntervalBlock {
    pub after: Donation,
    pub next: DonationType,
    pub days: u16,
    /// The first day a donation of `next` type may take place.
    pub allowed_from: NaiveDate,
}

/// The first day a donation of `next` type may take place after `donations`, and the donation
/// that decides it (the latest of each donation's day plus its interval); `None` when no
/// donation on record restricts it.
pub fn earliest_after(donations: &[Donation], next: DonationType, table: &IntervalTable) -> Option<IntervalBlock> {
    donations
        .iter()
        .map(|d| {
            let days = table.days(d.donation_type, next);
            IntervalBlock { after: *d, next, days, allowed_from: d.on + Days::new(u64::from(days)) }
        })
        .max_by_key(|b| (b.allowed_from, b.after.on))
}

/// The interval rule for a donation of `next` type on `date`.
pub fn check_interval(
    donations: &[Donation],
    next: DonationType,
    date: NaiveDate,
    table: &IntervalTable,
) -> Result<(), IntervalBlock> {
    match earliest_after(donations, next, table) {
        Some(block) if date < block.allowed_from => Err(block),
        _ => Ok(()),
    }
}

/// The most recent donation on record.
pub fn last_donation(donations: &[Donation]) -> Option<Donation> {
    donations.iter().copied().max_by_key(|d| d.on)
}

/// Parses a form's number of days for the table: a whole number from 0 to [`MAX_INTERVAL_DAYS`].
pub fn parse_days(input: &str) -> Option<u16> {
    input.trim().parse::<u16>().ok().filter(|d| *d <= MAX_INTERVAL_DAYS)
}

/// The stored code of a pair, "plasma→whole_blood", for the audit log.
pub fn pair_code(previous: DonationType, next: DonationType) -> String {
    format!("{}→{}", previous.code(), next.code())
}

#[cfg(test)]
mod tests {
    use super::*;
    use DonationType::{Plasma, WholeBlood};

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    #[test]
    fn defaults_cover_every_pair_once() {
        let table = IntervalTable::default();
        assert_eq!(table.entries().len(), DonationType::ALL.len() * DonationType::ALL.len());
        for &p in DonationType::ALL {
            for &n in DonationType::ALL {
                assert_eq!(table.entries().iter().filter(|e| e.previous == p && e.next == n).count(), 1);
            }
        }
        assert!(table.entries().iter().all(|e| !e.confirmed), "defaults are the centre's to confirm");
    }

    #[test]
    fn stored_rows_override_defaults_and_missing_pairs_keep_them() {
        let table = IntervalTable::new([Interval { previous: Plasma, next: WholeBlood, days: 21, confirmed: true }]);
        assert_eq!(table.days(Plasma, WholeBlood), 21);
        assert_eq!(table.days(WholeBlood, WholeBlood), 60);
        assert_eq!(table.entries().len(), 16);
    }

    #[test]
    fn plasma_then_whole_blood_waits_the_plasma_interval() {
        let table = IntervalTable::default();
        let gave = [Donation { on: day(12, 1), donation_type: Plasma }];
        let block = check_interval(&gave, WholeBlood, day(12, 14), &table).unwrap_err();
        assert_eq!(block.allowed_from, day(12, 15));
        assert_eq!(block.after, gave[0]);
        assert!(check_interval(&gave, WholeBlood, day(12, 15), &table).is_ok(), "the 14th day after is allowed");
    }

    #[test]
    fn the_latest_allowed_day_over_all_donations_decides() {
        // Whole blood 50 days ago, plasma 5 days ago: the next whole blood waits for the first.
        let table = IntervalTable::default();
        let gave = [
            Donation { on: day(10, 1), donation_type: WholeBlood },
            Donation { on: day(11, 15), donation_type: Plasma },
        ];
        let block = earliest_after(&gave, WholeBlood, &table).unwrap();
        assert_eq!(block.allowed_from, day(11, 30));
        assert_eq!(block.after.donation_type, WholeBlood);
        // For plasma the recent plasma decides.
        assert_eq!(earliest_after(&gave, Plasma, &table).unwrap().allowed_from, day(11, 29));
        assert_eq!(earliest_after(&[], Plasma, &table), None);
    }

    #[test]
    fn days_parse_within_bounds() {
        assert_eq!(parse_days(" 14 "), Some(14));
        assert_eq!(parse_days("0"), Some(0));
        assert_eq!(parse_days("365"), Some(365));
        assert_eq!(parse_days("366"), None);
        assert_eq!(parse_days("-1"), None);
        assert_eq!(parse_days("две недели"), None);
    }
}
