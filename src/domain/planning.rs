//! What a planner may enter: a day's time grid and the needs of each group. Pure checks shared
//! by the planner's form and the server.

use super::blood::{BloodGroup, Rh};
use chrono::{Duration, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

pub const MIN_STEP_MINUTES: u32 = 5;
pub const MAX_STEP_MINUTES: u32 = 240;
pub const MAX_PLACES_PER_TIME: u32 = 50;
pub const MAX_TIMES: usize = 96;
pub const MAX_NEEDED: u32 = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanError {
    DateInPast,
    LastBeforeFirst,
    StepOutOfRange,
    PlacesOutOfRange,
    TooManyTimes,
    NoNeeds,
    NeededOutOfRange,
    DuplicateGroup,
    /// A change would leave fewer places than are already booked.
    BelowBooked {
        booked: u32,
    },
}

/// The times from `first` to `last` inclusive, every `step_minutes`.
pub fn time_grid(first: NaiveTime, last: NaiveTime, step_minutes: u32) -> Result<Vec<NaiveTime>, PlanError> {
    if !(MIN_STEP_MINUTES..=MAX_STEP_MINUTES).contains(&step_minutes) {
        return Err(PlanError::StepOutOfRange);
    }
    if last < first {
        return Err(PlanError::LastBeforeFirst);
    }
    let mut times = Vec::new();
    let mut t = first;
    while t <= last {
        times.push(t);
        if times.len() > MAX_TIMES {
            return Err(PlanError::TooManyTimes);
        }
        let (next, wrapped) = t.overflowing_add_signed(Duration::minutes(i64::from(step_minutes)));
        if wrapped != 0 {
            break;
        }
        t = next;
    }
    Ok(times)
}

pub fn check_date(date: NaiveDate, today: NaiveDate) -> Result<(), PlanError> {
    if date < today {
        Err(PlanError::DateInPast)
    } else {
        Ok(())
    }
}

pub fn check_places_per_time(places: u32) -> Result<(), PlanError> {
    if (1..=MAX_PLACES_PER_TIME).contains(&places) {
        Ok(())
    } else {
        Err(PlanError::PlacesOutOfRange)
    }
}

/// One group's need as entered: how many donors, and whether only K− donors fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedEntry {
    pub group: BloodGroup,
    pub rh: Rh,
    pub needed: u32,
    pub kell_negative_only: bool,
}

/// At least one group needs someone, counts are in range, and each group+Rh appears once.
pub fn check_needs(needs: &[NeedEntry]) -> Result<(), PlanError> {
    if needs.iter().any(|n| n.needed > MAX_NEEDED) {
        return Err(PlanError::NeededOutOfRange);
    }
    for (i, a) in needs.iter().enumerate() {
        if needs[i + 1..].iter().any(|b| a.group == b.group && a.rh == b.rh) {
            return Err(PlanError::DuplicateGroup);
        }
    }
    if needs.iter().all(|n| n.needed == 0) {
        return Err(PlanError::NoNeeds);
    }
    Ok(())
}

/// A need or a time may shrink, but never below what is already booked.
pub fn check_not_below_booked(new_total: u32, booked: u32) -> Result<(), PlanError> {
    if new_total < booked {
        Err(PlanError::BelowBooked { booked })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn grid_includes_both_ends() {
        assert_eq!(time_grid(t(8, 0), t(9, 0), 15).unwrap(), vec![t(8, 0), t(8, 15), t(8, 30), t(8, 45), t(9, 0)]);
        assert_eq!(time_grid(t(8, 0), t(8, 0), 15).unwrap(), vec![t(8, 0)]);
        assert_eq!(time_grid(t(8, 0), t(8, 50), 30).unwrap(), vec![t(8, 0), t(8, 30)]);
    }

    #[test]
    fn grid_is_checked() {
        assert_eq!(time_grid(t(9, 0), t(8, 0), 15), Err(PlanError::LastBeforeFirst));
        assert_eq!(time_grid(t(8, 0), t(9, 0), 4), Err(PlanError::StepOutOfRange));
        assert_eq!(time_grid(t(8, 0), t(9, 0), 241), Err(PlanError::StepOutOfRange));
        assert_eq!(time_grid(t(0, 0), t(23, 55), 5), Err(PlanError::TooManyTimes));
        assert_eq!(time_grid(t(23, 0), t(23, 59), 30).unwrap().len(), 2, "no wrap past midnight");
    }

    #[test]
    fn dates_and_places() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert!(check_date(today, today).is_ok());
        assert_eq!(check_date(today.pred_opt().unwrap(), today), Err(PlanError::DateInPast));
        assert_eq!(check_places_per_time(0), Err(PlanError::PlacesOutOfRange));
        assert!(check_places_per_time(50).is_ok());
        assert_eq!(check_places_per_time(51), Err(PlanError::PlacesOutOfRange));
    }

    #[test]
    fn needs_are_checked() {
        let n = |group, rh, needed| NeedEntry { group, rh, needed, kell_negative_only: false };
        assert!(check_needs(&[n(BloodGroup::O, Rh::Negative, 3)]).is_ok());
        assert_eq!(check_needs(&[]), Err(PlanError::NoNeeds));
        assert_eq!(check_needs(&[n(BloodGroup::O, Rh::Negative, 0)]), Err(PlanError::NoNeeds));
        assert_eq!(
            check_needs(&[n(BloodGroup::A, Rh::Positive, 1), n(BloodGroup::A, Rh::Positive, 2)]),
            Err(PlanError::DuplicateGroup)
        );
        assert_eq!(check_needs(&[n(BloodGroup::A, Rh::Positive, 501)]), Err(PlanError::NeededOutOfRange));
    }

    #[test]
    fn never_below_booked() {
        assert!(check_not_below_booked(3, 3).is_ok());
        assert_eq!(check_not_below_booked(2, 3), Err(PlanError::BelowBooked { booked: 3 }));
    }
}
