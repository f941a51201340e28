//! Registrars' decisions and visit marks as a service: validate, apply in one transaction,
//! queue the donor's e-mail, publish the live events, and explain a lost race.

use super::accounts::message_id;
use super::booking::changed;
use super::db::bookings::BookingFacts;
use super::db::moderation::{self, AlreadyDecided, AuditFilter, Change, ChangeOutcome};
use super::mail::{ics, templates, Attachment};
use super::state::AppState;
use crate::domain::events::LiveEvent;
use crate::domain::moderation::Decision;
use crate::domain::{BookingStatus, Coded, Labelled, Locale, RejectionReason};
use crate::error::AppError;
use crate::i18n::texts;
use crate::model::moderation::{AuditKind, AuditQuery, QueueView};

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

/// A record number from a filter form or a paging link; empty means none.
pub fn parse_id(input: Option<&str>, field: &str, locale: Locale) -> Result<Option<i64>, AppError> {
    match input.map(|v| v.trim().trim_start_matches('№')).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => match v.parse::<i64>() {
            Ok(id) if id > 0 => Ok(Some(id)),
            _ => Err(AppError::validation(field, texts(locale).filter_number_invalid)),
        },
    }
}

/// The audit log's filter from its form: each field checked, days turned into the centre's
/// midnights.
pub fn parse_audit_query(query: &AuditQuery, tz: chrono_tz::Tz, locale: Locale) -> Result<AuditFilter, AppError> {
    let t = texts(locale);
    let day = |value: Option<&str>, field: &str| {
        parse_day(value, locale).map_err(|_| AppError::validation(field, t.filter_date_invalid))
    };
    let (from, to) = (day(query.from.as_deref(), "from")?, day(query.to.as_deref(), "to")?);
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            return Err(AppError::validation("to", t.filter_range_reversed));
        }
    }
    let kind = match query.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => None,
        Some(code) => Some(AuditKind::from_code(code).ok_or_else(|| AppError::validation("kind", t.error_generic))?),
    };
    let who = query.who.as_deref().map(str::trim).filter(|w| !w.is_empty());
    if who.is_some_and(|w| w.chars().count() > 254) {
        return Err(AppError::validation("who", (t.place_too_long)(254)));
    }
    Ok(AuditFilter {
        before: parse_id(query.before.as_deref(), "before", locale)?,
        booking_id: parse_id(query.booking.as_deref(), "booking", locale)?,
        staff_email_part: who.map(str::to_owned),
        kind,
        from: from.map(|d| local_midnight(d, tz)),
        until: to.and_then(|d| d.succ_opt()).map(|d| local_midnight(d, tz)),
    })
}

/// The instant a local day begins in the centre (the earliest one, should a clock change
/// make midnight ambiguous).
fn local_midnight(day: chrono::NaiveDate, tz: chrono_tz::Tz) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    tz.from_local_datetime(&midnight)
        .earliest()
        .unwrap_or_else(|| tz.from_utc_datetime(&midnight))
        .with_timezone(&chrono::Utc)
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
