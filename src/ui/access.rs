//! What a protected page shows when its data is refused: the login page for strangers, the
//! home page for the wrong role, a notice for anything else — and, on a live page whose
//! session has ended, «Сеанс завершён — войдите снова» in place of its content.

use crate::error::AppError;
use crate::i18n::texts;
use crate::ui::links::{encode_query_value, path_and_query};
use crate::ui::locale::use_locale;
use leptos::prelude::*;
#[cfg(not(feature = "hydrate"))]
use leptos_router::{components::Redirect, hooks::use_location};

/// Whether this page follows a session over its event stream, and whether that session ended.
/// Provided once by the app; the layout hides the page's content once `ended` is set.
#[derive(Clone, Copy)]
pub struct SessionWatch {
    /// A page with a private event stream is open (set by `use_private_live_events`).
    pub watching: RwSignal<bool>,
    pub ended: RwSignal<bool>,
}

pub fn provide_session_watch() {
    provide_context(SessionWatch { watching: RwSignal::new(false), ended: RwSignal::new(false) });
}

pub fn session_watch() -> SessionWatch {
    use_context::<SessionWatch>().expect("provide_session_watch() runs in App")
}

pub fn refused(error: AppError) -> AnyView {
    match error {
        AppError::Unauthorized => unauthorized(),
        AppError::Forbidden => go_to("/".to_owned()),
        AppError::PasswordChangeRequired => go_to("/staff/password?required=1".to_owned()),
        _ => {
            let t = texts(use_locale());
            view! { <p class="error-banner" role="alert">{t.error_generic}</p> }.into_any()
        }
    }
}

/// Opening a protected page without a session leads to the login, which then returns here.
/// A live page already open in the browser does not jump away: it says the session ended.
fn unauthorized() -> AnyView {
    let watch = session_watch();
    if cfg!(feature = "hydrate") && watch.watching.get_untracked() {
        // Set after this render, not during it.
        Effect::new(move |_| watch.ended.set(true));
        return ().into_any();
    }
    go_to(login_returning_here())
}

/// Leaves a page whose data was refused: a redirect response on the server; in the browser a
/// full page load, since an island has no router to navigate with.
fn go_to(path: String) -> AnyView {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().set_href(&path);
        ().into_any()
    }
    #[cfg(not(feature = "hydrate"))]
    view! { <Redirect path /> }.into_any()
}

/// `/login?next=<this page>`.
pub fn login_returning_here() -> String {
    format!("/login?next={}", encode_query_value(&here()))
}

/// This page's path and query: from the request on the server, from the address bar in the
/// browser (islands have no router).
fn here() -> String {
    #[cfg(feature = "hydrate")]
    {
        let location = window().location();
        let search = location.search().unwrap_or_default();
        path_and_query(location.pathname().unwrap_or_default(), search.trim_start_matches('?'))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let location = use_location();
        path_and_query(location.pathname.get_untracked(), &location.search.get_untracked())
    }
}

/// In place of a live page whose session ended. A full page load to the login on purpose:
/// nothing of the old page's state survives it.
#[component]
pub fn SessionEndedNotice() -> impl IntoView {
    let t = texts(use_locale());
    view! {
        <leptos_meta::Title text=t.session_ended />
        <SessionEndedMessage />
    }
}

/// The notice without the page title: the cabinet renders it hidden, for its island to show.
#[component]
pub fn SessionEndedMessage() -> impl IntoView {
    let t = texts(use_locale());
    view! {
        <section class="form-page form-page--narrow session-ended" data-testid="session-ended">
            <div class="notice notice--warning" role="alert">
                <h1 class="notice__title">{t.session_ended}</h1>
                <p>{t.session_ended_why}</p>
            </div>
            <a class="button" href=login_returning_here() rel="external">{t.submit_login}</a>
        </section>
    }
}
