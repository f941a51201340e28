//! Registrars deciding bookings, visits, the audit log, and live events — on both backends,
//! and across two server instances on PostgreSQL.

mod common;

use chrono::{Days, NaiveDate, NaiveTime, Utc};
use common::smtp::SmtpSink;
use common::{staff_session, Backend, ServerOptions, TestServer};
use donor_booking::domain::{BloodGroup, BloodProfile, DonationType, Kell, Rh};
use donor_booking::server::db::cells::{create_cell, NewCell};
use donor_booking::server::db::Db;
use donor_booking::server::synthetic::donors_with_sessions;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::Row;
use std::time::Duration;

const A_POS: BloodProfile = BloodProfile { group: BloodGroup::A, rh: Rh::Positive, kell: Kell::Negative };

fn moscow_today() -> NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Europe::Moscow).date_naive()
}

struct Fixture {
    server: TestServer,
    db: Db,
    cell: i64,
}

impl Fixture {
    async fn start(backend: Backend) -> Fixture {
        Fixture::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await
    }

    async fn start_with(backend: Backend, options: ServerOptions) -> Fixture {
        let server = TestServer::start_with(backend, options).await;
        let db = Db::connect(&server.db.url).await.unwrap();
        let cell = NewCell {
            place_name: "Центр крови",
            place_address: "ул. Донорская, 1",
            date: moscow_today() + Days::new(2),
            donation_type: DonationType::Plasma,
            slots: vec![
                (NaiveTime::from_hms_opt(9, 0, 0).unwrap(), 5),
                (NaiveTime::from_hms_opt(9, 30, 0).unwrap(), 5),
            ],
            needs: vec![(BloodGroup::A, Rh::Positive, false, 8)],
        };
        let cell = create_cell(&db, &cell, Utc::now()).await.unwrap().unwrap();
        Fixture { server, db, cell }
    }

    /// A donor with a session and a pending booking at 09:00; returns (donor id, session, booking id).
    async fn booked_donor(&self, name: &str) -> (i64, String, i64) {
        let (donor, session) = donors_with_sessions(&self.db, name, 1, A_POS, Utc::now()).await.unwrap().remove(0);
        let (status, body) = post(
            &self.server,
            Some(&session),
            "book",
            &[("cell_id", self.cell.to_string()), ("time", "09:00".into()), ("confirmed", "on".into())],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (donor, session, body.as_i64().unwrap())
    }

    async fn count(&self, sql: &str) -> i64 {
        let pool = self.server.db.pool().await;
        sqlx::query(sql).fetch_one(&pool).await.unwrap().get::<i64, _>(0)
    }
}

async fn post(
    server: &TestServer,
    session: Option<&str>,
    endpoint: &str,
    form: &[(&str, String)],
) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().post(server.url(&format!("/api/{endpoint}"))).form(form);
    if let Some(session) = session {
        req = req.header("cookie", format!("session={session}"));
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn registrar(server: &TestServer, n: u32) -> reqwest::Client {
    staff_session(server, &format!("registrar{n}@centre.example"), "registrar", "registrar-long-phrase-1").await
}

/// The registrar approves; the answer must be OK.
async fn approve(server: &TestServer, registrar: &reqwest::Client, booking: i64) {
    let resp =
        registrar.post(server.url("/api/decide_booking")).form(&decide(booking, "approve", None)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

fn decide(booking: i64, decision: &str, reason: Option<&str>) -> Vec<(&'static str, String)> {
    let mut form = vec![("booking_id", booking.to_string()), ("decision", decision.to_owned())];
    if let Some(reason) = reason {
        form.push(("reason", reason.to_owned()));
    }
    form
}

/// An SSE subscription: the events' JSON payloads, as they arrive.
struct Subscription {
    resp: reqwest::Response,
    buffer: String,
}

impl Subscription {
    async fn open(base: &str, session: Option<&str>) -> Subscription {
        let mut req = reqwest::Client::new().get(format!("{base}/events"));
        if let Some(session) = session {
            req = req.header("cookie", format!("session={session}"));
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
        let mut sub = Subscription { resp, buffer: String::new() };
        // The stream says "ready" first: from then on nothing is missed.
        let ready = sub.next_frame(Duration::from_secs(5)).await.expect("ready");
        assert!(ready.starts_with("event: ready"), "{ready}");
        sub
    }

    async fn next_frame(&mut self, within: Duration) -> Option<String> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                if frame.trim().starts_with(':') {
                    continue; // keep-alive comment
                }
                return Some(frame);
            }
            let chunk = tokio::time::timeout_at(deadline, self.resp.chunk()).await.ok()?.ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The next event's payload whose kind is `kind`, within the time given.
    async fn next_of(&mut self, kind: &str, within: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let frame = self.next_frame(left).await?;
            let data = frame.lines().find_map(|l| l.strip_prefix("data:"))?.trim().to_owned();
            let value: Value = serde_json::from_str(&data).ok()?;
            if value["event"]["kind"] == kind {
                return Some(value);
            }
        }
    }
}

async fn two_registrars_decide_a_booking_once(backend: Backend) {
    let f = Fixture::start(backend).await;
    let (_, _, booking) = f.booked_donor("race").await;
    let (r1, r2) = (registrar(&f.server, 1).await, registrar(&f.server, 2).await);
    let call = |client: reqwest::Client, form: Vec<(&'static str, String)>| {
        let url = f.server.url("/api/decide_booking");
        tokio::spawn(async move {
            let resp = client.post(url).form(&form).send().await.unwrap();
            (resp.status(), resp.json::<Value>().await.unwrap_or(Value::Null))
        })
    };
    let a = call(r1, decide(booking, "approve", None));
    let b = call(r2, decide(booking, "reject", Some("medical_deferral")));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{a:?} {b:?}");
    let loser = if a.0 == StatusCode::CONFLICT { &a.1 } else { &b.1 };
    let message = loser["Conflict"]["message"].as_str().unwrap();
    assert!(message.contains("registrar") && message.contains("@centre.example"), "names who decided: {message}");
    let audit =
        f.count(&format!("SELECT COUNT(*) FROM audit_log WHERE booking_id = {booking} AND action = 'decide'")).await;
    assert_eq!(audit, 1, "one transition, one audit row");
    let winner = if a.0 == StatusCode::OK { "approved" } else { "rejected" };
    let status: String = sqlx::query(&format!("SELECT status FROM bookings WHERE id = {booking}"))
        .fetch_one(&f.server.db.pool().await)
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, winner);
}

async fn approval_reaches_the_donor_live_with_a_calendar_mail(backend: Backend) {
    let f = Fixture::start(backend).await;
    let (_, session, booking) = f.booked_donor("live").await;
    let (_, other_session, other_booking) = f.booked_donor("other").await;
    let mut mine = Subscription::open(&f.server.base, Some(&session)).await;
    let mut theirs = Subscription::open(&f.server.base, Some(&other_session)).await;
    let mut public = Subscription::open(&f.server.base, None).await;
    let registrar = registrar(&f.server, 1).await;

    approve(&f.server, &registrar, booking).await;
    let event = mine.next_of("booking_changed", Duration::from_secs(1)).await.expect("the donor hears within 1 s");
    assert_eq!(event["event"]["booking_id"], booking);
    assert_eq!(event["event"]["status"], "Approved");
    assert!(event.to_string().find("@").is_none(), "no e-mail address in events");

    // Another donor and an anonymous page hear nothing of it.
    assert!(theirs.next_of("booking_changed", Duration::from_millis(500)).await.is_none());
    assert!(public.next_of("booking_changed", Duration::from_millis(200)).await.is_none());

    // Rejecting the other booking frees its place: everyone hears the cell changed.
    let form = decide(other_booking, "reject", Some("other"));
    assert_eq!(
        registrar.post(f.server.url("/api/decide_booking")).form(&form).send().await.unwrap().status(),
        StatusCode::OK
    );
    let cell = public.next_of("cell_changed", Duration::from_secs(1)).await.expect("cell event");
    assert_eq!(cell["event"]["cell_id"], f.cell);
    assert_eq!(theirs.next_of("booking_changed", Duration::from_secs(1)).await.unwrap()["event"]["status"], "Rejected");

    let pool = f.server.db.pool().await;
    let row = sqlx::query(
        "SELECT subject, attachment_name, attachment_body FROM mail_outbox WHERE recipient = 'live-0@synthetic.invalid' ORDER BY id DESC",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>(0), "Запись на донацию подтверждена");
    assert_eq!(row.get::<Option<String>, _>(1).as_deref(), Some("donation.ics"));
    assert!(row.get::<Option<String>, _>(2).unwrap().contains("BEGIN:VEVENT"));
    let rejected: String =
        sqlx::query("SELECT text_body FROM mail_outbox WHERE recipient = 'other-0@synthetic.invalid' ORDER BY id DESC")
            .fetch_one(&pool)
            .await
            .unwrap()
            .get(0);
    assert!(rejected.contains("при личном обращении"), "{rejected}");
    assert_eq!(
        f.count(&format!("SELECT CAST(SUM(booked) AS BIGINT) FROM time_slots WHERE cell_id = {}", f.cell)).await,
        1
    );
}

async fn visits_set_the_last_donation_and_the_audit_log_is_for_admins(backend: Backend) {
    let f = Fixture::start(backend).await;
    let (donor, _, booking) = f.booked_donor("visit").await;
    let registrar = registrar(&f.server, 1).await;
    let visit = |outcome: &str| {
        registrar
            .post(f.server.url("/api/mark_visit"))
            .form(&[("booking_id", booking.to_string()), ("outcome", outcome.to_owned())])
            .send()
    };
    assert_eq!(visit("donated").await.unwrap().status(), StatusCode::CONFLICT, "a pending booking has no visit");
    approve(&f.server, &registrar, booking).await;
    assert_eq!(visit("donated").await.unwrap().status(), StatusCode::CONFLICT, "not before its day");

    // Move the cell to today, as if the day had come.
    let today = match backend {
        Backend::Postgres => format!("DATE '{}'", moscow_today()),
        Backend::Sqlite => format!("'{}'", moscow_today()),
    };
    let pool = f.server.db.pool().await;
    sqlx::query(&format!("UPDATE cells SET date = {today} WHERE id = {}", f.cell)).execute(&pool).await.unwrap();
    assert_eq!(visit("donated").await.unwrap().status(), StatusCode::OK);
    let last: String = sqlx::query(&format!("SELECT CAST(last_donation_on AS TEXT) FROM donors WHERE id = {donor}"))
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(last, moscow_today().to_string(), "R5 now counts from today");

    // The audit log: both changes, readable by an admin only, and not editable.
    let (donor_status, _) = post(&f.server, None, "audit_entries", &[]).await;
    assert_eq!(donor_status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        registrar.post(f.server.url("/api/audit_entries")).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let admin = staff_session(&f.server, "admin@centre.example", "admin", "admin-long-phrase-1").await;
    let entries: Value = admin.post(f.server.url("/api/audit_entries")).send().await.unwrap().json().await.unwrap();
    let mine: Vec<&Value> = entries.as_array().unwrap().iter().filter(|e| e["booking_id"] == booking).collect();
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[0]["to_status"], "Donated");
    assert_eq!(mine[0]["staff_email"], "registrar1@centre.example");
    assert_eq!(mine[1]["from_status"], "Pending");
    assert!(sqlx::query("UPDATE audit_log SET action = 'x'").execute(&pool).await.is_err(), "append-only");
    assert!(sqlx::query("DELETE FROM audit_log").execute(&pool).await.is_err(), "append-only");
}

async fn donors_and_strangers_cannot_moderate(backend: Backend) {
    let f = Fixture::start(backend).await;
    let (_, session, booking) = f.booked_donor("sneaky").await;
    let (status, _) = post(&f.server, Some(&session), "decide_booking", &decide(booking, "approve", None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(&f.server, None, "moderation_queue", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let registrar = registrar(&f.server, 1).await;
    let queue: Value =
        registrar.post(f.server.url("/api/moderation_queue")).send().await.unwrap().json().await.unwrap();
    assert_eq!(queue[0]["booking_id"], booking);
    assert_eq!(queue[0]["donor_email"], "sneaky-0@synthetic.invalid");
    let missing_reason = registrar
        .post(f.server.url("/api/decide_booking"))
        .form(&decide(booking, "reject", None))
        .send()
        .await
        .unwrap();
    assert_eq!(missing_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn planners_changes_reach_open_pages(backend: Backend) {
    let f = Fixture::start(backend).await;
    let mut public = Subscription::open(&f.server.base, None).await;
    let planner = staff_session(&f.server, "planner@centre.example", "planner", "planner-long-phrase-1").await;
    let resp = planner
        .post(f.server.url("/api/set_places"))
        .form(&[("cell_id", f.cell.to_string()), ("places_per_time", "7".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let event = public.next_of("cell_changed", Duration::from_secs(1)).await.expect("the public page hears it");
    assert_eq!(event["event"]["cell_id"], f.cell);
    let resp =
        planner.post(f.server.url("/api/close_cell")).form(&[("cell_id", f.cell.to_string())]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(public.next_of("cell_changed", Duration::from_secs(1)).await.is_some(), "closing is heard too");
}

on_both_backends!(
    planners_changes_reach_open_pages,
    two_registrars_decide_a_booking_once,
    approval_reaches_the_donor_live_with_a_calendar_mail,
    visits_set_the_last_donation_and_the_audit_log_is_for_admins,
    donors_and_strangers_cannot_moderate,
);

/// Two server processes on one PostgreSQL database behave as one: a decision on one instance
/// reaches a donor subscribed to the other, and each e-mail is sent once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_instances_share_live_events_and_mail() {
    let smtp = SmtpSink::start().await;
    let options = ServerOptions { demo_data: false, smtp_port: Some(smtp.port), ..Default::default() };
    let f = Fixture::start_with(Backend::Postgres, options).await;
    let second = f.server.sibling().await;
    let (_, session, booking) = f.booked_donor("twoinst").await;
    let mut on_second = Subscription::open(&second.base, Some(&session)).await;
    let registrar = registrar(&f.server, 1).await;
    approve(&f.server, &registrar, booking).await;
    let event = on_second.next_of("booking_changed", Duration::from_secs(1)).await.expect("relayed by NOTIFY");
    assert_eq!(event["event"]["status"], "Approved");

    // Both instances run a mail worker on the same outbox; every message arrives exactly once.
    let rows = f.count("SELECT COUNT(*) FROM mail_outbox").await as usize;
    assert_eq!(rows, 2, "booking received + approved");
    smtp.wait_for("twoinst-0@synthetic.invalid", rows, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_secs(2)).await; // time for a duplicate to show up, if any
    let received = smtp.received().into_iter().filter(|m| m.to == "twoinst-0@synthetic.invalid").count();
    assert_eq!(received, rows, "each e-mail sent once");
}
