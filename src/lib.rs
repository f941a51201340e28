//! Online appointment system of a regional blood centre.
//!
//! `domain` (pure rules), `model` (wire types), `error`, `i18n`, `api` (server functions) and
//! `ui` compile for the server and the WASM client; `server` only with the `ssr` feature.

pub mod api;
pub mod app;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod model;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Read before anything else runs: the later estimates of the server's time start here.
    let _ = ui::live::server_now_estimate();
    leptos::mount::hydrate_body(app::App);
}
