//! Registrars' decisions and visit marks as a service: validate, apply in one transaction,
//! queue the donor's e-mail, publish the live events, and explain a lost race.

use super::accounts::message_id;
use super::booking::changed;
use super::db::bookings::BookingFacts;
use super::db::moderation::{self, AlreadyDecided, Change, ChangeOutcome};
use super::mail::{ics, templates, Attachment};
use super::state::AppState;
use crate::domain::events::LiveEvent;
use crate::domain::moderation::Decision;
use crate::domain::{BookingStatus, Coded, Labelled, Locale, RejectionReason};
use crate::error::AppError;
use crate::i18n::texts;
use crate::model::moderation::QueueView;

/// Reads the decision form: "approve", or "reject" with a reason from the seed's list and an
/// optional comment (at most 500 characters).
pub fn parse_decision(
    decision: &str,
    reason: Option<&str>,
    comment: Option<&str>,
    locale: Locale,
) -> Result<Decision, AppError> {
    let t = texts(locale);
    match decision {
        "approve" => Ok(Decision::Approve),
        "reject" => {
            let reason = reason
                .and_then(RejectionReason::from_code)
                .ok_or_else(|| AppError::validation("reason", t.moderation_reason_required))?;
            let comment = comment.map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned);
            if comment.as_ref().is_some_and(|c| c.chars().count() > 500) {
                return Err(AppError::validation("comment", t.moderation_comment_too_long));
            }
            Ok(Decision::Reject { reason, comment })
        }
        _ => Err(AppError::validation("decision", t.error_generic)),
    }
}

fn calendar(state: &AppState, facts: &BookingFacts) -> Attachment {
    let summary = format!("Донация: {}", facts.donation_type.label(Locale::Ru).to_lowercase());
    let location = format!("{}, {}", facts.place_name, facts.place_address);
    let host = state.settings.public_url();
    let host = host.split("://").nth(1).unwrap_or("localhost").split([':', '/']).next().unwrap_or("localhost");
    let body = ics::event(&ics::CalendarEvent {
        uid: format!("booking-{}@{host}", facts.booking_id),
        start_local: facts.date.and_time(facts.time),
        minutes: 60,
        tz: state.settings.time_zone,
        summary: &summary,
        location: &location,
        description: "Возьмите с собой паспорт. / Bring your passport.",
        stamp: state.clock.now(),
    });
    Attachment {
        name: "donation.ics".into(),
        content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
        body,
    }
}

fn lost_race(already: AlreadyDecided, locale: Locale, tz: chrono_tz::Tz) -> AppError {
    let t = texts(locale);
    let at = already.at.map(|at| at.with_timezone(&tz).format("%H:%M").to_string());
    AppError::Conflict {
        message: (t.moderation_already_decided)(
            already.status.label(locale),
            already.by.as_deref().unwrap_or("—"),
            at.as_deref().unwrap_or(""),
        ),
    }
}

async fn apply(
    state: &AppState,
    staff_id: i64,
    booking_id: i64,
    change: Change,
    locale: Locale,
) -> Result<BookingStatus, AppError> {
    let link = format!("{}/cabinet", state.settings.public_url());
    let compose = |facts: &BookingFacts| match &change {
        Change::Decide(Decision::Approve) => {
            Some(templates::booking_approved(&state.centre, facts, calendar(state, facts), &link))
        }
        Change::Decide(Decision::Reject { reason, comment }) => {
            Some(templates::booking_rejected(&state.centre, facts, *reason, comment.as_deref(), &link))
        }
        Change::Visit { .. } => None,
    };
    let outcome =
        moderation::change(&state.db, booking_id, staff_id, &change, state.moment(), &message_id(state), compose)
            .await?;
    match outcome {
        ChangeOutcome::Changed(facts) => {
            let status = change.new_status();
            state.mail_wake.notify_one();
            let events = changed(&facts, status);
            // Only a rejection frees places; the other changes leave the cell as it is.
            let events: &[LiveEvent] = if status == BookingStatus::Rejected { &events } else { &events[1..] };
            state.events.publish(&state.db, events).await;
            Ok(status)
        }
        ChangeOutcome::AlreadyDecided(already) => Err(lost_race(already, locale, state.settings.time_zone)),
        ChangeOutcome::NotFound => Err(AppError::NotFound),
        ChangeOutcome::TooEarly => Err(AppError::Conflict { message: texts(locale).moderation_visit_too_early.into() }),
        ChangeOutcome::TimePassed => Err(AppError::Conflict { message: texts(locale).moderation_time_passed.into() }),
    }
}

pub async fn decide(
    state: &AppState,
    staff_id: i64,
    booking_id: i64,
    decision: Decision,
    locale: Locale,
) -> Result<BookingStatus, AppError> {
    apply(state, staff_id, booking_id, Change::Decide(decision), locale).await
}

pub async fn mark_visit(
    state: &AppState,
    staff_id: i64,
    booking_id: i64,
    outcome: &str,
    locale: Locale,
) -> Result<BookingStatus, AppError> {
    let donated = match outcome {
        "donated" => true,
        "no_show" => false,
        _ => return Err(AppError::validation("outcome", texts(locale).error_generic)),
    };
    apply(state, staff_id, booking_id, Change::Visit { donated }, locale).await
}

/// The list a filter form asks for: a status, or the visits to mark; pending by default.
pub fn parse_view(code: Option<&str>, locale: Locale) -> Result<QueueView, AppError> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(QueueView::Status(BookingStatus::Pending)),
        Some(code) => QueueView::from_code(code)
            .ok_or_else(|| AppError::validation("status", texts(locale).filter_status_invalid)),
    }
}

/// A day from a filter form ("2026-12-01"); empty means any day.
pub fn parse_day(input: Option<&str>, locale: Locale) -> Result<Option<chrono::NaiveDate>, AppError> {
    match input.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::validation("date", texts(locale).filter_date_invalid)),
    }
}
