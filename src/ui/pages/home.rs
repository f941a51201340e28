//! The public page: every open cell with the groups it still needs. No login.

use crate::api::cells::open_cells;
use crate::domain::{Coded, DonationType, Labelled};
use crate::i18n::texts;
use crate::ui::cells::CellsByDay;
use crate::ui::live_cells::LiveCells;
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn HomePage() -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let query = use_query_map();
    // The filter lives in the URL (`?type=plasma`): plain links, with or without JavaScript.
    let selected = Memo::new(move |_| query.read().get("type").and_then(|code| DonationType::from_code(&code)));
    // Rendered on the server only; free places change as donors book, and the `LiveCells`
    // island brings the fresh list in.
    let cells = Resource::new(move || selected.get(), |kind| open_cells(kind.map(|k| k.code().to_owned())));

    let chip = move |kind: Option<DonationType>| {
        let href = kind.map_or_else(|| "/".to_owned(), |k| format!("/?type={}", k.code()));
        let label = kind.map_or(t.filter_all, |k| k.label(locale));
        view! {
            <li>
                <a
                    class="chip"
                    href=href
                    aria-current=move || (selected.get() == kind).then_some("page")
                >
                    {label}
                </a>
            </li>
        }
    };

    view! {
        <Title text=t.home_title />
        <section class="hero">
            <h1>{t.home_title}</h1>
            <p class="lead">{t.home_lead}</p>
            <p class="notice">{t.home_how_to_book}</p>
        </section>
        <nav class="filters" aria-label=t.filter_label>
            <ul class="chip-list" data-testid="type-filter">
                {chip(None)}
                {DonationType::ALL.iter().map(|k| chip(Some(*k))).collect_view()}
            </ul>
        </nav>
        <LiveCells>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>
                {move || Suspend::new(async move {
                    match cells.await {
                        Ok(view) if view.cells.is_empty() => view! {
                            <section class="empty-state" data-testid="empty-state">
                                <h2>{t.empty_title}</h2>
                                <p>{t.empty_text}</p>
                            </section>
                        }.into_any(),
                        Ok(view) => view! { <CellsByDay cells=view.cells locale /> }.into_any(),
                        Err(_) => view! { <p class="error-banner" role="alert">{t.load_failed}</p> }.into_any(),
                    }
                })}
            </Transition>
        </LiveCells>
    }
}
