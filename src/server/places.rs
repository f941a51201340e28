//! Places as admins manage them: validate the form, apply, and say what went wrong in the
//! admin's language.

use super::db::places::{self as store, Author, PlaceOutcome};
use super::state::AppState;
use crate::domain::places::{check_place, PlaceError, PlaceField};
use crate::domain::Locale;
use crate::error::{AppError, FieldError};
use crate::i18n::texts;

pub struct PlaceForm<'a> {
    pub id: Option<&'a str>,
    pub name: &'a str,
    pub address: &'a str,
    pub hours: &'a str,
    pub note: &'a str,
}

fn field_error(error: PlaceError, locale: Locale) -> FieldError {
    let t = texts(locale);
    let (field, message): (PlaceField, String) = match error {
        PlaceError::Required(f) => (f, t.place_required.into()),
        PlaceError::TooLong(f, max) => (f, (t.place_too_long)(max)),
    };
    FieldError { field: field.form_name().into(), message }
}

fn parse_id(id: Option<&str>) -> Result<Option<i64>, AppError> {
    match id.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| AppError::NotFound),
    }
}

fn outcome(result: PlaceOutcome, locale: Locale) -> Result<i64, AppError> {
    let t = texts(locale);
    match result {
        PlaceOutcome::Saved(id) => Ok(id),
        PlaceOutcome::NameTaken => Err(AppError::validation("name", t.place_name_taken)),
        PlaceOutcome::NotFound => Err(AppError::NotFound),
        PlaceOutcome::HasCells => Err(AppError::Conflict { message: t.place_has_cells.into() }),
    }
}

pub async fn save(state: &AppState, staff_id: i64, form: PlaceForm<'_>, locale: Locale) -> Result<i64, AppError> {
    let id = parse_id(form.id)?;
    let draft = check_place(form.name, form.address, form.hours, form.note).map_err(|errors| AppError::Validation {
        errors: errors.into_iter().map(|e| field_error(e, locale)).collect(),
    })?;
    let author = Author { staff_id: Some(staff_id), at: state.clock.now() };
    outcome(store::save(&state.db, id, &draft, author).await?, locale)
}

pub async fn archive(
    state: &AppState,
    staff_id: i64,
    id: i64,
    archived: bool,
    locale: Locale,
) -> Result<i64, AppError> {
    let author = Author { staff_id: Some(staff_id), at: state.clock.now() };
    outcome(store::set_archived(&state.db, id, archived, author).await?, locale)
}

pub async fn delete(state: &AppState, staff_id: i64, id: i64, locale: Locale) -> Result<i64, AppError> {
    let author = Author { staff_id: Some(staff_id), at: state.clock.now() };
    outcome(store::delete(&state.db, id, author).await?, locale)
}
