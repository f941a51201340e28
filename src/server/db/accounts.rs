//! Donors, staff and their single-use e-mail tokens.

use super::{decode, on_pool, Db};
use crate::domain::account::{AccountId, StaffRole};
use crate::domain::{BloodGroup, BloodProfile, Coded, Kell, Locale, Rh};
use chrono::{DateTime, Utc};

/// A donor as registration creates one (the password already hashed).
pub struct NewDonor<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub blood: BloodProfile,
    pub donor_code: &'a str,
    pub locale: Locale,
    pub consent_version: &'a str,
    pub consent_ip: Option<&'a str>,
}

/// What an account needs for login, whichever kind it is.
pub struct LoginAccount {
    pub kind: AccountKind,
    pub id: i64,
    pub password_hash: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountKind {
    Donor,
    Staff { role: StaffRole, disabled: bool },
}

#[derive(sqlx::FromRow)]
struct DonorLoginRow {
    id: i64,
    password_hash: String,
}

#[derive(sqlx::FromRow)]
struct StaffLoginRow {
    id: i64,
    password_hash: String,
    role: String,
    disabled: bool,
}

/// Staff first: an address is never both (registration refuses staff addresses).
pub async fn find_for_login(db: &Db, email: &str) -> Result<Option<LoginAccount>, sqlx::Error> {
    let staff: Option<StaffLoginRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, password_hash, role, (disabled_at IS NOT NULL) AS disabled FROM staff WHERE email = $1",
    ).bind(email).fetch_optional(pool).await?);
    if let Some(s) = staff {
        let role = decode::<StaffRole>(&s.role)?;
        return Ok(Some(LoginAccount {
            kind: AccountKind::Staff { role, disabled: s.disabled },
            id: s.id,
            password_hash: s.password_hash,
        }));
    }
    let donor: Option<DonorLoginRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, password_hash FROM donors WHERE email = $1",
    ).bind(email).fetch_optional(pool).await?);
    Ok(donor.map(|d| LoginAccount { kind: AccountKind::Donor, id: d.id, password_hash: d.password_hash }))
}

/// A donor's profile as the cabinet shows it.
#[derive(Clone, Debug)]
pub struct DonorProfile {
    pub id: i64,
    pub email: String,
    pub blood: BloodProfile,
    pub donor_code: String,
    pub locale: Locale,
    pub email_confirmed: bool,
}

#[derive(sqlx::FromRow)]
struct DonorRow {
    id: i64,
    email: String,
    blood_group: String,
    rh: String,
    kell: String,
    donor_code: String,
    locale: String,
    email_confirmed_at: Option<DateTime<Utc>>,
}

pub async fn donor_profile(db: &Db, id: i64) -> Result<Option<DonorProfile>, sqlx::Error> {
    let row: Option<DonorRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, email, blood_group, rh, kell, donor_code, locale, email_confirmed_at FROM donors WHERE id = $1",
    ).bind(id).fetch_optional(pool).await?);
    row.map(|r| {
        Ok(DonorProfile {
            id: r.id,
            email: r.email,
            blood: BloodProfile {
                group: decode::<BloodGroup>(&r.blood_group)?,
                rh: decode::<Rh>(&r.rh)?,
                kell: decode::<Kell>(&r.kell)?,
            },
            donor_code: r.donor_code,
            locale: Locale::from_code(&r.locale).unwrap_or_default(),
            email_confirmed: r.email_confirmed_at.is_some(),
        })
    })
    .transpose()
}

pub async fn staff_email_exists(db: &Db, email: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = on_pool!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM staff WHERE email = $1").bind(email).fetch_one(pool).await?);
    Ok(n > 0)
}

pub async fn donor_email_exists(db: &Db, email: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = on_pool!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM donors WHERE email = $1").bind(email).fetch_one(pool).await?);
    Ok(n > 0)
}

pub async fn create_staff(
    db: &Db,
    email: &str,
    password_hash: &str,
    role: StaffRole,
    now: DateTime<Utc>,
    must_change_password: bool,
) -> Result<Option<i64>, sqlx::Error> {
    Ok(on_pool!(db, pool => sqlx::query_scalar(
        "INSERT INTO staff (email, password_hash, role, created_at, must_change_password) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (email) DO NOTHING RETURNING id",
    ).bind(email).bind(password_hash).bind(role.code()).bind(now).bind(must_change_password).fetch_optional(pool).await?))
}

pub(crate) fn donor_codes(blood: &BloodProfile) -> (&'static str, &'static str, &'static str) {
    (blood.group.code(), blood.rh.code(), blood.kell.code())
}

/// Token purposes as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    ConfirmEmail,
    ResetPassword,
}

impl TokenPurpose {
    pub fn code(self) -> &'static str {
        match self {
            TokenPurpose::ConfirmEmail => "confirm_email",
            TokenPurpose::ResetPassword => "reset_password",
        }
    }
}

/// What happened to a presented token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenUse {
    /// Valid: now used; the account it belongs to.
    Used(AccountId),
    Expired,
    AlreadyUsed,
    Unknown,
}

/// Consumes a token exactly once: the conditional update lets only one of two simultaneous
/// clicks succeed.
pub async fn use_token(
    db: &Db,
    hash: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<TokenUse, sqlx::Error> {
    let owner: Option<(Option<i64>, Option<i64>)> = on_pool!(db, pool => sqlx::query_as(
        "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 \
         RETURNING donor_id, staff_id",
    ).bind(now).bind(hash).bind(purpose.code()).fetch_optional(pool).await?);
    match owner {
        Some((Some(donor_id), _)) => return Ok(TokenUse::Used(AccountId::Donor(donor_id))),
        Some((None, Some(staff_id))) => return Ok(TokenUse::Used(AccountId::Staff(staff_id))),
        _ => {}
    }
    #[derive(sqlx::FromRow)]
    struct Seen {
        used: bool,
    }
    let seen: Option<Seen> = on_pool!(db, pool => sqlx::query_as(
        "SELECT (used_at IS NOT NULL) AS used FROM email_tokens WHERE token_hash = $1 AND purpose = $2",
    ).bind(hash).bind(purpose.code()).fetch_optional(pool).await?);
    Ok(match seen {
        Some(Seen { used: true }) => TokenUse::AlreadyUsed,
        Some(Seen { used: false }) => TokenUse::Expired,
        None => TokenUse::Unknown,
    })
}

pub async fn mark_email_confirmed(db: &Db, donor_id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("UPDATE donors SET email_confirmed_at = COALESCE(email_confirmed_at, $1) WHERE id = $2")
            .bind(now).bind(donor_id).execute(pool).await?;
    });
    Ok(())
}

pub async fn set_donor_code(db: &Db, donor_id: i64, code: &str, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("UPDATE donors SET donor_code = $1, donor_code_changed_at = $2 WHERE id = $3 AND donor_code <> $1")
            .bind(code).bind(now).bind(donor_id).execute(pool).await?;
    });
    Ok(())
}

/// The language the donor's e-mails are written in.
pub async fn set_donor_locale(db: &Db, donor_id: i64, locale: crate::domain::Locale) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("UPDATE donors SET locale = $1 WHERE id = $2 AND locale <> $1")
            .bind(locale.code()).bind(donor_id).execute(pool).await?;
    });
    Ok(())
}

/// An account's password hash, for changing it.
pub async fn password_hash(db: &Db, account: AccountId) -> Result<Option<String>, sqlx::Error> {
    let (sql, id) = match account {
        AccountId::Donor(id) => ("SELECT password_hash FROM donors WHERE id = $1", id),
        AccountId::Staff(id) => ("SELECT password_hash FROM staff WHERE id = $1", id),
    };
    Ok(on_pool!(db, pool => sqlx::query_scalar(sql).bind(id).fetch_optional(pool).await?))
}

/// Sets a password the account's owner chose; for staff the must-change flag clears with it.
pub async fn set_password(db: &Db, account: AccountId, hash: &str) -> Result<(), sqlx::Error> {
    let (sql, id) = match account {
        AccountId::Donor(id) => ("UPDATE donors SET password_hash = $1 WHERE id = $2", id),
        AccountId::Staff(id) => ("UPDATE staff SET password_hash = $1, must_change_password = FALSE WHERE id = $2", id),
    };
    on_pool!(db, pool => {
        sqlx::query(sql).bind(hash).bind(id).execute(pool).await?;
    });
    Ok(())
}

/// Whether the staff member must choose a new password before working.
pub async fn staff_must_change_password(db: &Db, staff_id: i64) -> Result<bool, sqlx::Error> {
    let flag: Option<bool> = on_pool!(db, pool => sqlx::query_scalar("SELECT must_change_password FROM staff WHERE id = $1")
        .bind(staff_id).fetch_optional(pool).await?);
    Ok(flag.unwrap_or(false))
}

/// An admin requires a staff member to choose a new password: the flag is set and their
/// sessions end, in one transaction (as [`disable_staff`]). Returns whether there was such an
/// active account.
pub async fn force_staff_password_change(db: &Db, staff_id: i64) -> Result<bool, sqlx::Error> {
    Ok(super::in_write_tx!(db, tx => {
        let changed = sqlx::query("UPDATE staff SET must_change_password = TRUE WHERE id = $1 AND disabled_at IS NULL")
            .bind(staff_id).execute(&mut *tx).await?.rows_affected();
        sqlx::query("DELETE FROM sessions WHERE staff_id = $1").bind(staff_id).execute(&mut *tx).await?;
        changed == 1
    }))
}

/// A staff account as the admin page lists it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StaffRow {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub disabled: bool,
    pub must_change_password: bool,
}

pub async fn list_staff(db: &Db) -> Result<Vec<StaffRow>, sqlx::Error> {
    Ok(on_pool!(db, pool => sqlx::query_as(
        "SELECT id, email, role, (disabled_at IS NOT NULL) AS disabled, must_change_password FROM staff \
         ORDER BY disabled_at IS NOT NULL, email",
    ).fetch_all(pool).await?))
}

/// Disables a staff account and ends its sessions in one transaction.
pub async fn disable_staff(db: &Db, staff_id: i64, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    Ok(super::in_write_tx!(db, tx => {
        let changed = sqlx::query("UPDATE staff SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL")
            .bind(now).bind(staff_id).execute(&mut *tx).await?.rows_affected();
        sqlx::query("DELETE FROM sessions WHERE staff_id = $1").bind(staff_id).execute(&mut *tx).await?;
        changed == 1
    }))
}
