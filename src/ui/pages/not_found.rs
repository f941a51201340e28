use crate::i18n::texts;
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let t = texts(use_locale());
    view! {
        <Title text=t.not_found_title />
        <section class="empty-state empty-state--page">
            <p class="empty-state__code" aria-hidden="true">"404"</p>
            <h1>{t.not_found_title}</h1>
            <p>{t.not_found_text}</p>
            <a class="button" href="/">{t.back_home}</a>
        </section>
    }
}
