//! «Мои данные» (`/cabinet/data`): everything the system holds about the donor, readable, with
//! a JSON download (`/cabinet/data.json`), and the deletion of the account (152-ФЗ). The page
//! after a deletion (`/account/deleted`).

use crate::api::privacy::{my_data, DeleteAccount};
use crate::domain::Labelled;
use crate::i18n::rights::rights_texts;
use crate::i18n::texts;
use crate::model::privacy::DonorData;
use crate::ui::access::refused;
use crate::ui::forms::{ErrorSummary, FormError, RadioGroup, TextField};
use crate::ui::locale::use_locale;
use crate::ui::pages::sessions::local_stamp;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MyDataPage() -> impl IntoView {
    let r = rights_texts(use_locale());
    let data = Resource::new(|| (), |_| my_data());
    view! {
        <Title text=r.data_title />
        <section class="form-page my-data">
            <p><a href="/cabinet" rel="external">{r.back_to_cabinet}</a></p>
            <h1>{r.data_title}</h1>
            <p class="lead">{r.data_lead}</p>
            <p><a class="button button--secondary" href="/cabinet/data.json" download="my-donor-data.json" rel="external" data-testid="download-data">{r.data_download}</a></p>
            <Suspense>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(data) => view! { <Records data /> <DeleteAccountForm /> }.into_any(),
                        Err(error) => refused(error),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A list, or «Нет.» when it is empty.
fn list_or_none<T>(items: Vec<T>, none: &'static str, item: impl Fn(T) -> AnyView) -> AnyView {
    if items.is_empty() {
        view! { <p class="muted">{none}</p> }.into_any()
    } else {
        view! { <ul class="record-list">{items.into_iter().map(item).collect_view()}</ul> }.into_any()
    }
}

#[component]
fn Records(data: DonorData) -> impl IntoView {
    let locale = use_locale();
    let (t, r) = (texts(locale), rights_texts(locale));
    let tz = data.time_zone.clone();
    let stamp = |at| local_stamp(at, &tz, locale);
    let or_no = |v: Option<String>| v.unwrap_or_else(|| r.no.to_owned());
    let p = &data.profile;
    let alerts = if data.alerts.enabled {
        let kinds: Vec<&str> = data.alerts.donation_types.iter().map(|k| k.label(locale)).collect();
        if kinds.is_empty() {
            r.alerts_state_on.to_owned()
        } else {
            format!("{} {}", r.alerts_state_on, kinds.join(", "))
        }
    } else {
        r.alerts_state_off.to_owned()
    };
    let consent_text = data
        .consent
        .texts
        .iter()
        .find(|(l, _)| l == locale.code())
        .or(data.consent.texts.first())
        .map(|(_, text)| text.clone())
        .unwrap_or_default();
    view! {
        <section class="panel" aria-labelledby="data-profile" data-testid="data-profile">
            <h2 id="data-profile">{r.data_profile}</h2>
            <dl class="facts">
                <div><dt>{t.label_email}</dt><dd>{p.email.clone()}</dd></div>
                <div><dt>{t.label_blood_group}</dt><dd>{p.blood.group.label(locale)}</dd></div>
                <div><dt>{t.label_rh}</dt><dd>{p.blood.rh.label(locale)}</dd></div>
                <div><dt>{t.label_kell}</dt><dd>{p.blood.kell.label(locale)}</dd></div>
                <div><dt>{t.label_donor_code}</dt><dd>{p.donor_code.clone()}</dd></div>
                <div><dt>{r.data_language}</dt><dd>{if p.language == "en" { "English" } else { "Русский" }}</dd></div>
                <div><dt>{r.data_registered}</dt><dd>{stamp(p.registered_at)}</dd></div>
                <div><dt>{r.data_confirmed}</dt><dd>{or_no(p.email_confirmed_at.map(stamp))}</dd></div>
                <div><dt>{r.data_last_self_cancel}</dt><dd>{or_no(p.last_self_cancel_at.map(stamp))}</dd></div>
                <div><dt>{r.data_alerts}</dt><dd>{alerts}</dd></div>
            </dl>
        </section>
        <section class="panel" aria-labelledby="data-consent" data-testid="data-consent">
            <h2 id="data-consent">{r.data_consent}</h2>
            <dl class="facts">
                <div><dt>{r.data_consent_version}</dt><dd>{data.consent.version.clone()}</dd></div>
                <div><dt>{r.data_consent_at}</dt><dd>{stamp(data.consent.given_at)}</dd></div>
                <div><dt>{r.data_client_addr}</dt><dd>{or_no(data.consent.client_addr.clone())}</dd></div>
            </dl>
            <blockquote class="consent-text">{consent_text}</blockquote>
        </section>
        <section class="panel" aria-labelledby="data-bookings" data-testid="data-bookings">
            <h2 id="data-bookings">{r.data_bookings}</h2>
            {list_or_none(data.bookings, r.data_none, |b| view! {
                <li>
                    <strong>{format!("{} {}", locale.format_date(b.date), crate::domain::calendar::hh_mm(b.time))}</strong>
                    {format!(" · {} · {} · {}", b.donation_type.label(locale), b.place, b.status.label(locale))}
                    <br /><span class="muted">{format!("{}: {}", r.data_booked_at, stamp(b.created_at))}
                    {b.decided_at.map(|d| format!("; {}: {}", r.data_decided_at, stamp(d)))}</span>
                </li>
            }.into_any())}
        </section>
        <section class="panel" aria-labelledby="data-donations">
            <h2 id="data-donations">{r.data_donations}</h2>
            {list_or_none(data.donations, r.data_none, |d| view! {
                <li>{format!("{} · {}", locale.format_date(d.date), d.donation_type.label(locale))}</li>
            }.into_any())}
        </section>
        <section class="panel" aria-labelledby="data-mail" data-testid="data-mail">
            <h2 id="data-mail">{r.data_mail}</h2>
            {list_or_none(data.mail, r.data_none, |m| {
                let state = match m.sent_at { Some(at) => format!("{} {}", r.data_mail_sent, stamp(at)), None => r.data_mail_waiting.to_owned() };
                view! { <li><strong>{m.subject}</strong>{format!(" · {state}")}</li> }.into_any()
            })}
        </section>
        <section class="panel" aria-labelledby="data-sessions">
            <h2 id="data-sessions">{r.data_sessions}</h2>
            {list_or_none(data.sessions, r.data_none, |s| view! {
                <li>{format!("{} · {}", s.device, crate::ui::pages::sessions::format_local(s.last_seen_local, locale))}</li>
            }.into_any())}
        </section>
        <section class="panel" aria-labelledby="data-events">
            <h2 id="data-events">{r.data_events}</h2>
            {list_or_none(data.account_events, r.data_none, |e| view! {
                <li>{format!("{} · {}{}", stamp(e.at), (t.audit_action_label)(&e.action).unwrap_or(&e.action), e.client_addr.map(|a| format!(" · {a}")).unwrap_or_default())}</li>
            }.into_any())}
        </section>
        <p class="muted my-data__retention">{r.data_retention}</p>
    }
}

/// Password, the typed word and the grounds; a plain form (the server answers with
/// `/account/deleted`, or the page again with the error).
#[component]
fn DeleteAccountForm() -> impl IntoView {
    let locale = use_locale();
    let r = rights_texts(locale);
    let action = ServerAction::<DeleteAccount>::new();
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    let reasons = vec![
        ("donor_request".to_owned(), r.delete_reason_request.to_owned()),
        ("consent_withdrawn".to_owned(), r.delete_reason_withdraw.to_owned()),
    ];
    view! {
        <section class="panel panel--danger" id="delete-account" aria-labelledby="delete-title">
            <h2 id="delete-title">{r.delete_title}</h2>
            <p>{r.delete_lead}</p>
            <ErrorSummary error />
            <ActionForm action attr:class="form form--plain" attr:novalidate=true>
                <RadioGroup name="reason" legend=r.delete_reason_legend options=reasons error />
                <TextField name="confirmation" label=r.delete_word_label error />
                <TextField name="password" label=r.delete_password_label kind="password" autocomplete="current-password" error />
                <button type="submit" class="button button--danger" data-testid="delete-account">{r.delete_submit}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn AccountDeletedPage() -> impl IntoView {
    let r = rights_texts(use_locale());
    view! {
        <Title text=r.deleted_title />
        <section class="form-page form-page--narrow">
            <h1>{r.deleted_title}</h1>
            <p class="success-banner" role="status" data-testid="account-deleted">{r.deleted_text}</p>
            <p><a href="/" rel="external">{texts(use_locale()).back_home}</a></p>
        </section>
    }
}
