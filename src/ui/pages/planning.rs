//! The planner's page: create cells from hospital needs; see booked vs needed; adjust needs,
//! the time grid and places (never below what is booked); close and reopen cells; copy a day
//! or a week onto other dates after a preview.

use crate::api::planning::{
    planning_overview, AddTime, CloseCell, CopyDays, CreateCell, PreviewCopy, RemoveTime, ReopenCell, SetNeed,
    SetPlaces, SetTimePlaces,
};
use crate::domain::blood::{group_rh_label, GROUPS_WITH_RH};
use crate::domain::planning::{places_vs_needs, CopySkip, PlacesVsNeeds};
use crate::domain::{BloodGroup, Coded, DonationType, Labelled, Locale, Rh};
use crate::i18n::planning::planning_texts;
use crate::i18n::texts;
use crate::model::planning::{CopyPreview, PlannedCell};
use crate::ui::access::refused;
use crate::ui::forms::{ErrorSummary, FormError, RadioGroup, TextField};
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;

fn group_key(group: BloodGroup, rh: Rh) -> String {
    format!("{}_{}", group.code().to_lowercase(), rh.code())
}

/// The edits a planned cell's card offers (one action each, shared by every card).
#[derive(Clone, Copy)]
struct CellActions {
    set_need: ServerAction<SetNeed>,
    set_places: ServerAction<SetPlaces>,
    time_places: ServerAction<SetTimePlaces>,
    add_time: ServerAction<AddTime>,
    remove_time: ServerAction<RemoveTime>,
    close: ServerAction<CloseCell>,
    reopen: ServerAction<ReopenCell>,
    /// The cells whose time grid is open: it stays open while the board re-reads after an edit.
    open_grids: RwSignal<Vec<i64>>,
}

impl CellActions {
    fn new() -> Self {
        CellActions {
            set_need: ServerAction::new(),
            set_places: ServerAction::new(),
            time_places: ServerAction::new(),
            add_time: ServerAction::new(),
            remove_time: ServerAction::new(),
            close: ServerAction::new(),
            reopen: ServerAction::new(),
            open_grids: RwSignal::new(Vec::new()),
        }
    }

    /// Changes with every edit made, so the board re-reads after each.
    fn versions(&self) -> [usize; 7] {
        [
            self.set_need.version().get(),
            self.set_places.version().get(),
            self.time_places.version().get(),
            self.add_time.version().get(),
            self.remove_time.version().get(),
            self.close.version().get(),
            self.reopen.version().get(),
        ]
    }

    /// The refusal of the latest failed edit, if any.
    fn error(&self) -> Option<crate::error::AppError> {
        let e = |v: Option<Result<_, crate::error::AppError>>| v.and_then(Result::err);
        e(self.set_need.value().get().map(|r| r.map(|_| ())))
            .or_else(|| e(self.set_places.value().get()))
            .or_else(|| e(self.time_places.value().get()))
            .or_else(|| e(self.add_time.value().get()))
            .or_else(|| e(self.remove_time.value().get().map(|r| r.map(|_| ()))))
    }
}

#[component]
pub fn PlanningPage() -> impl IntoView {
    let locale = use_locale();
    let (t, p) = (texts(locale), planning_texts(locale));
    let create = ServerAction::<CreateCell>::new();
    let edits = CellActions::new();
    let copy = ServerAction::<CopyDays>::new();
    let board = Resource::new(
        move || (create.version().get(), edits.versions(), copy.version().get()),
        |_| planning_overview(),
    );
    let create_error: FormError = Signal::derive(move || create.value().get().and_then(Result::err));
    let edit_error: FormError = Signal::derive(move || edits.error());
    let kept = move || match edits.remove_time.value().get() {
        Some(Ok(Some(booked))) => Some(
            view! { <p class="notice notice--warning" role="status" data-testid="time-kept">{(p.time_kept)(booked)}</p> },
        ),
        _ => None,
    };
    view! {
        <Title text=t.planning_title />
        <h1>{t.planning_title}</h1>
        <p><a href="/staff/needs" data-testid="needs-link">{p.needs_link}</a></p>
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
                                    {kept}
                                    {if board.cells.is_empty() {
                                        view! { <p class="muted">{t.planning_no_cells}</p> }.into_any()
                                    } else {
                                        board.cells.into_iter().map(|cell| view! {
                                            <PlannedCellCard cell locale actions=edits />
                                        }).collect_view().into_any()
                                    }}
                                </section>
                                <CopyDaysPanel copy />
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
fn PlannedCellCard(cell: PlannedCell, locale: Locale, actions: CellActions) -> impl IntoView {
    let (t, p) = (texts(locale), planning_texts(locale));
    let places_now = cell.slots.first().map(|s| s.capacity).unwrap_or(0);
    let times = match (cell.slots.first(), cell.slots.last()) {
        (Some(a), Some(b)) => format!("{}–{} ({})", a.start.format("%H:%M"), b.start.format("%H:%M"), cell.slots.len()),
        _ => String::new(),
    };
    let places: u32 = cell.slots.iter().map(|s| s.capacity).sum();
    let needed: u32 = cell.needs.iter().map(|n| n.needed).sum();
    let mismatch = match places_vs_needs(places, needed) {
        PlacesVsNeeds::Agree => None,
        PlacesVsNeeds::FewerPlaces { missing } => Some((p.fewer_places)(places, needed, missing)),
        PlacesVsNeeds::MorePlaces { extra } => Some((p.more_places)(places, needed, extra)),
    };
    let missing_groups: Vec<(String, String)> = GROUPS_WITH_RH
        .iter()
        .filter(|(g, r)| !cell.needs.iter().any(|n| n.group == *g && n.rh == *r))
        .map(|(g, r)| (group_key(*g, *r), group_rh_label(*g, *r, locale)))
        .collect();
    let id = cell.id;
    view! {
        <article class="panel planned-cell" class:planned-cell--closed=cell.closed data-testid="planned-cell">
            <header class="planned-cell__head">
                <h3>{format!("{} {} · {}", locale.weekday(cell.date), locale.format_date(cell.date), cell.donation_type.label(locale))}</h3>
                <p class="muted">{cell.place_name.clone()}" · "{t.planning_times}": "{times}</p>
                {cell.closed.then(|| view! { <span class="status-badge status-badge--cancelled">{t.planning_closed}</span> })}
            </header>
            {mismatch.map(|m| view! { <p class="notice notice--warning" data-testid="places-mismatch">{m}</p> })}
            <div class="table-scroll" tabindex="0" role="region" aria-label=t.label_needs>
            <table class="table table--compact">
                <thead>
                    <tr><th scope="col">{t.label_group}</th><th scope="col">{t.planning_booked_needed}</th><th scope="col">{t.label_needed}</th></tr>
                </thead>
                <tbody>
                    {cell.needs.clone().into_iter().map(|n| {
                        let key = group_key(n.group, n.rh);
                        let label = n.label(locale);
                        let input_label = format!("{} {}", t.label_needed, label);
                        let kell_label = format!("{} {}", p.kell_only, group_rh_label(n.group, n.rh, locale));
                        view! {
                            <tr>
                                <th scope="row">{label}</th>
                                <td>{format!("{} / {}", n.booked, n.needed)}</td>
                                <td>
                                    <ActionForm action=actions.set_need attr:class="inline-edit">
                                        <input type="hidden" name="cell_id" value=id />
                                        <input type="hidden" name="group" value=key />
                                        <input type="number" name="needed" min=n.booked max="500" value=n.needed aria-label=input_label />
                                        <label class="inline-check">
                                            <input type="checkbox" name="kell_negative_only" value="yes" checked=n.kell_negative_only aria-label=kell_label />
                                            <span aria-hidden="true">"K−"</span>
                                        </label>
                                        <button type="submit" class="button button--small button--secondary">{t.planning_save}</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
            {(!missing_groups.is_empty()).then(|| view! {
                <ActionForm action=actions.set_need attr:class="inline-edit" attr:data-testid="add-need">
                    <input type="hidden" name="cell_id" value=id />
                    <label for=format!("add-group-{id}")>{p.add_need_group}</label>
                    <select id=format!("add-group-{id}") name="group">
                        {missing_groups.into_iter().map(|(key, label)| view! { <option value=key>{label}</option> }).collect_view()}
                    </select>
                    <input type="number" name="needed" min="1" max="500" value="1" aria-label=t.label_needed />
                    <label class="inline-check">
                        <input type="checkbox" name="kell_negative_only" value="yes" />
                        <span>{p.kell_only}</span>
                    </label>
                    <button type="submit" class="button button--small button--secondary">{p.add_need_submit}</button>
                </ActionForm>
            })}
            <TimeGrid cell=cell.clone() locale actions />
            <div class="planned-cell__actions">
                <ActionForm action=actions.set_places attr:class="inline-edit">
                    <input type="hidden" name="cell_id" value=id />
                    <label for=format!("places-{id}")>{t.label_places_per_time}</label>
                    <input type="number" id=format!("places-{id}") name="places_per_time" min="1" max="50" value=places_now />
                    <button type="submit" class="button button--small button--secondary">{t.planning_save}</button>
                </ActionForm>
                {if cell.closed {
                    view! {
                        <ActionForm action=actions.reopen attr:class="inline-edit">
                            <input type="hidden" name="cell_id" value=id />
                            <button type="submit" class="button button--small button--secondary" data-testid="reopen-cell">{t.planning_reopen}</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! {
                        <ActionForm action=actions.close attr:class="inline-edit">
                            <input type="hidden" name="cell_id" value=id />
                            <button type="submit" class="button button--small button--secondary">{t.planning_close}</button>
                        </ActionForm>
                    }.into_any()
                }}
            </div>
        </article>
    }
}

/// A cell's times, each with its own places (never below its booked ones) and a button that
/// removes it (a time with bookings keeps them and loses only its free places); a new time.
/// Rendered only while open: a week's board holds hundreds of times.
#[component]
fn TimeGrid(cell: PlannedCell, locale: Locale, actions: CellActions) -> impl IntoView {
    let p = planning_texts(locale);
    let id = cell.id;
    let open = move || actions.open_grids.with(|ids| ids.contains(&id));
    let toggle = move |_| {
        actions.open_grids.update(|ids| match ids.iter().position(|x| *x == id) {
            Some(at) => {
                ids.remove(at);
            }
            None => ids.push(id),
        })
    };
    let title = (p.grid_title)(cell.slots.len());
    let panel_id = format!("time-grid-{id}");
    view! {
        <div class="time-grid" data-testid="time-grid">
            <button type="button" class="disclosure" aria-expanded=move || open().to_string() aria-controls=panel_id.clone() on:click=toggle>
                {title.clone()}
            </button>
            <div id=panel_id>
                <Show when=open>
                    <TimeGridRows cell=cell.clone() locale actions title=title.clone() />
                </Show>
            </div>
        </div>
    }
}

#[component]
fn TimeGridRows(cell: PlannedCell, locale: Locale, actions: CellActions, title: String) -> impl IntoView {
    let (t, p) = (texts(locale), planning_texts(locale));
    let id = cell.id;
    let default_places = cell.slots.first().map(|s| s.capacity).unwrap_or(1).max(1);
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=title>
        <table class="table table--compact">
            <thead>
                <tr><th scope="col">{p.time}</th><th scope="col">{p.booked_places}</th><th scope="col">{p.places}</th><th scope="col"><span class="visually-hidden">{p.remove}</span></th></tr>
            </thead>
            <tbody>
                {cell.slots.into_iter().map(|slot| {
                    let time = slot.start.format("%H:%M").to_string();
                    let input_label = format!("{} {time}", p.places);
                    let remove_label = format!("{} {time}", p.remove);
                    let (row_time, shown_time, places_time) = (time.clone(), time.clone(), time.clone());
                    view! {
                        <tr data-time=row_time>
                            <th scope="row">{shown_time}</th>
                            <td>{format!("{} / {}", slot.booked, slot.capacity)}</td>
                            <td>
                                <ActionForm action=actions.time_places attr:class="inline-edit">
                                    <input type="hidden" name="cell_id" value=id />
                                    <input type="hidden" name="time" value=places_time />
                                    <input type="number" name="places" min=slot.booked max="50" value=slot.capacity aria-label=input_label />
                                    <button type="submit" class="button button--small button--secondary">{t.planning_save}</button>
                                </ActionForm>
                            </td>
                            <td>
                                <ActionForm action=actions.remove_time attr:class="inline-edit">
                                    <input type="hidden" name="cell_id" value=id />
                                    <input type="hidden" name="time" value=time />
                                    <button type="submit" class="button button--small button--secondary" aria-label=remove_label>{p.remove}</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
        <ActionForm action=actions.add_time attr:class="inline-edit" attr:data-testid="add-time">
            <input type="hidden" name="cell_id" value=id />
            <label for=format!("add-time-{id}")>{p.add_time}</label>
            <input type="time" id=format!("add-time-{id}") name="time" required=true />
            <input type="number" name="places" min="1" max="50" value=default_places aria-label=p.places />
            <button type="submit" class="button button--small button--secondary">{p.add_time}</button>
        </ActionForm>
    }
}

/// Copy a day or a week onto other dates: a preview lists every cell (copied or why not);
/// the copy itself runs what the preview showed.
#[component]
fn CopyDaysPanel(copy: ServerAction<CopyDays>) -> impl IntoView {
    let locale = use_locale();
    let p = planning_texts(locale);
    let preview = ServerAction::<PreviewCopy>::new();
    let preview_error: FormError = Signal::derive(move || preview.value().get().and_then(Result::err));
    let copy_error: FormError = Signal::derive(move || copy.value().get().and_then(Result::err));
    let spans = vec![("7".to_owned(), p.one_week.to_owned()), ("1".to_owned(), p.one_day.to_owned())];
    view! {
        <section class="form-page" aria-labelledby="copy-title" data-testid="copy-days">
            <h2 id="copy-title">{p.copy_title}</h2>
            <p class="muted">{p.copy_lead}</p>
            <ErrorSummary error=preview_error />
            <ActionForm action=preview attr:class="form" attr:novalidate=true attr:data-testid="copy-preview-form">
                <div class="field-row">
                    <TextField name="from" label=p.copy_from kind="date" error=preview_error />
                    <TextField name="to" label=p.copy_to kind="date" error=preview_error />
                </div>
                <RadioGroup name="days" legend=p.copy_days options=spans selected="7".to_owned() error=preview_error />
                <button type="submit" class="button button--secondary">{p.copy_preview}</button>
            </ActionForm>
            {move || match copy.value().get() {
                Some(Ok(n)) => Some(view! { <p class="success-banner" role="status" data-testid="copy-done">{(p.copy_done)(n)}</p> }.into_any()),
                Some(Err(_)) => Some(view! { <ErrorSummary error=copy_error /> }.into_any()),
                None => None,
            }}
            {move || preview.value().get().and_then(Result::ok).map(|plan| view! { <CopyPlan plan copy locale /> })}
        </section>
    }
}

#[component]
fn CopyPlan(plan: CopyPreview, copy: ServerAction<CopyDays>, locale: Locale) -> impl IntoView {
    let p = planning_texts(locale);
    let copied = plan.copied();
    if plan.items.is_empty() {
        return view! { <p class="empty-state" data-testid="copy-plan">{p.copy_nothing}</p> }.into_any();
    }
    let day = move |d: chrono::NaiveDate| format!("{} {}", locale.weekday(d), locale.format_date(d));
    view! {
        <div data-testid="copy-plan">
            <ul class="record-list copy-plan">
                {plan.items.iter().map(|item| {
                    let outcome = match item.skip {
                        None => p.will_copy,
                        Some(CopySkip::Closed) => p.skip_closed,
                        Some(CopySkip::PlaceArchived) => p.skip_archived,
                        Some(CopySkip::AlreadyPlanned) => p.skip_planned,
                    };
                    view! {
                        <li class:copy-plan__skipped=item.skip.is_some() data-copied=item.skip.is_none().to_string()>
                            <strong>{format!("{} → {}", day(item.from), day(item.to))}</strong>
                            <span class="copy-plan__outcome">{format!(" — {outcome}")}</span>
                            <br />
                            {format!("{} · {}", item.donation_type.label(locale), item.place_name)}
                            <br />
                            <span class="muted">{(p.copy_shape)(item.times, item.places, item.needed)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {if copied == 0 {
                view! { <p class="muted">{p.copy_none_new}</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=copy attr:class="inline-edit">
                        <input type="hidden" name="from" value=plan.from.to_string() />
                        <input type="hidden" name="to" value=plan.to.to_string() />
                        <input type="hidden" name="days" value=plan.days.to_string() />
                        <button type="submit" class="button" data-testid="copy-confirm">{(p.copy_confirm)(copied)}</button>
                    </ActionForm>
                }.into_any()
            }}
        </div>
    }
    .into_any()
}
