//! The cabinet's island: its lists kept live and its booking dialog, both over the server's own
//! HTML. The server renders the cabinet and the booking pages completely (they work without
//! JavaScript); this island only
//! - re-reads the cabinet when a live event says something this donor sees changed, swaps in
//!   the fresh lists, and says so when a booking was approved or rejected;
//! - opens «Записаться» in a modal `<dialog>` and shows the booking page's steps inside it,
//!   submitting their forms itself, so the page behind stays as it was;
//! - on «Сеанс завершён» removes the donor's data from the page and shows the notice.
//!
//! So the donor's WASM carries no data types, texts or JSON decoder: every rule, text and date
//! comes from the server, as it does without JavaScript (README, "The client").

use leptos::prelude::*;

/// Only the donor bundle hydrates it (`ui::bundle`); elsewhere it renders as a component.
#[cfg_attr(any(feature = "ssr", feature = "client-donor"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "client-donor")), component)]
pub fn LiveCabinet(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    client::start();
    view! { <div class="live-cabinet" data-live-cabinet>{children()}</div> }
}

#[cfg(feature = "hydrate")]
mod client {
    use crate::ui::page_html::{fetch_page, replace_inner};
    use leptos::prelude::*;
    use std::cell::RefCell;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::{Document, Element, Event, HtmlDialogElement, HtmlElement, HtmlFormElement};

    /// The lists the server re-renders: bookings, eligibility, cells.
    const REGION: &str = "[data-live-region=cabinet]";
    /// The profile and its forms: not re-read (a donor may be typing), cleared when the session ends.
    const PRIVATE: &str = "[data-private-region]";
    const STEP: &str = "[data-booking-step]";
    const DIALOG_BODY: &str = "[data-dialog-body]";
    const ACCOUNT_LINKS: &str = "[data-account-links]";

    thread_local! {
        /// The booking page the dialog shows: a refused booking returns to it with the reason.
        static STEP_URL: RefCell<String> = const { RefCell::new(String::new()) };
    }

    pub fn start() {
        crate::ui::access::provide_session_watch();
        let watch = crate::ui::access::session_watch();
        crate::ui::live::use_private_live_pings(|| leptos::task::spawn_local(refresh()));
        Effect::new(move |_| {
            if watch.ended.get() {
                end_session();
            }
        });
        let Some(root) = find("[data-live-cabinet]") else { return };
        listen(&root, "click", on_click);
        listen(&root, "submit", on_submit);
        if let Some(dialog) = dialog() {
            // Esc, «×» or a booking made: the next opening starts from the times again.
            listen(&dialog, "close", |_| {
                if let Some(body) = find(DIALOG_BODY) {
                    body.set_inner_html("");
                }
            });
        }
    }

    fn find(selector: &str) -> Option<Element> {
        document().query_selector(selector).ok().flatten()
    }

    fn dialog() -> Option<HtmlDialogElement> {
        find("dialog.booking-dialog").and_then(|d| d.dyn_into().ok())
    }

    fn listen(target: &web_sys::EventTarget, name: &str, handler: fn(Event)) {
        let handler = Closure::<dyn Fn(Event)>::new(handler);
        let _ = target.add_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
        handler.forget(); // as long as the page
    }

    fn on_click(ev: Event) {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
        if target.closest("[data-dialog-close]").ok().flatten().is_some() {
            if let Some(dialog) = dialog() {
                dialog.close();
            }
            return;
        }
        // «Записаться» on a card, or «Изменить время» inside the dialog.
        let Some(link) = target.closest("a[href^='/cabinet/book/']").ok().flatten() else { return };
        // A new tab or window gets the booking page itself.
        if let Some(mouse) = ev.dyn_ref::<web_sys::MouseEvent>() {
            if mouse.ctrl_key() || mouse.meta_key() || mouse.shift_key() || mouse.button() != 0 {
                return;
            }
        }
        ev.prevent_default();
        let href = link.get_attribute("href").unwrap_or_default();
        leptos::task::spawn_local(show_step(Step::Get(href)));
    }

    /// The dialog's forms; the cabinet's own (cancel, profile) stay plain form posts.
    fn on_submit(ev: Event) {
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else { return };
        if form.closest(DIALOG_BODY).ok().flatten().is_none() {
            return;
        }
        let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
        let Ok(fields) = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data) else { return };
        ev.prevent_default();
        let fields = String::from(fields.to_string());
        let action = form.get_attribute("action").unwrap_or_default();
        let step = if form.method().eq_ignore_ascii_case("post") {
            Step::Post { action, fields, from: STEP_URL.with_borrow(Clone::clone) }
        } else {
            Step::Get(format!("{action}?{fields}"))
        };
        leptos::task::spawn_local(show_step(step));
    }

    enum Step {
        /// A booking page (the times, the summary).
        Get(String),
        /// «Подтвердить»: the server answers as to a plain form, with a redirect to the cabinet,
        /// or back to the summary (`from`, sent as the referrer) with the reason in its URL.
        Post { action: String, fields: String, from: String },
    }

    async fn show_step(step: Step) {
        let Ok((url, page)) = load(&step).await else {
            // The network failed: the page itself, as without JavaScript.
            if let Step::Get(href) = step {
                let _ = window().location().set_href(&href);
            }
            return;
        };
        let path = url.split(['?', '#']).next().unwrap_or_default().to_owned();
        if path == "/cabinet" {
            // Booked: the cabinet the server answered with shows it («Запись создана»).
            if let Some(dialog) = dialog() {
                dialog.close();
            }
            swap_region(&page);
            let _ = window().history().and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some(&url)));
            return;
        }
        let (Some(fresh), Some(body), Some(dialog)) =
            (page.query_selector(STEP).ok().flatten(), find(DIALOG_BODY), dialog())
        else {
            // Not a booking step (e.g. the session ended and this is the login): go there.
            let _ = window().location().set_href(&url);
            return;
        };
        STEP_URL.set(url);
        body.set_inner_html(&fresh.inner_html());
        if !dialog.open() {
            let _ = dialog.show_modal();
        }
        focus_step(&body);
    }

    /// The step's heading (the summary) or its first field (the times), so a screen reader
    /// reads the new step from its start.
    fn focus_step(body: &Element) {
        let first = body.query_selector("h3, [role=alert], input, button").ok().flatten();
        if let Some(el) = first.and_then(|el| el.dyn_into::<HtmlElement>().ok()) {
            if el.tab_index() < 0 && !el.has_attribute("tabindex") {
                el.set_tab_index(-1);
            }
            let _ = el.focus();
        }
    }

    /// Fetches the step's page (following redirects) and parses it (`ui::page_html`).
    async fn load(step: &Step) -> Result<(String, Document), JsValue> {
        match step {
            Step::Get(href) => fetch_page(href, None).await,
            Step::Post { action, fields, from } => {
                let headers = web_sys::Headers::new()?;
                headers.set("Content-Type", "application/x-www-form-urlencoded")?;
                headers.set("Accept", "text/html")?;
                let init = web_sys::RequestInit::new();
                init.set_method("POST");
                init.set_headers(&headers);
                init.set_body(&JsValue::from_str(fields));
                init.set_referrer(from);
                fetch_page(action, Some(&init)).await
            }
        }
    }

    async fn refresh() {
        let href = window().location().href().unwrap_or_default();
        if let Ok((_, page)) = load(&Step::Get(href)).await {
            swap_region(&page);
        }
    }

    /// Swaps in the fresh lists; a booking now approved or rejected is announced, and the
    /// announcements already shown stay.
    fn swap_region(page: &Document) {
        let (Some(fresh), Some(here)) = (page.query_selector(REGION).ok().flatten(), find(REGION)) else { return };
        let before = statuses(&here);
        let kept = notices(&here);
        // A cancellation being confirmed (an open «Отменить запись») stays open, and focus
        // stays on it, across the swap.
        let confirming = open_confirmations(&here);
        let focused = document().active_element().is_some_and(|el| here.contains(Some(&el)));
        if !replace_inner(&here, &fresh) {
            return;
        }
        reopen(&here, &confirming, focused);
        let mut announce = kept;
        for (id, status, notice) in statuses(&here) {
            let changed = before.iter().any(|(was_id, was, _)| *was_id == id && *was != status);
            if changed && !notice.is_empty() {
                announce.push_str(&format!(
                    r#"<p class="notice" role="status" data-testid="status-notice">{}</p>"#,
                    escape(&notice)
                ));
            }
        }
        if let Some(slot) = here.query_selector("[data-notices]").ok().flatten() {
            let _ = slot.insert_adjacent_html("beforeend", &announce);
        }
    }

    /// (booking id, status, the sentence to announce it with) of each booking shown.
    fn statuses(region: &Element) -> Vec<(String, String, String)> {
        let Ok(items) = region.query_selector_all("[data-booking-id]") else { return Vec::new() };
        (0..items.length())
            .filter_map(|i| items.item(i).and_then(|n| n.dyn_into::<Element>().ok()))
            .map(|el| {
                let attr = |name| el.get_attribute(name).unwrap_or_default();
                (attr("data-booking-id"), attr("data-status"), attr("data-status-notice"))
            })
            .collect()
    }

    /// The bookings whose cancellation `<details>` is open.
    fn open_confirmations(region: &Element) -> Vec<String> {
        let Ok(open) = region.query_selector_all("[data-booking-id] details[open]") else { return Vec::new() };
        (0..open.length())
            .filter_map(|i| open.item(i).and_then(|n| n.dyn_into::<Element>().ok()))
            .filter_map(|el| el.closest("[data-booking-id]").ok().flatten())
            .filter_map(|item| item.get_attribute("data-booking-id"))
            .collect()
    }

    fn reopen(region: &Element, bookings: &[String], focus: bool) {
        for id in bookings {
            let selector = format!("[data-booking-id='{id}'] details");
            if let Some(details) = region.query_selector(&selector).ok().flatten() {
                let _ = details.set_attribute("open", "");
                let summary = details.query_selector("summary").ok().flatten();
                if let (true, Some(summary)) = (focus, summary.and_then(|s| s.dyn_into::<HtmlElement>().ok())) {
                    let _ = summary.focus();
                }
            }
        }
    }

    fn notices(region: &Element) -> String {
        let Ok(shown) = region.query_selector_all("[data-testid=status-notice]") else { return String::new() };
        (0..shown.length())
            .filter_map(|i| shown.item(i).and_then(|n| n.dyn_into::<Element>().ok()))
            .map(|el| el.outer_html())
            .collect()
    }

    fn escape(text: &str) -> String {
        text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    }

    /// The donor's data leaves the page, not only the view; the notice takes its place.
    fn end_session() {
        for selector in [REGION, PRIVATE] {
            if let Some(el) = find(selector) {
                el.set_inner_html("");
            }
        }
        if let Some(dialog) = dialog() {
            dialog.close();
        }
        // The header too: a stranger's links, as any page would render them now.
        leptos::task::spawn_local(async {
            if let Ok((_, page)) = load(&Step::Get("/".to_owned())).await {
                let fresh = page.query_selector(ACCOUNT_LINKS).ok().flatten();
                if let (Some(fresh), Some(here)) = (fresh, find(ACCOUNT_LINKS)) {
                    here.set_inner_html(&fresh.inner_html());
                }
            }
        });
        if let Some(notice) = find("[data-session-ended]") {
            let _ = notice.remove_attribute("hidden");
            if let Some(title) = notice.query_selector("h1").ok().flatten().and_then(|h| h.text_content()) {
                document().set_title(&title);
            }
        }
    }
}
