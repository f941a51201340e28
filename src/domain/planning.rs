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
    /// A time added to a cell already exists there.
    TimeExists,
    /// The time is not in the cell's grid.
    NoSuchTime,
    /// Copying onto dates that overlap the copied ones.
    CopyOverlap,
    /// A copy spans 1 to [`MAX_COPY_DAYS`] days.
    CopySpanOutOfRange,
}

/// A planner copies at most a week at a time.
pub const MAX_COPY_DAYS: u32 = 7;

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

/// How a cell's places (over all its times) compare with its needs (over all its groups):
/// each booking takes one of each, so a difference means places no donor can take, or needs
/// no place can meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlacesVsNeeds {
    Agree,
    /// Fewer places than donors needed: `missing` donors cannot be booked at all.
    FewerPlaces {
        missing: u32,
    },
    /// More places than donors needed: `extra` places will stay empty.
    MorePlaces {
        extra: u32,
    },
}

pub fn places_vs_needs(places: u32, needed: u32) -> PlacesVsNeeds {
    match places.cmp(&needed) {
        std::cmp::Ordering::Equal => PlacesVsNeeds::Agree,
        std::cmp::Ordering::Less => PlacesVsNeeds::FewerPlaces { missing: needed - places },
        std::cmp::Ordering::Greater => PlacesVsNeeds::MorePlaces { extra: places - needed },
    }
}

/// A cell that may be copied to another date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CopySource<K> {
    pub id: i64,
    pub date: NaiveDate,
    pub closed: bool,
    pub place_archived: bool,
    /// What makes a cell unique on its date (place and donation type).
    pub key: K,
}

/// Why a cell of the copied days is not copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CopySkip {
    /// Closed cells are not needed any more: they are not a template.
    Closed,
    PlaceArchived,
    /// The place already has a cell of this type on the target date.
    AlreadyPlanned,
}

/// One cell of a copy: where it lands, or why it does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyItem {
    pub source_id: i64,
    pub to: NaiveDate,
    pub skip: Option<CopySkip>,
}

/// The plan of copying the `days` days from `from` onto the days from `to`, each cell keeping
/// its weekday offset. `planned(key, date)` says whether the target date already has that cell.
pub fn copy_plan<K: Copy>(
    sources: &[CopySource<K>],
    from: NaiveDate,
    to: NaiveDate,
    days: u32,
    today: NaiveDate,
    planned: impl Fn(K, NaiveDate) -> bool,
) -> Result<Vec<CopyItem>, PlanError> {
    if !(1..=MAX_COPY_DAYS).contains(&days) {
        return Err(PlanError::CopySpanOutOfRange);
    }
    check_date(to, today)?;
    let span = Duration::days(i64::from(days));
    if to < from + span && from < to + span {
        return Err(PlanError::CopyOverlap);
    }
    let mut items: Vec<CopyItem> = sources
        .iter()
        .filter(|s| s.date >= from && s.date < from + span)
        .map(|s| {
            let target = to + (s.date - from);
            let skip = if s.closed {
                Some(CopySkip::Closed)
            } else if s.place_archived {
                Some(CopySkip::PlaceArchived)
            } else if planned(s.key, target) {
                Some(CopySkip::AlreadyPlanned)
            } else {
                None
            };
            CopyItem { source_id: s.id, to: target, skip }
        })
        .collect();
    items.sort_by_key(|i| (i.to, i.source_id));
    Ok(items)
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

    #[test]
    fn places_against_needs() {
        assert_eq!(places_vs_needs(34, 100), PlacesVsNeeds::FewerPlaces { missing: 66 });
        assert_eq!(places_vs_needs(40, 10), PlacesVsNeeds::MorePlaces { extra: 30 });
        assert_eq!(places_vs_needs(12, 12), PlacesVsNeeds::Agree);
    }

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    #[test]
    fn a_week_is_copied_weekday_for_weekday() {
        let src = |id, day, key| CopySource { id, date: d(day), closed: false, place_archived: false, key };
        let mut closed = src(3, 9, 'c');
        closed.closed = true;
        let mut archived = src(4, 10, 'd');
        archived.place_archived = true;
        // Monday 7th … Sunday 13th onto Monday 14th; the 20th (Sunday) already has cell 'b'.
        let sources = [src(1, 7, 'a'), src(2, 13, 'b'), closed, archived, src(5, 14, 'e')];
        let plan = copy_plan(&sources, d(7), d(14), 7, d(5), |key, date| key == 'b' && date == d(20)).unwrap();
        assert_eq!(
            plan,
            vec![
                CopyItem { source_id: 1, to: d(14), skip: None },
                CopyItem { source_id: 3, to: d(16), skip: Some(CopySkip::Closed) },
                CopyItem { source_id: 4, to: d(17), skip: Some(CopySkip::PlaceArchived) },
                CopyItem { source_id: 2, to: d(20), skip: Some(CopySkip::AlreadyPlanned) },
            ],
            "cell 5 (the 14th) is outside the copied week"
        );
    }

    #[test]
    fn copies_are_checked() {
        let none: [CopySource<()>; 0] = [];
        let no = |_: (), _: NaiveDate| false;
        assert_eq!(copy_plan(&none, d(7), d(10), 7, d(5), no), Err(PlanError::CopyOverlap));
        assert_eq!(copy_plan(&none, d(10), d(7), 7, d(5), no), Err(PlanError::CopyOverlap));
        assert_eq!(copy_plan(&none, d(7), d(7), 1, d(5), no), Err(PlanError::CopyOverlap));
        assert_eq!(copy_plan(&none, d(7), d(8), 1, d(5), no), Ok(vec![]));
        assert_eq!(copy_plan(&none, d(7), d(4), 1, d(5), no), Err(PlanError::DateInPast));
        assert_eq!(copy_plan(&none, d(7), d(20), 8, d(5), no), Err(PlanError::CopySpanOutOfRange));
        assert_eq!(copy_plan(&none, d(7), d(20), 0, d(5), no), Err(PlanError::CopySpanOutOfRange));
    }
}
