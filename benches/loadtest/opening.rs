//! The realistic opening of bookings (issue 16): donors arrive spread over some seconds, each
//! loading the cabinet and going through the booking dialog's calls, against one server — or,
//! on PostgreSQL, two instances behind one address (a round-robin TCP proxy here). It reports
//! p50/p99 per call, the server's CPU seconds per booking and its peak memory.

use super::support::api::Api;
use super::{ms, percentile, time_of, Outcome, TIMES};
use donor_booking::domain::Rule;
use donor_booking::error::AppError;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};

/// CPU seconds (user + system) and peak resident memory (kB) of a process, from /proc.
pub fn process_usage(pid: u32) -> Option<(f64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command (which may hold spaces) start after its closing parenthesis.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12th and 13th after ')'.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let peak_kb =
        status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches(" kB").trim().parse().ok()?;
    // /proc counts in USER_HZ, 100 per second on Linux.
    Some((ticks / 100.0, peak_kb))
}

/// CPU seconds (user + system) per process whose command is `name` (PostgreSQL's backends:
/// `postgres`).
pub fn cpu_of_named(name: &str) -> BTreeMap<u32, f64> {
    let Ok(dir) = std::fs::read_dir("/proc") else { return BTreeMap::new() };
    dir.filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|comm| comm.trim_end() == name))
        .filter_map(|pid| process_usage(pid).map(|(cpu, _)| (pid, cpu)))
        .collect()
}

/// CPU seconds used since `before` by the processes of `now` (one that ended in between is
/// not counted; one that started is counted whole).
pub fn cpu_since(before: &BTreeMap<u32, f64>, now: &BTreeMap<u32, f64>) -> f64 {
    now.iter().map(|(pid, cpu)| cpu - before.get(pid).copied().unwrap_or(0.0)).sum()
}

pub fn own_cpu() -> f64 {
    process_usage(std::process::id()).map_or(0.0, |(cpu, _)| cpu)
}

/// Server processes' CPU seconds since `before`, and their peak memory (largest, MB).
pub struct Usage {
    pub cpu_s: f64,
    pub peak_mb: f64,
}

pub fn usage_since(pids: &[u32], before: &[(f64, u64)]) -> Usage {
    let now: Vec<(f64, u64)> = pids.iter().map(|p| process_usage(*p).unwrap_or((0.0, 0))).collect();
    let cpu_s = now.iter().zip(before).map(|(n, b)| n.0 - b.0).sum();
    let peak_mb = now.iter().map(|n| n.1 as f64 / 1024.0).fold(0.0, f64::max);
    Usage { cpu_s, peak_mb }
}

/// A TCP proxy on a free port that hands each new connection to the next of `backends` in
/// turn: two instances behind one address. Returns its base URL.
pub async fn round_robin(backends: Vec<String>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let targets: Vec<String> = backends.iter().map(|b| b.trim_start_matches("http://").to_owned()).collect();
    tokio::spawn(async move {
        let mut next = 0usize;
        loop {
            let Ok((mut inbound, _)) = listener.accept().await else { continue };
            let target = targets[next % targets.len()].clone();
            next += 1;
            tokio::spawn(async move {
                if let Ok(mut outbound) = TcpStream::connect(&target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    format!("http://{addr}")
}

/// The calls of one donor, as the cabinet's island makes them.
const CALLS: [&str; 5] = [
    "GET /cabinet",
    "GET /cabinet/book/:cell (times)",
    "GET … ?time= (summary)",
    "POST /api/book",
    "GET /cabinet (booked)",
];

/// One donor: the cabinet, the dialog's two steps, «Подтвердить» (another time when this one was
/// just taken, as the dialog offers), then the cabinet the server redirects to.
async fn donor(base: String, session: String, cell: i64, start: u32) -> (Vec<(usize, Duration, bool)>, Outcome) {
    // A phone of its own: its own connection.
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let cookie = format!("session={session}");
    let mut calls = Vec::new();
    let get = |path: String| {
        let req = http.get(format!("{base}{path}")).header("cookie", cookie.clone());
        async move {
            let sent = Instant::now();
            let ok = req.send().await.is_ok_and(|r| r.status().is_success());
            (sent.elapsed(), ok)
        }
    };
    let (d, ok) = get("/cabinet".into()).await;
    calls.push((0, d, ok));
    let (d, ok) = get(format!("/cabinet/book/{cell}")).await;
    calls.push((1, d, ok));
    let api = Api { http: http.clone(), base: base.clone(), session: Some(session.clone()) };
    for k in 0..TIMES {
        let at = time_of((start + k) % TIMES).format("%H:%M").to_string();
        let (d, ok) = get(format!("/cabinet/book/{cell}?step=times&time={at}")).await;
        calls.push((2, d, ok));
        let sent = Instant::now();
        let (_, answer) = api.call_with_status(super::support::fixture::book(cell, &at)).await;
        let took = sent.elapsed();
        match answer {
            Ok(_) => {
                calls.push((3, took, true));
                let (d, ok) = get("/cabinet".into()).await;
                calls.push((4, d, ok));
                return (calls, Outcome::Booked);
            }
            Err(AppError::Blocked(b)) if b.rule == Rule::R7 => calls.push((3, took, true)),
            Err(AppError::Conflict { .. }) => {
                calls.push((3, took, true));
                return (calls, Outcome::Full);
            }
            Err(_) => {
                calls.push((3, took, false));
                return (calls, Outcome::Error);
            }
        }
    }
    (calls, Outcome::Full)
}

pub struct OpeningResult {
    pub booked: u32,
    pub errors: u32,
}

/// Runs the opening against `base` and prints its table.
pub async fn opening(
    label: &str,
    base: &str,
    donors: Vec<(i64, String)>,
    cell: i64,
    over: Duration,
    pids: &[u32],
) -> OpeningResult {
    let before: Vec<(f64, u64)> = pids.iter().map(|p| process_usage(*p).unwrap_or((0.0, 0))).collect();
    let (database_before, clients_before) = (cpu_of_named("postgres"), own_cpu());
    let n = donors.len();
    let started = Instant::now();
    let tasks: Vec<_> = donors
        .into_iter()
        .enumerate()
        .map(|(i, (_, session))| {
            let base = base.to_owned();
            let at = over.mul_f64(i as f64 / n as f64);
            tokio::spawn(async move {
                tokio::time::sleep_until(tokio::time::Instant::from_std(started + at)).await;
                donor(base, session, cell, i as u32 % TIMES).await
            })
        })
        .collect();
    let mut per_call: BTreeMap<usize, Vec<Duration>> = BTreeMap::new();
    let (mut booked, mut errors, mut failed_calls) = (0u32, 0u32, 0u32);
    for task in tasks {
        let (calls, outcome) = task.await.unwrap();
        for (kind, d, ok) in calls {
            per_call.entry(kind).or_default().push(d);
            failed_calls += u32::from(!ok);
        }
        match outcome {
            Outcome::Booked => booked += 1,
            Outcome::Full => {}
            Outcome::Error => errors += 1,
        }
    }
    let usage = usage_since(pids, &before);
    let wall = started.elapsed().as_secs_f64();
    let (database_cpu, clients_cpu) =
        (cpu_since(&database_before, &cpu_of_named("postgres")), own_cpu() - clients_before);
    println!("== {label}: {n} donors over {:.0} s, cabinet then the booking dialog ==", over.as_secs_f64());
    println!("  {:<34} {:>8} {:>8} {:>7}", "call", "p50", "p99", "count");
    for (kind, mut latencies) in per_call {
        latencies.sort();
        println!(
            "  {:<34} {:>5.1} ms {:>5.1} ms {:>7}",
            CALLS[kind],
            ms(percentile(&latencies, 0.50)),
            ms(percentile(&latencies, 0.99)),
            latencies.len()
        );
    }
    println!("  bookings made          {booked}; failed calls {failed_calls}; other errors {errors}");
    println!(
        "  server CPU             {:.1} s ({:.1} ms per booking); peak RSS {:.0} MB",
        usage.cpu_s,
        1000.0 * usage.cpu_s / f64::from(booked.max(1)),
        usage.peak_mb
    );
    // Who used the machine's cores in the window: the bound when every call waits.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    println!(
        "  CPU in {wall:.1} s × {cores:.0} cores  server {:.1} s, PostgreSQL {database_cpu:.1} s, the clients {clients_cpu:.1} s ({:.0} % busy)",
        usage.cpu_s,
        100.0 * (usage.cpu_s + database_cpu + clients_cpu) / (wall * cores)
    );
    OpeningResult { booked, errors: errors + failed_calls }
}
