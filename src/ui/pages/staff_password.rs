//! A staff member's own password: changed with the current one; required before any work
//! when an admin created the account or asked for a new password.

use crate::api::auth::current_session;
use crate::api::staff::ChangeStaffPassword;
use crate::i18n::texts;
use crate::model::accounts::SessionInfo;
use crate::ui::forms::{ErrorSummary, FormError, TextField};
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffPasswordPage() -> impl IntoView {
    let t = texts(use_locale());
    let action = ServerAction::<ChangeStaffPassword>::new();
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    let query = use_query_map();
    let changed = move || query.read().get("changed").is_some() || matches!(action.value().get(), Some(Ok(())));
    let required = move || query.read().get("required").is_some() && !changed();
    let session = Resource::new(move || action.version().get(), |_| current_session());
    view! {
        <Title text=t.staff_password_title />
        <section class="form-page">
            <h1>{t.staff_password_title}</h1>
            <Show when=required>
                <p class="notice notice--warning" data-testid="password-required">{t.staff_password_required}</p>
            </Show>
            <Show when=changed>
                <p class="success-banner" role="status" data-testid="password-changed">{t.staff_password_saved}" "
                    <Transition>
                        {move || Suspend::new(async move {
                            let home = match session.await.ok().flatten() {
                                Some(SessionInfo::Staff { role }) => role.home_path(),
                                _ => "/login",
                            };
                            view! { <a href=home>{t.staff_password_continue}</a> }
                        })}
                    </Transition>
                </p>
            </Show>
            <p class="muted">{t.staff_password_lead}</p>
            <ErrorSummary error />
            <ActionForm action attr:class="form" attr:novalidate=true attr:data-testid="staff-password">
                <TextField name="current_password" label=t.label_current_password kind="password" autocomplete="current-password" error />
                <TextField name="new_password" label=t.label_new_password kind="password" hint=t.password_hint autocomplete="new-password" error />
                <TextField name="new_password_confirmation" label=t.label_password_confirmation kind="password" autocomplete="new-password" error />
                <button type="submit" class="button">{t.staff_password_submit}</button>
            </ActionForm>
        </section>
    }
}
