//! The booking decision: given everything on record at one instant, which place a donor's
//! request takes, or which rule refuses it. Pure: the booking transaction reads a
//! [`Snapshot`], calls [`decide`] and applies the [`Decision`] with conditional updates
//! (which keep R7 safe when two transactions race); nothing else decides.

use super::booking::holds_booking;
use super::cells::{fitting_need, has_begun, GroupNeed, TimeSlot};
use super::intervals::IntervalTable;
use super::rules::{donor_may_book, Blocked, DonorState, Rule};
use super::{BloodProfile, BookingStatus, DonationType};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;

/// An instant and the centre's calendar it is read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    pub utc: DateTime<Utc>,
    pub tz: Tz,
}

impl Moment {
    /// The centre's wall clock.
    pub fn local(&self) -> NaiveDateTime {
        self.utc.with_timezone(&self.tz).naive_local()
    }
}

/// The donor's booking stored as active (pending or approved), if any. Whether it still
/// holds them (R3) depends on the time: [`HeldBooking::holds_at`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeldBooking {
    pub booking_id: i64,
    pub cell_id: i64,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub status: BookingStatus,
}

impl HeldBooking {
    pub fn holds_at(&self, now_local: NaiveDateTime) -> bool {
        holds_booking(self.status, self.date, self.start, now_local)
    }
}

/// The cell asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellFacts {
    pub id: i64,
    pub date: NaiveDate,
    pub donation_type: DonationType,
    pub closed: bool,
}

/// Everything the decision reads, as of one instant.
#[derive(Clone, Copy, Debug)]
pub struct Snapshot<'a> {
    /// R1, R4, R5 and the intervals. Its `has_active_booking` must be `held`'s
    /// [`HeldBooking::holds_at`] now: a stored booking whose time has passed holds no one.
    pub donor: &'a DonorState,
    pub blood: BloodProfile,
    pub held: Option<HeldBooking>,
    pub cell: CellFacts,
    /// The cell's times (the store passes only the requested one: the decision needs no other).
    pub times: &'a [TimeSlot],
    pub needs: &'a [GroupNeed],
    pub requested: NaiveTime,
    pub now: Moment,
    pub intervals: &'a IntervalTable,
}

/// The place to take: indexes into the snapshot's `times` and `needs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub time: usize,
    pub need: usize,
    /// The donor's stored booking whose time has passed: released before the new one is
    /// written (a pending one becomes «Не рассмотрена»).
    pub releases: Option<i64>,
}

/// Why a request takes no place. Nothing is written then.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A donor-side rule (R1–R5, the intervals) or R2.
    Rule(Blocked),
    /// The chosen time has no free place left (R7).
    TimeTaken,
    /// The places of the donor's group in this cell are all taken.
    GroupFilled,
    /// No such time in the cell, or the cell is closed, or the time has begun.
    Unavailable,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Take(Place),
    /// The donor already holds exactly this booking: a repeated request (double click,
    /// retry) is answered with it.
    AlreadyHeld(i64),
    Refuse(Refusal),
}

/// Decides a booking request. The order is the one a donor can act on: their own standing
/// first, then the cell, the group (R2) and the time (R7).
pub fn decide(s: &Snapshot) -> Decision {
    let local = s.now.local();
    let (holding, lapsed) = match s.held {
        Some(h) if h.holds_at(local) => (Some(h), None),
        Some(h) => (None, Some(h.booking_id)),
        None => (None, None),
    };
    if let Some(held) = holding.filter(|h| h.cell_id == s.cell.id && h.start == s.requested) {
        return Decision::AlreadyHeld(held.booking_id);
    }
    if let Err(blocked) = donor_may_book(s.donor, s.cell.donation_type, s.cell.date, s.now.utc, s.now.tz, s.intervals) {
        return Decision::Refuse(Refusal::Rule(blocked));
    }
    let time = s.times.iter().position(|t| t.start == s.requested);
    let Some(time) = time.filter(|_| !s.cell.closed && !has_begun(s.cell.date, s.requested, local)) else {
        return Decision::Refuse(Refusal::Unavailable);
    };
    let Some(need) = need_for(s.needs, &s.blood) else {
        return Decision::Refuse(group_refusal(s.needs, &s.blood));
    };
    if s.times[time].free() == 0 {
        return Decision::Refuse(Refusal::TimeTaken);
    }
    Decision::Take(Place { time, need, releases: lapsed })
}

/// The index of the need the donor would take a place from.
fn need_for(needs: &[GroupNeed], blood: &BloodProfile) -> Option<usize> {
    let need = fitting_need(needs, blood)?;
    needs.iter().position(|n| std::ptr::eq(n, need))
}

/// No need with places fits: the donor's group has filled, or the cell never needed it (R2).
pub fn group_refusal(needs: &[GroupNeed], blood: &BloodProfile) -> Refusal {
    if needs.iter().any(|n| n.fits(blood)) {
        Refusal::GroupFilled
    } else {
        Refusal::Rule(Blocked::by(Rule::R2))
    }
}

/// The fast refusal for a flash crowd, read without the write lock: a request for a time
/// or a group already full at a committed instant can only be refused. A donor who holds a
/// booking is not pre-refused (their repeated request must find it).
pub fn refused_as_full(
    time: &TimeSlot,
    needs: &[GroupNeed],
    blood: &BloodProfile,
    holds_booking: bool,
) -> Option<Refusal> {
    if holds_booking {
        None
    } else if need_for(needs, blood).is_none() && needs.iter().any(|n| n.fits(blood)) {
        Some(Refusal::GroupFilled)
    } else if time.free() == 0 {
        Some(Refusal::TimeTaken)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::DEFAULT_TIME_ZONE as MSK;
    use crate::domain::intervals::Donation;
    use crate::domain::{BloodGroup, Coded, Kell, Rh};
    use chrono::TimeZone;
    use proptest::prelude::*;

    const BLOOD: BloodProfile = BloodProfile { group: BloodGroup::A, rh: Rh::Positive, kell: Kell::Negative };

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn msk(d: u32, h: u32) -> Moment {
        Moment { utc: MSK.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap().with_timezone(&Utc), tz: MSK }
    }

    struct Case {
        donor: DonorState,
        held: Option<HeldBooking>,
        cell: CellFacts,
        times: Vec<TimeSlot>,
        needs: Vec<GroupNeed>,
        intervals: IntervalTable,
    }

    impl Case {
        fn new() -> Case {
            Case {
                donor: DonorState { email_confirmed: true, ..DonorState::default() },
                held: None,
                cell: CellFacts { id: 7, date: day(10), donation_type: DonationType::Plasma, closed: false },
                times: vec![
                    TimeSlot { start: t(9, 0), capacity: 2, booked: 0 },
                    TimeSlot { start: t(9, 30), capacity: 1, booked: 1 },
                ],
                needs: vec![
                    GroupNeed {
                        group: BloodGroup::O,
                        rh: Rh::Positive,
                        kell_negative_only: false,
                        needed: 3,
                        booked: 0,
                    },
                    GroupNeed {
                        group: BloodGroup::A,
                        rh: Rh::Positive,
                        kell_negative_only: true,
                        needed: 2,
                        booked: 1,
                    },
                ],
                intervals: IntervalTable::default(),
            }
        }

        fn decide(&self, requested: NaiveTime, now: Moment) -> Decision {
            decide(&Snapshot {
                donor: &self.donor,
                blood: BLOOD,
                held: self.held,
                cell: self.cell,
                times: &self.times,
                needs: &self.needs,
                requested,
                now,
                intervals: &self.intervals,
            })
        }
    }

    #[test]
    fn takes_the_requested_time_from_the_fitting_need() {
        assert_eq!(Case::new().decide(t(9, 0), msk(1, 12)), Decision::Take(Place { time: 0, need: 1, releases: None }));
    }

    #[test]
    fn a_full_time_is_taken_and_a_full_group_filled() {
        let case = Case::new();
        assert_eq!(case.decide(t(9, 30), msk(1, 12)), Decision::Refuse(Refusal::TimeTaken));
        let mut full = Case::new();
        full.needs[1].booked = 2;
        assert_eq!(full.decide(t(9, 0), msk(1, 12)), Decision::Refuse(Refusal::GroupFilled));
        full.needs.remove(1);
        assert!(matches!(full.decide(t(9, 0), msk(1, 12)), Decision::Refuse(Refusal::Rule(b)) if b.rule == Rule::R2));
    }

    #[test]
    fn closed_unknown_or_begun_times_are_unavailable() {
        let mut case = Case::new();
        assert_eq!(case.decide(t(10, 0), msk(1, 12)), Decision::Refuse(Refusal::Unavailable), "no such time");
        assert_eq!(case.decide(t(9, 0), msk(10, 9)), Decision::Refuse(Refusal::Unavailable), "begun at 09:00");
        case.cell.closed = true;
        assert_eq!(case.decide(t(9, 0), msk(1, 12)), Decision::Refuse(Refusal::Unavailable));
    }

    #[test]
    fn the_same_request_again_gets_the_booking_held() {
        let mut case = Case::new();
        case.held = Some(held(42, BookingStatus::Pending, day(10), t(9, 0)));
        case.donor.has_active_booking = true;
        assert_eq!(case.decide(t(9, 0), msk(1, 12)), Decision::AlreadyHeld(42));
        // Another time of the same cell is a second booking: R3.
        assert!(matches!(case.decide(t(9, 30), msk(1, 12)), Decision::Refuse(Refusal::Rule(b)) if b.rule == Rule::R3));
    }

    fn held(booking_id: i64, status: BookingStatus, date: NaiveDate, start: NaiveTime) -> HeldBooking {
        HeldBooking { booking_id, cell_id: 7, date, start, status }
    }

    #[test]
    fn a_booking_whose_time_has_passed_is_released_by_the_next_one() {
        let mut case = Case::new();
        // Pending for 2 Dec 09:00, never decided; on 2 Dec at 09:00 Moscow time it stops holding.
        let stale = held(41, BookingStatus::Pending, day(2), t(9, 0));
        case.held = Some(stale);
        assert!(stale.holds_at(msk(2, 8).local()));
        case.donor.has_active_booking = stale.holds_at(msk(2, 9).local());
        assert_eq!(case.decide(t(9, 0), msk(2, 9)), Decision::Take(Place { time: 0, need: 1, releases: Some(41) }));
        // Approved for 1 Dec: holds through the day, released from Moscow midnight on.
        let visit = held(40, BookingStatus::Approved, day(1), t(9, 0));
        assert!(visit.holds_at(msk(1, 23).local()));
        let midnight = Moment { utc: Utc.with_ymd_and_hms(2026, 12, 1, 21, 0, 0).unwrap(), tz: MSK };
        assert!(!visit.holds_at(midnight.local()), "21:00 UTC is Moscow midnight");
        case.held = Some(visit);
        case.donor.has_active_booking = false;
        assert!(matches!(case.decide(t(9, 0), midnight), Decision::Take(Place { releases: Some(40), .. })));
    }

    #[test]
    fn a_plasma_donor_is_refused_whole_blood_until_the_interval_day() {
        let mut case = Case::new();
        case.cell.donation_type = DonationType::WholeBlood;
        case.donor.donations = vec![Donation { on: day(1), donation_type: DonationType::Plasma }];
        // R5 (10 days) passes on 11 Dec; the interval plasma → whole blood (14 days) on 15 Dec.
        case.cell.date = day(14);
        let Decision::Refuse(Refusal::Rule(b)) = case.decide(t(9, 0), msk(12, 8)) else { panic!("not refused") };
        assert_eq!((b.rule, b.until), (Rule::Interval, Some(day(15))));
        case.cell.date = day(15);
        assert!(matches!(case.decide(t(9, 0), msk(12, 8)), Decision::Take(_)));
    }

    #[test]
    fn the_pre_check_refuses_only_what_the_decision_would() {
        let case = Case::new();
        assert_eq!(refused_as_full(&case.times[1], &case.needs, &BLOOD, false), Some(Refusal::TimeTaken));
        assert_eq!(refused_as_full(&case.times[1], &case.needs, &BLOOD, true), None, "a holder's retry goes through");
        assert_eq!(refused_as_full(&case.times[0], &case.needs, &BLOOD, false), None);
        let mut full = Case::new();
        full.needs[1].booked = 2;
        assert_eq!(refused_as_full(&full.times[0], &full.needs, &BLOOD, false), Some(Refusal::GroupFilled));
    }

    fn any_type() -> impl Strategy<Value = DonationType> {
        prop::sample::select(DonationType::ALL.to_vec())
    }

    fn any_blood() -> impl Strategy<Value = BloodProfile> {
        (prop::sample::select(BloodGroup::ALL.to_vec()), prop::sample::select(Rh::ALL.to_vec()), any::<bool>())
            .prop_map(|(group, rh, k)| BloodProfile {
                group,
                rh,
                kell: if k { Kell::Positive } else { Kell::Negative },
            })
    }

    fn any_need() -> impl Strategy<Value = GroupNeed> {
        (any_blood(), any::<bool>(), 0u32..4, 0u32..4).prop_map(|(b, k, needed, extra)| GroupNeed {
            group: b.group,
            rh: b.rh,
            kell_negative_only: k,
            needed,
            booked: needed.min(extra),
        })
    }

    fn any_time() -> impl Strategy<Value = TimeSlot> {
        (8u32..12, 0u32..3, 0u32..3).prop_map(|(h, capacity, booked)| TimeSlot {
            start: t(h, 0),
            capacity,
            booked: booked.min(capacity),
        })
    }

    prop_compose! {
        fn any_donor()(confirmed in any::<bool>(), active in any::<bool>(), cancelled_day in prop::option::of(1u32..12),
                       gave in prop::collection::vec((1u32..12, any_type()), 0..3)) -> DonorState {
            DonorState {
                email_confirmed: confirmed,
                has_active_booking: active,
                last_self_cancel_at: cancelled_day.map(|d| msk(d, 10).utc),
                donations: gave.into_iter().map(|(d, donation_type)| Donation { on: day(d), donation_type }).collect(),
            }
        }
    }

    proptest! {
        /// Whatever is on record, a place is given only where the times and the quotas have
        /// one, for the requested time, to a fitting group, and never twice to a holder.
        #[test]
        fn never_gives_a_place_the_quotas_or_times_do_not_have(
            donor in any_donor(), blood in any_blood(), kind in any_type(), closed in any::<bool>(),
            cell_day in 1u32..20, now_day in 1u32..20, now_hour in 0u32..24, requested_hour in 8u32..12,
            times in prop::collection::vec(any_time(), 0..4), needs in prop::collection::vec(any_need(), 0..4),
        ) {
            let intervals = IntervalTable::default();
            let now = msk(now_day, now_hour);
            let snapshot = Snapshot {
                donor: &donor, blood, held: None,
                cell: CellFacts { id: 1, date: day(cell_day), donation_type: kind, closed },
                times: &times, needs: &needs, requested: t(requested_hour, 0), now, intervals: &intervals,
            };
            match decide(&snapshot) {
                Decision::Take(place) => {
                    let (time, need) = (times[place.time], needs[place.need]);
                    prop_assert_eq!(time.start, t(requested_hour, 0));
                    prop_assert!(time.booked < time.capacity);
                    prop_assert!(need.booked < need.needed && need.fits(&blood));
                    prop_assert!(!closed && day(cell_day).and_time(time.start) > now.local());
                    prop_assert!(donor.email_confirmed && !donor.has_active_booking);
                }
                Decision::Refuse(Refusal::Rule(blocked)) => {
                    // A refusal by rule names it, and a date wherever one exists.
                    if matches!(blocked.rule, Rule::R4 | Rule::R5 | Rule::Interval) {
                        prop_assert!(blocked.until.is_some());
                    }
                    prop_assert!(!blocked.message(crate::domain::Locale::Ru).is_empty());
                }
                Decision::Refuse(_) => {}
                Decision::AlreadyHeld(_) => prop_assert!(false, "no booking is held"),
            }
        }

        /// The fast pre-check never refuses what the decision would take.
        #[test]
        fn the_pre_check_never_refuses_a_place_the_decision_gives(
            blood in any_blood(), time in any_time(), needs in prop::collection::vec(any_need(), 0..4),
        ) {
            let donor = DonorState { email_confirmed: true, ..DonorState::default() };
            let intervals = IntervalTable::default();
            let times = [time];
            let snapshot = Snapshot {
                donor: &donor, blood, held: None,
                cell: CellFacts { id: 1, date: day(20), donation_type: DonationType::Plasma, closed: false },
                times: &times, needs: &needs, requested: time.start, now: msk(1, 12), intervals: &intervals,
            };
            if let Decision::Take(_) = decide(&snapshot) {
                prop_assert_eq!(refused_as_full(&time, &needs, &blood, false), None);
            }
        }
    }
}
