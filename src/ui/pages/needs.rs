//! The planner's dashboard (`/staff/needs?from=…&to=…`): per day and per group+Rh(+K−), what
//! hospitals need against what donors booked, gave and missed; unmet needs highlighted, a bar
//! chart of the days, a CSV download. It re-reads itself as bookings arrive (live events).

use crate::api::planning::needs_overview;
use crate::error::AppError;
use crate::i18n::planning::planning_texts;
use crate::i18n::texts;
use crate::model::planning::{DayNeeds, NeedsDashboard, NeedsRow};
use crate::ui::access::refused;
use crate::ui::forms::{ErrorSummary, FormError};
use crate::ui::live::use_private_live_events;
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NeedsPage() -> impl IntoView {
    let locale = use_locale();
    let p = planning_texts(locale);
    let query = use_query_map();
    let asked = move || (query.read().get("from"), query.read().get("to"));
    let live = RwSignal::new(0u32);
    use_private_live_events(move |_| live.update(|n| *n += 1));
    let board = Resource::new(move || (asked(), live.get()), |((from, to), _)| needs_overview(from, to));
    view! {
        <Title text=p.needs_title />
        <h1>{p.needs_title}</h1>
        <p class="muted">{p.needs_lead}</p>
        <Transition>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(board) => view! {
                        <RangeForm from=board.from.to_string() to=board.to.to_string() error=Signal::derive(|| None) />
                        <Dashboard board />
                    }.into_any(),
                    Err(error @ AppError::Validation { .. }) => {
                        let (from, to) = asked();
                        let error: FormError = Signal::derive(move || Some(error.clone()));
                        view! {
                            <ErrorSummary error />
                            <RangeForm from=from.unwrap_or_default() to=to.unwrap_or_default() error />
                        }.into_any()
                    }
                    Err(error) => refused(error),
                }
            })}
        </Transition>
    }
}

/// A GET form: the range lives in the URL, so it survives a reload and works without JS.
#[component]
fn RangeForm(from: String, to: String, error: FormError) -> impl IntoView {
    let p = planning_texts(use_locale());
    let message = move |field: &'static str| error.get().and_then(|e| e.field_message(field).map(str::to_owned));
    view! {
        <form method="get" action="/staff/needs" class="queue-filters" data-testid="needs-range">
            <div class="field">
                <label for="needs-from">{p.from}</label>
                <input id="needs-from" type="date" name="from" value=from />
                <p class="field__error" role="alert">{move || message("from")}</p>
            </div>
            <div class="field">
                <label for="needs-to">{p.to}</label>
                <input id="needs-to" type="date" name="to" value=to />
                <p class="field__error" role="alert">{move || message("to")}</p>
            </div>
            <button type="submit" class="button">{p.show}</button>
        </form>
    }
}

#[component]
fn Dashboard(board: NeedsDashboard) -> impl IntoView {
    let locale = use_locale();
    let p = planning_texts(locale);
    let unmet: u32 = board.days.iter().map(|d| d.total().unmet()).sum();
    let csv = format!("/staff/needs.csv?from={}&to={}", board.from, board.to);
    view! {
        <p class="needs-summary">
            {if unmet > 0 {
                view! { <strong class="needs-unmet" data-testid="needs-unmet">{(p.unmet_summary)(unmet)}</strong> }.into_any()
            } else {
                view! { <span data-testid="needs-met">{p.all_met}</span> }.into_any()
            }}
            " · "<a href=csv download="" data-testid="needs-csv">{p.csv}</a>
        </p>
        <Chart days=board.days.clone() />
        <div class="table-scroll" tabindex="0" role="region" aria-label=p.needs_title>
        <table class="table table--compact needs-table" data-testid="needs-table">
            <thead>
                <tr>
                    <th scope="col">{texts(locale).label_group}</th>
                    <th scope="col">{p.needed}</th>
                    <th scope="col">{p.booked}</th>
                    <th scope="col">{p.donated}</th>
                    <th scope="col">{p.no_show}</th>
                    <th scope="col">{p.unmet}</th>
                </tr>
            </thead>
            {board.days.into_iter().map(|day| view! { <DayRows day /> }).collect_view()}
        </table>
        </div>
    }
}

#[component]
fn DayRows(day: DayNeeds) -> impl IntoView {
    let locale = use_locale();
    let p = planning_texts(locale);
    let title = format!("{} {}", locale.weekday(day.date), locale.format_date(day.date));
    let total = day.total();
    view! {
        <tbody data-date=day.date.to_string()>
            <tr class="needs-table__day"><th scope="rowgroup" colspan="6">{title}</th></tr>
            {if day.rows.is_empty() {
                view! { <tr><td colspan="6" class="muted">{p.no_cells}</td></tr> }.into_any()
            } else {
                view! {
                    {day.rows.iter().map(|r| {
                        let label = r.group_label(locale).unwrap_or_default();
                        view! { <Row label row=*r /> }
                    }).collect_view()}
                    <Row label=p.day_total.to_owned() row=total total=true />
                }.into_any()
            }}
        </tbody>
    }
}

#[component]
fn Row(label: String, row: NeedsRow, #[prop(optional)] total: bool) -> impl IntoView {
    let unmet = row.unmet();
    let group = label.clone();
    view! {
        <tr class:needs-table__total=total class:needs-table__unmet={unmet > 0} data-group=group>
            <th scope="row">{label}</th>
            <td>{row.needed}</td>
            <td>{row.booked}</td>
            <td>{row.donated}</td>
            <td>{row.no_show}</td>
            <td class:needs-unmet={unmet > 0}>{unmet}</td>
        </tr>
    }
}

/// One column per day: needed behind, booked in front, both to the scale of the busiest day.
#[component]
fn Chart(days: Vec<DayNeeds>) -> impl IntoView {
    let locale = use_locale();
    let p = planning_texts(locale);
    let top = days.iter().map(|d| d.total().needed.max(d.total().booked)).max().unwrap_or(0).max(1);
    // SVG attributes, not inline styles: the content security policy allows no style attribute.
    let height = move |n: u32| n * 100 / top;
    view! {
        <figure class="needs-chart" data-testid="needs-chart">
            <figcaption>
                {p.chart_title}" "
                <span class="needs-chart__key needs-chart__key--needed">{p.chart_legend_needed}</span>" "
                <span class="needs-chart__key needs-chart__key--booked">{p.chart_legend_booked}</span>
            </figcaption>
            <div class="needs-chart__days">
                {days.into_iter().map(|day| {
                    let total = day.total();
                    let date = locale.format_date(day.date);
                    let label = (p.chart_bar)(&date, total.booked, total.needed);
                    view! {
                        <div class="needs-chart__day" class:needs-chart__day--unmet={total.unmet() > 0} role="img" aria-label=label>
                            <svg class="needs-chart__bars" viewBox="0 0 24 100" preserveAspectRatio="none" aria-hidden="true">
                                <rect class="needs-chart__bar--needed" x="1" width="10" y=100 - height(total.needed) height=height(total.needed) />
                                <rect class="needs-chart__bar--booked" x="13" width="10" y=100 - height(total.booked) height=height(total.booked) />
                            </svg>
                            <span class="needs-chart__label" aria-hidden="true">{locale.weekday(day.date)}<br />{format!("{}/{}", total.booked, total.needed)}</span>
                        </div>
                    }
                }).collect_view()}
            </div>
        </figure>
    }
}
