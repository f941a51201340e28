//! Synthetic donors with live sessions, for the load test and the concurrency tests: many
//! logged-in donors without paying an argon2 hash and a login round-trip for each.
//! Their password hash is not a valid PHC string, so nobody can log in as them.

use super::auth::sessions;
use super::db::{in_write_tx, Db};
use crate::domain::account::Principal;
use crate::domain::{BloodProfile, Coded};
use chrono::{DateTime, Utc};

/// Creates `count` confirmed donors `<prefix>-<n>@synthetic.invalid` of one blood profile and
/// a session for each; returns (donor id, session cookie secret).
pub async fn donors_with_sessions(
    db: &Db,
    prefix: &str,
    count: usize,
    blood: BloodProfile,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let ids: Vec<i64> = in_write_tx!(db, tx => {
        let mut ids = Vec::with_capacity(count);
        for n in 0..count {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO donors (email, password_hash, blood_group, rh, kell, donor_code, locale, consent_version, \
                 consent_at, email_confirmed_at, created_at) VALUES ($1, '!synthetic', $2, $3, $4, 'SYN00001', 'ru', \
                 'synthetic', $5, $5, $5) RETURNING id",
            )
            .bind(format!("{prefix}-{n}@synthetic.invalid"))
            .bind(blood.group.code()).bind(blood.rh.code()).bind(blood.kell.code()).bind(now)
            .fetch_one(&mut *tx).await?;
            ids.push(id);
        }
        ids
    });
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push((id, sessions::create(db, Principal::Donor { id }, now, Some("synthetic")).await?));
    }
    Ok(out)
}
