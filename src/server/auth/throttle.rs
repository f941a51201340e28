//! Attempt throttling. Every attempt is counted *before* the work it guards (a password
//! verification, an e-mail), under one lock for all the limits it falls under, so a parallel
//! burst cannot slip past a limit between a check and a count. A successful login forgives its
//! own count afterwards.
//!
//! Which limits apply is the caller's choice ([`Limit`]): for logins per client address, per
//! (account, address) and per account. The per-account limit is a short window only, so an
//! attacker elsewhere can slow a victim's login down (for at most that window) but never lock
//! them out; the long lockouts fall on the attacker's own address.

use chrono::{DateTime, Duration, Utc};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// At most `max` attempts within `window` for one key of this kind.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub name: &'static str,
    pub max: usize,
    pub window: Duration,
}

/// Attempts counted by [`Throttle::attempt`], so a success can be forgiven.
#[must_use]
pub struct Counted {
    keys: Vec<String>,
    at: DateTime<Utc>,
}

#[derive(Default)]
pub struct Throttle {
    attempts: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

/// Entries kept before expired keys are swept (bounds memory under a spray of keys).
const SWEEP_ABOVE: usize = 100_000;

impl Throttle {
    /// Counts one attempt under every `(limit, key)` at `now`, or counts none and answers
    /// `Err(seconds to wait)` when any of them is already at its limit.
    pub fn attempt(&self, checks: &[(Limit, &str)], now: DateTime<Utc>) -> Result<Counted, u64> {
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > SWEEP_ABOVE {
            // Every limit's window is at most a day: older entries count for nothing.
            map.retain(|_, times| times.back().is_some_and(|t| *t + Duration::days(1) > now));
        }
        let mut wait = 0u64;
        for (limit, key) in checks {
            let Some(times) = map.get_mut(&full_key(limit, key)) else { continue };
            while times.front().is_some_and(|t| *t + limit.window <= now) {
                times.pop_front();
            }
            if times.len() >= limit.max {
                let oldest = times[times.len() - limit.max];
                let left = u64::try_from((oldest + limit.window - now).num_seconds()).unwrap_or(0).max(1);
                wait = wait.max(left);
            }
        }
        if wait > 0 {
            return Err(wait);
        }
        let keys: Vec<String> = checks.iter().map(|(limit, key)| full_key(limit, key)).collect();
        for key in &keys {
            map.entry(key.clone()).or_default().push_back(now);
        }
        Ok(Counted { keys, at: now })
    }

    /// Takes back what [`attempt`](Self::attempt) counted (a login that succeeded).
    pub fn forgive(&self, counted: Counted) {
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        for key in counted.keys {
            if let Some(times) = map.get_mut(&key) {
                if let Some(i) = times.iter().rposition(|t| *t == counted.at) {
                    times.remove(i);
                }
            }
        }
    }
}

fn full_key(limit: &Limit, key: &str) -> String {
    format!("{}:{key}", limit.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const THREE: Limit = Limit { name: "three", max: 3, window: Duration::minutes(15) };
    const ONE_A_MINUTE: Limit = Limit { name: "minute", max: 1, window: Duration::minutes(1) };

    #[test]
    fn refuses_past_the_limit_until_the_window_passes() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap();
        let throttle = Throttle::default();
        for i in 0..3 {
            assert!(throttle.attempt(&[(THREE, "a")], t0 + Duration::seconds(i)).is_ok(), "attempt {i}");
        }
        assert_eq!(throttle.attempt(&[(THREE, "a")], t0 + Duration::seconds(5)).err(), Some(895));
        assert!(throttle.attempt(&[(THREE, "b")], t0).is_ok(), "other keys are unaffected");
        assert!(throttle.attempt(&[(THREE, "a")], t0 + Duration::minutes(15)).is_ok());
    }

    #[test]
    fn a_refused_attempt_counts_under_no_limit() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap();
        let throttle = Throttle::default();
        let _ = throttle.attempt(&[(ONE_A_MINUTE, "acct")], t0).unwrap();
        // Refused by the account's limit: the address is not charged for it.
        for _ in 0..5 {
            assert!(throttle.attempt(&[(THREE, "addr"), (ONE_A_MINUTE, "acct")], t0).is_err());
        }
        assert!(throttle.attempt(&[(THREE, "addr")], t0).is_ok());
    }

    #[test]
    fn a_parallel_burst_passes_only_up_to_the_limit() {
        let t0 = Utc::now();
        let throttle = std::sync::Arc::new(Throttle::default());
        let passed: usize = (0..32)
            .map(|_| {
                let throttle = throttle.clone();
                std::thread::spawn(move || throttle.attempt(&[(THREE, "burst")], t0).is_ok())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| usize::from(h.join().unwrap()))
            .sum();
        assert_eq!(passed, 3);
    }

    #[test]
    fn a_forgiven_attempt_no_longer_counts() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap();
        let throttle = Throttle::default();
        for _ in 0..10 {
            let counted = throttle.attempt(&[(THREE, "ok")], t0).unwrap();
            throttle.forgive(counted);
        }
        assert!(throttle.attempt(&[(THREE, "ok")], t0).is_ok());
    }
}
