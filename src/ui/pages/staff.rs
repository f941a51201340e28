//! Where staff land after login, one area per role.

use crate::api::auth::current_session;
use crate::domain::Labelled;
use crate::i18n::texts;
use crate::model::accounts::SessionInfo;
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffHomePage() -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let session = Resource::new(|| (), |_| current_session());
    view! {
        <Title text=t.staff_area_title />
        <Suspense>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(Some(SessionInfo::Staff { role })) => view! {
                        <section>
                            <h1>{t.staff_area_title}": "{role.label(locale)}</h1>
                        </section>
                    }.into_any(),
                    _ => crate::ui::access::refused(crate::error::AppError::Unauthorized),
                }
            })}
        </Suspense>
    }
}
