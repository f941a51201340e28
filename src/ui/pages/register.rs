//! Registration (seed steps 2–3) and its "check your e-mail" page.

use crate::api::auth::{registration_echo, Register};
use crate::domain::{BloodGroup, Coded, Kell, Labelled, Rh};
use crate::i18n::texts;
use crate::ui::forms::{ErrorSummary, FormError, RadioGroup, TextField};
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;

pub(crate) fn choices<T: Coded + Labelled>(locale: crate::domain::Locale) -> Vec<(String, String)> {
    T::ALL.iter().map(|v| (v.code().to_owned(), v.label(locale).to_owned())).collect()
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let action = ServerAction::<Register>::new();
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    // Without JavaScript a refused form comes back through a redirect; the server kept what
    // was typed (not the passwords) for this one page load.
    let echo = Resource::new(|| (), |_| registration_echo());
    view! {
        <Title text=t.register_title />
        <section class="form-page">
            <h1>{t.register_title}</h1>
            <p class="lead">{t.register_lead}</p>
            <p class="notice">{t.note_changeable}</p>
            <ErrorSummary error />
            <Suspense>
                {move || Suspend::new(async move {
                    let echo = echo.await.ok().flatten().unwrap_or_default();
                    view! {
                        <ActionForm action attr:class="form" attr:novalidate=true>
                            <TextField name="email" label=t.label_email kind="email" value=echo.email autocomplete="email" error />
                            <TextField name="password" label=t.label_password kind="password" hint=t.password_hint autocomplete="new-password" error />
                            <TextField name="password_confirmation" label=t.label_password_confirmation kind="password" autocomplete="new-password" error />
                            <RadioGroup name="blood_group" legend=t.label_blood_group options={choices::<BloodGroup>(locale)} selected=echo.blood_group error />
                            <RadioGroup name="rh" legend=t.label_rh options={choices::<Rh>(locale)} selected=echo.rh error />
                            <TextField name="donor_code" label=t.label_donor_code value=echo.donor_code hint=t.donor_code_hint extra_class="field--code" error />
                            <RadioGroup name="kell" legend=t.label_kell options={choices::<Kell>(locale)} selected=echo.kell hint=t.kell_hint error />
                            <ConsentField checked=echo.consent error />
                            <button type="submit" class="button button--wide" disabled=move || action.pending().get()>
                                {t.submit_register}
                            </button>
                        </ActionForm>
                    }
                })}
            </Suspense>
            <p class="form-page__alt">{t.have_account}" "<a href="/login">{t.nav_login}</a></p>
        </section>
    }
}

/// The consent checkbox (`consent`): the donor's own, or `label` (a registrar's on the phone).
#[component]
pub(crate) fn ConsentField(
    checked: bool,
    error: FormError,
    #[prop(optional)] label: Option<&'static str>,
) -> impl IntoView {
    let t = texts(use_locale());
    let msg = move || error.get().and_then(|e| e.field_message("consent").map(str::to_owned));
    view! {
        <div class="field consent" class:field--invalid=move || msg().is_some()>
            <label class="consent__label" for="field-consent">
                <input
                    type="checkbox"
                    id="field-consent"
                    name="consent"
                    value="yes"
                    checked=checked
                    aria-invalid=move || msg().is_some().then_some("true")
                    aria-describedby=move || msg().is_some().then_some("field-consent-error")
                />
                <span>{label.unwrap_or(t.consent_label)}</span>
            </label>
            <p class="field__error" id="field-consent-error" role="alert">{msg}</p>
        </div>
    }
}

#[component]
pub fn RegisteredPage() -> impl IntoView {
    let t = texts(use_locale());
    view! {
        <Title text=t.registered_title />
        <section class="form-page">
            <h1>{t.registered_title}</h1>
            <p class="lead" data-testid="registered">{t.registered_text}</p>
            <p><a href="/confirm-email/resend">{t.resend_title}</a></p>
        </section>
    }
}
