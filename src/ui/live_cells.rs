//! The public list of cells, kept live without a data model in the browser: on a change the
//! island re-reads this page's own HTML from the server and swaps in the fresh list. The
//! server renders the list either way (it is complete without JavaScript), so the client needs
//! neither the cell types nor the texts nor a JSON decoder — the public page's WASM stays tiny.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
const SELECTOR: &str = "[data-live-region=cells]";

/// Only the public bundle hydrates it (`ui::bundle`); elsewhere it renders as a component.
#[cfg_attr(any(feature = "ssr", feature = "client-public"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "client-public")), component)]
pub fn LiveCells(children: Children) -> impl IntoView {
    crate::ui::live::use_live_pings(refresh);
    view! { <div class="cells" aria-live="polite" data-live-region="cells">{children()}</div> }
}

#[cfg(feature = "hydrate")]
fn refresh() {
    leptos::task::spawn_local(async {
        // A failed re-read leaves the list as it was; the next event tries again.
        let _ = swap_in_fresh_list().await;
    });
}

#[cfg(not(feature = "hydrate"))]
fn refresh() {}

#[cfg(feature = "hydrate")]
async fn swap_in_fresh_list() -> Result<(), wasm_bindgen::JsValue> {
    use crate::ui::page_html::{fetch_page, replace_inner};
    let (_, page) = fetch_page(&window().location().href()?, None).await?;
    if let (Some(fresh), Some(here)) = (page.query_selector(SELECTOR)?, document().query_selector(SELECTOR)?) {
        replace_inner(&here, &fresh);
    }
    Ok(())
}
