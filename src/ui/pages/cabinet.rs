//! The donor's cabinet (seed step 5): their data and, until confirmed, why they cannot book.

use crate::api::profile::{my_profile, ChangeDonorCode, ChangePassword};
use crate::domain::Labelled;
use crate::i18n::texts;
use crate::ui::access::refused;
use crate::ui::forms::{ErrorSummary, FormError, TextField};
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CabinetPage() -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let code_action = ServerAction::<ChangeDonorCode>::new();
    let profile = Resource::new(move || code_action.version().get(), |_| my_profile());
    view! {
        <Title text=t.cabinet_title />
        <Suspense>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(p) => view! {
                        <section class="cabinet">
                            <h1>{t.cabinet_title}</h1>
                            <Show when=move || !p.email_confirmed>
                                <p class="notice notice--warning" role="status" data-testid="unconfirmed">{t.unconfirmed_notice}</p>
                            </Show>
                            <section class="panel" aria-labelledby="profile-title">
                                <h2 id="profile-title">{t.profile_title}</h2>
                                <dl class="facts" data-testid="profile">
                                    <div><dt>{t.label_email}</dt><dd>{p.email.clone()}</dd></div>
                                    <div><dt>{t.label_blood_group}</dt><dd>{p.blood.group.label(locale)}</dd></div>
                                    <div><dt>{t.label_rh}</dt><dd>{p.blood.rh.label(locale)}</dd></div>
                                    <div><dt>{t.label_kell}</dt><dd>{p.blood.kell.label(locale)}</dd></div>
                                    <div><dt>{t.label_donor_code}</dt><dd data-testid="donor-code">{p.donor_code.clone()}</dd></div>
                                </dl>
                                <p class="muted">{t.readonly_note}</p>
                            </section>
                            <div class="panel-grid">
                                <DonorCodeForm action=code_action current=p.donor_code.clone() />
                                <PasswordForm />
                            </div>
                        </section>
                    }.into_any(),
                    Err(error) => refused(error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DonorCodeForm(action: ServerAction<ChangeDonorCode>, current: String) -> impl IntoView {
    let t = texts(use_locale());
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <section class="panel" aria-labelledby="code-title">
            <h2 id="code-title">{t.change_code_title}</h2>
            <Show when=move || matches!(action.value().get(), Some(Ok(_)))>
                <p class="success-banner" role="status">{t.code_saved}</p>
            </Show>
            <ErrorSummary error />
            <ActionForm action attr:class="form form--plain" attr:novalidate=true>
                <TextField name="donor_code" label=t.label_donor_code value=current hint=t.donor_code_hint extra_class="field--code" error />
                <button type="submit" class="button button--secondary">{t.change_code_submit}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let t = texts(use_locale());
    let action = ServerAction::<ChangePassword>::new();
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <section class="panel" aria-labelledby="password-title">
            <h2 id="password-title">{t.change_password_title}</h2>
            <Show when=move || matches!(action.value().get(), Some(Ok(())))>
                <p class="success-banner" role="status" data-testid="password-changed">{t.password_changed}</p>
            </Show>
            <ErrorSummary error />
            <ActionForm action attr:class="form form--plain" attr:novalidate=true>
                <TextField name="current_password" label=t.label_current_password kind="password" autocomplete="current-password" error />
                <TextField name="new_password" label=t.label_new_password kind="password" hint=t.password_hint autocomplete="new-password" error />
                <TextField name="new_password_confirmation" label=t.label_password_confirmation kind="password" autocomplete="new-password" error />
                <button type="submit" class="button button--secondary">{t.change_password_submit}</button>
            </ActionForm>
        </section>
    }
}
