//! The planner's view of cells: every group's booked vs needed, every time's places, and the
//! changes a planner makes — never below what is already booked.

use super::cells::{QuotaRow, SlotRow};
use super::{decode, in_write_tx, on_pool, Db};
use crate::domain::planning::{check_not_below_booked, PlanError};
use crate::domain::{BloodGroup, Coded, Rh};
use crate::model::planning::PlannedCell;
use chrono::{DateTime, NaiveDate, Utc};

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
