//! Cards of open cells, grouped by day.

use crate::domain::{CellSummary, Coded, Labelled, Locale};
use crate::i18n::texts;
use chrono::NaiveDate;
use leptos::prelude::*;

/// Cells in date order, split into days (the server already sorts by date).
fn by_day(cells: Vec<CellSummary>) -> Vec<(NaiveDate, Vec<CellSummary>)> {
    let mut days: Vec<(NaiveDate, Vec<CellSummary>)> = Vec::new();
    for cell in cells {
        match days.last_mut() {
            Some((date, list)) if *date == cell.date => list.push(cell),
            _ => days.push((cell.date, vec![cell])),
        }
    }
    days
}

#[component]
pub fn CellsByDay(cells: Vec<CellSummary>, locale: Locale) -> impl IntoView {
    let t = texts(locale);
    by_day(cells)
        .into_iter()
        .map(|(date, cells)| {
            let heading_id = format!("day-{date}");
            let labelled_by = heading_id.clone();
            view! {
                <section class="day" aria-labelledby=labelled_by>
                    <h2 class="day__title" id=heading_id>
                        <span class="day__weekday">{locale.weekday(date)}</span>
                        {locale.format_date(date)}
                        <span class="day__count">{(t.cells_count)(cells.len())}</span>
                    </h2>
                    <div class="cell-grid">
                        {cells.into_iter().map(|cell| view! { <CellCard cell locale /> }).collect_view()}
                    </div>
                </section>
            }
        })
        .collect_view()
}

#[component]
pub fn CellCard(cell: CellSummary, locale: Locale) -> impl IntoView {
    let t = texts(locale);
    let title_id = format!("cell-{}", cell.id);
    let labelled_by = title_id.clone();
    let hours = match (cell.first_time, cell.last_time) {
        (Some(first), Some(last)) => format!("{}–{}", first.format("%H:%M"), last.format("%H:%M")),
        _ => String::new(),
    };
    view! {
        <article class="cell-card" aria-labelledby=labelled_by>
            <div class="cell-card__head">
                <span class=format!("type-badge type-badge--{}", cell.donation_type.code())>
                    {cell.donation_type.label(locale)}
                </span>
                <span class="cell-card__free">{(t.free_places)(cell.free_places)}</span>
            </div>
            <h3 class="cell-card__place" id=title_id>{cell.place_name}</h3>
            <p class="cell-card__address">{cell.place_address}</p>
            <p class="cell-card__hours">
                <span class="label">{t.times}": "</span>
                <span class="cell-card__hours-value">{hours}</span>
            </p>
            <div class="cell-card__groups">
                <span class="label">{t.needed_groups}</span>
                <ul class="group-list">
                    {cell
                        .needed
                        .iter()
                        .map(|need| view! { <li class="group-badge">{need.label(locale)}</li> })
                        .collect_view()}
                </ul>
            </div>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DonationType;

    fn cell(id: i64, day: u32) -> CellSummary {
        CellSummary {
            id,
            date: NaiveDate::from_ymd_opt(2026, 12, day).unwrap(),
            donation_type: DonationType::Plasma,
            place_name: "P".into(),
            place_address: "A".into(),
            needed: vec![],
            free_places: 1,
            first_time: None,
            last_time: None,
        }
    }

    #[test]
    fn groups_consecutive_cells_by_day() {
        let days = by_day(vec![cell(1, 1), cell(2, 1), cell(3, 2)]);
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].1.len(), 2);
        assert_eq!(days[1].1[0].id, 3);
    }
}
