//! Cells, their times and group quotas: what a donor may book exists because hospitals need it.

use super::blood::{group_rh_label, BloodGroup, BloodProfile, Kell, Rh};
use super::Locale;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// How many donors of one group+Rh a cell needs, and how many places are taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupNeed {
    pub group: BloodGroup,
    pub rh: Rh,
    /// Red-cell components for most recipients: only K− donors fit.
    pub kell_negative_only: bool,
    pub needed: u32,
    pub booked: u32,
}

impl GroupNeed {
    pub fn remaining(&self) -> u32 {
        self.needed.saturating_sub(self.booked)
    }

    /// Whether a donor with this profile fits this need, regardless of places left.
    pub fn fits(&self, donor: &BloodProfile) -> bool {
        self.group == donor.group && self.rh == donor.rh && (!self.kell_negative_only || donor.kell == Kell::Negative)
    }

    /// "0(I) Rh−", with "K−" appended when restricted.
    pub fn label(&self, locale: Locale) -> String {
        need_label(self.group, self.rh, self.kell_negative_only, locale)
    }
}

/// A need's group as shown: "0(I) Rh−", with "K−" appended when only K− donors fit.
pub fn need_label(group: BloodGroup, rh: Rh, kell_negative_only: bool, locale: Locale) -> String {
    let base = group_rh_label(group, rh, locale);
    if kell_negative_only {
        format!("{base} K\u{2212}")
    } else {
        base
    }
}

/// The needs that still have places, in a stable order (group, then Rh).
pub fn still_needed(needs: &[GroupNeed]) -> Vec<GroupNeed> {
    let mut open: Vec<GroupNeed> = needs.iter().copied().filter(|n| n.remaining() > 0).collect();
    open.sort_by_key(|n| (n.group as u8, n.rh as u8));
    open
}

/// One bookable time in a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeSlot {
    pub start: NaiveTime,
    pub capacity: u32,
    pub booked: u32,
}

impl TimeSlot {
    pub fn free(&self) -> u32 {
        self.capacity.saturating_sub(self.booked)
    }

    /// A time can be booked while it has a free place and has not begun (centre's local time).
    pub fn is_bookable(&self, date: NaiveDate, now_local: NaiveDateTime) -> bool {
        self.free() > 0 && !has_begun(date, self.start, now_local)
    }
}

/// Whether a time on a day has begun by `now_local` (the centre's wall clock): from then on
/// it can be neither booked nor cancelled by the donor.
pub fn has_begun(date: NaiveDate, start: NaiveTime, now_local: NaiveDateTime) -> bool {
    date.and_time(start) <= now_local
}

/// The need a donor would take a place from: the still-needed one that fits them. A cell has
/// at most one need per group and Rh, so there is at most one.
pub fn fitting_need<'a>(needs: &'a [GroupNeed], donor: &BloodProfile) -> Option<&'a GroupNeed> {
    needs.iter().find(|n| n.remaining() > 0 && n.fits(donor))
}

/// A cell is open while at least one group has places and one of its times is bookable.
pub fn cell_is_open(date: NaiveDate, now_local: NaiveDateTime, needs: &[GroupNeed], slots: &[TimeSlot]) -> bool {
    needs.iter().any(|n| n.remaining() > 0) && slots.iter().any(|s| s.is_bookable(date, now_local))
}

/// Places a donor can still take in a cell: bounded both by its free times (from now on)
/// and by the places its groups still need.
pub fn bookable_places(date: NaiveDate, now_local: NaiveDateTime, needs: &[GroupNeed], slots: &[TimeSlot]) -> u32 {
    let by_time: u32 = slots.iter().filter(|s| s.is_bookable(date, now_local)).map(TimeSlot::free).sum();
    let by_need: u32 = needs.iter().map(GroupNeed::remaining).sum();
    by_time.min(by_need)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(group: BloodGroup, rh: Rh, k_neg: bool, needed: u32, booked: u32) -> GroupNeed {
        GroupNeed { group, rh, kell_negative_only: k_neg, needed, booked }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn slot(capacity: u32, booked: u32) -> TimeSlot {
        TimeSlot { start: NaiveTime::from_hms_opt(8, 0, 0).unwrap(), capacity, booked }
    }

    /// Local wall-clock time on a December day.
    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        day(d).and_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn fits_every_group_rh_kell_combination() {
        use crate::domain::Coded;
        for &ng in BloodGroup::ALL {
            for &nr in Rh::ALL {
                for k_neg in [false, true] {
                    let n = need(ng, nr, k_neg, 1, 0);
                    for &dg in BloodGroup::ALL {
                        for &dr in Rh::ALL {
                            for &dk in Kell::ALL {
                                let donor = BloodProfile { group: dg, rh: dr, kell: dk };
                                let expected = ng == dg && nr == dr && (!k_neg || dk == Kell::Negative);
                                assert_eq!(n.fits(&donor), expected, "{n:?} vs {donor:?}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn still_needed_drops_full_groups_and_sorts() {
        let needs = [
            need(BloodGroup::B, Rh::Positive, false, 2, 2),
            need(BloodGroup::A, Rh::Negative, false, 3, 1),
            need(BloodGroup::O, Rh::Positive, true, 1, 0),
        ];
        let open = still_needed(&needs);
        assert_eq!(open.len(), 2);
        assert_eq!(open[0].group, BloodGroup::O);
        assert_eq!(open[1].remaining(), 2);
        assert_eq!(open[0].label(Locale::Ru), "0(I) Rh+ K−");
    }

    #[test]
    fn open_cell_boundaries() {
        let needs = [need(BloodGroup::A, Rh::Positive, false, 1, 0)];
        let eight = [slot(1, 0)];
        assert!(cell_is_open(day(10), at(10, 7, 59), &needs, &eight), "today before the time");
        assert!(!cell_is_open(day(10), at(10, 8, 0), &needs, &eight), "the time has begun");
        assert!(!cell_is_open(day(9), at(10, 7, 0), &needs, &eight), "yesterday is closed");
        assert!(cell_is_open(day(11), at(10, 9, 0), &needs, &eight));
        assert!(!cell_is_open(day(11), at(10, 9, 0), &needs, &[slot(1, 1)]), "no free time");
        let full = [need(BloodGroup::A, Rh::Positive, false, 1, 1)];
        assert!(!cell_is_open(day(11), at(10, 9, 0), &full, &eight), "no group needs anyone");
    }

    #[test]
    fn fitting_need_skips_full_and_foreign_needs() {
        let donor = BloodProfile { group: BloodGroup::A, rh: Rh::Positive, kell: Kell::Positive };
        let needs = [
            need(BloodGroup::A, Rh::Negative, false, 3, 0),
            need(BloodGroup::A, Rh::Positive, true, 3, 0),
            need(BloodGroup::O, Rh::Positive, false, 3, 0),
        ];
        assert_eq!(fitting_need(&needs, &donor), None, "K+ donor, K− only need");
        let k_neg = BloodProfile { kell: Kell::Negative, ..donor };
        assert_eq!(fitting_need(&needs, &k_neg), Some(&needs[1]));
        let full = [need(BloodGroup::A, Rh::Positive, false, 3, 3)];
        assert_eq!(fitting_need(&full, &k_neg), None, "no place left for the group");
    }

    #[test]
    fn bookable_places_is_bounded_by_times_and_needs() {
        let needs = [need(BloodGroup::A, Rh::Positive, false, 3, 1), need(BloodGroup::O, Rh::Negative, false, 1, 0)];
        let many_times = [slot(5, 0), slot(5, 2)];
        assert_eq!(bookable_places(day(11), at(10, 9, 0), &needs, &many_times), 3, "needs bound");
        let few_times = [slot(1, 0)];
        assert_eq!(bookable_places(day(11), at(10, 9, 0), &needs, &few_times), 1, "times bound");
        assert_eq!(bookable_places(day(10), at(10, 9, 0), &needs, &few_times), 0, "times passed");
    }
}
