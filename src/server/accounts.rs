//! Account use cases: registration, e-mail confirmation, login. Server functions call these;
//! they validate, talk to the stores and the outbox, and return `AppError`s in the caller's language.

use super::auth::sessions;
use super::auth::throttle::{Counted, Limit};
use super::auth::tokens::{hash_secret, new_secret};
use super::db::accounts::{self as store, AccountKind, TokenPurpose, TokenUse};
use super::db::in_write_tx;
use super::db::security::{self, SecurityAction, SecurityEntry};
use super::mail::{outbox, templates, Email};
use super::state::AppState;
use crate::domain::account::{check_new_password, normalize_email, AccountId, Principal};
use crate::domain::centre::Centre;
use crate::domain::{BloodGroup, BloodProfile, Coded, DonorCode, Kell, Locale, Rh};
use crate::error::{AppError, FieldError};
use crate::i18n::texts;
use crate::model::accounts::ConfirmOutcome as Confirmation;
use chrono::{DateTime, Duration, Utc};

pub const CONFIRM_TOKEN_LIFETIME: Duration = Duration::hours(24);

/// How often each costly or guessable step may be tried (every attempt counts, before the work).
pub mod limits {
    use super::Limit;
    use chrono::Duration;

    const QUARTER: Duration = Duration::minutes(15);
    /// Wrong passwords from one client address, whichever accounts they aim at.
    pub const LOGIN_PER_ADDRESS: Limit = Limit { name: "login-addr", max: 20, window: QUARTER };
    /// Wrong passwords for one account from one address.
    pub const LOGIN_PER_ACCOUNT_AND_ADDRESS: Limit = Limit { name: "login-acct-addr", max: 5, window: QUARTER };
    /// All attempts at one account from everywhere: a short window, so an attacker can slow the
    /// owner down by a minute at most, never lock them out.
    pub const LOGIN_PER_ACCOUNT: Limit = Limit { name: "login-acct", max: 10, window: Duration::minutes(1) };
    /// Registrations and e-mailed links (confirmation, reset) asked for from one address (`max`
    /// is the `MAIL_LIMIT_PER_ADDRESS` setting, see [`super::mail_per_address`]) …
    pub const MAIL_PER_ADDRESS: Limit = Limit { name: "mail-addr", max: 10, window: QUARTER };
    /// … and for one target address.
    pub const MAIL_PER_TARGET: Limit = Limit { name: "mail-to", max: 3, window: QUARTER };
    /// New passwords set from reset links, per address.
    pub const RESET_PER_ADDRESS: Limit = Limit { name: "reset-addr", max: 10, window: QUARTER };
    /// Password changes (each checks the current one) per account.
    pub const PASSWORD_CHANGE_PER_ACCOUNT: Limit = Limit { name: "change-acct", max: 5, window: QUARTER };
}

/// Counts an attempt under these limits, or refuses it with the time to wait.
pub(crate) fn throttle(state: &AppState, checks: &[(Limit, &str)]) -> Result<Counted, AppError> {
    state.throttle.attempt(checks, state.clock.now()).map_err(|retry_after_secs| {
        tracing::warn!(retry_after_secs, limit = checks.first().map(|(l, _)| l.name), "throttled");
        AppError::RateLimited { retry_after_secs }
    })
}

/// [`limits::MAIL_PER_ADDRESS`] as configured.
fn mail_per_address(state: &AppState) -> Limit {
    Limit { max: state.settings.mail_limit_per_address.max(1), ..limits::MAIL_PER_ADDRESS }
}

fn entry<'a>(
    state: &AppState,
    action: SecurityAction,
    account: Option<AccountId>,
    client_addr: Option<&'a str>,
    note: Option<&'a str>,
) -> SecurityEntry<'a> {
    SecurityEntry { at: state.clock.now(), action, account, client_addr, note }
}

fn address_key(ip: Option<&str>) -> &str {
    ip.unwrap_or("unknown")
}
/// The version of the consent text shown on the registration form; stored with each consent.
pub const CONSENT_VERSION: &str = "2026-11-v1";

/// The registration form as submitted.
#[derive(Clone, Debug, Default)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub password_confirmation: String,
    pub blood_group: String,
    pub rh: String,
    pub kell: String,
    pub donor_code: String,
    pub consent: bool,
}

struct ValidRegistration {
    email: String,
    blood: BloodProfile,
    donor_code: DonorCode,
}

/// Checks a new password and its confirmation against the policy; the error belongs next to
/// `field`, or next to `{field}_confirmation` when the two differ.
fn check_password_fields(password: &str, confirmation: &str, field: &str, locale: Locale) -> Result<(), FieldError> {
    check_new_password(password, confirmation, super::auth::passwords::is_common).map_err(|e| {
        let field = if e == crate::domain::account::PasswordError::Mismatch {
            format!("{field}_confirmation")
        } else {
            field.to_owned()
        };
        FieldError { field, message: texts(locale).password_error(e).to_owned() }
    })
}

/// A donor's blood group, Rh, Kell and donor code as typed, each refused on its own field
/// (a donor's registration and a registrar's new caller).
pub(crate) fn donor_fields(
    blood_group: &str,
    rh: &str,
    kell: &str,
    donor_code: &str,
    locale: Locale,
    errors: &mut Vec<FieldError>,
) -> Option<(BloodProfile, DonorCode)> {
    let t = texts(locale);
    let mut error =
        |field: &str, message: &str| errors.push(FieldError { field: field.into(), message: message.into() });
    let group = BloodGroup::from_code(blood_group);
    if group.is_none() {
        error("blood_group", t.choose_blood_group);
    }
    let rh = Rh::from_code(rh);
    if rh.is_none() {
        error("rh", t.choose_rh);
    }
    let kell = Kell::from_code(kell);
    if kell.is_none() {
        error("kell", t.choose_kell);
    }
    let donor_code = DonorCode::parse(donor_code).map_err(|e| error("donor_code", t.donor_code_error(e))).ok();
    Some((BloodProfile { group: group?, rh: rh?, kell: kell? }, donor_code?))
}

fn validate(form: &Registration, locale: Locale) -> Result<ValidRegistration, AppError> {
    let t = texts(locale);
    let mut errors = Vec::new();
    let email = normalize_email(&form.email)
        .map_err(|e| errors.push(FieldError { field: "email".into(), message: t.email_error(e).into() }))
        .ok();
    if let Err(e) = check_password_fields(&form.password, &form.password_confirmation, "password", locale) {
        errors.push(e);
    }
    let donor = donor_fields(&form.blood_group, &form.rh, &form.kell, &form.donor_code, locale, &mut errors);
    if !form.consent {
        errors.push(FieldError { field: "consent".into(), message: t.consent_required.into() });
    }
    match (email, donor) {
        (Some(email), Some((blood, donor_code))) if errors.is_empty() => {
            Ok(ValidRegistration { email, blood, donor_code })
        }
        _ => Err(AppError::Validation { errors }),
    }
}

/// A stable, unique Message-ID on the public host.
pub(crate) fn message_id(state: &AppState) -> String {
    let host = state.settings.public_url();
    let host = host.split("://").nth(1).unwrap_or("localhost").split([':', '/']).next().unwrap_or("localhost");
    let random: u128 = rand::random();
    format!("<{random:032x}@{host}>")
}

/// Registers a donor. An address that already has an account gets the same answer (the
/// owner receives an e-mail saying so instead), and the same work is done either way.
pub async fn register(
    state: &AppState,
    form: &Registration,
    locale: Locale,
    ip: Option<String>,
) -> Result<(), AppError> {
    let valid = validate(form, locale)?;
    let target = format!("register:{}", hash_secret(&valid.email));
    let _ =
        throttle(state, &[(mail_per_address(state), address_key(ip.as_deref())), (limits::MAIL_PER_TARGET, &target)])?;
    // Hash before looking the address up, so both answers take as long.
    let password_hash = state.passwords.hash(&form.password).await?;
    let now = state.clock.now();
    let base = state.settings.public_url();
    let (token, token_hash) = new_secret();
    let confirm =
        templates::confirm_email(&state.centre, &valid.email, locale, &format!("{base}/confirm-email?token={token}"));
    let existing = templates::already_registered(&state.centre, &valid.email, locale, &format!("{base}/login"));
    let staff_address = store::staff_email_exists(&state.db, &valid.email).await?;
    let (group, rh, kell) = store::donor_codes(&valid.blood);
    let mail_id = message_id(state);
    in_write_tx!(&state.db, tx => {
        let donor_id: Option<i64> = if staff_address {
            None
        } else {
            sqlx::query_scalar(
                "INSERT INTO donors (email, password_hash, blood_group, rh, kell, donor_code, locale, \
                 consent_version, consent_at, consent_ip, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9) ON CONFLICT (email) DO NOTHING RETURNING id",
            )
            .bind(&valid.email).bind(&password_hash).bind(group).bind(rh).bind(kell)
            .bind(valid.donor_code.as_str()).bind(locale.code()).bind(CONSENT_VERSION).bind(now).bind(&ip)
            .fetch_optional(&mut *tx).await?
        };
        let mail: &Email = match donor_id {
            Some(donor_id) => {
                sqlx::query(
                    "INSERT INTO email_tokens (token_hash, donor_id, purpose, created_at, expires_at) \
                     VALUES ($1, $2, 'confirm_email', $3, $4)",
                )
                .bind(&token_hash).bind(donor_id).bind(now).bind(now + CONFIRM_TOKEN_LIFETIME)
                .execute(&mut *tx).await?;
                &confirm
            }
            None => &existing,
        };
        outbox::enqueue(&mut *tx, mail, &mail_id, now).await?;
    });
    state.mail_wake.notify_one();
    Ok(())
}

pub async fn confirm_email(state: &AppState, token: &str) -> Result<Confirmation, AppError> {
    let now = state.clock.now();
    Ok(match store::use_token(&state.db, &hash_secret(token.trim()), TokenPurpose::ConfirmEmail, now).await? {
        TokenUse::Used(AccountId::Donor(donor_id)) => {
            store::mark_email_confirmed(&state.db, donor_id, now).await?;
            Confirmation::Confirmed
        }
        // Confirmation tokens are only ever issued to donors.
        TokenUse::Used(AccountId::Staff(_)) => Confirmation::Invalid,
        TokenUse::Expired => Confirmation::Expired,
        TokenUse::AlreadyUsed => Confirmation::AlreadyUsed,
        TokenUse::Unknown => Confirmation::Invalid,
    })
}

/// Sends a new confirmation link to an unconfirmed donor. Answers the same for any address.
pub async fn resend_confirmation(
    state: &AppState,
    email: &str,
    locale: Locale,
    ip: Option<&str>,
) -> Result<(), AppError> {
    match donor_asking_by_mail(state, email, "resend", locale, ip).await? {
        Some(donor) if !donor.email_confirmed => {
            send_link(
                state,
                &Recipient::donor(&donor),
                TokenPurpose::ConfirmEmail,
                CONFIRM_TOKEN_LIFETIME,
                "/confirm-email",
                templates::confirm_email,
            )
            .await
        }
        _ => Ok(()),
    }
}

/// Whom a link is e-mailed to.
struct Recipient {
    owner: AccountId,
    email: String,
    locale: Locale,
}

impl Recipient {
    fn donor(donor: &store::DonorProfile) -> Recipient {
        Recipient { owner: AccountId::Donor(donor.id), email: donor.email.clone(), locale: donor.locale }
    }
}

/// The donor an e-mail request is about, after the throttles; `None` for addresses without a
/// donor account (the caller answers the same either way).
async fn donor_asking_by_mail(
    state: &AppState,
    email: &str,
    what: &str,
    locale: Locale,
    ip: Option<&str>,
) -> Result<Option<store::DonorProfile>, AppError> {
    match asking_by_mail(state, email, what, locale, ip).await? {
        Some((account, _)) if account.kind == AccountKind::Donor => {
            Ok(store::donor_profile(&state.db, account.id).await?)
        }
        _ => Ok(None),
    }
}

/// The account (donor or staff) an e-mail request is about, with its normalised address,
/// after the throttles per client address and per target address.
async fn asking_by_mail(
    state: &AppState,
    email: &str,
    what: &str,
    locale: Locale,
    ip: Option<&str>,
) -> Result<Option<(store::LoginAccount, String)>, AppError> {
    let email = normalize_email(email).map_err(|e| AppError::validation("email", texts(locale).email_error(e)))?;
    let target = format!("{what}:{}", hash_secret(&email));
    let _ = throttle(state, &[(mail_per_address(state), address_key(ip)), (limits::MAIL_PER_TARGET, &target)])?;
    Ok(store::find_for_login(&state.db, &email).await?.map(|account| (account, email)))
}

/// Issues a single-use token and e-mails its link (`{PUBLIC_URL}{path}?token=…`), both in one
/// transaction.
async fn send_link(
    state: &AppState,
    to: &Recipient,
    purpose: TokenPurpose,
    lifetime: Duration,
    path: &str,
    compose: fn(&Centre, &str, Locale, &str) -> Email,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let (token, token_hash) = new_secret();
    let mail =
        compose(&state.centre, &to.email, to.locale, &format!("{}{path}?token={token}", state.settings.public_url()));
    let mail_id = message_id(state);
    let (donor_id, staff_id) = match to.owner {
        AccountId::Donor(id) => (Some(id), None),
        AccountId::Staff(id) => (None, Some(id)),
    };
    in_write_tx!(&state.db, tx => {
        sqlx::query(
            "INSERT INTO email_tokens (token_hash, donor_id, staff_id, purpose, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&token_hash).bind(donor_id).bind(staff_id).bind(purpose.code()).bind(now).bind(now + lifetime)
        .execute(&mut *tx).await?;
        outbox::enqueue(&mut *tx, &mail, &mail_id, now).await?;
    });
    state.mail_wake.notify_one();
    Ok(())
}

/// Checks credentials and starts a session. Failed attempts are throttled per account and per
/// address, and logged without the password or the e-mail address.
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
    ip: Option<&str>,
    user_agent: Option<&str>,
    locale: Locale,
) -> Result<(Principal, String), AppError> {
    let now: DateTime<Utc> = state.clock.now();
    let email = normalize_email(email).unwrap_or_else(|_| email.trim().to_lowercase());
    let account = hash_secret(&email);
    let address = address_key(ip);
    let pair = format!("{account}@{address}");
    let counted = throttle(
        state,
        &[
            (limits::LOGIN_PER_ADDRESS, address),
            (limits::LOGIN_PER_ACCOUNT_AND_ADDRESS, &pair),
            (limits::LOGIN_PER_ACCOUNT, &account),
        ],
    )?;
    let found = store::find_for_login(&state.db, &email).await?;
    let password_ok = state.passwords.verify(password, found.as_ref().map(|a| a.password_hash.as_str())).await;
    let aimed_at = found.as_ref().map(|a| match a.kind {
        AccountKind::Donor => AccountId::Donor(a.id),
        AccountKind::Staff { .. } => AccountId::Staff(a.id),
    });
    let principal = match found {
        Some(a) if password_ok => match a.kind {
            AccountKind::Donor => Some(Principal::Donor { id: a.id }),
            AccountKind::Staff { role, disabled: false } => Some(Principal::Staff { id: a.id, role }),
            AccountKind::Staff { disabled: true, .. } => None,
        },
        _ => None,
    };
    let Some(principal) = principal else {
        tracing::warn!(account = %&account[..12], "failed login");
        // The address typed is kept only when it names no account (admins read the trail).
        let typed = aimed_at.is_none().then_some(email.as_str());
        security::record(&state.db, entry(state, SecurityAction::LoginFailed, aimed_at, ip, typed)).await;
        return Err(AppError::validation("password", texts(locale).login_failed));
    };
    // Only wrong passwords are meant to count.
    state.throttle.forgive(counted);
    security::record(&state.db, entry(state, SecurityAction::Login, Some(principal.account()), ip, None)).await;
    let secret = sessions::create(&state.db, principal, now, user_agent).await?;
    Ok((principal, secret))
}

pub const RESET_TOKEN_LIFETIME: Duration = Duration::hours(1);

/// The donor code is one of the two things a donor may change (the seed's note).
pub async fn change_donor_code(
    state: &AppState,
    donor_id: i64,
    code: &str,
    locale: Locale,
) -> Result<String, AppError> {
    let code =
        DonorCode::parse(code).map_err(|e| AppError::validation("donor_code", texts(locale).donor_code_error(e)))?;
    store::set_donor_code(&state.db, donor_id, code.as_str(), state.clock.now()).await?;
    Ok(code.as_str().to_owned())
}

/// Changes the caller's own password after checking the current one, and ends their other
/// sessions. Staff must pick a different one: a first or required change must not keep the
/// password an admin handed over.
pub async fn change_password(
    state: &AppState,
    who: Principal,
    current_session: Option<&str>,
    current: &str,
    new: &str,
    confirmation: &str,
    locale: Locale,
) -> Result<(), AppError> {
    let t = texts(locale);
    check_password_fields(new, confirmation, "new_password", locale)
        .map_err(|e| AppError::Validation { errors: vec![e] })?;
    let account = who.account();
    let _ = throttle(state, &[(limits::PASSWORD_CHANGE_PER_ACCOUNT, &format!("{account:?}"))])?;
    let stored = store::password_hash(&state.db, account).await?;
    if !state.passwords.verify(current, stored.as_deref()).await {
        return Err(AppError::validation("current_password", t.current_password_wrong));
    }
    if matches!(account, AccountId::Staff(_)) && current == new {
        return Err(AppError::validation("new_password", t.password_same_as_current));
    }
    let hash = state.passwords.hash(new).await?;
    store::set_password(&state.db, account, &hash).await?;
    sessions::delete_all_of(&state.db, account, current_session).await?;
    state.events.sessions_ended(&state.db, account).await;
    security::record(&state.db, entry(state, SecurityAction::PasswordChange, Some(account), None, None)).await;
    Ok(())
}

/// Sends a reset link to a donor's or an active staff member's address (staff get it in the
/// language they asked in). Answers the same for any address.
pub async fn request_password_reset(
    state: &AppState,
    email: &str,
    locale: Locale,
    ip: Option<&str>,
) -> Result<(), AppError> {
    let to = match asking_by_mail(state, email, "reset", locale, ip).await? {
        Some((account, _)) if account.kind == AccountKind::Donor => {
            store::donor_profile(&state.db, account.id).await?.map(|d| Recipient::donor(&d))
        }
        Some((account, email)) if matches!(account.kind, AccountKind::Staff { disabled: false, .. }) => {
            Some(Recipient { owner: AccountId::Staff(account.id), email, locale })
        }
        _ => None,
    };
    match to {
        Some(to) => {
            send_link(
                state,
                &to,
                TokenPurpose::ResetPassword,
                RESET_TOKEN_LIFETIME,
                "/password/reset",
                templates::reset_password,
            )
            .await
        }
        None => Ok(()),
    }
}

/// Sets a new password from a reset link. No automatic login; every session ends.
pub async fn reset_password(
    state: &AppState,
    token: &str,
    new: &str,
    confirmation: &str,
    locale: Locale,
    ip: Option<&str>,
) -> Result<(), AppError> {
    let t = texts(locale);
    check_password_fields(new, confirmation, "password", locale)
        .map_err(|e| AppError::Validation { errors: vec![e] })?;
    let _ = throttle(state, &[(limits::RESET_PER_ADDRESS, address_key(ip))])?;
    let hash = state.passwords.hash(new).await?;
    let now = state.clock.now();
    match store::use_token(&state.db, &hash_secret(token.trim()), TokenPurpose::ResetPassword, now).await? {
        TokenUse::Used(account) => {
            // A password its owner chose: for staff, a required change is done.
            store::set_password(&state.db, account, &hash).await?;
            sessions::delete_all_of(&state.db, account, None).await?;
            state.events.sessions_ended(&state.db, account).await;
            security::record(&state.db, entry(state, SecurityAction::PasswordReset, Some(account), ip, None)).await;
            Ok(())
        }
        TokenUse::Expired => Err(AppError::validation("token", t.link_expired)),
        TokenUse::AlreadyUsed => Err(AppError::validation("token", t.reset_link_used)),
        TokenUse::Unknown => Err(AppError::validation("token", t.link_invalid)),
    }
}

/// An admin creates a staff account with a first password they hand over in person.
pub async fn add_staff(
    state: &AppState,
    email: &str,
    role: &str,
    password: &str,
    confirmation: &str,
    locale: Locale,
) -> Result<(), AppError> {
    use crate::domain::account::StaffRole;
    let t = texts(locale);
    let mut errors = Vec::new();
    let email = normalize_email(email)
        .map_err(|e| errors.push(FieldError { field: "email".into(), message: t.email_error(e).into() }))
        .ok();
    let role = StaffRole::from_code(role);
    if role.is_none() {
        errors.push(FieldError { field: "role".into(), message: t.choose_role.into() });
    }
    if let Err(e) = check_password_fields(password, confirmation, "password", locale) {
        errors.push(e);
    }
    let (Some(email), Some(role), true) = (email, role, errors.is_empty()) else {
        return Err(AppError::Validation { errors });
    };
    if store::donor_email_exists(&state.db, &email).await? {
        return Err(AppError::validation("email", t.email_taken));
    }
    let hash = state.passwords.hash(password).await?;
    match store::create_staff(&state.db, &email, &hash, role, state.clock.now(), true).await? {
        Some(_) => Ok(()),
        None => Err(AppError::validation("email", t.email_taken)),
    }
}
