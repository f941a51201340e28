//! Booking through the real server functions on both backends: the rules refuse with their
//! rule and date, a place is never given twice under concurrency, a repeated request makes
//! one booking, cancelling returns the places, and old records are purged (R6).

mod common;

use chrono::{Days, NaiveDate, NaiveTime, Utc};
use common::{run_cli, Backend, ServerOptions, TestServer};
use donor_booking::domain::{BloodGroup, BloodProfile, DonationType, Kell, Rh};
use donor_booking::server::db::cells::{create_cell, NewCell};
use donor_booking::server::db::Db;
use donor_booking::server::synthetic::donors_with_sessions;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::Row;

const A_POS: BloodProfile = BloodProfile { group: BloodGroup::A, rh: Rh::Positive, kell: Kell::Negative };

fn moscow_today() -> NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Europe::Moscow).date_naive()
}

fn time(hm: &str) -> NaiveTime {
    NaiveTime::parse_from_str(hm, "%H:%M").unwrap()
}

struct Fixture {
    server: TestServer,
    db: Db,
    http: reqwest::Client,
}

impl Fixture {
    async fn start(backend: Backend) -> Fixture {
        let server = TestServer::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await;
        let db = Db::connect(&server.db.url).await.unwrap();
        Fixture {
            server,
            db,
            http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
        }
    }

    /// A cell `days_ahead` from today with the given times (capacity each) and A(II) Rh+ need.
    async fn cell(&self, days_ahead: u64, kind: DonationType, times: &[(&str, u32)], need_a_pos: u32) -> i64 {
        let cell = NewCell {
            place_name: "Центр крови",
            place_address: "ул. Донорская, 1",
            date: moscow_today() + Days::new(days_ahead),
            donation_type: kind,
            slots: times.iter().map(|(t, c)| (time(t), *c)).collect(),
            needs: vec![(BloodGroup::A, Rh::Positive, false, need_a_pos), (BloodGroup::O, Rh::Negative, false, 5)],
        };
        create_cell(&self.db, &cell, Utc::now()).await.unwrap().expect("new cell")
    }

    async fn donors(&self, prefix: &str, n: usize, blood: BloodProfile) -> Vec<(i64, String)> {
        donors_with_sessions(&self.db, prefix, n, blood, Utc::now()).await.unwrap()
    }

    async fn call(&self, session: &str, endpoint: &str, form: &[(&str, String)]) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(self.server.url(&format!("/api/{endpoint}")))
            .header("cookie", format!("session={session}"))
            .form(form)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn book(&self, session: &str, cell: i64, at: &str) -> (StatusCode, Value) {
        let form = [("cell_id", cell.to_string()), ("time", at.to_owned()), ("confirmed", "on".to_owned())];
        self.call(session, "book", &form).await
    }

    /// A date as an SQL literal of the backend (the test pool cannot bind dates).
    fn date_sql(&self, date: NaiveDate) -> String {
        match self.server.db.backend {
            Backend::Postgres => format!("DATE '{date}'"),
            Backend::Sqlite => format!("'{date}'"),
        }
    }

    async fn count(&self, sql: &str) -> i64 {
        let pool = self.server.db.pool().await;
        sqlx::query(sql).fetch_one(&pool).await.unwrap().get::<i64, _>(0)
    }

    async fn scalar(&self, sql: &str, id: i64) -> i64 {
        let pool = self.server.db.pool().await;
        sqlx::query(sql).bind(id).fetch_one(&pool).await.unwrap().get::<i64, _>(0)
    }
}

fn blocked_rule(body: &Value) -> (&str, Option<&str>) {
    let blocked = &body["Blocked"];
    (blocked["rule"].as_str().unwrap_or_else(|| panic!("not a rule refusal: {body}")), blocked["until"].as_str())
}

async fn a_donor_books_sees_it_cancels_and_waits_until_tomorrow(backend: Backend) {
    let f = Fixture::start(backend).await;
    let cell = f.cell(2, DonationType::Plasma, &[("09:00", 3), ("09:30", 3)], 4).await;
    let (donor, session) = f.donors("flow", 1, A_POS).await.remove(0);

    // The cabinet's list knows the donor: their profile and no blocking rule.
    let (status, view) = f.call(&session, "open_cells", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["donor"]["blood"]["group"], "A");
    assert!(view["donor"]["blocked"].is_null(), "{view}");

    // The checkbox «Подтверждаю запись» is required.
    let (status, body) = f.call(&session, "book", &[("cell_id", cell.to_string()), ("time", "09:00".to_owned())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["Validation"]["errors"][0]["field"], "confirmed");

    let (status, body) = f.book(&session, cell, "09:00").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let booking = body.as_i64().expect("booking id");
    assert_eq!(f.scalar("SELECT booked FROM time_slots WHERE cell_id = $1 AND start = '09:00:00'", cell).await, 1);
    assert_eq!(f.scalar("SELECT booked FROM group_quotas WHERE cell_id = $1 AND blood_group = 'A'", cell).await, 1);

    // A repeated request answers with the same booking; another time is R3.
    let (status, again) = f.book(&session, cell, "09:00").await;
    assert_eq!((status, again.as_i64()), (StatusCode::OK, Some(booking)));
    let (status, body) = f.book(&session, cell, "09:30").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(blocked_rule(&body), ("R3", None));
    assert_eq!(f.scalar("SELECT COUNT(*) FROM bookings WHERE donor_id = $1", donor).await, 1);

    // The record: status pending, date, time, type, place.
    let (_, rows) = f.call(&session, "my_bookings", &[]).await;
    let row = &rows[0];
    assert_eq!(row["record"]["status"], "Pending");
    assert_eq!(row["record"]["time"], "09:00:00");
    assert_eq!(row["record"]["donation_type"], "Plasma");
    assert_eq!(row["can_cancel"], true);

    // Cancelling returns both places, starts R4, writes the audit log and an e-mail.
    let (status, body) = f.call(&session, "cancel_booking", &[("booking_id", booking.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(f.scalar("SELECT CAST(SUM(booked) AS BIGINT) FROM time_slots WHERE cell_id = $1", cell).await, 0);
    assert_eq!(f.scalar("SELECT CAST(SUM(booked) AS BIGINT) FROM group_quotas WHERE cell_id = $1", cell).await, 0);
    assert_eq!(
        f.scalar("SELECT COUNT(*) FROM audit_log WHERE booking_id = $1 AND action = 'donor_cancel'", booking).await,
        1
    );
    let (status, _) = f.call(&session, "cancel_booking", &[("booking_id", booking.to_string())]).await;
    assert_eq!(status, StatusCode::CONFLICT, "a cancelled booking cannot be cancelled again");

    let (status, body) = f.book(&session, cell, "09:30").await;
    assert_eq!(status, StatusCode::CONFLICT);
    let tomorrow = (moscow_today() + Days::new(1)).to_string();
    assert_eq!(blocked_rule(&body), ("R4", Some(tomorrow.as_str())), "R4 names the next day");
    let (_, view) = f.call(&session, "open_cells", &[]).await;
    assert_eq!(view["donor"]["blocked"]["rule"], "R4", "the cabinet shows the rule above the cells");

    // Two e-mails in the outbox: received, then cancelled.
    let pool = f.server.db.pool().await;
    let subjects: Vec<String> = sqlx::query("SELECT subject FROM mail_outbox WHERE recipient = $1 ORDER BY id")
        .bind("flow-0@synthetic.invalid")
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
    assert_eq!(subjects, ["Запись на донацию получена", "Запись на донацию отменена"]);
}

async fn rules_refuse_with_the_rule_and_the_date(backend: Backend) {
    let f = Fixture::start(backend).await;
    let cell = f.cell(3, DonationType::WholeBlood, &[("10:00", 5)], 5).await;
    let pool = f.server.db.pool().await;
    let donors = f.donors("rules", 4, A_POS).await;

    // R1: e-mail not confirmed.
    sqlx::query("UPDATE donors SET email_confirmed_at = NULL WHERE id = $1")
        .bind(donors[0].0)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(blocked_rule(&f.book(&donors[0].1, cell, "10:00").await.1), ("R1", None));

    // R5 on day 9 after a donation: refused, bookable from day 10; on day 10 allowed.
    let today = moscow_today();
    for (donor, days_ago) in [(donors[1].0, 9), (donors[2].0, 10)] {
        let date = f.date_sql(today - Days::new(days_ago));
        sqlx::query(&format!("UPDATE donors SET last_donation_on = {date} WHERE id = $1"))
            .bind(donor)
            .execute(&pool)
            .await
            .unwrap();
    }
    let from = (today + Days::new(1)).to_string();
    assert_eq!(blocked_rule(&f.book(&donors[1].1, cell, "10:00").await.1), ("R5", Some(from.as_str())));
    assert_eq!(f.book(&donors[2].1, cell, "10:00").await.0, StatusCode::OK);

    // R2: a B(III) donor cannot book a cell that needs A(II) and 0(I) Rh−.
    let (_, b_session) = f.donors("rules-b", 1, BloodProfile { group: BloodGroup::B, ..A_POS }).await.remove(0);
    assert_eq!(blocked_rule(&f.book(&b_session, cell, "10:00").await.1), ("R2", None));

    // A time that does not exist, or a staff/anonymous caller, is refused without a booking.
    assert_eq!(f.book(&donors[3].1, cell, "10:15").await.0, StatusCode::CONFLICT);
    let anonymous = f
        .http
        .post(f.server.url("/api/book"))
        .form(&[("cell_id", cell.to_string()), ("time", "10:00".into()), ("confirmed", "on".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(f.scalar("SELECT COUNT(*) FROM bookings WHERE cell_id = $1", cell).await, 1);
}

async fn two_hundred_donors_race_for_ten_places(backend: Backend) {
    let f = Fixture::start(backend).await;
    let cell = f.cell(1, DonationType::Plasma, &[("11:00", 10), ("11:30", 10)], 300).await;
    let donors = f.donors("crowd", 200, A_POS).await;
    let f = std::sync::Arc::new(f);
    let tasks: Vec<_> = donors
        .into_iter()
        .map(|(_, session)| {
            let f = f.clone();
            tokio::spawn(async move { f.book(&session, cell, "11:00").await })
        })
        .collect();
    let mut booked = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            StatusCode::OK => booked += 1,
            StatusCode::CONFLICT => assert_eq!(blocked_rule(&body).0, "R7", "only 'time taken' refusals: {body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(booked, 10, "exactly the ten places were given");
    let active = "SELECT COUNT(*) FROM bookings WHERE cell_id = $1 AND status = 'pending'";
    assert_eq!(f.scalar(active, cell).await, 10);
    assert_eq!(f.scalar("SELECT CAST(SUM(booked) AS BIGINT) FROM time_slots WHERE cell_id = $1", cell).await, 10);
    assert_eq!(f.scalar("SELECT booked FROM group_quotas WHERE cell_id = $1 AND blood_group = 'A'", cell).await, 10);
}

async fn twenty_identical_requests_make_one_booking(backend: Backend) {
    let f = std::sync::Arc::new(Fixture::start(backend).await);
    let cell = f.cell(1, DonationType::Platelets, &[("12:00", 5)], 5).await;
    let (donor, session) = f.donors("twins", 1, A_POS).await.remove(0);
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (f, session) = (f.clone(), session.clone());
            tokio::spawn(async move { f.book(&session, cell, "12:00").await })
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, StatusCode::OK, "a repeated request is answered with the booking: {body}");
        ids.insert(body.as_i64().unwrap());
    }
    assert_eq!(ids.len(), 1, "every answer names the same booking");
    assert_eq!(f.scalar("SELECT COUNT(*) FROM bookings WHERE donor_id = $1", donor).await, 1);
    assert_eq!(f.scalar("SELECT CAST(SUM(booked) AS BIGINT) FROM time_slots WHERE cell_id = $1", cell).await, 1);
    assert_eq!(f.count("SELECT COUNT(*) FROM mail_outbox WHERE recipient = 'twins-0@synthetic.invalid'").await, 1);
}

async fn a_group_that_filled_meanwhile_is_named(backend: Backend) {
    let f = Fixture::start(backend).await;
    let cell = f.cell(2, DonationType::Erythrocytes, &[("08:00", 5), ("08:30", 5)], 1).await;
    let donors = f.donors("quota", 2, A_POS).await;
    assert_eq!(f.book(&donors[0].1, cell, "08:00").await.0, StatusCode::OK);
    let (status, body) = f.book(&donors[1].1, cell, "08:30").await;
    assert_eq!(status, StatusCode::CONFLICT);
    let message = body["Conflict"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("вашей группы"), "{body}");
    // The free time is still free: nothing half-written.
    assert_eq!(f.scalar("SELECT booked FROM time_slots WHERE cell_id = $1 AND start > '08:15'", cell).await, 0);
}

async fn without_javascript_the_form_post_lands_in_the_cabinet(backend: Backend) {
    let f = Fixture::start(backend).await;
    let cell = f.cell(2, DonationType::Plasma, &[("09:00", 2)], 2).await;
    let (_, session) = f.donors("nojs", 1, A_POS).await.remove(0);
    let page = |path: String| {
        let (http, url, session) = (f.http.clone(), f.server.url(&path), session.clone());
        async move {
            let resp = http.get(url).header("cookie", format!("session={session}")).send().await.unwrap();
            assert_eq!(resp.status(), StatusCode::OK);
            resp.text().await.unwrap()
        }
    };
    let times = page(format!("/cabinet/book/{cell}")).await;
    assert!(times.contains("Подтвердить выбор записи") && times.contains("value=\"09:00\""), "{times}");
    let summary = page(format!("/cabinet/book/{cell}?time=09:00")).await;
    assert!(summary.contains("Подтверждаю запись") && summary.contains("action=\"/api/book\""), "{summary}");

    let resp = f
        .http
        .post(f.server.url("/api/book"))
        .header("cookie", format!("session={session}"))
        .header("accept", "text/html")
        .header("referer", f.server.url(&format!("/cabinet/book/{cell}?time=09:00")))
        .form(&[("cell_id", cell.to_string()), ("time", "09:00".into()), ("confirmed", "on".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    assert_eq!(resp.headers()["location"], "/cabinet?booked=1#my-bookings");
    let cabinet = page("/cabinet?booked=1".into()).await;
    assert!(cabinet.contains("На утверждении"), "the new booking is listed with its status");
}

async fn records_older_than_ten_days_are_purged(backend: Backend) {
    let f = Fixture::start(backend).await;
    let pool = f.server.db.pool().await;
    let (donor, _) = f.donors("old", 1, A_POS).await.remove(0);
    f.cell(1, DonationType::Plasma, &[("09:00", 1)], 1).await; // creates the place
                                                               // Cells in the past cannot be made through the planner; write them as history.
    let today = moscow_today();
    let mut kept = 0;
    for (days_ago, kind) in [(11, "plasma"), (10, "platelets")] {
        let date_sql = f.date_sql(today - Days::new(days_ago));
        let cell: i64 = sqlx::query(&format!(
            "INSERT INTO cells (place_id, date, donation_type, created_at) \
             VALUES ((SELECT id FROM places LIMIT 1), {date_sql}, '{kind}', CURRENT_TIMESTAMP) RETURNING id"
        ))
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
        let slot: i64 = sqlx::query(
            "INSERT INTO time_slots (cell_id, start, capacity, booked) VALUES ($1, '09:00:00', 1, 1) RETURNING id",
        )
        .bind(cell)
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
        let quota: i64 = sqlx::query(
            "INSERT INTO group_quotas (cell_id, blood_group, rh, needed, booked) VALUES ($1, 'A', 'pos', 1, 1) RETURNING id",
        )
        .bind(cell)
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
        sqlx::query(
            "INSERT INTO bookings (donor_id, cell_id, slot_id, quota_id, status, created_at) \
             VALUES ($1, $2, $3, $4, 'donated', CURRENT_TIMESTAMP)",
        )
        .bind(donor)
        .bind(cell)
        .bind(slot)
        .bind(quota)
        .execute(&pool)
        .await
        .unwrap();
        kept = cell;
    }
    let out = run_cli(&f.server.db, &["purge"]).await;
    assert!(out.contains("purged 1 bookings"), "{out}");
    assert_eq!(f.scalar("SELECT COUNT(*) FROM bookings WHERE donor_id = $1", donor).await, 1);
    assert_eq!(f.scalar("SELECT COUNT(*) FROM bookings WHERE cell_id = $1", kept).await, 1, "day 10 is kept");
    assert_eq!(f.count("SELECT CAST(MAX(purged) AS BIGINT) FROM purge_runs").await, 1, "the run is recorded");
}

on_both_backends!(
    a_donor_books_sees_it_cancels_and_waits_until_tomorrow,
    rules_refuse_with_the_rule_and_the_date,
    two_hundred_donors_race_for_ten_places,
    twenty_identical_requests_make_one_booking,
    a_group_that_filled_meanwhile_is_named,
    without_javascript_the_form_post_lands_in_the_cabinet,
    records_older_than_ten_days_are_purged,
);
