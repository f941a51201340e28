//! The admins' read-only audit log: who decided what, when, from which status to which.

use crate::api::moderation::audit_entries;
use crate::domain::Labelled;
use crate::i18n::texts;
use crate::model::moderation::AuditPage;
use crate::ui::access::refused;
use crate::ui::locale::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let query = use_query_map();
    let before = move || query.read().get("before").filter(|b| !b.is_empty());
    let entries = Resource::new(before, audit_entries);
    let status = move |s: Option<crate::domain::BookingStatus>| s.map(|s| s.label(locale)).unwrap_or("—");
    view! {
        <Title text=t.audit_title />
        <h1>{t.audit_title}</h1>
        <p class="muted">{t.audit_lead}</p>
        <Suspense>
            {move || Suspend::new(async move {
                match entries.await {
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
                                            <td>{r.staff_email.clone().unwrap_or_else(|| {
                                                // No staff member: the donor cancelled, or the system wrote it.
                                                if r.action == "donor_cancel" { t.audit_donor } else { t.audit_system }.to_owned()
                                            })}</td>
                                            <td>{r.booking_id.map(|id| format!("№{id}")).unwrap_or_default()}</td>
                                            <td>
                                                {match (t.audit_action_label)(&r.action) {
                                                    Some(label) => label.to_owned(),
                                                    None => format!("{} → {}", status(r.from_status), status(r.to_status)),
                                                }}
                                            </td>
                                            <td>
                                                {r.reason.map(|x| x.label(locale)).unwrap_or("")}
                                                {r.comment.clone().map(|c| format!(" — {c}"))}
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <p class="area-links" data-testid="audit-pages">
                            {before().map(|_| view! { <a href="/staff/audit">{t.audit_newest}</a> })}
                            {older.map(|id| view! { <a href=format!("/staff/audit?before={id}") data-testid="audit-older">{t.audit_older}</a> })}
                        </p>
                    }.into_any(),
                    Err(error) => refused(error),
                }
            })}
        </Suspense>
    }
}
