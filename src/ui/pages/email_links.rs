//! Pages that links in e-mails open without a login: turning "your group is needed" alerts off
//! (`/alerts/off`), and cancelling the booking a reminder is about (`/booking/cancel`). Each
//! link carries `id` and its signature `sig`; the page shows what will happen and its button
//! does it (a GET never changes anything: mail scanners open links).

use crate::api::privacy::{linked_booking, AlertsOff, CancelByLink};
use crate::domain::{BookingStatus, Labelled};
use crate::error::AppError;
use crate::i18n::rights::rights_texts;
use crate::i18n::texts;
use crate::ui::forms::{ErrorSummary, FormError};
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `id`, `sig` and whether the action was done (`done=1`), from the link.
fn link_query() -> (String, String, bool) {
    let query = use_query_map();
    let q = query.read_untracked();
    (q.get("id").unwrap_or_default(), q.get("sig").unwrap_or_default(), q.get("done").is_some())
}

/// The error of a link action: a link that does not verify is "not valid", anything else as usual.
fn link_error(error: FormError) -> Signal<Option<AppError>> {
    Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::NotFound)))
}

#[component]
pub fn AlertsOffPage() -> impl IntoView {
    let r = rights_texts(use_locale());
    let (id, sig, done) = link_query();
    let action = ServerAction::<AlertsOff>::new();
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    let invalid = move || matches!(error.get(), Some(AppError::NotFound));
    let done = move || done || matches!(action.value().get(), Some(Ok(())));
    view! {
        <Title text=r.alerts_off_title />
        <section class="form-page form-page--narrow">
            <h1>{r.alerts_off_title}</h1>
            <Show when=done fallback=move || {
                let (id, sig) = (id.clone(), sig.clone());
                view! {
                    <Show when=invalid>
                        <p class="error-banner" role="alert" data-testid="link-invalid">{r.link_invalid}</p>
                    </Show>
                    <ErrorSummary error=link_error(error) />
                    <p class="lead">{r.alerts_off_lead}</p>
                    <ActionForm action attr:class="form form--plain">
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="sig" value=sig />
                        <button type="submit" class="button" data-testid="alerts-off">{r.alerts_off_submit}</button>
                    </ActionForm>
                }
            }>
                <p class="success-banner" role="status" data-testid="alerts-off-done">{r.alerts_off_done}</p>
            </Show>
        </section>
    }
}

#[component]
pub fn CancelByLinkPage() -> impl IntoView {
    let locale = use_locale();
    let (t, r) = (texts(locale), rights_texts(locale));
    let (id, sig, done) = link_query();
    let action = ServerAction::<CancelByLink>::new();
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    let booking = {
        let (id, sig) = (id.clone(), sig.clone());
        Resource::new(|| (), move |_| linked_booking(id.parse().unwrap_or(0), sig.clone()))
    };
    let done = move || done || matches!(action.value().get(), Some(Ok(())));
    view! {
        <Title text=r.cancel_link_title />
        <section class="form-page form-page--narrow">
            <h1>{r.cancel_link_title}</h1>
            <Show when=done fallback=move || {
                let (id, sig) = (id.clone(), sig.clone());
                view! {
                    <ErrorSummary error />
                    <Suspense>
                        {move || {
                            let (id, sig) = (id.clone(), sig.clone());
                            Suspend::new(async move {
                                let Ok(b) = booking.await else {
                                    return view! { <p class="error-banner" role="alert" data-testid="link-invalid">{r.link_invalid}</p> }.into_any();
                                };
                                let active = matches!(b.status, BookingStatus::Pending | BookingStatus::Approved);
                                view! {
                                    <p class="lead">{r.cancel_link_lead}</p>
                                    <dl class="facts" data-testid="linked-booking">
                                        <div><dt>{t.label_date}</dt><dd>{format!("{}, {}", locale.format_date(b.date), locale.weekday(b.date))}</dd></div>
                                        <div><dt>{t.label_time}</dt><dd>{crate::domain::calendar::hh_mm(b.time)}</dd></div>
                                        <div><dt>{t.label_donation_type}</dt><dd>{b.donation_type.label(locale)}</dd></div>
                                        <div><dt>{t.label_place}</dt><dd>{format!("{}, {}", b.place_name, b.place_address)}</dd></div>
                                        <div><dt>{t.label_status}</dt><dd>{b.status.label(locale)}</dd></div>
                                    </dl>
                                    {if active {
                                        view! {
                                            <p class="muted">{r.cancel_link_note}</p>
                                            <ActionForm action attr:class="form form--plain">
                                                <input type="hidden" name="id" value=id />
                                                <input type="hidden" name="sig" value=sig />
                                                <button type="submit" class="button button--danger" data-testid="cancel-by-link">{r.cancel_link_submit}</button>
                                            </ActionForm>
                                        }.into_any()
                                    } else {
                                        view! { <p class="notice notice--warning" role="status">{r.cancel_link_inactive}</p> }.into_any()
                                    }}
                                }.into_any()
                            })
                        }}
                    </Suspense>
                }
            }>
                <p class="success-banner" role="status" data-testid="cancelled-by-link">{r.cancel_link_done}</p>
            </Show>
        </section>
    }
}
