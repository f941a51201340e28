//! The donor's cabinet (seed step 5): their data and, until confirmed, why they cannot book.

use crate::api::profile::my_profile;
use crate::domain::Labelled;
use crate::error::AppError;
use crate::i18n::texts;
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn CabinetPage() -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let profile = Resource::new(|| (), |_| my_profile());
    view! {
        <Title text=t.cabinet_title />
        <Suspense>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(p) => view! {
                        <section class="cabinet">
                            <h1>{t.cabinet_title}</h1>
                            <Show when=move || !p.email_confirmed>
                                <p class="notice notice--warning" role="status" data-testid="unconfirmed">{t.unconfirmed_notice}</p>
                            </Show>
                            <section class="panel" aria-labelledby="profile-title">
                                <h2 id="profile-title">{t.profile_title}</h2>
                                <dl class="facts" data-testid="profile">
                                    <div><dt>{t.label_email}</dt><dd>{p.email.clone()}</dd></div>
                                    <div><dt>{t.label_blood_group}</dt><dd>{p.blood.group.label(locale)}</dd></div>
                                    <div><dt>{t.label_rh}</dt><dd>{p.blood.rh.label(locale)}</dd></div>
                                    <div><dt>{t.label_kell}</dt><dd>{p.blood.kell.label(locale)}</dd></div>
                                    <div><dt>{t.label_donor_code}</dt><dd>{p.donor_code.clone()}</dd></div>
                                </dl>
                            </section>
                        </section>
                    }.into_any(),
                    Err(AppError::Unauthorized) => view! { <Redirect path="/login" /> }.into_any(),
                    Err(AppError::Forbidden) => view! { <Redirect path="/" /> }.into_any(),
                    Err(_) => view! { <p class="error-banner" role="alert">{t.error_generic}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
