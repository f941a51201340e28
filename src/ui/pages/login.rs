//! One login page for donors and staff; logging out; e-mail confirmation and its resend.

use crate::api::auth::{confirm_email, Login, ResendConfirmation};
use crate::i18n::texts;
use crate::model::accounts::ConfirmOutcome;
use crate::ui::forms::{ErrorSummary, FormError, TextField};
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let t = texts(use_locale());
    let action = ServerAction::<Login>::new();
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    let query = use_query_map();
    view! {
        <Title text=t.login_title />
        <section class="form-page form-page--narrow">
            <h1>{t.login_title}</h1>
            <Show when=move || query.read().get("reset").is_some()>
                <p class="success-banner" role="status">{t.reset_done}</p>
            </Show>
            <ErrorSummary error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <TextField name="email" label=t.label_email kind="email" autocomplete="username" error />
                <TextField name="password" label=t.label_password kind="password" autocomplete="current-password" error />
                <input type="hidden" name="next" value=move || query.read().get("next").unwrap_or_default() />
                <button type="submit" class="button button--wide" disabled=move || action.pending().get()>
                    {t.submit_login}
                </button>
            </ActionForm>
            <p class="form-page__alt">{t.no_account}" "<a href="/register">{t.nav_register}</a></p>
            <p class="form-page__alt"><a href="/password/forgot">{t.forgot_link}</a></p>
            <p class="form-page__alt"><a href="/confirm-email/resend">{t.resend_title}</a></p>
        </section>
    }
}

#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let t = texts(use_locale());
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let outcome = Resource::new(token, confirm_email);
    view! {
        <Title text=t.confirm_title />
        <section class="form-page form-page--narrow">
            <h1>{t.confirm_title}</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    match outcome.await {
                        Ok(ConfirmOutcome::Confirmed) => view! {
                            <p class="success-banner" role="status" data-testid="confirmed">{t.confirmed_text}</p>
                            <a class="button" href="/login">{t.submit_login}</a>
                        }.into_any(),
                        Ok(ConfirmOutcome::AlreadyUsed) => view! {
                            <p class="notice" data-testid="link-used">{t.link_used}</p>
                            <a class="button" href="/login">{t.submit_login}</a>
                        }.into_any(),
                        Ok(ConfirmOutcome::Expired) => view! {
                            <p class="error-banner" data-testid="link-expired">{t.link_expired}</p>
                            <ResendForm />
                        }.into_any(),
                        Ok(ConfirmOutcome::Invalid) | Err(_) => view! {
                            <p class="error-banner" data-testid="link-invalid">{t.link_invalid}</p>
                            <ResendForm />
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn ResendPage() -> impl IntoView {
    let t = texts(use_locale());
    view! {
        <Title text=t.resend_title />
        <section class="form-page form-page--narrow">
            <h1>{t.resend_title}</h1>
            <ResendForm />
        </section>
    }
}

#[component]
fn ResendForm() -> impl IntoView {
    let t = texts(use_locale());
    let action = ServerAction::<ResendConfirmation>::new();
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    let query = use_query_map();
    let done = move || matches!(action.value().get(), Some(Ok(()))) || query.read().get("sent").is_some();
    view! {
        <Show
            when=done
            fallback=move || view! {
                <ErrorSummary error />
                <ActionForm action attr:class="form" attr:novalidate=true>
                    <TextField name="email" label=t.label_email kind="email" autocomplete="email" error />
                    <button type="submit" class="button">{t.resend_submit}</button>
                </ActionForm>
            }
        >
            <p class="success-banner" role="status">{t.resend_done}</p>
        </Show>
    }
}
