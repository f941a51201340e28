//! Reception's day on both backends: every booking of a date in time order with its status as
//! of now, visits marked the next morning, and the CSV a registrar opens in Excel.

use crate::support::api::Api;
use crate::support::fixture::{moscow_today, Fixture};
use crate::support::{staff_api, Backend};
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use donor_booking::api::booking::CancelBooking;
use donor_booking::api::moderation::{DecideBooking, MarkVisit, ReceptionList};
use donor_booking::domain::account::Principal;
use donor_booking::domain::{BookingStatus, DonationType};
use donor_booking::error::AppError;
use donor_booking::server::auth::sessions;

fn msk(day: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Moscow.from_local_datetime(&day.and_hms_opt(h, m, 0).unwrap()).unwrap().with_timezone(&Utc)
}

/// A registrar logged in at the server's current clock: the API and its raw client.
async fn registrar(f: &Fixture) -> (Api, reqwest::Client) {
    let api = staff_api(&f.server, "registrar@centre.example", "registrar", "registrar-long-phrase-1").await;
    let http = api.http.clone();
    (api, http)
}

async fn the_day_in_time_order_marked_the_next_morning_and_as_csv(backend: Backend) {
    let f = Fixture::start(backend).await;
    let cell = f.cell(2, DonationType::Plasma, &[("09:00", 5), ("09:30", 5)], 8).await;
    let day = moscow_today() + Days::new(2);
    let (late_id, late) = f.donor("late").await;
    let (_, early) = f.donor("early").await;
    let (_, gone) = f.donor("gone").await;
    let visit = late.book(cell, "09:30").await.unwrap();
    let pending = early.book(cell, "09:00").await.unwrap();
    let cancelled = gone.book(cell, "09:00").await.unwrap();
    gone.call(CancelBooking { booking_id: cancelled }).await.unwrap();
    let (desk, _) = registrar(&f).await;
    let approve = DecideBooking { booking_id: visit, decision: "approve".into(), reason: None, comment: None };
    assert_eq!(desk.call(approve).await, Ok(BookingStatus::Approved));

    // The next morning: the undecided booking is «Не рассмотрена», the visit can be marked.
    f.server.set_clock(msk(day + Days::new(1), 8, 0));
    let (desk, http) = registrar(&f).await;
    let list = desk.call(ReceptionList { date: Some(day.to_string()) }).await.unwrap();
    assert_eq!(list.date, day);
    assert!(!list.truncated);
    let rows: Vec<(i64, String, BookingStatus)> =
        list.items.iter().map(|i| (i.booking_id, i.time.format("%H:%M").to_string(), i.status)).collect();
    assert_eq!(
        rows,
        [
            (pending, "09:00".into(), BookingStatus::NotReviewed),
            (cancelled, "09:00".into(), BookingStatus::Cancelled),
            (visit, "09:30".into(), BookingStatus::Approved),
        ]
    );
    assert_eq!(list.items.iter().filter(|i| i.visit_markable).map(|i| i.booking_id).collect::<Vec<_>>(), [visit]);
    let mark = MarkVisit { booking_id: visit, outcome: "donated".into() };
    assert_eq!(desk.call(mark).await, Ok(BookingStatus::Donated));
    // Today (the day after) has nothing; a bad date is refused in the registrar's language.
    let today = desk.call(ReceptionList { date: None }).await.unwrap();
    assert_eq!((today.date, today.items.len()), (day + Days::new(1), 0));
    let bad = desk.call(ReceptionList { date: Some("31.12".into()) }).await.unwrap_err();
    assert!(bad.field_message("date").is_some_and(|m| m.contains("дат")), "{bad:?}");

    // The CSV: UTF-8 with a BOM, `;`-separated, CRLF, Cyrillic intact, the same order.
    let resp = http.get(f.server.url(&format!("/staff/reception.csv?date={day}"))).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(header("content-disposition"), format!("attachment; filename=\"reception-{day}.csv\""));
    assert_eq!(header("cache-control"), "no-store");
    let body = resp.bytes().await.unwrap();
    assert_eq!(&body[..3], b"\xEF\xBB\xBF", "a byte-order mark for Excel");
    let text = std::str::from_utf8(&body[3..]).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines.len(), 5, "header, three bookings, the final line end: {text:?}");
    assert!(lines[0].starts_with("Время;Состояние;Вид донации;"), "{}", lines[0]);
    let shown = day.format("%d.%m.%Y").to_string();
    assert!(
        lines[1].starts_with(&format!("{shown} 09:00;Не рассмотрена;Плазма;Центр крови;early-0@synthetic.invalid;"))
    );
    assert!(lines[3].starts_with(&format!("{shown} 09:30;Донация состоялась;")), "{}", lines[3]);

    // Only registrars and admins get it.
    let anonymous = reqwest::get(f.server.url(&format!("/staff/reception.csv?date={day}"))).await.unwrap();
    assert_eq!(anonymous.status(), 401);
    // A donor session started now (the clock is the next morning).
    let secret =
        sessions::create(&f.db, Principal::Donor { id: late_id }, msk(day + Days::new(1), 8, 0), None).await.unwrap();
    let late = f.api(&secret);
    let cookie = format!("session={secret}");
    let donor_csv =
        reqwest::Client::new().get(f.server.url("/staff/reception.csv")).header("cookie", cookie).send().await.unwrap();
    assert_eq!(donor_csv.status(), 403);
    assert_eq!(late.call(ReceptionList { date: None }).await, Err(AppError::Forbidden));
}

on_both_backends!(the_day_in_time_order_marked_the_next_morning_and_as_csv);
