//! The one error type every server function returns. Its messages are already localised
//! for the caller; internal causes are logged on the server and never sent.

use crate::domain::Blocked;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A message that belongs next to one form field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Inputs are wrong; each message names the form field it belongs next to.
    #[error("invalid input")]
    Validation { errors: Vec<FieldError> },
    #[error("login required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// A staff member must choose a new password before anything else (a first password
    /// from an admin, or a reset an admin forced).
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("not found")]
    NotFound,
    /// Someone else changed the same thing first.
    #[error("{message}")]
    Conflict { message: String },
    /// A rule of SPEC.md refuses the action.
    #[error("blocked by {0:?}")]
    Blocked(Blocked),
    #[error("too many attempts, retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// The server is overloaded for a moment (no database connection free in time, SQLite
    /// busy): nothing was done, and the same request may be sent again.
    #[error("busy, retry after {retry_after_secs} s")]
    Unavailable { retry_after_secs: u64 },
    /// Something failed on the server; details are in the server log only.
    #[error("internal error")]
    Internal,
    /// The call did not reach the server or its answer could not be read.
    #[error("{0}")]
    Transport(String),
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> AppError {
        AppError::Validation { errors: vec![FieldError { field: field.to_owned(), message: message.into() }] }
    }

    /// The message for one field, if this is a validation error about it.
    pub fn field_message(&self, field: &str) -> Option<&str> {
        match self {
            AppError::Validation { errors } => errors.iter().find(|e| e.field == field).map(|e| e.message.as_str()),
            _ => None,
        }
    }

    /// The HTTP status the server answers with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Validation { .. } => 422,
            AppError::Unauthorized => 401,
            AppError::Forbidden | AppError::PasswordChangeRequired => 403,
            AppError::NotFound => 404,
            AppError::Conflict { .. } | AppError::Blocked(_) => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Unavailable { .. } => 503,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => AppError::validation("", msg),
            other => AppError::Transport(other.to_string()),
        }
    }
}
