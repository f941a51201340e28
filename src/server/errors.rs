//! The server side of `AppError`: log internal causes, set the HTTP status.

use crate::error::AppError;

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        tracing::error!(error = %format!("{err:#}"), "internal error");
        AppError::Internal
    }
}

/// Passes a server function's result through, giving errors their HTTP status (and
/// `Retry-After` when throttled). Only for calls from the WASM client or other programs:
/// a plain HTML form post is answered with a redirect back to its page (the error travels in
/// the URL), and a page calling the function while rendering decides its own status.
pub(super) fn reply<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    let over_http = leptos::prelude::use_context::<http::request::Parts>()
        .is_some_and(|parts| parts.uri.path().starts_with("/api/") && !super::request::is_form_post(&parts));
    if let (Err(err), true) = (&result, over_http) {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            let status =
                http::StatusCode::from_u16(err.status_code()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            response.set_status(status);
            if let AppError::RateLimited { retry_after_secs } = err {
                response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(*retry_after_secs));
            }
        }
    }
    result
}
