//! Builds the router and serves the site.

use super::clock::{Clock, FileClock, SystemClock};
use super::config::{MailSettings, Settings};
use super::db::Db;
use super::http::{
    cache_policy, client_address, cross_site_guard, healthz, request_deadline, security_headers, switch_language,
};
use super::mail::transport::{MailTransport, SmtpConfig};
use super::mail::worker::MailWorker;
use super::state::AppState;
use crate::app::{shell, App};
use anyhow::Context;
use axum::routing::get;
use axum::{middleware, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;

/// Leptos options from `Cargo.toml` when run from the repository (the README's way), else
/// from the `LEPTOS_*` variables cargo-leptos sets.
fn leptos_options(settings: &Settings) -> anyhow::Result<LeptosOptions> {
    let file = std::path::Path::new("Cargo.toml").exists().then_some("Cargo.toml");
    let mut options = get_configuration(file).context("cannot read the Leptos configuration")?.leptos_options;
    options.site_addr = settings.site_addr;
    // scripts/build names the JS, WASM and CSS with their content hash and writes the name
    // here; without it (cargo-leptos's dev loop) the plain name stays.
    let hashed =
        std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref()).join("output-name");
    if let Ok(name) = std::fs::read_to_string(&hashed) {
        let name = name.trim();
        if !name.is_empty() && !name.contains(['/', '\\']) {
            options.output_name = name.into();
        }
    }
    Ok(options)
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let page_context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            super::http::provide_request_nonce();
        }
    };
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(super::readiness::readyz))
        .route("/lang/{code}", get(switch_language))
        .route("/events", get(super::events::stream))
        .route("/staff/reception.csv", get(super::reception::download))
        .route("/staff/needs.csv", get(super::needs::download))
        .route("/cabinet/data.json", get(super::privacy::download_data))
        .route(super::links::ALERTS_ONE_CLICK_PATH, axum::routing::post(super::privacy::one_click_unsubscribe))
        .leptos_routes_with_context(&state, routes, page_context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(page_context, shell))
        .layer(middleware::from_fn(super::request::read_session_once))
        .layer(middleware::from_fn_with_state(state.clone(), cross_site_guard))
        .layer(middleware::from_fn_with_state(state.clone(), security_headers))
        .layer(middleware::from_fn(cache_policy))
        .layer(middleware::from_fn_with_state(state.clone(), super::admission::admit))
        .layer(middleware::from_fn_with_state(state.clone(), request_deadline))
        .layer(middleware::from_fn_with_state(state.clone(), client_address))
        .layer(RequestBodyLimitLayer::new(state.settings.max_body_bytes))
        .layer(CompressionLayer::new())
        .with_state(state)
}

fn mail_transport(mail: &MailSettings) -> anyhow::Result<MailTransport> {
    let from = mail.mail_from.parse().context("MAIL_FROM is not a valid address")?;
    match &mail.smtp_host {
        Some(host) => MailTransport::smtp(
            SmtpConfig {
                host,
                port: mail.smtp_port,
                security: mail.smtp_security,
                credentials: mail.smtp_username.clone().zip(mail.smtp_password.clone()),
                timeout: mail.send_timeout(),
            },
            from,
        ),
        None => MailTransport::directory(mail.mail_dir.clone(), from),
    }
}

/// The state of a server (or of a one-off command acting as one): database migrated, clock.
async fn app_state(settings: &Settings) -> anyhow::Result<AppState> {
    let db = Db::connect_with(&settings.database_url, &settings.pool_tuning()).await?;
    db.migrate().await.context("migrations failed")?;
    let clock: Arc<dyn Clock> = match &settings.test_clock_file {
        Some(path) => {
            tracing::warn!(path = %path.display(), "TEST_CLOCK_FILE is set: the server's clock is read from a file (tests only)");
            Arc::new(FileClock { path: path.clone() })
        }
        None => Arc::new(SystemClock),
    };
    AppState::new(leptos_options(settings)?, db, clock, settings.clone())
}

/// `donor-booking notify`: one round of the notice jobs; (reminders, alerts) queued.
pub async fn notify_once(settings: &Settings) -> anyhow::Result<(usize, usize)> {
    let state = app_state(settings).await?;
    let reminders = super::notices::send_due_reminders(&state).await?;
    let alerts = super::notices::send_due_alerts(&state).await?;
    Ok((reminders, alerts))
}

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let state = app_state(&settings).await?;
    let transport = mail_transport(&settings.mail)?;
    tracing::info!(transport = %transport.describe(), "mail");
    let mail = MailWorker {
        db: state.db.clone(),
        transport: Arc::new(transport),
        clock: state.clock.clone(),
        wake: state.mail_wake.clone(),
        poll_every: std::time::Duration::from_secs(5),
        retry_base: chrono::Duration::seconds(i64::from(settings.mail.mail_retry_base_secs.max(1))),
        send_timeout: settings.mail.send_timeout(),
        shutdown: state.shutdown.clone(),
        heartbeats: state.heartbeats.clone(),
    }
    .spawn();
    super::retention::spawn(state.clone());
    super::retention::spawn_release(state.clone());
    // Reminders and "your group is needed" alerts (`donor-booking notify` runs one round).
    super::notices::spawn(state.clone());
    state.events.spawn_listener(&state.db, state.heartbeats.clone());
    let listener =
        super::listen::bind(settings.site_addr).with_context(|| format!("cannot listen on {}", settings.site_addr))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, backend = state.db.backend(), "serving http://{addr}");
    let shutdown = state.shutdown.clone();
    tokio::spawn(super::shutdown::on_signal(shutdown.clone()));
    let deadline = settings.shutdown_deadline();
    let limits = super::listen::Limits {
        max_connections: settings.max_connections,
        header_read_timeout: settings.header_read_timeout(),
    };
    let server = super::listen::serve(listener, router(state), limits, shutdown.clone());
    let stopped_in_time = async {
        server.await;
        // Requests are done; the worker finishes its message or hands its claim back.
        let _ = mail.await;
        anyhow::Ok(())
    };
    tokio::select! {
        result = stopped_in_time => result?,
        _ = async { shutdown.begun().await; tokio::time::sleep(deadline).await } => {
            tracing::warn!(deadline_secs = deadline.as_secs(), "shutdown deadline passed; exiting with work left");
        }
    }
    tracing::info!("stopped");
    Ok(())
}
