//! The flash-crowd benchmark (README "Benchmark"): N distinct logged-in donors book one cell
//! of P places at once through the real server binary over HTTP, then the same booking
//! transaction runs in a tight loop without HTTP on the same database — the ceiling.
//!
//! Run it with `scripts/loadtest [sqlite|postgres]…`; it is not part of the test command.

// The integration tests' harness: fresh databases, the real server, the typed client.
#[path = "loadtest/opening.rs"]
mod opening;
#[path = "../tests/support/mod.rs"]
mod support;

use chrono::{Days, NaiveTime, Utc};
use donor_booking::api::moderation::DecideBooking;
use donor_booking::api::planning::CreateCell;
use donor_booking::domain::decision::Moment;
use donor_booking::domain::events::LiveEvent;
use donor_booking::domain::{BloodGroup, BloodProfile, BookingStatus, DonationType, Kell, Rh, Rule};
use donor_booking::error::AppError;
use donor_booking::server::db::bookings::{book, BookOutcome, BookRequest, BookingFacts};
use donor_booking::server::db::cells::{create_cell, NewCell};
use donor_booking::server::db::Db;
use donor_booking::server::mail::templates::booking_received;
use donor_booking::server::synthetic::donors_with_sessions;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::api::Api;
use support::live::Subscription;
use support::{Backend, ServerOptions, TestServer};

const BLOOD: BloodProfile = BloodProfile { group: BloodGroup::O, rh: Rh::Positive, kell: Kell::Negative };
/// The cell's places: TIMES times of PLACES / TIMES places each.
const TIMES: u32 = 10;

struct Config {
    donors: usize,
    /// The realistic opening: donors arrive over this many seconds.
    opening_s: u64,
    places: u32,
    /// Arrivals spread evenly over this many milliseconds (0: all at the same instant).
    spread_ms: u64,
    backends: Vec<Backend>,
    /// Only the alerts' fan-out (issue 14), not the crowd.
    fan_out_only: bool,
    /// Only the realistic opening (no burst, live path, ceiling or fan-out).
    opening_only: bool,
}

fn config() -> Config {
    let mut c = Config {
        donors: 2000,
        opening_s: 10,
        places: 300,
        spread_ms: 0,
        backends: Vec::new(),
        fan_out_only: false,
        opening_only: false,
    };
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--donors" => c.donors = args.next().and_then(|v| v.parse().ok()).expect("--donors N"),
            "--places" => c.places = args.next().and_then(|v| v.parse().ok()).expect("--places N"),
            "--spread-ms" => c.spread_ms = args.next().and_then(|v| v.parse().ok()).expect("--spread-ms N"),
            "--opening-s" => c.opening_s = args.next().and_then(|v| v.parse().ok()).expect("--opening-s N"),
            "--fan-out-only" => c.fan_out_only = true,
            "--opening-only" => c.opening_only = true,
            "sqlite" => c.backends.push(Backend::Sqlite),
            "postgres" => c.backends.push(Backend::Postgres),
            other => {
                panic!("unknown argument {other:?}; use [sqlite] [postgres] [--donors N] [--places N] [--spread-ms N] [--opening-s N] [--fan-out-only] [--opening-only]")
            }
        }
    }
    if c.backends.is_empty() {
        c.backends = vec![Backend::Sqlite, Backend::Postgres];
    }
    assert!(c.places.is_multiple_of(TIMES), "--places must be a multiple of {TIMES}");
    c
}

async fn new_cell(db: &Db, days_ahead: u64, kind: DonationType, places: u32) -> i64 {
    let tomorrow = Utc::now().with_timezone(&chrono_tz::Europe::Moscow).date_naive() + Days::new(days_ahead);
    let per_time = places / TIMES;
    let cell = NewCell {
        place_name: "Центр крови",
        place_address: "ул. Донорская, 1",
        date: tomorrow,
        donation_type: kind,
        slots: (0..TIMES).map(|i| (time_of(i), per_time)).collect(),
        needs: vec![(BLOOD.group, BLOOD.rh, false, places)],
    };
    create_cell(db, &cell, Utc::now()).await.unwrap().expect("new cell")
}

fn time_of(index: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(8, 0, 0).unwrap() + chrono::Duration::minutes(i64::from(index) * 15)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64) * p).ceil() as usize;
    sorted[rank.saturating_sub(1).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One donor pressing «Записаться»: tries the times from its own starting point and moves to
/// the next when told "this time was just taken", as the dialog offers; stops when booked or
/// when the cell is full. Returns each request's latency and how it ended.
async fn donor(api: Api, cell: i64, start: u32) -> (Vec<Duration>, Outcome) {
    let mut latencies = Vec::new();
    for k in 0..TIMES {
        let at = time_of((start + k) % TIMES).format("%H:%M").to_string();
        let sent = Instant::now();
        let (_, answer) = api.call_with_status(support::fixture::book(cell, &at)).await;
        latencies.push(sent.elapsed());
        match answer {
            Ok(_) => return (latencies, Outcome::Booked),
            Err(AppError::Blocked(b)) if b.rule == Rule::R7 => continue,
            Err(AppError::Conflict { .. }) => return (latencies, Outcome::Full),
            Err(_) => return (latencies, Outcome::Error),
        }
    }
    (latencies, Outcome::Full)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Booked,
    Full,
    Error,
}

/// What the burst's HTTP alone costs here: as many new connections as donors, at one instant,
/// each asking for `/healthz` (one pooled ping); the time until every one is answered.
async fn http_floor(base: &str, n: usize) -> Duration {
    let barrier = Arc::new(tokio::sync::Barrier::new(n + 1));
    let http = reqwest::Client::builder().pool_max_idle_per_host(n).build().unwrap();
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (barrier, http, url) = (barrier.clone(), http.clone(), format!("{base}/healthz"));
            tokio::spawn(async move {
                barrier.wait().await;
                http.get(url).send().await.is_ok_and(|r| r.status().is_success())
            })
        })
        .collect();
    barrier.wait().await;
    let started = Instant::now();
    for task in tasks {
        assert!(task.await.unwrap(), "/healthz failed in the floor run");
    }
    started.elapsed()
}

/// The live path: a registrar approves `bookings` one by one on `decide_on`; a client
/// subscribed to `/events` on `listen_on` records, per event, the time from the commit (the
/// event's `committed_at`) to its arrival. Same machine, same clock.
async fn live_latencies(db: &Db, decide_on: &str, listen_on: &str, bookings: &[i64]) -> Vec<Duration> {
    use donor_booking::domain::account::{Principal, StaffRole};
    use donor_booking::server::auth::sessions;
    let email = format!("bench-{}@registrar.invalid", rand::random::<u32>());
    let staff = donor_booking::server::db::accounts::create_staff(
        db,
        &email,
        "!bench",
        StaffRole::Registrar,
        Utc::now(),
        false,
    )
    .await
    .unwrap()
    .unwrap();
    let session = sessions::create(db, Principal::Staff { id: staff, role: StaffRole::Registrar }, Utc::now(), None)
        .await
        .unwrap();
    let mut stream = Subscription::open(listen_on, Some(&session)).await;
    let expected = bookings.len();
    let listener = tokio::spawn(async move {
        let approved = |m: &donor_booking::domain::events::LiveMessage| {
            matches!(m.event, LiveEvent::BookingChanged { status: BookingStatus::Approved, .. })
        };
        let mut latencies = Vec::new();
        while latencies.len() < expected {
            let Some(message) = stream.next_matching(Duration::from_secs(10), approved).await else { break };
            latencies.push((Utc::now() - message.committed_at).to_std().unwrap_or_default());
        }
        latencies
    });
    let registrar = Api::with_session(decide_on, &session);
    for &booking_id in bookings {
        let decision = DecideBooking { booking_id, decision: "approve".into(), reason: None, comment: None };
        assert_eq!(registrar.call(decision).await, Ok(BookingStatus::Approved), "decision failed");
    }
    let mut latencies = listener.await.unwrap();
    assert_eq!(latencies.len(), bookings.len(), "every decision reached the subscriber");
    latencies.sort();
    latencies
}

fn print_live(label: &str, latencies: &[Duration]) {
    println!(
        "  live {label:<18} p50 {:.1} ms / p99 {:.1} ms ({} events)",
        ms(percentile(latencies, 0.50)),
        ms(percentile(latencies, 0.99)),
        latencies.len()
    );
}

async fn run(backend: Backend, c: &Config) {
    let server = TestServer::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await;
    let base = server.base.clone();
    let db = Db::connect(&server.db.url).await.unwrap();
    let cell = new_cell(&db, 1, DonationType::Plasma, c.places).await;
    let donors = donors_with_sessions(&db, "crowd", c.donors, BLOOD, Utc::now()).await.unwrap();
    let http = reqwest::Client::builder().pool_max_idle_per_host(c.donors).build().unwrap();

    let pid = server.pid().expect("the server runs");
    let usage_before = [opening::process_usage(pid).unwrap_or((0.0, 0))];
    // Everyone at once: the tasks wait on one barrier, then press «Записаться».
    let barrier = Arc::new(tokio::sync::Barrier::new(donors.len() + 1));
    let tasks: Vec<_> = donors
        .into_iter()
        .enumerate()
        .map(|(i, (_, session))| {
            let api = Api { http: http.clone(), base: base.clone(), session: Some(session) };
            let barrier = barrier.clone();
            let delay = Duration::from_millis(c.spread_ms * i as u64 / c.donors as u64);
            tokio::spawn(async move {
                barrier.wait().await;
                tokio::time::sleep(delay).await;
                let r = donor(api, cell, i as u32 % TIMES).await;
                (r, Instant::now())
            })
        })
        .collect();
    barrier.wait().await;
    let started = Instant::now();
    let mut latencies = Vec::new();
    let (mut booked, mut full, mut errors, mut last_booking) = (0, 0, 0, started);
    for task in tasks {
        let ((lat, outcome), finished) = task.await.unwrap();
        latencies.extend(lat);
        match outcome {
            Outcome::Booked => {
                booked += 1;
                last_booking = last_booking.max(finished);
            }
            Outcome::Full => full += 1,
            Outcome::Error => errors += 1,
        }
    }
    let wall = started.elapsed();
    let fill = last_booking - started;
    latencies.sort();
    let burst_usage = opening::usage_since(&[pid], &usage_before);
    drop(http); // its idle connections would count against the server's connection cap
    let floor = http_floor(&base, c.donors).await;

    // The live path on the bookings just made: one instance, and two on PostgreSQL.
    let pending: Vec<i64> = {
        use donor_booking::server::db::moderation::{queue, QueueFilter};
        let view = donor_booking::model::moderation::QueueView::Status(donor_booking::domain::BookingStatus::Pending);
        let filter = QueueFilter { view, date: None, kind: None, after: None };
        let now = donor_booking::domain::decision::Moment { utc: Utc::now(), tz: chrono_tz::Europe::Moscow };
        queue(&db, &filter, now).await.unwrap().rows.iter().map(|q| q.booking_id).collect()
    };
    let (first, rest) = pending.split_at(pending.len() / 2);
    let one_instance = live_latencies(&db, &base, &base, first).await;
    let second = if backend == Backend::Postgres { Some(server.sibling().await) } else { None };
    let two_instances = match &second {
        Some(second) => Some(live_latencies(&db, &base, &second.base, rest).await),
        None => None,
    };

    let (one, two) = openings(backend, &db, &base, pid, second.as_ref(), c).await;
    drop(second);
    let mut server = server;
    server.stop().await; // the database stays for the ceiling

    // The ceiling: the same transaction (rules, conditional updates, insert, outbox row) on the
    // same database, no HTTP, as fast as the pool allows.
    let ceiling_cell = new_cell(&db, 2, DonationType::Platelets, c.places).await;
    let ceiling_donors = donors_with_sessions(&db, "ceiling", c.places as usize, BLOOD, Utc::now()).await.unwrap();
    let ceiling_started = Instant::now();
    let workers = 8;
    let queue = Arc::new(std::sync::Mutex::new(ceiling_donors.into_iter().enumerate().collect::<Vec<_>>()));
    // Read once, as the server's cache does.
    let intervals = Arc::new(donor_booking::server::db::intervals::interval_table(&db).await.unwrap());
    let jobs: Vec<_> = (0..workers)
        .map(|_| {
            let (db, queue, intervals) = (db.clone(), queue.clone(), intervals.clone());
            tokio::spawn(async move {
                let mut made = 0u32;
                loop {
                    let Some((i, (donor_id, _))) = queue.lock().unwrap().pop() else { break };
                    let now = Moment { utc: Utc::now(), tz: chrono_tz::Europe::Moscow };
                    let mail =
                        |facts: &BookingFacts| booking_received(&Default::default(), facts, "http://127.0.0.1/cabinet");
                    let id = format!("<ceiling-{i}@loadtest>");
                    let at = time_of(i as u32 % TIMES);
                    if let BookOutcome::Booked(_) = book(
                        &db,
                        BookRequest { donor_id, cell_id: ceiling_cell, start: at, by: None },
                        now,
                        &intervals,
                        &id,
                        mail,
                    )
                    .await
                    .unwrap()
                    {
                        made += 1;
                    }
                }
                made
            })
        })
        .collect();
    let mut ceiling_made = 0;
    for job in jobs {
        ceiling_made += job.await.unwrap();
    }
    let ceiling_time = ceiling_started.elapsed();

    let http_rate = f64::from(booked) / fill.as_secs_f64();
    let ceiling_rate = f64::from(ceiling_made) / ceiling_time.as_secs_f64();
    let arrival = if c.spread_ms == 0 { "all at once".to_owned() } else { format!("arriving over {} ms", c.spread_ms) };
    println!("== {backend:?}: {} donors {arrival}, one cell of {} places ({TIMES} times) ==", c.donors, c.places);
    println!("  bookings made          {booked} (expected {})", c.places);
    println!("  refused as full        {full}");
    println!("  other errors           {errors}");
    println!("  requests               {} in {:.2} s", latencies.len(), wall.as_secs_f64());
    println!(
        "  latency p50 / p99      {:.1} ms / {:.1} ms",
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.99))
    );
    println!("  bookings per second    {http_rate:.0} (cell filled in {:.2} s)", fill.as_secs_f64());
    println!(
        "  ceiling (no HTTP)      {ceiling_rate:.0} bookings/s ({ceiling_made} in {:.2} s, {workers} workers)",
        ceiling_time.as_secs_f64()
    );
    println!("  ratio                  {:.0} % of the ceiling", 100.0 * http_rate / ceiling_rate);
    println!(
        "  server CPU             {:.1} s ({:.1} ms per booking); peak RSS {:.0} MB",
        burst_usage.cpu_s,
        1000.0 * burst_usage.cpu_s / f64::from(booked.max(1)),
        burst_usage.peak_mb
    );
    println!(
        "  HTTP floor             {:.2} s for {} new connections asking only GET /healthz at once",
        floor.as_secs_f64(),
        c.donors
    );
    print_live("one instance", &one_instance);
    if let Some(two) = &two_instances {
        print_live("two instances", two);
    }
    assert_eq!(booked, c.places, "a place was given twice or left unbooked");
    assert_eq!(errors, 0, "requests failed for reasons other than a full cell");
    for result in std::iter::once(&one).chain(two.as_ref()) {
        assert_eq!(result.booked, c.places, "the opening: a place was given twice or left unbooked");
        assert_eq!(result.errors, 0, "the opening: calls failed");
    }
}

/// The realistic opening: a fresh cell and fresh donors, arriving over `opening_s` seconds;
/// on PostgreSQL again with two instances behind one address.
async fn openings(
    backend: Backend,
    db: &Db,
    base: &str,
    pid: u32,
    second: Option<&support::Sibling>,
    c: &Config,
) -> (opening::OpeningResult, Option<opening::OpeningResult>) {
    let over = Duration::from_secs(c.opening_s);
    let opening_cell = new_cell(db, 3, DonationType::Plasma, c.places).await;
    let arriving = donors_with_sessions(db, "opening", c.donors, BLOOD, Utc::now()).await.unwrap();
    let label = format!("{backend:?}, one instance");
    let one = opening::opening(&label, base, arriving, opening_cell, over, &[pid]).await;
    let two = match second {
        Some(second) => {
            let cell = new_cell(db, 4, DonationType::Plasma, c.places).await;
            let arriving = donors_with_sessions(db, "opening2", c.donors, BLOOD, Utc::now()).await.unwrap();
            let front = opening::round_robin(vec![base.to_owned(), second.base.clone()]).await;
            let pids = [pid, second.pid().expect("the second instance runs")];
            let label = format!("{backend:?}, two instances behind one address");
            Some(opening::opening(&label, &front, arriving, cell, over, &pids).await)
        }
        None => None,
    };
    (one, two)
}

/// `--opening-only`: the realistic opening alone, for measuring a change to it quickly.
async fn opening_only(backend: Backend, c: &Config) {
    let server = TestServer::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await;
    let db = Db::connect(&server.db.url).await.unwrap();
    let second = if backend == Backend::Postgres { Some(server.sibling().await) } else { None };
    let pid = server.pid().expect("the server runs");
    let (one, two) = openings(backend, &db, &server.base, pid, second.as_ref(), c).await;
    for result in std::iter::once(&one).chain(two.as_ref()) {
        assert_eq!(result.booked, c.places, "the opening: a place was given twice or left unbooked");
        assert_eq!(result.errors, 0, "the opening: calls failed");
    }
}

/// Runs the same statement on whichever pool the database is.
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            Db::Sqlite($pool) => $body,
            Db::Postgres($pool) => $body,
        }
    };
}

/// Issue 14: "tell me when my group is needed" at a real centre's size. `donors` confirmed
/// donors of every group, every fifth subscribed; a planner opens a cell needing every group;
/// the time from the planner's request until every subscriber's alert is in the outbox.
async fn fan_out(backend: Backend, donors: i64) {
    const EVERY: i64 = 5;
    let server = TestServer::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await;
    let db = Db::connect(&server.db.url).await.unwrap();
    let now = Utc::now();
    let place: i64 = on_db!(&db, pool => {
        sqlx::query(
            "INSERT INTO donors (email, password_hash, blood_group, rh, kell, donor_code, locale, consent_version, \
             consent_at, email_confirmed_at, created_at) \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
             SELECT 'fan-' || i || '@synthetic.invalid', '!synthetic', \
             CASE i % 4 WHEN 0 THEN 'O' WHEN 1 THEN 'A' WHEN 2 THEN 'B' ELSE 'AB' END, \
             CASE (i / 4) % 2 WHEN 0 THEN 'pos' ELSE 'neg' END, 'neg', 'SYN00001', 'ru', 'synthetic', $2, $2, $2 FROM n",
        )
        .bind(donors).bind(now).execute(pool).await.unwrap();
        sqlx::query("INSERT INTO need_alerts (donor_id, donation_types, created_at) SELECT id, '', $1 FROM donors WHERE id % $2 = 0")
            .bind(now).bind(EVERY).execute(pool).await.unwrap();
        sqlx::query_scalar("INSERT INTO places (name, address) VALUES ('Центр крови', 'ул. Донорская, 1') RETURNING id")
            .fetch_one(pool).await.unwrap()
    });
    let subscribed = donors / EVERY;
    let planner = support::staff_api(&server, "planner@centre.example", "planner", "planner-long-phrase-1").await;
    let need = Some("100".to_owned());
    let open = CreateCell {
        date: (support::fixture::moscow_today() + Days::new(2)).to_string(),
        donation_type: Some("plasma".into()),
        place_id: Some(place.to_string()),
        first_time: "08:00".into(),
        last_time: "12:45".into(),
        step_minutes: "15".into(),
        places_per_time: "50".into(),
        need_o_pos: need.clone(),
        need_o_neg: need.clone(),
        need_a_pos: need.clone(),
        need_a_neg: need.clone(),
        need_b_pos: need.clone(),
        need_b_neg: need.clone(),
        need_ab_pos: need.clone(),
        need_ab_neg: need,
        kell_negative_only: None,
    };
    let started = Instant::now();
    planner.call(open).await.expect("the planner opens the cell");
    let clicked = started.elapsed();
    let queued = || async {
        on_db!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM mail_outbox WHERE list_unsubscribe IS NOT NULL")
            .fetch_one(pool).await.unwrap())
    };
    let deadline = started + Duration::from_secs(300);
    let mut n = queued().await;
    while n < subscribed && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        n = queued().await;
    }
    let all_in = started.elapsed();
    println!("== {backend:?}: alerts fan-out, {donors} donors, {subscribed} subscribed, a cell needing every group ==");
    println!("  planner's request      {:.0} ms", ms(clicked));
    println!(
        "  alerts queued          {n} of {subscribed} in {:.2} s ({:.0} per second)",
        all_in.as_secs_f64(),
        n as f64 / all_in.as_secs_f64()
    );
    assert_eq!(n, subscribed, "every subscriber who could book gets one alert");
}

#[tokio::main]
async fn main() {
    let c = config();
    for backend in c.backends.clone() {
        if c.opening_only {
            opening_only(backend, &c).await;
            continue;
        }
        if !c.fan_out_only {
            run(backend, &c).await;
        }
        fan_out(backend, 50_000).await;
    }
}
