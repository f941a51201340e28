//! The booking steps (seed steps 6–10): choose a free time → «Подтвердить выбор записи» →
//! the summary with the rules and «Подтверждаю запись» → «Подтвердить». They are the booking
//! pages (`/cabinet/book/:cell`, plain forms); with JavaScript the cabinet's island shows the
//! same pages' steps inside a modal dialog (`ui::live_cabinet`).

use crate::api::booking::{Book, CancelBooking};
use crate::domain::booking::NextStep;
use crate::domain::{BookingStatus, Coded, Labelled, Locale, RejectionReason};
use crate::i18n::texts;
use crate::model::booking::BookingRow;
use crate::model::cells::CellSummary;
use crate::ui::centre::with_centre;
use crate::ui::forms::{ErrorSummary, FormError, RadioGroup};
use crate::ui::locale::use_locale;
use chrono::NaiveTime;
use leptos::prelude::*;

fn time_code(time: NaiveTime) -> String {
    crate::domain::calendar::hh_mm(time)
}

/// The free times as radio buttons, each with its free places.
fn time_options(cell: &CellSummary, locale: Locale) -> Vec<(String, String)> {
    // The line break puts the free places under the time (the label has `white-space: pre-line`).
    let t = texts(locale);
    cell.times
        .iter()
        .map(|ft| (time_code(ft.start), format!("{}\n{}", time_code(ft.start), (t.places_short)(ft.free))))
        .collect()
}

/// The cell's date, type and place, as a definition list (the dialog's context and summary).
#[component]
fn CellFacts(cell: CellSummary, #[prop(optional)] time: Option<NaiveTime>) -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    view! {
        <dl class="facts facts--compact" data-testid="booking-facts">
            <div><dt>{t.label_date}</dt><dd>{format!("{}, {}", locale.format_date(cell.date), locale.weekday(cell.date))}</dd></div>
            {time.map(|time| view! { <div><dt>{t.label_time}</dt><dd>{time_code(time)}</dd></div> })}
            <div><dt>{t.label_donation_type}</dt><dd>{cell.donation_type.label(locale)}</dd></div>
            <div><dt>{t.label_place}</dt><dd>{format!("{}, {}", cell.place_name, cell.place_address)}</dd></div>
        </dl>
    }
}

/// Step 1: a GET to the booking page with `?time=`.
#[component]
pub fn TimeStep(
    cell: CellSummary,
    /// A message to show above the times (e.g. "pick a time").
    #[prop(optional)]
    error: Option<FormError>,
) -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let field_error = error.unwrap_or_else(|| Signal::derive(|| None));
    let options = time_options(&cell, locale);
    let action = format!("/cabinet/book/{}", cell.id);
    view! {
        <CellFacts cell=cell.clone() />
        <ErrorSummary error=field_error />
        <form method="get" action=action class="form form--plain booking-times" novalidate=true>
            // Marks a submitted choice, so the page can tell "no time chosen" from a first visit.
            <input type="hidden" name="step" value="times" />
            <RadioGroup name="time" legend=t.book_choose_time options selected=String::new() error=field_error />
            <button type="submit" class="button button--wide" data-testid="confirm-choice">{t.book_confirm_choice}</button>
        </form>
    }
}

/// Step 2: what is being booked, the rules, «Подтверждаю запись» and «Подтвердить».
#[component]
pub fn SummaryStep(cell: CellSummary, time: NaiveTime, action: ServerAction<Book>) -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    let confirm_error =
        Signal::derive(move || error.get().and_then(|e| e.field_message("confirmed").map(str::to_owned)));
    let back_href = format!("/cabinet/book/{}?time={}", cell.id, time_code(time));
    view! {
        <h3 class="booking__step-title">{t.book_summary_title}</h3>
        <CellFacts cell=cell.clone() time />
        <section class="booking-rules" aria-labelledby="booking-rules-title">
            <h4 id="booking-rules-title">{t.book_rules_title}</h4>
            <ul>
                <li>
                    {t.book_rule_rejection}
                    {with_centre(move |c| view! {
                        <ul class="booking-rules__reasons" data-testid="rejection-reasons">
                            {RejectionReason::ALL.iter().map(|r| view! { <li>{r.text(locale, &c)}</li> }).collect_view()}
                        </ul>
                    })}
                </li>
                <li>{t.book_rule_one}</li>
                <li>{t.book_rule_cancel}</li>
                <li>{t.book_rule_interval}</li>
            </ul>
        </section>
        <ErrorSummary error />
        <ActionForm action attr:class="form form--plain" attr:novalidate=true>
            <input type="hidden" name="cell_id" value=cell.id.to_string() />
            <input type="hidden" name="time" value=time_code(time) />
            <div class="field field--checkbox" class:field--invalid=move || confirm_error.get().is_some()>
                <label for="field-confirmed" class="checkbox">
                    <input
                        type="checkbox"
                        id="field-confirmed"
                        name="confirmed"
                        value="on"
                        aria-invalid=move || confirm_error.get().is_some().then_some("true")
                        aria-describedby="field-confirmed-error"
                        data-testid="i-confirm"
                    />
                    <span>{t.book_i_confirm}</span>
                </label>
                <p class="field__error" id="field-confirmed-error" role="alert">{confirm_error}</p>
            </div>
            <div class="form__actions">
                <button type="submit" class="button" data-testid="submit-booking">{t.book_submit}</button>
                <a class="button button--secondary" href=back_href>{t.book_change_time}</a>
            </div>
        </ActionForm>
    }
}

/// The modal, empty until the cabinet's island loads a booking step into it: a `<dialog>`
/// shown with `showModal()`, so the page behind is inert, focus stays inside, Esc closes it and
/// the browser returns focus to the «Записаться» that opened it.
#[component]
pub fn BookingDialog() -> impl IntoView {
    let t = texts(use_locale());
    view! {
        <dialog class="booking-dialog" aria-labelledby="booking-dialog-title" data-testid="booking-dialog">
            <div class="booking-dialog__head">
                <h2 id="booking-dialog-title">{t.book_dialog_title}</h2>
                <button type="button" class="icon-button" aria-label=t.book_close data-dialog-close>"×"</button>
            </div>
            <div class="booking-dialog__body" data-dialog-body></div>
        </dialog>
    }
}

/// The donor's bookings of the last ten days, each cancellable (with a confirmation) while it
/// is active and its time has not begun. `<details>` asks "are you sure?" without JavaScript.
#[component]
pub fn MyBookings(rows: Vec<BookingRow>, cancel: ServerAction<CancelBooking>) -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    if rows.is_empty() {
        return view! { <p class="muted" data-testid="no-bookings">{t.my_bookings_empty}</p> }.into_any();
    }
    view! {
        <ul class="booking-list" data-testid="my-bookings">
            {rows
                .into_iter()
                .map(|row| {
                    let r = row.record;
                    let status = r.status;
                    view! {
                        // The cabinet's island announces a change of status with this sentence.
                        <li
                            class="booking-item"
                            data-testid="booking"
                            data-booking-id=r.id.to_string()
                            data-status=status.code()
                            data-status-notice=matches!(status, BookingStatus::Approved | BookingStatus::Rejected)
                                .then(|| (t.status_changed)(status.label(locale)))
                        >
                            <div class="booking-item__head">
                                <span class=format!("status-badge status-badge--{}", status.code()) data-testid="booking-status">
                                    {status.label(locale)}
                                </span>
                                <span class="booking-item__when">
                                    {format!("{}, {} · {}", locale.format_date(r.date), locale.weekday(r.date), time_code(r.time))}
                                </span>
                            </div>
                            <p class="booking-item__what">
                                {r.donation_type.label(locale)}" — "{r.place_name.clone()}", "{r.place_address.clone()}
                            </p>
                            {row.reason_text.map(|reason| view! {
                                <p class="booking-item__reason" data-testid="booking-reason"><span class="label">{t.label_reason}": "</span>{reason}</p>
                            })}
                            {r.rejection_comment.clone().map(|comment| view! {
                                <p class="booking-item__reason" data-testid="booking-comment"><span class="label">{t.label_registrar_comment}": "</span>{comment}</p>
                            })}
                            {row.next_step.map(|next| view! {
                                <p class="booking-item__next" data-testid="booking-next-step">
                                    {next.sentence}
                                    {(next.step == NextStep::FixDonorCode).then(|| view! {
                                        " "<a href="#donor-code-form">{t.next_step_code_link}</a>
                                    })}
                                </p>
                            })}
                            {row.can_cancel.then(|| view! {
                                <details class="booking-item__cancel">
                                    <summary>{t.cancel_button}</summary>
                                    <p>{t.cancel_confirm_text}</p>
                                    <ActionForm action=cancel attr:class="form form--plain">
                                        <input type="hidden" name="booking_id" value=r.id.to_string() />
                                        <button type="submit" class="button button--danger" data-testid="confirm-cancel">{t.cancel_confirm_yes}</button>
                                    </ActionForm>
                                </details>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
