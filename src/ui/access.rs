//! What a protected page shows when its data is refused: the login page for strangers, the
//! home page for the wrong role, a notice for anything else.

use crate::error::AppError;
use crate::i18n::texts;
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_router::components::Redirect;

pub fn refused(error: AppError) -> AnyView {
    match error {
        AppError::Unauthorized => view! { <Redirect path="/login" /> }.into_any(),
        AppError::Forbidden => view! { <Redirect path="/" /> }.into_any(),
        AppError::PasswordChangeRequired => view! { <Redirect path="/staff/password?required=1" /> }.into_any(),
        _ => {
            let t = texts(use_locale());
            view! { <p class="error-banner" role="alert">{t.error_generic}</p> }.into_any()
        }
    }
}
