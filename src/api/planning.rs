//! The planner's area: cells are created from hospital needs and adjusted as needs change.

// A server function takes one argument per form field (ActionForm maps names to arguments).
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use crate::model::planning::{CopyPreview, NeedsDashboard, PlanningBoard};
use leptos::prelude::*;

#[server(endpoint = "planning_overview")]
pub async fn planning_overview() -> Result<PlanningBoard, AppError> {
    use crate::domain::account::StaffRole;
    use crate::server::planning;
    crate::server::frame::staff(&[StaffRole::Planner], |call, _| async move { planning::overview(&call.state).await })
        .await
}

#[server(endpoint = "create_cell")]
pub async fn create_cell(
    date: String,
    donation_type: Option<String>,
    place_id: Option<String>,
    first_time: String,
    last_time: String,
    step_minutes: String,
    places_per_time: String,
    need_o_pos: Option<String>,
    need_o_neg: Option<String>,
    need_a_pos: Option<String>,
    need_a_neg: Option<String>,
    need_b_pos: Option<String>,
    need_b_neg: Option<String>,
    need_ab_pos: Option<String>,
    need_ab_neg: Option<String>,
    kell_negative_only: Option<String>,
) -> Result<i64, AppError> {
    use crate::domain::account::{AccountId, StaffRole};
    use crate::server::db::security::SecurityAction;
    use crate::server::planning::{self, NewCellForm};
    crate::server::frame::staff(&[StaffRole::Planner], |call, planner| async move {
        let form = NewCellForm {
            date,
            donation_type: donation_type.unwrap_or_default(),
            place_id: place_id.unwrap_or_default(),
            first_time,
            last_time,
            step_minutes,
            places_per_time,
            needs: [need_o_pos, need_o_neg, need_a_pos, need_a_neg, need_b_pos, need_b_neg, need_ab_pos, need_ab_neg]
                .map(Option::unwrap_or_default),
            kell_negative_only: kell_negative_only.is_some_and(|v| !v.is_empty()),
        };
        let cell_id = planning::create(&call.state, &form, call.locale).await?;
        let note = format!("№{cell_id}, {}", form.date.trim());
        call.audit(SecurityAction::CellCreate, Some(AccountId::Staff(planner.id)), Some(&note)).await;
        Ok(cell_id)
    })
    .await
}

/// Sets one group's need in a cell (adds the group when new); never below what is booked.
#[server(endpoint = "set_need")]
pub async fn set_need(
    cell_id: i64,
    group: String,
    needed: String,
    kell_negative_only: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::account::{AccountId, StaffRole};
    use crate::server::db::security::SecurityAction;
    use crate::server::planning;
    crate::server::frame::staff(&[StaffRole::Planner], |call, planner| async move {
        let k_only = kell_negative_only.is_some_and(|v| !v.is_empty());
        planning::set_need(&call.state, cell_id, &group, &needed, k_only, call.locale).await?;
        let note = format!("№{cell_id}: {group} {}{}", needed.trim(), if k_only { " K−" } else { "" });
        call.audit(SecurityAction::CellNeed, Some(AccountId::Staff(planner.id)), Some(&note)).await;
        Ok(())
    })
    .await
}

/// Sets the places of every time of a cell; never below what a time already holds.
#[server(endpoint = "set_places")]
pub async fn set_places(cell_id: i64, places_per_time: String) -> Result<(), AppError> {
    use crate::domain::account::{AccountId, StaffRole};
    use crate::server::db::security::SecurityAction;
    use crate::server::planning;
    crate::server::frame::staff(&[StaffRole::Planner], |call, planner| async move {
        planning::set_places(&call.state, cell_id, &places_per_time, call.locale).await?;
        let note = format!("№{cell_id}: {}", places_per_time.trim());
        call.audit(SecurityAction::CellPlaces, Some(AccountId::Staff(planner.id)), Some(&note)).await;
        Ok(())
    })
    .await
}

/// Closes a cell: it leaves the public page; bookings already made stay.
#[server(endpoint = "close_cell")]
pub async fn close_cell(cell_id: i64) -> Result<(), AppError> {
    use crate::domain::account::{AccountId, StaffRole};
    use crate::server::db::security::SecurityAction;
    crate::server::frame::staff(&[StaffRole::Planner], |call, planner| async move {
        if crate::server::db::planning::close_cell(&call.state.db, cell_id, call.now()).await? {
            crate::server::planning::cell_changed(&call.state, cell_id).await;
            let note = format!("№{cell_id}");
            call.audit(SecurityAction::CellClose, Some(AccountId::Staff(planner.id)), Some(&note)).await;
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    })
    .await
}

/// Opens a closed cell again: it returns to the public page with its needs and places.
#[server(endpoint = "reopen_cell")]
pub async fn reopen_cell(cell_id: i64) -> Result<(), AppError> {
    use crate::domain::account::{AccountId, StaffRole};
    use crate::server::db::security::SecurityAction;
    crate::server::frame::staff(&[StaffRole::Planner], |call, planner| async move {
        if crate::server::db::planning::reopen_cell(&call.state.db, cell_id, call.now()).await? {
            crate::server::planning::cell_grew(&call.state, cell_id).await;
            let note = format!("№{cell_id}");
            call.audit(SecurityAction::CellReopen, Some(AccountId::Staff(planner.id)), Some(&note)).await;
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    })
    .await
}

/// Sets the places of one time; a time with bookings keeps at least its booked places.
#[server(endpoint = "set_time_places")]
pub async fn set_time_places(cell_id: i64, time: String, places: String) -> Result<(), AppError> {
    use crate::domain::account::{AccountId, StaffRole};
    use crate::server::db::security::SecurityAction;
    crate::server::frame::staff(&[StaffRole::Planner], |call, planner| async move {
        crate::server::planning::set_time_places(&call.state, cell_id, &time, &places, call.locale).await?;
        let note = format!("№{cell_id}: {} = {}", time.trim(), places.trim());
        call.audit(SecurityAction::CellTimes, Some(AccountId::Staff(planner.id)), Some(&note)).await;
        Ok(())
    })
    .await
}

/// Adds a time to a cell's grid with its places.
#[server(endpoint = "add_time")]
pub async fn add_time(cell_id: i64, time: String, places: String) -> Result<(), AppError> {
    use crate::domain::account::{AccountId, StaffRole};
    use crate::server::db::security::SecurityAction;
    crate::server::frame::staff(&[StaffRole::Planner], |call, planner| async move {
        crate::server::planning::add_time(&call.state, cell_id, &time, &places, call.locale).await?;
        let note = format!("№{cell_id}: + {} ({})", time.trim(), places.trim());
        call.audit(SecurityAction::CellTimes, Some(AccountId::Staff(planner.id)), Some(&note)).await;
        Ok(())
    })
    .await
}

/// Removes a time from a cell's grid. A time with bookings on record stays with its booked
/// places only: the answer is then `Some(booked)`.
#[server(endpoint = "remove_time")]
pub async fn remove_time(cell_id: i64, time: String) -> Result<Option<u32>, AppError> {
    use crate::domain::account::{AccountId, StaffRole};
    use crate::server::db::security::SecurityAction;
    use crate::server::planning::TimeRemoved;
    crate::server::frame::staff(&[StaffRole::Planner], |call, planner| async move {
        let removed = crate::server::planning::remove_time(&call.state, cell_id, &time, call.locale).await?;
        let kept = match removed {
            TimeRemoved::Removed => None,
            TimeRemoved::KeptBooked { booked } => Some(booked),
        };
        let note = match kept {
            None => format!("№{cell_id}: − {}", time.trim()),
            Some(booked) => format!("№{cell_id}: − {} ({booked})", time.trim()),
        };
        call.audit(SecurityAction::CellTimes, Some(AccountId::Staff(planner.id)), Some(&note)).await;
        Ok(kept)
    })
    .await
}

/// What copying `days` days from `from` onto the days from `to` would create; writes nothing.
#[server(endpoint = "preview_copy")]
pub async fn preview_copy(from: String, to: String, days: String) -> Result<CopyPreview, AppError> {
    use crate::domain::account::StaffRole;
    use crate::server::planning;
    crate::server::frame::staff(&[StaffRole::Planner], |call, _| async move {
        let request = planning::copy_request(&from, &to, &days, call.locale)?;
        planning::copy_preview(&call.state, &request, call.locale).await
    })
    .await
}

/// Copies the days as the preview showed, in one transaction; answers how many cells it created.
#[server(endpoint = "copy_days")]
pub async fn copy_days(from: String, to: String, days: String) -> Result<u32, AppError> {
    use crate::domain::account::{AccountId, StaffRole};
    use crate::server::db::security::SecurityAction;
    use crate::server::planning;
    crate::server::frame::staff(&[StaffRole::Planner], |call, planner| async move {
        let request = planning::copy_request(&from, &to, &days, call.locale)?;
        let created = planning::copy_days(&call.state, &request, call.locale).await?;
        let ids: Vec<String> = created.iter().map(|id| format!("№{id}")).collect();
        let note = format!("{} +{} → {}: {}", request.from, request.days, request.to, ids.join(", "));
        call.audit(SecurityAction::CellCopy, Some(AccountId::Staff(planner.id)), Some(&note)).await;
        Ok(u32::try_from(created.len()).unwrap_or(u32::MAX))
    })
    .await
}

/// Needs against bookings per day and group for `from..=to` (a week from today by default).
#[server(endpoint = "needs_overview")]
pub async fn needs_overview(from: Option<String>, to: Option<String>) -> Result<NeedsDashboard, AppError> {
    use crate::domain::account::StaffRole;
    crate::server::frame::staff(&[StaffRole::Planner], |call, _| async move {
        crate::server::needs::today_dashboard(&call.state, from.as_deref(), to.as_deref(), call.locale).await
    })
    .await
}
