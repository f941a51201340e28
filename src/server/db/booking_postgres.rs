//! PostgreSQL's booking in few round trips: the reads outside a transaction, then one
//! transaction of one statement whose data-modifying CTEs take the time and the group's place
//! (the same conditional updates as the general path), write the booking, its audit row for a
//! caller, and its e-mail.
//!
//! Reading outside the transaction weakens nothing: under READ COMMITTED a transaction's reads
//! lock nothing either. What keeps places exact (R7) is the conditional updates, whose row locks
//! serialise bookers and re-check `booked < capacity` on the row as committed; R3 is the partial
//! unique index. The transaction is still needed for one thing: when the time is taken but the
//! group's place is gone, the statement has changed a row that must not stay — it rolls back.

use super::bookings::{
    already_full, asked_columns, asked_from, decide_on, AskedRow, BookOutcome, BookRequest, BookingFacts, Decided,
    DonorSnapshotRow, FullnessRow, DONOR_SNAPSHOT, FULLNESS,
};
use crate::domain::account::has_mailbox;
use crate::domain::decision::{Moment, Refusal};
use crate::domain::intervals::IntervalTable;
use crate::domain::rules::{Blocked, Rule};
use crate::server::mail::outbox::outbox_columns;
use crate::server::mail::{outbox, Email};
use sqlx::{Connection, PgPool, Row};

/// The asked-for time and the cell's quotas, with the id the booking will have (drawn once per
/// read: an uncorrelated subquery; a refused request leaves a gap in the ids, nothing more).
const ASKED_WITH_ID: &str = concat!(
    asked_columns!(),
    ", (SELECT nextval(pg_get_serial_sequence('bookings', 'id'))) AS next_booking_id",
    asked_from!()
);

/// $1 time, $2 quota, $3 booking id, $4 donor, $5 cell, $6 now, $7 the registrar (or NULL),
/// $8 whether the e-mail has a mailbox, $9…$18 the e-mail (`outbox::bind_email`).
const TAKE_PLACE: &str = concat!(
    "WITH t AS (UPDATE time_slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity RETURNING id), \
     q AS (UPDATE group_quotas SET booked = booked + 1 WHERE id = $2 AND booked < needed \
           AND EXISTS (SELECT 1 FROM t) RETURNING id), \
     b AS (INSERT INTO bookings (id, donor_id, cell_id, slot_id, quota_id, status, created_at) OVERRIDING SYSTEM VALUE \
           SELECT $3, $4, $5, $1, $2, 'pending', $6 FROM q RETURNING id), \
     a AS (INSERT INTO audit_log (at, staff_id, booking_id, donor_id, action, to_status) \
           SELECT $6, $7::BIGINT, b.id, $4, 'caller_booking', 'pending' FROM b WHERE $7::BIGINT IS NOT NULL), \
     m AS (INSERT INTO mail_outbox ",
    outbox_columns!(),
    " SELECT $9, $10, $11, $12, $13, 'queued', $6, $6, $14, $15, $16, $17, $18 FROM b WHERE $8) \
     SELECT (SELECT COUNT(*) FROM t) AS took_time, (SELECT COUNT(*) FROM q) AS took_quota"
);

/// Books as `bookings::book` does, the fast refusal of a full time first; `None` when the
/// donor's lapsed booking must be released first (rare: the general transaction does that).
pub(super) async fn book(
    pool: &PgPool,
    request: BookRequest,
    now: Moment,
    intervals: &IntervalTable,
    message_id: &str,
    compose: &impl Fn(&BookingFacts) -> Email,
) -> Result<Option<BookOutcome>, sqlx::Error> {
    // One connection throughout: every checkout costs sqlx a ping on release.
    let mut conn = pool.acquire().await?;
    let fullness: Vec<FullnessRow> = sqlx::query_as(FULLNESS)
        .bind(request.cell_id)
        .bind(request.start)
        .bind(request.donor_id)
        .fetch_all(&mut *conn)
        .await?;
    if let Some(refusal) = already_full(&fullness, request.start, now)? {
        return Ok(Some(BookOutcome::Refused(refusal)));
    }
    let donor: Vec<DonorSnapshotRow> =
        sqlx::query_as(DONOR_SNAPSHOT).bind(request.donor_id).fetch_all(&mut *conn).await?;
    let asked: Vec<AskedRow> =
        sqlx::query_as(ASKED_WITH_ID).bind(request.cell_id).bind(request.start).fetch_all(&mut *conn).await?;
    let next_id = asked.first().and_then(|a| a.next_booking_id);
    let (slot_id, quota_id, mut facts) = match decide_on(donor, asked, request, now, intervals)? {
        Decided::Take { releases: Some(_), .. } => return Ok(None),
        Decided::Take { slot_id, quota_id, releases: None, facts } => (slot_id, quota_id, facts),
        Decided::Done(outcome) => return Ok(Some(outcome)),
    };
    let Some(booking_id) = next_id else { return Err(sqlx::Error::RowNotFound) };
    facts.booking_id = booking_id;
    let email = compose(&facts);
    let mut tx = conn.begin().await?;
    let query = sqlx::query(TAKE_PLACE)
        .bind(slot_id)
        .bind(quota_id)
        .bind(booking_id)
        .bind(request.donor_id)
        .bind(request.cell_id)
        .bind(now.utc)
        .bind(request.by)
        .bind(has_mailbox(&email.to));
    let taken = outbox::bind_email(query, &email, message_id).fetch_one(&mut *tx).await;
    let took = taken.and_then(|row| Ok((row.try_get::<i64, _>("took_time")?, row.try_get::<i64, _>("took_quota")?)));
    let outcome = match took {
        Ok((1, 1)) => {
            tx.commit().await?;
            return Ok(Some(BookOutcome::Booked(facts)));
        }
        // Another transaction took the last place since the read.
        Ok((0, _)) => BookOutcome::Refused(Refusal::TimeTaken),
        Ok(_) => BookOutcome::Refused(Refusal::GroupFilled),
        // Another request of the same donor committed first (R3's unique index).
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            BookOutcome::Refused(Refusal::Rule(Blocked::by(Rule::R3)))
        }
        Err(e) => return Err(e),
    };
    tx.rollback().await?;
    Ok(Some(outcome))
}
