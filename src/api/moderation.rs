//! The registrar's queue, decisions and visit marks; the admins' audit log.

use crate::domain::BookingStatus;
use crate::error::AppError;
use crate::model::moderation::{AuditPage, QueueList, ReceptionDay};
use leptos::prelude::*;

/// Bookings of one status as of now (pending by default) or the visits to mark, optionally
/// of one day and donation type; a page at a time, the next one starting `after` a booking.
#[server(endpoint = "moderation_queue")]
pub async fn moderation_queue(
    status: Option<String>,
    date: Option<String>,
    donation_type: Option<String>,
    after: Option<String>,
) -> Result<QueueList, AppError> {
    use crate::domain::account::StaffRole;
    use crate::server::db::moderation::{queue, QueueFilter};
    use crate::server::{cells::parse_donation_type, moderation};
    crate::server::frame::staff(&[StaffRole::Registrar], |call, _| async move {
        let view = moderation::parse_view(status.as_deref(), call.locale)?;
        let date = moderation::parse_day(date.as_deref(), call.locale)?;
        let kind = parse_donation_type(donation_type.as_deref(), call.locale)?;
        let after = moderation::parse_id(after.as_deref(), "after", call.locale)?;
        let filter = QueueFilter { view, date, kind, after };
        let listed = queue(&call.state.db, &filter, call.state.moment()).await?;
        let next_after = listed.truncated.then(|| listed.rows.last().map(|r| r.booking_id)).flatten();
        Ok(QueueList { items: listed.rows, next_after })
    })
    .await
}

/// Reception's day: every booking of `date` (today when empty), in time order.
#[server(endpoint = "reception_day")]
pub async fn reception_list(date: Option<String>) -> Result<ReceptionDay, AppError> {
    use crate::domain::account::StaffRole;
    crate::server::frame::staff(&[StaffRole::Registrar], |call, _| async move {
        crate::server::reception::reception_day(&call.state, date.as_deref(), call.locale).await
    })
    .await
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
    use crate::server::moderation;
    crate::server::frame::staff(&[StaffRole::Registrar], |call, staff| async move {
        let decision = moderation::parse_decision(&decision, reason.as_deref(), comment.as_deref(), call.locale)?;
        moderation::decide(&call.state, staff.id, booking_id, decision, call.locale).await
    })
    .await
}

/// «Донация состоялась» (`donated`) or «Неявка» (`no_show`) for an approved booking.
#[server(endpoint = "mark_visit")]
pub async fn mark_visit(booking_id: i64, outcome: String) -> Result<BookingStatus, AppError> {
    use crate::domain::account::StaffRole;
    use crate::server::moderation;
    crate::server::frame::staff(&[StaffRole::Registrar], |call, staff| async move {
        moderation::mark_visit(&call.state, staff.id, booking_id, &outcome, call.locale).await
    })
    .await
}

/// A page of the audit log, newest first, 100 at a time, filtered by booking, staff member,
/// kind of entry and days; admins only.
/// Flat arguments (the fields of [`AuditQuery`]): a form-encoded call has no nesting.
#[server(endpoint = "audit_entries")]
pub async fn audit_entries(
    before: Option<String>,
    booking: Option<String>,
    who: Option<String>,
    kind: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<AuditPage, AppError> {
    use crate::domain::account::StaffRole;
    use crate::domain::Coded;
    use crate::model::moderation::AuditEntry;
    use crate::server::db::moderation::{audit_log, AUDIT_PAGE};
    crate::server::frame::staff(&[StaffRole::Admin], |call, _| async move {
        let query = crate::model::moderation::AuditQuery { before, booking, who, kind, from, to };
        let filter = crate::server::moderation::parse_audit_query(&query, call.state.settings.time_zone, call.locale)?;
        let page = audit_log(&call.state.db, &filter, AUDIT_PAGE).await?;
        let older = page.truncated.then(|| page.rows.last().map(|r| r.id)).flatten();
        let entries = page
            .rows
            .into_iter()
            .map(|r| AuditEntry {
                at: r.at.with_timezone(&call.state.settings.time_zone).naive_local(),
                staff_email: r.staff_email,
                donor_id: r.donor_id,
                client_addr: r.client_addr,
                booking_id: r.booking_id,
                action: r.action,
                from_status: r.from_status.as_deref().and_then(BookingStatus::from_code),
                to_status: r.to_status.as_deref().and_then(BookingStatus::from_code),
                reason: r.reason.as_deref().and_then(crate::domain::RejectionReason::from_code),
                comment: r.comment,
            })
            .collect();
        Ok(AuditPage { entries, older })
    })
    .await
}
