//! Live events: small typed notices that something changed, so open pages re-fetch it. They
//! carry ids and a status only — never names, e-mail addresses or blood data — and each
//! subscriber receives only the ones it may see.

use super::account::AccountId;
use super::BookingStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveEvent {
    /// A cell's free places changed (a booking, a cancellation, a rejection, a planner's edit).
    CellChanged { cell_id: i64 },
    /// A booking was made or changed status.
    BookingChanged { booking_id: i64, donor_id: i64, status: BookingStatus },
    /// Some sessions of this account ended (logout, new password, staff disabled): every open
    /// stream of the account re-checks its own session at once. Never sent to a browser.
    SessionsEnded { account: AccountId },
    /// This instance may have missed events (its database listener reconnected): every open
    /// page re-fetches what it shows. Sent to browsers as `resync`, never as data.
    Resync,
}

/// An event as it travels: with the instant its change was committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveMessage {
    pub event: LiveEvent,
    pub committed_at: DateTime<Utc>,
}

/// Who is listening.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Anonymous,
    Donor(i64),
    Staff,
}

impl LiveEvent {
    /// Cells are public; a booking is seen by its donor and by staff only.
    pub fn visible_to(&self, audience: Audience) -> bool {
        match (self, audience) {
            (LiveEvent::CellChanged { .. }, _) => true,
            (LiveEvent::BookingChanged { .. }, Audience::Staff) => true,
            (LiveEvent::BookingChanged { donor_id, .. }, Audience::Donor(me)) => *donor_id == me,
            (LiveEvent::BookingChanged { .. }, Audience::Anonymous) => false,
            (LiveEvent::SessionsEnded { .. }, _) => false,
            (LiveEvent::Resync, _) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_booking_is_seen_by_its_donor_and_staff_only() {
        let e = LiveEvent::BookingChanged { booking_id: 1, donor_id: 7, status: BookingStatus::Approved };
        assert!(e.visible_to(Audience::Donor(7)));
        assert!(!e.visible_to(Audience::Donor(8)));
        assert!(!e.visible_to(Audience::Anonymous));
        assert!(e.visible_to(Audience::Staff));
        let cell = LiveEvent::CellChanged { cell_id: 3 };
        assert!(cell.visible_to(Audience::Anonymous) && cell.visible_to(Audience::Donor(8)));
        let ended = LiveEvent::SessionsEnded { account: AccountId::Donor(7) };
        assert!(!ended.visible_to(Audience::Donor(7)) && !ended.visible_to(Audience::Staff));
    }

    #[test]
    fn wire_format_is_small_and_tagged() {
        let json = leptos::serde_json::to_string(&LiveEvent::CellChanged { cell_id: 3 }).unwrap();
        assert_eq!(json, r#"{"kind":"cell_changed","cell_id":3}"#);
    }
}
