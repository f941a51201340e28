//! The booking steps (seed steps 6–10): choose a free time → «Подтвердить выбор записи» →
//! the summary with the rules and «Подтверждаю запись» → «Подтвердить». With JavaScript they
//! run inside a modal dialog; without it the same components are two pages.

use crate::api::booking::{Book, CancelBooking};
use crate::domain::booking::NextStep;
use crate::domain::{Coded, Labelled, Locale, RejectionReason};
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

/// Step 1. Without JavaScript the form is a GET to the booking page with `?time=`; in the
/// dialog `on_choose` takes the chosen time instead.
#[component]
pub fn TimeStep(
    cell: CellSummary,
    #[prop(optional)] chosen: Option<NaiveTime>,
    #[prop(optional)] on_choose: Option<Callback<NaiveTime>>,
    /// A message to show above the times (e.g. "this time was just taken").
    #[prop(optional)]
    error: Option<FormError>,
) -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let picked = RwSignal::new(chosen.map(time_code).unwrap_or_default());
    let missing = RwSignal::new(false);
    let field_error: FormError =
        Signal::derive(move || missing.get().then(|| crate::error::AppError::validation("time", t.book_pick_time)));
    let options = time_options(&cell, locale);
    let action = format!("/cabinet/book/{}", cell.id);
    view! {
        <CellFacts cell=cell.clone() />
        {error.map(|error| view! { <ErrorSummary error /> })}
        <form
            method="get"
            action=action
            class="form form--plain booking-times"
            novalidate=true
            on:change=move |ev| {
                picked.set(event_target_value(&ev));
                missing.set(false);
            }
            on:submit=move |ev| {
                if let Some(choose) = on_choose {
                    ev.prevent_default();
                    match NaiveTime::parse_from_str(&picked.get_untracked(), "%H:%M") {
                        Ok(time) => choose.run(time),
                        Err(_) => missing.set(true),
                    }
                }
            }
        >
            <RadioGroup name="time" legend=t.book_choose_time options selected=picked.get_untracked() error=field_error />
            <button type="submit" class="button button--wide" data-testid="confirm-choice">{t.book_confirm_choice}</button>
        </form>
    }
}

/// Step 2: what is being booked, the rules, «Подтверждаю запись» and «Подтвердить».
#[component]
pub fn SummaryStep(
    cell: CellSummary,
    time: NaiveTime,
    action: ServerAction<Book>,
    /// Back to the times inside the dialog; without JavaScript a link does it.
    #[prop(optional)]
    on_back: Option<Callback<()>>,
) -> impl IntoView {
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
                <button type="submit" class="button" data-testid="submit-booking" disabled=move || action.pending().get()>
                    {t.book_submit}
                </button>
                <a
                    class="button button--secondary"
                    href=back_href
                    on:click=move |ev| {
                        if let Some(back) = on_back {
                            ev.prevent_default();
                            back.run(());
                        }
                    }
                >
                    {t.book_change_time}
                </a>
            </div>
        </ActionForm>
    }
}

/// The modal: a `<dialog>` shown with `showModal()`, so the page behind is inert, focus stays
/// inside, Esc closes it and the browser returns focus to the «Записаться» that opened it.
/// `open` holds the id of the cell being booked; `cells` the latest list (times refresh when a
/// booking is refused because a time was just taken).
#[component]
pub fn BookingDialog(
    open: RwSignal<Option<i64>>,
    cells: Signal<Vec<CellSummary>>,
    action: ServerAction<Book>,
) -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let time = RwSignal::new(None::<NaiveTime>);
    let cell = Memo::new(move |_| open.get().and_then(|id| cells.get().into_iter().find(|c| c.id == id)));
    let time_error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));

    Effect::new(move |_| {
        let Some(el) = dialog.get() else { return };
        if open.get().is_some() {
            if !el.open() {
                time.set(None);
                action.value().set(None);
                let _ = el.show_modal();
            }
        } else if el.open() {
            el.close();
        }
    });
    // A refused booking goes back to the times (now refreshed) and says why; success closes.
    Effect::new(move |_| match action.value().get() {
        Some(Ok(_)) => open.set(None),
        Some(Err(e)) if e.field_message("confirmed").is_none() => time.set(None),
        _ => {}
    });

    view! {
        <dialog node_ref=dialog class="booking-dialog" aria-labelledby="booking-dialog-title" on:close=move |_| open.set(None) data-testid="booking-dialog">
            <div class="booking-dialog__head">
                <h2 id="booking-dialog-title">{t.book_dialog_title}</h2>
                <button type="button" class="icon-button" aria-label=t.book_close on:click=move |_| open.set(None)>"×"</button>
            </div>
            <div class="booking-dialog__body">
                {move || match (cell.get(), time.get()) {
                    (None, _) => open.get().is_some().then(|| view! {
                        <p class="error-banner" role="alert">{t.book_page_missing}</p>
                    }.into_any()),
                    (Some(cell), None) => Some(view! {
                        <TimeStep
                            cell
                            on_choose=Callback::new(move |chosen| time.set(Some(chosen)))
                            error=time_error
                        />
                    }.into_any()),
                    (Some(cell), Some(chosen)) => Some(view! {
                        <SummaryStep cell time=chosen action on_back=Callback::new(move |_| time.set(None)) />
                    }.into_any()),
                }}
            </div>
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
                        <li class="booking-item" data-testid="booking" data-status=status.code()>
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
