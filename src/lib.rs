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

/// Called by Leptos's loader script. On a staff page the whole app hydrates; on a donor page
/// the loader then hydrates each island it finds (`ui::bundle`).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use ui::bundle::Bundle;
    console_error_panic_hook::set_once();
    // Read before anything else runs: the later estimates of the server's time start here.
    let _ = ui::live::server_now_estimate();
    let path = leptos::prelude::window().location().pathname().unwrap_or_default();
    if Bundle::for_path(&path).hydrates_islands() {
        leptos::mount::hydrate_islands();
        // The loader hydrates the islands right after this returns, all before the next task.
        leptos::prelude::set_timeout(ui::layout::mark_hydrated, std::time::Duration::ZERO);
    } else {
        hydrate_whole_app();
    }
}

#[cfg(all(feature = "hydrate", feature = "client-staff"))]
fn hydrate_whole_app() {
    leptos::mount::hydrate_body(app::App);
}

/// A staff page reached with a donor bundle (never served so): it stays server-rendered.
#[cfg(all(feature = "hydrate", not(feature = "client-staff")))]
fn hydrate_whole_app() {}
