//! The registrar's donor search (`/staff/donors?q=…`) and donor page (`/staff/donors/:id`):
//! who the caller is, what they have booked and given, from when each donation type is open
//! to them, and which rules refused them lately.

use crate::api::donors::{caller_cells, donor_page, find_donors, BookForCaller};
use crate::domain::{Coded, Labelled};
use crate::i18n::donors::donor_texts;
use crate::i18n::texts;
use crate::model::donors::{DonorCard, DonorHit};
use crate::ui::access::refused;
use crate::ui::forms::{ErrorSummary, FormError};
use crate::ui::locale::use_locale;
use crate::ui::pages::sessions::format_local;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The address, or a note for a donor registered on the phone without one.
fn shown_email(email: &str, locale: crate::domain::Locale) -> String {
    if crate::domain::account::has_mailbox(email) {
        email.to_owned()
    } else {
        format!("({})", donor_texts(locale).no_email)
    }
}

fn blood_label(hit: &DonorHit, locale: crate::domain::Locale) -> String {
    format!("{} {} {}", hit.blood.group.label(locale), hit.blood.rh.label(locale), hit.blood.kell.label(locale))
}

#[component]
pub fn DonorSearchPage() -> impl IntoView {
    let locale = use_locale();
    let d = donor_texts(locale);
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let found = Resource::new(q, |q| async move {
        if q.trim().is_empty() {
            None
        } else {
            Some(find_donors(q).await)
        }
    });
    view! {
        <Title text=d.title />
        <h1>{d.title}</h1>
        <p class="muted">{d.lead}" "<a href="/staff/donors/new" data-testid="new-caller-link">{d.new_caller_link}</a></p>
        <form method="get" action="/staff/donors" class="queue-filters" role="search" data-testid="donor-search">
            <div class="field">
                <label for="donor-q">{d.search_label}</label>
                <input id="donor-q" type="search" name="q" value=q autocomplete="off" aria-describedby="donor-q-hint" />
                <p class="field__hint" id="donor-q-hint">{d.search_hint}</p>
            </div>
            <button type="submit" class="button">{d.search_submit}</button>
        </form>
        <Transition>
            {move || Suspend::new(async move {
                match found.await {
                    None => ().into_any(),
                    Some(Err(error @ crate::error::AppError::Validation { .. })) => {
                        let error: FormError = Signal::derive(move || Some(error.clone()));
                        view! { <ErrorSummary error /> <p class="error-banner" role="alert">{d.search_too_short}</p> }.into_any()
                    }
                    Some(Err(error)) => refused(error),
                    Some(Ok(hits)) if hits.is_empty() => view! { <p class="empty-state" data-testid="no-donors">{d.nothing_found}</p> }.into_any(),
                    Some(Ok(hits)) => view! {
                        <p class="muted" role="status">{(d.found)(hits.len())}</p>
                        <ul class="record-list" data-testid="donor-hits">
                            {hits.into_iter().map(|hit| {
                                let blood = blood_label(&hit, locale);
                                view! {
                                    <li>
                                        <a href=format!("/staff/donors/{}", hit.id)><strong>{shown_email(&hit.email, locale)}</strong></a>
                                        {format!(" · {} · {}", hit.donor_code, blood)}
                                        {(!hit.email_confirmed).then(|| view! { <span class="muted">{format!(" · {}", d.unconfirmed)}</span> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn DonorCardPage() -> impl IntoView {
    let locale = use_locale();
    let d = donor_texts(locale);
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let book = ServerAction::<BookForCaller>::new();
    let booked = use_query_map().read_untracked().get("booked").is_some();
    let registered = use_query_map().read_untracked().get("new").is_some();
    let card = Resource::new(move || (id(), book.version().get()), |(id, _)| donor_page(id));
    view! {
        <Title text=d.title />
        <p><a href="/staff/donors">{d.card_back}</a></p>
        {registered.then(|| view! { <p class="success-banner" role="status" data-testid="caller-registered">{d.new_caller_done}</p> })}
        <Transition>
            {move || Suspend::new(async move {
                match card.await {
                    Ok(card) => view! { <Card card /> }.into_any(),
                    Err(error) => refused(error),
                }
            })}
        </Transition>
        <CallerBooking donor_id=id() action=book booked />
    }
}

/// The open cells as this donor would see them, each bookable one with its free times and a
/// «Записать» button; the others say which rule refuses them.
#[component]
fn CallerBooking(donor_id: i64, action: ServerAction<BookForCaller>, booked: bool) -> impl IntoView {
    let locale = use_locale();
    let (t, d) = (texts(locale), donor_texts(locale));
    let cells = Resource::new(move || action.version().get(), move |_| caller_cells(donor_id));
    let error: FormError = Signal::derive(move || action.value().get().and_then(Result::err));
    let done = move || booked || matches!(action.value().get(), Some(Ok(_)));
    view! {
        <section class="panel" aria-labelledby="caller-title" data-testid="caller-booking">
            <h2 id="caller-title">{d.caller_title}</h2>
            <p class="muted">{d.caller_lead}</p>
            <div aria-live="polite">
                <Show when=done>
                    <p class="success-banner" role="status" data-testid="caller-booked">{d.caller_booked}</p>
                </Show>
                <ErrorSummary error />
            </div>
            <Transition>
                {move || Suspend::new(async move {
                    let view = match cells.await {
                        Ok(view) => view,
                        Err(error) => return refused(error),
                    };
                    if view.cells.is_empty() {
                        return view! { <p class="muted">{d.caller_no_cells}</p> }.into_any();
                    }
                    let donor = view.donor;
                    view! {
                        <ul class="record-list" data-testid="caller-cells">
                            {view.cells.into_iter().map(|cell| {
                                let refusal = donor.as_ref().and_then(|v| v.refusal(cell.id));
                                let heading = format!(
                                    "{}, {} · {} · {}",
                                    locale.format_date(cell.date), locale.weekday(cell.date),
                                    cell.donation_type.label(locale), cell.place_name
                                );
                                let body = match refusal {
                                    Some(blocked) => view! {
                                        <p class="muted" data-testid="caller-refused"><strong>{blocked.rule.short(locale)}". "</strong>{blocked.message(locale)}</p>
                                    }.into_any(),
                                    None => {
                                        let select_id = format!("caller-time-{}", cell.id);
                                        view! {
                                            <ActionForm action attr:class="inline-form caller-form">
                                                <input type="hidden" name="donor_id" value=donor_id />
                                                <input type="hidden" name="cell_id" value=cell.id />
                                                <label for=select_id.clone()>{d.caller_time}</label>
                                                <select id=select_id name="time">
                                                    {cell.times.iter().map(|ft| {
                                                        let hm = crate::domain::calendar::hh_mm(ft.start);
                                                        view! { <option value=hm.clone()>{format!("{hm} ({})", (t.places_short)(ft.free))}</option> }
                                                    }).collect_view()}
                                                </select>
                                                <button type="submit" class="button button--small">{d.caller_submit}</button>
                                            </ActionForm>
                                        }.into_any()
                                    }
                                };
                                view! { <li data-cell=cell.id><strong>{heading}</strong>{body}</li> }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Card(card: DonorCard) -> impl IntoView {
    let locale = use_locale();
    let (t, d) = (texts(locale), donor_texts(locale));
    let today = card.eligibility.today;
    let standing = match card.blocked {
        Some(blocked) => view! {
            <p class="notice notice--warning" role="status" data-testid="donor-blocked">
                <strong>{d.blocked_now}": "</strong>{blocked.rule.short(locale)}". "{blocked.message(locale)}
            </p>
        }
        .into_any(),
        None => view! { <p class="muted" data-testid="donor-free">{d.can_book_now}</p> }.into_any(),
    };
    view! {
        <h1 data-testid="donor-email">
            {if crate::domain::account::has_mailbox(&card.donor.email) {
                card.donor.email.clone()
            } else {
                format!("{} {}", card.donor.donor_code, shown_email(&card.donor.email, locale))
            }}
        </h1>
        <dl class="facts" data-testid="donor-profile">
            <div><dt>{t.label_donor_code}</dt><dd>{card.donor.donor_code.clone()}</dd></div>
            <div><dt>{t.label_blood_group}</dt><dd>{blood_label(&card.donor, locale)}</dd></div>
            <div><dt>{t.label_email}</dt><dd>{if card.donor.email_confirmed { "✓".to_owned() } else { d.unconfirmed.to_owned() }}</dd></div>
        </dl>
        {standing}
        <section class="panel" aria-labelledby="donor-eligibility" data-testid="donor-eligibility">
            <h2 id="donor-eligibility">{t.eligibility_title}</h2>
            <dl class="facts facts--compact">
                <div><dt>{t.eligibility_last}</dt><dd>{card.eligibility.last_donation.map(|l| format!("{}, {}", locale.format_date(l.on), l.donation_type.label(locale))).unwrap_or_else(|| t.eligibility_none.to_owned())}</dd></div>
                {card.eligibility.from.iter().map(|f| {
                    let when = if f.from <= today { t.eligibility_now.to_owned() } else { (t.eligibility_from)(&locale.format_date(f.from)) };
                    view! { <div data-type=f.donation_type.code()><dt>{f.donation_type.label(locale)}</dt><dd>{when}</dd></div> }
                }).collect_view()}
            </dl>
        </section>
        <section class="panel" aria-labelledby="donor-bookings">
            <h2 id="donor-bookings">{d.bookings}</h2>
            {if card.bookings.is_empty() { view! { <p class="muted">{d.none}</p> }.into_any() } else { view! {
                <ul class="record-list" data-testid="donor-bookings">
                    {card.bookings.into_iter().map(|b| view! {
                        <li>
                            <strong>{format!("{} {}", locale.format_date(b.date), crate::domain::calendar::hh_mm(b.time))}</strong>
                            {format!(" · {} · {} · ", b.donation_type.label(locale), b.place)}
                            <span class=format!("status-badge status-badge--{}", b.status.code())>{b.status.label(locale)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any() }}
        </section>
        <section class="panel" aria-labelledby="donor-donations">
            <h2 id="donor-donations">{d.donations}</h2>
            {if card.donations.is_empty() { view! { <p class="muted">{d.none}</p> }.into_any() } else { view! {
                <ul class="record-list">
                    {card.donations.into_iter().map(|g| view! { <li>{format!("{} · {}", locale.format_date(g.date), g.donation_type.label(locale))}</li> }).collect_view()}
                </ul>
            }.into_any() }}
        </section>
        <section class="panel" aria-labelledby="donor-refusals">
            <h2 id="donor-refusals">{d.refusals}</h2>
            <p class="muted">{d.refusals_note}</p>
            {if card.refusals.is_empty() { view! { <p class="muted">{d.none}</p> }.into_any() } else { view! {
                <ul class="record-list" data-testid="donor-refusals">
                    {card.refusals.into_iter().map(|r| {
                        let cell = match (r.cell_id, r.cell_date) {
                            (Some(id), Some(date)) => format!(" · {}", (d.refused_cell)(id, &locale.format_date(date))),
                            _ => String::new(),
                        };
                        let who = r.by_staff.unwrap_or_else(|| d.refused_by_donor.to_owned());
                        view! {
                            <li data-rule=r.rule.code()>
                                <strong>{format_local(r.at_local, locale)}</strong>
                                {format!(" · {}{cell} · {who}", r.rule.short(locale))}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any() }}
        </section>
    }
}
