//! Faults an instance meets in production (issue 11), each bounded in time. SIGTERM with open
//! event streams and a request in flight: the instance stops accepting, ends the streams so
//! browsers reconnect elsewhere, answers the request it had accepted, and exits within its
//! deadline. PostgreSQL dropping the server's pooled connections. (Mail relay faults are in
//! `accounts`, a lost LISTEN connection in `open_pages`.)

use crate::support::fixture::{Fixture, A_POS};
use crate::support::live::Subscription;
use crate::support::smtp::read_maildir;
use crate::support::{staff_session, Backend, ServerOptions, TestServer};
use donor_booking::domain::DonationType;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn sigterm_ends_streams_finishes_accepted_requests_and_exits_in_time(backend: Backend) {
    let options = ServerOptions { env: vec![("SHUTDOWN_DEADLINE_SECS", "5")], ..Default::default() };
    let mut server = TestServer::start_with(backend, options).await;
    let mut pages = Vec::new();
    for _ in 0..3 {
        pages.push(Subscription::open(&server.base, None).await); // open: it said `ready`
    }
    // A request whose headers are in and whose body is still on its way (a slow phone).
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    let body = "donation_type=";
    let head = format!(
        "POST /api/open_cells HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let asked = Instant::now();
    server.terminate();
    for page in &mut pages {
        assert!(
            page.ended_within(Duration::from_secs(3)).await,
            "an open stream was ended for the browser to reconnect"
        );
    }
    // No new connections…
    let deadline = Instant::now() + Duration::from_secs(3);
    while tokio::net::TcpStream::connect(&addr).await.is_ok() {
        assert!(Instant::now() < deadline, "still accepting after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // …but the accepted request is answered in full.
    slow.write_all(body.as_bytes()).await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(5), slow.read_to_string(&mut answer)).await.expect("answered").unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "the request in flight failed: {}",
        answer.lines().next().unwrap_or("")
    );
    assert!(answer.contains("\"cells\""), "a complete answer");

    let status = server.exited_within(Duration::from_secs(8)).await.expect("exits within its deadline");
    assert!(status.success(), "a clean exit: {status}");
    assert!(asked.elapsed() < Duration::from_secs(7), "took {:?}", asked.elapsed());
}

/// `/readyz` is 200 with every dependency up and names what is not: here the database refusing
/// writes (SQLite held by another writer beyond the busy timeout), then ready again.
async fn readyz_names_what_is_not_ready(backend: Backend) {
    let options = ServerOptions { env: vec![("SQLITE_BUSY_TIMEOUT_MS", "300")], ..Default::default() };
    let server = TestServer::start_with(backend, options).await;
    let readyz = || async {
        let resp = reqwest::get(server.url("/readyz")).await.expect("GET /readyz");
        (resp.status().as_u16(), resp.json::<serde_json::Value>().await.expect("JSON"))
    };
    // LISTEN connects in the background right after start.
    let deadline = Instant::now() + Duration::from_secs(10);
    let (status, body) = loop {
        let (status, body) = readyz().await;
        if status == 200 || Instant::now() > deadline {
            break (status, body);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["mail_worker"], "ok");
    let listen = if matches!(backend, Backend::Postgres) { "ok" } else { "not used" };
    assert_eq!(body["listen"], listen);
    if matches!(backend, Backend::Sqlite) {
        let pool = server.db.pool().await;
        let mut holder = pool.acquire().await.unwrap();
        sqlx::query("BEGIN EXCLUSIVE").execute(&mut *holder).await.unwrap();
        let (status, body) = readyz().await;
        assert_eq!(status, 503);
        assert_eq!(body["database"], "refuses writes");
        assert_eq!(body["ready"], false);
        sqlx::query("ROLLBACK").execute(&mut *holder).await.unwrap();
        drop(holder);
        assert_eq!(readyz().await.0, 200, "ready again");
    }
    // Liveness stays cheap and separate.
    assert_eq!(reqwest::get(server.url("/healthz")).await.unwrap().status(), 200);
}

/// A client that trickles its headers is cut off after HEADER_READ_TIMEOUT_SECS, and serving
/// others goes on meanwhile.
async fn a_slow_header_client_is_cut_off_and_others_are_served(backend: Backend) {
    let options = ServerOptions { env: vec![("HEADER_READ_TIMEOUT_SECS", "1")], ..Default::default() };
    let server = TestServer::start_with(backend, options).await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    slow.write_all(format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ").as_bytes()).await.unwrap();
    let started = Instant::now();
    assert_eq!(reqwest::get(server.url("/healthz")).await.unwrap().status(), 200, "others are served");
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the slow client was not cut off");
    assert!(started.elapsed() >= Duration::from_millis(900), "not before its deadline: {:?}", started.elapsed());
    assert!(!String::from_utf8_lossy(&rest).contains("200 OK"), "no page for unfinished headers");
}

/// Past MAX_CONNECTIONS a new client waits (in the kernel's backlog) instead of the process
/// running out of descriptors; it is served as soon as a connection closes.
async fn connections_over_the_cap_wait_for_a_free_one(backend: Backend) {
    let options = ServerOptions { env: vec![("MAX_CONNECTIONS", "2")], ..Default::default() };
    let server = TestServer::start_with(backend, options).await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    let first = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let _second = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let client = reqwest::Client::builder().timeout(Duration::from_millis(800)).build().unwrap();
    assert!(client.get(server.url("/healthz")).send().await.is_err(), "a third connection is not served yet");
    drop(first);
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    assert_eq!(client.get(server.url("/healthz")).send().await.expect("served").status(), 200);
}

/// Past REQUESTS_AT_ONCE a request waits its turn and is served when one finishes; one waiting
/// longer than the pool's acquire timeout is answered 503 with Retry-After and the localised
/// sentence; health probes never wait.
async fn requests_past_the_limit_wait_their_turn(backend: Backend) {
    let env = vec![("REQUESTS_AT_ONCE", "1"), ("DB_ACQUIRE_TIMEOUT_MS", "1500")];
    let server = TestServer::start_with(backend, ServerOptions { env, ..Default::default() }).await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    // The only turn is held by a request whose body is still on its way.
    let body = "email=turn%40example.org&password=not-the-password";
    let (first, rest) = body.split_at(6);
    let mut slow = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    let head = format!(
        "POST /api/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n{first}",
        body.len()
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(reqwest::get(server.url("/healthz")).await.unwrap().status(), 200, "probes never wait");

    let started = Instant::now();
    let call = tokio::spawn(reqwest::Client::new().post(server.url("/api/logout")).send());
    let page = reqwest::get(server.url("/login")).await.unwrap();
    assert_eq!(page.status(), 503);
    assert_eq!(page.headers()["retry-after"], "2");
    assert!(started.elapsed() >= Duration::from_millis(1400), "it waited its turn: {:?}", started.elapsed());
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = page.text().await.unwrap();
    assert!(page.contains("Сервер сейчас перегружен"), "a page says so in words");
    assert!(page.contains(r#"<a href="/login">Открыть страницу ещё раз</a>"#), "and offers to ask again");
    let call = call.await.unwrap().unwrap();
    assert_eq!(call.status(), 503);
    assert_eq!(call.headers()["retry-after"], "2");
    let error: donor_booking::error::AppError = call.json().await.unwrap();
    assert_eq!(error, donor_booking::error::AppError::Unavailable { retry_after_secs: 2 }, "the client's error");

    let waiting = tokio::spawn(reqwest::get(server.url("/login")));
    tokio::time::sleep(Duration::from_millis(300)).await;
    slow.write_all(rest.as_bytes()).await.unwrap();
    let served = tokio::time::timeout(Duration::from_secs(5), waiting).await.expect("served in time");
    assert_eq!(served.unwrap().unwrap().status(), 200, "served once the turn is free");
}

/// One session may hold MAX_STREAMS_PER_SESSION event streams (tabs); another is refused with
/// 429, and a closed one frees its place.
async fn a_session_holds_a_bounded_number_of_streams(backend: Backend) {
    let options = ServerOptions { env: vec![("MAX_STREAMS_PER_SESSION", "2")], ..Default::default() };
    let server = TestServer::start_with(backend, options).await;
    let desk = staff_session(&server, "streams@centre.example", "registrar", "streams-pass-phrase-1").await;
    let first = Subscription::open_as(&desk, &server.base).await;
    let _second = Subscription::open_as(&desk, &server.base).await;
    let third = desk.get(server.url("/events")).send().await.unwrap();
    assert_eq!(third.status(), 429);
    assert!(third.headers().contains_key("retry-after"));
    drop(first);
    // The server learns of a closed stream at its next write at the latest (a 15 s keep-alive).
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let again = desk.get(server.url("/events")).send().await.unwrap();
        if again.status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "a closed stream did not free its place");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// SIGKILL in the middle of a booking burst, then a restart: every booking the server confirmed
/// is there, the counters equal the active bookings and none is over capacity, no e-mail went
/// out twice and none is lost (the rest are still queued), and booking goes on.
async fn a_killed_instance_loses_nothing_it_confirmed(backend: Backend) {
    let mut f = Fixture::start(backend).await;
    let cell = f.cell(1, DonationType::Plasma, &[("11:00", 100), ("11:30", 100)], 300).await;
    let donors = f.donors("killed", 120, A_POS).await;
    let tasks: Vec<_> = donors
        .iter()
        .enumerate()
        .map(|(i, (_, session))| {
            let api = f.api(session);
            let at = if i % 2 == 0 { "11:00" } else { "11:30" };
            tokio::spawn(async move { api.book(cell, at).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(150)).await;
    f.server.kill_now();
    let mut confirmed = Vec::new();
    for task in tasks {
        // A request the killed server never answered fails in the client (the task panics).
        if let Ok(Ok(id)) = task.await {
            confirmed.push(id);
        }
    }
    f.server.restart().await;

    for id in &confirmed {
        let kept = f.scalar("SELECT COUNT(*) FROM bookings WHERE id = $1 AND status = 'pending'", *id).await;
        assert_eq!(kept, 1, "confirmed booking {id} is there");
    }
    let active = f.scalar("SELECT COUNT(*) FROM bookings WHERE cell_id = $1 AND status = 'pending'", cell).await;
    assert!(active >= confirmed.len() as i64, "some committed before their answer was sent");
    assert_eq!(f.scalar("SELECT CAST(SUM(booked) AS BIGINT) FROM time_slots WHERE cell_id = $1", cell).await, active);
    assert_eq!(
        f.scalar("SELECT booked FROM group_quotas WHERE cell_id = $1 AND blood_group = 'A'", cell).await,
        active
    );
    assert_eq!(f.scalar("SELECT COUNT(*) FROM time_slots WHERE cell_id = $1 AND booked > capacity", cell).await, 0);

    // Each committed booking queued its e-mail; what was sent was sent once, the rest waits.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let queued = f.count("SELECT COUNT(*) FROM mail_outbox").await;
    assert_eq!(queued, active, "one e-mail per committed booking");
    let delivered = read_maildir(f.server.mail_dir.path());
    let mut ids: Vec<&str> = delivered.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before, "no e-mail delivered twice");
    let sent = f.count("SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent'").await;
    assert!(sent <= before as i64, "every row marked sent was delivered");

    let (_, session) = f.donors("after-restart", 1, A_POS).await.remove(0);
    assert!(f.api(&session).book(cell, "11:00").await.is_ok(), "booking goes on after the restart");
}

/// PostgreSQL drops every pooled connection of the server (a restart, a failover, a firewall's
/// idle cut). The pool pings only a connection idle for over a second (not one per statement
/// under a crowd), so after a pause the next donor's cabinet and booking work at once, with
/// nothing written before lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_dropped_pool_connections_cost_no_request_after_a_pause() {
    let f = Fixture::start(Backend::Postgres).await;
    let cell = f.cell(2, DonationType::Plasma, &[("09:00", 5)], 5).await;
    let (_, before) = f.donor("before-the-drop").await;
    let kept = before.book(cell, "09:00").await.expect("booked before the drop");
    let pool = f.server.db.pool().await;
    let dropped: i64 = sqlx::query_scalar(
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND query NOT ILIKE 'LISTEN%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(dropped >= 1, "the server's pooled connections");
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let (_, after) = f.donor("after-the-drop").await;
    let cabinet = after
        .http
        .get(format!("{}/cabinet", f.server.base))
        .header("cookie", format!("session={}", after.session.clone().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(cabinet.status(), 200, "the cabinet loads at once");
    assert!(cabinet.text().await.unwrap().contains("data-testid=\"profile\""), "with the donor's data");
    assert!(after.book(cell, "09:00").await.is_ok(), "booking works at once");
    assert_eq!(f.scalar("SELECT COUNT(*) FROM bookings WHERE id = $1 AND status = 'pending'", kept).await, 1);
    assert_eq!(f.scalar("SELECT booked FROM time_slots WHERE cell_id = $1", cell).await, 2, "both places counted");
}

on_both_backends!(
    a_killed_instance_loses_nothing_it_confirmed,
    sigterm_ends_streams_finishes_accepted_requests_and_exits_in_time,
    readyz_names_what_is_not_ready,
    a_slow_header_client_is_cut_off_and_others_are_served,
    connections_over_the_cap_wait_for_a_free_one,
    a_session_holds_a_bounded_number_of_streams,
    requests_past_the_limit_wait_their_turn,
);
