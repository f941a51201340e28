//! Open pages and sessions: an event stream lives only as long as the session that opened it
//! (logout, a disabled staff account, idle expiry), it does not keep that session alive, and
//! logging in again returns to the page that was open.

use crate::support::api::Api;
use crate::support::fixture::Fixture;
use crate::support::live::Subscription;
use crate::support::{login, staff_session, Backend};
use chrono::{Duration as Minutes, Utc};
use donor_booking::api::auth::Logout;
use donor_booking::api::moderation::DecideBooking;
use donor_booking::api::staff::{DisableStaff, ListStaff};
use donor_booking::domain::account::Principal;
use donor_booking::domain::events::LiveEvent;
use donor_booking::domain::DonationType;
use donor_booking::server::auth::sessions;
use std::time::Duration;

/// Longer than the server's periodic session re-check (15 s), with room for a slow machine.
const RECHECK_WITHIN: Duration = Duration::from_secs(20);

async fn logging_out_ends_the_open_streams_of_that_session(backend: Backend) {
    let f = Fixture::start(backend).await;
    let (_, donor) = f.donor("tabs").await;
    let session = donor.session.clone();
    let mut other_tab = Subscription::open(&f.server.base, session.as_deref()).await;
    let (_, stranger) = f.donor("stranger").await;
    let mut strangers_tab = Subscription::open(&f.server.base, stranger.session.as_deref()).await;

    assert_eq!(donor.call(Logout {}).await, Ok(()));
    assert_eq!(other_tab.next_named(Duration::from_secs(3)).await.as_deref(), Some("session_ended"));
    assert!(other_tab.ended_within(Duration::from_secs(3)).await, "the server closes the stream");
    assert!(!strangers_tab.ended_within(Duration::from_secs(1)).await, "another donor's stream goes on");
}

async fn a_disabled_registrars_stream_stops_at_once(backend: Backend) {
    let f = Fixture::start(backend).await;
    let cell = f.cell(2, DonationType::Plasma, &[("09:00", 5)], 5).await;
    let registrar = staff_session(&f.server, "desk@centre.example", "registrar", "registrar-long-phrase-1").await;
    let mut desk = Subscription::open_as(&registrar, &f.server.base).await;
    let admin = staff_session(&f.server, "boss@centre.example", "admin", "admin-long-phrase-1").await;
    let admin = Api::from_client(&f.server.base, admin);
    let id = admin.call(ListStaff {}).await.unwrap().into_iter().find(|s| s.email == "desk@centre.example").unwrap().id;

    assert_eq!(admin.call(DisableStaff { id }).await, Ok(()));
    assert_eq!(desk.next_named(Duration::from_secs(3)).await.as_deref(), Some("session_ended"));
    // A booking made afterwards never reaches the disabled registrar's page.
    let (_, donor) = f.donor("after").await;
    donor.book(cell, "09:00").await.expect("booked");
    assert!(desk.ended_within(Duration::from_secs(3)).await);
    assert!(!desk.has_unread_events(), "no event after the session ended");
    let decision = DecideBooking { booking_id: 1, decision: "approve".into(), reason: None, comment: None };
    let refused = Api::from_client(&f.server.base, registrar).call(decision).await;
    assert_eq!(refused, Err(donor_booking::error::AppError::Unauthorized));
}

/// The stream re-reads its session without using it: a cabinet left open idles out 30 minutes
/// after the donor's last action, and its stream then says so.
async fn an_open_stream_does_not_keep_its_session_alive(backend: Backend) {
    let f = Fixture::start(backend).await;
    let (donor, _) = f.donor("idle").await;
    let t0 = Utc::now();
    f.server.set_clock(t0);
    let secret = sessions::create(&f.db, Principal::Donor { id: donor }, t0, None).await.unwrap();
    let mut cabinet = Subscription::open(&f.server.base, Some(&secret)).await;

    // 20 minutes on, the stream re-checks at least once: the session is alive and stays so.
    f.server.set_clock(t0 + Minutes::minutes(20));
    assert_eq!(cabinet.next_named(RECHECK_WITHIN).await, None, "alive at 20 minutes");
    // Had a re-check counted as use, the session would now live until 50 minutes.
    f.server.set_clock(t0 + Minutes::minutes(31));
    assert_eq!(cabinet.next_named(RECHECK_WITHIN).await.as_deref(), Some("session_ended"));
    assert!(cabinet.ended_within(Duration::from_secs(3)).await);
    let gone = sessions::lookup(&f.db, &secret, t0 + Minutes::minutes(31)).await.unwrap();
    assert_eq!(gone, None, "the session itself is over, not only the stream");
    assert_eq!(
        f.api(&secret).call(donor_booking::api::booking::MyBookings {}).await.map(|_| ()),
        Err(donor_booking::error::AppError::Unauthorized)
    );
}

/// A page opening its stream with the instant it was rendered is told whether anything it shows
/// changed since, so it re-fetches only then.
async fn a_fresh_page_is_told_it_is_current(backend: Backend) {
    let f = Fixture::start(backend).await;
    let cell = f.cell(2, DonationType::Plasma, &[("09:00", 5)], 5).await;
    let rendered = (Utc::now() + Minutes::seconds(3)).timestamp_millis();
    let url = format!("{}/events?since={rendered}", f.server.base);
    let page = Subscription::open_at(&url, None).await;
    assert!(page.ready.contains(r#"{"current":true}"#), "{}", page.ready);
    let (_, donor) = f.donor("changes").await;
    let mine = Subscription::open_at(&url, donor.session.as_deref()).await;
    assert!(mine.ready.contains(r#"{"current":true}"#), "{}", mine.ready);

    let rendered = Utc::now() - Minutes::seconds(3);
    tokio::time::sleep(Duration::from_millis(50)).await;
    donor.book(cell, "09:00").await.expect("booked");
    let url = format!("{}/events?since={}", f.server.base, rendered.timestamp_millis());
    let stale = Subscription::open_at(&url, None).await;
    assert!(!stale.ready.contains("current"), "a cell changed since: {}", stale.ready);
    let without = Subscription::open(&f.server.base, None).await;
    assert!(!without.ready.contains("current"), "no instant given: re-fetch");
}

/// Login returns to the page that sent the user there, and only to a page of this site.
async fn login_returns_to_the_page_it_came_from(backend: Backend) {
    let f = Fixture::start(backend).await;
    staff_session(&f.server, "queue@centre.example", "registrar", "registrar-long-phrase-1").await;
    let to = |next: &'static str| {
        let server = &f.server;
        async move {
            let resp = server
                .client()
                .post(server.url("/api/login"))
                .form(&[("email", "queue@centre.example"), ("password", "registrar-long-phrase-1"), ("next", next)])
                .send()
                .await
                .unwrap();
            assert!(resp.status().is_success(), "{}", resp.status());
            resp.headers()["location"].to_str().unwrap().to_owned()
        }
    };
    assert_eq!(to("/staff/moderation?status=approved").await, "/staff/moderation?status=approved");
    assert_eq!(to("//evil.example/x").await, "/staff/moderation", "another host: the role's home");
    assert_eq!(to("https://evil.example").await, "/staff/moderation");
    assert_eq!(to("/login?next=/x").await, "/staff/moderation", "never back to the login");
    assert_eq!(to("").await, "/staff/moderation");
    let (_, plain) = login(&f.server, "queue@centre.example", "registrar-long-phrase-1").await;
    assert_eq!(plain, "/staff/moderation", "no next: as before");
}

on_both_backends!(
    logging_out_ends_the_open_streams_of_that_session,
    a_disabled_registrars_stream_stops_at_once,
    an_open_stream_does_not_keep_its_session_alive,
    login_returns_to_the_page_it_came_from,
    a_fresh_page_is_told_it_is_current,
);

/// PostgreSQL: when the server's LISTEN connection is killed, events of the gap are lost, so
/// every open page is told to re-fetch once it is back — and live events flow again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_lost_listen_connection_makes_open_pages_catch_up() {
    let f = Fixture::start(Backend::Postgres).await;
    let cell = f.cell(2, DonationType::Plasma, &[("09:00", 5)], 5).await;
    let mut page = Subscription::open(&f.server.base, None).await;
    let pool = f.server.db.pool().await;
    let killed: i64 = sqlx::query_scalar(
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(killed >= 1, "the server's LISTEN connection");
    assert_eq!(page.next_named(Duration::from_secs(10)).await.as_deref(), Some("resync"));
    let (_, donor) = f.donor("after-the-gap").await;
    donor.book(cell, "09:00").await.expect("booked");
    let changed = page.next_matching(Duration::from_secs(5), |m| matches!(m.event, LiveEvent::CellChanged { .. }));
    assert!(changed.await.is_some(), "events arrive again");
}
