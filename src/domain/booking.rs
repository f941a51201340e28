//! Booking statuses, the seed's rejection reasons, and a booking as its donor sees it.

use super::cells::has_begun;
use super::centre::Centre;
use super::{Labelled, Locale};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

labelled_enum! {
    /// Where a booking stands. Labels are the seed's words.
    BookingStatus {
        Pending => "pending", "На утверждении", "Awaiting approval";
        Approved => "approved", "Подтверждена", "Approved";
        Rejected => "rejected", "Отклонена", "Rejected";
        Cancelled => "cancelled", "Отменена", "Cancelled";
        Donated => "donated", "Донация состоялась", "Donation made";
        NoShow => "no_show", "Неявка", "No-show";
        NotReviewed => "not_reviewed", "Не рассмотрена", "Not reviewed";
    }
}

impl BookingStatus {
    /// A stored status that may still hold the donor's one booking (R3) — whether it does
    /// depends on the time: see [`holds_booking`].
    pub fn is_active(self) -> bool {
        matches!(self, BookingStatus::Pending | BookingStatus::Approved)
    }
}

/// The status of a booking as of `now_local`: a pending booking nobody decided before its
/// time began is «Не рассмотрена», whether or not the tidy-up job has written that yet.
pub fn status_at(stored: BookingStatus, date: NaiveDate, time: NaiveTime, now_local: NaiveDateTime) -> BookingStatus {
    if stored == BookingStatus::Pending && has_begun(date, time, now_local) {
        BookingStatus::NotReviewed
    } else {
        stored
    }
}

/// R3 as time moves on: a pending booking holds the donor until its time begins, an approved
/// one until the end of its day (afterwards it only waits for the registrar's visit mark).
pub fn holds_booking(stored: BookingStatus, date: NaiveDate, time: NaiveTime, now_local: NaiveDateTime) -> bool {
    match stored {
        BookingStatus::Pending => !has_begun(date, time, now_local),
        BookingStatus::Approved => date >= now_local.date(),
        _ => false,
    }
}

/// A stored active booking that no longer holds the donor: the store releases it (a pending
/// one becomes «Не рассмотрена») before the donor's next booking, and the tidy-up job does
/// the same for everyone.
pub fn has_lapsed(stored: BookingStatus, date: NaiveDate, time: NaiveTime, now_local: NaiveDateTime) -> bool {
    stored.is_active() && !holds_booking(stored, date, time, now_local)
}

labelled_enum! {
    /// Why a registrar refused a booking (the seed's fixed list).
    RejectionReason {
        DonorCodeMismatch => "donor_code_mismatch",
            "Код донора, который вы ввели в своем личном кабинете, не совпадает с данными, которые вы также самостоятельно ввели.",
            "The donor code entered in your cabinet does not match the blood centre's records.";
        MedicalDeferral => "medical_deferral",
            "Медицинский регистратор видит медицинский отвод в информационной системе трансфузиологии, и поэтому отказывает в записи.",
            "The registrar sees a medical deferral in the transfusion information system.";
        IntervalNotRespected => "interval_not_respected",
            "Несоблюдение сроков между донациями (временный отвод).",
            "The interval between donations is not respected (temporary deferral).";
        AlreadyBookedForPlasma => "already_booked_for_plasma",
            "Вы уже записаны на плазмодачу.",
            "You are already booked for plasma donation.";
        Other => "other",
            "Другие причины, которые можно узнать только при личном обращении в центр крови.",
            "Other reasons, which can be learnt only in person at the blood centre.";
    }
}

/// What the donor can do about a rejection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum NextStep {
    /// Correct the donor code in the cabinet.
    FixDonorCode,
    /// Book again from the first day the intervals allow.
    BookFromEligibleDay,
    /// Call or visit the centre.
    ContactCentre,
    /// Nothing to do: the donor already holds the plasma booking.
    None,
}

impl NextStep {
    /// The sentence that tells the donor what to do; `from` is the first day they can book
    /// a donation of the rejected type, where the cabinet knows it.
    pub fn sentence(self, locale: Locale, centre: &Centre, from: Option<NaiveDate>) -> Option<String> {
        let contact = centre.contact_line(locale);
        Some(match (self, locale) {
            (NextStep::FixDonorCode, Locale::Ru) => {
                "Проверьте код донора в личном кабинете, исправьте его и запишитесь снова.".into()
            }
            (NextStep::FixDonorCode, Locale::En) => {
                "Check the donor code in your cabinet, correct it and book again.".into()
            }
            (NextStep::BookFromEligibleDay, Locale::Ru) => match from {
                Some(day) => format!("Записаться снова можно с {}.", locale.format_date(day)),
                None => "Дата, с которой можно записаться снова, указана в личном кабинете.".into(),
            },
            (NextStep::BookFromEligibleDay, Locale::En) => match from {
                Some(day) => format!("You can book again from {}.", locale.format_date(day)),
                None => "Your cabinet shows the day from which you can book again.".into(),
            },
            (NextStep::ContactCentre, Locale::Ru) => match contact {
                Some(c) => format!("Подробности можно узнать в {}. {c}.", centre.name_in_text(locale)),
                None => format!("Подробности можно узнать при личном обращении в {}.", centre.name_in_text(locale)),
            },
            (NextStep::ContactCentre, Locale::En) => match contact {
                Some(c) => format!("You can learn the details at {}. {c}.", centre.name_in_text(locale)),
                None => format!("You can learn the details in person at {}.", centre.name_in_text(locale)),
            },
            (NextStep::None, _) => return None,
        })
    }
}

impl RejectionReason {
    /// The reason as the donor and the registrar read it: the seed's words, with the
    /// configured centre named in «Другие причины…» (as the seed names «ГБУЗ МО "МОЦК"»).
    pub fn text(self, locale: Locale, centre: &Centre) -> String {
        match (self, locale) {
            (RejectionReason::Other, Locale::Ru) => format!(
                "Другие причины, которые можно узнать только при личном обращении в {}.",
                centre.name_in_text(locale)
            ),
            (RejectionReason::Other, Locale::En) => {
                format!("Other reasons, which can be learnt only in person at {}.", centre.name_in_text(locale))
            }
            _ => self.label(locale).to_owned(),
        }
    }

    pub fn next_step(self) -> NextStep {
        match self {
            RejectionReason::DonorCodeMismatch => NextStep::FixDonorCode,
            RejectionReason::IntervalNotRespected => NextStep::BookFromEligibleDay,
            RejectionReason::MedicalDeferral | RejectionReason::Other => NextStep::ContactCentre,
            RejectionReason::AlreadyBookedForPlasma => NextStep::None,
        }
    }
}

/// A donor may cancel their own active booking until its time begins.
pub fn donor_may_cancel(status: BookingStatus, date: NaiveDate, time: NaiveTime, now_local: NaiveDateTime) -> bool {
    status.is_active() && !has_begun(date, time, now_local)
}

/// A registrar may approve or reject a pending booking only before its time begins: later,
/// the donor would get a confirmation (and a calendar entry) for a time already gone.
pub fn registrar_may_decide(status: BookingStatus, date: NaiveDate, time: NaiveTime, now_local: NaiveDateTime) -> bool {
    status == BookingStatus::Pending && !has_begun(date, time, now_local)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Coded;

    #[test]
    fn only_pending_and_approved_are_active() {
        let active: Vec<_> = BookingStatus::ALL.iter().filter(|s| s.is_active()).collect();
        assert_eq!(active, [&BookingStatus::Pending, &BookingStatus::Approved]);
    }

    #[test]
    fn cancel_only_active_bookings_before_their_time() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let time = NaiveTime::from_hms_opt(9, 30, 0).unwrap();
        let at = |h, m| date.and_hms_opt(h, m, 0).unwrap();
        assert!(donor_may_cancel(BookingStatus::Approved, date, time, at(9, 29)));
        assert!(!donor_may_cancel(BookingStatus::Approved, date, time, at(9, 30)), "the time has begun");
        assert!(!donor_may_cancel(BookingStatus::Rejected, date, time, at(8, 0)));
    }

    #[test]
    fn time_moves_on_for_pending_and_approved_bookings() {
        use BookingStatus::*;
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let time = NaiveTime::from_hms_opt(9, 30, 0).unwrap();
        let at = |d: u32, h, m| NaiveDate::from_ymd_opt(2026, 12, d).unwrap().and_hms_opt(h, m, 0).unwrap();
        // Pending: holds the donor until its time begins, then it is «Не рассмотрена».
        assert!(holds_booking(Pending, date, time, at(1, 9, 29)));
        assert_eq!(status_at(Pending, date, time, at(1, 9, 29)), Pending);
        assert!(!holds_booking(Pending, date, time, at(1, 9, 30)));
        assert_eq!(status_at(Pending, date, time, at(1, 9, 30)), NotReviewed);
        assert!(has_lapsed(Pending, date, time, at(2, 0, 0)));
        assert!(!registrar_may_decide(Pending, date, time, at(1, 9, 30)));
        assert!(registrar_may_decide(Pending, date, time, at(1, 9, 29)));
        // Approved: holds until the end of its day (the centre's midnight), keeps its status.
        assert!(holds_booking(Approved, date, time, at(1, 23, 59)));
        assert!(!holds_booking(Approved, date, time, at(2, 0, 0)));
        assert_eq!(status_at(Approved, date, time, at(5, 12, 0)), Approved);
        assert!(has_lapsed(Approved, date, time, at(2, 0, 0)));
        // Decided bookings neither hold nor lapse.
        for s in [Rejected, Cancelled, Donated, NoShow, NotReviewed] {
            assert!(!holds_booking(s, date, time, at(1, 8, 0)) && !has_lapsed(s, date, time, at(3, 8, 0)));
            assert_eq!(status_at(s, date, time, at(3, 8, 0)), s);
        }
    }

    #[test]
    fn seed_labels_are_kept() {
        assert_eq!(BookingStatus::Pending.label(Locale::Ru), "На утверждении");
        assert_eq!(BookingStatus::Approved.label(Locale::Ru), "Подтверждена");
        assert_eq!(BookingStatus::NoShow.label(Locale::Ru), "Неявка");
        assert_eq!(RejectionReason::ALL.len(), 5);
        for r in RejectionReason::ALL {
            assert_eq!(RejectionReason::from_code(r.code()), Some(*r));
        }
        // The seed's own words, and its «ГБУЗ МО "МОЦК"» replaced by the configured centre.
        assert!(RejectionReason::DonorCodeMismatch
            .label(Locale::Ru)
            .ends_with("не совпадает с данными, которые вы также самостоятельно ввели."));
        assert!(RejectionReason::MedicalDeferral
            .label(Locale::Ru)
            .ends_with("в информационной системе трансфузиологии, и поэтому отказывает в записи."));
        let centre = Centre { full_name: "ГБУЗ МО \"МОЦК\"".into(), ..Centre::default() };
        assert_eq!(
            RejectionReason::Other.text(Locale::Ru, &centre),
            "Другие причины, которые можно узнать только при личном обращении в ГБУЗ МО \"МОЦК\"."
        );
        assert!(RejectionReason::Other.text(Locale::Ru, &Centre::default()).ends_with("в центр крови."));
        assert_eq!(RejectionReason::DonorCodeMismatch.next_step(), NextStep::FixDonorCode);
        assert_eq!(RejectionReason::IntervalNotRespected.next_step(), NextStep::BookFromEligibleDay);
        assert_eq!(RejectionReason::Other.next_step(), NextStep::ContactCentre);
        let with_phone = Centre { phone: "+7 495 000-00-00".into(), hours: "пн–пт 8–14".into(), ..centre };
        assert_eq!(
            NextStep::ContactCentre.sentence(Locale::Ru, &with_phone, None).unwrap(),
            "Подробности можно узнать в ГБУЗ МО \"МОЦК\". Телефон регистратуры: +7 495 000-00-00; часы работы: пн–пт 8–14."
        );
        let day = NaiveDate::from_ymd_opt(2026, 12, 15).unwrap();
        assert_eq!(
            NextStep::BookFromEligibleDay.sentence(Locale::Ru, &with_phone, Some(day)).unwrap(),
            "Записаться снова можно с 15.12.2026."
        );
    }
}
