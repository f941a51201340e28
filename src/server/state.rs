use super::auth::passwords::Passwords;
use super::auth::throttle::Throttle;
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
    /// The centre as configured (names, phone, hours), for pages and e-mails.
    pub centre: Arc<crate::domain::centre::Centre>,
    pub passwords: Passwords,
    /// Woken after a commit that wrote to the mail outbox.
    pub mail_wake: Arc<tokio::sync::Notify>,
    /// Attempts at logins, e-mailed links and password changes (`accounts::limits`).
    pub throttle: Arc<Throttle>,
    /// Live events to open pages (SSE), relayed across instances on PostgreSQL.
    pub events: super::events::EventHub,
    /// The table of intervals between donation types, cached for a few seconds.
    pub intervals: Arc<super::intervals::IntervalCache>,
    /// Begun on SIGTERM: event streams and the mail worker stop (`server::shutdown`).
    pub shutdown: super::shutdown::Shutdown,
    /// Signs of life of the mail worker and the LISTEN task, for `/readyz`.
    pub heartbeats: super::readiness::Heartbeats,
    /// This process among the instances (its `/readyz` probe row).
    pub instance: Arc<str>,
    /// Woken after a planner's change made a cell's alerts due (`server::notices`).
    pub alerts_wake: Arc<tokio::sync::Notify>,
    /// Requests served at once; the rest wait their turn (`server::admission`).
    pub admission: super::admission::Admission,
    /// The key of links that need no login, read from the database once (`server::links`).
    link_key: Arc<tokio::sync::OnceCell<super::links::LinkKey>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    pub fn new(
        leptos_options: LeptosOptions,
        db: Db,
        clock: Arc<dyn Clock>,
        settings: Settings,
    ) -> anyhow::Result<Self> {
        let at_once = settings.requests_at_once.unwrap_or(2 * db.max_connections() as usize);
        let admission = super::admission::Admission::new(at_once, db.acquire_timeout());
        Ok(AppState {
            admission,
            leptos_options,
            db,
            clock,
            centre: Arc::new(settings.centre.centre()),
            settings: Arc::new(settings),
            passwords: Passwords::new(2)?,
            mail_wake: Arc::new(tokio::sync::Notify::new()),
            throttle: Arc::default(),
            events: super::events::EventHub::default(),
            intervals: Arc::default(),
            shutdown: super::shutdown::Shutdown::default(),
            heartbeats: super::readiness::Heartbeats::default(),
            instance: format!("{:016x}", rand::random::<u64>()).into(),
            alerts_wake: Arc::new(tokio::sync::Notify::new()),
            link_key: Arc::default(),
        })
    }

    pub async fn link_key(&self) -> Result<&super::links::LinkKey, AppError> {
        Ok(self.link_key.get_or_try_init(|| super::links::LinkKey::load(&self.db, self.clock.now())).await?)
    }

    /// Now, with the centre's calendar to read it in.
    pub fn moment(&self) -> crate::domain::decision::Moment {
        crate::domain::decision::Moment { utc: self.clock.now(), tz: self.settings.time_zone }
    }

    pub fn now_local(&self) -> NaiveDateTime {
        self.clock.now().with_timezone(&self.settings.time_zone).naive_local()
    }
}

/// The state inside a server function (provided as context by the router).
pub fn use_app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}
