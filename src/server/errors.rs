//! The server side of `AppError`: log internal causes, set the HTTP status.

use crate::error::AppError;

/// How long an overloaded server asks callers to wait.
const BUSY_RETRY_AFTER_SECS: u64 = 2;

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if is_overload(&err) {
            tracing::warn!(error = %err, "database busy; answered 503");
            return AppError::Unavailable { retry_after_secs: BUSY_RETRY_AFTER_SECS };
        }
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

/// A moment's overload rather than a fault: no pooled connection in time, SQLite busy or
/// locked (codes 5 and 6, also extended), PostgreSQL out of connections (53300).
pub fn is_overload(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            let sqlite_busy = code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6));
            sqlite_busy || code == "53300" || db.message().contains("database is locked")
        }
        _ => false,
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
            if let AppError::RateLimited { retry_after_secs } | AppError::Unavailable { retry_after_secs } = err {
                response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(*retry_after_secs));
            }
        }
    }
    result
}

/// An error as the plain answer of a route that is not a server function (a download, a mail
/// client's one-click post): its status and its message, never cached.
pub fn plain_response(error: &AppError) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = http::StatusCode::from_u16(error.status_code()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(http::header::CACHE_CONTROL, "no-store")], error.to_string()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_out_of_connections_is_a_503_not_a_500() {
        assert!(is_overload(&sqlx::Error::PoolTimedOut));
        assert_eq!(AppError::from(sqlx::Error::PoolTimedOut), AppError::Unavailable { retry_after_secs: 2 });
        assert_eq!(AppError::Unavailable { retry_after_secs: 2 }.status_code(), 503);
        assert!(!is_overload(&sqlx::Error::RowNotFound));
        assert_eq!(AppError::from(sqlx::Error::RowNotFound), AppError::Internal);
    }
}
