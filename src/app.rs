//! The HTML shell, the routes and the page layout.

use crate::ui::layout::{Footer, Header, HydrationMarker};
use crate::ui::locale::{detect_locale, use_locale};
use crate::ui::pages::admin::AdminPage;
use crate::ui::pages::audit::AuditPage;
use crate::ui::pages::book::BookPage;
use crate::ui::pages::cabinet::CabinetPage;
use crate::ui::pages::donors::{DonorCardPage, DonorSearchPage};
use crate::ui::pages::email_links::{AlertsOffPage, CancelByLinkPage};
use crate::ui::pages::intervals::IntervalsPage;
use crate::ui::pages::login::{ConfirmEmailPage, LoginPage, ResendPage};
use crate::ui::pages::moderation::ModerationPage;
use crate::ui::pages::my_data::{AccountDeletedPage, MyDataPage};
use crate::ui::pages::needs::NeedsPage;
use crate::ui::pages::new_caller::NewCallerPage;
use crate::ui::pages::password::{ForgotPasswordPage, ResetPasswordPage};
use crate::ui::pages::places::PlacesPage;
use crate::ui::pages::planning::PlanningPage;
use crate::ui::pages::reception::ReceptionPage;
use crate::ui::pages::register::{RegisterPage, RegisteredPage};
use crate::ui::pages::sessions::SessionsPage;
use crate::ui::pages::staff::StaffHomePage;
use crate::ui::pages::staff_password::StaffPasswordPage;
use crate::ui::pages::{home::HomePage, not_found::NotFound};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = detect_locale();
    let css = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    let (options, islands) = client_for_this_page(options);
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#ffffff" />
                // When the server began this page, before its data was read: the live stream
                // asks from then on whether anything changed (`ui::live`).
                <meta name="rendered-at" content=chrono::Utc::now().timestamp_millis().to_string() />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // The one stylesheet of every page (with its content hash once built).
                <link rel="stylesheet" href=css />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The options naming this page's client (`ui::bundle`) and whether it hydrates islands.
#[cfg(feature = "ssr")]
fn client_for_this_page(mut options: LeptosOptions) -> (LeptosOptions, bool) {
    use crate::ui::bundle::Bundle;
    let path = use_context::<http::request::Parts>().map(|p| p.uri.path().to_owned()).unwrap_or_default();
    let bundle = Bundle::for_path(&path);
    // Without pkg/bundles (the dev loop: cargo-leptos builds one WASM holding every island
    // and the staff app) the plain output name stays.
    if let Some(name) = crate::server::bundles::file_name(&options, bundle.code()) {
        options.output_name = name.into();
    }
    (options, bundle.hydrates_islands())
}

#[cfg(not(feature = "ssr"))]
fn client_for_this_page(options: LeptosOptions) -> (LeptosOptions, bool) {
    (options, false)
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(detect_locale());
    crate::ui::centre::provide_centre();
    crate::ui::access::provide_session_watch();
    let session_ended = crate::ui::access::session_watch().ended;
    let t = crate::i18n::texts(use_locale());
    view! {
        <Title formatter=move |page: String| format!("{page} · {}", t.centre_short) />
        <HydrationMarker />
        <Router>
            <a class="skip-link" href="#main">{t.skip_to_content}</a>
            <Header />
            <main id="main" class="page" tabindex="-1">
                // A live page whose session ended hides what it showed and says so.
                <Show when=move || !session_ended.get() fallback=crate::ui::access::SessionEndedNotice>
                <Routes fallback=NotFound>
                    // Async: the server sends the page once its data is in, so it is complete
                    // without JavaScript (streamed chunks would need JS to be swapped in).
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("/register/done") view=RegisteredPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/confirm-email") view=ConfirmEmailPage ssr=SsrMode::Async />
                    <Route path=path!("/confirm-email/resend") view=ResendPage ssr=SsrMode::Async />
                    <Route path=path!("/cabinet") view=CabinetPage ssr=SsrMode::Async />
                    <Route path=path!("/cabinet/book/:cell") view=BookPage ssr=SsrMode::Async />
                    <Route path=path!("/cabinet/sessions") view=SessionsPage ssr=SsrMode::Async />
                    <Route path=path!("/cabinet/data") view=MyDataPage ssr=SsrMode::Async />
                    <Route path=path!("/account/deleted") view=AccountDeletedPage ssr=SsrMode::Async />
                    <Route path=path!("/alerts/off") view=AlertsOffPage ssr=SsrMode::Async />
                    <Route path=path!("/booking/cancel") view=CancelByLinkPage ssr=SsrMode::Async />
                    <Route path=path!("/password/forgot") view=ForgotPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/password/reset") view=ResetPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/admin") view=AdminPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/audit") view=AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/intervals") view=IntervalsPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/moderation") view=ModerationPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/planning") view=PlanningPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/needs") view=NeedsPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/places") view=PlacesPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/reception") view=ReceptionPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/password") view=StaffPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/sessions") view=SessionsPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/donors") view=DonorSearchPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/donors/new") view=NewCallerPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/donors/:id") view=DonorCardPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/:area") view=StaffHomePage ssr=SsrMode::Async />
                </Routes>
                </Show>
            </main>
            <Footer />
        </Router>
    }
}
