//! The planner's dashboard: per day and per group+Rh(+K−), what hospitals need against what
//! donors booked, gave and missed, for a range of days; and the same table as a CSV file.

use super::csv;
use super::db::planning::{needs_by_day, DayNeedRow};
use super::request;
use super::state::AppState;
use crate::domain::account::StaffRole;
use crate::domain::calendar::local_date;
use crate::domain::{BloodGroup, Coded, Locale, Rh};
use crate::error::AppError;
use crate::i18n::planning::planning_texts;
use crate::i18n::texts;
use crate::model::planning::{DayNeeds, NeedsDashboard, NeedsRow};
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::response::Response;
use chrono::{Duration, NaiveDate};

/// A dashboard shows at most this many days (a month and a bit).
pub const MAX_DAYS: i64 = 31;
/// The range shown when none is asked for: today and the six days after (a week).
const DEFAULT_DAYS: i64 = 7;

/// The range asked for: `from` defaults to today, `to` to a week from `from`.
pub fn range(
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
    locale: Locale,
) -> Result<(NaiveDate, NaiveDate), AppError> {
    let t = planning_texts(locale);
    let parse = |field: &str, value: Option<&str>| match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::validation(field, texts(locale).plan_date_invalid)),
    };
    let from = parse("from", from)?.unwrap_or(today);
    let to = parse("to", to)?.unwrap_or(from + Duration::days(DEFAULT_DAYS - 1));
    if to < from {
        return Err(AppError::validation("to", t.range_reversed));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(AppError::validation("to", t.range_too_long));
    }
    Ok((from, to))
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

fn row(r: &DayNeedRow) -> Result<NeedsRow, sqlx::Error> {
    let group = BloodGroup::from_code(&r.blood_group).zip(Rh::from_code(&r.rh));
    if group.is_none() {
        return Err(sqlx::Error::Decode(format!("blood group {} {}", r.blood_group, r.rh).into()));
    }
    Ok(NeedsRow {
        group,
        kell_negative_only: r.kell_negative_only,
        needed: count(r.needed),
        booked: count(r.booked),
        donated: count(r.donated),
        no_show: count(r.no_show),
    })
}

/// Every day of the range, those without cells included (the chart shows the whole week).
pub async fn dashboard(state: &AppState, from: NaiveDate, to: NaiveDate) -> Result<NeedsDashboard, AppError> {
    let rows = needs_by_day(&state.db, from, to).await?;
    let mut days = Vec::new();
    let mut date = from;
    while date <= to {
        let mut day_rows = rows.iter().filter(|r| r.date == date).map(row).collect::<Result<Vec<_>, _>>()?;
        day_rows.sort_by_key(|r| (r.group.map(|(g, rh)| (g as u8, rh as u8)), r.kell_negative_only));
        days.push(DayNeeds { date, rows: day_rows });
        date += Duration::days(1);
    }
    Ok(NeedsDashboard { from, to, days })
}

pub async fn today_dashboard(
    state: &AppState,
    from: Option<&str>,
    to: Option<&str>,
    locale: Locale,
) -> Result<NeedsDashboard, AppError> {
    let today = local_date(state.clock.now(), state.settings.time_zone);
    let (from, to) = range(from, to, today, locale)?;
    dashboard(state, from, to).await
}

/// The dashboard as CSV: one row per day and group, then the day's total.
pub fn to_csv(board: &NeedsDashboard, locale: Locale) -> String {
    let (t, p) = (texts(locale), planning_texts(locale));
    let mut out = String::from(csv::BOM);
    csv::push_row(&mut out, &[t.label_date, t.label_group, p.needed, p.booked, p.donated, p.no_show, p.unmet]);
    for day in &board.days {
        let date = locale.format_date(day.date);
        for r in day.rows.iter().chain(std::iter::once(&day.total())) {
            let group = r.group_label(locale).unwrap_or_else(|| p.day_total.to_owned());
            let numbers = [r.needed, r.booked, r.donated, r.no_show, r.unmet()].map(|n| n.to_string());
            let mut fields = vec![date.clone(), group];
            fields.extend(numbers);
            csv::push_row(&mut out, &fields);
        }
    }
    out
}

#[derive(serde::Deserialize)]
pub struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /staff/needs.csv?from=YYYY-MM-DD&to=YYYY-MM-DD`: planners (and admins) only.
pub async fn download(State(state): State<AppState>, parts: Parts, Query(q): Query<RangeQuery>) -> Response {
    let locale = request::locale(&parts);
    let result = async {
        request::require_staff(&state, &parts, &[StaffRole::Planner]).await?;
        today_dashboard(&state, q.from.as_deref(), q.to.as_deref(), locale).await
    }
    .await;
    match result {
        Ok(board) => csv::attachment(&format!("needs-{}-{}.csv", board.from, board.to), to_csv(&board, locale)),
        Err(error) => super::errors::plain_response(&error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    #[test]
    fn ranges_default_to_a_week_and_are_bounded() {
        let ru = Locale::Ru;
        assert_eq!(range(None, None, d(4), ru).unwrap(), (d(4), d(10)));
        assert_eq!(range(Some("2026-12-07"), None, d(4), ru).unwrap(), (d(7), d(13)));
        assert_eq!(range(Some("2026-12-07"), Some("2026-12-07"), d(4), ru).unwrap(), (d(7), d(7)));
        assert!(range(Some("2026-12-07"), Some("2026-12-06"), d(4), ru).is_err());
        assert!(range(Some("2026-12-01"), Some("2027-01-01"), d(4), ru).is_err(), "32 days");
        assert!(range(Some("2026-12-01"), Some("2026-12-31"), d(4), ru).is_ok(), "31 days");
        assert!(range(Some("07.12.2026"), None, d(4), ru).is_err());
    }

    #[test]
    fn csv_has_a_row_per_group_and_a_day_total() {
        let row = |group, needed, booked| NeedsRow {
            group,
            kell_negative_only: false,
            needed,
            booked,
            donated: 1,
            no_show: 0,
        };
        let board = NeedsDashboard {
            from: d(7),
            to: d(7),
            days: vec![DayNeeds {
                date: d(7),
                rows: vec![
                    row(Some((BloodGroup::O, Rh::Negative)), 5, 2),
                    row(Some((BloodGroup::A, Rh::Positive)), 3, 3),
                ],
            }],
        };
        let text = to_csv(&board, Locale::Ru);
        let lines: Vec<&str> = text.trim_start_matches(csv::BOM).split("\r\n").collect();
        assert_eq!(lines.len(), 5, "header, two groups, the total, the empty end: {text}");
        assert!(lines[1].starts_with("07.12.2026;0(I) Rh−;5;2;1;0;3"), "{}", lines[1]);
        assert!(lines[3].ends_with(";8;5;2;0;3"), "{}", lines[3]);
    }
}
