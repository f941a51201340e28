//! The clock is part of the app state so that rules, expiry and retention can be tested.

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that tests set from outside the process: the file holds an RFC 3339 instant, read
/// on every call; while the file is missing or empty the system time is used. The server
/// takes it only from the hidden `TEST_CLOCK_FILE` setting and logs a warning when it does.
pub struct FileClock {
    pub path: std::path::PathBuf,
}

impl Clock for FileClock {
    fn now(&self) -> DateTime<Utc> {
        std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
            .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_clock_reads_its_file_and_falls_back_to_the_system_time() {
        let dir = std::env::temp_dir().join(format!("clock-test-{}", std::process::id()));
        let clock = FileClock { path: dir.clone() };
        assert!((clock.now() - Utc::now()).num_seconds().abs() < 5, "no file: system time");
        std::fs::write(&dir, "2026-12-02T21:00:00Z\n").unwrap();
        assert_eq!(clock.now().to_rfc3339(), "2026-12-02T21:00:00+00:00");
        std::fs::remove_file(&dir).unwrap();
    }
}
