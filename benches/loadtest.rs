//! The flash-crowd benchmark (README "Benchmark"): N distinct logged-in donors book one cell
//! of P places at once through the real server binary over HTTP, then the same booking
//! transaction runs in a tight loop without HTTP on the same database — the ceiling.
//!
//! Run it with `scripts/loadtest [sqlite|postgres]…`; it is not part of the test command.

use chrono::{Days, NaiveTime, Utc};
use donor_booking::domain::{BloodGroup, BloodProfile, DonationType, Kell, Rh};
use donor_booking::server::db::bookings::{book, BookOutcome, BookingFacts, Now};
use donor_booking::server::db::cells::{create_cell, NewCell};
use donor_booking::server::db::Db;
use donor_booking::server::mail::templates::booking_received;
use donor_booking::server::synthetic::donors_with_sessions;
use std::net::TcpListener;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::process::Command;

const BLOOD: BloodProfile = BloodProfile { group: BloodGroup::O, rh: Rh::Positive, kell: Kell::Negative };
/// The cell's places: TIMES times of PLACES / TIMES places each.
const TIMES: u32 = 10;

struct Config {
    donors: usize,
    places: u32,
    /// Arrivals spread evenly over this many milliseconds (0: all at the same instant).
    spread_ms: u64,
    backends: Vec<String>,
}

fn config() -> Config {
    let mut c = Config { donors: 2000, places: 300, spread_ms: 0, backends: Vec::new() };
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--donors" => c.donors = args.next().and_then(|v| v.parse().ok()).expect("--donors N"),
            "--places" => c.places = args.next().and_then(|v| v.parse().ok()).expect("--places N"),
            "--spread-ms" => c.spread_ms = args.next().and_then(|v| v.parse().ok()).expect("--spread-ms N"),
            "sqlite" | "postgres" => c.backends.push(arg),
            other => {
                panic!("unknown argument {other:?}; use [sqlite] [postgres] [--donors N] [--places N] [--spread-ms N]")
            }
        }
    }
    if c.backends.is_empty() {
        c.backends = vec!["sqlite".into(), "postgres".into()];
    }
    assert!(c.places.is_multiple_of(TIMES), "--places must be a multiple of {TIMES}");
    c
}

/// A fresh database of the backend; the temp dir (SQLite) lives as long as the value.
async fn fresh_database(backend: &str) -> (String, Option<tempfile::TempDir>) {
    match backend {
        "sqlite" => {
            let dir = tempfile::tempdir().unwrap();
            (format!("sqlite://{}", dir.path().join("loadtest.db").display()), Some(dir))
        }
        _ => {
            let admin = std::env::var("TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let name = format!("donor_loadtest_{}", rand::random::<u32>());
            let mut conn: sqlx::PgConnection = sqlx::Connection::connect(&admin).await.expect("PostgreSQL");
            sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str()).await.unwrap();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin).to_owned();
            (format!("{base}/{name}"), None)
        }
    }
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
async fn donor(http: reqwest::Client, url: String, session: String, cell: i64, start: u32) -> (Vec<Duration>, Outcome) {
    let mut latencies = Vec::new();
    for k in 0..TIMES {
        let at = time_of((start + k) % TIMES).format("%H:%M").to_string();
        let form = [("cell_id", cell.to_string()), ("time", at), ("confirmed", "on".into())];
        let sent = Instant::now();
        let resp = http.post(&url).header("cookie", format!("session={session}")).form(&form).send().await;
        latencies.push(sent.elapsed());
        let Ok(resp) = resp else { return (latencies, Outcome::Error) };
        let status = resp.status().as_u16();
        let body: serde_json::Value = resp.json().await.unwrap_or_default();
        match status {
            200 => return (latencies, Outcome::Booked),
            409 if body["Blocked"]["rule"] == "R7" => continue,
            409 if body.get("Conflict").is_some() => return (latencies, Outcome::Full),
            _ => return (latencies, Outcome::Error),
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

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts the real server binary on the database; returns its base URL once it answers.
async fn start_server(url: &str, http: &reqwest::Client) -> (tokio::process::Child, String) {
    let port = free_port();
    let server = Command::new(env!("CARGO_BIN_EXE_donor-booking"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LOG_LEVEL", "error")
        .env("MAIL_DIR", std::env::temp_dir().join(format!("loadtest-mail-{port}")))
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start the server");
    let base = format!("http://127.0.0.1:{port}");
    while http.get(format!("{base}/healthz")).send().await.map(|r| !r.status().is_success()).unwrap_or(true) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (server, base)
}

/// The live path: a registrar approves `bookings` one by one on `decide_on`; a client
/// subscribed to `/events` on `listen_on` records, per event, the time from the commit (the
/// event's `committed_at`) to its arrival. Same machine, same clock.
async fn live_latencies(db: &Db, decide_on: &str, listen_on: &str, bookings: &[i64]) -> Vec<Duration> {
    use donor_booking::domain::account::{Principal, StaffRole};
    use donor_booking::server::auth::sessions;
    let email = format!("bench-{}@registrar.invalid", rand::random::<u32>());
    let staff =
        donor_booking::server::db::accounts::create_staff(db, &email, "!bench", StaffRole::Registrar, Utc::now())
            .await
            .unwrap()
            .unwrap();
    let session = sessions::create(db, Principal::Staff { id: staff, role: StaffRole::Registrar }, Utc::now(), None)
        .await
        .unwrap();
    let cookie = format!("session={session}");
    let http = reqwest::Client::new();
    let mut stream = http.get(format!("{listen_on}/events")).header("cookie", &cookie).send().await.unwrap();
    let expected = bookings.len();
    let listener = tokio::spawn(async move {
        let (mut buffer, mut latencies) = (String::new(), Vec::new());
        while latencies.len() < expected {
            let Ok(Ok(Some(chunk))) = tokio::time::timeout(Duration::from_secs(10), stream.chunk()).await else {
                break;
            };
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let frame: String = buffer.drain(..end + 2).collect();
                let Some(data) = frame.lines().find_map(|l| l.strip_prefix("data:")) else { continue };
                let Ok(message) = serde_json::from_str::<serde_json::Value>(data.trim()) else { continue };
                if message["event"]["kind"] != "booking_changed" || message["event"]["status"] != "Approved" {
                    continue;
                }
                let committed: chrono::DateTime<Utc> = serde_json::from_value(message["committed_at"].clone()).unwrap();
                latencies.push((Utc::now() - committed).to_std().unwrap_or_default());
            }
        }
        latencies
    });
    tokio::time::sleep(Duration::from_millis(300)).await; // subscribed before the first decision
    for id in bookings {
        let form = [("booking_id", id.to_string()), ("decision", "approve".to_owned())];
        let resp =
            http.post(format!("{decide_on}/api/decide_booking")).header("cookie", &cookie).form(&form).send().await;
        assert!(resp.is_ok_and(|r| r.status().is_success()), "decision failed");
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

async fn run(backend: &str, c: &Config) {
    let (url, _dir) = fresh_database(backend).await;
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let cell = new_cell(&db, 1, DonationType::Plasma, c.places).await;
    let donors = donors_with_sessions(&db, "crowd", c.donors, BLOOD, Utc::now()).await.unwrap();

    let http = reqwest::Client::builder().pool_max_idle_per_host(c.donors).build().unwrap();
    let (mut server, base) = start_server(&url, &http).await;

    // Everyone at once: the tasks wait on one barrier, then press «Записаться».
    let barrier = Arc::new(tokio::sync::Barrier::new(donors.len() + 1));
    let book_url = format!("{base}/api/book");
    let tasks: Vec<_> = donors
        .into_iter()
        .enumerate()
        .map(|(i, (_, session))| {
            let (http, url, barrier) = (http.clone(), book_url.clone(), barrier.clone());
            let delay = Duration::from_millis(c.spread_ms * i as u64 / c.donors as u64);
            tokio::spawn(async move {
                barrier.wait().await;
                tokio::time::sleep(delay).await;
                let r = donor(http, url, session, cell, i as u32 % TIMES).await;
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

    // The live path on the bookings just made: one instance, and two on PostgreSQL.
    let pending: Vec<i64> = {
        use donor_booking::server::db::moderation::{queue, QueueFilter};
        let filter = QueueFilter { status: donor_booking::domain::BookingStatus::Pending, date: None, kind: None };
        queue(&db, &filter, Utc::now(), chrono_tz::Europe::Moscow).await.unwrap().iter().map(|q| q.booking_id).collect()
    };
    let (first, rest) = pending.split_at(pending.len() / 2);
    let one_instance = live_latencies(&db, &base, &base, first).await;
    let two_instances = if backend == "postgres" {
        let (mut second, other) = start_server(&url, &http).await;
        let l = live_latencies(&db, &base, &other, rest).await;
        let _ = second.kill().await;
        Some(l)
    } else {
        None
    };
    let _ = server.kill().await;

    // The ceiling: the same transaction (rules, conditional updates, insert, outbox row) on the
    // same database, no HTTP, as fast as the pool allows.
    let ceiling_cell = new_cell(&db, 2, DonationType::Platelets, c.places).await;
    let ceiling_donors = donors_with_sessions(&db, "ceiling", c.places as usize, BLOOD, Utc::now()).await.unwrap();
    let ceiling_started = Instant::now();
    let workers = 8;
    let queue = Arc::new(std::sync::Mutex::new(ceiling_donors.into_iter().enumerate().collect::<Vec<_>>()));
    let jobs: Vec<_> = (0..workers)
        .map(|_| {
            let (db, queue) = (db.clone(), queue.clone());
            tokio::spawn(async move {
                let mut made = 0u32;
                loop {
                    let Some((i, (donor_id, _))) = queue.lock().unwrap().pop() else { break };
                    let now = Now { utc: Utc::now(), tz: chrono_tz::Europe::Moscow };
                    let mail = |facts: &BookingFacts| booking_received(facts, "http://127.0.0.1/cabinet");
                    let id = format!("<ceiling-{i}@loadtest>");
                    let at = time_of(i as u32 % TIMES);
                    if let BookOutcome::Booked(_) = book(&db, donor_id, ceiling_cell, at, now, &id, mail).await.unwrap()
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
    println!("== {backend}: {} donors {arrival}, one cell of {} places ({TIMES} times) ==", c.donors, c.places);
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
    print_live("one instance", &one_instance);
    if let Some(two) = &two_instances {
        print_live("two instances", two);
    }
    assert_eq!(booked, c.places, "a place was given twice or left unbooked");
    assert_eq!(errors, 0, "requests failed for reasons other than a full cell");
}

#[tokio::main]
async fn main() {
    let c = config();
    for backend in c.backends.clone() {
        run(&backend, &c).await;
    }
}
