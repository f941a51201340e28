//! A person's own records on the wire: their sessions, their alert subscription, and
//! everything the system holds about a donor (the export under 152-ФЗ).

use crate::domain::{BloodProfile, BookingStatus, DonationType, RejectionReason};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// One live session of the caller. `handle` names it for ending it (a prefix of the stored
/// hash: it cannot be turned back into the cookie).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    pub handle: String,
    pub device: String,
    pub started_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// The same two instants on the centre's clock, for the page (the client has no time zones).
    pub started_local: NaiveDateTime,
    pub last_seen_local: NaiveDateTime,
    pub current: bool,
}

/// The caller's sessions, the most recently used first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionList {
    pub sessions: Vec<SessionView>,
}

/// "Tell me when my group is needed": off, or on for these types (empty: every type).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertsView {
    pub enabled: bool,
    pub donation_types: Vec<DonationType>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfileRecord {
    pub email: String,
    pub blood: BloodProfile,
    pub donor_code: String,
    pub language: String,
    pub registered_at: DateTime<Utc>,
    pub email_confirmed_at: Option<DateTime<Utc>>,
    pub last_self_cancel_at: Option<DateTime<Utc>>,
}

/// What the donor agreed to: the version, when, from which address, and its exact text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsentRecord {
    pub version: String,
    pub given_at: DateTime<Utc>,
    pub client_addr: Option<String>,
    /// (language code, text) of that version.
    pub texts: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BookingOnRecord {
    pub id: i64,
    pub date: NaiveDate,
    pub time: NaiveTime,
    pub donation_type: DonationType,
    pub place: String,
    pub status: BookingStatus,
    pub rejection_reason: Option<RejectionReason>,
    pub rejection_comment: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DonationOnRecord {
    pub date: NaiveDate,
    pub donation_type: DonationType,
}

/// An e-mail to the donor, as kept (its text is deleted once sent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MailOnRecord {
    pub subject: String,
    pub status: String,
    pub queued_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A security-trail entry about the account (logins, password changes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountEvent {
    pub at: DateTime<Utc>,
    pub action: String,
    pub client_addr: Option<String>,
}

/// Everything the system holds about a donor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DonorData {
    pub exported_at: DateTime<Utc>,
    /// The centre's time zone: dates are its calendar days, instants are UTC.
    pub time_zone: String,
    pub profile: ProfileRecord,
    pub consent: ConsentRecord,
    pub alerts: AlertsView,
    pub bookings: Vec<BookingOnRecord>,
    pub donations: Vec<DonationOnRecord>,
    pub mail: Vec<MailOnRecord>,
    pub sessions: Vec<SessionView>,
    pub account_events: Vec<AccountEvent>,
}
