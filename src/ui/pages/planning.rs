//! The planner's page: create cells from hospital needs; see booked vs needed; adjust needs
//! and places (never below what is booked); close cells.

use crate::api::planning::{planning_overview, CloseCell, CreateCell, ReopenCell, SetNeed, SetPlaces};
use crate::domain::blood::{group_rh_label, GROUPS_WITH_RH};
use crate::domain::{BloodGroup, Coded, DonationType, Labelled, Locale, Rh};
use crate::i18n::texts;
use crate::model::planning::PlannedCell;
use crate::ui::access::refused;
use crate::ui::forms::{ErrorSummary, FormError, RadioGroup, TextField};
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;

fn group_key(group: BloodGroup, rh: Rh) -> String {
    format!("{}_{}", group.code().to_lowercase(), rh.code())
}

#[component]
pub fn PlanningPage() -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let create = ServerAction::<CreateCell>::new();
    let set_need = ServerAction::<SetNeed>::new();
    let set_places = ServerAction::<SetPlaces>::new();
    let close = ServerAction::<CloseCell>::new();
    let reopen = ServerAction::<ReopenCell>::new();
    let board = Resource::new(
        move || {
            let edits = (set_need.version().get(), set_places.version().get());
            (create.version().get(), edits, close.version().get(), reopen.version().get())
        },
        |_| planning_overview(),
    );
    let create_error: FormError = Signal::derive(move || create.value().get().and_then(Result::err));
    let edit_error: FormError = Signal::derive(move || {
        set_need.value().get().and_then(Result::err).or_else(|| set_places.value().get().and_then(Result::err))
    });
    view! {
        <Title text=t.planning_title />
        <h1>{t.planning_title}</h1>
        <Transition>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(board) => {
                        let types: Vec<(String, String)> = DonationType::ALL
                            .iter()
                            .map(|k| (k.code().to_owned(), k.label(locale).to_owned()))
                            .collect();
                        let places: Vec<(String, String)> =
                            board.places.iter().map(|p| (p.id.to_string(), format!("{} — {}", p.name, p.address))).collect();
                        view! {
                            <div class="planning">
                                <section class="form-page" aria-labelledby="new-cell-title">
                                    <h2 id="new-cell-title">{t.planning_new_cell}</h2>
                                    {places.is_empty().then(|| view! {
                                        <p class="notice notice--warning" role="status" data-testid="no-places">
                                            {t.planning_no_places}" "<a href="/staff/places">{t.planning_no_places_link}</a>
                                        </p>
                                    })}
                                    <Show when=move || matches!(create.value().get(), Some(Ok(_)))>
                                        <p class="success-banner" role="status">{t.planning_created}</p>
                                    </Show>
                                    <ErrorSummary error=create_error />
                                    <ActionForm action=create attr:class="form" attr:novalidate=true attr:data-testid="new-cell">
                                        <TextField name="date" label=t.label_date kind="date" error=create_error />
                                        <RadioGroup name="donation_type" legend=t.label_donation_type options=types error=create_error />
                                        <PlaceChoice places error=create_error />
                                        <div class="field-row">
                                            <TextField name="first_time" label=t.label_first_time kind="time" value="08:00".into() error=create_error />
                                            <TextField name="last_time" label=t.label_last_time kind="time" value="12:00".into() error=create_error />
                                        </div>
                                        <div class="field-row">
                                            <TextField name="step_minutes" label=t.label_step kind="number" value="15".into() error=create_error />
                                            <TextField name="places_per_time" label=t.label_places_per_time kind="number" value="2".into() error=create_error />
                                        </div>
                                        <fieldset class="field">
                                            <legend>{t.label_needs}</legend>
                                            <p class="field__error" role="alert">
                                                {move || create_error.get().and_then(|e| e.field_message("needs").map(str::to_owned))}
                                            </p>
                                            <div class="needs-grid">
                                                {GROUPS_WITH_RH.iter().map(|(g, r)| {
                                                    let key = group_key(*g, *r);
                                                    let name = format!("need_{key}");
                                                    let label = group_rh_label(*g, *r, locale);
                                                    view! { <TextField name label kind="number" extra_class="field--compact" error=create_error /> }
                                                }).collect_view()}
                                            </div>
                                        </fieldset>
                                        <label class="consent__label" for="field-kell-only">
                                            <input type="checkbox" id="field-kell-only" name="kell_negative_only" value="yes" />
                                            <span>{t.label_kell_only}</span>
                                        </label>
                                        <button type="submit" class="button">{t.planning_create}</button>
                                    </ActionForm>
                                </section>
                                <section aria-labelledby="cells-title">
                                    <h2 id="cells-title">{t.planning_cells}</h2>
                                    <ErrorSummary error=edit_error />
                                    {if board.cells.is_empty() {
                                        view! { <p class="muted">{t.planning_no_cells}</p> }.into_any()
                                    } else {
                                        board.cells.into_iter().map(|cell| view! {
                                            <PlannedCellCard cell locale set_need set_places close reopen />
                                        }).collect_view().into_any()
                                    }}
                                </section>
                            </div>
                        }.into_any()
                    }
                    Err(error) => refused(error),
                }
            })}
        </Transition>
    }
}

#[component]
fn PlaceChoice(places: Vec<(String, String)>, error: FormError) -> impl IntoView {
    let t = texts(use_locale());
    let selected = places.first().map(|(id, _)| id.clone()).unwrap_or_default();
    view! { <RadioGroup name="place_id" legend=t.label_place options=places selected error /> }
}

#[component]
fn PlannedCellCard(
    cell: PlannedCell,
    locale: Locale,
    set_need: ServerAction<SetNeed>,
    set_places: ServerAction<SetPlaces>,
    close: ServerAction<CloseCell>,
    reopen: ServerAction<ReopenCell>,
) -> impl IntoView {
    let t = texts(locale);
    let places_now = cell.slots.first().map(|s| s.capacity).unwrap_or(0);
    let times = match (cell.slots.first(), cell.slots.last()) {
        (Some(a), Some(b)) => format!("{}–{} ({})", a.start.format("%H:%M"), b.start.format("%H:%M"), cell.slots.len()),
        _ => String::new(),
    };
    let id = cell.id;
    view! {
        <article class="panel planned-cell" class:planned-cell--closed=cell.closed data-testid="planned-cell">
            <header class="planned-cell__head">
                <h3>{format!("{} {} · {}", locale.weekday(cell.date), locale.format_date(cell.date), cell.donation_type.label(locale))}</h3>
                <p class="muted">{cell.place_name.clone()}" · "{t.planning_times}": "{times}</p>
                {cell.closed.then(|| view! { <span class="status-badge status-badge--cancelled">{t.planning_closed}</span> })}
            </header>
            <table class="table table--compact">
                <thead>
                    <tr><th scope="col">{t.label_group}</th><th scope="col">{t.planning_booked_needed}</th><th scope="col">{t.label_needed}</th></tr>
                </thead>
                <tbody>
                    {cell.needs.clone().into_iter().map(|n| {
                        let key = group_key(n.group, n.rh);
                        let label = n.label(locale);
                        let input_label = format!("{} {}", t.label_needed, label);
                        view! {
                            <tr>
                                <th scope="row">{label}</th>
                                <td>{format!("{} / {}", n.booked, n.needed)}</td>
                                <td>
                                    <ActionForm action=set_need attr:class="inline-edit">
                                        <input type="hidden" name="cell_id" value=id />
                                        <input type="hidden" name="group" value=key />
                                        {n.kell_negative_only.then(|| view! { <input type="hidden" name="kell_negative_only" value="yes" /> })}
                                        <input type="number" name="needed" min=n.booked max="500" value=n.needed aria-label=input_label />
                                        <button type="submit" class="button button--small button--secondary">{t.planning_save}</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <div class="planned-cell__actions">
                <ActionForm action=set_places attr:class="inline-edit">
                    <input type="hidden" name="cell_id" value=id />
                    <label for=format!("places-{id}")>{t.label_places_per_time}</label>
                    <input type="number" id=format!("places-{id}") name="places_per_time" min="1" max="50" value=places_now />
                    <button type="submit" class="button button--small button--secondary">{t.planning_save}</button>
                </ActionForm>
                {if cell.closed {
                    view! {
                        <ActionForm action=reopen attr:class="inline-edit">
                            <input type="hidden" name="cell_id" value=id />
                            <button type="submit" class="button button--small button--secondary" data-testid="reopen-cell">{t.planning_reopen}</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! {
                        <ActionForm action=close attr:class="inline-edit">
                            <input type="hidden" name="cell_id" value=id />
                            <button type="submit" class="button button--small button--secondary">{t.planning_close}</button>
                        </ActionForm>
                    }.into_any()
                }}
            </div>
        </article>
    }
}
