//! The browser's side of live updates: one EventSource on `/events` per page that wants them.
//! `on_change` gets each event the server lets this user see, and `None` when the stream
//! (re)connects or fell behind — then the page re-fetches everything it shows (the catch-up
//! after a network loss). On the server this does nothing: pages render from the database.

use crate::domain::events::LiveMessage;

#[cfg(feature = "hydrate")]
pub fn use_live_events(on_change: impl Fn(Option<LiveMessage>) + 'static) {
    use leptos::prelude::*;
    use send_wrapper::SendWrapper;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    let Ok(source) = web_sys::EventSource::new("/events") else { return };
    let on_change = Rc::new(on_change);
    let on_message = {
        let on_change = on_change.clone();
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(message) = ev.data().as_string().and_then(|t| leptos::serde_json::from_str(&t).ok()) {
                on_change(Some(message));
            }
        })
    };
    let on_resync = Closure::<dyn Fn(web_sys::Event)>::new(move |_| on_change(None));
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    for name in ["ready", "resync"] {
        let _ = source.add_event_listener_with_callback(name, on_resync.as_ref().unchecked_ref());
    }
    // The closures live as long as the stream; both go when the page is left.
    let held = SendWrapper::new((source, on_message, on_resync));
    on_cleanup(move || held.take().0.close());
}

#[cfg(not(feature = "hydrate"))]
pub fn use_live_events(_on_change: impl Fn(Option<LiveMessage>) + 'static) {}
