//! A minimal iCalendar (RFC 5545) event for an approved booking, so the donor can put it in
//! their calendar. Times are written in UTC, which every calendar understands without a
//! VTIMEZONE block.

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;

pub struct CalendarEvent<'a> {
    pub uid: String,
    pub start_local: NaiveDateTime,
    pub minutes: i64,
    pub tz: Tz,
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    pub stamp: DateTime<Utc>,
}

/// Text values escape backslash, semicolon, comma and newlines.
fn text(value: &str) -> String {
    value.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

fn utc(instant: DateTime<Utc>) -> String {
    instant.format("%Y%m%dT%H%M%SZ").to_string()
}

pub fn event(e: &CalendarEvent<'_>) -> String {
    use chrono::TimeZone;
    let start = e.tz.from_local_datetime(&e.start_local).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or(e.stamp);
    let end = start + chrono::Duration::minutes(e.minutes);
    [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Blood Centre//Donor booking//RU".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", e.uid),
        format!("DTSTAMP:{}", utc(e.stamp)),
        format!("DTSTART:{}", utc(start)),
        format!("DTEND:{}", utc(end)),
        format!("SUMMARY:{}", text(e.summary)),
        format!("LOCATION:{}", text(e.location)),
        format!("DESCRIPTION:{}", text(e.description)),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
        String::new(),
    ]
    .join("\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moscow_wall_clock_becomes_utc_and_text_is_escaped() {
        let ics = event(&CalendarEvent {
            uid: "booking-7@centre.example".into(),
            start_local: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(9, 30, 0).unwrap(),
            minutes: 60,
            tz: chrono_tz::Europe::Moscow,
            summary: "Донация: плазма",
            location: "Центр крови, ул. Донорская, 1",
            description: "Паспорт; завтрак",
            stamp: DateTime::from_timestamp(1_780_000_000, 0).unwrap(),
        });
        assert!(ics.contains("DTSTART:20261201T063000Z\r\n"), "{ics}");
        assert!(ics.contains("DTEND:20261201T073000Z\r\n"));
        assert!(ics.contains("LOCATION:Центр крови\\, ул. Донорская\\, 1"));
        assert!(ics.contains("DESCRIPTION:Паспорт\\; завтрак"));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
    }
}
