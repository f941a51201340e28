//! Keeps what a donor typed across the redirect of a refused no-JavaScript form post: a short
//! cookie (HttpOnly, SameSite=Strict, two minutes) read once by the next page load. With
//! JavaScript the form never leaves the page, so this is not used. Passwords are never kept.

use super::accounts::Registration;
use super::request::set_cookie;
use super::state::AppState;
use crate::model::accounts::RegistrationDraft;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::request::Parts;

const COOKIE: &str = "form_echo";

fn flags(state: &AppState) -> &'static str {
    if state.settings.is_https() {
        "; Secure"
    } else {
        ""
    }
}

pub fn remember(state: &AppState, form: &Registration) {
    let echo = RegistrationDraft {
        email: form.email.chars().take(254).collect(),
        blood_group: form.blood_group.chars().take(8).collect(),
        rh: form.rh.chars().take(8).collect(),
        kell: form.kell.chars().take(8).collect(),
        donor_code: form.donor_code.chars().take(40).collect(),
        consent: form.consent,
    };
    let Ok(json) = serde_json::to_vec(&echo) else { return };
    let value = URL_SAFE_NO_PAD.encode(json);
    set_cookie(&format!("{COOKIE}={value}; Path=/register; HttpOnly; SameSite=Strict; Max-Age=120{}", flags(state)));
}

pub fn take(state: &AppState, parts: &Parts) -> Option<RegistrationDraft> {
    let value = parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_owned())?;
    set_cookie(&format!("{COOKIE}=; Path=/register; HttpOnly; SameSite=Strict; Max-Age=0{}", flags(state)));
    let json = URL_SAFE_NO_PAD.decode(value).ok()?;
    serde_json::from_slice(&json).ok()
}
