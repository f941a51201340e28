//! What the islands share to work over the server's HTML (`ui::live_cells`,
//! `ui::live_cabinet`): fetch one of this site's pages as the browser would, parse it, and put
//! a fresh part of it in place of the same part here.

#[cfg(feature = "hydrate")]
use wasm_bindgen::JsValue;

/// Fetches `href` (following redirects; `init` for a form post) and parses the answer.
/// Returns the final URL as path, query and fragment, and the page.
#[cfg(feature = "hydrate")]
pub async fn fetch_page(
    href: &str,
    init: Option<&web_sys::RequestInit>,
) -> Result<(String, web_sys::Document), JsValue> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = leptos::prelude::window();
    let promise = match init {
        Some(init) => window.fetch_with_str_and_init(href, init),
        None => window.fetch_with_str(href),
    };
    let response: web_sys::Response = JsFuture::from(promise).await?.dyn_into()?;
    let url = web_sys::Url::new(&response.url())?;
    let local = format!("{}{}{}", url.pathname(), url.search(), url.hash());
    let html = JsFuture::from(response.text()?).await?.as_string().unwrap_or_default();
    let page = web_sys::DomParser::new()?.parse_from_string(&html, web_sys::SupportedType::TextHtml)?;
    Ok((local, page))
}

/// Puts `fresh`'s content into `here`; returns whether anything changed. Unchanged HTML is
/// not re-inserted: a screen reader would announce it again.
#[cfg(feature = "hydrate")]
pub fn replace_inner(here: &web_sys::Element, fresh: &web_sys::Element) -> bool {
    let fresh = fresh.inner_html();
    let changed = here.inner_html() != fresh;
    if changed {
        here.set_inner_html(&fresh);
    }
    changed
}
