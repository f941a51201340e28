//! Staff accounts, managed by admins.

use crate::error::AppError;
use crate::model::accounts::StaffMember;
use leptos::prelude::*;

#[server(endpoint = "list_staff")]
pub async fn list_staff() -> Result<Vec<StaffMember>, AppError> {
    use crate::domain::account::StaffRole;
    use crate::server::db::{accounts, decode};
    crate::server::frame::staff(&[StaffRole::Admin], |call, staff| async move {
        accounts::list_staff(&call.state.db)
            .await?
            .into_iter()
            .map(|s| {
                Ok(StaffMember {
                    id: s.id,
                    email: s.email,
                    role: decode(&s.role)?,
                    disabled: s.disabled,
                    must_change_password: s.must_change_password,
                    is_me: s.id == staff.id,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(AppError::from)
    })
    .await
}

#[server(endpoint = "add_staff")]
pub async fn add_staff(
    email: String,
    role: String,
    password: String,
    password_confirmation: String,
) -> Result<(), AppError> {
    use crate::domain::account::{AccountId, StaffRole};
    use crate::server::accounts;
    use crate::server::db::security::SecurityAction;
    crate::server::frame::staff(&[StaffRole::Admin], |call, admin| async move {
        accounts::add_staff(&call.state, &email, &role, &password, &password_confirmation, call.locale).await?;
        let note = format!("{} ({role})", email.trim().to_lowercase());
        call.audit(SecurityAction::StaffCreate, Some(AccountId::Staff(admin.id)), Some(&note)).await;
        Ok(())
    })
    .await
}

/// Disables a staff account; its sessions end at once. An admin cannot disable themselves.
#[server(endpoint = "disable_staff")]
pub async fn disable_staff(id: i64) -> Result<(), AppError> {
    use crate::domain::account::{AccountId, StaffRole};
    use crate::server::db::accounts;
    use crate::server::db::security::SecurityAction;
    crate::server::frame::staff(&[StaffRole::Admin], |call, staff| async move {
        if id == staff.id {
            return Err(AppError::Forbidden);
        }
        if !accounts::disable_staff(&call.state.db, id, call.now()).await? {
            return Err(AppError::NotFound);
        }
        // Their open pages stop receiving events and say the session ended.
        call.state.events.sessions_ended(&call.state.db, AccountId::Staff(id)).await;
        tracing::info!(staff_id = id, by = staff.id, "staff account disabled");
        call.audit(SecurityAction::StaffDisable, Some(AccountId::Staff(staff.id)), Some(&format!("№{id}"))).await;
        Ok(())
    })
    .await
}

/// A staff member changes their own password (the current one is required). Allowed while
/// they must change it: it is how they clear that.
#[server(endpoint = "change_staff_password")]
pub async fn change_staff_password(
    current_password: String,
    new_password: String,
    new_password_confirmation: String,
) -> Result<(), AppError> {
    use crate::server::{accounts, request};
    crate::server::frame::staff_self(|call, staff| async move {
        let session = request::session_secret(&call.state, &call.parts);
        accounts::change_password(
            &call.state,
            crate::domain::account::Principal::Staff { id: staff.id, role: staff.role },
            session.as_deref(),
            &current_password,
            &new_password,
            &new_password_confirmation,
            call.locale,
        )
        .await?;
        call.redirect_form_post("/staff/password?changed=1");
        Ok(())
    })
    .await
}

/// An admin requires a staff member to choose a new password: their sessions end, and their
/// next login leads to the password form.
#[server(endpoint = "force_password_change")]
pub async fn force_password_change(id: i64) -> Result<(), AppError> {
    use crate::domain::account::{AccountId, StaffRole};
    use crate::server::db::accounts;
    use crate::server::db::security::SecurityAction;
    crate::server::frame::staff(&[StaffRole::Admin], |call, staff| async move {
        if id == staff.id {
            return Err(AppError::Forbidden);
        }
        if !accounts::force_staff_password_change(&call.state.db, id).await? {
            return Err(AppError::NotFound);
        }
        call.state.events.sessions_ended(&call.state.db, AccountId::Staff(id)).await;
        tracing::info!(staff_id = id, by = staff.id, "staff password change required");
        let note = format!("№{id}");
        call.audit(SecurityAction::StaffForcePassword, Some(AccountId::Staff(staff.id)), Some(&note)).await;
        call.redirect_form_post("/staff/admin");
        Ok(())
    })
    .await
}
