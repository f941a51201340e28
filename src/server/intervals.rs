//! Admins editing the table of intervals: validate the form, store, audit.

use super::db::intervals::set_interval;
use super::state::AppState;
use crate::domain::intervals::parse_days;
use crate::domain::{Coded, DonationType, Locale};
use crate::error::{AppError, FieldError};
use crate::i18n::texts;

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
    tracing::info!(staff_id, previous = previous.code(), next = next.code(), before, days, "donation interval set");
    Ok(())
}
