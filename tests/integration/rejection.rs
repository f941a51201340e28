//! After a rejection the donor learns why, in the seed's words with the configured centre
//! named, reads the registrar's comment, and is told the next step — in the cabinet and in
//! the e-mail. The header and footer name the configured centre.

use crate::support::api::Api;
use crate::support::fixture::{moscow_today, Fixture};
use crate::support::{staff_api, Backend, ServerOptions};
use chrono::Days;
use donor_booking::api::booking::MyBookings;
use donor_booking::api::moderation::{DecideBooking, ModerationQueue};
use donor_booking::domain::booking::NextStep;
use donor_booking::domain::{BookingStatus, DonationType, Locale};
use sqlx::Row;

const CENTRE: &[(&str, &str)] = &[
    ("CENTRE_NAME", "ГБУЗ МО \"МОЦК\""),
    ("CENTRE_SHORT_NAME", "МОЦК"),
    ("CENTRE_PHONE", "+7 495 123-45-67"),
    ("CENTRE_HOURS", "пн–пт 8:00–14:00"),
];

async fn registrar(f: &Fixture) -> Api {
    staff_api(&f.server, "registrar@centre.example", "registrar", "registrar-long-phrase-1").await
}

fn reject(booking_id: i64, reason: &str, comment: Option<&str>) -> DecideBooking {
    DecideBooking {
        booking_id,
        decision: "reject".into(),
        reason: Some(reason.into()),
        comment: comment.map(Into::into),
    }
}

/// The rejection e-mail's plain-text body, as the donor received it.
async fn rejection_mail(f: &Fixture, donor: i64) -> String {
    let pool = f.server.db.pool().await;
    let email: String = sqlx::query("SELECT email FROM donors WHERE id = $1")
        .bind(donor)
        .fetch_one(&pool)
        .await
        .expect("the donor")
        .get(0);
    f.server.delivered(&email, "Запись на донацию отклонена").await.text
}

async fn a_rejection_names_the_centre_the_comment_and_the_next_step(backend: Backend) {
    let options = ServerOptions { demo_data: false, env: CENTRE.to_vec(), ..Default::default() };
    let f = Fixture::start_with(backend, options).await;
    let cell = f.cell(2, DonationType::Plasma, &[("09:00", 5)], 5).await;
    let registrar = registrar(&f).await;

    // «Другие причины» with a comment: the centre is named, its phone and hours follow.
    let (other, api) = f.donor("other").await;
    let booking = api.book(cell, "09:00").await.unwrap();
    let comment = "Нужна справка от терапевта";
    assert_eq!(registrar.call(reject(booking, "other", Some(comment))).await, Ok(BookingStatus::Rejected));
    let row = api.call(MyBookings {}).await.unwrap().remove(0);
    assert_eq!(row.record.status, BookingStatus::Rejected);
    assert_eq!(
        row.reason_text.as_deref(),
        Some("Другие причины, которые можно узнать только при личном обращении в ГБУЗ МО \"МОЦК\".")
    );
    assert_eq!(row.record.rejection_comment.as_deref(), Some(comment));
    let next = row.next_step.expect("a next step");
    assert_eq!(next.step, NextStep::ContactCentre);
    assert!(
        next.sentence.contains("+7 495 123-45-67") && next.sentence.contains("пн–пт 8:00–14:00"),
        "{}",
        next.sentence
    );
    let mail = rejection_mail(&f, other).await;
    for part in ["в ГБУЗ МО \"МОЦК\".", comment, "+7 495 123-45-67", "МОЦК — запись на донацию"]
    {
        assert!(mail.contains(part), "the e-mail lacks {part:?}:\n{mail}");
    }
    let queue = ModerationQueue { status: Some("rejected".into()), date: None, donation_type: None, after: None };
    let decided = registrar.call(queue).await.unwrap();
    assert_eq!(decided.items[0].rejection_comment.as_deref(), Some(comment), "the registrar's queue shows the comment");

    // The interval: the next step is the day the donor can book again. A plasma donation
    // five days ago (recorded after the booking) allows plasma again from the 14th day.
    let (late, api) = f.donor("interval").await;
    let booking = api.book(cell, "09:00").await.unwrap();
    f.gave(late, 5, DonationType::Plasma).await;
    assert_eq!(registrar.call(reject(booking, "interval_not_respected", None)).await, Ok(BookingStatus::Rejected));
    let row = api.call(MyBookings {}).await.unwrap().remove(0);
    let from = Locale::Ru.format_date(moscow_today() - Days::new(5) + Days::new(14));
    let next = row.next_step.expect("a next step");
    assert_eq!(
        (next.step, next.sentence),
        (NextStep::BookFromEligibleDay, format!("Записаться снова можно с {from}."))
    );
    assert_eq!(row.record.rejection_comment, None);

    // The donor code: the cabinet links the code form; the seed's own words.
    let (code, api) = f.donor("code").await;
    let booking = api.book(cell, "09:00").await.unwrap();
    assert_eq!(registrar.call(reject(booking, "donor_code_mismatch", None)).await, Ok(BookingStatus::Rejected));
    let row = api.call(MyBookings {}).await.unwrap().remove(0);
    assert_eq!(row.next_step.map(|n| n.step), Some(NextStep::FixDonorCode));
    assert!(row.reason_text.unwrap().ends_with("не совпадает с данными, которые вы также самостоятельно ввели."));
    assert!(rejection_mail(&f, code).await.contains("Проверьте код донора"));

    // Every page names the configured centre.
    let home = f.server.get_html("/").await;
    assert!(home.contains("МОЦК") && home.contains("+7 495 123-45-67"), "header and footer name the centre");
}

async fn without_configuration_the_centre_is_neutral(backend: Backend) {
    let f = Fixture::start(backend).await;
    let cell = f.cell(2, DonationType::Plasma, &[("09:00", 5)], 5).await;
    let registrar = registrar(&f).await;
    let (_, api) = f.donor("neutral").await;
    let booking = api.book(cell, "09:00").await.unwrap();
    assert_eq!(registrar.call(reject(booking, "other", None)).await, Ok(BookingStatus::Rejected));
    let row = api.call(MyBookings {}).await.unwrap().remove(0);
    assert!(row.reason_text.unwrap().ends_with("при личном обращении в центр крови."));
    assert_eq!(
        row.next_step.unwrap().sentence,
        "Подробности можно узнать при личном обращении в центр крови.",
        "no phone is invented"
    );
}

on_both_backends!(
    a_rejection_names_the_centre_the_comment_and_the_next_step,
    without_configuration_the_centre_is_neutral
);
