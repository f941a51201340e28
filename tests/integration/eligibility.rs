//! The intervals between donation types, end to end on both backends: a donor who gave
//! plasma is refused a whole-blood cell until the interval's day, with the day named; the
//! cabinet shows the same days; admins change the table and the change is audited.

use crate::support::api::{rule_of, Api};
use crate::support::fixture::{moscow_today, Fixture};
use crate::support::{staff_session, Backend};
use chrono::Days;
use donor_booking::api::cells::OpenCells;
use donor_booking::api::intervals::{DonationIntervals, SetInterval};
use donor_booking::domain::{DonationType, Rule};
use donor_booking::error::AppError;

async fn a_plasma_donor_waits_for_whole_blood_until_the_interval_day(backend: Backend) {
    let f = Fixture::start(backend).await;
    // Plasma 12 days ago: R5 (10 days) no longer blocks; plasma → whole blood needs 14 days.
    let (donor, api) = f.donor("plasma").await;
    f.gave(donor, 12, DonationType::Plasma).await;
    let too_soon = f.cell(1, DonationType::WholeBlood, &[("09:00", 2)], 2).await;
    let on_the_day = f.cell(2, DonationType::WholeBlood, &[("09:00", 2)], 2).await;
    let allowed_from = moscow_today() + Days::new(2);

    let refused = api.book(too_soon, "09:00").await;
    assert_eq!(rule_of(&refused), (Rule::Interval, Some(allowed_from)));
    let Err(AppError::Blocked(blocked)) = refused else { unreachable!() };
    let message = blocked.message(donor_booking::domain::Locale::Ru);
    assert!(message.contains(&allowed_from.format("%d.%m.%Y").to_string()) && message.contains("Плазма"), "{message}");
    assert_eq!(f.count("SELECT COUNT(*) FROM bookings").await, 0, "nothing written");

    // The cabinet says the same before the donor tries: the day per type, the cell greyed.
    let view = api.call(OpenCells { donation_type: None }).await.unwrap().donor.expect("donor view");
    assert_eq!(view.eligibility.last_donation.map(|d| d.donation_type), Some(DonationType::Plasma));
    let whole_blood_from =
        view.eligibility.from.iter().find(|t| t.donation_type == DonationType::WholeBlood).map(|t| t.from);
    assert_eq!(whole_blood_from, Some(allowed_from));
    assert_eq!(view.refusal(too_soon).map(|b| (b.rule, b.until)), Some((Rule::Interval, Some(allowed_from))));
    assert_eq!(view.refusal(on_the_day), None);

    assert!(api.book(on_the_day, "09:00").await.is_ok(), "bookable on the interval's day");
}

async fn admins_change_an_interval_and_the_rules_follow(backend: Backend) {
    let f = Fixture::start(backend).await;
    let (donor, api) = f.donor("edited").await;
    f.gave(donor, 12, DonationType::Plasma).await;
    let cell = f.cell(1, DonationType::WholeBlood, &[("09:00", 2)], 2).await;
    assert_eq!(rule_of(&api.book(cell, "09:00").await).0, Rule::Interval);

    // Only admins read or change the table.
    assert_eq!(api.call(DonationIntervals {}).await, Err(AppError::Forbidden));
    let set = |days: &str| SetInterval { previous: "plasma".into(), next: "whole_blood".into(), days: days.into() };
    assert_eq!(f.anonymous().call(set("7")).await, Err(AppError::Unauthorized));
    let admin = staff_session(&f.server, "admin@centre.example", "admin", "admin-long-phrase-1").await;
    let admin = Api::from_client(&f.server.base, admin);
    let table = admin.call(DonationIntervals {}).await.unwrap();
    assert_eq!(table.days(DonationType::Plasma, DonationType::WholeBlood), 14);
    assert!(table.entries().iter().all(|e| !e.confirmed), "the defaults await the centre's confirmation");

    // Out-of-range input is refused in the admin's language and changes nothing.
    let refused = admin.call(set("400")).await;
    assert!(matches!(&refused, Err(e) if e.field_message("days").is_some_and(|m| m.contains("365"))), "{refused:?}");
    assert_eq!(f.count("SELECT COUNT(*) FROM audit_log WHERE action = 'interval_change'").await, 0);

    // Seven days: the donor (12 days after plasma) may now book whole blood.
    assert_eq!(admin.call(set("7")).await, Ok(()));
    let table = admin.call(DonationIntervals {}).await.unwrap();
    let entry =
        table.entries().iter().find(|e| e.previous == DonationType::Plasma && e.next == DonationType::WholeBlood);
    assert_eq!(entry.map(|e| (e.days, e.confirmed)), Some((7, true)));
    assert!(api.book(cell, "09:00").await.is_ok());
    let audit = f.count("SELECT COUNT(*) FROM audit_log WHERE action = 'interval_change' AND comment LIKE 'plasma→whole_blood: 14 → 7%'").await;
    assert_eq!(audit, 1, "the change is in the audit log with before and after");
}

on_both_backends!(
    a_plasma_donor_waits_for_whole_blood_until_the_interval_day,
    admins_change_an_interval_and_the_rules_follow
);
