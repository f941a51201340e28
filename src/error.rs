//! The one error type every server function returns. Its messages are already localised
//! for the caller; internal causes are logged on the server and never sent.

use crate::domain::Blocked;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// One input is wrong; `field` names the form field the message belongs next to.
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("login required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
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
    /// Something failed on the server; details are in the server log only.
    #[error("internal error")]
    Internal,
    /// The call did not reach the server or its answer could not be read.
    #[error("{0}")]
    Transport(String),
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> AppError {
        AppError::Validation {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The HTTP status the server answers with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Validation { .. } => 422,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict { .. } | AppError::Blocked(_) => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => {
                AppError::Validation {
                    field: String::new(),
                    message: msg,
                }
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}
