//! Bookings: taking a place (R3–R7 in one transaction), cancelling it, the donor's records,
//! and the daily purge (R6).
//!
//! No place is given twice (R7) because places are taken by conditional updates
//! (`booked = booked + 1 WHERE booked < capacity`) whose row locks serialise concurrent
//! bookers, and the CHECK constraints and the partial unique index back them in the schema.

use super::cells::group_need;
use super::{decode, in_write_tx, in_write_tx_keep_if, on_pool, Db};
use crate::domain::cells::fitting_need;
use crate::domain::rules::{check_group_fits, check_standing, Blocked};
use crate::domain::{
    BloodProfile, BookingRecord, BookingStatus, Coded, DonationType, DonorState, GroupNeed, Locale, RejectionReason,
};
use crate::server::mail::{outbox, Email};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;

/// The donor as the booking rules see them.
#[derive(sqlx::FromRow)]
struct DonorRow {
    email: String,
    locale: String,
    blood_group: String,
    rh: String,
    kell: String,
    email_confirmed_at: Option<DateTime<Utc>>,
    last_donation_on: Option<NaiveDate>,
    last_self_cancel_at: Option<DateTime<Utc>>,
}

impl DonorRow {
    fn blood(&self) -> Result<BloodProfile, sqlx::Error> {
        Ok(BloodProfile { group: decode(&self.blood_group)?, rh: decode(&self.rh)?, kell: decode(&self.kell)? })
    }

    fn state(&self, active_booking: Option<i64>) -> DonorState {
        DonorState {
            email_confirmed: self.email_confirmed_at.is_some(),
            has_active_booking: active_booking.is_some(),
            last_self_cancel_at: self.last_self_cancel_at,
            last_donation_on: self.last_donation_on,
        }
    }
}

const DONOR: &str = "SELECT email, locale, blood_group, rh, kell, email_confirmed_at, last_donation_on, \
                     last_self_cancel_at FROM donors WHERE id = $1";
const ACTIVE: &str = "SELECT id FROM bookings WHERE donor_id = $1 AND status IN ('pending', 'approved')";

/// A donor's blood profile and rule state, for the cabinet's list of cells.
pub async fn donor_standing(db: &Db, donor_id: i64) -> Result<Option<(BloodProfile, DonorState)>, sqlx::Error> {
    let (donor, active): (Option<DonorRow>, Option<i64>) = on_pool!(db, pool => (
        sqlx::query_as(DONOR).bind(donor_id).fetch_optional(pool).await?,
        sqlx::query_scalar(ACTIVE).bind(donor_id).fetch_optional(pool).await?,
    ));
    donor.map(|d| Ok((d.blood()?, d.state(active)))).transpose()
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

/// Why a booking was not made. Nothing was written then.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A donor-side rule (R1–R5).
    Rule(Blocked),
    /// The chosen time has no free place left (R7).
    TimeTaken,
    /// The places of the donor's group in this cell are all taken.
    GroupFilled,
    /// No such cell or time, or it is closed or has begun.
    Unavailable,
    /// The donor already holds this very booking: a repeated request.
    AlreadyBooked(i64),
}

#[derive(Debug)]
pub enum BookOutcome {
    Booked(BookingFacts),
    Refused(Refusal),
}

#[derive(sqlx::FromRow)]
struct SlotInCell {
    slot_id: i64,
    date: NaiveDate,
    donation_type: String,
    closed: bool,
    place_name: String,
    place_address: String,
}

#[derive(sqlx::FromRow)]
struct QuotaForBooking {
    id: i64,
    blood_group: String,
    rh: String,
    kell_negative_only: bool,
    needed: i64,
    booked: i64,
}

impl QuotaForBooking {
    fn need(&self) -> Result<GroupNeed, sqlx::Error> {
        group_need(&self.blood_group, &self.rh, self.kell_negative_only, self.needed, self.booked)
    }
}

/// The moment of a booking: the instant (for R4 and the record) and the centre's calendar.
#[derive(Clone, Copy)]
pub struct Now {
    pub utc: DateTime<Utc>,
    pub tz: Tz,
}

impl Now {
    fn local(&self) -> NaiveDateTime {
        self.utc.with_timezone(&self.tz).naive_local()
    }
}

/// Books `start` in `cell_id` for the donor, all rules checked inside one write transaction;
/// the e-mail `compose` builds is queued in the same transaction.
pub async fn book(
    db: &Db,
    donor_id: i64,
    cell_id: i64,
    start: NaiveTime,
    now: Now,
    message_id: &str,
    compose: impl Fn(&BookingFacts) -> Email,
) -> Result<BookOutcome, sqlx::Error> {
    if let Some(refusal) = already_full(db, donor_id, cell_id, start).await? {
        return Ok(BookOutcome::Refused(refusal));
    }
    let keep = |out: &BookOutcome| matches!(out, BookOutcome::Booked(_));
    let outcome = in_write_tx_keep_if!(db, keep, tx => 'book: {
        let Some(donor): Option<DonorRow> = sqlx::query_as(DONOR).bind(donor_id).fetch_optional(&mut *tx).await? else {
            break 'book BookOutcome::Refused(Refusal::Unavailable);
        };
        let active: Option<i64> = sqlx::query_scalar(ACTIVE).bind(donor_id).fetch_optional(&mut *tx).await?;
        if let Some(existing) = active {
            let same: Option<i64> = sqlx::query_scalar(
                "SELECT b.id FROM bookings b JOIN time_slots s ON s.id = b.slot_id \
                 WHERE b.id = $1 AND b.cell_id = $2 AND s.start = $3",
            )
            .bind(existing).bind(cell_id).bind(start).fetch_optional(&mut *tx).await?;
            if same.is_some() {
                break 'book BookOutcome::Refused(Refusal::AlreadyBooked(existing));
            }
        }
        if let Err(blocked) = check_standing(&donor.state(active), now.utc, now.tz) {
            break 'book BookOutcome::Refused(Refusal::Rule(blocked));
        }
        let slot: Option<SlotInCell> = sqlx::query_as(
            "SELECT s.id AS slot_id, c.date, c.donation_type, (c.closed_at IS NOT NULL) AS closed, \
             p.name AS place_name, p.address AS place_address \
             FROM time_slots s JOIN cells c ON c.id = s.cell_id JOIN places p ON p.id = c.place_id \
             WHERE s.cell_id = $1 AND s.start = $2",
        )
        .bind(cell_id).bind(start).fetch_optional(&mut *tx).await?;
        let Some(slot) = slot.filter(|s| !s.closed && s.date.and_time(start) > now.local()) else {
            break 'book BookOutcome::Refused(Refusal::Unavailable);
        };
        let quotas: Vec<QuotaForBooking> = sqlx::query_as(
            "SELECT id, blood_group, rh, kell_negative_only, needed, booked FROM group_quotas WHERE cell_id = $1 ORDER BY id",
        )
        .bind(cell_id).fetch_all(&mut *tx).await?;
        let needs = quotas.iter().map(QuotaForBooking::need).collect::<Result<Vec<_>, _>>()?;
        let blood = donor.blood()?;
        let Some(need) = fitting_need(&needs, &blood) else {
            // A need of the donor's group that has just filled, or none at all (R2).
            let filled = needs.iter().any(|n| n.fits(&blood));
            break 'book BookOutcome::Refused(match check_group_fits(&blood, &needs) {
                Err(_) if filled => Refusal::GroupFilled,
                Err(blocked) => Refusal::Rule(blocked),
                Ok(()) => Refusal::Unavailable,
            });
        };
        let quota_id = quotas[needs.iter().position(|n| n == need).unwrap_or_default()].id;
        let took_time = sqlx::query("UPDATE time_slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity")
            .bind(slot.slot_id).execute(&mut *tx).await?.rows_affected();
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
        .bind(donor_id).bind(cell_id).bind(slot.slot_id).bind(quota_id).bind(now.utc)
        .fetch_one(&mut *tx).await;
        let booking_id: i64 = match inserted {
            Ok(id) => id,
            // Another request of the same donor committed first (R3's unique index).
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                break 'book BookOutcome::Refused(Refusal::Rule(Blocked { rule: crate::domain::Rule::R3, until: None }));
            }
            Err(e) => return Err(e),
        };
        let facts = BookingFacts {
            booking_id,
            cell_id,
            donor_id,
            email: donor.email,
            locale: Locale::from_code(&donor.locale).unwrap_or_default(),
            date: slot.date,
            time: start,
            donation_type: decode(&slot.donation_type)?,
            place_name: slot.place_name,
            place_address: slot.place_address,
        };
        outbox::enqueue(&mut *tx, &compose(&facts), message_id, now.utc).await?;
        BookOutcome::Booked(facts)
    });
    Ok(outcome)
}

#[derive(sqlx::FromRow)]
struct Fullness {
    time_full: bool,
    group_full: bool,
    has_active: bool,
}

/// The fast refusal for a flash crowd: once a time or the donor's group is full, most requests
/// are refused by this read, without queueing for the write lock. It only ever refuses what
/// was full at a committed instant; every booking is still decided inside the transaction.
/// A donor who already holds a booking goes the full way (a repeated request gets its booking).
async fn already_full(db: &Db, donor_id: i64, cell_id: i64, start: NaiveTime) -> Result<Option<Refusal>, sqlx::Error> {
    let row: Option<Fullness> = on_pool!(db, pool => sqlx::query_as(
        "SELECT s.booked >= s.capacity AS time_full, \
         (EXISTS (SELECT 1 FROM group_quotas q WHERE q.cell_id = s.cell_id AND q.blood_group = d.blood_group \
                  AND q.rh = d.rh AND (NOT q.kell_negative_only OR d.kell = 'neg')) \
          AND NOT EXISTS (SELECT 1 FROM group_quotas q WHERE q.cell_id = s.cell_id AND q.blood_group = d.blood_group \
                  AND q.rh = d.rh AND (NOT q.kell_negative_only OR d.kell = 'neg') AND q.booked < q.needed)) AS group_full, \
         EXISTS (SELECT 1 FROM bookings b WHERE b.donor_id = d.id AND b.status IN ('pending', 'approved')) AS has_active \
         FROM time_slots s, donors d WHERE s.cell_id = $1 AND s.start = $2 AND d.id = $3",
    ).bind(cell_id).bind(start).bind(donor_id).fetch_optional(pool).await?);
    Ok(match row {
        Some(f) if !f.has_active && f.group_full => Some(Refusal::GroupFilled),
        Some(f) if !f.has_active && f.time_full => Some(Refusal::TimeTaken),
        _ => None,
    })
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
    now: Now,
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
        if !record.can_cancel(now.local()) {
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

/// R6: deletes bookings dated before `cutoff` and writes down how many. The donor's last
/// donation date lives on the donor row, so R5 survives the purge.
pub async fn purge_before(db: &Db, cutoff: NaiveDate, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    Ok(in_write_tx!(db, tx => {
        let purged = sqlx::query("DELETE FROM bookings WHERE cell_id IN (SELECT id FROM cells WHERE date < $1)")
            .bind(cutoff).execute(&mut *tx).await?.rows_affected();
        sqlx::query("INSERT INTO purge_runs (ran_at, cutoff, purged) VALUES ($1, $2, $3)")
            .bind(now).bind(cutoff).bind(i64::try_from(purged).unwrap_or(i64::MAX))
            .execute(&mut *tx).await?;
        purged
    }))
}
