//! Header, footer and the hydration marker shared by every page.

use crate::api::auth::{current_session, Logout};
use crate::domain::Locale;
use crate::i18n::texts;
use crate::model::accounts::SessionInfo;
use crate::ui::access::session_watch;
use crate::ui::centre::with_centre;
use crate::ui::links::{encode_query_value, path_and_query};
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Header() -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let logout = ServerAction::<Logout>::new();
    let location = use_location();
    // Re-read on every navigation (login and logout redirect), after logging out and when a
    // live page learns that its session ended.
    let ended = session_watch().ended;
    // Leaving the page (to the login, or logging out) leaves its ended session behind.
    Effect::watch(move || location.pathname.get(), move |_, _, _| ended.set(false), false);
    let session =
        Resource::new(move || (location.pathname.get(), logout.version().get(), ended.get()), |_| current_session());
    let account_links = move || {
        Suspend::new(async move {
            match session.await.ok().flatten() {
                Some(info) => {
                    let (href, label) = match info {
                        SessionInfo::Donor { .. } => ("/cabinet", t.nav_cabinet),
                        SessionInfo::Staff { role } => (role.home_path(), t.nav_staff),
                    };
                    // Staff have no cabinet: their sessions are one header link away.
                    let sessions = matches!(info, SessionInfo::Staff { .. }).then(|| {
                        let r = crate::i18n::rights::rights_texts(locale);
                        view! { <a class="site-nav__link" href="/staff/sessions">{r.sessions_title}</a> }
                    });
                    view! {
                        <a class="site-nav__link" href=href>{label}</a>
                        {sessions}
                        <ActionForm action=logout attr:class="inline-form">
                            <button type="submit" class="button button--small button--secondary">{t.nav_logout}</button>
                        </ActionForm>
                    }
                    .into_any()
                }
                None => view! {
                    <a class="site-nav__link" href="/login">{t.nav_login}</a>
                    <a class="button button--small" href="/register">{t.nav_register}</a>
                }
                .into_any(),
            }
        })
    };
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                // A full page load: donor pages are islands, not routes of the staff client.
                <a class="brand" href="/" rel="external">
                    <span class="brand__mark" aria-hidden="true"></span>
                    <span class="brand__name">{with_centre(move |c| c.header_name(locale).to_owned())}</span>
                    <span class="brand__tagline">{t.centre_tagline}</span>
                </a>
                <nav class="site-nav" aria-label=t.nav_label>
                    // The cabinet's island swaps these for a stranger's when the session ends.
                    <span class="site-nav__account" data-account-links>
                        <Transition>{account_links}</Transition>
                    </span>
                    <LanguageSwitch current=locale />
                </nav>
            </div>
        </header>
    }
}

/// Links to `/lang/{code}`, which stores the choice in a cookie and returns to this page.
/// A full page load on purpose: every text, date and `<html lang>` changes at once.
#[component]
fn LanguageSwitch(current: Locale) -> impl IntoView {
    let location = use_location();
    let back = move || encode_query_value(&path_and_query(location.pathname.get(), &location.search.get()));
    view! {
        <ul class="lang-switch" aria-label=texts(current).lang_switch_label>
            {Locale::ALL
                .into_iter()
                .map(|l| {
                    let is_current = l == current;
                    view! {
                        <li>
                            <a
                                href=move || format!("/lang/{}?next={}", l.code(), back())
                                rel="external"
                                hreflang=l.code()
                                lang=l.code()
                                class="lang-switch__link"
                                aria-current=is_current.then_some("true")
                            >
                                {l.code().to_uppercase()}
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                {with_centre(move |c| view! {
                    <p class="site-footer__centre" data-testid="footer-centre">
                        <strong>{c.full_display_name(locale).to_owned()}</strong>
                        {c.contact_line(locale).map(|line| view! { <br />{line} })}
                    </p>
                })}
                <p>{t.footer_note}</p>
                <p>{t.footer_rules}</p>
            </div>
        </footer>
    }
}

/// Marks `<body data-hydrated>` once the WASM client has taken over; effects run only in
/// the browser, so end-to-end tests can tell a hydrated page from a server-rendered one.
/// Island pages are marked by `hydrate()` once their islands are live.
#[component]
pub fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| mark_hydrated());
}

pub fn mark_hydrated() {
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
