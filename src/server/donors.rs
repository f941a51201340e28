//! A registrar finding a donor and reading their page: profile, bookings, donations, the same
//! eligibility the donor's cabinet shows, and the rules that refused them lately.

use super::accounts::donor_fields;
use super::db::donors as store;
use super::db::privacy as records;
use super::db::{accounts::donor_codes, in_write_tx};
use super::state::AppState;
use crate::domain::account::{normalize_email, placeholder_address};
use crate::domain::Locale;
use crate::error::{AppError, FieldError};
use crate::i18n::donors::donor_texts;
use crate::i18n::texts;
use crate::model::donors::{DonorCard, DonorHit};

/// How many of a donor's refusals their page lists.
const REFUSALS_SHOWN: i64 = 20;

/// Donors whose e-mail or donor code contains `query` (at least three characters).
pub async fn search(state: &AppState, query: &str, locale: Locale) -> Result<Vec<DonorHit>, AppError> {
    let query = query.trim();
    if query.chars().count() < 3 || query.chars().count() > 100 {
        return Err(AppError::validation("q", donor_texts(locale).search_too_short));
    }
    Ok(store::search(&state.db, query).await?)
}

pub async fn card(state: &AppState, donor_id: i64) -> Result<DonorCard, AppError> {
    let db = &state.db;
    let profile = super::db::accounts::donor_profile(db, donor_id).await?.ok_or(AppError::NotFound)?;
    let view = super::cells::donor_view(state, donor_id, &[]).await?.ok_or(AppError::NotFound)?;
    Ok(DonorCard {
        donor: DonorHit {
            id: donor_id,
            email: profile.email,
            donor_code: profile.donor_code,
            blood: profile.blood,
            email_confirmed: profile.email_confirmed,
        },
        blocked: view.blocked,
        eligibility: view.eligibility,
        bookings: records::bookings_on_record(db, donor_id).await?,
        donations: records::donations_on_record(db, donor_id).await?,
        refusals: store::refusals_of(db, donor_id, REFUSALS_SHOWN, state.settings.time_zone).await?,
    })
}

/// A caller's details as the registrar typed them on the "new caller" form.
#[derive(Clone, Debug, Default)]
pub struct NewCaller {
    /// Empty when the caller has no e-mail address.
    pub email: String,
    pub donor_code: String,
    pub blood_group: String,
    pub rh: String,
    pub kell: String,
    /// The registrar read the consent to the caller and the caller agreed.
    pub consent: bool,
}

/// A donor's password that matches nothing (not an argon2 hash): a caller registered on the
/// phone sets a real one through "forgot password" when they have an address.
const NO_PASSWORD: &str = "!registered-by-phone";

/// Registers a caller as a donor without the e-mail confirmation step: the registrar confirmed
/// who they are on the phone, and the audit row (written in the same transaction) says so.
/// Returns the new donor's id.
pub async fn register_caller(
    state: &AppState,
    registrar_id: i64,
    form: &NewCaller,
    locale: Locale,
) -> Result<i64, AppError> {
    let (t, d) = (texts(locale), donor_texts(locale));
    let mut errors = Vec::new();
    let email = if form.email.trim().is_empty() {
        Some(placeholder_address(rand::random()))
    } else {
        normalize_email(&form.email)
            .map_err(|e| errors.push(FieldError { field: "email".into(), message: t.email_error(e).into() }))
            .ok()
    };
    let donor = donor_fields(&form.blood_group, &form.rh, &form.kell, &form.donor_code, locale, &mut errors);
    if !form.consent {
        errors.push(FieldError { field: "consent".into(), message: d.new_caller_consent_required.into() });
    }
    let (Some(email), Some((blood, donor_code)), true) = (email, donor, errors.is_empty()) else {
        return Err(AppError::Validation { errors });
    };
    if super::db::accounts::staff_email_exists(&state.db, &email).await? {
        return Err(AppError::validation("email", d.new_caller_taken));
    }
    let (group, rh, kell) = donor_codes(&blood);
    let now = state.clock.now();
    let created: Option<i64> = in_write_tx!(&state.db, tx => {
        let donor_id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO donors (email, password_hash, blood_group, rh, kell, donor_code, locale, email_confirmed_at, \
             consent_version, consent_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $8) ON CONFLICT (email) DO NOTHING RETURNING id",
        )
        .bind(&email).bind(NO_PASSWORD).bind(group).bind(rh).bind(kell).bind(donor_code.as_str())
        .bind(locale.code()).bind(now).bind(super::accounts::CONSENT_VERSION)
        .fetch_optional(&mut *tx).await?;
        if let Some(donor_id) = donor_id {
            sqlx::query(
                "INSERT INTO audit_log (at, staff_id, donor_id, action, comment) VALUES ($1, $2, $3, 'caller_register', $4)",
            )
            .bind(now).bind(registrar_id).bind(donor_id).bind(IDENTITY_CONFIRMED_BY_PHONE)
            .execute(&mut *tx).await?;
        }
        donor_id
    });
    created.ok_or_else(|| AppError::validation("email", d.new_caller_taken))
}

/// The audit note of a caller's registration (the audit log is read in Russian).
const IDENTITY_CONFIRMED_BY_PHONE: &str = "личность и согласие подтверждены по телефону";
