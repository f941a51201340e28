//! Failed-attempt throttling: after `limit` failures within `window` for one key (an account,
//! an IP address), further attempts are refused until the oldest failure leaves the window.

use chrono::{DateTime, Duration, Utc};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

pub struct Throttle {
    limit: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl Throttle {
    pub fn new(limit: usize, window: Duration) -> Throttle {
        Throttle { limit, window, failures: Mutex::new(HashMap::new()) }
    }

    /// `Err(seconds to wait)` when the key is over its limit at `now`.
    pub fn check(&self, key: &str, now: DateTime<Utc>) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let Some(times) = map.get_mut(key) else { return Ok(()) };
        while times.front().is_some_and(|t| *t + self.window <= now) {
            times.pop_front();
        }
        if times.len() < self.limit {
            return Ok(());
        }
        let oldest = *times.front().expect("over the limit means non-empty");
        Err(u64::try_from((oldest + self.window - now).num_seconds()).unwrap_or(0).max(1))
    }

    pub fn record_failure(&self, key: &str, now: DateTime<Utc>) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        // Bound memory under a spray of keys: forget entries whose window has passed.
        if map.len() > 100_000 {
            map.retain(|_, times| times.back().is_some_and(|t| *t + self.window > now));
        }
        map.entry(key.to_owned()).or_default().push_back(now);
    }

    pub fn reset(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn blocks_after_the_limit_until_the_window_passes() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap();
        let throttle = Throttle::new(3, Duration::minutes(15));
        for i in 0..3 {
            assert!(throttle.check("a@example.org", t0).is_ok(), "attempt {i}");
            throttle.record_failure("a@example.org", t0 + Duration::seconds(i));
        }
        assert_eq!(throttle.check("a@example.org", t0 + Duration::seconds(5)), Err(895));
        assert!(throttle.check("b@example.org", t0).is_ok(), "other keys are unaffected");
        assert!(throttle.check("a@example.org", t0 + Duration::minutes(15)).is_ok());
        throttle.record_failure("c", t0);
        throttle.reset("c");
        assert!(throttle.check("c", t0).is_ok());
    }
}
