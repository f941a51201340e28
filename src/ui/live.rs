//! The browser's side of live updates: one EventSource on `/events` per page that wants them.
//! `on_change` gets each event the server lets this user see, and `None` when the stream
//! (re)connects or fell behind — then the page re-fetches everything it shows (the catch-up
//! after a network loss). On the server this does nothing: pages render from the database.
//!
//! Events are coalesced: when a day's cells open, hundreds of bookings a second would otherwise
//! make every open page re-fetch hundreds of times. A page re-fetches for cell events at most
//! once per [`CELL_REFRESH_EVERY`], for booking events (a donor's own, a registrar's queue) at
//! most once per [`BOOKING_REFRESH_EVERY`].

use crate::domain::events::LiveMessage;

/// The longest a page waits before showing changed free places.
pub const CELL_REFRESH_EVERY: std::time::Duration = std::time::Duration::from_millis(1500);
/// The longest a page waits before showing a booking's new status.
pub const BOOKING_REFRESH_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Live events for a page that only needs to know *that* something changed (the public list
/// of cells re-reads its server-rendered HTML): no event is parsed, so its island carries no
/// JSON decoder. Coalesced like cell events.
pub fn use_live_pings(on_change: impl Fn() + 'static) {
    open_stream(|_| Some((true, ())), move |_| on_change(), false);
}

/// Live events for a page that needs a session: when the session ends (idle, logout in another
/// tab, new password, staff disabled) the stream stops and the page says so in place of its
/// content (see `ui::access`), rather than silently showing stale data or jumping to /login.
pub fn use_private_live_events(on_change: impl Fn(Option<LiveMessage>) + 'static) {
    open_stream(parse_message, on_change, true);
}

/// Live events for the cabinet's island, which re-reads its own HTML (like `use_live_pings`)
/// and needs a session (like `use_private_live_events`). Cell events are coalesced over
/// [`CELL_REFRESH_EVERY`], the donor's own bookings over [`BOOKING_REFRESH_EVERY`].
pub fn use_private_live_pings(on_change: impl Fn() + 'static) {
    open_stream(|data| Some((data.contains(r#""kind":"cell_changed""#), ())), move |_| on_change(), true);
}

/// An event and whether it is about cells (coalesced over [`CELL_REFRESH_EVERY`]).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn parse_message(data: &str) -> Option<(bool, LiveMessage)> {
    use crate::domain::events::LiveEvent;
    let message = leptos::serde_json::from_str::<LiveMessage>(data).ok()?;
    Some((matches!(message.event, LiveEvent::CellChanged { .. }), message))
}

#[cfg(feature = "hydrate")]
fn open_stream<M: 'static>(
    parse: impl Fn(&str) -> Option<(bool, M)> + 'static,
    on_change: impl Fn(Option<M>) + 'static,
    private: bool,
) {
    use leptos::prelude::*;
    use send_wrapper::SendWrapper;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    let url = match server_now_estimate() {
        Some(ms) => format!("/events?since={ms}"),
        None => "/events".to_owned(),
    };
    let Ok(source) = web_sys::EventSource::new(&url) else { return };
    let on_change = Rc::new(on_change);
    // One pending re-fetch per kind of event: (cells, bookings).
    let pending = Rc::new((std::cell::Cell::new(false), std::cell::Cell::new(false)));
    let on_message = {
        let on_change = on_change.clone();
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let Some((is_cell, message)) = ev.data().as_string().and_then(|t| parse(&t)) else {
                return;
            };
            let flag = if is_cell { &pending.0 } else { &pending.1 };
            if flag.replace(true) {
                return; // a re-fetch is already scheduled and will show this change too
            }
            let (on_change, pending) = (SendWrapper::new(on_change.clone()), SendWrapper::new(pending.clone()));
            set_timeout(
                move || {
                    if is_cell { &pending.0 } else { &pending.1 }.set(false);
                    on_change(Some(message));
                },
                if is_cell { CELL_REFRESH_EVERY } else { BOOKING_REFRESH_EVERY },
            );
        })
    };
    // `ready` (also after a reconnect) says whether anything changed since the page's data was
    // current; `resync`, that this stream fell behind.
    let on_resync = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        let current = ev.data().as_string().is_some_and(|d| d.contains(r#""current":true"#));
        if !current {
            on_change(None);
        }
    });
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    for name in ["ready", "resync"] {
        let _ = source.add_event_listener_with_callback(name, on_resync.as_ref().unchecked_ref());
    }
    let on_ended = private.then(|| {
        let watch = crate::ui::access::session_watch();
        watch.watching.set(true);
        on_cleanup(move || watch.watching.set(false));
        let closing = SendWrapper::new(source.clone());
        let on_ended = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
            closing.close(); // no reconnect: a new session needs a new login
            watch.ended.set(true);
        });
        let _ = source.add_event_listener_with_callback("session_ended", on_ended.as_ref().unchecked_ref());
        on_ended
    });
    // The closures live as long as the stream; all go when the page is left.
    let held = SendWrapper::new((source, on_message, on_resync, on_ended));
    on_cleanup(move || held.take().0.close());
}

/// The server's clock now, in ms since the epoch, estimated from the instant it began rendering
/// this document (`<meta name="rendered-at">`) plus the time spent here since. Never later than
/// the truth, so at worst a page re-fetches once too often; the browser's own clock may be off,
/// only its differences are used.
#[cfg(feature = "hydrate")]
pub fn server_now_estimate() -> Option<i64> {
    static LOADED: std::sync::OnceLock<Option<(i64, f64)>> = std::sync::OnceLock::new();
    let loaded = LOADED.get_or_init(|| {
        let meta = leptos::prelude::document().query_selector("meta[name=rendered-at]").ok().flatten()?;
        let rendered_at = meta.get_attribute("content")?.parse::<i64>().ok()?;
        Some((rendered_at, js_sys::Date::now()))
    });
    loaded.map(|(rendered_at, at)| rendered_at + (js_sys::Date::now() - at) as i64)
}

#[cfg(not(feature = "hydrate"))]
fn open_stream<M>(
    _parse: impl Fn(&str) -> Option<(bool, M)> + 'static,
    _on_change: impl Fn(Option<M>) + 'static,
    _private: bool,
) {
}
