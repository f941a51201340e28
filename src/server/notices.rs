//! The jobs that write to donors unasked. Reminders: every minute, the approved visits of
//! tomorrow not yet reminded of, from `REMINDER_HOUR`. Alerts: when a cell opens or a need
//! grows (the planner's transaction marks the cell), every subscriber the booking decision
//! would give a place gets one e-mail, at most one a day. Both are safe to run on several
//! instances at once: the store queues each e-mail only with the row saying it was sent.

use super::accounts::message_id;
use super::db::notices as store;
use super::links::{LinkPurpose, ALERTS_OFF_PATH, ALERTS_ONE_CLICK_PATH, CANCEL_BOOKING_PATH};
use super::mail::templates::{self, NeedAlert};
use super::state::AppState;
use crate::domain::decision::Snapshot;
use crate::domain::notices::{could_book, offered_time, reminder_due};
use crate::domain::TimeSlot;
use crate::error::AppError;
use std::time::Duration;

/// Queues the reminders due now; returns how many this call queued.
pub async fn send_due_reminders(state: &AppState) -> Result<usize, AppError> {
    let now = state.moment();
    let local = now.local();
    let Some(tomorrow) = local.date().succ_opt() else { return Ok(0) };
    if !reminder_due(tomorrow, local, state.settings.reminder_hour) {
        return Ok(0);
    }
    let key = state.link_key().await?;
    let base = state.settings.public_url();
    let mut queued = 0;
    for facts in store::unreminded_on(&state.db, tomorrow).await? {
        let cancel = key.url(&base, CANCEL_BOOKING_PATH, LinkPurpose::CancelBooking, facts.booking_id);
        let mail = templates::visit_reminder(&state.centre, &facts, &cancel);
        if store::remind_once(&state.db, facts.booking_id, &mail, &message_id(state), now.utc).await? {
            queued += 1;
        }
    }
    if queued > 0 {
        state.mail_wake.notify_one();
    }
    Ok(queued)
}

/// Alerts the subscribers who could book `cell_id` now; returns how many were queued.
pub async fn alert_for_cell(state: &AppState, cell_id: i64) -> Result<usize, AppError> {
    let Some(cell) = store::alert_cell(&state.db, cell_id).await? else { return Ok(0) };
    let now = state.moment();
    let local = now.local();
    let Some(time) = offered_time(cell.facts.date, local, &cell.times) else { return Ok(0) };
    let offered: Vec<TimeSlot> = cell.times.iter().filter(|t| t.start == time).copied().collect();
    let intervals = state.intervals.get(&state.db).await?;
    let key = state.link_key().await?;
    let base = state.settings.public_url();
    let book_link = format!("{base}/cabinet/book/{cell_id}");
    // Each group and Rh with places left (one need each: the schema's unique key); a K−
    // restriction is the decision's to apply.
    let groups: Vec<_> = cell.needs.iter().filter(|n| n.remaining() > 0).map(|n| (n.group, n.rh)).collect();
    let mut alerts = Vec::new();
    for (group, rh) in groups {
        for subscriber in store::subscribers(&state.db, group, rh, local.date(), local).await? {
            let donor = &subscriber.donor;
            let snapshot = Snapshot {
                donor: &donor.state,
                blood: donor.blood,
                held: donor.held,
                cell: cell.facts,
                times: &offered,
                needs: &cell.needs,
                requested: time,
                now,
                intervals: &intervals,
            };
            if !subscriber.types.wants(cell.facts.donation_type) || !could_book(&snapshot) {
                continue;
            }
            let id = subscriber.donor_id;
            let alert = NeedAlert {
                to: &donor.email,
                locale: donor.locale,
                date: cell.facts.date,
                donation_type: cell.facts.donation_type,
                place_name: &cell.place_name,
                place_address: &cell.place_address,
                book_link: &book_link,
                off_link: &key.url(&base, ALERTS_OFF_PATH, LinkPurpose::AlertsOff, id),
                one_click_link: &key.url(&base, ALERTS_ONE_CLICK_PATH, LinkPurpose::AlertsOff, id),
            };
            alerts.push((id, templates::need_alert(&state.centre, &alert), message_id(state)));
        }
    }
    let sent = store::send_alerts(&state.db, &alerts, local.date(), now.utc).await?;
    if sent > 0 {
        state.mail_wake.notify_one();
    }
    Ok(sent)
}

/// Works through the cells whose alerts are due; returns how many e-mails were queued.
pub async fn send_due_alerts(state: &AppState) -> Result<usize, AppError> {
    let mut sent = 0;
    for (cell_id, due_at) in store::cells_due(&state.db).await? {
        let queued = alert_for_cell(state, cell_id).await?;
        store::clear_due(&state.db, cell_id, due_at).await?;
        if queued > 0 {
            tracing::info!(cell_id, queued, "queued need alerts");
        }
        sent += queued;
    }
    Ok(sent)
}

/// How often the jobs look without being woken.
const EVERY: Duration = Duration::from_secs(60);

/// Both jobs, until shutdown: reminders every minute; alerts when a planner's change wakes the
/// loop (`AppState::alerts_wake`), or a minute later (another instance's change).
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while !state.shutdown.has_begun() {
            if let Err(err) = send_due_reminders(&state).await {
                tracing::warn!(error = %err, "sending reminders failed; retrying");
            }
            if let Err(err) = send_due_alerts(&state).await {
                tracing::warn!(error = %err, "sending need alerts failed; retrying");
            }
            tokio::select! {
                _ = state.alerts_wake.notified() => {}
                _ = tokio::time::sleep(EVERY) => {}
                _ = state.shutdown.begun() => {}
            }
        }
    })
}
