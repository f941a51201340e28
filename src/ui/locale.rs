//! Which language a page is in: the `lang` cookie set by the switch, else the browser's
//! Accept-Language, else Russian. The client reads back what the server put on `<html lang>`,
//! so hydration renders the same text.

use crate::domain::Locale;
use leptos::prelude::*;

pub fn detect_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use http::header::{ACCEPT_LANGUAGE, COOKIE};
        use_context::<http::request::Parts>()
            .map(|parts| {
                let cookies = parts.headers.get_all(COOKIE).iter().filter_map(|v| v.to_str().ok());
                Locale::negotiate(cookies, parts.headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|code| Locale::from_code(&code))
            .unwrap_or_default()
    }
}

pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}
