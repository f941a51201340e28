//! The planner's area: cells are created from hospital needs and adjusted as needs change.

// A server function takes one argument per form field (ActionForm maps names to arguments).
#![allow(clippy::too_many_arguments)]

use crate::domain::{DonationType, GroupNeed, TimeSlot};
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One cell as the planner sees it: every group's booked vs needed, every time's places.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedCell {
    pub id: i64,
    pub date: NaiveDate,
    pub donation_type: DonationType,
    pub place_name: String,
    pub closed: bool,
    pub needs: Vec<GroupNeed>,
    pub slots: Vec<TimeSlot>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub id: i64,
    pub name: String,
    pub address: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanningBoard {
    pub places: Vec<Place>,
    pub cells: Vec<PlannedCell>,
}

#[server(endpoint = "planning_overview")]
pub async fn planning_overview() -> Result<PlanningBoard, AppError> {
    use crate::server::{errors::reply, planning, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            request::require_staff(&state, &parts, &[crate::domain::account::StaffRole::Planner]).await?;
            planning::overview(&state).await
        }
        .await,
    )
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
    use crate::server::planning::{self, NewCellForm};
    use crate::server::{errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            request::require_staff(&state, &parts, &[crate::domain::account::StaffRole::Planner]).await?;
            let form = NewCellForm {
                date,
                donation_type: donation_type.unwrap_or_default(),
                place_id: place_id.unwrap_or_default(),
                first_time,
                last_time,
                step_minutes,
                places_per_time,
                needs: [
                    need_o_pos,
                    need_o_neg,
                    need_a_pos,
                    need_a_neg,
                    need_b_pos,
                    need_b_neg,
                    need_ab_pos,
                    need_ab_neg,
                ]
                .map(Option::unwrap_or_default),
                kell_negative_only: kell_negative_only.is_some_and(|v| !v.is_empty()),
            };
            planning::create(&state, &form, request::locale(&parts)).await
        }
        .await,
    )
}

/// Sets one group's need in a cell (adds the group when new); never below what is booked.
#[server(endpoint = "set_need")]
pub async fn set_need(
    cell_id: i64,
    group: String,
    needed: String,
    kell_negative_only: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{errors::reply, planning, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            request::require_staff(&state, &parts, &[crate::domain::account::StaffRole::Planner]).await?;
            let k_only = kell_negative_only.is_some_and(|v| !v.is_empty());
            planning::set_need(&state, cell_id, &group, &needed, k_only, request::locale(&parts)).await
        }
        .await,
    )
}

/// Sets the places of every time of a cell; never below what a time already holds.
#[server(endpoint = "set_places")]
pub async fn set_places(cell_id: i64, places_per_time: String) -> Result<(), AppError> {
    use crate::server::{errors::reply, planning, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            request::require_staff(&state, &parts, &[crate::domain::account::StaffRole::Planner]).await?;
            planning::set_places(&state, cell_id, &places_per_time, request::locale(&parts)).await
        }
        .await,
    )
}

/// Closes a cell: it leaves the public page; bookings already made stay.
#[server(endpoint = "close_cell")]
pub async fn close_cell(cell_id: i64) -> Result<(), AppError> {
    use crate::server::{errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            request::require_staff(&state, &parts, &[crate::domain::account::StaffRole::Planner]).await?;
            if crate::server::db::planning::close_cell(&state.db, cell_id, state.clock.now()).await? {
                crate::server::planning::cell_changed(&state, cell_id).await;
                Ok(())
            } else {
                Err(AppError::NotFound)
            }
        }
        .await,
    )
}
