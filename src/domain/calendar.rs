//! The centre's calendar: days and times are local to the centre (Europe/Moscow by default).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Europe::Moscow;

/// The centre's calendar day at an instant.
pub fn local_date(instant: DateTime<Utc>, tz: Tz) -> NaiveDate {
    instant.with_timezone(&tz).date_naive()
}

/// A time of day as `09:30` (by hand, like `Locale::format_date`).
pub fn hh_mm(time: chrono::NaiveTime) -> String {
    use chrono::Timelike;
    format!("{:02}:{:02}", time.hour(), time.minute())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn moscow_day_starts_at_21_utc() {
        let before = Utc.with_ymd_and_hms(2026, 11, 26, 20, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 11, 26, 21, 0, 0).unwrap();
        assert_eq!(local_date(before, DEFAULT_TIME_ZONE), NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        assert_eq!(local_date(after, DEFAULT_TIME_ZONE), NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    }
}
