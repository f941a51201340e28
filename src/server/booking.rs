//! Booking and cancelling as the donor does it: validate the request, let the store apply the
//! rules in one transaction, and turn its refusals into the caller's localised error.

use super::accounts::message_id;
use super::db::bookings::{self, BookOutcome, BookRequest, BookingFacts, CancelOutcome};
use super::mail::templates;
use super::state::AppState;
use crate::domain::booking::NextStep;
use crate::domain::decision::Refusal;
use crate::domain::events::LiveEvent;
use crate::domain::rules::first_bookable_day;
use crate::domain::rules::{Blocked, Rule};
use crate::domain::{BookingStatus, Locale};
use crate::error::AppError;
use crate::i18n::texts;
use crate::model::booking::{BookingRow, NextStepView};
use chrono::NaiveTime;

/// What open pages must re-fetch after a booking changed: its cell's places and the booking.
pub fn changed(facts: &BookingFacts, status: BookingStatus) -> [LiveEvent; 2] {
    [
        LiveEvent::CellChanged { cell_id: facts.cell_id },
        LiveEvent::BookingChanged { booking_id: facts.booking_id, donor_id: facts.donor_id, status },
    ]
}

fn cabinet_link(state: &AppState) -> String {
    format!("{}/cabinet", state.settings.public_url())
}

/// The chosen time ("09:30") and the ticked «Подтверждаю запись», or field errors.
pub fn validate_request(time: &str, confirmed: bool, locale: Locale) -> Result<NaiveTime, AppError> {
    let t = texts(locale);
    let mut errors = Vec::new();
    let start = NaiveTime::parse_from_str(time.trim(), "%H:%M").ok();
    if start.is_none() {
        errors.push(crate::error::FieldError { field: "time".into(), message: t.book_pick_time.into() });
    }
    if !confirmed {
        errors.push(crate::error::FieldError { field: "confirmed".into(), message: t.book_confirm_required.into() });
    }
    match start {
        Some(start) if errors.is_empty() => Ok(start),
        _ => Err(AppError::Validation { errors }),
    }
}

/// Books a time for the donor. A repeated request (double click, retry) answers with the
/// booking it already made instead of a second one.
pub async fn book(
    state: &AppState,
    donor_id: i64,
    cell_id: i64,
    time: &str,
    confirmed: bool,
    locale: Locale,
) -> Result<i64, AppError> {
    book_as(state, None, donor_id, cell_id, time, confirmed, locale).await
}

/// A registrar books a time for a donor on the phone: the same decision and the same
/// transaction as the donor's own booking (every rule, R7), the refusal written down with the
/// registrar's name, the booking audited with it, and — where the centre says so
/// (`CALLER_BOOKING=approved`) — approved at once by that registrar.
pub async fn book_for_caller(
    state: &AppState,
    staff_id: i64,
    donor_id: i64,
    cell_id: i64,
    time: &str,
    locale: Locale,
) -> Result<(i64, BookingStatus), AppError> {
    let booking_id = book_as(state, Some(staff_id), donor_id, cell_id, time, true, locale).await?;
    if state.settings.caller_booking == super::config::CallerBooking::Approved {
        let decision = crate::domain::moderation::Decision::Approve;
        match super::moderation::decide(state, staff_id, booking_id, decision, locale).await {
            Ok(status) => return Ok((booking_id, status)),
            // A repeated request (the booking already decided), or someone decided first:
            // it stays as it is, and the answer says how it is.
            Err(AppError::Conflict { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    let found = bookings::record_with_owner(&state.db, booking_id, state.now_local()).await?;
    Ok((booking_id, found.map_or(BookingStatus::Pending, |(_, record)| record.status)))
}

/// The donor's booking, asked for by the donor (`by` none) or by a registrar for them.
async fn book_as(
    state: &AppState,
    by: Option<i64>,
    donor_id: i64,
    cell_id: i64,
    time: &str,
    confirmed: bool,
    locale: Locale,
) -> Result<i64, AppError> {
    let start = validate_request(time, confirmed, locale)?;
    let link = cabinet_link(state);
    let intervals = state.intervals.get(&state.db).await?;
    let request = BookRequest { donor_id, cell_id, start, by };
    let outcome = bookings::book(&state.db, request, state.moment(), &intervals, &message_id(state), |facts| {
        templates::booking_received(&state.centre, facts, &link)
    })
    .await?;
    let t = texts(locale);
    match outcome {
        BookOutcome::Booked(facts) => {
            state.mail_wake.notify_one();
            state.events.publish(&state.db, &changed(&facts, BookingStatus::Pending)).await;
            Ok(facts.booking_id)
        }
        BookOutcome::AlreadyHeld(id) => Ok(id),
        BookOutcome::Refused(Refusal::Rule(blocked)) if blocked.rule == Rule::R3 => {
            // Lost a race against the same donor's identical request: that one is the answer.
            match bookings::active_booking(&state.db, donor_id).await? {
                Some((id, cell, at)) if cell == cell_id && at == start => Ok(id),
                _ => {
                    super::db::donors::record_refusal(&state.db, donor_id, by, Rule::R3, cell_id, state.clock.now())
                        .await;
                    Err(AppError::Blocked(blocked))
                }
            }
        }
        BookOutcome::Refused(Refusal::Rule(blocked)) => {
            // A registrar on the phone asks later why the donor could not book.
            super::db::donors::record_refusal(&state.db, donor_id, by, blocked.rule, cell_id, state.clock.now()).await;
            Err(AppError::Blocked(blocked))
        }
        BookOutcome::Refused(Refusal::TimeTaken) => Err(AppError::Blocked(Blocked::by(Rule::R7))),
        BookOutcome::Refused(Refusal::GroupFilled) => Err(AppError::Conflict { message: t.book_group_filled.into() }),
        BookOutcome::Refused(Refusal::Unavailable) => Err(AppError::Conflict { message: t.book_unavailable.into() }),
    }
}

pub async fn cancel(state: &AppState, donor_id: i64, booking_id: i64, locale: Locale) -> Result<(), AppError> {
    let link = cabinet_link(state);
    let outcome = bookings::cancel(&state.db, donor_id, booking_id, state.moment(), &message_id(state), |facts| {
        templates::booking_cancelled(&state.centre, facts, &link)
    })
    .await?;
    match outcome {
        CancelOutcome::Cancelled(facts) => {
            state.mail_wake.notify_one();
            state.events.publish(&state.db, &changed(&facts, BookingStatus::Cancelled)).await;
            Ok(())
        }
        CancelOutcome::NotFound => Err(AppError::NotFound),
        CancelOutcome::NotCancellable(status) => {
            Err(AppError::Conflict { message: (texts(locale).cancel_not_possible)(status) })
        }
    }
}

/// The donor's bookings still on record (R6), newest first, each rejection with its reason
/// in `locale` and its next step.
pub async fn rows(state: &AppState, donor_id: i64, locale: Locale) -> Result<Vec<BookingRow>, AppError> {
    let moment = state.moment();
    let now = moment.local();
    let from = crate::domain::rules::retention_cutoff(now.date());
    let records = bookings::donor_records(&state.db, donor_id, from, now).await?;
    // The first bookable day, for the interval rejection's next step: read only when needed.
    let needs_standing =
        records.iter().any(|r| r.rejection_reason.is_some_and(|x| x.next_step() == NextStep::BookFromEligibleDay));
    let standing = if needs_standing {
        Some((bookings::donor_standing(&state.db, donor_id, moment).await?, state.intervals.get(&state.db).await?))
    } else {
        None
    };
    Ok(records
        .into_iter()
        .map(|record| {
            let reason = record.rejection_reason;
            let eligible_from = match (&standing, reason.map(|r| r.next_step())) {
                (Some((Some((_, donor)), intervals)), Some(NextStep::BookFromEligibleDay)) => {
                    Some(first_bookable_day(donor, record.donation_type, moment.utc, moment.tz, intervals))
                }
                _ => None,
            };
            let next_step = reason.and_then(|r| {
                let step = r.next_step();
                step.sentence(locale, &state.centre, eligible_from).map(|sentence| NextStepView { step, sentence })
            });
            BookingRow {
                can_cancel: record.can_cancel(now),
                reason_text: reason.map(|r| r.text(locale, &state.centre)),
                next_step,
                record,
            }
        })
        .collect())
}
