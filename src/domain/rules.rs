//! The rules R1–R7 of SPEC.md as pure functions. Each returns `Ok(())` or the rule that
//! blocks, with the first day from which the donor can book where such a day exists.

use super::blood::BloodProfile;
use super::calendar::local_date;
use super::cells::GroupNeed;
use super::Locale;
use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Days after a donation before the next booking (R5) and days a record is kept (R6).
pub const DONATION_INTERVAL_DAYS: u64 = 10;
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
    /// Records are kept 10 days.
    R6,
    /// No place is given twice.
    R7,
}

/// A booking refused by a rule; `until` is the first day booking becomes possible, when known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocked {
    pub rule: Rule,
    pub until: Option<NaiveDate>,
}

impl Blocked {
    fn by(rule: Rule) -> Blocked {
        Blocked { rule, until: None }
    }

    /// The sentence shown to the donor: which rule, and from when they can book.
    pub fn message(&self, locale: Locale) -> String {
        let date = self.until.map(|d| locale.format_date(d));
        match (locale, self.rule) {
            (Locale::Ru, Rule::R1) => "Запись доступна только после подтверждения электронной почты.".into(),
            (Locale::En, Rule::R1) => "You can book only after confirming your e-mail address.".into(),
            (Locale::Ru, Rule::R2) => {
                "Эта ячейка не нуждается в вашей группе крови. Компонентов крови вашей группы в настоящий момент достаточно, попробуйте записаться повторно на следующий день.".into()
            }
            (Locale::En, Rule::R2) => {
                "This cell does not need your blood group. Components of your group are sufficient at the moment; please try again the next day.".into()
            }
            (Locale::Ru, Rule::R3) => "У вас уже есть активная запись. Одновременно возможна только одна запись.".into(),
            (Locale::En, Rule::R3) => "You already have an active booking; only one at a time is possible.".into(),
            (Locale::Ru, Rule::R4) => format!(
                "После самостоятельной отмены записи вы сможете записаться только на следующий день — с {}.",
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
            (Locale::Ru, Rule::R6) => "Записи хранятся 10 дней.".into(),
            (Locale::En, Rule::R6) => "Records are kept for 10 days.".into(),
            (Locale::Ru, Rule::R7) => "Это время только что заняли. Выберите другое время.".into(),
            (Locale::En, Rule::R7) => "This time was just taken. Please choose another time.".into(),
        }
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
        Err(Blocked { rule: Rule::R4, until: Some(allowed_from) })
    }
}

/// R5: booking becomes possible on the 10th day after the last donation.
pub fn check_donation_interval(last_donation_on: Option<NaiveDate>, today: NaiveDate) -> Result<(), Blocked> {
    let Some(donated) = last_donation_on else {
        return Ok(());
    };
    let allowed_from = donated + Days::new(DONATION_INTERVAL_DAYS);
    if today >= allowed_from {
        Ok(())
    } else {
        Err(Blocked { rule: Rule::R5, until: Some(allowed_from) })
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
    pub last_donation_on: Option<NaiveDate>,
}

/// R1, R3, R4, R5: whether the donor may book anything now, in the order a donor can act on
/// them. Shown once above the list of cells rather than on every cell.
pub fn check_standing(donor: &DonorState, now: DateTime<Utc>, tz: Tz) -> Result<(), Blocked> {
    check_email_confirmed(donor.email_confirmed)?;
    check_no_active_booking(donor.has_active_booking)?;
    check_cancellation_cooldown(donor.last_self_cancel_at, now, tz)?;
    check_donation_interval(donor.last_donation_on, local_date(now, tz))
}

/// All donor-side rules for one cell. R7 is enforced by the database at the moment of
/// booking (conditional updates), so it is not part of this pre-check.
pub fn may_book(
    donor: &DonorState,
    blood: &BloodProfile,
    cell_needs: &[GroupNeed],
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<(), Blocked> {
    check_standing(donor, now, tz)?;
    check_group_fits(blood, cell_needs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::blood::{BloodGroup, Kell, Rh};
    use crate::domain::calendar::DEFAULT_TIME_ZONE as MSK;
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
        assert_eq!(check_no_active_booking(true).unwrap_err(), Blocked { rule: Rule::R3, until: None });
        assert!(check_no_active_booking(false).is_ok());
    }

    #[test]
    fn r4_blocks_the_rest_of_the_moscow_day_only() {
        let cancelled = msk(2026, 11, 26, 23, 58);
        let blocked = Blocked { rule: Rule::R4, until: Some(date(2026, 11, 27)) };
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
            Err(Blocked { rule: Rule::R5, until: Some(date(2026, 11, 11)) })
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

    #[test]
    fn may_book_reports_the_first_rule_that_blocks() {
        let needs = [need(BloodGroup::A, Rh::Positive, 5, 0)];
        let now = msk(2026, 11, 26, 12, 0);
        let ok = DonorState { email_confirmed: true, ..DonorState::default() };
        let check = |d: &DonorState| may_book(d, &DONOR, &needs, now, MSK);
        assert!(check(&ok).is_ok());
        assert_eq!(check(&DonorState { email_confirmed: false, ..ok.clone() }).unwrap_err().rule, Rule::R1);
        assert_eq!(check(&DonorState { has_active_booking: true, ..ok.clone() }).unwrap_err().rule, Rule::R3);
        let cancelled = DonorState { last_self_cancel_at: Some(msk(2026, 11, 26, 8, 0)), ..ok.clone() };
        assert_eq!(check(&cancelled).unwrap_err(), Blocked { rule: Rule::R4, until: Some(date(2026, 11, 27)) });
        let r5 = check(&DonorState { last_donation_on: Some(date(2026, 11, 20)), ..ok.clone() }).unwrap_err();
        assert_eq!(r5, Blocked { rule: Rule::R5, until: Some(date(2026, 11, 30)) });
        let other = BloodProfile { group: BloodGroup::B, ..DONOR };
        assert_eq!(may_book(&ok, &other, &needs, now, MSK).unwrap_err().rule, Rule::R2);
        // Standing ignores the cell: a B donor in good standing may book some other cell.
        assert!(check_standing(&ok, now, MSK).is_ok());
    }

    #[test]
    fn messages_name_the_date_in_the_locale() {
        let b = Blocked { rule: Rule::R5, until: Some(date(2026, 12, 3)) };
        assert!(b.message(Locale::Ru).contains("03.12.2026"));
        assert!(b.message(Locale::En).contains("3 Dec 2026"));
    }
}
