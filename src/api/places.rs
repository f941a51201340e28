//! Places, managed by admins (planners pick from them when they open a cell).

use crate::error::AppError;
use crate::model::planning::ManagedPlace;
use leptos::prelude::*;

#[server(endpoint = "list_places")]
pub async fn list_places() -> Result<Vec<ManagedPlace>, AppError> {
    use crate::domain::account::StaffRole;
    crate::server::frame::staff(&[StaffRole::Admin], |call, _| async move {
        Ok(crate::server::db::places::list(&call.state.db).await?)
    })
    .await
}

/// Creates a place (no `id`) or changes one. Names are unique.
#[server(endpoint = "save_place")]
pub async fn save_place(
    id: Option<String>,
    name: String,
    address: String,
    hours: Option<String>,
    note: Option<String>,
) -> Result<i64, AppError> {
    use crate::domain::account::StaffRole;
    use crate::server::places::{self, PlaceForm};
    crate::server::frame::staff(&[StaffRole::Admin], |call, staff| async move {
        let form = PlaceForm {
            id: id.as_deref(),
            name: &name,
            address: &address,
            hours: hours.as_deref().unwrap_or_default(),
            note: note.as_deref().unwrap_or_default(),
        };
        let saved = places::save(&call.state, staff.id, form, call.locale).await?;
        call.redirect_form_post("/staff/places?saved=1");
        Ok(saved)
    })
    .await
}

/// `archived` "true" archives the place (no new cells there), "false" restores it.
#[server(endpoint = "archive_place")]
pub async fn archive_place(id: i64, archived: String) -> Result<i64, AppError> {
    use crate::domain::account::StaffRole;
    crate::server::frame::staff(&[StaffRole::Admin], |call, staff| async move {
        let archived = archived == "true";
        let done = crate::server::places::archive(&call.state, staff.id, id, archived, call.locale).await?;
        call.redirect_form_post("/staff/places");
        Ok(done)
    })
    .await
}

/// Deletes a place that has never had a cell.
#[server(endpoint = "delete_place")]
pub async fn delete_place(id: i64) -> Result<i64, AppError> {
    use crate::domain::account::StaffRole;
    crate::server::frame::staff(&[StaffRole::Admin], |call, staff| async move {
        let done = crate::server::places::delete(&call.state, staff.id, id, call.locale).await?;
        call.redirect_form_post("/staff/places");
        Ok(done)
    })
    .await
}
