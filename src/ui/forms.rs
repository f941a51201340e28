//! Form building blocks: labelled inputs and radio groups whose errors are announced and
//! tied to the field (`aria-invalid`, `aria-describedby`), and an error summary.

use crate::error::AppError;
use crate::i18n::texts;
use crate::ui::locale::use_locale;
use leptos::oco::Oco;
use leptos::prelude::*;

/// The last error of a server action, as a signal the fields read their message from.
pub type FormError = Signal<Option<AppError>>;

fn message(error: FormError, field: Oco<'static, str>) -> Signal<Option<String>> {
    Signal::derive(move || error.get().and_then(|e| e.field_message(&field).map(str::to_owned)))
}

#[component]
pub fn TextField(
    #[prop(into)] name: Oco<'static, str>,
    #[prop(into)] label: Oco<'static, str>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] value: String,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] extra_class: &'static str,
    error: FormError,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let msg = message(error, name.clone());
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if msg.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class=format!("field {extra_class}") class:field--invalid=move || msg.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                aria-invalid=move || msg.get().is_some().then_some("true")
                aria-describedby=described_by
            />
            {hint.map(|h| view! { <p class="field__hint" id=hint_id>{h}</p> })}
            <p class="field__error" id=error_id role="alert">{msg}</p>
        </div>
    }
}

/// A group of radio buttons (blood group, Rh, Kell): big targets on a phone, one tap each.
#[component]
pub fn RadioGroup(
    name: &'static str,
    legend: &'static str,
    /// (value, label) pairs.
    options: Vec<(String, String)>,
    #[prop(optional)] selected: String,
    #[prop(optional)] hint: Option<&'static str>,
    error: FormError,
) -> impl IntoView {
    let error_id = format!("field-{name}-error");
    let hint_id = format!("field-{name}-hint");
    let msg = message(error, name.into());
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || match (hint.is_some(), msg.get().is_some()) {
            (true, true) => Some(format!("{hint_id} {error_id}")),
            (true, false) => Some(hint_id.clone()),
            (false, true) => Some(error_id.clone()),
            (false, false) => None,
        }
    };
    view! {
        <fieldset class="field choice" class:field--invalid=move || msg.get().is_some() aria-describedby=described_by>
            <legend>{legend}</legend>
            <div class="choice__options">
                {options
                    .into_iter()
                    .map(|(code, label)| {
                        let id = format!("field-{name}-{code}");
                        let label_for = id.clone();
                        let checked = selected == code;
                        let value = code.clone();
                        view! {
                            <label class="choice__option" for=label_for>
                                <input type="radio" id=id name=name value=value checked=checked />
                                <span>{label}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id>{h}</p> })}
            <p class="field__error" id=error_id role="alert">{msg}</p>
        </fieldset>
    }
}

/// The banner above a form: a general message, or "correct the marked fields".
#[component]
pub fn ErrorSummary(error: FormError) -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let text = move || {
        error.get().map(|e| match e {
            AppError::Validation { errors } if errors.iter().any(|e| !e.field.is_empty()) => {
                t.form_has_errors.to_owned()
            }
            AppError::Validation { errors } => {
                errors.first().map(|e| e.message.clone()).unwrap_or_else(|| t.error_generic.to_owned())
            }
            AppError::RateLimited { retry_after_secs } => (t.rate_limited)(retry_after_secs),
            AppError::Unavailable { .. } => t.server_busy.to_owned(),
            AppError::Blocked(blocked) => blocked.message(locale),
            AppError::Conflict { message } => message,
            _ => t.error_generic.to_owned(),
        })
    };
    view! {
        <Show when=move || text().is_some()>
            <p class="error-banner" role="alert">{text}</p>
        </Show>
    }
}
