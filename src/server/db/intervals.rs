//! The table of minimum days between donation types (`donation_intervals`), as admins edit
//! it. Every change is an audit row.

use super::{decode, in_write_tx, on_pool, Db};
use crate::domain::intervals::{pair_code, Interval, IntervalTable};
use crate::domain::{Coded, DonationType};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct IntervalRow {
    previous_type: String,
    next_type: String,
    min_days: i64,
    confirmed: bool,
}

/// The whole table; pairs missing from the database keep their defaults.
pub async fn interval_table(db: &Db) -> Result<IntervalTable, sqlx::Error> {
    let rows: Vec<IntervalRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT previous_type, next_type, min_days, confirmed FROM donation_intervals"
    ).fetch_all(pool).await?);
    let rows = rows
        .into_iter()
        .map(|r| {
            Ok(Interval {
                previous: decode(&r.previous_type)?,
                next: decode(&r.next_type)?,
                days: u16::try_from(r.min_days).unwrap_or(u16::MAX),
                confirmed: r.confirmed,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(IntervalTable::new(rows))
}

/// Sets one pair's days (confirming it as the centre's value) and writes who changed what.
/// Returns the days it had before.
pub async fn set_interval(
    db: &Db,
    staff_id: i64,
    previous: DonationType,
    next: DonationType,
    days: u16,
    now: DateTime<Utc>,
) -> Result<u16, sqlx::Error> {
    let before = interval_table(db).await?.days(previous, next);
    in_write_tx!(db, tx => {
        sqlx::query(
            "INSERT INTO donation_intervals (previous_type, next_type, min_days, confirmed, updated_at, updated_by) \
             VALUES ($1, $2, $3, TRUE, $4, $5) \
             ON CONFLICT (previous_type, next_type) DO UPDATE SET min_days = excluded.min_days, confirmed = TRUE, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(previous.code()).bind(next.code()).bind(i64::from(days)).bind(now).bind(staff_id)
        .execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO audit_log (at, staff_id, booking_id, action, comment) VALUES ($1, $2, NULL, 'interval_change', $3)",
        )
        .bind(now).bind(staff_id).bind(format!("{}: {before} → {days}", pair_code(previous, next)))
        .execute(&mut *tx).await?;
    });
    Ok(before)
}
