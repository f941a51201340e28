//! The registrar's queue, decisions and visit marks; the admins' audit log.

use crate::domain::moderation::QueueItem;
use crate::domain::BookingStatus;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Bookings of one status (pending by default), optionally of one day and donation type.
#[server(endpoint = "moderation_queue")]
pub async fn moderation_queue(
    status: Option<String>,
    date: Option<String>,
    donation_type: Option<String>,
) -> Result<Vec<QueueItem>, AppError> {
    use crate::domain::account::StaffRole;
    use crate::domain::{Coded, DonationType};
    use crate::server::db::moderation::{queue, QueueFilter};
    use crate::server::{errors::reply, moderation, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            request::require_staff(&state, &parts, &[StaffRole::Registrar]).await?;
            let status = moderation::parse_status(status.as_deref())?;
            let date = match date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
                None => None,
                Some(d) => Some(
                    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                        .map_err(|_| AppError::validation("date", "invalid date"))?,
                ),
            };
            let kind = match donation_type.as_deref().filter(|c| !c.is_empty()) {
                None => None,
                Some(code) => Some(
                    DonationType::from_code(code)
                        .ok_or_else(|| AppError::validation("donation_type", "unknown donation type"))?,
                ),
            };
            let filter = QueueFilter { status, date, kind };
            Ok(queue(&state.db, &filter, state.clock.now(), state.settings.time_zone).await?)
        }
        .await,
    )
}

/// Approves or rejects a pending booking. The first decision wins; a later one is refused
/// with who decided and how.
#[server(endpoint = "decide_booking")]
pub async fn decide_booking(
    booking_id: i64,
    decision: String,
    reason: Option<String>,
    comment: Option<String>,
) -> Result<BookingStatus, AppError> {
    use crate::domain::account::StaffRole;
    use crate::server::{errors::reply, moderation, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            let (staff_id, _) = request::require_staff(&state, &parts, &[StaffRole::Registrar]).await?;
            let locale = request::locale(&parts);
            let decision = moderation::parse_decision(&decision, reason.as_deref(), comment.as_deref(), locale)?;
            moderation::decide(&state, staff_id, booking_id, decision, locale).await
        }
        .await,
    )
}

/// «Донация состоялась» (`donated`) or «Неявка» (`no_show`) for an approved booking.
#[server(endpoint = "mark_visit")]
pub async fn mark_visit(booking_id: i64, outcome: String) -> Result<BookingStatus, AppError> {
    use crate::domain::account::StaffRole;
    use crate::server::{errors::reply, moderation, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            let (staff_id, _) = request::require_staff(&state, &parts, &[StaffRole::Registrar]).await?;
            moderation::mark_visit(&state, staff_id, booking_id, &outcome, request::locale(&parts)).await
        }
        .await,
    )
}

/// An audit entry as the admin page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// In the centre's local time.
    pub at: chrono::NaiveDateTime,
    pub staff_email: Option<String>,
    pub booking_id: Option<i64>,
    pub action: String,
    pub from_status: Option<BookingStatus>,
    pub to_status: Option<BookingStatus>,
    pub reason: Option<crate::domain::RejectionReason>,
    pub comment: Option<String>,
}

/// The newest 500 audit entries; admins only.
#[server(endpoint = "audit_entries")]
pub async fn audit_entries() -> Result<Vec<AuditEntry>, AppError> {
    use crate::domain::account::StaffRole;
    use crate::domain::Coded;
    use crate::server::{db::moderation::audit_log, errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            request::require_staff(&state, &parts, &[StaffRole::Admin]).await?;
            let rows = audit_log(&state.db, 500).await?;
            Ok(rows
                .into_iter()
                .map(|r| AuditEntry {
                    at: r.at.with_timezone(&state.settings.time_zone).naive_local(),
                    staff_email: r.staff_email,
                    booking_id: r.booking_id,
                    action: r.action,
                    from_status: r.from_status.as_deref().and_then(BookingStatus::from_code),
                    to_status: r.to_status.as_deref().and_then(BookingStatus::from_code),
                    reason: r.reason.as_deref().and_then(crate::domain::RejectionReason::from_code),
                    comment: r.comment,
                })
                .collect())
        }
        .await,
    )
}
