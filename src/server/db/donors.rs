//! Donors as registrars find them: search by e-mail or donor code, and the refusals that
//! explain why a donor could not book.

use super::{decode, on_pool, Db};
use crate::domain::rules::Rule;
use crate::domain::BloodProfile;
use crate::model::donors::{DonorHit, RefusalView};
use chrono::{DateTime, Utc};

/// At most this many donors answer one search; a registrar narrows it with more letters.
pub const SEARCH_LIMIT: i64 = 30;

#[derive(sqlx::FromRow)]
struct HitRow {
    id: i64,
    email: String,
    donor_code: String,
    blood_group: String,
    rh: String,
    kell: String,
    email_confirmed_at: Option<DateTime<Utc>>,
}

/// `LIKE` pattern for "contains `text`", its wildcards escaped with `\`.
fn contains_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// Donors whose e-mail (any case) or donor code contains `query`; exact matches first.
pub async fn search(db: &Db, query: &str) -> Result<Vec<DonorHit>, sqlx::Error> {
    let (email, code) = (query.to_lowercase(), query.to_uppercase());
    let rows: Vec<HitRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, email, donor_code, blood_group, rh, kell, email_confirmed_at FROM donors \
         WHERE lower(email) LIKE $1 ESCAPE '\\' OR donor_code LIKE $2 ESCAPE '\\' \
         ORDER BY CASE WHEN lower(email) = $3 OR donor_code = $4 THEN 0 ELSE 1 END, email LIMIT $5",
    )
    .bind(contains_pattern(&email)).bind(contains_pattern(&code)).bind(&email).bind(&code).bind(SEARCH_LIMIT)
    .fetch_all(pool).await?);
    rows.into_iter()
        .map(|r| {
            Ok(DonorHit {
                id: r.id,
                email: r.email,
                donor_code: r.donor_code,
                blood: BloodProfile { group: decode(&r.blood_group)?, rh: decode(&r.rh)?, kell: decode(&r.kell)? },
                email_confirmed: r.email_confirmed_at.is_some(),
            })
        })
        .collect()
}

/// Writes down that a rule refused the donor a cell (`staff_id`: the registrar who asked for
/// them). The refusal already stands: failing to note it is logged, never an error.
pub async fn record_refusal(
    db: &Db,
    donor_id: i64,
    staff_id: Option<i64>,
    rule: Rule,
    cell_id: i64,
    at: DateTime<Utc>,
) {
    let written: Result<(), sqlx::Error> = async {
        on_pool!(db, pool => {
            sqlx::query("INSERT INTO refusals (donor_id, staff_id, at, rule, cell_id) VALUES ($1, $2, $3, $4, $5)")
                .bind(donor_id).bind(staff_id).bind(at).bind(rule.code()).bind(cell_id).execute(pool).await?;
        });
        Ok(())
    }
    .await;
    if let Err(err) = written {
        tracing::warn!(error = %err, rule = rule.code(), "cannot write down a refusal");
    }
}

#[derive(sqlx::FromRow)]
struct RefusalRow {
    at: DateTime<Utc>,
    rule: String,
    cell_id: Option<i64>,
    cell_date: Option<chrono::NaiveDate>,
    staff_email: Option<String>,
}

/// The donor's latest refusals, newest first.
pub async fn refusals_of(
    db: &Db,
    donor_id: i64,
    limit: i64,
    tz: chrono_tz::Tz,
) -> Result<Vec<RefusalView>, sqlx::Error> {
    let rows: Vec<RefusalRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT r.at, r.rule, r.cell_id, c.date AS cell_date, s.email AS staff_email FROM refusals r \
         LEFT JOIN cells c ON c.id = r.cell_id LEFT JOIN staff s ON s.id = r.staff_id \
         WHERE r.donor_id = $1 ORDER BY r.at DESC, r.id DESC LIMIT $2",
    ).bind(donor_id).bind(limit).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(RefusalView {
                at: r.at,
                at_local: r.at.with_timezone(&tz).naive_local(),
                rule: Rule::from_code(&r.rule)?,
                cell_id: r.cell_id,
                cell_date: r.cell_date,
                by_staff: r.staff_email,
            })
        })
        .collect())
}

/// Refusals older than `before` go with the bookings (R6).
pub async fn purge_refusals(db: &Db, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    Ok(
        on_pool!(db, pool => sqlx::query("DELETE FROM refusals WHERE at < $1").bind(before).execute(pool).await?.rows_affected()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_in_a_query_match_themselves() {
        assert_eq!(contains_pattern("ab"), "%ab%");
        assert_eq!(contains_pattern("a_b%"), "%a\\_b\\%%");
    }
}
