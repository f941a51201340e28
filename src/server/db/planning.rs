//! The planner's view of cells: every group's booked vs needed, every time's places, and the
//! changes a planner makes — never below what is already booked.

use super::cells::{QuotaRow, SlotRow};
use super::{decode, in_write_tx, on_pool, Db};
use crate::domain::planning::{check_not_below_booked, PlanError, MAX_TIMES};
use crate::domain::{BloodGroup, Coded, DonationType, Rh};
use crate::model::planning::PlannedCell;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PlaceRow {
    pub id: i64,
    pub name: String,
    pub address: String,
}

/// The places a new cell can be planned at: not archived.
pub async fn places(db: &Db) -> Result<Vec<PlaceRow>, sqlx::Error> {
    Ok(on_pool!(db, pool => sqlx::query_as(
        "SELECT id, name, address FROM places WHERE archived_at IS NULL ORDER BY name"
    ).fetch_all(pool).await?))
}

/// One place a new cell can be planned at; `None` when missing or archived.
pub async fn place(db: &Db, id: i64) -> Result<Option<PlaceRow>, sqlx::Error> {
    Ok(on_pool!(db, pool => sqlx::query_as(
        "SELECT id, name, address FROM places WHERE id = $1 AND archived_at IS NULL"
    ).bind(id).fetch_optional(pool).await?))
}

#[derive(sqlx::FromRow)]
struct CellRow {
    id: i64,
    date: NaiveDate,
    donation_type: String,
    place_name: String,
    closed: bool,
}

/// Cells from `from` on, closed ones included, in date order.
pub async fn planned_cells(db: &Db, from: NaiveDate) -> Result<Vec<PlannedCell>, sqlx::Error> {
    let (cells, quotas, slots) = on_pool!(db, pool => {
        let cells: Vec<CellRow> = sqlx::query_as(
            "SELECT c.id, c.date, c.donation_type, p.name AS place_name, (c.closed_at IS NOT NULL) AS closed \
             FROM cells c JOIN places p ON p.id = c.place_id WHERE c.date >= $1 ORDER BY c.date, c.donation_type, p.name",
        ).bind(from).fetch_all(pool).await?;
        let quotas: Vec<QuotaRow> = sqlx::query_as(
            "SELECT q.cell_id, q.blood_group, q.rh, q.kell_negative_only, q.needed, q.booked FROM group_quotas q \
             JOIN cells c ON c.id = q.cell_id WHERE c.date >= $1",
        ).bind(from).fetch_all(pool).await?;
        let slots: Vec<SlotRow> = sqlx::query_as(
            "SELECT s.cell_id, s.start, s.capacity, s.booked FROM time_slots s JOIN cells c ON c.id = s.cell_id \
             WHERE c.date >= $1 ORDER BY s.start",
        ).bind(from).fetch_all(pool).await?;
        (cells, quotas, slots)
    });
    cells
        .into_iter()
        .map(|c| {
            let mut needs =
                quotas.iter().filter(|q| q.cell_id == c.id).map(QuotaRow::need).collect::<Result<Vec<_>, _>>()?;
            needs.sort_by_key(|n| (n.group as u8, n.rh as u8));
            let slots = slots.iter().filter(|s| s.cell_id == c.id).map(SlotRow::slot).collect();
            Ok(PlannedCell {
                id: c.id,
                date: c.date,
                donation_type: decode(&c.donation_type)?,
                place_name: c.place_name,
                closed: c.closed,
                needs,
                slots,
            })
        })
        .collect()
}

/// Sets one group's need (adding the group when new). Refused (nothing changes) when the
/// new number would be below the places already booked.
pub async fn set_need(
    db: &Db,
    cell_id: i64,
    group: BloodGroup,
    rh: Rh,
    kell_negative_only: bool,
    needed: u32,
    now: DateTime<Utc>,
) -> Result<Result<(), PlanError>, sqlx::Error> {
    Ok(in_write_tx!(db, tx => 'set: {
        let before: Option<(i64, i64)> = sqlx::query_as(
            "SELECT booked, needed FROM group_quotas WHERE cell_id = $1 AND blood_group = $2 AND rh = $3",
        ).bind(cell_id).bind(group.code()).bind(rh.code()).fetch_optional(&mut *tx).await?;
        // A need that grows (or a new one) may let subscribed donors book: their alerts are due.
        if before.is_none_or(|(_, was)| i64::from(needed) > was) {
            sqlx::query("UPDATE cells SET alerts_due_at = $2 WHERE id = $1")
                .bind(cell_id).bind(now).execute(&mut *tx).await?;
        }
        match before.map(|(booked, _)| booked) {
            Some(b) => {
                if let Err(refused) = check_not_below_booked(needed, count(b)) {
                    break 'set Err(refused);
                }
                sqlx::query(
                    "UPDATE group_quotas SET needed = $1, kell_negative_only = $2 WHERE cell_id = $3 AND blood_group = $4 AND rh = $5",
                ).bind(i64::from(needed)).bind(kell_negative_only).bind(cell_id).bind(group.code()).bind(rh.code())
                .execute(&mut *tx).await?;
                Ok(())
            }
            None => {
                sqlx::query(
                    "INSERT INTO group_quotas (cell_id, blood_group, rh, kell_negative_only, needed) VALUES ($1, $2, $3, $4, $5)",
                ).bind(cell_id).bind(group.code()).bind(rh.code()).bind(kell_negative_only).bind(i64::from(needed))
                .execute(&mut *tx).await?;
                Ok(())
            }
        }
    }))
}

/// Sets the places of every time of a cell. Refused (nothing changes) when that would be
/// below what the most booked time already holds.
pub async fn set_places_per_time(db: &Db, cell_id: i64, places: u32) -> Result<Result<(), PlanError>, sqlx::Error> {
    Ok(in_write_tx!(db, tx => {
        let most: Option<i64> = sqlx::query_scalar("SELECT MAX(booked) FROM time_slots WHERE cell_id = $1")
            .bind(cell_id).fetch_one(&mut *tx).await?;
        if let Err(refused) = check_not_below_booked(places, count(most.unwrap_or(0))) {
            Err(refused)
        } else {
            sqlx::query("UPDATE time_slots SET capacity = $1 WHERE cell_id = $2")
                .bind(i64::from(places)).bind(cell_id).execute(&mut *tx).await?;
            Ok(())
        }
    }))
}

/// Sets the places of one time. Refused (nothing changes) below what the time holds.
pub async fn set_time_places(
    db: &Db,
    cell_id: i64,
    start: NaiveTime,
    places: u32,
    now: DateTime<Utc>,
) -> Result<Result<(), PlanError>, sqlx::Error> {
    Ok(in_write_tx!(db, tx => 'set: {
        let before: Option<(i64, i64)> =
            sqlx::query_as("SELECT booked, capacity FROM time_slots WHERE cell_id = $1 AND start = $2")
                .bind(cell_id).bind(start).fetch_optional(&mut *tx).await?;
        let Some((booked, capacity)) = before else { break 'set Err(PlanError::NoSuchTime) };
        if let Err(refused) = check_not_below_booked(places, count(booked)) {
            break 'set Err(refused);
        }
        sqlx::query("UPDATE time_slots SET capacity = $3 WHERE cell_id = $1 AND start = $2")
            .bind(cell_id).bind(start).bind(i64::from(places)).execute(&mut *tx).await?;
        if i64::from(places) > capacity {
            sqlx::query(ALERTS_DUE).bind(cell_id).bind(now).execute(&mut *tx).await?;
        }
        Ok(())
    }))
}

/// Adds a time to a cell's grid. Refused when the cell has it already or has the most times.
pub async fn add_time(
    db: &Db,
    cell_id: i64,
    start: NaiveTime,
    places: u32,
    now: DateTime<Utc>,
) -> Result<Result<(), PlanError>, sqlx::Error> {
    Ok(in_write_tx!(db, tx => 'add: {
        let times: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM time_slots WHERE cell_id = $1")
            .bind(cell_id).fetch_one(&mut *tx).await?;
        if usize::try_from(times).unwrap_or(usize::MAX) >= MAX_TIMES {
            break 'add Err(PlanError::TooManyTimes);
        }
        let added = sqlx::query(
            "INSERT INTO time_slots (cell_id, start, capacity) VALUES ($1, $2, $3) ON CONFLICT (cell_id, start) DO NOTHING",
        ).bind(cell_id).bind(start).bind(i64::from(places)).execute(&mut *tx).await?;
        if added.rows_affected() == 0 {
            break 'add Err(PlanError::TimeExists);
        }
        sqlx::query(ALERTS_DUE).bind(cell_id).bind(now).execute(&mut *tx).await?;
        Ok(())
    }))
}

/// What removing a time did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeRemoved {
    /// The time left the grid.
    Removed,
    /// The time has bookings on record: it keeps exactly its booked places, no free one.
    KeptBooked { booked: u32 },
}

/// Removes a time from a cell's grid; a time that bookings point at only loses its free places.
pub async fn remove_time(
    db: &Db,
    cell_id: i64,
    start: NaiveTime,
) -> Result<Result<TimeRemoved, PlanError>, sqlx::Error> {
    Ok(in_write_tx!(db, tx => 'remove: {
        let slot: Option<(i64, i64)> = sqlx::query_as("SELECT id, booked FROM time_slots WHERE cell_id = $1 AND start = $2")
            .bind(cell_id).bind(start).fetch_optional(&mut *tx).await?;
        let Some((slot_id, booked)) = slot else { break 'remove Err(PlanError::NoSuchTime) };
        let referenced: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM bookings WHERE slot_id = $1)")
            .bind(slot_id).fetch_one(&mut *tx).await?;
        if referenced {
            sqlx::query("UPDATE time_slots SET capacity = booked WHERE id = $1").bind(slot_id).execute(&mut *tx).await?;
            Ok(TimeRemoved::KeptBooked { booked: count(booked) })
        } else {
            sqlx::query("DELETE FROM time_slots WHERE id = $1").bind(slot_id).execute(&mut *tx).await?;
            Ok(TimeRemoved::Removed)
        }
    }))
}

/// More places may let subscribed donors book: their alerts are due.
const ALERTS_DUE: &str = "UPDATE cells SET alerts_due_at = $2 WHERE id = $1";

/// A cell of the days being copied, with what the preview shows of it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CopySourceRow {
    pub id: i64,
    pub place_id: i64,
    pub date: NaiveDate,
    pub donation_type: String,
    pub closed: bool,
    pub place_archived: bool,
    pub place_name: String,
    pub times: i64,
    pub places: i64,
    pub needed: i64,
}

impl CopySourceRow {
    pub fn kind(&self) -> Result<DonationType, sqlx::Error> {
        decode(&self.donation_type)
    }
}

/// The cells dated in `[from, until)`, closed ones included.
pub async fn cells_between(db: &Db, from: NaiveDate, until: NaiveDate) -> Result<Vec<CopySourceRow>, sqlx::Error> {
    Ok(on_pool!(db, pool => sqlx::query_as(
        "SELECT c.id, c.place_id, c.date, c.donation_type, (c.closed_at IS NOT NULL) AS closed, \
         (p.archived_at IS NOT NULL) AS place_archived, p.name AS place_name, \
         (SELECT COUNT(*) FROM time_slots s WHERE s.cell_id = c.id) AS times, \
         (SELECT CAST(COALESCE(SUM(s.capacity), 0) AS BIGINT) FROM time_slots s WHERE s.cell_id = c.id) AS places, \
         (SELECT CAST(COALESCE(SUM(q.needed), 0) AS BIGINT) FROM group_quotas q WHERE q.cell_id = c.id) AS needed \
         FROM cells c JOIN places p ON p.id = c.place_id WHERE c.date >= $1 AND c.date < $2 \
         ORDER BY c.date, c.donation_type, p.name",
    ).bind(from).bind(until).fetch_all(pool).await?))
}

/// Copies each `(cell, date)` to its date in one transaction: the cell's times with their places
/// and its needs with their K− restriction, nothing booked. A cell whose target is already
/// planned (another planner was quicker) is skipped. Returns the new cells' ids.
pub async fn copy_cells(db: &Db, copies: &[(i64, NaiveDate)], now: DateTime<Utc>) -> Result<Vec<i64>, sqlx::Error> {
    Ok(in_write_tx!(db, tx => {
        let mut created = Vec::with_capacity(copies.len());
        for (source, date) in copies {
            let new_id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO cells (place_id, date, donation_type, created_at, alerts_due_at) \
                 SELECT place_id, $2, donation_type, $3, $3 FROM cells WHERE id = $1 \
                 ON CONFLICT (place_id, date, donation_type) DO NOTHING RETURNING id",
            ).bind(source).bind(date).bind(now).fetch_optional(&mut *tx).await?;
            let Some(new_id) = new_id else { continue };
            sqlx::query("INSERT INTO time_slots (cell_id, start, capacity) SELECT $2, start, capacity FROM time_slots WHERE cell_id = $1")
                .bind(source).bind(new_id).execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO group_quotas (cell_id, blood_group, rh, kell_negative_only, needed) \
                 SELECT $2, blood_group, rh, kell_negative_only, needed FROM group_quotas WHERE cell_id = $1",
            ).bind(source).bind(new_id).execute(&mut *tx).await?;
            created.push(new_id);
        }
        created
    }))
}

/// One group+Rh(+K−) of one day, summed over that day's cells.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DayNeedRow {
    pub date: NaiveDate,
    pub blood_group: String,
    pub rh: String,
    pub kell_negative_only: bool,
    pub needed: i64,
    pub booked: i64,
    pub donated: i64,
    pub no_show: i64,
}

/// Needs against bookings for the days in `[from, to]`, closed cells included (their bookings
/// stand), ordered by day then group.
pub async fn needs_by_day(db: &Db, from: NaiveDate, to: NaiveDate) -> Result<Vec<DayNeedRow>, sqlx::Error> {
    Ok(on_pool!(db, pool => sqlx::query_as(
        // Visits are counted from the bookings of those days (bookings_by_cell), not per quota.
        "SELECT c.date, q.blood_group, q.rh, q.kell_negative_only, CAST(SUM(q.needed) AS BIGINT) AS needed, \
         CAST(SUM(q.booked) AS BIGINT) AS booked, CAST(COALESCE(SUM(v.donated), 0) AS BIGINT) AS donated, \
         CAST(COALESCE(SUM(v.no_show), 0) AS BIGINT) AS no_show \
         FROM group_quotas q JOIN cells c ON c.id = q.cell_id \
         LEFT JOIN (SELECT b.quota_id, SUM(CASE WHEN b.status = 'donated' THEN 1 ELSE 0 END) AS donated, \
                    SUM(CASE WHEN b.status = 'no_show' THEN 1 ELSE 0 END) AS no_show \
                    FROM bookings b JOIN cells bc ON bc.id = b.cell_id \
                    WHERE bc.date >= $1 AND bc.date <= $2 AND b.status IN ('donated', 'no_show') GROUP BY b.quota_id) v \
           ON v.quota_id = q.id \
         WHERE c.date >= $1 AND c.date <= $2 \
         GROUP BY c.date, q.blood_group, q.rh, q.kell_negative_only ORDER BY c.date",
    ).bind(from).bind(to).fetch_all(pool).await?))
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Opens a closed cell again; its alerts are due again (a subscriber may book it now).
/// Returns whether it was closed.
pub async fn reopen_cell(db: &Db, cell_id: i64, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    Ok(on_pool!(db, pool => sqlx::query(
        "UPDATE cells SET closed_at = NULL, alerts_due_at = $1 WHERE id = $2 AND closed_at IS NOT NULL",
    ).bind(now).bind(cell_id).execute(pool).await?.rows_affected() == 1))
}

pub async fn close_cell(db: &Db, cell_id: i64, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    Ok(on_pool!(db, pool => sqlx::query("UPDATE cells SET closed_at = $1 WHERE id = $2 AND closed_at IS NULL")
        .bind(now).bind(cell_id).execute(pool).await?.rows_affected() == 1))
}
