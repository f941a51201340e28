use super::clock::Clock;
use super::config::Settings;
use super::db::Db;
use crate::error::AppError;
use axum::extract::FromRef;
use chrono::NaiveDateTime;
use leptos::prelude::{use_context, LeptosOptions};
use std::sync::Arc;

/// Everything a request needs. The clock (and later the mail transport and event hub) are
/// fields, so tests replace them instead of patching globals.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// The centre's local wall-clock time now.
    pub fn now_local(&self) -> NaiveDateTime {
        self.clock
            .now()
            .with_timezone(&self.settings.time_zone)
            .naive_local()
    }
}

/// The state inside a server function (provided as context by the router).
pub fn use_app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}
