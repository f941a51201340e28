//! The booking steps as pages, for browsers without JavaScript (and for links opened in a new
//! tab): `/cabinet/book/:cell` shows the times, `?time=09:30` the summary to confirm.

use crate::api::booking::Book;
use crate::api::cells::open_cells;
use crate::i18n::texts;
use crate::ui::access::refused;
use crate::ui::booking::{SummaryStep, TimeStep};
use crate::ui::locale::use_locale;
use chrono::NaiveTime;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn BookPage() -> impl IntoView {
    let t = texts(use_locale());
    let params = use_params_map();
    let query = use_query_map();
    let cell_id = move || params.read().get("cell").and_then(|id| id.parse::<i64>().ok());
    let time = move || query.read().get("time").and_then(|t| NaiveTime::parse_from_str(&t, "%H:%M").ok());
    // «Подтвердить выбор записи» without a time chosen.
    let no_time_chosen = move || query.read().get("step").is_some() && time().is_none();
    let action = ServerAction::<Book>::new();
    let cells = Resource::new(|| (), |_| open_cells(None));
    view! {
        <Title text=t.book_dialog_title />
        <section class="form-page booking-page">
            <h1>{t.book_dialog_title}</h1>
            // The cabinet's booking dialog shows what is inside this (`ui::live_cabinet`).
            <div data-booking-step>
            <Suspense>
                {move || Suspend::new(async move {
                    let view = match cells.await {
                        Ok(view) => view,
                        Err(error) => return refused(error),
                    };
                    let Some(donor) = view.donor else {
                        return refused(crate::error::AppError::Unauthorized);
                    };
                    if let Some(blocked) = donor.blocked {
                        return view! { <p class="notice notice--warning" role="status">{blocked.message(use_locale())}</p> }.into_any();
                    }
                    let cell = cell_id().and_then(|id| view.cells.into_iter().find(|c| c.id == id));
                    match (cell, time()) {
                        (None, _) => view! {
                            <p class="error-banner" role="alert">{t.book_page_missing}</p>
                            <p><a href="/cabinet">{t.nav_cabinet}</a></p>
                        }.into_any(),
                        (Some(cell), Some(time)) => view! { <SummaryStep cell time action /> }.into_any(),
                        (Some(cell), None) => {
                            let error = no_time_chosen()
                                .then(|| crate::error::AppError::validation("time", t.book_pick_time));
                            view! { <TimeStep cell error=Signal::derive(move || error.clone()) /> }.into_any()
                        }
                    }
                })}
            </Suspense>
            </div>
        </section>
    }
}
