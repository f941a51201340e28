//! The donor's cabinet (seed steps 5–10): their bookings, the cells they may book, their data.

use crate::api::booking::{my_bookings, CancelBooking};
use crate::api::cells::open_cells;
use crate::api::profile::{my_profile, ChangeDonorCode, ChangePassword};
use crate::domain::cells::fitting_need;
use crate::domain::{Coded, Labelled};
use crate::i18n::texts;
use crate::model::cells::{CellsView, Eligibility};
use crate::ui::access::{refused, SessionEndedMessage};
use crate::ui::alerts::AlertsForm;
use crate::ui::booking::{BookingDialog, MyBookings};
use crate::ui::cells::{BookingContext, CellsByDay};
use crate::ui::forms::{ErrorSummary, FormError, TextField};
use crate::ui::live_cabinet::LiveCabinet;
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CabinetPage() -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    // After a plain form post (every form here is one; the booking dialog posts the same way)
    // the server redirects back saying what happened.
    let query = use_query_map();
    let flag = move |name: &str| query.read_untracked().get(name).is_some();
    let (booked, cancelled) = (flag("booked"), flag("cancelled"));
    let (code_saved, password_changed) = (flag("code_saved"), flag("password_changed"));
    let alerts_saved = flag("alerts_saved");
    let profile = Resource::new(|| (), |_| my_profile());
    view! {
        <Title text=t.cabinet_title />
        <Suspense>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(p) => view! {
                        <section class="cabinet">
                            <h1>{t.cabinet_title}</h1>
                            {(!p.email_confirmed).then(|| view! {
                                <p class="notice notice--warning" role="status" data-testid="unconfirmed">{t.unconfirmed_notice}</p>
                            })}
                            <LiveCabinet>
                                <div data-live-region="cabinet">
                                    <BookingArea booked cancelled />
                                </div>
                                <div data-private-region>
                                    <section class="panel" aria-labelledby="profile-title">
                                        <h2 id="profile-title">{t.profile_title}</h2>
                                        <dl class="facts" data-testid="profile">
                                            <div><dt>{t.label_email}</dt><dd>{p.email.clone()}</dd></div>
                                            <div><dt>{t.label_blood_group}</dt><dd>{p.blood.group.label(locale)}</dd></div>
                                            <div><dt>{t.label_rh}</dt><dd>{p.blood.rh.label(locale)}</dd></div>
                                            <div><dt>{t.label_kell}</dt><dd>{p.blood.kell.label(locale)}</dd></div>
                                            <div><dt>{t.label_donor_code}</dt><dd data-testid="donor-code">{p.donor_code.clone()}</dd></div>
                                        </dl>
                                        <p class="muted">{t.readonly_note}</p>
                                    </section>
                                    <AlertsForm saved=alerts_saved />
                                    <div class="panel-grid">
                                        <DonorCodeForm current=p.donor_code.clone() saved=code_saved />
                                        <PasswordForm changed=password_changed />
                                    </div>
                                    <AccountLinks />
                                </div>
                                <div hidden data-session-ended><SessionEndedMessage /></div>
                                <BookingDialog />
                            </LiveCabinet>
                        </section>
                    }.into_any(),
                    Err(error) => refused(error),
                }
            })}
        </Suspense>
    }
}

/// Seed steps 6–10: the donor's bookings and the cells, rendered on the server; the
/// `LiveCabinet` island keeps them live and runs the booking dialog.
#[component]
fn BookingArea(booked: bool, cancelled: bool) -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    // Errors of a plain form post come back in the URL; these read them.
    let cancel = ServerAction::<CancelBooking>::new();
    let cancel_error: FormError = Signal::derive(move || cancel.value().get().and_then(Result::err));
    let cells = Resource::new(|| (), |_| open_cells(None));
    let bookings = Resource::new(|| (), |_| my_bookings());
    view! {
        <section class="panel" id="my-bookings" aria-labelledby="my-bookings-title">
            <h2 id="my-bookings-title">{t.my_bookings_title}</h2>
            <div aria-live="polite" data-notices>
                {booked.then(|| view! { <p class="success-banner" data-testid="booked-notice">{t.booked_notice}</p> })}
                {cancelled.then(|| view! { <p class="success-banner" data-testid="cancelled-notice">{t.cancelled_notice}</p> })}
            </div>
            <ErrorSummary error=cancel_error />
            <Suspense>
                {move || Suspend::new(async move {
                    match bookings.await {
                        Ok(rows) => view! { <MyBookings rows cancel /> }.into_any(),
                        Err(error) => refused(error),
                    }
                })}
            </Suspense>
            <p class="muted">{t.my_bookings_note}</p>
        </section>
        <section class="cabinet-cells" aria-labelledby="cabinet-cells-title">
            <h2 id="cabinet-cells-title">{t.cabinet_cells_title}</h2>
            <p class="muted">{t.cabinet_cells_lead}</p>
            <Suspense>
                {move || Suspend::new(async move {
                    match cells.await {
                        Ok(view) => cells_for_donor(view),
                        Err(error) => refused(error),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn cells_for_donor(view: CellsView) -> AnyView {
    let locale = use_locale();
    let t = texts(locale);
    let Some(donor) = view.donor else {
        return refused(crate::error::AppError::Unauthorized);
    };
    let blocked = donor.blocked.map(|b| {
        view! {
            <div class="notice notice--warning" role="status" id="booking-blocked" data-testid="booking-blocked">
                <strong>{t.book_blocked_all}". "</strong>{b.message(locale)}
            </div>
        }
    });
    let nothing_fits = !view.cells.iter().any(|c| fitting_need(&c.needed, &donor.blood).is_some());
    let eligibility = view! { <EligibilityPanel eligibility=donor.eligibility.clone() /> };
    let booking = BookingContext { donor };
    view! {
        {eligibility}
        {blocked}
        {nothing_fits.then(|| view! {
            <section class="empty-state" data-testid="nothing-fits"><p>{t.cabinet_nothing_fits}</p></section>
        })}
        <CellsByDay cells=view.cells locale booking />
    }
    .into_any()
}

/// The donor's last donation and, per donation type, from which day they can book it.
#[component]
fn EligibilityPanel(eligibility: Eligibility) -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let today = eligibility.today;
    let last = match eligibility.last_donation {
        Some(d) => format!("{}, {}", locale.format_date(d.on), d.donation_type.label(locale)),
        None => t.eligibility_none.to_owned(),
    };
    view! {
        <section class="eligibility" aria-labelledby="eligibility-title" data-testid="eligibility">
            <h3 id="eligibility-title">{t.eligibility_title}</h3>
            <dl class="facts facts--compact">
                <div><dt>{t.eligibility_last}</dt><dd data-testid="last-donation">{last}</dd></div>
                {eligibility.from.into_iter().map(|f| {
                    let when = if f.from <= today {
                        t.eligibility_now.to_owned()
                    } else {
                        (t.eligibility_from)(&locale.format_date(f.from))
                    };
                    view! {
                        <div data-type=f.donation_type.code()>
                            <dt>{f.donation_type.label(locale)}</dt>
                            <dd>{when}</dd>
                        </div>
                    }
                }).collect_view()}
            </dl>
            <p class="muted">{t.eligibility_note}</p>
        </section>
    }
}

/// Where the donor sees their sessions and their data (and deletes the account).
#[component]
fn AccountLinks() -> impl IntoView {
    let r = crate::i18n::rights::rights_texts(use_locale());
    view! {
        <section class="panel" aria-labelledby="account-links-title">
            <h2 id="account-links-title">{r.account_panel_title}</h2>
            <ul class="link-list">
                <li><a href="/cabinet/sessions" rel="external" data-testid="sessions-link">{r.sessions_link}</a></li>
                <li><a href="/cabinet/data" rel="external" data-testid="data-link">{r.data_link}</a></li>
            </ul>
        </section>
    }
}

/// A plain form: the server answers with the cabinet again (`?code_saved=1`, or the error).
#[component]
fn DonorCodeForm(current: String, saved: bool) -> impl IntoView {
    let t = texts(use_locale());
    let action = ServerAction::<ChangeDonorCode>::new();
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <section class="panel" id="donor-code-form" aria-labelledby="code-title">
            <h2 id="code-title">{t.change_code_title}</h2>
            {saved.then(|| view! { <p class="success-banner" role="status">{t.code_saved}</p> })}
            <ErrorSummary error />
            <ActionForm action attr:class="form form--plain" attr:novalidate=true>
                <TextField name="donor_code" label=t.label_donor_code value=current hint=t.donor_code_hint extra_class="field--code" error />
                <button type="submit" class="button button--secondary">{t.change_code_submit}</button>
            </ActionForm>
        </section>
    }
}

/// A plain form, like the donor code's (`?password_changed=1`).
#[component]
fn PasswordForm(changed: bool) -> impl IntoView {
    let t = texts(use_locale());
    let action = ServerAction::<ChangePassword>::new();
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <section class="panel" id="password-form" aria-labelledby="password-title">
            <h2 id="password-title">{t.change_password_title}</h2>
            {changed.then(|| view! { <p class="success-banner" role="status" data-testid="password-changed">{t.password_changed}</p> })}
            <ErrorSummary error />
            <ActionForm action attr:class="form form--plain" attr:novalidate=true>
                <TextField name="current_password" label=t.label_current_password kind="password" autocomplete="current-password" error />
                <TextField name="new_password" label=t.label_new_password kind="password" hint=t.password_hint autocomplete="new-password" error />
                <TextField name="new_password_confirmation" label=t.label_password_confirmation kind="password" autocomplete="new-password" error />
                <button type="submit" class="button button--secondary">{t.change_password_submit}</button>
            </ActionForm>
        </section>
    }
}
