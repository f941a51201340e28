//! Booking statuses, the seed's rejection reasons, and a booking as its donor sees it.

use super::cells::has_begun;
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
            "Код донора, который вы ввели в своем личном кабинете, не совпадает с данными центра крови.",
            "The donor code entered in your cabinet does not match the blood centre's records.";
        MedicalDeferral => "medical_deferral",
            "Медицинский регистратор видит медицинский отвод в информационной системе трансфузиологии.",
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
    use crate::domain::{Coded, Labelled, Locale};

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
    }
}
