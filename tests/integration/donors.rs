//! Issue 15, the registrar's side of a phone call: finding a donor and reading why they
//! cannot book — on both backends. Planners never see donors.

use crate::support::api::rule_of;
use crate::support::fixture::{moscow_today, Fixture};
use crate::support::{run_cli, staff_api, Backend, ServerOptions};
use donor_booking::api::booking::CancelBooking;
use donor_booking::api::donors::{BookForCaller, CallerCells, DonorPage, FindDonors, RegisterCaller};
use donor_booking::domain::BookingStatus;
use donor_booking::domain::{DonationType, Rule};
use donor_booking::error::AppError;

async fn a_registrar_finds_a_donor_and_sees_why_they_cannot_book(backend: Backend) {
    let f = Fixture::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await;
    let cell = f.cell(3, DonationType::Plasma, &[("09:00", 2), ("09:30", 2)], 4).await;
    let (donor, api) = f.donor("caller").await;
    f.donors("bystander", 2, crate::support::fixture::A_POS).await;
    f.gave(donor, 40, DonationType::WholeBlood).await;
    let booking = api.book(cell, "09:00").await.unwrap();
    api.call(CancelBooking { booking_id: booking }).await.unwrap();
    assert_eq!(rule_of(&api.book(cell, "09:30").await).0, Rule::R4, "R4 refuses the second try");

    let registrar = staff_api(&f.server, "registrar@centre.example", "registrar", "registrar-long-phrase-1").await;
    // By part of the address, any case; by part of the donor code.
    let hits = registrar.call(FindDonors { q: "CALLER-0@".into() }).await.unwrap();
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [donor]);
    let by_code = registrar.call(FindDonors { q: "syn0".into() }).await.unwrap();
    assert_eq!(by_code.len(), 3, "every synthetic donor shares the code");
    assert_eq!(registrar.call(FindDonors { q: "nobody-here".into() }).await.unwrap(), []);
    let short = registrar.call(FindDonors { q: " ab ".into() }).await;
    assert!(matches!(&short, Err(e) if e.field_message("q").is_some()), "{short:?}");
    // `%` and `_` are letters in a search, not wildcards.
    assert_eq!(registrar.call(FindDonors { q: "%%%".into() }).await.unwrap(), []);

    // The donor's page: profile, the cancelled booking, the donation, eligibility, the refusal.
    let card = registrar.call(DonorPage { donor_id: donor }).await.unwrap();
    assert_eq!(card.donor.email, "caller-0@synthetic.invalid");
    assert_eq!(card.blocked.map(|b| b.rule), Some(Rule::R4), "blocked until tomorrow");
    assert_eq!(card.bookings.len(), 1);
    assert_eq!(card.donations.len(), 1);
    let plasma = card.eligibility.from.iter().find(|t| t.donation_type == DonationType::Plasma).unwrap();
    // 40 days after whole blood plasma would be open; R4 (the cancellation) makes it tomorrow.
    assert_eq!(plasma.from, moscow_today() + chrono::Days::new(1));
    assert_eq!(card.refusals.len(), 1, "{:?}", card.refusals);
    assert_eq!(card.refusals[0].rule, Rule::R4);
    assert_eq!(card.refusals[0].cell_id, Some(cell));
    assert_eq!(card.refusals[0].by_staff, None, "the donor asked themself");
    assert_eq!(registrar.call(DonorPage { donor_id: donor + 1000 }).await, Err(AppError::NotFound));

    // Planners and donors never see donors.
    let planner = staff_api(&f.server, "planner@centre.example", "planner", "planner-long-phrase-1").await;
    assert_eq!(planner.call(FindDonors { q: "caller".into() }).await, Err(AppError::Forbidden));
    assert_eq!(planner.call(DonorPage { donor_id: donor }).await, Err(AppError::Forbidden));
    assert_eq!(api.call(FindDonors { q: "caller".into() }).await, Err(AppError::Forbidden));
    assert_eq!(f.anonymous().call(DonorPage { donor_id: donor }).await, Err(AppError::Unauthorized));

    // Refusals go with the bookings of their days (R6): an old one is purged, today's stays.
    let pool = f.server.db.pool().await;
    let old = match backend {
        Backend::Sqlite => "datetime('now', '-20 days')",
        Backend::Postgres => "now() - interval '20 days'",
    };
    sqlx::query(&format!("INSERT INTO refusals (donor_id, at, rule, cell_id) VALUES ($1, {old}, 'R5', NULL)"))
        .bind(donor)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(f.count("SELECT COUNT(*) FROM refusals").await, 2);
    run_cli(&f.server.db, &["purge"]).await;
    assert_eq!(f.count("SELECT COUNT(*) FROM refusals").await, 1, "the old refusal is purged");
}

fn for_caller(donor_id: i64, cell_id: i64) -> BookForCaller {
    BookForCaller { donor_id, cell_id, time: "09:00".into() }
}

async fn a_registrar_books_for_a_caller_under_the_same_rules(backend: Backend) {
    let options = ServerOptions { demo_data: false, env: vec![("CALLER_BOOKING", "approved")], ..Default::default() };
    let f = Fixture::start_with(backend, options).await;
    let cell = f.cell(2, DonationType::Plasma, &[("09:00", 3)], 3).await;
    let registrar = staff_api(&f.server, "registrar@centre.example", "registrar", "registrar-long-phrase-1").await;

    // A donor who gave blood three days ago is refused on the phone as in the cabinet; the
    // refusal names the registrar, and the cell list says why before anyone tries.
    let (resting, _) = f.donor("resting").await;
    f.gave(resting, 3, DonationType::WholeBlood).await;
    let cells = registrar.call(CallerCells { donor_id: resting }).await.unwrap();
    let why = cells.donor.unwrap().refusal(cell).expect("the cell is refused to this donor");
    let refused = registrar.call(for_caller(resting, cell)).await;
    assert_eq!(rule_of(&refused).0, why.rule);
    let card = registrar.call(DonorPage { donor_id: resting }).await.unwrap();
    assert_eq!(card.refusals[0].by_staff.as_deref(), Some("registrar@centre.example"));

    // A caller's booking: approved at once (this centre's setting), audited, e-mailed, and
    // in the donor's own list.
    let (caller, caller_api) = f.donor("caller").await;
    let (booking, status) = registrar.call(for_caller(caller, cell)).await.unwrap();
    assert_eq!(status, BookingStatus::Approved);
    let rows = caller_api.call(donor_booking::api::booking::MyBookings {}).await.unwrap();
    assert_eq!((rows[0].record.id, rows[0].record.status), (booking, BookingStatus::Approved));
    assert_eq!(
        f.scalar("SELECT COUNT(*) FROM audit_log WHERE booking_id = $1 AND action = 'caller_booking' AND staff_id IS NOT NULL", booking).await,
        1
    );
    f.server.delivered("caller-0@synthetic.invalid", "Запись на донацию подтверждена").await;
    let repeated = registrar.call(for_caller(caller, cell)).await.unwrap();
    assert_eq!(repeated, (booking, BookingStatus::Approved), "a repeated request is the same booking");
    let other_day = f.cell(4, DonationType::Plasma, &[("09:00", 3)], 3).await;
    assert_eq!(rule_of(&registrar.call(for_caller(caller, other_day)).await).0, Rule::R3, "one active booking");

    // The last two places, raced for by five donors in their cabinets and five callers on
    // the phone: exactly two bookings.
    let selves = f.donors("self", 5, crate::support::fixture::A_POS).await;
    let phoned = f.donors("phoned", 5, crate::support::fixture::A_POS).await;
    let mut tasks = Vec::new();
    for (_, session) in selves {
        let api = f.api(&session);
        tasks.push(tokio::spawn(async move { api.book(cell, "09:00").await.is_ok() }));
    }
    for (id, _) in phoned {
        let registrar = registrar.clone();
        tasks.push(tokio::spawn(async move { registrar.call(for_caller(id, cell)).await.is_ok() }));
    }
    let mut made = 0;
    for task in tasks {
        made += usize::from(task.await.unwrap());
    }
    assert_eq!(made, 2, "no place given twice, none left unused");
    assert_eq!(f.scalar("SELECT booked FROM time_slots WHERE cell_id = $1", cell).await, 3);
    assert_eq!(
        f.scalar("SELECT COUNT(*) FROM bookings WHERE cell_id = $1 AND status IN ('pending', 'approved')", cell).await,
        3
    );

    // Planners do not book for callers.
    let planner = staff_api(&f.server, "planner@centre.example", "planner", "planner-long-phrase-1").await;
    assert_eq!(planner.call(for_caller(resting, cell)).await, Err(AppError::Forbidden));
}

fn new_caller(email: &str, code: &str) -> RegisterCaller {
    RegisterCaller {
        email: Some(email.into()),
        donor_code: code.into(),
        blood_group: Some("A".into()),
        rh: Some("pos".into()),
        kell: Some("neg".into()),
        consent: Some("yes".into()),
    }
}

async fn a_new_caller_is_registered_on_the_phone_and_booked(backend: Backend) {
    let f = Fixture::start(backend).await;
    let cell = f.cell(2, DonationType::Plasma, &[("09:00", 3)], 3).await;
    let registrar = staff_api(&f.server, "registrar@centre.example", "registrar", "registrar-long-phrase-1").await;

    // Every field is checked, and nothing is written when one is wrong.
    let refused = registrar
        .call(RegisterCaller { consent: None, blood_group: Some("Z".into()), ..new_caller("", "x") })
        .await
        .unwrap_err();
    for field in ["consent", "blood_group", "donor_code"] {
        assert!(refused.field_message(field).is_some(), "{field}: {refused:?}");
    }
    assert!(registrar.call(new_caller("not-an-address", "AB1234")).await.unwrap_err().field_message("email").is_some());
    assert_eq!(f.count("SELECT COUNT(*) FROM donors").await, 0);

    // Without an address: registered, confirmed by the registrar (audited), booked, no e-mail.
    let donor = registrar.call(new_caller(" ", "ab1234")).await.unwrap();
    let card = registrar.call(DonorPage { donor_id: donor }).await.unwrap();
    assert!(!donor_booking::domain::account::has_mailbox(&card.donor.email), "{}", card.donor.email);
    assert!(card.donor.email_confirmed);
    assert_eq!(card.donor.donor_code, "AB1234");
    let audited =
        "SELECT COUNT(*) FROM audit_log WHERE donor_id = $1 AND action = 'caller_register' AND staff_id IS NOT NULL";
    assert_eq!(f.scalar(audited, donor).await, 1);
    let hits = registrar.call(FindDonors { q: "ab123".into() }).await.unwrap();
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [donor]);
    let (_, status) = registrar.call(for_caller(donor, cell)).await.unwrap();
    assert_eq!(status, BookingStatus::Pending, "this centre leaves callers' bookings for moderation");
    assert_eq!(f.count("SELECT COUNT(*) FROM mail_outbox").await, 0, "no mail to a placeholder");

    // With an address: the donor gets the usual e-mail; the address is then taken.
    let with_mail = registrar.call(new_caller("Phone.Caller@Example.org", "CD5678")).await.unwrap();
    registrar.call(for_caller(with_mail, cell)).await.unwrap();
    f.server.delivered("phone.caller@example.org", "Запись на донацию получена").await;
    let again = registrar.call(new_caller("phone.caller@example.org", "CD5678")).await.unwrap_err();
    assert!(again.field_message("email").is_some(), "{again:?}");
    let staff_address = registrar.call(new_caller("registrar@centre.example", "CD5678")).await.unwrap_err();
    assert!(staff_address.field_message("email").is_some(), "{staff_address:?}");

    // Nobody logs in with the placeholder (nor registers it); planners register nobody.
    let login = f
        .anonymous()
        .call(donor_booking::api::auth::Login {
            email: card.donor.email.clone(),
            password: "!registered-by-phone".into(),
            next: None,
        })
        .await;
    assert!(login.is_err(), "{login:?}");
    let planner = staff_api(&f.server, "planner@centre.example", "planner", "planner-long-phrase-1").await;
    assert_eq!(planner.call(new_caller("", "EF9012")).await, Err(AppError::Forbidden));
    assert_eq!(f.count("SELECT COUNT(*) FROM donors").await, 2);
}

on_both_backends!(
    a_registrar_finds_a_donor_and_sees_why_they_cannot_book,
    a_registrar_books_for_a_caller_under_the_same_rules,
    a_new_caller_is_registered_on_the_phone_and_booked,
);
