//! Bookings: taking a place, cancelling it, the donor's records, and the daily purge (R6).
//!
//! The booking transaction reads a snapshot, lets `domain::decision::decide` choose, and
//! applies its choice. No place is given twice (R7) because places are taken by conditional
//! updates (`booked = booked + 1 WHERE booked < capacity`) whose row locks serialise
//! concurrent bookers, and the CHECK constraints and the partial unique index back them in
//! the schema.

use super::cells::group_need;
use super::intervals::interval_table;
use super::{decode, in_write_tx, in_write_tx_keep_if, on_pool, Db};
use crate::domain::booking::donor_may_cancel;
use crate::domain::decision::{decide, refused_as_full, CellFacts, Decision, HeldBooking, Moment, Refusal, Snapshot};
use crate::domain::intervals::Donation;
use crate::domain::rules::{Blocked, Rule};
use crate::domain::{
    BloodProfile, BookingStatus, Coded, DonationType, DonorState, GroupNeed, Locale, RejectionReason, TimeSlot,
};
use crate::model::booking::BookingRecord;
use crate::server::mail::{outbox, Email};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// The donor as the booking rules see them.
#[derive(sqlx::FromRow)]
struct DonorRow {
    email: String,
    locale: String,
    blood_group: String,
    rh: String,
    kell: String,
    email_confirmed_at: Option<DateTime<Utc>>,
    last_self_cancel_at: Option<DateTime<Utc>>,
}

impl DonorRow {
    fn blood(&self) -> Result<BloodProfile, sqlx::Error> {
        Ok(BloodProfile { group: decode(&self.blood_group)?, rh: decode(&self.rh)?, kell: decode(&self.kell)? })
    }

    fn state(&self, held: Option<HeldBooking>, donations: Vec<Donation>) -> DonorState {
        DonorState {
            email_confirmed: self.email_confirmed_at.is_some(),
            has_active_booking: held.is_some(),
            last_self_cancel_at: self.last_self_cancel_at,
            donations,
        }
    }
}

#[derive(sqlx::FromRow)]
struct HeldRow {
    id: i64,
    cell_id: i64,
    start: NaiveTime,
    status: String,
}

impl HeldRow {
    fn held(self) -> Result<HeldBooking, sqlx::Error> {
        Ok(HeldBooking { booking_id: self.id, cell_id: self.cell_id, start: self.start, status: decode(&self.status)? })
    }
}

#[derive(sqlx::FromRow)]
struct DonationRow {
    donated_on: NaiveDate,
    donation_type: String,
}

const DONOR: &str = "SELECT email, locale, blood_group, rh, kell, email_confirmed_at, last_self_cancel_at \
                     FROM donors WHERE id = $1";
const HELD: &str = "SELECT b.id, b.cell_id, s.start, b.status FROM bookings b JOIN time_slots s ON s.id = b.slot_id \
                    WHERE b.donor_id = $1 AND b.status IN ('pending', 'approved')";
const DONATIONS: &str = "SELECT donated_on, donation_type FROM donations WHERE donor_id = $1";

fn donations(rows: Vec<DonationRow>) -> Result<Vec<Donation>, sqlx::Error> {
    rows.into_iter().map(|r| Ok(Donation { on: r.donated_on, donation_type: decode(&r.donation_type)? })).collect()
}

/// A donor's blood profile and rule state (their donations included), for the cabinet.
pub async fn donor_standing(db: &Db, donor_id: i64) -> Result<Option<(BloodProfile, DonorState)>, sqlx::Error> {
    let (donor, held, gave): (Option<DonorRow>, Option<HeldRow>, Vec<DonationRow>) = on_pool!(db, pool => (
        sqlx::query_as(DONOR).bind(donor_id).fetch_optional(pool).await?,
        sqlx::query_as(HELD).bind(donor_id).fetch_optional(pool).await?,
        sqlx::query_as(DONATIONS).bind(donor_id).fetch_all(pool).await?,
    ));
    let Some(donor) = donor else { return Ok(None) };
    let held = held.map(HeldRow::held).transpose()?;
    Ok(Some((donor.blood()?, donor.state(held, donations(gave)?))))
}

/// A donor's donations on record (the registrar's warnings and the cabinet use them).
pub async fn donations_of(db: &Db, donor_id: i64) -> Result<Vec<Donation>, sqlx::Error> {
    let rows: Vec<DonationRow> = on_pool!(db, pool => sqlx::query_as(DONATIONS).bind(donor_id).fetch_all(pool).await?);
    donations(rows)
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

#[derive(Debug)]
pub enum BookOutcome {
    Booked(BookingFacts),
    /// The donor already holds this very booking: a repeated request.
    AlreadyHeld(i64),
    /// Nothing was written.
    Refused(Refusal),
}

#[derive(sqlx::FromRow)]
struct CellRow {
    date: NaiveDate,
    donation_type: String,
    closed: bool,
    place_name: String,
    place_address: String,
}

#[derive(sqlx::FromRow)]
struct SlotRow {
    id: i64,
    start: NaiveTime,
    capacity: i64,
    booked: i64,
}

impl SlotRow {
    fn slot(&self) -> TimeSlot {
        TimeSlot { start: self.start, capacity: count(self.capacity), booked: count(self.booked) }
    }
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

#[derive(sqlx::FromRow)]
struct QuotaRow {
    id: i64,
    blood_group: String,
    rh: String,
    kell_negative_only: bool,
    needed: i64,
    booked: i64,
}

impl QuotaRow {
    fn need(&self) -> Result<GroupNeed, sqlx::Error> {
        group_need(&self.blood_group, &self.rh, self.kell_negative_only, self.needed, self.booked)
    }
}

/// Books `start` in `cell_id` for the donor: one write transaction reads the snapshot, the
/// domain decides, and the place is taken with conditional updates; the e-mail `compose`
/// builds is queued in the same transaction. Any refusal writes nothing.
pub async fn book(
    db: &Db,
    donor_id: i64,
    cell_id: i64,
    start: NaiveTime,
    now: Moment,
    message_id: &str,
    compose: impl Fn(&BookingFacts) -> Email,
) -> Result<BookOutcome, sqlx::Error> {
    if let Some(refusal) = already_full(db, donor_id, cell_id, start).await? {
        return Ok(BookOutcome::Refused(refusal));
    }
    // Admins change the table rarely; reading it before the write lock keeps the lock short.
    let intervals = interval_table(db).await?;
    let keep = |out: &BookOutcome| matches!(out, BookOutcome::Booked(_));
    let outcome = in_write_tx_keep_if!(db, keep, tx => 'book: {
        let Some(donor): Option<DonorRow> = sqlx::query_as(DONOR).bind(donor_id).fetch_optional(&mut *tx).await? else {
            break 'book BookOutcome::Refused(Refusal::Unavailable);
        };
        let held: Option<HeldRow> = sqlx::query_as(HELD).bind(donor_id).fetch_optional(&mut *tx).await?;
        let held = held.map(HeldRow::held).transpose()?;
        let gave: Vec<DonationRow> = sqlx::query_as(DONATIONS).bind(donor_id).fetch_all(&mut *tx).await?;
        let cell: Option<CellRow> = sqlx::query_as(
            "SELECT c.date, c.donation_type, (c.closed_at IS NOT NULL) AS closed, p.name AS place_name, \
             p.address AS place_address FROM cells c JOIN places p ON p.id = c.place_id WHERE c.id = $1",
        )
        .bind(cell_id).fetch_optional(&mut *tx).await?;
        let Some(cell) = cell else {
            break 'book BookOutcome::Refused(Refusal::Unavailable);
        };
        let slots: Vec<SlotRow> = sqlx::query_as(
            "SELECT id, start, capacity, booked FROM time_slots WHERE cell_id = $1 ORDER BY start",
        )
        .bind(cell_id).fetch_all(&mut *tx).await?;
        let quotas: Vec<QuotaRow> = sqlx::query_as(
            "SELECT id, blood_group, rh, kell_negative_only, needed, booked FROM group_quotas WHERE cell_id = $1 ORDER BY id",
        )
        .bind(cell_id).fetch_all(&mut *tx).await?;
        let state = donor.state(held, donations(gave)?);
        let times: Vec<TimeSlot> = slots.iter().map(SlotRow::slot).collect();
        let needs = quotas.iter().map(QuotaRow::need).collect::<Result<Vec<_>, _>>()?;
        let asked = CellFacts { id: cell_id, date: cell.date, donation_type: decode(&cell.donation_type)?, closed: cell.closed };
        let snapshot = Snapshot {
            donor: &state, blood: donor.blood()?, held, cell: asked, times: &times, needs: &needs,
            requested: start, now, intervals: &intervals,
        };
        let place = match decide(&snapshot) {
            Decision::Take(place) => place,
            Decision::AlreadyHeld(id) => break 'book BookOutcome::AlreadyHeld(id),
            Decision::Refuse(refusal) => break 'book BookOutcome::Refused(refusal),
        };
        let (slot_id, quota_id) = (slots[place.time].id, quotas[place.need].id);
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
        let booking_id: i64 = match inserted {
            Ok(id) => id,
            // Another request of the same donor committed first (R3's unique index).
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                break 'book BookOutcome::Refused(Refusal::Rule(Blocked::by(Rule::R3)));
            }
            Err(e) => return Err(e),
        };
        let facts = BookingFacts {
            booking_id,
            cell_id,
            donor_id,
            email: donor.email,
            locale: Locale::from_code(&donor.locale).unwrap_or_default(),
            date: cell.date,
            time: start,
            donation_type: asked.donation_type,
            place_name: cell.place_name,
            place_address: cell.place_address,
        };
        outbox::enqueue(&mut *tx, &compose(&facts), message_id, now.utc).await?;
        BookOutcome::Booked(facts)
    });
    Ok(outcome)
}

#[derive(sqlx::FromRow)]
struct FullnessRow {
    capacity: i64,
    slot_booked: i64,
    blood_group: String,
    rh: String,
    kell: String,
    holds_booking: bool,
    quota_group: Option<String>,
    quota_rh: Option<String>,
    kell_negative_only: Option<bool>,
    needed: Option<i64>,
    quota_booked: Option<i64>,
}

/// The fast refusal for a flash crowd: one read, without queueing for the write lock, and
/// the decision's own predicate ([`refused_as_full`]) on it. It only ever refuses what was
/// full at a committed instant; every booking is still decided inside the transaction.
async fn already_full(db: &Db, donor_id: i64, cell_id: i64, start: NaiveTime) -> Result<Option<Refusal>, sqlx::Error> {
    let rows: Vec<FullnessRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT s.capacity, s.booked AS slot_booked, d.blood_group, d.rh, d.kell, \
         EXISTS (SELECT 1 FROM bookings b WHERE b.donor_id = d.id AND b.status IN ('pending', 'approved')) AS holds_booking, \
         q.blood_group AS quota_group, q.rh AS quota_rh, q.kell_negative_only, q.needed, q.booked AS quota_booked \
         FROM time_slots s JOIN donors d ON d.id = $3 LEFT JOIN group_quotas q ON q.cell_id = s.cell_id \
         WHERE s.cell_id = $1 AND s.start = $2",
    ).bind(cell_id).bind(start).bind(donor_id).fetch_all(pool).await?);
    let Some(first) = rows.first() else { return Ok(None) };
    let time = TimeSlot { start, capacity: count(first.capacity), booked: count(first.slot_booked) };
    let blood = BloodProfile { group: decode(&first.blood_group)?, rh: decode(&first.rh)?, kell: decode(&first.kell)? };
    let mut needs = Vec::with_capacity(rows.len());
    for r in &rows {
        if let (Some(g), Some(rh), Some(k), Some(needed), Some(booked)) =
            (&r.quota_group, &r.quota_rh, r.kell_negative_only, r.needed, r.quota_booked)
        {
            needs.push(group_need(g, rh, k, needed, booked)?);
        }
    }
    Ok(refused_as_full(&time, &needs, &blood, first.holds_booking))
}

/// The active booking of a donor with its cell and time, if any (to answer a repeated request).
pub async fn active_booking(db: &Db, donor_id: i64) -> Result<Option<(i64, i64, NaiveTime)>, sqlx::Error> {
    Ok(on_pool!(db, pool => sqlx::query_as(
        "SELECT b.id, b.cell_id, s.start FROM bookings b JOIN time_slots s ON s.id = b.slot_id \
         WHERE b.donor_id = $1 AND b.status IN ('pending', 'approved')",
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
}

impl RecordRow {
    fn record(self) -> Result<BookingRecord, sqlx::Error> {
        Ok(BookingRecord {
            id: self.id,
            status: decode(&self.status)?,
            date: self.date,
            time: self.start,
            donation_type: decode(&self.donation_type)?,
            place_name: self.place_name,
            place_address: self.place_address,
            rejection_reason: self.rejection_reason.as_deref().map(decode::<RejectionReason>).transpose()?,
        })
    }
}

const RECORDS: &str = "SELECT b.id, b.cell_id, b.status, c.date, s.start, c.donation_type, p.name AS place_name, \
                       p.address AS place_address, b.rejection_reason \
                       FROM bookings b JOIN cells c ON c.id = b.cell_id JOIN time_slots s ON s.id = b.slot_id \
                       JOIN places p ON p.id = c.place_id";

/// The donor's bookings dated `from` or later (R6), newest first.
pub async fn donor_records(db: &Db, donor_id: i64, from: NaiveDate) -> Result<Vec<BookingRecord>, sqlx::Error> {
    let rows: Vec<RecordRow> = on_pool!(db, pool => sqlx::query_as(&format!(
        "{RECORDS} WHERE b.donor_id = $1 AND c.date >= $2 ORDER BY c.date DESC, s.start DESC, b.id DESC"
    )).bind(donor_id).bind(from).fetch_all(pool).await?);
    rows.into_iter().map(RecordRow::record).collect()
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
        let Some((cell_id, record)) = row.map(|r| Ok::<_, sqlx::Error>((r.cell_id, r.record()?))).transpose()? else {
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
