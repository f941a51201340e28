//! The admin's table of intervals between donation types (Приказ № 1166н, приложение 7):
//! one row per pair, each saved on its own (and audited).

use crate::api::intervals::{donation_intervals, SetInterval};
use crate::domain::intervals::Interval;
use crate::domain::{Coded, DonationType, Labelled, Locale};
use crate::i18n::texts;
use crate::ui::access::refused;
use crate::ui::forms::{ErrorSummary, FormError};
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// One pair: the next type, and its days in a form of its own.
fn interval_row(e: Interval, locale: Locale) -> impl IntoView {
    let t = texts(locale);
    let save = use_context::<ServerAction<SetInterval>>().expect("the page provides the action");
    let id = format!("days-{}-{}", e.previous.code(), e.next.code());
    let label = format!("{} → {}", e.previous.label(locale), e.next.label(locale));
    view! {
        <tr data-pair=format!("{}:{}", e.previous.code(), e.next.code())>
            <th scope="row">{e.next.label(locale)}</th>
            <td>
                <ActionForm action=save attr:class="interval-form">
                    <input type="hidden" name="previous" value=e.previous.code() />
                    <input type="hidden" name="next" value=e.next.code() />
                    <label class="visually-hidden" for=id.clone()>{format!("{}: {label}", t.intervals_days)}</label>
                    <input id=id type="number" name="days" min="0" max="365" step="1" inputmode="numeric"
                        value=e.days.to_string() required=true />
                    <button type="submit" class="button button--small button--secondary"
                        aria-label=format!("{}: {label}", t.intervals_save)>{t.intervals_save}</button>
                    {(!e.confirmed).then(|| view! {
                        <span class="badge--warning" data-testid="to-confirm">{t.intervals_to_confirm}</span>
                    })}
                </ActionForm>
            </td>
        </tr>
    }
}

#[component]
pub fn IntervalsPage() -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let save = ServerAction::<SetInterval>::new();
    provide_context(save);
    let table = Resource::new(move || save.version().get(), |_| donation_intervals());
    let error: FormError = Signal::derive(move || save.value().get().and_then(Result::err));
    let query = use_query_map();
    let saved = move || matches!(save.value().get(), Some(Ok(()))) || query.read().get("saved").is_some();
    view! {
        <Title text=t.intervals_title />
        <h1>{t.intervals_title}</h1>
        <p class="lead">{t.intervals_lead}</p>
        <div aria-live="polite">
            <Show when=saved><p class="success-banner" data-testid="interval-saved">{t.intervals_saved}</p></Show>
        </div>
        <ErrorSummary error />
        <Transition>
            {move || Suspend::new(async move {
                match table.await {
                    Ok(table) => {
                        let entries = table.entries().to_vec();
                        DonationType::ALL.iter().map(|&previous| {
                            let heading = format!("{} «{}»", t.intervals_previous, previous.label(locale));
                            let rows: Vec<Interval> = entries.iter().copied().filter(|e| e.previous == previous).collect();
                            view! {
                                <section class="interval-group" data-previous=previous.code()>
                                    <h2>{heading.clone()}</h2>
                                    <div class="table-wrap" tabindex="0" role="region" aria-label=heading>
                                        <table class="table" data-testid="intervals">
                                            <thead>
                                                <tr>
                                                    <th scope="col">{t.intervals_next}</th>
                                                    <th scope="col">{t.intervals_days}</th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {rows.into_iter().map(|e| interval_row(e, locale)).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                </section>
                            }
                        }).collect_view().into_any()
                    }
                    Err(error) => refused(error),
                }
            })}
        </Transition>
    }
}
