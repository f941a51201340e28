//! «Мои сеансы»: where the donor (`/cabinet/sessions`) or staff member (`/staff/sessions`) is
//! signed in; end any one session, or all others. Plain forms: the server answers with the
//! page again (`?ended=1`); in the staff client the list is re-read after each action.

use crate::api::privacy::{my_sessions, EndOtherSessions, EndSession};
use crate::domain::Locale;
use crate::i18n::rights::rights_texts;
use crate::model::privacy::SessionView;
use crate::ui::access::refused;
use crate::ui::forms::{ErrorSummary, FormError};
use crate::ui::locale::use_locale;
use chrono::{DateTime, NaiveDateTime, Timelike, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

/// A local date and time as a person reads it («04.12.2026 09:30»).
pub fn format_local(local: NaiveDateTime, locale: Locale) -> String {
    format!("{} {:02}:{:02}", locale.format_date(local.date()), local.hour(), local.minute())
}

/// An instant on the centre's clock. Only the server knows time zones (the tz database would
/// double the staff client): a page rendered in the browser shows UTC, saying so.
pub fn local_stamp(at: DateTime<Utc>, time_zone: &str, locale: Locale) -> String {
    #[cfg(feature = "ssr")]
    {
        let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::UTC);
        format_local(at.with_timezone(&tz).naive_local(), locale)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = time_zone;
        format!("{} UTC", format_local(at.naive_utc(), locale))
    }
}

#[component]
pub fn SessionsPage() -> impl IntoView {
    let locale = use_locale();
    let r = rights_texts(locale);
    let staff = use_location().pathname.get_untracked().starts_with("/staff");
    let back = if staff { "/staff" } else { "/cabinet" };
    let ended = use_query_map().read_untracked().get("ended").is_some();
    let end_one = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let error: FormError = Signal::derive(move || {
        end_one.value().get().and_then(Result::err).or_else(|| end_others.value().get().and_then(Result::err))
    });
    let list = Resource::new(move || (end_one.version().get(), end_others.version().get()), |_| my_sessions());
    view! {
        <Title text=r.sessions_title />
        <section class="form-page">
            <p><a href=back rel="external">{if staff { "←" } else { r.back_to_cabinet }}</a></p>
            <h1>{r.sessions_title}</h1>
            <p class="lead">{r.sessions_lead}</p>
            {ended.then(|| view! { <p class="success-banner" role="status" data-testid="session-ended">{r.sessions_ended}</p> })}
            <ErrorSummary error />
            <Suspense>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) => {
                            let others = list.sessions.iter().filter(|s| !s.current).count();
                            view! {
                                <ul class="session-list" data-testid="sessions">
                                    {list.sessions.into_iter().map(|s| view! { <SessionItem session=s action=end_one /> }).collect_view()}
                                </ul>
                                {if others > 0 {
                                    view! {
                                        <ActionForm action=end_others attr:class="form form--plain">
                                            <button type="submit" class="button button--secondary" data-testid="end-others">{r.sessions_end_others}</button>
                                        </ActionForm>
                                    }.into_any()
                                } else {
                                    view! { <p class="muted">{r.sessions_only_this}</p> }.into_any()
                                }}
                            }.into_any()
                        }
                        Err(error) => refused(error),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SessionItem(session: SessionView, action: ServerAction<EndSession>) -> impl IntoView {
    let locale = use_locale();
    let r = rights_texts(locale);
    let label = if session.current { r.sessions_end_current } else { r.sessions_end };
    view! {
        <li class="session" class:session--current=session.current data-current=session.current.to_string()>
            <div class="session__device">
                <strong>{session.device.clone()}</strong>
                {session.current.then(|| view! { <span class="status-badge status-badge--approved">{r.sessions_current}</span> })}
            </div>
            <dl class="facts facts--compact">
                <div><dt>{r.sessions_started}</dt><dd>{format_local(session.started_local, locale)}</dd></div>
                <div><dt>{r.sessions_last_seen}</dt><dd>{format_local(session.last_seen_local, locale)}</dd></div>
            </dl>
            <ActionForm action attr:class="inline-form">
                <input type="hidden" name="handle" value=session.handle.clone() />
                <button type="submit" class="button button--small button--secondary">{label}</button>
            </ActionForm>
        </li>
    }
}
