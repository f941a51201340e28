//! Reception's day: every booking of one date in time order, with the donor's facts, marked
//! «Донация состоялась» / «Неявка» in place; live, printable, and downloadable as CSV.

use crate::api::moderation::{reception_list, MarkVisit};
use crate::domain::{Coded, Labelled};
use crate::i18n::texts;
use crate::model::moderation::QueueItem;
use crate::ui::access::refused;
use crate::ui::forms::{ErrorSummary, FormError};
use crate::ui::live::use_private_live_events;
use crate::ui::locale::use_locale;
use crate::ui::pages::moderation::VisitMarks;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReceptionPage() -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let query = use_query_map();
    let date = move || query.read().get("date").filter(|d| !d.is_empty());
    let visit = ServerAction::<MarkVisit>::new();
    let live = RwSignal::new(0u32);
    use_private_live_events(move |_| live.update(|n| *n += 1));
    let day = Resource::new(move || (date(), visit.version().get(), live.get()), |(date, ..)| reception_list(date));
    let error: FormError = Signal::derive(move || visit.value().get().and_then(Result::err));
    view! {
        <Title text=t.reception_title />
        <h1>{t.reception_title}</h1>
        <form method="get" action="/staff/reception" class="queue-filters no-print" data-testid="reception-date">
            <div class="field">
                <label for="reception-date">{t.label_date}</label>
                <input id="reception-date" type="date" name="date" value=date().unwrap_or_default() />
            </div>
            <button type="submit" class="button button--secondary">{t.reception_show}</button>
        </form>
        <div aria-live="polite" class="no-print"><ErrorSummary error /></div>
        <Transition>
            {move || Suspend::new(async move {
                match day.await {
                    Ok(day) => {
                        let csv = format!("/staff/reception.csv?date={}", day.date);
                        let heading = (t.reception_heading)(&locale.format_date(day.date), locale.weekday(day.date), day.items.len());
                        view! {
                            <div class="reception__bar">
                                <h2 data-testid="reception-heading">{heading}</h2>
                                <p class="no-print reception__downloads">
                                    <a class="button button--secondary button--small" href=csv download="" rel="external" data-testid="reception-csv">{t.reception_csv}</a>
                                    <PrintButton label=t.reception_print />
                                </p>
                            </div>
                            {day.truncated.then(|| view! {
                                <p class="notice notice--warning" role="status">{(t.list_truncated)(day.items.len())}</p>
                            })}
                            {if day.items.is_empty() {
                                view! { <p class="empty-state" data-testid="reception-empty">{t.reception_empty}</p> }.into_any()
                            } else {
                                view! { <DayTable items=day.items visit /> }.into_any()
                            }}
                        }.into_any()
                    }
                    Err(error) => refused(error),
                }
            })}
        </Transition>
    }
}

/// Prints with the browser; without JavaScript the browser's own menu does the same.
#[component]
fn PrintButton(label: &'static str) -> impl IntoView {
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        let _ = window().print();
    };
    view! { <button type="button" class="button button--secondary button--small" on:click=print>{label}</button> }
}

#[component]
fn DayTable(items: Vec<QueueItem>, visit: ServerAction<MarkVisit>) -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=t.reception_title>
            <table class="table reception" data-testid="reception">
                <thead>
                    <tr>
                        <th scope="col">{t.label_time}</th>
                        <th scope="col">{t.label_status}</th>
                        <th scope="col">{t.label_email}</th>
                        <th scope="col">{t.label_blood_group}</th>
                        <th scope="col">{t.label_donor_code}</th>
                        <th scope="col">{t.label_donation_type}</th>
                        <th scope="col">{t.moderation_last_donation}</th>
                        <th scope="col" class="no-print">{t.reception_visit}</th>
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|item| {
                        let id = item.booking_id;
                        let blood = format!("{} {} {}", item.blood.group.label(locale), item.blood.rh.label(locale), item.blood.kell.label(locale));
                        let last = item.last_donation
                            .map(|d| format!("{}, {}", locale.format_date(d.on), d.donation_type.label(locale)))
                            .unwrap_or_else(|| t.moderation_none.to_owned());
                        view! {
                            <tr data-testid="reception-row" data-booking=id data-status=item.status.code()>
                                <td><strong>{item.time.format("%H:%M").to_string()}</strong></td>
                                <td><span class=format!("status-badge status-badge--{}", item.status.code())>{item.status.label(locale)}</span></td>
                                <td>{item.donor_email.clone()}</td>
                                <td>{blood}</td>
                                <td>{item.donor_code.clone()}</td>
                                <td>{item.donation_type.label(locale)}" · "{item.place_name.clone()}</td>
                                <td>{last}</td>
                                <td class="no-print">
                                    {item.visit_markable.then(|| view! { <VisitMarks id visit class="reception__marks" small=true /> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
