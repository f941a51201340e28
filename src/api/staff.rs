//! Staff accounts, managed by admins.

use crate::domain::account::StaffRole;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: i64,
    pub email: String,
    pub role: StaffRole,
    pub disabled: bool,
    /// The admin looking at the list.
    pub is_me: bool,
}

#[server(endpoint = "list_staff")]
pub async fn list_staff() -> Result<Vec<StaffMember>, AppError> {
    use crate::server::db::{accounts, decode};
    use crate::server::{errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            let (me, _) = request::require_staff(&state, &parts, &[StaffRole::Admin]).await?;
            accounts::list_staff(&state.db)
                .await?
                .into_iter()
                .map(|s| {
                    Ok(StaffMember {
                        id: s.id,
                        email: s.email,
                        role: decode(&s.role)?,
                        disabled: s.disabled,
                        is_me: s.id == me,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(AppError::from)
        }
        .await,
    )
}

#[server(endpoint = "add_staff")]
pub async fn add_staff(
    email: String,
    role: String,
    password: String,
    password_confirmation: String,
) -> Result<(), AppError> {
    use crate::server::{accounts, errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            request::require_staff(&state, &parts, &[StaffRole::Admin]).await?;
            accounts::add_staff(&state, &email, &role, &password, &password_confirmation, request::locale(&parts)).await
        }
        .await,
    )
}

/// Disables a staff account; its sessions end at once. An admin cannot disable themselves.
#[server(endpoint = "disable_staff")]
pub async fn disable_staff(id: i64) -> Result<(), AppError> {
    use crate::server::db::accounts;
    use crate::server::{errors::reply, request, state::use_app_state};
    reply(
        async {
            let state = use_app_state()?;
            let parts = request::parts()?;
            let (me, _) = request::require_staff(&state, &parts, &[StaffRole::Admin]).await?;
            if id == me {
                return Err(AppError::Forbidden);
            }
            if !accounts::disable_staff(&state.db, id, state.clock.now()).await? {
                return Err(AppError::NotFound);
            }
            tracing::info!(staff_id = id, by = me, "staff account disabled");
            Ok(())
        }
        .await,
    )
}
