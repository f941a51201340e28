//! The registrar's queue and the admins' audit log on the wire.

use crate::domain::intervals::Donation;
use crate::domain::moderation::{OtherBooking, Warning};
use crate::domain::{BloodProfile, BookingStatus, Coded, DonationType, Labelled, Locale, RejectionReason};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// Which bookings the registrar's list shows: one status as of now, or the approved visits
/// of past days still waiting for «Донация состоялась» / «Неявка».
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueueView {
    Status(BookingStatus),
    VisitsToMark,
}

impl QueueView {
    const VISITS_TO_MARK: &'static str = "visits_to_mark";

    /// Every view in the order of the filter's list.
    pub fn all() -> impl Iterator<Item = QueueView> {
        BookingStatus::ALL.iter().map(|s| QueueView::Status(*s)).chain([QueueView::VisitsToMark])
    }

    pub fn code(self) -> &'static str {
        match self {
            QueueView::Status(s) => s.code(),
            QueueView::VisitsToMark => Self::VISITS_TO_MARK,
        }
    }

    pub fn from_code(code: &str) -> Option<QueueView> {
        match code {
            Self::VISITS_TO_MARK => Some(QueueView::VisitsToMark),
            _ => BookingStatus::from_code(code).map(QueueView::Status),
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (QueueView::Status(s), _) => s.label(locale),
            (QueueView::VisitsToMark, Locale::Ru) => "Визиты к отметке",
            (QueueView::VisitsToMark, Locale::En) => "Visits to mark",
        }
    }
}

/// A booking in the registrar's queue, with what they need to decide it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub booking_id: i64,
    pub status: BookingStatus,
    /// When the donor booked, in the centre's local time.
    pub requested_at: NaiveDateTime,
    pub date: NaiveDate,
    pub time: NaiveTime,
    pub donation_type: DonationType,
    pub place_name: String,
    pub donor_email: String,
    pub blood: BloodProfile,
    pub donor_code: String,
    pub donor_code_changed_at: Option<DateTime<Utc>>,
    /// The donor's most recent donation on record (day and type).
    pub last_donation: Option<Donation>,
    pub other_bookings: Vec<OtherBooking>,
    pub rejection_reason: Option<RejectionReason>,
    pub rejection_comment: Option<String>,
    /// Who decided it, for decided bookings.
    pub decided_by: Option<String>,
    pub warnings: Vec<Warning>,
    /// Approved and its day has come: «Донация состоялась» / «Неявка» can be marked.
    pub visit_markable: bool,
}

/// A list of bookings for registrars; `truncated` when more matched than it shows (the page
/// then says so).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueList {
    pub items: Vec<QueueItem>,
    /// The next page starts after this booking (`?after=`); `None` on the last page.
    pub next_after: Option<i64>,
}

/// Reception's day: every booking of `date` in time order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceptionDay {
    pub date: NaiveDate,
    pub items: Vec<QueueItem>,
    pub truncated: bool,
}

/// What kind of entry the audit log filter asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditKind {
    Decisions,
    Visits,
    Cancellations,
    Lapses,
    Places,
    Intervals,
    /// Logins, logouts, passwords, staff accounts.
    Security,
    /// Planners' edits of cells.
    Planning,
}

impl AuditKind {
    pub const ALL: [AuditKind; 8] = [
        AuditKind::Decisions,
        AuditKind::Visits,
        AuditKind::Cancellations,
        AuditKind::Lapses,
        AuditKind::Places,
        AuditKind::Intervals,
        AuditKind::Security,
        AuditKind::Planning,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AuditKind::Decisions => "decisions",
            AuditKind::Visits => "visits",
            AuditKind::Cancellations => "cancellations",
            AuditKind::Lapses => "lapses",
            AuditKind::Places => "places",
            AuditKind::Intervals => "intervals",
            AuditKind::Security => "security",
            AuditKind::Planning => "planning",
        }
    }

    pub fn from_code(code: &str) -> Option<AuditKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (AuditKind::Decisions, Locale::Ru) => "Решения регистраторов",
            (AuditKind::Decisions, Locale::En) => "Registrars' decisions",
            (AuditKind::Visits, Locale::Ru) => "Отметки визитов",
            (AuditKind::Visits, Locale::En) => "Visit marks",
            (AuditKind::Cancellations, Locale::Ru) => "Отмены донорами",
            (AuditKind::Cancellations, Locale::En) => "Cancellations by donors",
            (AuditKind::Lapses, Locale::Ru) => "Не рассмотренные вовремя",
            (AuditKind::Lapses, Locale::En) => "Not reviewed in time",
            (AuditKind::Places, Locale::Ru) => "Места донации",
            (AuditKind::Places, Locale::En) => "Donation places",
            (AuditKind::Intervals, Locale::Ru) => "Интервалы между донациями",
            (AuditKind::Intervals, Locale::En) => "Donation intervals",
            (AuditKind::Security, Locale::Ru) => "Входы, пароли, сотрудники",
            (AuditKind::Security, Locale::En) => "Logins, passwords, staff",
            (AuditKind::Planning, Locale::Ru) => "Изменения ячеек",
            (AuditKind::Planning, Locale::En) => "Cell edits",
        }
    }
}

/// The audit log's filter as the page's GET form sends it (every field optional; the server
/// checks each and answers a field's error in the user's language).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Paging: entries older than this one.
    pub before: Option<String>,
    /// A booking's number.
    pub booking: Option<String>,
    /// Part of a staff member's e-mail.
    pub who: Option<String>,
    /// An [`AuditKind`] code.
    pub kind: Option<String>,
    /// First and last day (centre's local dates, "YYYY-MM-DD").
    pub from: Option<String>,
    pub to: Option<String>,
}

/// One page of the audit log, newest first; `older` is the `before` of the next page, when
/// there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub older: Option<i64>,
}

/// An audit entry as the admin page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// In the centre's local time.
    pub at: chrono::NaiveDateTime,
    pub staff_email: Option<String>,
    /// The donor an entry is about (their login, logout, password).
    pub donor_id: Option<i64>,
    /// Where a security entry's request came from.
    pub client_addr: Option<String>,
    pub booking_id: Option<i64>,
    pub action: String,
    pub from_status: Option<BookingStatus>,
    pub to_status: Option<BookingStatus>,
    pub reason: Option<crate::domain::RejectionReason>,
    pub comment: Option<String>,
}
