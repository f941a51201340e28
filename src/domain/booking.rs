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
    }
}

impl BookingStatus {
    /// An active booking holds a place in its time and in its group's quota (R3, R7).
    pub fn is_active(self) -> bool {
        matches!(self, BookingStatus::Pending | BookingStatus::Approved)
    }
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
