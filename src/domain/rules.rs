//! The rules R1–R7 of SPEC.md as pure functions. Each returns `Ok(())` or the rule that
//! blocks, with the first day from which the donor can book where such a day exists.
//! [`donor_may_book`] is the donor's side of every booking decision (`decision::decide`, the
//! cabinet's hints, the registrar's warnings): R1, R3, R4, R5 and the intervals between
//! donation types.

use super::blood::BloodProfile;
use super::calendar::local_date;
use super::cells::GroupNeed;
use super::intervals::{check_interval, last_donation, Donation, IntervalBlock, IntervalTable};
use super::{DonationType, Labelled, Locale};
use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The seed's R5: days after any donation before the next booking (the medical intervals
/// between donation types are the table in `intervals`); and days a record is kept (R6).
pub const R5_DAYS_AFTER_DONATION: u64 = 10;
pub const RECORD_RETENTION_DAYS: u64 = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rule {
    /// Only donors with a confirmed e-mail can book.
    R1,
    /// Only a cell that needs the donor's group and Rh (and Kell where restricted).
    R2,
    /// At most one active booking.
    R3,
    /// After cancelling, booking again only from the next calendar day.
    R4,
    /// Booking only 10 days after the last donation.
    R5,
    /// The cell's day is too soon after a donation for its donation type (Приказ № 1166н,
    /// Приложение 7; the centre's table of intervals).
    Interval,
    /// Records are kept 10 days.
    R6,
    /// No place is given twice.
    R7,
}

impl Rule {
    pub const ALL: [Rule; 8] = [Rule::R1, Rule::R2, Rule::R3, Rule::R4, Rule::R5, Rule::Interval, Rule::R6, Rule::R7];

    /// The stored name of a rule (a refusal's `rule`).
    pub fn code(self) -> &'static str {
        match self {
            Rule::R1 => "R1",
            Rule::R2 => "R2",
            Rule::R3 => "R3",
            Rule::R4 => "R4",
            Rule::R5 => "R5",
            Rule::Interval => "interval",
            Rule::R6 => "R6",
            Rule::R7 => "R7",
        }
    }

    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.code() == code)
    }

    /// What the rule is about, in a few words (a registrar's list of refusals).
    pub fn short(self, locale: Locale) -> &'static str {
        match (locale, self) {
            (Locale::Ru, Rule::R1) => "R1: почта не подтверждена",
            (Locale::En, Rule::R1) => "R1: e-mail not confirmed",
            (Locale::Ru, Rule::R2) => "R2: группа не нужна в ячейке",
            (Locale::En, Rule::R2) => "R2: group not needed in the cell",
            (Locale::Ru, Rule::R3) => "R3: уже есть активная запись",
            (Locale::En, Rule::R3) => "R3: already has an active booking",
            (Locale::Ru, Rule::R4) => "R4: отменил запись сегодня",
            (Locale::En, Rule::R4) => "R4: cancelled a booking today",
            (Locale::Ru, Rule::R5) => "R5: менее 10 дней после донации",
            (Locale::En, Rule::R5) => "R5: under 10 days since a donation",
            (Locale::Ru, Rule::Interval) => "Интервал между донациями",
            (Locale::En, Rule::Interval) => "Interval between donations",
            (Locale::Ru, Rule::R6) => "R6: запись устарела",
            (Locale::En, Rule::R6) => "R6: record too old",
            (Locale::Ru, Rule::R7) => "R7: нет свободных мест",
            (Locale::En, Rule::R7) => "R7: no free place",
        }
    }
}

#[cfg(test)]
mod rule_code_tests {
    use super::*;

    #[test]
    fn every_rule_round_trips_its_code() {
        for rule in Rule::ALL {
            assert_eq!(Rule::from_code(rule.code()), Some(rule));
            assert!(!rule.short(Locale::Ru).is_empty() && !rule.short(Locale::En).is_empty());
        }
        assert_eq!(Rule::from_code("R9"), None);
    }
}

/// A booking refused by a rule; `until` is the first day booking becomes possible, when known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocked {
    pub rule: Rule,
    pub until: Option<NaiveDate>,
    /// For [`Rule::Interval`]: the donation that must be followed by the interval.
    pub interval: Option<IntervalBlock>,
}

impl Blocked {
    pub fn by(rule: Rule) -> Blocked {
        Blocked { rule, until: None, interval: None }
    }

    fn until(rule: Rule, day: NaiveDate) -> Blocked {
        Blocked { rule, until: Some(day), interval: None }
    }

    pub fn interval(block: IntervalBlock) -> Blocked {
        Blocked { rule: Rule::Interval, until: Some(block.allowed_from), interval: Some(block) }
    }

    /// The sentence shown to the donor: which rule, and from when they can book.
    pub fn message(&self, locale: Locale) -> String {
        let date = self.until.map(|d| locale.format_date(d));
        match (locale, self.rule) {
            (Locale::Ru, Rule::R1) => "Запись доступна только после подтверждения электронной почты.".into(),
            (Locale::En, Rule::R1) => "You can book only after confirming your e-mail address.".into(),
            (Locale::Ru, Rule::R2) => {
                "Эта ячейка не нуждается в Вашей группе крови. Компонентов крови Вашей группы в настоящий момент достаточно, попробуйте записаться повторно на следующий день.".into()
            }
            (Locale::En, Rule::R2) => {
                "This cell does not need your blood group. Components of your group are sufficient at the moment; please try again the next day.".into()
            }
            (Locale::Ru, Rule::R3) => "У Вас уже есть активная запись. Одновременно возможна только одна запись.".into(),
            (Locale::En, Rule::R3) => "You already have an active booking; only one at a time is possible.".into(),
            (Locale::Ru, Rule::R4) => format!(
                "После самостоятельной отмены записи Вы сможете записаться только на следующий день — с {}.",
                date.unwrap_or_default()
            ),
            (Locale::En, Rule::R4) => format!(
                "After cancelling a booking yourself you can book again from the next day — from {}.",
                date.unwrap_or_default()
            ),
            (Locale::Ru, Rule::R5) => format!(
                "Повторная запись доступна только через 10 дней после последней донации — с {}.",
                date.unwrap_or_default()
            ),
            (Locale::En, Rule::R5) => format!(
                "A new booking is possible only 10 days after your last donation — from {}.",
                date.unwrap_or_default()
            ),
            (_, Rule::Interval) => match self.interval {
                Some(b) => interval_message(&b, locale),
                None => String::new(),
            },
            (Locale::Ru, Rule::R6) => "Записи хранятся 10 дней.".into(),
            (Locale::En, Rule::R6) => "Records are kept for 10 days.".into(),
            (Locale::Ru, Rule::R7) => "Это время только что заняли. Выберите другое время.".into(),
            (Locale::En, Rule::R7) => "This time was just taken. Please choose another time.".into(),
        }
    }
}

/// "After plasma on 01.12.2026 you can book whole blood from 15.12.2026 (14 days)."
fn interval_message(b: &IntervalBlock, locale: Locale) -> String {
    let (after, on, next) = (b.after.donation_type.label(locale), locale.format_date(b.after.on), b.next.label(locale));
    let from = locale.format_date(b.allowed_from);
    match locale {
        Locale::Ru => format!(
            "После донации «{after}» {on} запись на донацию «{next}» возможна с {from}: между ними должно пройти не менее {} дн.",
            b.days
        ),
        Locale::En => format!(
            "After your {after} donation on {on}, a {next} donation can be booked from {from}: at least {} days must pass between them.",
            b.days
        ),
    }
}

/// R1: the e-mail must be confirmed.
pub fn check_email_confirmed(confirmed: bool) -> Result<(), Blocked> {
    if confirmed {
        Ok(())
    } else {
        Err(Blocked::by(Rule::R1))
    }
}

/// R2: at least one of the cell's needs with places left fits the donor.
pub fn check_group_fits(donor: &BloodProfile, needs: &[GroupNeed]) -> Result<(), Blocked> {
    if needs.iter().any(|n| n.remaining() > 0 && n.fits(donor)) {
        Ok(())
    } else {
        Err(Blocked::by(Rule::R2))
    }
}

/// R3: no other pending or approved booking.
pub fn check_no_active_booking(has_active_booking: bool) -> Result<(), Blocked> {
    if has_active_booking {
        Err(Blocked::by(Rule::R3))
    } else {
        Ok(())
    }
}

/// R4: a donor who cancelled today (in the centre's calendar) may book again tomorrow.
pub fn check_cancellation_cooldown(
    last_self_cancel_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<(), Blocked> {
    let Some(cancelled_at) = last_self_cancel_at else {
        return Ok(());
    };
    let allowed_from = local_date(cancelled_at, tz) + Days::new(1);
    if local_date(now, tz) >= allowed_from {
        Ok(())
    } else {
        Err(Blocked::until(Rule::R4, allowed_from))
    }
}

/// R5: booking becomes possible on the 10th day after the last donation.
pub fn check_donation_interval(last_donation_on: Option<NaiveDate>, today: NaiveDate) -> Result<(), Blocked> {
    let Some(donated) = last_donation_on else {
        return Ok(());
    };
    let allowed_from = donated + Days::new(R5_DAYS_AFTER_DONATION);
    if today >= allowed_from {
        Ok(())
    } else {
        Err(Blocked::until(Rule::R5, allowed_from))
    }
}

/// R6: bookings dated before this day are purged; later ones are listed in the cabinet.
pub fn retention_cutoff(today: NaiveDate) -> NaiveDate {
    today - Days::new(RECORD_RETENTION_DAYS)
}

/// R7: a place can be taken only while fewer than `capacity` are booked.
pub fn check_place_free(capacity: u32, booked: u32) -> Result<(), Blocked> {
    if booked < capacity {
        Ok(())
    } else {
        Err(Blocked::by(Rule::R7))
    }
}

/// What the rules need to know about a donor at one instant (their booking history).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DonorState {
    pub email_confirmed: bool,
    pub has_active_booking: bool,
    pub last_self_cancel_at: Option<DateTime<Utc>>,
    /// Every donation on record, in any order.
    pub donations: Vec<Donation>,
}

impl DonorState {
    pub fn last_donation(&self) -> Option<Donation> {
        last_donation(&self.donations)
    }
}

/// R1, R3, R4, R5: whether the donor may book anything now, in the order a donor can act on
/// them. Shown once above the list of cells rather than on every cell.
pub fn check_standing(donor: &DonorState, now: DateTime<Utc>, tz: Tz) -> Result<(), Blocked> {
    check_email_confirmed(donor.email_confirmed)?;
    check_no_active_booking(donor.has_active_booking)?;
    check_cancellation_cooldown(donor.last_self_cancel_at, now, tz)?;
    check_donation_interval(donor.last_donation().map(|d| d.on), local_date(now, tz))
}

/// The interval between donation types for a cell of `kind` on `date`.
pub fn check_type_interval(
    donor: &DonorState,
    kind: DonationType,
    date: NaiveDate,
    intervals: &IntervalTable,
) -> Result<(), Blocked> {
    check_interval(&donor.donations, kind, date, intervals).map_err(Blocked::interval)
}

/// The donor's side of booking a cell of `kind` on `date` now: R1, R3, R4, R5, then the
/// interval since each donation on record.
pub fn donor_may_book(
    donor: &DonorState,
    kind: DonationType,
    date: NaiveDate,
    now: DateTime<Utc>,
    tz: Tz,
    intervals: &IntervalTable,
) -> Result<(), Blocked> {
    check_standing(donor, now, tz)?;
    check_type_interval(donor, kind, date, intervals)
}

/// The first day a cell of `kind` could be booked by this donor: today, or later where R4,
/// R5 or an interval since a donation says so. (R1 and R3 have no day: they end when the
/// donor acts.)
pub fn first_bookable_day(
    donor: &DonorState,
    kind: DonationType,
    now: DateTime<Utc>,
    tz: Tz,
    intervals: &IntervalTable,
) -> NaiveDate {
    let today = local_date(now, tz);
    let by_rule = [
        check_cancellation_cooldown(donor.last_self_cancel_at, now, tz).err(),
        check_donation_interval(donor.last_donation().map(|d| d.on), today).err(),
        check_type_interval(donor, kind, today, intervals).err(),
    ];
    by_rule.into_iter().flatten().filter_map(|b| b.until).fold(today, NaiveDate::max)
}

/// Everything a donor-facing page can tell about one cell before trying, the reason most
/// specific to the cell first: R2 (the cell does not need the donor's group at all), then
/// the donor's side. R7 is decided at the moment of booking.
#[allow(clippy::too_many_arguments)]
pub fn may_book(
    donor: &DonorState,
    blood: &BloodProfile,
    kind: DonationType,
    date: NaiveDate,
    cell_needs: &[GroupNeed],
    now: DateTime<Utc>,
    tz: Tz,
    intervals: &IntervalTable,
) -> Result<(), Blocked> {
    check_group_fits(blood, cell_needs)?;
    donor_may_book(donor, kind, date, now, tz, intervals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::blood::{BloodGroup, Kell, Rh};
    use crate::domain::calendar::DEFAULT_TIME_ZONE as MSK;
    use crate::domain::intervals::{Donation, IntervalTable};
    use chrono::TimeZone;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// An instant given in Moscow wall-clock time.
    fn msk(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        MSK.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
    }

    const DONOR: BloodProfile = BloodProfile { group: BloodGroup::A, rh: Rh::Positive, kell: Kell::Negative };

    fn need(group: BloodGroup, rh: Rh, needed: u32, booked: u32) -> GroupNeed {
        GroupNeed { group, rh, kell_negative_only: false, needed, booked }
    }

    #[test]
    fn r1_unconfirmed_email_blocks() {
        assert_eq!(check_email_confirmed(false).unwrap_err().rule, Rule::R1);
        assert!(check_email_confirmed(true).is_ok());
    }

    #[test]
    fn r2_needs_own_group_with_places_left() {
        assert!(check_group_fits(&DONOR, &[need(BloodGroup::A, Rh::Positive, 2, 1)]).is_ok());
        assert_eq!(check_group_fits(&DONOR, &[need(BloodGroup::A, Rh::Negative, 2, 0)]).unwrap_err().rule, Rule::R2);
        assert_eq!(check_group_fits(&DONOR, &[need(BloodGroup::A, Rh::Positive, 2, 2)]).unwrap_err().rule, Rule::R2);
        let kell_pos = BloodProfile { kell: Kell::Positive, ..DONOR };
        let k_neg_only = GroupNeed { kell_negative_only: true, ..need(BloodGroup::A, Rh::Positive, 1, 0) };
        assert!(check_group_fits(&DONOR, &[k_neg_only]).is_ok());
        assert_eq!(check_group_fits(&kell_pos, &[k_neg_only]).unwrap_err().rule, Rule::R2);
    }

    #[test]
    fn r3_one_active_booking() {
        assert_eq!(check_no_active_booking(true).unwrap_err(), Blocked::by(Rule::R3));
        assert!(check_no_active_booking(false).is_ok());
    }

    #[test]
    fn r4_blocks_the_rest_of_the_moscow_day_only() {
        let cancelled = msk(2026, 11, 26, 23, 58);
        let blocked = Blocked::until(Rule::R4, date(2026, 11, 27));
        // The same evening, one minute before Moscow midnight (20:59 UTC).
        assert_eq!(check_cancellation_cooldown(Some(cancelled), msk(2026, 11, 26, 23, 59), MSK), Err(blocked));
        // Moscow midnight is 21:00 UTC of the previous UTC day: already the next calendar day.
        assert!(check_cancellation_cooldown(Some(cancelled), msk(2026, 11, 27, 0, 0), MSK).is_ok());
        assert!(check_cancellation_cooldown(Some(cancelled), msk(2026, 11, 28, 12, 0), MSK).is_ok());
        assert!(check_cancellation_cooldown(None, msk(2026, 11, 26, 23, 59), MSK).is_ok());
    }

    #[test]
    fn r4_uses_the_centre_day_not_the_utc_day() {
        // 01:30 in Moscow is 22:30 UTC the day before: the cancel day is the Moscow one.
        let cancelled = msk(2026, 11, 27, 1, 30);
        let err = check_cancellation_cooldown(Some(cancelled), msk(2026, 11, 27, 22, 0), MSK).unwrap_err();
        assert_eq!(err.until, Some(date(2026, 11, 28)));
    }

    #[test]
    fn r5_day_9_blocked_day_10_and_11_allowed() {
        let donated = Some(date(2026, 11, 1));
        assert_eq!(
            check_donation_interval(donated, date(2026, 11, 10)),
            Err(Blocked::until(Rule::R5, date(2026, 11, 11)))
        );
        assert!(check_donation_interval(donated, date(2026, 11, 11)).is_ok());
        assert!(check_donation_interval(donated, date(2026, 11, 12)).is_ok());
        assert!(check_donation_interval(None, date(2026, 11, 2)).is_ok());
    }

    #[test]
    fn r6_keeps_the_last_ten_days() {
        let today = date(2026, 11, 26);
        let cutoff = retention_cutoff(today);
        assert_eq!(cutoff, date(2026, 11, 16));
        // A booking dated on the cutoff day is still listed; the day before is purged.
        assert!(date(2026, 11, 16) >= cutoff);
        assert!(date(2026, 11, 15) < cutoff);
    }

    #[test]
    fn r7_capacity_boundary() {
        assert!(check_place_free(10, 9).is_ok());
        assert_eq!(check_place_free(10, 10).unwrap_err().rule, Rule::R7);
        assert_eq!(check_place_free(0, 0).unwrap_err().rule, Rule::R7);
    }

    fn gave(on: NaiveDate, donation_type: DonationType) -> Vec<Donation> {
        vec![Donation { on, donation_type }]
    }

    #[test]
    fn may_book_reports_the_first_rule_that_blocks() {
        let needs = [need(BloodGroup::A, Rh::Positive, 5, 0)];
        let now = msk(2026, 11, 26, 12, 0);
        let table = IntervalTable::default();
        let (kind, day) = (DonationType::Plasma, date(2026, 12, 20));
        let ok = DonorState { email_confirmed: true, ..DonorState::default() };
        let check = |d: &DonorState| may_book(d, &DONOR, kind, day, &needs, now, MSK, &table);
        assert!(check(&ok).is_ok());
        assert_eq!(check(&DonorState { email_confirmed: false, ..ok.clone() }).unwrap_err().rule, Rule::R1);
        assert_eq!(check(&DonorState { has_active_booking: true, ..ok.clone() }).unwrap_err().rule, Rule::R3);
        let cancelled = DonorState { last_self_cancel_at: Some(msk(2026, 11, 26, 8, 0)), ..ok.clone() };
        assert_eq!(check(&cancelled).unwrap_err(), Blocked::until(Rule::R4, date(2026, 11, 27)));
        let recent = DonorState { donations: gave(date(2026, 11, 20), DonationType::Plasma), ..ok.clone() };
        assert_eq!(check(&recent).unwrap_err(), Blocked::until(Rule::R5, date(2026, 11, 30)));
        let other = BloodProfile { group: BloodGroup::B, ..DONOR };
        assert_eq!(may_book(&ok, &other, kind, day, &needs, now, MSK, &table).unwrap_err().rule, Rule::R2);
        // On a cell that does not need the donor's group, that is the reason shown, whatever else.
        let busy = DonorState { has_active_booking: true, ..ok.clone() };
        assert_eq!(may_book(&busy, &other, kind, day, &needs, now, MSK, &table).unwrap_err().rule, Rule::R2);
        // Standing ignores the cell: a B donor in good standing may book some other cell.
        assert!(check_standing(&ok, now, MSK).is_ok());
    }

    #[test]
    fn the_interval_applies_to_the_cell_day_after_r5_passes() {
        // Whole blood on 1 Nov: R5 allows booking from 11 Nov, but a whole-blood cell only
        // from 31 Dec (60 days); a plasma cell from 1 Dec (30 days).
        let table = IntervalTable::default();
        let donor = DonorState {
            email_confirmed: true,
            donations: gave(date(2026, 11, 1), DonationType::WholeBlood),
            ..DonorState::default()
        };
        let now = msk(2026, 11, 26, 12, 0);
        let refused =
            donor_may_book(&donor, DonationType::WholeBlood, date(2026, 12, 30), now, MSK, &table).unwrap_err();
        assert_eq!(refused.rule, Rule::Interval);
        assert_eq!(refused.until, Some(date(2026, 12, 31)));
        assert!(refused.message(Locale::Ru).contains("31.12.2026"), "{}", refused.message(Locale::Ru));
        assert!(refused.message(Locale::Ru).contains("Цельная кровь"));
        assert!(donor_may_book(&donor, DonationType::WholeBlood, date(2026, 12, 31), now, MSK, &table).is_ok());
        assert!(donor_may_book(&donor, DonationType::Plasma, date(2026, 12, 1), now, MSK, &table).is_ok());
        assert_eq!(
            donor_may_book(&donor, DonationType::Plasma, date(2026, 11, 30), now, MSK, &table).unwrap_err().until,
            Some(date(2026, 12, 1))
        );
    }

    #[test]
    fn first_bookable_day_per_type_is_the_latest_rule_day() {
        let table = IntervalTable::default();
        let now = msk(2026, 12, 2, 12, 0);
        let fresh = DonorState { email_confirmed: true, ..DonorState::default() };
        assert_eq!(first_bookable_day(&fresh, DonationType::Plasma, now, MSK, &table), date(2026, 12, 2));
        let plasma = DonorState { donations: gave(date(2026, 12, 1), DonationType::Plasma), ..fresh.clone() };
        // R5 says 11 Dec, plasma → whole blood 14 days says 15 Dec.
        assert_eq!(first_bookable_day(&plasma, DonationType::WholeBlood, now, MSK, &table), date(2026, 12, 15));
        let cancelled = DonorState { last_self_cancel_at: Some(msk(2026, 12, 2, 9, 0)), ..fresh };
        assert_eq!(first_bookable_day(&cancelled, DonationType::Plasma, now, MSK, &table), date(2026, 12, 3));
    }

    #[test]
    fn messages_name_the_date_in_the_locale() {
        let b = Blocked::until(Rule::R5, date(2026, 12, 3));
        assert!(b.message(Locale::Ru).contains("03.12.2026"));
        assert!(b.message(Locale::En).contains("3 Dec 2026"));
    }
}
