//! Reception's day: every booking of one date sorted by time, and the same list as a CSV file
//! for Excel (UTF-8 with a byte-order mark, `;` between fields as Excel expects in a Russian
//! locale, CRLF line ends).

use super::csv;
use super::db::moderation::{day, Listed};
use super::moderation::parse_day;
use super::request;
use super::state::AppState;
use crate::domain::account::StaffRole;
use crate::domain::{Labelled, Locale};
use crate::error::AppError;
use crate::i18n::texts;
use crate::model::moderation::{QueueItem, ReceptionDay};
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::response::Response;
use chrono::NaiveDate;

/// The day asked for (today when none), with its bookings.
pub async fn reception_day(state: &AppState, date: Option<&str>, locale: Locale) -> Result<ReceptionDay, AppError> {
    let date = parse_day(date, locale)?.unwrap_or_else(|| state.now_local().date());
    let Listed { rows, truncated } = day(&state.db, date, state.moment()).await?;
    Ok(ReceptionDay { date, items: rows, truncated })
}

/// The day as CSV: a header row, then one row per booking in time order.
pub fn csv(date: NaiveDate, items: &[QueueItem], locale: Locale) -> String {
    let t = texts(locale);
    let mut out = String::from(csv::BOM);
    let header = [
        t.label_time,
        t.label_status,
        t.label_donation_type,
        t.label_place,
        t.label_email,
        t.label_blood_group,
        t.label_donor_code,
        t.moderation_last_donation,
    ];
    csv::push_row(&mut out, &header);
    for item in items {
        let blood = format!(
            "{} {} {}",
            item.blood.group.label(locale),
            item.blood.rh.label(locale),
            item.blood.kell.label(locale)
        );
        let last = item
            .last_donation
            .map(|d| format!("{} {}", locale.format_date(d.on), d.donation_type.label(locale)))
            .unwrap_or_default();
        let row = [
            format!("{} {}", locale.format_date(date), item.time.format("%H:%M")),
            item.status.label(locale).to_owned(),
            item.donation_type.label(locale).to_owned(),
            item.place_name.clone(),
            item.donor_email.clone(),
            blood,
            item.donor_code.clone(),
            last,
        ];
        csv::push_row(&mut out, &row);
    }
    out
}

#[derive(serde::Deserialize)]
pub struct DayQuery {
    date: Option<String>,
}

/// `GET /staff/reception.csv?date=YYYY-MM-DD`: registrars (and admins) only.
pub async fn download(State(state): State<AppState>, parts: Parts, Query(q): Query<DayQuery>) -> Response {
    let locale = request::locale(&parts);
    let result = async {
        request::require_staff(&state, &parts, &[StaffRole::Registrar]).await?;
        reception_day(&state, q.date.as_deref(), locale).await
    }
    .await;
    match result {
        Ok(day) => csv::attachment(&format!("reception-{}.csv", day.date), csv(day.date, &day.items, locale)),
        Err(error) => super::errors::plain_response(&error),
    }
}
