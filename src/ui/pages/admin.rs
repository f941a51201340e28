//! The admin's page: staff accounts listed, added and disabled.

use crate::api::staff::{list_staff, AddStaff, DisableStaff, ForcePasswordChange};
use crate::domain::account::StaffRole;
use crate::domain::{Coded, Labelled};
use crate::i18n::texts;
use crate::ui::access::refused;
use crate::ui::forms::{ErrorSummary, FormError, RadioGroup, TextField};
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminPage() -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let add = ServerAction::<AddStaff>::new();
    let disable = ServerAction::<DisableStaff>::new();
    let force = ServerAction::<ForcePasswordChange>::new();
    let staff =
        Resource::new(move || (add.version().get(), disable.version().get(), force.version().get()), |_| list_staff());
    let error: FormError = Signal::derive(move || add.value().get().and_then(Result::err));
    let roles: Vec<(String, String)> =
        StaffRole::ALL.iter().map(|r| (r.code().to_owned(), r.label(locale).to_owned())).collect();
    view! {
        <Title text=t.staff_list_title />
        <h1>{t.staff_list_title}</h1>
        <nav class="area-links" aria-label=t.nav_staff data-testid="admin-areas">
            <a href="/staff/places">{t.places_title}</a>
            <a href="/staff/planning">{t.planning_title_link}</a>
            <a href="/staff/needs">{crate::i18n::planning::planning_texts(use_locale()).needs_title}</a>
            <a href="/staff/moderation">{t.moderation_title}</a>
            <a href="/staff/reception">{t.reception_title}</a>
            <a href="/staff/donors">{crate::i18n::donors::donor_texts(use_locale()).title}</a>
            <a href="/staff/intervals">{t.intervals_title}</a>
            <a href="/staff/audit">{t.audit_title}</a>
            <a href="/staff/password">{t.staff_my_password}</a>
            <a href="/staff/sessions">{crate::i18n::rights::rights_texts(use_locale()).sessions_title}</a>
        </nav>
        <Transition>
            {move || Suspend::new(async move {
                match staff.await {
                    Ok(list) => view! {
                        <div class="table-wrap" tabindex="0" role="region" aria-label=t.staff_list_title>
                            <table class="table" data-testid="staff-list">
                                <thead>
                                    <tr>
                                        <th scope="col">{t.label_email}</th>
                                        <th scope="col">{t.label_role}</th>
                                        <th scope="col">{t.label_status}</th>
                                        <th scope="col"><span class="visually-hidden">{t.staff_disable}</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|m| view! {
                                        <tr>
                                            <td>{m.email.clone()}{m.is_me.then(|| format!(" ({})", t.staff_self))}</td>
                                            <td>{m.role.label(locale)}</td>
                                            <td>
                                                {if m.disabled { t.staff_disabled } else { t.staff_active }}
                                                {(m.must_change_password && !m.disabled).then(|| format!(", {}", t.staff_must_change))}
                                            </td>
                                            <td>
                                                {(!m.disabled && !m.is_me && !m.must_change_password).then({
                                                    let email = m.email.clone();
                                                    move || view! {
                                                    <ActionForm action=force attr:class="inline-form">
                                                        <input type="hidden" name="id" value=m.id />
                                                        <button type="submit" class="button button--small button--secondary" aria-label=format!("{} {}", t.staff_force_reset, email)>
                                                            {t.staff_force_reset}
                                                        </button>
                                                    </ActionForm>
                                                }})}
                                                {(!m.disabled && !m.is_me).then(|| view! {
                                                    <ActionForm action=disable attr:class="inline-form">
                                                        <input type="hidden" name="id" value=m.id />
                                                        <button type="submit" class="button button--small button--secondary" aria-label=format!("{} {}", t.staff_disable, m.email)>
                                                            {t.staff_disable}
                                                        </button>
                                                    </ActionForm>
                                                })}
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(error) => refused(error),
                }
            })}
        </Transition>
        <section class="form-page">
            <h2>{t.staff_add_title}</h2>
            <Show when=move || matches!(add.value().get(), Some(Ok(())))>
                <p class="success-banner" role="status">{t.staff_added}</p>
            </Show>
            <ErrorSummary error />
            <ActionForm action=add attr:class="form" attr:novalidate=true>
                <TextField name="email" label=t.label_email kind="email" error />
                <RadioGroup name="role" legend=t.label_role options=roles.clone() error />
                <TextField name="password" label=t.label_password kind="password" hint=t.password_hint autocomplete="new-password" error />
                <TextField name="password_confirmation" label=t.label_password_confirmation kind="password" autocomplete="new-password" error />
                <button type="submit" class="button">{t.staff_add_submit}</button>
            </ActionForm>
        </section>
    }
}
