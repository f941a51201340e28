//! The security trail in the append-only audit log: logins (and failed ones), logouts, password
//! changes and resets, staff accounts created, disabled or told to choose a new password, and
//! planners' edits. Never a password; a failed login for an unknown address keeps the address
//! typed, for admins only (the process log names no one).

use super::{on_pool, Db};
use crate::domain::account::AccountId;
use chrono::{DateTime, Utc};

/// What happened, stored as the entry's `action` (`sec_*`, `plan_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecurityAction {
    Login,
    LoginFailed,
    Logout,
    PasswordChange,
    PasswordReset,
    StaffCreate,
    StaffDisable,
    StaffForcePassword,
    CellCreate,
    CellNeed,
    CellPlaces,
    CellClose,
    CellReopen,
    CellTimes,
    CellCopy,
}

impl SecurityAction {
    pub fn code(self) -> &'static str {
        match self {
            SecurityAction::Login => "sec_login",
            SecurityAction::LoginFailed => "sec_login_failed",
            SecurityAction::Logout => "sec_logout",
            SecurityAction::PasswordChange => "sec_password_change",
            SecurityAction::PasswordReset => "sec_password_reset",
            SecurityAction::StaffCreate => "sec_staff_create",
            SecurityAction::StaffDisable => "sec_staff_disable",
            SecurityAction::StaffForcePassword => "sec_staff_force_password",
            SecurityAction::CellCreate => "plan_cell_create",
            SecurityAction::CellNeed => "plan_need",
            SecurityAction::CellPlaces => "plan_places",
            SecurityAction::CellClose => "plan_close",
            SecurityAction::CellReopen => "plan_reopen",
            SecurityAction::CellTimes => "plan_times",
            SecurityAction::CellCopy => "plan_copy",
        }
    }
}

/// One entry: whose account it is about (or who acted, for staff), from where, and a short note.
pub struct SecurityEntry<'a> {
    pub at: DateTime<Utc>,
    pub action: SecurityAction,
    pub account: Option<AccountId>,
    pub client_addr: Option<&'a str>,
    pub note: Option<&'a str>,
}

/// Appends the entry. The change it records is already committed: a failure to write it is
/// logged, never undoes or fails that change.
pub async fn record(db: &Db, entry: SecurityEntry<'_>) {
    let (donor_id, staff_id) = match entry.account {
        Some(AccountId::Donor(id)) => (Some(id), None),
        Some(AccountId::Staff(id)) => (None, Some(id)),
        None => (None, None),
    };
    let note: Option<String> = entry.note.map(|n| n.chars().take(300).collect());
    let written: Result<(), sqlx::Error> = async {
        on_pool!(db, pool => {
            sqlx::query(
                "INSERT INTO audit_log (at, staff_id, donor_id, action, client_addr, comment) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(entry.at).bind(staff_id).bind(donor_id).bind(entry.action.code()).bind(entry.client_addr).bind(&note)
            .execute(pool).await?;
        });
        Ok(())
    }
    .await;
    if let Err(err) = written {
        tracing::error!(error = %err, action = entry.action.code(), "cannot write the security audit entry");
    }
}
