//! Registrars deciding bookings, visits, the audit log, and live events — on both backends,
//! and across two server instances on PostgreSQL.

use crate::support::api::audit;
use crate::support::api::Api;
use crate::support::fixture::{moscow_today, Fixture};
use crate::support::live::Subscription;
use crate::support::smtp::SmtpSink;
use crate::support::{staff_session, Backend, ServerOptions, TestServer};
use donor_booking::api::moderation::{DecideBooking, MarkVisit, ModerationQueue};
use donor_booking::api::planning::{CloseCell, SetPlaces};
use donor_booking::domain::events::{LiveEvent, LiveMessage};
use donor_booking::domain::moderation::Warning;
use donor_booking::domain::{BookingStatus, DonationType, Rule};
use donor_booking::error::AppError;
use donor_booking::model::moderation::AuditQuery;
use sqlx::Row;
use std::time::Duration;

/// A server with one plasma cell in two days (09:00 and 09:30, five places each).
struct Moderation {
    f: Fixture,
    cell: i64,
}

impl Moderation {
    async fn start(backend: Backend) -> Moderation {
        Moderation::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await
    }

    async fn start_with(backend: Backend, options: ServerOptions) -> Moderation {
        let f = Fixture::start_with(backend, options).await;
        let cell = f.cell(2, DonationType::Plasma, &[("09:00", 5), ("09:30", 5)], 8).await;
        Moderation { f, cell }
    }

    /// A donor with a session and a pending booking at 09:00: (donor id, their API, booking id).
    async fn booked_donor(&self, name: &str) -> (i64, Api, i64) {
        let (donor, api) = self.f.donor(name).await;
        let booking = api.book(self.cell, "09:00").await.expect("booked");
        (donor, api, booking)
    }

    async fn count(&self, sql: &str) -> i64 {
        self.f.count(sql).await
    }
}

async fn registrar(server: &TestServer, n: u32) -> Api {
    let client =
        staff_session(server, &format!("registrar{n}@centre.example"), "registrar", "registrar-long-phrase-1").await;
    Api::from_client(&server.base, client)
}

fn decide(booking_id: i64, decision: &str, reason: Option<&str>) -> DecideBooking {
    DecideBooking { booking_id, decision: decision.into(), reason: reason.map(Into::into), comment: None }
}

fn booking_changed(m: &LiveMessage) -> bool {
    matches!(m.event, LiveEvent::BookingChanged { .. })
}

fn cell_changed(m: &LiveMessage) -> bool {
    matches!(m.event, LiveEvent::CellChanged { .. })
}

fn status_of(m: LiveMessage) -> BookingStatus {
    match m.event {
        LiveEvent::BookingChanged { status, .. } => status,
        other => panic!("not a booking event: {other:?}"),
    }
}

async fn two_registrars_decide_a_booking_once(backend: Backend) {
    let m = Moderation::start(backend).await;
    let (_, _, booking) = m.booked_donor("race").await;
    let (r1, r2) = (registrar(&m.f.server, 1).await, registrar(&m.f.server, 2).await);
    let a = tokio::spawn(async move { r1.call(decide(booking, "approve", None)).await });
    let b = tokio::spawn(async move { r2.call(decide(booking, "reject", Some("medical_deferral"))).await });
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    let (winner, loser) = match (&a, &b) {
        (Ok(status), Err(loser)) | (Err(loser), Ok(status)) => (*status, loser.clone()),
        _ => panic!("exactly one decision wins: {a:?} {b:?}"),
    };
    let AppError::Conflict { message } = loser else { panic!("the second is told: {loser:?}") };
    assert!(message.contains("registrar") && message.contains("@centre.example"), "names who decided: {message}");
    let audit =
        m.count(&format!("SELECT COUNT(*) FROM audit_log WHERE booking_id = {booking} AND action = 'decide'")).await;
    assert_eq!(audit, 1, "one transition, one audit row");
    let status: String = sqlx::query(&format!("SELECT status FROM bookings WHERE id = {booking}"))
        .fetch_one(&m.f.server.db.pool().await)
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, if winner == BookingStatus::Approved { "approved" } else { "rejected" });
}

async fn approval_reaches_the_donor_live_with_a_calendar_mail(backend: Backend) {
    let m = Moderation::start(backend).await;
    let (_, me, booking) = m.booked_donor("live").await;
    let (_, other, other_booking) = m.booked_donor("other").await;
    let base = &m.f.server.base;
    let mut mine = Subscription::open(base, me.session.as_deref()).await;
    let mut theirs = Subscription::open(base, other.session.as_deref()).await;
    let mut public = Subscription::open(base, None).await;
    let registrar = registrar(&m.f.server, 1).await;

    assert_eq!(registrar.call(decide(booking, "approve", None)).await, Ok(BookingStatus::Approved));
    let event = mine.next_matching(Duration::from_secs(1), booking_changed).await.expect("the donor hears within 1 s");
    assert!(
        matches!(event.event, LiveEvent::BookingChanged { booking_id, status: BookingStatus::Approved, .. } if booking_id == booking),
        "{event:?}"
    );

    // Another donor and an anonymous page hear nothing of it.
    assert!(theirs.next_matching(Duration::from_millis(500), booking_changed).await.is_none());
    assert!(public.next_matching(Duration::from_millis(200), booking_changed).await.is_none());

    // Rejecting the other booking frees its place: everyone hears the cell changed.
    assert_eq!(registrar.call(decide(other_booking, "reject", Some("other"))).await, Ok(BookingStatus::Rejected));
    let cell = public.next_matching(Duration::from_secs(1), cell_changed).await.expect("cell event");
    assert_eq!(cell.event, LiveEvent::CellChanged { cell_id: m.cell });
    let theirs_event = theirs.next_matching(Duration::from_secs(1), booking_changed).await.expect("their event");
    assert_eq!(status_of(theirs_event), BookingStatus::Rejected);

    let approved = m.f.server.delivered("live-0@synthetic.invalid", "Запись на донацию подтверждена").await;
    let (name, calendar) = approved.attachments.first().expect("the calendar event");
    assert_eq!(name, "donation.ics");
    assert!(calendar.contains("BEGIN:VEVENT"));
    let rejected = m.f.server.delivered("other-0@synthetic.invalid", "Запись на донацию отклонена").await.text;
    assert!(rejected.contains("при личном обращении"), "{rejected}");
    assert_eq!(
        m.count(&format!("SELECT CAST(SUM(booked) AS BIGINT) FROM time_slots WHERE cell_id = {}", m.cell)).await,
        1
    );
}

async fn visits_record_the_donation_and_the_audit_log_is_for_admins(backend: Backend) {
    let m = Moderation::start(backend).await;
    let (donor, _, booking) = m.booked_donor("visit").await;
    let registrar = registrar(&m.f.server, 1).await;
    let visit = |outcome: &str| registrar.call(MarkVisit { booking_id: booking, outcome: outcome.into() });
    assert!(matches!(visit("donated").await, Err(AppError::Conflict { .. })), "a pending booking has no visit");
    assert_eq!(registrar.call(decide(booking, "approve", None)).await, Ok(BookingStatus::Approved));
    assert!(matches!(visit("donated").await, Err(AppError::Conflict { .. })), "not before its day");

    // Move the cell to today, as if the day had come.
    let pool = m.f.server.db.pool().await;
    let today = m.f.date_sql(moscow_today());
    sqlx::query(&format!("UPDATE cells SET date = {today} WHERE id = {}", m.cell)).execute(&pool).await.unwrap();
    assert_eq!(visit("donated").await, Ok(BookingStatus::Donated));
    let recorded = sqlx::query(&format!(
        "SELECT CAST(donated_on AS TEXT), donation_type FROM donations WHERE donor_id = {donor} AND booking_id = {booking}"
    ))
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(recorded.get::<String, _>(0), moscow_today().to_string(), "R5 and the intervals count from today");
    assert_eq!(recorded.get::<String, _>(1), "plasma", "with the cell's donation type");

    // The donation outlives the purge of its booking (R6).
    sqlx::query(&format!(
        "UPDATE donations SET donated_on = {} WHERE donor_id = {donor}",
        m.f.date_sql(moscow_today() - chrono::Days::new(20))
    ))
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(&format!(
        "UPDATE cells SET date = {} WHERE id = {}",
        m.f.date_sql(moscow_today() - chrono::Days::new(20)),
        m.cell
    ))
    .execute(&pool)
    .await
    .unwrap();
    crate::support::run_cli(&m.f.server.db, &["purge"]).await;
    assert_eq!(m.count(&format!("SELECT COUNT(*) FROM bookings WHERE id = {booking}")).await, 0, "purged");
    assert_eq!(
        m.count(&format!("SELECT COUNT(*) FROM donations WHERE donor_id = {donor} AND booking_id IS NULL")).await,
        1
    );

    // The audit log: both changes, readable by an admin only, and not editable.
    assert_eq!(m.f.anonymous().call(audit(AuditQuery::default())).await, Err(AppError::Unauthorized));
    assert_eq!(registrar.call(audit(AuditQuery::default())).await, Err(AppError::Forbidden));
    let admin = staff_session(&m.f.server, "admin@centre.example", "admin", "admin-long-phrase-1").await;
    let entries = Api::from_client(&m.f.server.base, admin).call(audit(AuditQuery::default())).await.unwrap().entries;
    let mine: Vec<_> = entries.iter().filter(|e| e.booking_id == Some(booking)).collect();
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[0].to_status, Some(BookingStatus::Donated));
    assert_eq!(mine[0].staff_email.as_deref(), Some("registrar1@centre.example"));
    assert_eq!(mine[1].from_status, Some(BookingStatus::Pending));
    assert!(sqlx::query("UPDATE audit_log SET action = 'x'").execute(&pool).await.is_err(), "append-only");
    assert!(sqlx::query("DELETE FROM audit_log").execute(&pool).await.is_err(), "append-only");
}

async fn the_queue_warns_of_a_donation_too_recent_for_the_cell(backend: Backend) {
    let m = Moderation::start(backend).await;
    let (donor, _, booking) = m.booked_donor("recent").await;
    // Gave plasma 11 days before today: R5 passed, but the plasma → plasma interval (14 days)
    // ends the day after the cell (which is in two days).
    m.f.gave(donor, 11, DonationType::Plasma).await;
    let queue = registrar(&m.f.server, 1)
        .await
        .call(ModerationQueue { status: None, date: None, donation_type: None, after: None })
        .await
        .unwrap();
    let item = queue.items.iter().find(|i| i.booking_id == booking).expect("in the queue");
    assert_eq!(item.last_donation.map(|d| d.donation_type), Some(DonationType::Plasma));
    let interval = item.warnings.iter().find_map(|w| match w {
        Warning::Interval(blocked) => Some(*blocked),
        _ => None,
    });
    let blocked = interval.expect("an interval warning");
    assert_eq!(blocked.rule, Rule::Interval);
    assert_eq!(blocked.until, Some(moscow_today() + chrono::Days::new(3)));
}

async fn donors_and_strangers_cannot_moderate(backend: Backend) {
    let m = Moderation::start(backend).await;
    let (_, donor, booking) = m.booked_donor("sneaky").await;
    assert_eq!(donor.call(decide(booking, "approve", None)).await, Err(AppError::Forbidden));
    let all = ModerationQueue { status: None, date: None, donation_type: None, after: None };
    assert_eq!(m.f.anonymous().call(all.clone()).await, Err(AppError::Unauthorized));
    let registrar = registrar(&m.f.server, 1).await;
    let queue = registrar.call(all).await.unwrap();
    assert_eq!(queue.items[0].booking_id, booking);
    assert_eq!(queue.items[0].donor_email, "sneaky-0@synthetic.invalid");
    let missing_reason = registrar.call(decide(booking, "reject", None)).await;
    assert!(matches!(&missing_reason, Err(e) if e.field_message("reason").is_some()), "{missing_reason:?}");
    // Filters are validated, in the caller's language.
    let bad = registrar
        .call(ModerationQueue {
            status: Some("lost".into()),
            date: Some("31.12".into()),
            donation_type: Some("blood".into()),
            after: None,
        })
        .await;
    let Err(AppError::Validation { errors }) = bad else { panic!("{bad:?}") };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert!(fields.contains(&"status") || fields.contains(&"date") || fields.contains(&"donation_type"), "{errors:?}");
    assert!(errors.iter().all(|e| !e.message.is_empty() && !e.message.contains("unknown")), "localised: {errors:?}");
}

async fn planners_changes_reach_open_pages(backend: Backend) {
    let m = Moderation::start(backend).await;
    let mut public = Subscription::open(&m.f.server.base, None).await;
    let planner = staff_session(&m.f.server, "planner@centre.example", "planner", "planner-long-phrase-1").await;
    let planner = Api::from_client(&m.f.server.base, planner);
    assert_eq!(planner.call(SetPlaces { cell_id: m.cell, places_per_time: "7".into() }).await, Ok(()));
    let event = public.next_matching(Duration::from_secs(1), cell_changed).await.expect("the public page hears it");
    assert_eq!(event.event, LiveEvent::CellChanged { cell_id: m.cell });
    assert_eq!(planner.call(CloseCell { cell_id: m.cell }).await, Ok(()));
    assert!(public.next_matching(Duration::from_secs(1), cell_changed).await.is_some(), "closing is heard too");
}

/// The queue shows 100 bookings a page, oldest request first, and the next page starts after
/// the last one shown: a booking decided meanwhile does not shift it.
async fn the_queue_is_paged(backend: Backend) {
    let m = Moderation::start(backend).await;
    let cell = m.f.cell(3, DonationType::Plasma, &[("10:00", 150)], 150).await;
    for (_, session) in m.f.donors("page", 130, crate::support::fixture::A_POS).await {
        m.f.api(&session).book(cell, "10:00").await.expect("booked");
    }
    let registrar = registrar(&m.f.server, 1).await;
    let page = |after: Option<i64>| ModerationQueue {
        status: None,
        date: None,
        donation_type: None,
        after: after.map(|a| a.to_string()),
    };
    let first = registrar.call(page(None)).await.unwrap();
    assert_eq!(first.items.len(), 100);
    let after = first.next_after.expect("a next page");
    assert_eq!(after, first.items[99].booking_id);
    // The first booking is decided while the registrar reads: page two stays the same.
    let oldest = first.items[0].booking_id;
    assert_eq!(registrar.call(decide(oldest, "approve", None)).await, Ok(BookingStatus::Approved));
    let second = registrar.call(page(Some(after))).await.unwrap();
    assert_eq!(second.items.len(), 30);
    assert_eq!(second.next_after, None, "the last page says there is no more");
    let mut seen: Vec<i64> = first.items.iter().chain(&second.items).map(|i| i.booking_id).collect();
    let in_order = seen.clone();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 130, "every booking once");
    let requested: Vec<_> = first.items.iter().chain(&second.items).map(|i| i.requested_at).collect();
    assert!(requested.windows(2).all(|w| w[0] <= w[1]), "oldest request first: {in_order:?}");
    let again = registrar.call(page(None)).await.unwrap();
    assert_eq!(again.items[0].booking_id, first.items[1].booking_id, "the decided one left the pending queue");
    let bad = registrar.call(ModerationQueue { after: Some("x".into()), ..page(None) }).await.unwrap_err();
    assert!(bad.field_message("after").is_some());
}

/// The audit log is filtered by booking, staff member, kind of entry and days.
async fn the_audit_log_is_filtered(backend: Backend) {
    let m = Moderation::start(backend).await;
    let (_, _, first) = m.booked_donor("audit-a").await;
    let (_, _, second) = m.booked_donor("audit-b").await;
    let (one, two) = (registrar(&m.f.server, 1).await, registrar(&m.f.server, 2).await);
    assert_eq!(one.call(decide(first, "approve", None)).await, Ok(BookingStatus::Approved));
    assert_eq!(two.call(decide(second, "reject", Some("medical_deferral"))).await, Ok(BookingStatus::Rejected));
    let pool = m.f.server.db.pool().await;
    sqlx::query(
        "INSERT INTO audit_log (at, action, comment) VALUES ('2020-01-01 09:00:00+00:00', 'place_update', 'old')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let admin = staff_session(&m.f.server, "admin@centre.example", "admin", "admin-long-phrase-1").await;
    let admin = Api::from_client(&m.f.server.base, admin);
    let list = |query: AuditQuery| {
        let admin = &admin;
        async move { admin.call(audit(query)).await }
    };
    let q = AuditQuery::default;

    let by_booking = list(AuditQuery { booking: Some(format!("№{second}")), ..q() }).await.unwrap().entries;
    assert_eq!(by_booking.len(), 1);
    assert_eq!(by_booking[0].to_status, Some(BookingStatus::Rejected));
    let decided_by = AuditQuery { who: Some("REGISTRAR1".into()), kind: Some("decisions".into()), ..q() };
    let by_who = list(decided_by).await.unwrap().entries;
    assert_eq!(by_who.iter().map(|e| e.booking_id).collect::<Vec<_>>(), vec![Some(first)], "any case, part of it");
    let wildcard = list(AuditQuery { who: Some("%".into()), ..q() }).await.unwrap().entries;
    assert!(wildcard.is_empty(), "LIKE's wildcards are taken literally");
    let places = list(AuditQuery { kind: Some("places".into()), ..q() }).await.unwrap().entries;
    assert_eq!(places.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), vec!["place_update"]);
    let today = moscow_today();
    let recent =
        AuditQuery { from: Some((today - chrono::Days::new(1)).to_string()), to: Some(today.to_string()), ..q() };
    let recent = list(recent).await.unwrap().entries;
    let decided: Vec<_> = recent.iter().filter(|e| e.action == "decide").collect();
    assert_eq!(decided.len(), 2, "the two decisions");
    assert!(recent.iter().all(|e| e.comment.as_deref() != Some("old")), "not the old place edit");
    let decisions = list(AuditQuery { kind: Some("decisions".into()), ..q() }).await.unwrap().entries;
    assert_eq!(decisions.len(), 2);

    let reversed =
        AuditQuery { from: Some(today.to_string()), to: Some((today - chrono::Days::new(1)).to_string()), ..q() };
    assert!(list(reversed).await.unwrap_err().field_message("to").is_some());
    assert!(list(AuditQuery { from: Some("31.12.2026".into()), ..q() })
        .await
        .unwrap_err()
        .field_message("from")
        .is_some());
    assert!(list(AuditQuery { kind: Some("everything".into()), ..q() })
        .await
        .unwrap_err()
        .field_message("kind")
        .is_some());
    assert!(list(AuditQuery { booking: Some("12a".into()), ..q() })
        .await
        .unwrap_err()
        .field_message("booking")
        .is_some());
}

on_both_backends!(
    the_queue_is_paged,
    the_audit_log_is_filtered,
    the_audit_log_is_paged,
    planners_changes_reach_open_pages,
    two_registrars_decide_a_booking_once,
    approval_reaches_the_donor_live_with_a_calendar_mail,
    visits_record_the_donation_and_the_audit_log_is_for_admins,
    the_queue_warns_of_a_donation_too_recent_for_the_cell,
    donors_and_strangers_cannot_moderate,
);

/// Two server processes on one PostgreSQL database behave as one: a decision on one instance
/// reaches a donor subscribed to the other, and each e-mail is sent once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_instances_share_live_events_and_mail() {
    let smtp = SmtpSink::start().await;
    let options = ServerOptions { demo_data: false, smtp_port: Some(smtp.port), ..Default::default() };
    let m = Moderation::start_with(Backend::Postgres, options).await;
    let second = m.f.server.sibling().await;
    let (_, donor, booking) = m.booked_donor("twoinst").await;
    let mut on_second = Subscription::open(&second.base, donor.session.as_deref()).await;
    let registrar = registrar(&m.f.server, 1).await;
    assert_eq!(registrar.call(decide(booking, "approve", None)).await, Ok(BookingStatus::Approved));
    let event = on_second.next_matching(Duration::from_secs(1), booking_changed).await.expect("relayed by NOTIFY");
    assert_eq!(status_of(event), BookingStatus::Approved);

    // Both instances run a mail worker on the same outbox; every message arrives exactly once.
    let rows = m.count("SELECT COUNT(*) FROM mail_outbox").await as usize;
    assert_eq!(rows, 2, "booking received + approved");
    smtp.wait_for("twoinst-0@synthetic.invalid", rows, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_secs(2)).await; // time for a duplicate to show up, if any
    let received = smtp.received().into_iter().filter(|m| m.to == "twoinst-0@synthetic.invalid").count();
    assert_eq!(received, rows, "each e-mail sent once");
}

/// The audit log pages backwards 100 entries at a time and says when there are older ones.
async fn the_audit_log_is_paged(backend: Backend) {
    let m = Moderation::start(backend).await;
    let pool = m.f.server.db.pool().await;
    for n in 0..150 {
        sqlx::query("INSERT INTO audit_log (at, action, comment) VALUES (CURRENT_TIMESTAMP, 'place_update', $1)")
            .bind(format!("place {n}"))
            .execute(&pool)
            .await
            .unwrap();
    }
    let admin = staff_session(&m.f.server, "admin@centre.example", "admin", "admin-long-phrase-1").await;
    let admin = Api::from_client(&m.f.server.base, admin);
    // Of places only: the admin's own login is an entry too.
    let places = || AuditQuery { kind: Some("places".into()), ..AuditQuery::default() };
    let first = admin.call(audit(places())).await.unwrap();
    assert_eq!(first.entries.len(), 100);
    assert_eq!(first.entries[0].comment.as_deref(), Some("place 149"), "newest first");
    let older = first.older.expect("there are older entries");
    let second = admin.call(audit(AuditQuery { before: Some(older.to_string()), ..places() })).await.unwrap();
    assert_eq!(second.entries.len(), 50);
    assert_eq!(second.entries[0].comment.as_deref(), Some("place 49"));
    assert_eq!(second.older, None, "the last page says there is nothing older");
    let bad = admin.call(audit(AuditQuery { before: Some("x".into()), ..AuditQuery::default() })).await.unwrap_err();
    assert!(bad.field_message("before").is_some());
}
