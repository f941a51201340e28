//! The registrar's "new caller" form (`/staff/donors/new`): a donor who phones and has no
//! account is registered without the e-mail confirmation step (the registrar confirms who they
//! are and reads them the consent), then booked from their donor page.

use crate::api::donors::RegisterCaller;
use crate::domain::{BloodGroup, Kell, Rh};
use crate::i18n::donors::donor_texts;
use crate::i18n::texts;
use crate::ui::forms::{ErrorSummary, FormError, RadioGroup, TextField};
use crate::ui::locale::use_locale;
use crate::ui::pages::register::{choices, ConsentField};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NewCallerPage() -> impl IntoView {
    let locale = use_locale();
    let (t, d) = (texts(locale), donor_texts(locale));
    let action = ServerAction::<RegisterCaller>::new();
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Title text=d.new_caller_title />
        <p><a href="/staff/donors">{d.card_back}</a></p>
        <section class="form-page">
            <h1>{d.new_caller_title}</h1>
            <p class="muted">{d.new_caller_lead}</p>
            <ErrorSummary error />
            <ActionForm action attr:class="form" attr:novalidate=true attr:data-testid="new-caller">
                <TextField name="email" label=d.new_caller_email kind="email" hint=d.new_caller_email_hint error />
                <TextField name="donor_code" label=t.label_donor_code hint=d.new_caller_code_hint extra_class="field--code" error />
                <RadioGroup name="blood_group" legend=t.label_blood_group options={choices::<BloodGroup>(locale)} error />
                <RadioGroup name="rh" legend=t.label_rh options={choices::<Rh>(locale)} error />
                <RadioGroup name="kell" legend=t.label_kell options={choices::<Kell>(locale)} error />
                <ConsentField checked=false error label=d.new_caller_consent />
                <button type="submit" class="button">{d.new_caller_submit}</button>
            </ActionForm>
        </section>
    }
}
