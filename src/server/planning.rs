//! Planning use cases: a planner turns hospital needs into cells.

use super::db::cells::{create_cell, NewCell};
use super::db::planning as store;
use super::state::AppState;
use crate::domain::blood::GROUPS_WITH_RH;
use crate::domain::calendar::local_date;
use crate::domain::planning::{
    check_date, check_needs, check_places_per_time, copy_plan, time_grid, CopySource, NeedEntry, PlanError,
};
use crate::domain::{BloodGroup, Coded, DonationType, Locale, Rh};
use crate::error::{AppError, FieldError};
use crate::i18n::planning::planning_texts;
use crate::i18n::texts;
use crate::model::planning::{CopyPreview, CopyPreviewItem, Place, PlanningBoard};
use chrono::{NaiveDate, NaiveTime};
pub use store::TimeRemoved;

/// The form field of a group's need, e.g. `need_ab_neg`.
pub fn need_field(group: BloodGroup, rh: Rh) -> String {
    format!("need_{}_{}", group.code().to_lowercase(), rh.code())
}

pub struct NewCellForm {
    pub date: String,
    pub donation_type: String,
    pub place_id: String,
    pub first_time: String,
    pub last_time: String,
    pub step_minutes: String,
    pub places_per_time: String,
    pub needs: [String; 8],
    pub kell_negative_only: bool,
}

fn plan_message(locale: Locale, error: PlanError) -> String {
    let t = texts(locale);
    match error {
        PlanError::DateInPast => t.plan_date_past.into(),
        PlanError::LastBeforeFirst => t.plan_last_before_first.into(),
        PlanError::StepOutOfRange => t.plan_step_range.into(),
        PlanError::PlacesOutOfRange => t.plan_places_range.into(),
        PlanError::TooManyTimes => t.plan_too_many_times.into(),
        PlanError::NoNeeds => t.plan_no_needs.into(),
        PlanError::NeededOutOfRange => t.plan_needed_range.into(),
        PlanError::DuplicateGroup => t.plan_duplicate_group.into(),
        PlanError::BelowBooked { booked } => (t.plan_below_booked)(booked),
        PlanError::TimeExists => planning_texts(locale).time_exists.into(),
        PlanError::NoSuchTime => planning_texts(locale).no_such_time.into(),
        PlanError::CopyOverlap => planning_texts(locale).copy_overlap.into(),
        PlanError::CopySpanOutOfRange => planning_texts(locale).copy_span.into(),
    }
}

fn parse_time(value: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(value.trim(), "%H:%M").ok()
}

fn parse_count(value: &str) -> Option<u32> {
    let value = value.trim();
    if value.is_empty() {
        Some(0)
    } else {
        value.parse().ok()
    }
}

pub async fn overview(state: &AppState) -> Result<PlanningBoard, AppError> {
    let today = local_date(state.clock.now(), state.settings.time_zone);
    let places = store::places(&state.db)
        .await?
        .into_iter()
        .map(|p| Place { id: p.id, name: p.name, address: p.address })
        .collect();
    Ok(PlanningBoard { places, cells: store::planned_cells(&state.db, today).await? })
}

pub async fn create(state: &AppState, form: &NewCellForm, locale: Locale) -> Result<i64, AppError> {
    let t = texts(locale);
    let today = local_date(state.clock.now(), state.settings.time_zone);
    let mut errors = Vec::new();
    let mut fail = |field: &str, message: String| errors.push(FieldError { field: field.into(), message });

    let date = NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d").ok();
    match date {
        None => fail("date", t.plan_date_invalid.into()),
        Some(d) => {
            if let Err(e) = check_date(d, today) {
                fail("date", plan_message(locale, e));
            }
        }
    }
    let kind = DonationType::from_code(&form.donation_type);
    if kind.is_none() {
        fail("donation_type", t.plan_choose_type.into());
    }
    let place = match form.place_id.trim().parse::<i64>() {
        Ok(id) => store::place(&state.db, id).await?,
        Err(_) => None,
    };
    if place.is_none() {
        fail("place_id", t.plan_choose_place.into());
    }
    let (first, last) = (parse_time(&form.first_time), parse_time(&form.last_time));
    if first.is_none() {
        fail("first_time", t.plan_time_invalid.into());
    }
    if last.is_none() {
        fail("last_time", t.plan_time_invalid.into());
    }
    let step = form.step_minutes.trim().parse::<u32>().ok();
    let grid = match (first, last, step) {
        (Some(f), Some(l), Some(s)) => match time_grid(f, l, s) {
            Ok(grid) => Some(grid),
            Err(e @ PlanError::StepOutOfRange) => {
                fail("step_minutes", plan_message(locale, e));
                None
            }
            Err(e) => {
                fail("last_time", plan_message(locale, e));
                None
            }
        },
        (_, _, None) => {
            fail("step_minutes", plan_message(locale, PlanError::StepOutOfRange));
            None
        }
        _ => None,
    };
    let places = form.places_per_time.trim().parse::<u32>().ok().filter(|p| check_places_per_time(*p).is_ok());
    if places.is_none() {
        fail("places_per_time", plan_message(locale, PlanError::PlacesOutOfRange));
    }
    let mut needs = Vec::new();
    for ((group, rh), value) in GROUPS_WITH_RH.iter().zip(&form.needs) {
        match parse_count(value) {
            Some(needed) => {
                needs.push(NeedEntry { group: *group, rh: *rh, needed, kell_negative_only: form.kell_negative_only })
            }
            None => fail(&need_field(*group, *rh), plan_message(locale, PlanError::NeededOutOfRange)),
        }
    }
    if let Err(e) = check_needs(&needs) {
        fail("needs", plan_message(locale, e));
    }
    let (Some(date), Some(kind), Some(place), Some(grid), Some(places), true) =
        (date, kind, place, grid, places, errors.is_empty())
    else {
        return Err(AppError::Validation { errors });
    };
    let cell = NewCell {
        place_name: &place.name,
        place_address: &place.address,
        date,
        donation_type: kind,
        slots: grid.into_iter().map(|time| (time, places)).collect(),
        needs: needs.iter().filter(|n| n.needed > 0).map(|n| (n.group, n.rh, n.kell_negative_only, n.needed)).collect(),
    };
    match create_cell(&state.db, &cell, state.clock.now()).await? {
        Some(id) => {
            cell_grew(state, id).await;
            Ok(id)
        }
        None => Err(AppError::Conflict { message: t.plan_cell_exists.into() }),
    }
}

/// Open pages show planners' changes as they are made.
pub async fn cell_changed(state: &AppState, cell_id: i64) {
    state.events.publish(&state.db, &[crate::domain::events::LiveEvent::CellChanged { cell_id }]).await;
}

/// A change that may let more donors book (a new cell, a time, places, a need, a reopening):
/// open pages show it and the alert job looks for subscribers at once.
pub async fn cell_grew(state: &AppState, cell_id: i64) {
    cell_changed(state, cell_id).await;
    state.alerts_wake.notify_one();
}

pub async fn set_need(
    state: &AppState,
    cell_id: i64,
    group: &str,
    needed: &str,
    kell_negative_only: bool,
    locale: Locale,
) -> Result<(), AppError> {
    let Some((group, rh)) = GROUPS_WITH_RH.iter().copied().find(|(g, r)| need_field(*g, *r) == format!("need_{group}"))
    else {
        return Err(AppError::validation("group", texts(locale).choose_blood_group));
    };
    let needed = parse_count(needed)
        .filter(|n| *n <= crate::domain::planning::MAX_NEEDED)
        .ok_or_else(|| AppError::validation("needed", plan_message(locale, PlanError::NeededOutOfRange)))?;
    store::set_need(&state.db, cell_id, group, rh, kell_negative_only, needed, state.clock.now())
        .await?
        .map_err(|refused| AppError::validation("needed", plan_message(locale, refused)))?;
    cell_grew(state, cell_id).await;
    Ok(())
}

pub async fn set_places(state: &AppState, cell_id: i64, places: &str, locale: Locale) -> Result<(), AppError> {
    let places = parse_places("places_per_time", places, locale)?;
    store::set_places_per_time(&state.db, cell_id, places)
        .await?
        .map_err(|refused| AppError::validation("places_per_time", plan_message(locale, refused)))?;
    cell_changed(state, cell_id).await;
    Ok(())
}

fn parse_places(field: &str, places: &str, locale: Locale) -> Result<u32, AppError> {
    places
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|p| check_places_per_time(*p).is_ok())
        .ok_or_else(|| AppError::validation(field, plan_message(locale, PlanError::PlacesOutOfRange)))
}

fn parse_start(time: &str, locale: Locale) -> Result<NaiveTime, AppError> {
    parse_time(time).ok_or_else(|| AppError::validation("time", texts(locale).plan_time_invalid))
}

/// The places of one time; a time with bookings keeps at least its booked places.
pub async fn set_time_places(
    state: &AppState,
    cell_id: i64,
    time: &str,
    places: &str,
    locale: Locale,
) -> Result<(), AppError> {
    let start = parse_start(time, locale)?;
    let places = places
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|p| *p <= crate::domain::planning::MAX_PLACES_PER_TIME)
        .ok_or_else(|| AppError::validation("places", plan_message(locale, PlanError::PlacesOutOfRange)))?;
    store::set_time_places(&state.db, cell_id, start, places, state.clock.now()).await?.map_err(|refused| {
        let field = if refused == PlanError::NoSuchTime { "time" } else { "places" };
        AppError::validation(field, plan_message(locale, refused))
    })?;
    cell_grew(state, cell_id).await;
    Ok(())
}

pub async fn add_time(
    state: &AppState,
    cell_id: i64,
    time: &str,
    places: &str,
    locale: Locale,
) -> Result<(), AppError> {
    let start = parse_start(time, locale)?;
    let places = parse_places("places", places, locale)?;
    store::add_time(&state.db, cell_id, start, places, state.clock.now())
        .await?
        .map_err(|refused| AppError::validation("time", plan_message(locale, refused)))?;
    cell_grew(state, cell_id).await;
    Ok(())
}

pub async fn remove_time(state: &AppState, cell_id: i64, time: &str, locale: Locale) -> Result<TimeRemoved, AppError> {
    let start = parse_start(time, locale)?;
    match store::remove_time(&state.db, cell_id, start).await? {
        Ok(removed) => {
            cell_changed(state, cell_id).await;
            Ok(removed)
        }
        Err(refused) => Err(AppError::validation("time", plan_message(locale, refused))),
    }
}

/// The copy a planner asked for, checked: its source days, target day and span.
pub struct CopyRequest {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: u32,
}

fn parse_date(field: &str, value: &str, locale: Locale) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::validation(field, texts(locale).plan_date_invalid))
}

pub fn copy_request(from: &str, to: &str, days: &str, locale: Locale) -> Result<CopyRequest, AppError> {
    let from = parse_date("from", from, locale)?;
    let to = parse_date("to", to, locale)?;
    let days = days
        .trim()
        .parse::<u32>()
        .map_err(|_| AppError::validation("days", plan_message(locale, PlanError::CopySpanOutOfRange)))?;
    Ok(CopyRequest { from, to, days })
}

/// What copying would do, cell by cell; nothing is written.
pub async fn copy_preview(state: &AppState, request: &CopyRequest, locale: Locale) -> Result<CopyPreview, AppError> {
    let CopyRequest { from, to, days } = *request;
    let span = chrono::Duration::days(i64::from(days.min(crate::domain::planning::MAX_COPY_DAYS)));
    let today = local_date(state.clock.now(), state.settings.time_zone);
    let sources = store::cells_between(&state.db, from, from + span).await?;
    let targets = store::cells_between(&state.db, to, to + span).await?;
    let source_keys = sources
        .iter()
        .map(|s| {
            Ok(CopySource {
                id: s.id,
                date: s.date,
                closed: s.closed,
                place_archived: s.place_archived,
                key: (s.place_id, s.kind()?),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let planned =
        targets.iter().map(|t| Ok(((t.place_id, t.kind()?), t.date))).collect::<Result<Vec<_>, sqlx::Error>>()?;
    let plan = copy_plan(&source_keys, from, to, days, today, |key, date| planned.contains(&(key, date))).map_err(
        |e| match e {
            PlanError::DateInPast | PlanError::CopyOverlap => AppError::validation("to", plan_message(locale, e)),
            _ => AppError::validation("days", plan_message(locale, e)),
        },
    )?;
    let items = plan
        .into_iter()
        .filter_map(|item| {
            let s = sources.iter().find(|s| s.id == item.source_id)?;
            Some(Ok(CopyPreviewItem {
                source_id: s.id,
                from: s.date,
                to: item.to,
                donation_type: match s.kind() {
                    Ok(kind) => kind,
                    Err(e) => return Some(Err(e)),
                },
                place_name: s.place_name.clone(),
                times: u32::try_from(s.times).unwrap_or(0),
                places: u32::try_from(s.places).unwrap_or(0),
                needed: u32::try_from(s.needed).unwrap_or(0),
                skip: item.skip,
            }))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(CopyPreview { from, to, days, items })
}

/// Copies what the preview shows as copied, in one transaction. Returns the new cells' ids.
pub async fn copy_days(state: &AppState, request: &CopyRequest, locale: Locale) -> Result<Vec<i64>, AppError> {
    let preview = copy_preview(state, request, locale).await?;
    let copies: Vec<(i64, NaiveDate)> =
        preview.items.iter().filter(|i| i.skip.is_none()).map(|i| (i.source_id, i.to)).collect();
    let created = store::copy_cells(&state.db, &copies, state.clock.now()).await?;
    for id in &created {
        cell_changed(state, *id).await;
    }
    if !created.is_empty() {
        state.alerts_wake.notify_one();
    }
    Ok(created)
}
