//! The table of intervals as the server uses it: read through a short-lived cache (every
//! booking needs it, admins change it rarely), and edited by admins (validated, stored,
//! audited).

use super::db::intervals::{interval_table, set_interval};
use super::db::Db;
use super::state::AppState;
use crate::domain::intervals::{parse_days, IntervalTable};
use crate::domain::{Coded, DonationType, Locale};
use crate::error::{AppError, FieldError};
use crate::i18n::texts;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long another instance may keep using a table an admin has just changed. The
/// instance that saved the change forgets its copy at once.
pub const CACHE_FOR: Duration = Duration::from_secs(5);

/// The table, read at most once per [`CACHE_FOR`]: reading it on every booking request cost
/// the SQLite flash crowd a quarter of its throughput (the benchmark's ceiling: 1,285 → 900
/// bookings per second).
#[derive(Default)]
pub struct IntervalCache {
    held: Mutex<Option<(Instant, Arc<IntervalTable>)>>,
}

impl IntervalCache {
    pub async fn get(&self, db: &Db) -> Result<Arc<IntervalTable>, sqlx::Error> {
        if let Some((at, table)) = self.held.lock().map_err(|_| poisoned())?.as_ref() {
            if at.elapsed() < CACHE_FOR {
                return Ok(table.clone());
            }
        }
        let table = Arc::new(interval_table(db).await?);
        *self.held.lock().map_err(|_| poisoned())? = Some((Instant::now(), table.clone()));
        Ok(table)
    }

    pub fn forget(&self) {
        if let Ok(mut held) = self.held.lock() {
            *held = None;
        }
    }
}

fn poisoned() -> sqlx::Error {
    sqlx::Error::Protocol("interval cache lock poisoned".into())
}

pub async fn set(
    state: &AppState,
    staff_id: i64,
    previous: &str,
    next: &str,
    days: &str,
    locale: Locale,
) -> Result<(), AppError> {
    let t = texts(locale);
    let mut errors = Vec::new();
    let previous = DonationType::from_code(previous.trim());
    let next = DonationType::from_code(next.trim());
    if previous.is_none() {
        errors.push(FieldError { field: "previous".into(), message: t.filter_type_invalid.into() });
    }
    if next.is_none() {
        errors.push(FieldError { field: "next".into(), message: t.filter_type_invalid.into() });
    }
    let parsed = parse_days(days);
    if parsed.is_none() {
        errors.push(FieldError { field: "days".into(), message: t.intervals_days_invalid.into() });
    }
    let (Some(previous), Some(next), Some(days)) = (previous, next, parsed) else {
        return Err(AppError::Validation { errors });
    };
    let before = set_interval(&state.db, staff_id, previous, next, days, state.clock.now()).await?;
    state.intervals.forget();
    tracing::info!(staff_id, previous = previous.code(), next = next.code(), before, days, "donation interval set");
    Ok(())
}
