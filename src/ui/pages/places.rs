//! The admins' places: where donations happen. Create, edit, archive (a place with cells is
//! never deleted), restore, and delete a place that never had a cell.

use crate::api::places::{list_places, ArchivePlace, DeletePlace, SavePlace};
use crate::i18n::texts;
use crate::model::planning::ManagedPlace;
use crate::ui::access::refused;
use crate::ui::forms::{ErrorSummary, FormError, TextField};
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PlacesPage() -> impl IntoView {
    let t = texts(use_locale());
    let create = ServerAction::<SavePlace>::new();
    let edit = ServerAction::<SavePlace>::new();
    let archive = ServerAction::<ArchivePlace>::new();
    let delete = ServerAction::<DeletePlace>::new();
    let places = Resource::new(
        move || (create.version().get(), edit.version().get(), archive.version().get(), delete.version().get()),
        |_| list_places(),
    );
    let create_error: FormError = Signal::derive(move || create.value().get().and_then(Result::err));
    let change_error: FormError = Signal::derive(move || {
        edit.value()
            .get()
            .and_then(Result::err)
            .or_else(|| archive.value().get().and_then(Result::err))
            .or_else(|| delete.value().get().and_then(Result::err))
    });
    let query = use_query_map();
    let saved = move || {
        query.read().get("saved").is_some()
            || matches!(create.value().get(), Some(Ok(_)))
            || matches!(edit.value().get(), Some(Ok(_)))
    };
    view! {
        <Title text=t.places_title />
        <h1>{t.places_title}</h1>
        <p class="muted">{t.places_lead}</p>
        <div aria-live="polite">
            <Show when=saved>
                <p class="success-banner" role="status">{t.place_saved}</p>
            </Show>
            <ErrorSummary error=change_error />
        </div>
        <Transition>
            {move || Suspend::new(async move {
                match places.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty-state" data-testid="places-empty">{t.places_empty}</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="place-list" data-testid="places">
                            {list.into_iter().map(|p| view! { <PlaceItem p edit archive delete /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => refused(error),
                }
            })}
        </Transition>
        <section class="form-page" aria-labelledby="new-place-title">
            <h2 id="new-place-title">{t.places_new_title}</h2>
            <ErrorSummary error=create_error />
            <ActionForm action=create attr:class="form" attr:novalidate=true attr:data-testid="new-place">
                <TextField name="name" label=t.label_place_name error=create_error />
                <TextField name="address" label=t.label_place_address error=create_error />
                <TextField name="hours" label=t.label_place_hours hint=t.place_hours_hint error=create_error />
                <TextField name="note" label=t.label_place_note error=create_error />
                <button type="submit" class="button">{t.place_create}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn PlaceItem(
    p: ManagedPlace,
    edit: ServerAction<SavePlace>,
    archive: ServerAction<ArchivePlace>,
    delete: ServerAction<DeletePlace>,
) -> impl IntoView {
    let t = texts(use_locale());
    let id = p.id;
    let field = move |name: &str| format!("place-{id}-{name}");
    let place = p.place;
    let input = move |name: &'static str, label: &'static str, value: String| {
        view! {
            <div class="field">
                <label for=field(name)>{label}</label>
                <input id=field(name) name=name type="text" value=value />
            </div>
        }
    };
    view! {
        <li class="place-item" class:place-item--archived=p.archived data-testid="place" data-place=id>
            <div class="place-item__head">
                <h2 class="place-item__name">{place.name.clone()}</h2>
                {p.archived.then(|| view! { <span class="status-badge status-badge--cancelled">{t.place_archived_badge}</span> })}
            </div>
            <p class="place-item__facts">
                {place.address.clone()}
                {(!place.hours.is_empty()).then(|| format!(" · {}", place.hours))}
                " · "{(t.place_cells)(p.cells)}
            </p>
            {(!place.note.is_empty()).then(|| view! { <p class="muted">{place.note.clone()}</p> })}
            <details class="place-item__edit">
                <summary>{t.place_edit}</summary>
                <ActionForm action=edit attr:class="form form--plain" attr:novalidate=true>
                    <input type="hidden" name="id" value=id.to_string() />
                    {input("name", t.label_place_name, place.name.clone())}
                    {input("address", t.label_place_address, place.address.clone())}
                    {input("hours", t.label_place_hours, place.hours.clone())}
                    {input("note", t.label_place_note, place.note.clone())}
                    <button type="submit" class="button button--secondary">{t.place_save}</button>
                </ActionForm>
            </details>
            <div class="place-item__actions">
                <ActionForm action=archive attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <input type="hidden" name="archived" value=(!p.archived).to_string() />
                    <button type="submit" class="button button--small button--secondary">
                        {if p.archived { t.place_restore } else { t.place_archive }}
                    </button>
                </ActionForm>
                {(p.cells == 0).then(|| view! {
                    <ActionForm action=delete attr:class="inline-form">
                        <input type="hidden" name="id" value=id.to_string() />
                        <button type="submit" class="button button--small button--danger">{t.place_delete}</button>
                    </ActionForm>
                })}
            </div>
        </li>
    }
}
