//! The admins' read-only audit log: who decided what, when, from which status to which.

use crate::api::moderation::audit_entries;
use crate::domain::Labelled;
use crate::error::AppError;
use crate::i18n::texts;
use crate::model::moderation::{AuditKind, AuditPage, AuditQuery};
use crate::ui::access::refused;
use crate::ui::links::with_query;
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let filter = move || AuditQuery {
        before: param("before"),
        booking: param("booking"),
        who: param("who"),
        kind: param("kind"),
        from: param("from"),
        to: param("to"),
    };
    let entries = Resource::new(filter, |q| audit_entries(q.before, q.booking, q.who, q.kind, q.from, q.to));
    let status = move |s: Option<crate::domain::BookingStatus>| s.map(|s| s.label(locale)).unwrap_or("—");
    view! {
        <Title text=t.audit_title />
        <h1>{t.audit_title}</h1>
        <p class="muted">{t.audit_lead}</p>
        <Filters current=filter() />
        <Suspense>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(AuditPage { entries: rows, .. }) if rows.is_empty() => view! {
                        <p class="empty-state" data-testid="audit-empty">{t.audit_empty}</p>
                    }.into_any(),
                    Ok(AuditPage { entries: rows, older }) => view! {
                        <div class="table-wrap" tabindex="0" role="region" aria-label=t.audit_title>
                            <table class="table" data-testid="audit-log">
                                <thead>
                                    <tr>
                                        <th scope="col">{t.audit_when}</th>
                                        <th scope="col">{t.audit_who}</th>
                                        <th scope="col">{t.audit_booking}</th>
                                        <th scope="col">{t.audit_change}</th>
                                        <th scope="col">{t.label_reason}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows.into_iter().map(|r| view! {
                                        <tr>
                                            <td>{r.at.format("%d.%m.%Y %H:%M:%S").to_string()}</td>
                                            <td>{match (&r.staff_email, r.donor_id) {
                                                (Some(email), _) => email.clone(),
                                                (None, Some(id)) => (t.audit_donor_no)(id),
                                                // No one named: the donor cancelled, or the system wrote it.
                                                (None, None) if r.action == "donor_cancel" => t.audit_donor.to_owned(),
                                                // A failed login for an address that names no account.
                                                (None, None) if r.action.starts_with("sec_") => "—".to_owned(),
                                                (None, None) => t.audit_system.to_owned(),
                                            }}</td>
                                            <td>{r.booking_id.map(|id| format!("№{id}")).unwrap_or_default()}</td>
                                            <td>
                                                {match (t.audit_action_label)(&r.action) {
                                                    Some(label) => label.to_owned(),
                                                    None => format!("{} → {}", status(r.from_status), status(r.to_status)),
                                                }}
                                                {r.client_addr.clone().map(|ip| view! { <br /><span class="muted">{ip}</span> })}
                                            </td>
                                            <td>
                                                {match (r.reason.map(|x| x.label(locale)), r.comment.clone()) {
                                                    (Some(reason), Some(comment)) => format!("{reason} — {comment}"),
                                                    (Some(reason), None) => reason.to_owned(),
                                                    (None, comment) => comment.unwrap_or_default(),
                                                }}
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <p class="area-links" data-testid="audit-pages">
                            {param("before").map(|_| view! { <a href=page_link(&filter(), None)>{t.audit_newest}</a> })}
                            {older.map(|id| view! {
                                <a href=page_link(&filter(), Some(id)) data-testid="audit-older">{t.audit_older}</a>
                            })}
                        </p>
                    }.into_any(),
                    // The filter's fields are plain inputs: name what is wrong in words.
                    Err(AppError::Validation { errors }) => view! {
                        <div class="error-banner" role="alert" data-testid="audit-filter-error">
                            {errors.into_iter().map(|e| view! { <p>{e.message}</p> }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(error) => refused(error),
                }
            })}
        </Suspense>
    }
}

/// This filter's page of entries older than `before` (the newest page without it).
fn page_link(filter: &AuditQuery, before: Option<i64>) -> String {
    let before = before.map(|id| id.to_string());
    let pairs = [
        ("booking", filter.booking.as_deref()),
        ("who", filter.who.as_deref()),
        ("kind", filter.kind.as_deref()),
        ("from", filter.from.as_deref()),
        ("to", filter.to.as_deref()),
        ("before", before.as_deref()),
    ];
    with_query("/staff/audit", &pairs)
}

/// A GET form: the filter lives in the URL, so it survives a reload and works without JS.
#[component]
fn Filters(current: AuditQuery) -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let kind = current.kind.clone().unwrap_or_default();
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    view! {
        <form method="get" action="/staff/audit" class="queue-filters" data-testid="audit-filters">
            <div class="field">
                <label for="audit-booking">{t.audit_filter_booking}</label>
                <input id="audit-booking" name="booking" inputmode="numeric" value=value(&current.booking) />
            </div>
            <div class="field">
                <label for="audit-who">{t.audit_filter_who}</label>
                <input id="audit-who" name="who" type="search" value=value(&current.who) />
            </div>
            <div class="field">
                <label for="audit-kind">{t.audit_filter_kind}</label>
                <select id="audit-kind" name="kind">
                    <option value="" selected=kind.is_empty()>{t.filter_all}</option>
                    {AuditKind::ALL.map(|k| view! {
                        <option value=k.code() selected=kind == k.code()>{k.label(locale)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="audit-from">{t.audit_filter_from}</label>
                <input id="audit-from" name="from" type="date" value=value(&current.from) />
            </div>
            <div class="field">
                <label for="audit-to">{t.audit_filter_to}</label>
                <input id="audit-to" name="to" type="date" value=value(&current.to) />
            </div>
            <button type="submit" class="button button--secondary">{t.audit_filter_submit}</button>
            <a class="button button--secondary" href="/staff/audit">{t.audit_filter_reset}</a>
        </form>
    }
}
