//! Issue 14 on both backends: the visit reminder (once, whatever runs it how often), "tell me
//! when my group is needed" (only donors who could book, once a day, unsubscribe without a
//! login), sessions listed and ended, and the donor's data exported and destroyed.

use crate::support::api::Api;
use crate::support::fixture::{moscow_today, time, Fixture, A_POS};
use crate::support::smtp::link_containing;
use crate::support::{login, staff_api, Backend, ServerOptions, TestServer};
use chrono::{Days, Utc};
use donor_booking::api::booking::CancelBooking;
use donor_booking::api::moderation::DecideBooking;
use donor_booking::api::privacy::{
    DeleteAccount, EndOtherSessions, EndSession, MyAlerts, MyData, MySessions, SetAlerts,
};
use donor_booking::domain::{BloodGroup, BloodProfile, BookingStatus, DonationType, Kell, Rh};
use donor_booking::error::AppError;
use donor_booking::server::db::cells::{create_cell, NewCell};
use reqwest::StatusCode;
use sqlx::Row;
use tokio::process::Command;

const PASSWORD: &str = "river-violet-anchor-42";

/// Reminders are due from midnight, so the tests need not move the clock.
fn options() -> ServerOptions {
    ServerOptions { demo_data: false, env: vec![("REMINDER_HOUR", "0")], ..Default::default() }
}

/// One round of the notice jobs by the CLI: a separate process, like another instance.
async fn notify(server: &TestServer) -> String {
    let output = Command::new(crate::support::binary())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("notify")
        .env("DATABASE_URL", &server.db.url)
        .env("PUBLIC_URL", &server.base)
        .env("REMINDER_HOUR", "0")
        .env("LOG_LEVEL", "warn")
        .output()
        .await
        .expect("run notify");
    assert!(output.status.success(), "notify: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn registrar(server: &TestServer) -> Api {
    staff_api(server, "registrar@centre.example", "registrar", "registrar-long-phrase-1").await
}

fn approve(booking_id: i64) -> DecideBooking {
    DecideBooking { booking_id, decision: "approve".into(), reason: None, comment: None }
}

/// A cell on `date` needing A(II) Rh+ donors, made as the planner's store makes one (which
/// marks its alerts due).
async fn cell_on(f: &Fixture, days_ahead: u64, kind: DonationType) -> i64 {
    let cell = NewCell {
        place_name: "Центр крови",
        place_address: "ул. Донорская, 1",
        date: moscow_today() + Days::new(days_ahead),
        donation_type: kind,
        slots: vec![(time("09:00"), 4), (time("09:30"), 4)],
        needs: vec![(BloodGroup::A, Rh::Positive, false, 6)],
    };
    create_cell(&f.db, &cell, Utc::now()).await.expect("create cell").expect("new cell")
}

/// A donor who can log in with [`PASSWORD`] (synthetic donors cannot): id and a client.
async fn donor_with_password(f: &Fixture, prefix: &str) -> (i64, Api, String) {
    let (id, _) = f.donors(prefix, 1, A_POS).await.remove(0);
    let hash = donor_booking::server::auth::passwords::Passwords::new(1).unwrap().hash(PASSWORD).await.unwrap();
    let pool = f.server.db.pool().await;
    sqlx::query("UPDATE donors SET password_hash = $1, donor_code = 'RIGHTS42' WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    let email = format!("{prefix}-0@synthetic.invalid");
    let (client, _) = login(&f.server, &email, PASSWORD).await;
    (id, Api::from_client(&f.server.base, client), email)
}

async fn reminders_of(f: &Fixture, booking: i64) -> i64 {
    let pool = f.server.db.pool().await;
    sqlx::query("SELECT COUNT(*) FROM mail_outbox WHERE recall_key = $1")
        .bind(format!("reminder:{booking}"))
        .fetch_one(&pool)
        .await
        .unwrap()
        .get::<i64, _>(0)
}

async fn the_reminder_goes_once_and_never_for_a_cancelled_visit(backend: Backend) {
    let f = Fixture::start_with(backend, options()).await;
    let cell = f.cell(1, DonationType::Plasma, &[("09:00", 3), ("09:30", 3)], 4).await;
    let registrar = registrar(&f.server).await;
    let (_, coming) = f.donor("coming").await;
    let (_, not_coming) = f.donor("notcoming").await;
    let (_, pending) = f.donor("pending").await;
    let kept = coming.book(cell, "09:00").await.unwrap();
    let dropped = not_coming.book(cell, "09:30").await.unwrap();
    let undecided = pending.book(cell, "09:30").await.unwrap();
    registrar.call(approve(kept)).await.unwrap();
    registrar.call(approve(dropped)).await.unwrap();
    not_coming.call(CancelBooking { booking_id: dropped }).await.unwrap();

    // Two instances and two runs at once, then the server's own job: one reminder.
    let sibling = f.server.sibling().await;
    let (a, b) = tokio::join!(notify(&f.server), notify(&f.server));
    assert!(a.contains("reminders") && b.contains("reminders"), "{a} / {b}");
    notify(&f.server).await;
    drop(sibling);
    assert_eq!(reminders_of(&f, kept).await, 1, "exactly one reminder for the approved visit");
    assert_eq!(reminders_of(&f, dropped).await, 0, "none for a cancelled one");
    assert_eq!(reminders_of(&f, undecided).await, 0, "none for one not approved");

    // What the donor reads: date, time, place, what to bring, and a link that cancels.
    let mail = f.server.delivered("coming-0@synthetic.invalid", "Напоминание: завтра донация").await;
    let tomorrow = moscow_today() + Days::new(1);
    assert!(mail.text.contains(&tomorrow.format("%d.%m.%Y").to_string()), "{}", mail.text);
    assert!(mail.text.contains("09:00") && mail.text.contains("ул. Донорская, 1"), "{}", mail.text);
    assert!(mail.text.contains("паспорт"), "what to bring: {}", mail.text);
    let cancel = link_containing(&mail.text, "/booking/cancel?").expect("a cancel link");
    // Whichever instance queued it wrote its own public address: the path is what counts.
    let path = cancel[cancel.find("/booking/cancel?").unwrap()..].to_owned();
    // Opening the link changes nothing; the page shows the booking and a button.
    let page = f.server.get_html(&path).await;
    assert!(page.contains("data-testid=\"linked-booking\"") && page.contains("09:00"), "{page}");
    assert_eq!(f.scalar("SELECT COUNT(*) FROM bookings WHERE id = $1 AND status = 'approved'", kept).await, 1);
    // A forged signature is refused; the real one cancels through the donor's cancellation.
    let query: Vec<(String, String)> = url_query(&cancel);
    let id = query.iter().find(|(k, _)| k == "id").unwrap().1.clone();
    let sig = query.iter().find(|(k, _)| k == "sig").unwrap().1.clone();
    let anonymous = f.anonymous();
    let forged = anonymous.call(donor_booking::api::privacy::CancelByLink { id: kept, sig: "AAAA".into() }).await;
    assert_eq!(forged, Err(AppError::NotFound));
    let other = anonymous.call(donor_booking::api::privacy::CancelByLink { id: undecided, sig: sig.clone() }).await;
    assert_eq!(other, Err(AppError::NotFound), "a signature fits only its own booking");
    assert_eq!(id, kept.to_string());
    anonymous.call(donor_booking::api::privacy::CancelByLink { id: kept, sig: sig.clone() }).await.unwrap();
    assert_eq!(f.scalar("SELECT COUNT(*) FROM bookings WHERE id = $1 AND status = 'cancelled'", kept).await, 1);
    assert_eq!(f.scalar("SELECT booked FROM time_slots WHERE cell_id = $1 AND start = '09:00:00'", cell).await, 0);
    f.server.delivered("coming-0@synthetic.invalid", "Запись на донацию отменена").await;
    let again = anonymous.call(donor_booking::api::privacy::CancelByLink { id: kept, sig }).await;
    assert!(matches!(again, Err(AppError::Conflict { .. })), "{again:?}");
}

fn url_query(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    query.split('&').filter_map(|p| p.split_once('=')).map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

fn alerts_on(types: &[DonationType]) -> SetAlerts {
    let has = |t| types.contains(&t).then(|| "on".to_owned());
    SetAlerts {
        enabled: Some("on".into()),
        whole_blood: has(DonationType::WholeBlood),
        plasma: has(DonationType::Plasma),
        platelets: has(DonationType::Platelets),
        erythrocytes: has(DonationType::Erythrocytes),
    }
}

async fn alert_recipients(f: &Fixture) -> Vec<String> {
    let pool = f.server.db.pool().await;
    let rows = sqlx::query("SELECT recipient FROM mail_outbox WHERE list_unsubscribe IS NOT NULL ORDER BY recipient")
        .fetch_all(&pool)
        .await
        .unwrap();
    rows.iter().map(|r| r.get::<String, _>(0)).collect()
}

async fn alerts_reach_only_donors_who_could_book_once_a_day(backend: Backend) {
    let f = Fixture::start_with(backend, options()).await;
    let (_, eager) = f.donor("eager").await;
    let (_, cancelled) = f.donor("cancelled").await;
    let (resting, recent) = f.donor("resting").await;
    let (_, platelets_only) = f.donor("platelets").await;
    let (_, quiet) = f.donor("quiet").await;
    let o_neg = BloodProfile { group: BloodGroup::O, rh: Rh::Negative, kell: Kell::Negative };
    let (other_id, other_group) = f.donors("ogroup", 1, o_neg).await.remove(0);
    let other_group = f.api(&other_group);

    for api in [&eager, &cancelled, &recent, &other_group] {
        assert!(api.call(alerts_on(&[])).await.unwrap().enabled);
    }
    platelets_only.call(alerts_on(&[DonationType::Platelets])).await.unwrap();
    assert_eq!(
        platelets_only.call(MyAlerts {}).await.unwrap().donation_types,
        vec![DonationType::Platelets],
        "the cabinet shows what was chosen"
    );
    assert!(!quiet.call(MyAlerts {}).await.unwrap().enabled, "off until switched on");
    // R4: cancelled a booking today. R5: gave whole blood three days ago.
    let early = f.cell(3, DonationType::WholeBlood, &[("09:00", 2)], 2).await;
    let b = cancelled.book(early, "09:00").await.unwrap();
    cancelled.call(CancelBooking { booking_id: b }).await.unwrap();
    f.gave(resting, 3, DonationType::WholeBlood).await;
    // The fixture's cell above is due too; clear the slate: alerts only count from here.
    notify(&f.server).await;
    let pool = f.server.db.pool().await;
    sqlx::query("UPDATE need_alerts SET last_sent_on = NULL").execute(&pool).await.unwrap();
    sqlx::query("DELETE FROM mail_outbox WHERE list_unsubscribe IS NOT NULL").execute(&pool).await.unwrap();

    cell_on(&f, 5, DonationType::Plasma).await;
    notify(&f.server).await;
    notify(&f.server).await;
    assert_eq!(alert_recipients(&f).await, ["eager-0@synthetic.invalid"], "only the donor who could book, once");

    // Another cell the same day: no second e-mail.
    cell_on(&f, 6, DonationType::Plasma).await;
    notify(&f.server).await;
    assert_eq!(alert_recipients(&f).await.len(), 1, "at most one a day");

    // The e-mail: the cell, a booking link, an unsubscribe link and the one-click header.
    let mail = f.server.delivered("eager-0@synthetic.invalid", "Нужна Ваша группа крови: есть свободное время").await;
    assert!(mail.text.contains("Плазма"), "{}", mail.text);
    assert!(link_containing(&mail.text, "/cabinet/book/").is_some(), "{}", mail.text);
    let off = link_containing(&mail.text, "/alerts/off?").expect("an unsubscribe link");
    let raw = raw_mail_to(&f.server, "eager-0@synthetic.invalid").await;
    assert!(raw.contains("List-Unsubscribe: <") && raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));

    // Unsubscribing needs no session: the page, then its button; a forged link changes nothing.
    let page = f.server.get_html(&off[off.find("/alerts/off?").unwrap()..]).await;
    assert!(page.contains("data-testid=\"alerts-off\""), "{page}");
    let q = url_query(&off);
    let (id, sig) = (q[0].1.parse::<i64>().unwrap(), q[1].1.clone());
    let anonymous = f.anonymous();
    let forged = anonymous.call(donor_booking::api::privacy::AlertsOff { id: id + 1, sig: sig.clone() }).await;
    assert_eq!(forged, Err(AppError::NotFound));
    anonymous.call(donor_booking::api::privacy::AlertsOff { id, sig: sig.clone() }).await.unwrap();
    assert!(!eager.call(MyAlerts {}).await.unwrap().enabled, "switched off by the link");

    // RFC 8058 one-click: a mail client posts from another site, without cookies.
    let one_click = f
        .http
        .post(f.server.url(&format!("/alerts/off/one-click?id={id}&sig={sig}")))
        .header("sec-fetch-site", "cross-site")
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(one_click.status(), StatusCode::OK);
    let forged = f
        .http
        .post(f.server.url(&format!("/alerts/off/one-click?id={other_id}&sig={sig}")))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::NOT_FOUND);
    assert!(other_group.call(MyAlerts {}).await.unwrap().enabled, "another donor's subscription stays");
}

/// The raw message (headers included) the file transport wrote to `to`.
async fn raw_mail_to(server: &TestServer, to: &str) -> String {
    for entry in std::fs::read_dir(server.mail_dir.path()).unwrap() {
        let raw = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        if raw.contains(to) && raw.contains("List-Unsubscribe") {
            return raw;
        }
    }
    panic!("no alert to {to} on disk");
}

async fn sessions_are_listed_and_ended(backend: Backend) {
    let f = Fixture::start_with(backend, options()).await;
    let (_, phone, _) = donor_with_password(&f, "sess").await;
    let (laptop, _) = login(&f.server, "sess-0@synthetic.invalid", PASSWORD).await;
    let laptop = Api::from_client(&f.server.base, laptop);
    let list = phone.call(MySessions {}).await.unwrap();
    // The synthetic session, the phone and the laptop.
    assert_eq!(list.sessions.len(), 3, "{list:?}");
    assert_eq!(list.sessions.iter().filter(|s| s.current).count(), 1);
    let moscow = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Moscow).naive_local();
    assert!((list.sessions[0].last_seen_local - moscow).num_minutes().abs() < 5, "times on the centre's clock");
    let laptop_handle = laptop.call(MySessions {}).await.unwrap().sessions.into_iter().find(|s| s.current).unwrap();
    phone.call(EndSession { handle: laptop_handle.handle.clone() }).await.unwrap();
    assert_eq!(laptop.call(MySessions {}).await, Err(AppError::Unauthorized), "the laptop is logged out");
    assert_eq!(phone.call(EndSession { handle: laptop_handle.handle }).await, Err(AppError::NotFound));
    assert_eq!(phone.call(EndOtherSessions {}).await.unwrap(), 1, "the synthetic session");
    let left = phone.call(MySessions {}).await.unwrap().sessions;
    assert!(left.len() == 1 && left[0].current);

    // Staff see theirs; nobody ends another account's session.
    let registrar = registrar(&f.server).await;
    let staff = registrar.call(MySessions {}).await.unwrap();
    assert_eq!(staff.sessions.len(), 1);
    assert_eq!(phone.call(EndSession { handle: staff.sessions[0].handle.clone() }).await, Err(AppError::NotFound));
    assert!(registrar.call(MySessions {}).await.is_ok());
    assert_eq!(f.anonymous().call(MySessions {}).await, Err(AppError::Unauthorized));
}

async fn a_donor_exports_then_deletes_everything(backend: Backend) {
    let f = Fixture::start_with(backend, options()).await;
    let cell = f.cell(2, DonationType::Plasma, &[("09:00", 2)], 2).await;
    let (donor, api, email) = donor_with_password(&f, "leaving").await;
    api.call(alerts_on(&[DonationType::Plasma])).await.unwrap();
    f.gave(donor, 40, DonationType::WholeBlood).await;
    let booking = api.book(cell, "09:00").await.unwrap();
    registrar(&f.server).await.call(approve(booking)).await.unwrap();
    // A failed login with the address is personal data too.
    let _ =
        f.http.post(f.server.url("/api/login")).form(&[("email", email.as_str()), ("password", "wrong")]).send().await;

    // The export: profile, consent with its text, the booking, the donation, mail, logins.
    let data = api.call(MyData {}).await.unwrap();
    assert_eq!(data.profile.email, email);
    assert_eq!(data.profile.donor_code, "RIGHTS42");
    assert_eq!(data.bookings.len(), 1);
    assert_eq!(data.bookings[0].status, BookingStatus::Approved);
    assert_eq!(data.donations.len(), 1);
    assert!(data.alerts.enabled && data.alerts.donation_types == [DonationType::Plasma]);
    assert!(data.mail.iter().any(|m| m.subject == "Запись на донацию подтверждена"), "{:?}", data.mail);
    assert!(data.account_events.iter().any(|e| e.action == "sec_login"), "{:?}", data.account_events);
    assert!(!data.sessions.is_empty());
    let json = api.http.get(f.server.url("/cabinet/data.json")).send().await.unwrap();
    assert_eq!(json.status(), StatusCode::OK);
    assert!(json.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let json: serde_json::Value = json.json().await.unwrap();
    assert_eq!(json["profile"]["email"], email.as_str());
    let page = f.server.client().get(f.server.url("/cabinet/data.json")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER, "no session, no data");

    // Deleting needs the password, the typed word and the grounds; a refusal deletes nothing.
    let delete = |password: &str, word: &str, reason: Option<&str>| DeleteAccount {
        password: password.into(),
        confirmation: word.into(),
        reason: reason.map(Into::into),
    };
    let wrong = api.call(delete("not-my-password", "УДАЛИТЬ", Some("donor_request"))).await;
    assert!(matches!(&wrong, Err(e) if e.field_message("password").is_some()), "{wrong:?}");
    let unconfirmed = api.call(delete(PASSWORD, "да", None)).await;
    assert!(
        matches!(&unconfirmed, Err(e) if e.field_message("confirmation").is_some() && e.field_message("reason").is_some()),
        "{unconfirmed:?}"
    );
    assert_eq!(f.scalar("SELECT COUNT(*) FROM donors WHERE id = $1", donor).await, 1);
    api.call(delete(PASSWORD, " удалить ", Some("consent_withdrawn"))).await.unwrap();

    // The places return; the session is gone; the destruction is recorded without personal data.
    assert_eq!(f.scalar("SELECT booked FROM time_slots WHERE cell_id = $1", cell).await, 0);
    assert_eq!(f.scalar("SELECT CAST(SUM(booked) AS BIGINT) FROM group_quotas WHERE cell_id = $1", cell).await, 0);
    assert_eq!(api.call(MyData {}).await, Err(AppError::Unauthorized));
    assert_eq!(f.count("SELECT COUNT(*) FROM data_destructions WHERE reason = 'consent_withdrawn'").await, 1);
    assert!(
        f.count("SELECT COUNT(*) FROM audit_log WHERE erased_in IS NOT NULL").await >= 3,
        "login, approval, erasure"
    );
    assert_eq!(
        f.count(&format!("SELECT COUNT(*) FROM audit_log WHERE booking_id = {booking} AND action = 'decide' AND to_status = 'approved'")).await,
        1,
        "the registrar's decision stays on record"
    );
    // No table holds the address, the donor code or the donor's id.
    let leftovers = personal_data_left(&f.server, &[&email, "RIGHTS42"], donor).await;
    assert!(leftovers.is_empty(), "personal data left: {leftovers:?}");
    // The address is free again.
    assert_eq!(
        f.count(&format!("SELECT COUNT(*) FROM donors WHERE email = '{email}'")).await,
        0,
        "the address can register again"
    );
}

/// Every table, every row as text: which (table, needle) pairs still hold the donor, and
/// which tables with a `donor_id` column still point at them.
async fn personal_data_left(server: &TestServer, needles: &[&str], donor_id: i64) -> Vec<String> {
    let pool = server.db.pool().await;
    let tables: Vec<String> = match server.db.backend {
        Backend::Sqlite => sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"),
        Backend::Postgres => sqlx::query(
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
        ),
    }
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get::<String, _>(0))
    .collect();
    assert!(tables.len() >= 15, "the schema's tables: {tables:?}");
    let mut found = Vec::new();
    // sqlx's own bookkeeping holds migration checksums, nobody's data.
    for table in tables.into_iter().filter(|t| !t.starts_with("_sqlx")) {
        let sql = match server.db.backend {
            Backend::Sqlite => format!("SELECT name FROM pragma_table_info('{table}')"),
            Backend::Postgres => format!(
                "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name = '{table}'"
            ),
        };
        let columns: Vec<String> =
            sqlx::query(&sql).fetch_all(&pool).await.unwrap().iter().map(|r| r.get::<String, _>(0)).collect();
        let row_text = columns
            .iter()
            .map(|c| format!("COALESCE(CAST(\"{c}\" AS TEXT), '')"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let rows: Vec<String> = sqlx::query(&format!("SELECT {row_text} FROM {table}"))
            .fetch_all(&pool)
            .await
            .unwrap_or_else(|e| panic!("{table}: {e}"))
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect();
        for needle in needles {
            if rows.iter().any(|row| row.to_lowercase().contains(&needle.to_lowercase())) {
                found.push(format!("{table}: {needle}"));
            }
        }
        if columns.iter().any(|c| c == "donor_id") {
            let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM {table} WHERE donor_id = {donor_id}"))
                .fetch_one(&pool)
                .await
                .unwrap()
                .get(0);
            if n > 0 {
                found.push(format!("{table}: donor_id {donor_id} ({n} rows)"));
            }
        }
    }
    found
}

on_both_backends!(
    the_reminder_goes_once_and_never_for_a_cancelled_visit,
    alerts_reach_only_donors_who_could_book_once_a_day,
    sessions_are_listed_and_ended,
    a_donor_exports_then_deletes_everything,
);
