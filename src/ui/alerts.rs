//! The cabinet's «Сообщить, когда нужна моя группа» panel: on or off, and for which donation
//! types. A plain form (the server answers with the cabinet, `?alerts_saved=1`).

use crate::api::privacy::{my_alerts, SetAlerts};
use crate::domain::{Coded, DonationType, Labelled};
use crate::i18n::rights::rights_texts;
use crate::ui::forms::{ErrorSummary, FormError};
use crate::ui::locale::use_locale;
use leptos::prelude::*;

#[component]
pub fn AlertsForm(saved: bool) -> impl IntoView {
    let locale = use_locale();
    let r = rights_texts(locale);
    let action = ServerAction::<SetAlerts>::new();
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    let current = Resource::new(|| (), |_| my_alerts());
    view! {
        <section class="panel" id="alerts-form" aria-labelledby="alerts-title">
            <h2 id="alerts-title">{r.alerts_title}</h2>
            <p class="muted">{r.alerts_lead}</p>
            {saved.then(|| view! { <p class="success-banner" role="status" data-testid="alerts-saved">{r.alerts_saved}</p> })}
            <ErrorSummary error />
            <Suspense>
                {move || Suspend::new(async move {
                    let current = current.await.unwrap_or_default();
                    let state = if current.enabled { r.alerts_state_on } else { r.alerts_state_off };
                    view! {
                        <p data-testid="alerts-state" data-enabled=current.enabled.to_string()>{state}</p>
                        <ActionForm action attr:class="form form--plain">
                            <label class="checkbox">
                                <input type="checkbox" name="enabled" value="on" checked=current.enabled data-testid="alerts-enabled" />
                                <span>{r.alerts_enable}</span>
                            </label>
                            <fieldset class="field choice">
                                <legend>{r.alerts_types_legend}</legend>
                                {DonationType::ALL.iter().copied().map(|kind| {
                                    let ticked = current.donation_types.contains(&kind);
                                    view! {
                                        <label class="checkbox">
                                            <input type="checkbox" name=kind.code() value="on" checked=ticked />
                                            <span>{kind.label(locale)}</span>
                                        </label>
                                    }
                                }).collect_view()}
                                <p class="field__hint">{r.alerts_types_hint}</p>
                            </fieldset>
                            <button type="submit" class="button button--secondary" data-testid="alerts-save">{r.alerts_save}</button>
                        </ActionForm>
                    }
                })}
            </Suspense>
        </section>
    }
}
