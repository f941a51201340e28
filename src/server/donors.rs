//! A registrar finding a donor and reading their page: profile, bookings, donations, the same
//! eligibility the donor's cabinet shows, and the rules that refused them lately.

use super::db::donors as store;
use super::db::privacy as records;
use super::state::AppState;
use crate::domain::Locale;
use crate::error::AppError;
use crate::i18n::donors::donor_texts;
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
