//! The registrar's live queue (seed step 11): pending bookings oldest first, each with what is
//! needed to decide it; approve, or reject with a reason from the seed's list; mark visits.
//! Rows arrive and leave by themselves (live events); keys A/R/J/K speed up a day of work.

use crate::api::moderation::{moderation_queue, DecideBooking, MarkVisit};
use crate::domain::moderation::Warning;
use crate::domain::{BookingStatus, Coded, DonationType, Labelled, Locale, RejectionReason};
use crate::i18n::texts;
use crate::model::moderation::{QueueItem, QueueView};
use crate::ui::access::refused;
use crate::ui::forms::{ErrorSummary, FormError};
use crate::ui::links::with_query;
use crate::ui::live::use_private_live_events;
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ModerationPage() -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let decide = ServerAction::<DecideBooking>::new();
    let visit = ServerAction::<MarkVisit>::new();
    let live = RwSignal::new(0u32);
    use_private_live_events(move |_| live.update(|n| *n += 1));
    let queue = Resource::new(
        move || {
            let filter = (param("status"), param("date"), param("type"), param("after"));
            (filter, decide.version().get(), visit.version().get(), live.get())
        },
        |((status, date, kind, after), ..)| moderation_queue(status, date, kind, after),
    );
    let decide_error: FormError = Signal::derive(move || decide.value().get().and_then(Result::err));
    let visit_error: FormError = Signal::derive(move || visit.value().get().and_then(Result::err));
    keyboard_shortcuts();
    view! {
        <Title text=t.moderation_title />
        <h1>{t.moderation_title}</h1>
        <p class="muted">{t.moderation_lead}" "<a href="/staff/reception">{t.reception_title}</a>" · "<a href="/staff/donors">{crate::i18n::donors::donor_texts(locale).title}</a></p>
        <Filters status=param("status") date=param("date") kind=param("type") />
        <div aria-live="polite">
            <ErrorSummary error=decide_error />
            <ErrorSummary error=visit_error />
        </div>
        <Transition>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(list) if list.items.is_empty() => view! {
                        <p class="empty-state" data-testid="queue-empty">{t.moderation_empty}</p>
                        {param("after").map(|_| view! {
                            <p class="area-links">
                                <a href=page_link(param("status"), param("date"), param("type"), None)>{t.page_first}</a>
                            </p>
                        })}
                    }.into_any(),
                    Ok(list) => {
                        let shown = list.items.len();
                        let link = move |after: Option<i64>| page_link(param("status"), param("date"), param("type"), after);
                        view! {
                            <ol class="queue" data-testid="queue">
                                {list.items.into_iter().map(|item| view! { <QueueRow item decide visit locale /> }).collect_view()}
                            </ol>
                            {list.next_after.map(|_| view! {
                                <p class="notice" role="status" data-testid="queue-truncated">{(t.queue_more)(shown)}</p>
                            })}
                            <p class="area-links" data-testid="queue-pages">
                                {param("after").map(|_| view! { <a href=link(None)>{t.page_first}</a> })}
                                {list.next_after.map(|id| view! {
                                    <a href=link(Some(id)) data-testid="queue-next">{t.page_next}</a>
                                })}
                            </p>
                        }.into_any()
                    }
                    Err(error) => refused(error),
                }
            })}
        </Transition>
    }
}

/// The queue with these filters, from the booking after `after` (the first page without it).
fn page_link(status: Option<String>, date: Option<String>, kind: Option<String>, after: Option<i64>) -> String {
    let after = after.map(|id| id.to_string());
    let pairs = [
        ("status", status.as_deref()),
        ("date", date.as_deref()),
        ("type", kind.as_deref()),
        ("after", after.as_deref()),
    ];
    with_query("/staff/moderation", &pairs)
}

/// A GET form: the filters live in the URL, so they survive a reload and work without JS.
#[component]
fn Filters(status: Option<String>, date: Option<String>, kind: Option<String>) -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let status = status.unwrap_or_else(|| BookingStatus::Pending.code().to_owned());
    let kind = kind.unwrap_or_default();
    view! {
        <form method="get" action="/staff/moderation" class="queue-filters" data-testid="queue-filters">
            <div class="field">
                <label for="filter-status">{t.label_status}</label>
                <select id="filter-status" name="status">
                    {QueueView::all().map(|v| view! {
                        <option value=v.code() selected=status == v.code()>{v.label(locale)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-date">{t.label_date}</label>
                <input id="filter-date" type="date" name="date" value=date.unwrap_or_default() />
            </div>
            <div class="field">
                <label for="filter-type">{t.label_donation_type}</label>
                <select id="filter-type" name="type">
                    <option value="" selected=kind.is_empty()>{t.filter_all}</option>
                    {DonationType::ALL.iter().map(|k| view! {
                        <option value=k.code() selected=kind == k.code()>{k.label(locale)}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button button--secondary">{t.moderation_filter}</button>
        </form>
    }
}

fn warning_text(w: &Warning, locale: Locale) -> String {
    let t = texts(locale);
    match w {
        Warning::Interval(blocked) => format!("{}: {}", t.warning_interval, blocked.message(locale)),
        Warning::AnotherActiveBooking { date } => (t.warning_active)(&locale.format_date(*date)),
        Warning::DonorCodeChanged { on } => (t.warning_code)(&locale.format_date(*on)),
    }
}

#[component]
fn QueueRow(
    item: QueueItem,
    decide: ServerAction<DecideBooking>,
    visit: ServerAction<MarkVisit>,
    locale: Locale,
) -> impl IntoView {
    let t = texts(locale);
    let id = item.booking_id;
    let title_id = format!("booking-{id}");
    let labelled_by = title_id.clone();
    let history = if item.other_bookings.is_empty() {
        t.moderation_none.to_owned()
    } else {
        item.other_bookings
            .iter()
            .map(|o| format!("{} — {}", locale.format_date(o.date), o.status.label(locale)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let blood =
        format!("{} {} {}", item.blood.group.label(locale), item.blood.rh.label(locale), item.blood.kell.label(locale));
    let requested = item.requested_at.format("%d.%m.%Y %H:%M").to_string();
    view! {
        <li class="queue-item" tabindex="-1" data-testid="queue-item" data-booking=id aria-labelledby=labelled_by>
            <div class="queue-item__head">
                <h2 class="queue-item__title" id=title_id>
                    {format!("{} {}, {} · {}", locale.format_date(item.date), item.time.format("%H:%M"), item.donation_type.label(locale), item.place_name)}
                </h2>
                <span class=format!("status-badge status-badge--{}", item.status.code())>{item.status.label(locale)}</span>
            </div>
            <dl class="facts facts--compact">
                <div><dt>{t.label_email}</dt><dd>{item.donor_email.clone()}</dd></div>
                <div><dt>{t.label_blood_group}</dt><dd>{blood}</dd></div>
                <div><dt>{t.label_donor_code}</dt><dd>{item.donor_code.clone()}</dd></div>
                <div><dt>{t.moderation_last_donation}</dt><dd>{item.last_donation.map(|d| format!("{}, {}", locale.format_date(d.on), d.donation_type.label(locale))).unwrap_or_else(|| t.moderation_none.to_owned())}</dd></div>
                <div><dt>{t.moderation_history}</dt><dd>{history}</dd></div>
                <div><dt>{t.moderation_requested}</dt><dd>{requested}</dd></div>
                {item.decided_by.clone().map(|by| view! { <div><dt>{t.moderation_decided_by}</dt><dd>{by}</dd></div> })}
                {item.rejection_reason.map(|r| view! { <div><dt>{t.label_reason}</dt><dd>{r.label(locale)}</dd></div> })}
                {item.rejection_comment.clone().map(|c| view! {
                    <div><dt>{t.label_registrar_comment}</dt><dd data-testid="queue-comment">{c}</dd></div>
                })}
            </dl>
            {(!item.warnings.is_empty()).then(|| view! {
                <ul class="queue-item__warnings" data-testid="warnings">
                    {item.warnings.iter().map(|w| view! { <li>{warning_text(w, locale)}</li> }).collect_view()}
                </ul>
            })}
            {(item.status == BookingStatus::Pending).then(|| view! { <DecisionForms id decide locale /> })}
            {item.visit_markable.then(|| view! { <VisitMarks id visit class="queue-item__actions" /> })}
        </li>
    }
}

/// «Донация состоялась» / «Неявка» for one booking: the queue's and reception's buttons.
#[component]
pub fn VisitMarks(
    id: i64,
    visit: ServerAction<MarkVisit>,
    class: &'static str,
    #[prop(optional)] small: bool,
) -> impl IntoView {
    let t = texts(use_locale());
    let size = if small { " button--small" } else { "" };
    view! {
        <div class=class>
            <ActionForm action=visit attr:class="inline-form">
                <input type="hidden" name="booking_id" value=id />
                <input type="hidden" name="outcome" value="donated" />
                <button type="submit" class=format!("button{size}")>{t.moderation_donated}</button>
            </ActionForm>
            <ActionForm action=visit attr:class="inline-form">
                <input type="hidden" name="booking_id" value=id />
                <input type="hidden" name="outcome" value="no_show" />
                <button type="submit" class=format!("button button--secondary{size}")>{t.moderation_no_show}</button>
            </ActionForm>
        </div>
    }
}

#[component]
fn DecisionForms(id: i64, decide: ServerAction<DecideBooking>, locale: Locale) -> impl IntoView {
    let t = texts(locale);
    let reason_id = format!("reason-{id}");
    let comment_id = format!("comment-{id}");
    view! {
        <div class="queue-item__actions">
            <ActionForm action=decide attr:class="inline-form">
                <input type="hidden" name="booking_id" value=id />
                <input type="hidden" name="decision" value="approve" />
                <button type="submit" class="button" data-action="approve">{t.moderation_approve}</button>
            </ActionForm>
            <details class="reject">
                <summary class="button button--secondary" data-action="reject">{t.moderation_reject}"…"</summary>
                <ActionForm action=decide attr:class="form form--plain reject__form">
                    <input type="hidden" name="booking_id" value=id />
                    <input type="hidden" name="decision" value="reject" />
                    <div class="field">
                        <label for=reason_id.clone()>{t.moderation_reason}</label>
                        <select id=reason_id name="reason" required=true>
                            <option value="">"—"</option>
                            {RejectionReason::ALL.iter().map(|r| view! { <option value=r.code()>{r.label(locale)}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for=comment_id.clone()>{t.moderation_comment}</label>
                        <textarea id=comment_id name="comment" rows="2" maxlength="500"></textarea>
                    </div>
                    <button type="submit" class="button button--danger">{t.moderation_reject}</button>
                </ActionForm>
            </details>
        </div>
    }
}

/// J/K move between rows, A approves the focused one, R opens its rejection form. Ignored
/// while typing in a field.
fn keyboard_shortcuts() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let handle = window_event_listener(leptos::ev::keydown, |ev| {
            if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            let document = document();
            let active = document.active_element();
            let typing =
                active.as_ref().is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
            if typing {
                return;
            }
            let Ok(rows) = document.query_selector_all(".queue-item") else { return };
            let rows: Vec<web_sys::HtmlElement> =
                (0..rows.length()).filter_map(|i| rows.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect();
            let current = active.as_ref().and_then(|a| rows.iter().position(|r| r.contains(Some(a))));
            let focus = |i: usize| {
                if let Some(row) = rows.get(i) {
                    let _ = row.focus();
                }
            };
            let click = |selector: &str| {
                let target = current.and_then(|i| rows[i].query_selector(selector).ok().flatten());
                if let Some(el) = target.and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) {
                    el.click();
                }
            };
            match ev.key().as_str() {
                "j" | "J" => focus(current.map_or(0, |i| i + 1)),
                "k" | "K" => focus(current.map_or(0, |i| i.saturating_sub(1))),
                "a" | "A" => click("[data-action=approve]"),
                "r" | "R" => click("[data-action=reject]"),
                _ => return,
            }
            ev.prevent_default();
        });
        on_cleanup(move || handle.remove());
    }
}
