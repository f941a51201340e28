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
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = window();
    let href = window.location().href()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&href)).await?.dyn_into()?;
    if !response.ok() {
        return Ok(());
    }
    let html = JsFuture::from(response.text()?).await?.as_string().unwrap_or_default();
    let fresh = web_sys::DomParser::new()?.parse_from_string(&html, web_sys::SupportedType::TextHtml)?;
    if let (Some(fresh), Some(here)) = (fresh.query_selector(SELECTOR)?, document().query_selector(SELECTOR)?) {
        let fresh = fresh.inner_html();
        // Unchanged HTML is not re-inserted: a screen reader would announce it again.
        if here.inner_html() != fresh {
            here.set_inner_html(&fresh);
        }
    }
    Ok(())
}
