//! "Forgot password" and the page its link opens.

use crate::api::auth::{RequestPasswordReset, ResetPassword};
use crate::i18n::texts;
use crate::ui::forms::{ErrorSummary, FormError, TextField};
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let t = texts(use_locale());
    let action = ServerAction::<RequestPasswordReset>::new();
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    let query = use_query_map();
    let done = move || matches!(action.value().get(), Some(Ok(()))) || query.read().get("sent").is_some();
    view! {
        <Title text=t.forgot_title />
        <section class="form-page form-page--narrow">
            <h1>{t.forgot_title}</h1>
            <Show
                when=done
                fallback=move || view! {
                    <p class="lead">{t.forgot_lead}</p>
                    <ErrorSummary error />
                    <ActionForm action attr:class="form" attr:novalidate=true>
                        <TextField name="email" label=t.label_email kind="email" autocomplete="email" error />
                        <button type="submit" class="button button--wide">{t.forgot_submit}</button>
                    </ActionForm>
                }
            >
                <p class="success-banner" role="status" data-testid="reset-sent">{t.forgot_done}</p>
            </Show>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let t = texts(use_locale());
    let action = ServerAction::<ResetPassword>::new();
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let token_problem = move || error.get().and_then(|e| e.field_message("token").map(str::to_owned));
    view! {
        <Title text=t.reset_title />
        <section class="form-page form-page--narrow">
            <h1>{t.reset_title}</h1>
            <Show when=move || token_problem().is_some()>
                <p class="error-banner" role="alert">{token_problem}" "<a href="/password/forgot">{t.forgot_title}</a></p>
            </Show>
            <ErrorSummary error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="token" value=token />
                <TextField name="password" label=t.label_new_password kind="password" hint=t.password_hint autocomplete="new-password" error />
                <TextField name="password_confirmation" label=t.label_password_confirmation kind="password" autocomplete="new-password" error />
                <button type="submit" class="button button--wide">{t.reset_submit}</button>
            </ActionForm>
        </section>
    }
}
