//! Cards of open cells, grouped by day.

use crate::domain::{Blocked, Coded, Labelled, Locale, Rule};
use crate::i18n::texts;
use crate::model::cells::{CellSummary, DonorView};
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

/// How a logged-in donor may act on the cards: the server's verdict per cell (the booking
/// rules' own) greys the cells they cannot book, with the reason; a standing rule (R1,
/// R3–R5) disables booking everywhere and is explained once above the list. «Записаться» is a
/// link to the booking page; with JavaScript the cabinet's island opens it in the dialog.
#[derive(Clone)]
pub struct BookingContext {
    pub donor: DonorView,
}

#[component]
pub fn CellsByDay(
    cells: Vec<CellSummary>,
    locale: Locale,
    #[prop(optional)] booking: Option<BookingContext>,
) -> impl IntoView {
    let t = texts(locale);
    by_day(cells)
        .into_iter()
        .map(|(date, cells)| {
            let heading_id = format!("day-{date}");
            let labelled_by = heading_id.clone();
            let booking = booking.clone();
            view! {
                <section class="day" aria-labelledby=labelled_by>
                    <h2 class="day__title" id=heading_id>
                        <span class="day__weekday">{locale.weekday(date)}</span>
                        {locale.format_date(date)}
                        <span class="day__count">{(t.cells_count)(cells.len())}</span>
                    </h2>
                    <div class="cell-grid">
                        {cells.into_iter().map(|cell| view! { <CellCard cell locale booking=booking.clone() /> }).collect_view()}
                    </div>
                </section>
            }
        })
        .collect_view()
}

#[component]
pub fn CellCard(cell: CellSummary, locale: Locale, booking: Option<BookingContext>) -> impl IntoView {
    let t = texts(locale);
    let title_id = format!("cell-{}", cell.id);
    let labelled_by = title_id.clone();
    let refusal = booking.as_ref().and_then(|b| b.donor.refusal(cell.id));
    let greyed = refusal.is_some_and(|b| is_cell_specific(&b));
    let action = booking.map(|b| view! { <BookAction cell=cell.clone() booking=b locale /> });
    view! {
        <article
            class="cell-card"
            class:cell-card--unavailable=greyed
            aria-labelledby=labelled_by
            data-testid="cell-card"
        >
            <div class="cell-card__head">
                <span class=format!("type-badge type-badge--{}", cell.donation_type.code())>
                    {cell.donation_type.label(locale)}
                </span>
                <span class="cell-card__free">{(t.free_places)(cell.free_places)}</span>
            </div>
            <h3 class="cell-card__place" id=title_id>{cell.place_name.clone()}</h3>
            <p class="cell-card__address">{cell.place_address.clone()}</p>
            <p class="cell-card__hours">
                <span class="label">{t.times}": "</span>
                <span class="cell-card__hours-value">{cell.hours().unwrap_or_default()}</span>
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
            {action}
        </article>
    }
}

/// A refusal that belongs to this cell (its groups, its day), not to the donor's standing.
fn is_cell_specific(blocked: &Blocked) -> bool {
    matches!(blocked.rule, Rule::R2 | Rule::Interval)
}

/// «Записаться» for a cell the donor can book, or why they cannot.
#[component]
fn BookAction(cell: CellSummary, booking: BookingContext, locale: Locale) -> impl IntoView {
    let t = texts(locale);
    match booking.donor.refusal(cell.id) {
        Some(b) if b.rule == Rule::R2 => {
            let groups = cell.needed.iter().map(|n| n.label(locale)).collect::<Vec<_>>().join(", ");
            return view! { <p class="cell-card__reason" data-testid="not-fit">{(t.book_not_fit)(&groups)}</p> }
                .into_any();
        }
        Some(b) if is_cell_specific(&b) => {
            return view! {
                <p class="cell-card__reason" data-testid="cell-refused">
                    <strong>{t.cell_refused_prefix}": "</strong>{b.message(locale)}
                </p>
            }
            .into_any();
        }
        // Explained once, above the list (the banner).
        Some(_) => {
            return view! {
                <button type="button" class="button cell-card__book" disabled=true aria-describedby="booking-blocked">
                    {t.book_button}
                </button>
            }
            .into_any();
        }
        None => {}
    }
    view! {
        <a class="button cell-card__book" href=format!("/cabinet/book/{}", cell.id) aria-haspopup="dialog" data-testid="book">
            {t.book_button}
        </a>
    }
    .into_any()
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
            times: vec![],
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
