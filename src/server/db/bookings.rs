//! Bookings: taking a place, cancelling it, the donor's records, and the daily purge (R6).
//!
//! The booking transaction reads a snapshot, lets `domain::decision::decide` choose, and
//! applies its choice. No place is given twice (R7) because places are taken by conditional
//! updates (`booked = booked + 1 WHERE booked < capacity`) whose row locks serialise
//! concurrent bookers, and the CHECK constraints and the partial unique index back them in
//! the schema.

use super::cells::{count, group_need};
use super::{decode, in_write_tx, in_write_tx_keep_if, on_pool, Db};
use crate::domain::booking::{donor_may_cancel, has_lapsed, holds_booking, status_at};
use crate::domain::decision::{decide, refused_as_full, CellFacts, Decision, HeldBooking, Moment, Refusal, Snapshot};
use crate::domain::intervals::{Donation, IntervalTable};
use crate::domain::rules::{Blocked, Rule};
use crate::domain::{BloodProfile, BookingStatus, Coded, DonationType, DonorState, Locale, RejectionReason, TimeSlot};
use crate::model::booking::BookingRecord;
use crate::server::mail::{outbox, Email};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// The donor as the booking rules see them: one row per donation on record (one row with
/// no donation when there is none), each carrying the donor's columns and their active
/// booking, if any (the partial unique index allows at most one). One statement, because on
/// SQLite every statement inside the write transaction holds the write lock longer.
#[derive(sqlx::FromRow)]
pub(super) struct DonorSnapshotRow {
    email: String,
    locale: String,
    blood_group: String,
    rh: String,
    kell: String,
    email_confirmed_at: Option<DateTime<Utc>>,
    last_self_cancel_at: Option<DateTime<Utc>>,
    held_id: Option<i64>,
    held_cell: Option<i64>,
    held_date: Option<NaiveDate>,
    held_start: Option<NaiveTime>,
    held_status: Option<String>,
    donated_on: Option<NaiveDate>,
    donation_type: Option<String>,
}

/// The columns of [`DonorSnapshotRow`] and the joins they come from (`d` is the donor), for
/// the booking's one donor and the alerts' many.
macro_rules! donor_snapshot_from {
    () => {
        "d.email, d.locale, d.blood_group, d.rh, d.kell, d.email_confirmed_at, \
         d.last_self_cancel_at, b.id AS held_id, b.cell_id AS held_cell, hc.date AS held_date, s.start AS held_start, \
         b.status AS held_status, g.donated_on, g.donation_type \
         FROM donors d \
         LEFT JOIN bookings b ON b.donor_id = d.id AND b.status IN ('pending', 'approved') AND b.released_at IS NULL \
         LEFT JOIN cells hc ON hc.id = b.cell_id \
         LEFT JOIN time_slots s ON s.id = b.slot_id \
         LEFT JOIN donations g ON g.donor_id = d.id"
    };
}
pub(super) use donor_snapshot_from;

pub(super) const DONOR_SNAPSHOT: &str = concat!("SELECT ", donor_snapshot_from!(), " WHERE d.id = $1");

/// The donor's facts from the rows of [`DONOR_SNAPSHOT`]; `None` when there is no such donor.
pub struct DonorSnapshot {
    pub email: String,
    pub locale: Locale,
    pub blood: BloodProfile,
    pub state: DonorState,
    pub held: Option<HeldBooking>,
}

/// `now_local` decides whether the stored active booking still holds the donor (R3).
pub(super) fn donor_snapshot(
    rows: Vec<DonorSnapshotRow>,
    now_local: NaiveDateTime,
) -> Result<Option<DonorSnapshot>, sqlx::Error> {
    let mut donations = Vec::new();
    for r in &rows {
        if let (Some(on), Some(kind)) = (r.donated_on, &r.donation_type) {
            donations.push(Donation { on, donation_type: decode(kind)? });
        }
    }
    let Some(first) = rows.into_iter().next() else { return Ok(None) };
    let held = match (first.held_id, first.held_cell, first.held_date, first.held_start, &first.held_status) {
        (Some(booking_id), Some(cell_id), Some(date), Some(start), Some(status)) => {
            Some(HeldBooking { booking_id, cell_id, date, start, status: decode(status)? })
        }
        _ => None,
    };
    let blood = BloodProfile { group: decode(&first.blood_group)?, rh: decode(&first.rh)?, kell: decode(&first.kell)? };
    let state = DonorState {
        email_confirmed: first.email_confirmed_at.is_some(),
        has_active_booking: held.is_some_and(|h| h.holds_at(now_local)),
        last_self_cancel_at: first.last_self_cancel_at,
        donations,
    };
    let locale = Locale::from_code(&first.locale).unwrap_or_default();
    Ok(Some(DonorSnapshot { email: first.email, locale, blood, state, held }))
}

/// A donor's blood profile and rule state (their donations included) as of `now`, for the cabinet.
pub async fn donor_standing(
    db: &Db,
    donor_id: i64,
    now: Moment,
) -> Result<Option<(BloodProfile, DonorState)>, sqlx::Error> {
    let rows: Vec<DonorSnapshotRow> =
        on_pool!(db, pool => sqlx::query_as(DONOR_SNAPSHOT).bind(donor_id).fetch_all(pool).await?);
    Ok(donor_snapshot(rows, now.local())?.map(|d| (d.blood, d.state)))
}

/// What a booking e-mail and the confirmation show.
#[derive(Clone, Debug)]
pub struct BookingFacts {
    pub booking_id: i64,
    pub cell_id: i64,
    pub donor_id: i64,
    pub email: String,
    pub locale: Locale,
    pub date: NaiveDate,
    pub time: NaiveTime,
    pub donation_type: DonationType,
    pub place_name: String,
    pub place_address: String,
}

/// A donor asking for a time in a cell (`by`: the registrar asking for them on the phone).
#[derive(Clone, Copy, Debug)]
pub struct BookRequest {
    pub donor_id: i64,
    pub cell_id: i64,
    pub start: NaiveTime,
    pub by: Option<i64>,
}

#[derive(Debug)]
pub enum BookOutcome {
    Booked(BookingFacts),
    /// The donor already holds this very booking: a repeated request.
    AlreadyHeld(i64),
    /// Nothing was written.
    Refused(Refusal),
}

/// The asked-for time with its cell's and place's columns, once per group quota of the cell
/// (one row with no quota when it has none): one statement for all the decision reads of the
/// cell, so the SQLite write lock and PostgreSQL round trips are held as short as possible.
#[derive(sqlx::FromRow)]
pub(super) struct AskedRow {
    slot_id: i64,
    capacity: i64,
    slot_booked: i64,
    date: NaiveDate,
    donation_type: String,
    closed: bool,
    place_name: String,
    place_address: String,
    quota_id: Option<i64>,
    blood_group: Option<String>,
    rh: Option<String>,
    kell_negative_only: Option<bool>,
    needed: Option<i64>,
    quota_booked: Option<i64>,
    /// PostgreSQL: the id the booking will have, drawn with the read (see `booking_postgres`).
    #[sqlx(default)]
    pub(super) next_booking_id: Option<i64>,
}

/// The columns of [`ASKED`] (PostgreSQL adds one); `asked_from!` the rest of it.
macro_rules! asked_columns {
    () => {
        "SELECT s.id AS slot_id, s.capacity, s.booked AS slot_booked, c.date, \
     c.donation_type, (c.closed_at IS NOT NULL) AS closed, p.name AS place_name, p.address AS place_address, \
     q.id AS quota_id, q.blood_group, q.rh, q.kell_negative_only, q.needed, q.booked AS quota_booked"
    };
}
macro_rules! asked_from {
    () => {
        " FROM time_slots s JOIN cells c ON c.id = s.cell_id JOIN places p ON p.id = c.place_id \
     LEFT JOIN group_quotas q ON q.cell_id = c.id \
     WHERE s.cell_id = $1 AND s.start = $2 ORDER BY q.id"
    };
}
pub(super) use {asked_columns, asked_from};

const ASKED: &str = concat!(asked_columns!(), asked_from!());

/// What the decision chose, with the rows its choice points at.
pub(super) enum Decided {
    Take { slot_id: i64, quota_id: i64, releases: Option<i64>, facts: BookingFacts },
    Done(BookOutcome),
}

/// Lets the domain decide on the rows read for the request (`booking_id` is filled in once
/// the booking is written).
pub(super) fn decide_on(
    donor: Vec<DonorSnapshotRow>,
    asked: Vec<AskedRow>,
    request: BookRequest,
    now: Moment,
    intervals: &IntervalTable,
) -> Result<Decided, sqlx::Error> {
    let BookRequest { donor_id, cell_id, start, .. } = request;
    let Some(donor) = donor_snapshot(donor, now.local())? else {
        return Ok(Decided::Done(BookOutcome::Refused(Refusal::Unavailable)));
    };
    let Some(cell) = asked.first() else {
        // A time the cell does not have (or no such cell) is unavailable.
        return Ok(Decided::Done(BookOutcome::Refused(Refusal::Unavailable)));
    };
    let times = [TimeSlot { start, capacity: count(cell.capacity), booked: count(cell.slot_booked) }];
    let mut needs = Vec::with_capacity(asked.len());
    let mut quota_ids = Vec::with_capacity(asked.len());
    for r in &asked {
        if let (Some(id), Some(g), Some(rh), Some(k), Some(needed), Some(booked)) =
            (r.quota_id, &r.blood_group, &r.rh, r.kell_negative_only, r.needed, r.quota_booked)
        {
            needs.push(group_need(g, rh, k, needed, booked)?);
            quota_ids.push(id);
        }
    }
    let asked_cell =
        CellFacts { id: cell_id, date: cell.date, donation_type: decode(&cell.donation_type)?, closed: cell.closed };
    let snapshot = Snapshot {
        donor: &donor.state,
        blood: donor.blood,
        held: donor.held,
        cell: asked_cell,
        times: &times,
        needs: &needs,
        requested: start,
        now,
        intervals,
    };
    let place = match decide(&snapshot) {
        Decision::Take(place) => place,
        Decision::AlreadyHeld(id) => return Ok(Decided::Done(BookOutcome::AlreadyHeld(id))),
        Decision::Refuse(refusal) => return Ok(Decided::Done(BookOutcome::Refused(refusal))),
    };
    let facts = BookingFacts {
        booking_id: 0,
        cell_id,
        donor_id,
        email: donor.email,
        locale: donor.locale,
        date: asked_cell.date,
        time: start,
        donation_type: asked_cell.donation_type,
        place_name: cell.place_name.clone(),
        place_address: cell.place_address.clone(),
    };
    Ok(Decided::Take { slot_id: cell.slot_id, quota_id: quota_ids[place.need], releases: place.releases, facts })
}

/// Books `start` in `cell_id` for the donor (`intervals`: the centre's table, read before the
/// write lock — admins change it rarely): the snapshot is read, the domain decides, and the
/// place is taken with conditional updates; the e-mail `compose` builds is queued with the
/// booking, atomically. Any refusal writes nothing. A full time is refused by one read first.
/// PostgreSQL writes the booking in one statement (`booking_postgres`); SQLite, and the rare
/// booking that must first release a lapsed one, in the transaction below.
pub async fn book(
    db: &Db,
    request: BookRequest,
    now: Moment,
    intervals: &IntervalTable,
    message_id: &str,
    compose: impl Fn(&BookingFacts) -> Email,
) -> Result<BookOutcome, sqlx::Error> {
    match db {
        Db::Postgres(pool) => {
            let outcome = super::booking_postgres::book(pool, request, now, intervals, message_id, &compose).await?;
            if let Some(outcome) = outcome {
                return Ok(outcome);
            }
        }
        // A full time is refused before queueing for the write lock.
        Db::Sqlite(pool) => {
            let fullness: Vec<FullnessRow> = sqlx::query_as(FULLNESS)
                .bind(request.cell_id)
                .bind(request.start)
                .bind(request.donor_id)
                .fetch_all(pool)
                .await?;
            if let Some(refusal) = already_full(&fullness, request.start, now)? {
                return Ok(BookOutcome::Refused(refusal));
            }
        }
    }
    let BookRequest { donor_id, cell_id, start, by } = request;
    let keep = |out: &BookOutcome| matches!(out, BookOutcome::Booked(_));
    let outcome = in_write_tx_keep_if!(db, keep, tx => 'book: {
        let donor: Vec<DonorSnapshotRow> = sqlx::query_as(DONOR_SNAPSHOT).bind(donor_id).fetch_all(&mut *tx).await?;
        let asked: Vec<AskedRow> = sqlx::query_as(ASKED).bind(cell_id).bind(start).fetch_all(&mut *tx).await?;
        let (slot_id, quota_id, releases, mut facts) = match decide_on(donor, asked, request, now, intervals)? {
            Decided::Take { slot_id, quota_id, releases, facts } => (slot_id, quota_id, releases, facts),
            Decided::Done(outcome) => break 'book outcome,
        };
        if let Some(lapsed) = releases {
            release_lapsed(&mut *tx, lapsed, now.utc).await?;
        }
        // On PostgreSQL another transaction may have taken the last place since the read:
        // the conditional update then changes nothing and the request is refused.
        let took_time = sqlx::query("UPDATE time_slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity")
            .bind(slot_id).execute(&mut *tx).await?.rows_affected();
        if took_time == 0 {
            break 'book BookOutcome::Refused(Refusal::TimeTaken);
        }
        let took_quota = sqlx::query("UPDATE group_quotas SET booked = booked + 1 WHERE id = $1 AND booked < needed")
            .bind(quota_id).execute(&mut *tx).await?.rows_affected();
        if took_quota == 0 {
            break 'book BookOutcome::Refused(Refusal::GroupFilled);
        }
        let inserted = sqlx::query_scalar(
            "INSERT INTO bookings (donor_id, cell_id, slot_id, quota_id, status, created_at) \
             VALUES ($1, $2, $3, $4, 'pending', $5) RETURNING id",
        )
        .bind(donor_id).bind(cell_id).bind(slot_id).bind(quota_id).bind(now.utc)
        .fetch_one(&mut *tx).await;
        facts.booking_id = match inserted {
            Ok(id) => id,
            // Another request of the same donor committed first (R3's unique index).
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                break 'book BookOutcome::Refused(Refusal::Rule(Blocked::by(Rule::R3)));
            }
            Err(e) => return Err(e),
        };
        if let Some(staff_id) = by {
            // Booked by a registrar for a caller: audited with the booking, in its transaction.
            sqlx::query(
                "INSERT INTO audit_log (at, staff_id, booking_id, donor_id, action, to_status) \
                 VALUES ($1, $2, $3, $4, 'caller_booking', 'pending')",
            )
            .bind(now.utc).bind(staff_id).bind(facts.booking_id).bind(donor_id).execute(&mut *tx).await?;
        }
        outbox::enqueue(&mut *tx, &compose(&facts), message_id, now.utc).await?;
        BookOutcome::Booked(facts)
    });
    Ok(outcome)
}

#[derive(sqlx::FromRow)]
pub(super) struct FullnessRow {
    capacity: i64,
    slot_booked: i64,
    blood_group: String,
    rh: String,
    kell: String,
    held_status: Option<String>,
    held_date: Option<NaiveDate>,
    held_start: Option<NaiveTime>,
    quota_group: Option<String>,
    quota_rh: Option<String>,
    kell_negative_only: Option<bool>,
    needed: Option<i64>,
    quota_booked: Option<i64>,
}

/// The fast refusal for a flash crowd: one read ([`FULLNESS`]), without queueing for the
/// write lock, and the decision's own predicate ([`refused_as_full`]) on it. It only ever
/// refuses what was full at a committed instant; every booking is still decided inside the
/// transaction. $1 cell, $2 time, $3 donor.
pub(super) const FULLNESS: &str = "SELECT s.capacity, s.booked AS slot_booked, d.blood_group, d.rh, d.kell, \
     b.status AS held_status, hc.date AS held_date, hs.start AS held_start, \
     q.blood_group AS quota_group, q.rh AS quota_rh, q.kell_negative_only, q.needed, q.booked AS quota_booked \
     FROM time_slots s JOIN donors d ON d.id = $3 \
     LEFT JOIN bookings b ON b.donor_id = d.id AND b.status IN ('pending', 'approved') AND b.released_at IS NULL \
     LEFT JOIN cells hc ON hc.id = b.cell_id LEFT JOIN time_slots hs ON hs.id = b.slot_id \
     LEFT JOIN group_quotas q ON q.cell_id = s.cell_id \
     WHERE s.cell_id = $1 AND s.start = $2";

/// [`refused_as_full`] on the rows of [`FULLNESS`].
pub(super) fn already_full(
    rows: &[FullnessRow],
    start: NaiveTime,
    now: Moment,
) -> Result<Option<Refusal>, sqlx::Error> {
    let Some(first) = rows.first() else { return Ok(None) };
    let time = TimeSlot { start, capacity: count(first.capacity), booked: count(first.slot_booked) };
    let blood = BloodProfile { group: decode(&first.blood_group)?, rh: decode(&first.rh)?, kell: decode(&first.kell)? };
    let holds = match (&first.held_status, first.held_date, first.held_start) {
        (Some(status), Some(date), Some(held_start)) => holds_booking(decode(status)?, date, held_start, now.local()),
        _ => false,
    };
    let mut needs = Vec::with_capacity(rows.len());
    for r in rows {
        if let (Some(g), Some(rh), Some(k), Some(needed), Some(booked)) =
            (&r.quota_group, &r.quota_rh, r.kell_negative_only, r.needed, r.quota_booked)
        {
            needs.push(group_need(g, rh, k, needed, booked)?);
        }
    }
    Ok(refused_as_full(&time, &needs, &blood, holds))
}

/// Records that a stored active booking no longer holds its donor because its time has
/// passed (the caller decided so with `domain::booking::has_lapsed`). A pending one is then
/// «Не рассмотрена», and the audit log keeps that. Returns whether this call released it.
async fn release_lapsed<C, DB>(conn: &mut C, booking_id: i64, now: DateTime<Utc>) -> Result<bool, sqlx::Error>
where
    C: Send,
    DB: sqlx::Database,
    for<'e> &'e mut C: sqlx::Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> DateTime<Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    (String,): for<'r> sqlx::FromRow<'r, DB::Row>,
{
    let status: Option<String> = sqlx::query_scalar::<DB, String>(
        "UPDATE bookings SET released_at = $2 \
         WHERE id = $1 AND status IN ('pending', 'approved') AND released_at IS NULL RETURNING status",
    )
    .bind(booking_id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    if status.as_deref() == Some(BookingStatus::Pending.code()) {
        sqlx::query::<DB>(
            "INSERT INTO audit_log (at, staff_id, booking_id, action, from_status, to_status) \
             VALUES ($1, NULL, $2, 'lapse', 'pending', 'not_reviewed')",
        )
        .bind(now)
        .bind(booking_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(status.is_some())
}

#[derive(sqlx::FromRow)]
struct UnreleasedRow {
    id: i64,
    status: String,
    date: NaiveDate,
    start: NaiveTime,
}

/// The tidy-up after the rules: releases every stored active booking whose time has passed
/// as of `now` (the rules never wait for this; it keeps the index, the audit log and the
/// registrar's lists in step). Returns how many it released.
pub async fn release_all_lapsed(db: &Db, now: Moment) -> Result<u64, sqlx::Error> {
    let local = now.local();
    let rows: Vec<UnreleasedRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT b.id, b.status, c.date, s.start FROM bookings b JOIN cells c ON c.id = b.cell_id \
         JOIN time_slots s ON s.id = b.slot_id \
         WHERE b.status IN ('pending', 'approved') AND b.released_at IS NULL AND c.date <= $1",
    ).bind(local.date()).fetch_all(pool).await?);
    let mut lapsed = Vec::new();
    for r in rows {
        if has_lapsed(decode(&r.status)?, r.date, r.start, local) {
            lapsed.push(r.id);
        }
    }
    let mut released = 0;
    // Small transactions: SQLite's write lock is never held for a whole backlog.
    for chunk in lapsed.chunks(100) {
        released += in_write_tx!(db, tx => {
            let mut n = 0;
            for id in chunk {
                n += u64::from(release_lapsed(&mut *tx, *id, now.utc).await?);
            }
            n
        });
    }
    Ok(released)
}

/// The active booking of a donor with its cell and time, if any (to answer a repeated request).
pub async fn active_booking(db: &Db, donor_id: i64) -> Result<Option<(i64, i64, NaiveTime)>, sqlx::Error> {
    Ok(on_pool!(db, pool => sqlx::query_as(
        "SELECT b.id, b.cell_id, s.start FROM bookings b JOIN time_slots s ON s.id = b.slot_id \
         WHERE b.donor_id = $1 AND b.status IN ('pending', 'approved') AND b.released_at IS NULL",
    ).bind(donor_id).fetch_optional(pool).await?))
}

#[derive(sqlx::FromRow)]
struct RecordRow {
    id: i64,
    cell_id: i64,
    status: String,
    date: NaiveDate,
    start: NaiveTime,
    donation_type: String,
    place_name: String,
    place_address: String,
    rejection_reason: Option<String>,
    rejection_comment: Option<String>,
}

impl RecordRow {
    /// The record as of `now_local`: its status is the one the rules see then ([`status_at`]).
    fn record(self, now_local: NaiveDateTime) -> Result<BookingRecord, sqlx::Error> {
        Ok(BookingRecord {
            id: self.id,
            status: status_at(decode(&self.status)?, self.date, self.start, now_local),
            date: self.date,
            time: self.start,
            donation_type: decode(&self.donation_type)?,
            place_name: self.place_name,
            place_address: self.place_address,
            rejection_reason: self.rejection_reason.as_deref().map(decode::<RejectionReason>).transpose()?,
            rejection_comment: self.rejection_comment,
        })
    }
}

const RECORDS: &str = "SELECT b.id, b.cell_id, b.status, c.date, s.start, c.donation_type, p.name AS place_name, \
                       p.address AS place_address, b.rejection_reason, b.rejection_comment \
                       FROM bookings b JOIN cells c ON c.id = b.cell_id JOIN time_slots s ON s.id = b.slot_id \
                       JOIN places p ON p.id = c.place_id";

/// The donor's bookings dated `from` or later (R6), newest first, as of `now_local`.
pub async fn donor_records(
    db: &Db,
    donor_id: i64,
    from: NaiveDate,
    now_local: NaiveDateTime,
) -> Result<Vec<BookingRecord>, sqlx::Error> {
    let rows: Vec<RecordRow> = on_pool!(db, pool => sqlx::query_as(&format!(
        "{RECORDS} WHERE b.donor_id = $1 AND c.date >= $2 ORDER BY c.date DESC, s.start DESC, b.id DESC"
    )).bind(donor_id).bind(from).fetch_all(pool).await?);
    rows.into_iter().map(|r| r.record(now_local)).collect()
}

/// One booking as its donor sees it, and whose it is (for a link from an e-mail).
pub async fn record_with_owner(
    db: &Db,
    booking_id: i64,
    now_local: NaiveDateTime,
) -> Result<Option<(i64, BookingRecord)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Owned {
        donor_id: i64,
        #[sqlx(flatten)]
        record: RecordRow,
    }
    let sql = format!("{} WHERE b.id = $1", RECORDS.replacen("SELECT ", "SELECT b.donor_id, ", 1));
    let row: Option<Owned> = on_pool!(db, pool => sqlx::query_as(&sql).bind(booking_id).fetch_optional(pool).await?);
    row.map(|r| Ok((r.donor_id, r.record.record(now_local)?))).transpose()
}

#[derive(Debug)]
pub enum CancelOutcome {
    Cancelled(BookingFacts),
    /// Not the donor's booking, or no longer on record.
    NotFound,
    /// Already decided, cancelled, or its time has begun.
    NotCancellable(BookingStatus),
}

/// Cancels the donor's own active booking: the places return to the time and the group,
/// R4 starts, the audit log and the outbox get their rows — all or nothing.
pub async fn cancel(
    db: &Db,
    donor_id: i64,
    booking_id: i64,
    now: Moment,
    message_id: &str,
    compose: impl Fn(&BookingFacts) -> Email,
) -> Result<CancelOutcome, sqlx::Error> {
    let keep = |out: &CancelOutcome| matches!(out, CancelOutcome::Cancelled(_));
    let outcome = in_write_tx_keep_if!(db, keep, tx => 'cancel: {
        let row: Option<RecordRow> = sqlx::query_as(&format!("{RECORDS} WHERE b.id = $1 AND b.donor_id = $2"))
            .bind(booking_id).bind(donor_id).fetch_optional(&mut *tx).await?;
        let Some((cell_id, record)) = row.map(|r| Ok::<_, sqlx::Error>((r.cell_id, r.record(now.local())?))).transpose()? else {
            break 'cancel CancelOutcome::NotFound;
        };
        if !donor_may_cancel(record.status, record.date, record.time, now.local()) {
            break 'cancel CancelOutcome::NotCancellable(record.status);
        }
        // Conditional on the status read above: a registrar's decision in between wins.
        let slots: Option<(i64, i64)> = sqlx::query_as(
            "UPDATE bookings SET status = 'cancelled', decided_at = $3 \
             WHERE id = $1 AND donor_id = $2 AND status = $4 RETURNING slot_id, quota_id",
        )
        .bind(booking_id).bind(donor_id).bind(now.utc).bind(record.status.code())
        .fetch_optional(&mut *tx).await?;
        let Some((slot_id, quota_id)) = slots else {
            break 'cancel CancelOutcome::NotCancellable(record.status);
        };
        sqlx::query("UPDATE time_slots SET booked = booked - 1 WHERE id = $1 AND booked > 0")
            .bind(slot_id).execute(&mut *tx).await?;
        sqlx::query("UPDATE group_quotas SET booked = booked - 1 WHERE id = $1 AND booked > 0")
            .bind(quota_id).execute(&mut *tx).await?;
        sqlx::query("UPDATE donors SET last_self_cancel_at = $2 WHERE id = $1")
            .bind(donor_id).bind(now.utc).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO audit_log (at, staff_id, booking_id, action, from_status, to_status) \
             VALUES ($1, NULL, $2, 'donor_cancel', $3, 'cancelled')",
        )
        .bind(now.utc).bind(booking_id).bind(record.status.code()).execute(&mut *tx).await?;
        outbox::recall(&mut *tx, &reminder_key(booking_id)).await?;
        let (email, locale): (String, String) = sqlx::query_as("SELECT email, locale FROM donors WHERE id = $1")
            .bind(donor_id).fetch_one(&mut *tx).await?;
        let facts = BookingFacts {
            booking_id,
            cell_id,
            donor_id,
            email,
            locale: Locale::from_code(&locale).unwrap_or_default(),
            date: record.date,
            time: record.time,
            donation_type: record.donation_type,
            place_name: record.place_name,
            place_address: record.place_address,
        };
        outbox::enqueue(&mut *tx, &compose(&facts), message_id, now.utc).await?;
        CancelOutcome::Cancelled(facts)
    });
    Ok(outcome)
}

/// The recall key of a booking's reminder: a cancellation or a decision takes a queued one back.
pub fn reminder_key(booking_id: i64) -> String {
    format!("reminder:{booking_id}")
}

/// R6: deletes bookings dated before `cutoff` and writes down how many. Donations are kept
/// in their own table, so R5 and the intervals survive the purge.
pub async fn purge_before(db: &Db, cutoff: NaiveDate, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    Ok(in_write_tx!(db, tx => {
        // A purged booking's id may be given again (SQLite reuses the highest ids).
        sqlx::query(
            "UPDATE donations SET booking_id = NULL WHERE booking_id IN \
             (SELECT b.id FROM bookings b JOIN cells c ON c.id = b.cell_id WHERE c.date < $1)",
        )
        .bind(cutoff).execute(&mut *tx).await?;
        let purged = sqlx::query("DELETE FROM bookings WHERE cell_id IN (SELECT id FROM cells WHERE date < $1)")
            .bind(cutoff).execute(&mut *tx).await?.rows_affected();
        sqlx::query("INSERT INTO purge_runs (ran_at, cutoff, purged) VALUES ($1, $2, $3)")
            .bind(now).bind(cutoff).bind(i64::try_from(purged).unwrap_or(i64::MAX))
            .execute(&mut *tx).await?;
        purged
    }))
}
