//! Cells, their times and group quotas.

use super::{decode, in_write_tx, on_pool, Db};
use crate::domain::cells::{bookable_places, cell_is_open, still_needed};
use crate::domain::{BloodGroup, Coded, DonationType, GroupNeed, Rh, TimeSlot};
use crate::model::cells::{CellSummary, FreeTime};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct CellRow {
    id: i64,
    date: NaiveDate,
    donation_type: String,
    place_name: String,
    place_address: String,
}

#[derive(sqlx::FromRow)]
pub(super) struct QuotaRow {
    pub cell_id: i64,
    blood_group: String,
    rh: String,
    kell_negative_only: bool,
    needed: i64,
    booked: i64,
}

#[derive(sqlx::FromRow)]
pub(super) struct SlotRow {
    pub cell_id: i64,
    start: NaiveTime,
    capacity: i64,
    booked: i64,
}

impl QuotaRow {
    pub fn need(&self) -> Result<GroupNeed, sqlx::Error> {
        group_need(&self.blood_group, &self.rh, self.kell_negative_only, self.needed, self.booked)
    }
}

/// A group quota's stored columns as the domain's need.
pub(super) fn group_need(
    group: &str,
    rh: &str,
    kell_negative_only: bool,
    needed: i64,
    booked: i64,
) -> Result<GroupNeed, sqlx::Error> {
    Ok(GroupNeed {
        group: decode::<BloodGroup>(group)?,
        rh: decode::<Rh>(rh)?,
        kell_negative_only,
        needed: count(needed),
        booked: count(booked),
    })
}

impl SlotRow {
    pub fn slot(&self) -> TimeSlot {
        TimeSlot { start: self.start, capacity: count(self.capacity), booked: count(self.booked) }
    }
}

const CANDIDATES: &str = "FROM cells c WHERE c.date >= $1 AND c.closed_at IS NULL \
                          AND ($2 IS NULL OR c.donation_type = $2)";

/// Cells open at `now_local` (the centre's wall-clock time), in date, type and place order.
pub async fn open_cells(
    db: &Db,
    now_local: NaiveDateTime,
    kind: Option<DonationType>,
) -> Result<Vec<CellSummary>, sqlx::Error> {
    let today = now_local.date();
    let kind = kind.map(|k| k.code());
    // One connection for the three reads: each checkout costs sqlx a ping on release.
    let (cells, quotas, slots) = on_pool!(db, pool => {
        let mut conn = pool.acquire().await?;
        let cells: Vec<CellRow> = sqlx::query_as(
            "SELECT c.id, c.date, c.donation_type, p.name AS place_name, p.address AS place_address \
             FROM cells c JOIN places p ON p.id = c.place_id \
             WHERE c.date >= $1 AND c.closed_at IS NULL AND ($2 IS NULL OR c.donation_type = $2) \
             ORDER BY c.date, c.donation_type, p.name",
        )
        .bind(today).bind(kind).fetch_all(&mut *conn).await?;
        let quotas: Vec<QuotaRow> = sqlx::query_as(&format!(
            "SELECT q.cell_id, q.blood_group, q.rh, q.kell_negative_only, q.needed, q.booked \
             FROM group_quotas q WHERE q.cell_id IN (SELECT c.id {CANDIDATES})"
        ))
        .bind(today).bind(kind).fetch_all(&mut *conn).await?;
        let slots: Vec<SlotRow> = sqlx::query_as(&format!(
            "SELECT s.cell_id, s.start, s.capacity, s.booked \
             FROM time_slots s WHERE s.cell_id IN (SELECT c.id {CANDIDATES}) ORDER BY s.start"
        ))
        .bind(today).bind(kind).fetch_all(&mut *conn).await?;
        (cells, quotas, slots)
    });

    let mut needs_by_cell: HashMap<i64, Vec<GroupNeed>> = HashMap::new();
    for q in quotas {
        needs_by_cell.entry(q.cell_id).or_default().push(q.need()?);
    }
    let mut slots_by_cell: HashMap<i64, Vec<TimeSlot>> = HashMap::new();
    for s in slots {
        slots_by_cell.entry(s.cell_id).or_default().push(s.slot());
    }

    let mut open = Vec::new();
    for cell in cells {
        let needs = needs_by_cell.remove(&cell.id).unwrap_or_default();
        let slots = slots_by_cell.remove(&cell.id).unwrap_or_default();
        if !cell_is_open(cell.date, now_local, &needs, &slots) {
            continue;
        }
        let times = slots
            .iter()
            .filter(|s| s.is_bookable(cell.date, now_local))
            .map(|s| FreeTime { start: s.start, free: s.free() })
            .collect();
        open.push(CellSummary {
            id: cell.id,
            date: cell.date,
            donation_type: decode(&cell.donation_type)?,
            place_name: cell.place_name,
            place_address: cell.place_address,
            needed: still_needed(&needs),
            free_places: bookable_places(cell.date, now_local, &needs, &slots),
            times,
        });
    }
    Ok(open)
}

pub(super) fn count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

/// A cell to create: its day, type and place, its time grid and the needs of each group.
pub struct NewCell<'a> {
    pub place_name: &'a str,
    pub place_address: &'a str,
    pub date: NaiveDate,
    pub donation_type: DonationType,
    pub slots: Vec<(NaiveTime, u32)>,
    pub needs: Vec<(BloodGroup, Rh, bool, u32)>,
}

/// Creates the cell with its times and quotas in one transaction. Returns `None` when the
/// place already has a cell of this type that day (nothing is changed then).
pub async fn create_cell(db: &Db, cell: &NewCell<'_>, now: DateTime<Utc>) -> Result<Option<i64>, sqlx::Error> {
    Ok(in_write_tx!(db, tx => {
        let place_id: i64 = sqlx::query_scalar(
            "INSERT INTO places (name, address) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET address = excluded.address RETURNING id",
        )
        .bind(cell.place_name).bind(cell.place_address).fetch_one(&mut *tx).await?;
        let cell_id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO cells (place_id, date, donation_type, created_at, alerts_due_at) VALUES ($1, $2, $3, $4, $4) \
             ON CONFLICT (place_id, date, donation_type) DO NOTHING RETURNING id",
        )
        .bind(place_id).bind(cell.date).bind(cell.donation_type.code()).bind(now)
        .fetch_optional(&mut *tx).await?;
        if let Some(cell_id) = cell_id {
            for (start, capacity) in &cell.slots {
                sqlx::query("INSERT INTO time_slots (cell_id, start, capacity) VALUES ($1, $2, $3)")
                    .bind(cell_id).bind(*start).bind(i64::from(*capacity))
                    .execute(&mut *tx).await?;
            }
            for (group, rh, kell_negative_only, needed) in &cell.needs {
                sqlx::query(
                    "INSERT INTO group_quotas (cell_id, blood_group, rh, kell_negative_only, needed) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(cell_id).bind(group.code()).bind(rh.code()).bind(*kell_negative_only).bind(i64::from(*needed))
                .execute(&mut *tx).await?;
            }
        }
        cell_id
    }))
}
