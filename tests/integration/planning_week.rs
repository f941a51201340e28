//! Planning a real week: a cell's time grid edited time by time (never dropping a booked
//! place, even while donors book), days copied after a preview, and the needs dashboard with
//! its CSV — on both backends.

use crate::support::api::Api;
use crate::support::fixture::{book, moscow_today, Fixture, A_POS};
use crate::support::{staff_session, Backend};
use chrono::Days;
use donor_booking::api::planning::{
    AddTime, CloseCell, CopyDays, NeedsOverview, PreviewCopy, RemoveTime, SetNeed, SetTimePlaces,
};
use donor_booking::domain::planning::CopySkip;
use donor_booking::domain::{BloodGroup, DonationType, Rh};
use donor_booking::error::AppError;

async fn planner(f: &Fixture) -> (Api, reqwest::Client) {
    let client = staff_session(&f.server, "planner@centre.example", "planner", "planner-long-phrase-1").await;
    (Api::from_client(&f.server.base, client.clone()), client)
}

fn slot_sql(column: &str, hm: &str) -> String {
    format!("SELECT {column} FROM time_slots WHERE cell_id = $1 AND start = '{hm}:00'")
}

async fn a_grid_change_never_drops_a_booked_place(backend: Backend) {
    let f = Fixture::start(backend).await;
    let (planner, _) = planner(&f).await;
    let cell = f.cell(3, DonationType::Plasma, &[("09:00", 2), ("09:30", 2)], 20).await;
    let (_, donor) = f.donor("early").await;
    donor.book(cell, "09:00").await.expect("booked");

    // One time's places: not below its one booking; the other time keeps its own.
    let places = |time: &str, places: &str| SetTimePlaces { cell_id: cell, time: time.into(), places: places.into() };
    let below = planner.call(places("09:00", "0")).await.unwrap_err();
    assert!(below.field_message("places").is_some_and(|m| m.contains('1')), "names what is booked: {below:?}");
    assert_eq!(planner.call(places("09:00", "1")).await, Ok(()));
    assert_eq!(planner.call(places("09:30", "4")).await, Ok(()));
    assert_eq!(f.scalar(&slot_sql("capacity", "09:00"), cell).await, 1);
    assert_eq!(f.scalar(&slot_sql("capacity", "09:30"), cell).await, 4);
    let missing = planner.call(places("11:11", "2")).await.unwrap_err();
    assert!(missing.field_message("time").is_some(), "{missing:?}");

    // Removing: a booked time keeps its booked place; a free one leaves the grid.
    let remove = |time: &str| RemoveTime { cell_id: cell, time: time.into() };
    assert_eq!(planner.call(remove("09:00")).await, Ok(Some(1)));
    assert_eq!(f.scalar(&slot_sql("capacity", "09:00"), cell).await, 1);
    assert_eq!(f.scalar(&slot_sql("booked", "09:00"), cell).await, 1);
    assert_eq!(f.scalar("SELECT COUNT(*) FROM bookings WHERE cell_id = $1 AND status = 'pending'", cell).await, 1);
    assert_eq!(planner.call(remove("09:30")).await, Ok(None));
    assert_eq!(f.scalar("SELECT COUNT(*) FROM time_slots WHERE cell_id = $1", cell).await, 1);

    // Adding: a new time with its places; the same time twice is refused.
    let add = |time: &str, places: &str| AddTime { cell_id: cell, time: time.into(), places: places.into() };
    assert_eq!(planner.call(add("10:00", "3")).await, Ok(()));
    let twice = planner.call(add("10:00", "3")).await.unwrap_err();
    assert!(twice.field_message("time").is_some(), "{twice:?}");
    assert!(planner.call(add("25:00", "3")).await.unwrap_err().field_message("time").is_some());
    assert!(planner.call(add("10:30", "0")).await.unwrap_err().field_message("places").is_some());

    // One donor holds 10:00; six more race for it while the planner shrinks it to one place
    // and removes it: whatever the order, every booking keeps its place, none is given twice.
    let (_, first) = f.donor("first").await;
    first.book(cell, "10:00").await.expect("booked");
    let racers = f.donors("racer", 6, A_POS).await;
    let mut tasks = Vec::new();
    for (_, session) in racers {
        let api = f.api(&session);
        tasks.push(tokio::spawn(async move { api.call(book(cell, "10:00")).await.is_ok() }));
    }
    let shrink = planner.call(places("10:00", "1"));
    let drop_it = planner.call(remove("10:00"));
    let (shrunk, dropped) = tokio::join!(shrink, drop_it);
    let mut made = 0;
    for t in tasks {
        made += i64::from(t.await.unwrap());
    }
    let booked = f.scalar(&slot_sql("booked", "10:00"), cell).await;
    let capacity = f.scalar(&slot_sql("capacity", "10:00"), cell).await;
    let active = f
        .scalar("SELECT COUNT(*) FROM bookings b JOIN time_slots s ON s.id = b.slot_id WHERE s.cell_id = $1 AND s.start = '10:00:00' AND b.status = 'pending'", cell)
        .await;
    assert!(made <= 2, "{made} more bookings of 3 places");
    assert_eq!((booked, active), (1 + made, 1 + made), "every booking holds its place");
    assert_eq!(capacity, booked, "removed: only its free places went ({shrunk:?}, {dropped:?})");
    assert!(matches!(dropped, Ok(Some(kept)) if kept >= 1), "a booked time stays: {dropped:?}");

    // Every change made is audited with the planner (a refused one changed nothing).
    let audited = f.count("SELECT COUNT(*) FROM audit_log WHERE action = 'plan_times' AND staff_id IS NOT NULL").await;
    assert_eq!(
        audited,
        6 + i64::from(shrunk.is_ok()),
        "2 places, 2 removals, 1 addition, the race's removal (and shrink)"
    );
}

async fn a_week_is_copied_after_a_preview(backend: Backend) {
    let f = Fixture::start(backend).await;
    let (planner, _) = planner(&f).await;
    let today = moscow_today();
    let day = |n: u64| today + Days::new(n);
    let monday = f.cell(10, DonationType::WholeBlood, &[("09:00", 2), ("09:30", 3)], 4).await;
    let wednesday = f.cell(12, DonationType::Plasma, &[("10:00", 1)], 1).await;
    let closed = f.cell(13, DonationType::Platelets, &[("10:00", 1)], 1).await;
    assert_eq!(planner.call(CloseCell { cell_id: closed }).await, Ok(()));
    f.cell(19, DonationType::Plasma, &[("11:00", 1)], 1).await; // the next Wednesday is planned already
    let k_only =
        SetNeed { cell_id: monday, group: "o_neg".into(), needed: "5".into(), kell_negative_only: Some("yes".into()) };
    assert_eq!(planner.call(k_only).await, Ok(()));
    let (_, donor) = f.donor("booked").await;
    donor.book(monday, "09:00").await.expect("a booking in the template");

    let request = |to: u64| (day(10).to_string(), day(to).to_string(), "7".to_owned());
    let (from, to, days) = request(17);
    let preview = planner.call(PreviewCopy { from: from.clone(), to: to.clone(), days: days.clone() }).await.unwrap();
    let outcome: Vec<_> = preview.items.iter().map(|i| (i.source_id, (i.to - today).num_days(), i.skip)).collect();
    assert_eq!(
        outcome,
        vec![(monday, 17, None), (wednesday, 19, Some(CopySkip::AlreadyPlanned)), (closed, 20, Some(CopySkip::Closed))]
    );
    assert_eq!((preview.items[0].times, preview.items[0].places, preview.items[0].needed), (2, 5, 9));
    let cells_before = f.count("SELECT COUNT(*) FROM cells").await;
    assert_eq!(f.count("SELECT COUNT(*) FROM cells").await, cells_before, "a preview writes nothing");

    // The copy creates what the preview showed: the grid, the places, the needs (K− kept), no bookings.
    assert_eq!(planner.call(CopyDays { from: from.clone(), to: to.clone(), days: days.clone() }).await, Ok(1));
    let copy = f.count(&format!("SELECT MAX(id) FROM cells WHERE date = {}", f.date_sql(day(17)))).await;
    assert_eq!(f.scalar("SELECT COUNT(*) FROM time_slots WHERE cell_id = $1 AND booked = 0", copy).await, 2);
    assert_eq!(f.scalar("SELECT CAST(SUM(capacity) AS BIGINT) FROM time_slots WHERE cell_id = $1", copy).await, 5);
    assert_eq!(
        f.scalar("SELECT CAST(SUM(needed) AS BIGINT) FROM group_quotas WHERE cell_id = $1 AND booked = 0", copy).await,
        9
    );
    let k = "SELECT COUNT(*) FROM group_quotas WHERE cell_id = $1 AND blood_group = 'O' AND kell_negative_only = TRUE";
    assert_eq!(f.scalar(k, copy).await, 1);
    assert_eq!(f.scalar("SELECT COUNT(*) FROM bookings WHERE cell_id = $1", copy).await, 0);

    // Again: everything is planned now, nothing more is created.
    let again = planner.call(PreviewCopy { from: from.clone(), to: to.clone(), days: days.clone() }).await.unwrap();
    assert_eq!(again.copied(), 0);
    assert_eq!(planner.call(CopyDays { from, to, days }).await, Ok(0));
    assert_eq!(f.count("SELECT COUNT(*) FROM audit_log WHERE action = 'plan_copy' AND staff_id IS NOT NULL").await, 2);

    // Refused: onto the copied days themselves, into the past, more than a week.
    let (from, _, _) = request(0);
    let overlap = planner.call(PreviewCopy { from: from.clone(), to: day(13).to_string(), days: "7".into() }).await;
    assert!(overlap.unwrap_err().field_message("to").is_some());
    let past = planner
        .call(PreviewCopy { from: from.clone(), to: (today - Days::new(8)).to_string(), days: "1".into() })
        .await;
    assert!(past.unwrap_err().field_message("to").is_some());
    let long = planner.call(PreviewCopy { from, to: day(40).to_string(), days: "8".into() }).await;
    assert!(long.unwrap_err().field_message("days").is_some());

    // Registrars do not plan.
    let registrar = Api::from_client(
        &f.server.base,
        staff_session(&f.server, "reg@centre.example", "registrar", "registrar-long-phrase-1").await,
    );
    let (from, to, days) = request(30);
    assert_eq!(
        registrar.call(PreviewCopy { from: from.clone(), to: to.clone(), days: days.clone() }).await.map(|_| ()),
        Err(AppError::Forbidden)
    );
    assert_eq!(registrar.call(CopyDays { from, to, days }).await, Err(AppError::Forbidden));
}

async fn the_dashboard_counts_needs_against_bookings(backend: Backend) {
    let f = Fixture::start(backend).await;
    let (planner, http) = planner(&f).await;
    let today = moscow_today();
    // Two cells on one day: A(II) Rh+ needs 3 + 0, 0(I) Rh− 5 + 5.
    let a = f.cell(2, DonationType::Plasma, &[("09:00", 5)], 3).await;
    f.cell(2, DonationType::WholeBlood, &[("09:00", 5)], 0).await;
    let donors = f.donors("dash", 3, A_POS).await;
    let mut bookings = Vec::new();
    for (_, session) in &donors[..2] {
        bookings.push(f.api(session).book(a, "09:00").await.expect("booked"));
    }
    let pool = f.server.db.pool().await;
    for (id, status) in bookings.iter().zip(["donated", "no_show"]) {
        sqlx::query(&format!("UPDATE bookings SET status = '{status}' WHERE id = $1"))
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
    }

    let board = planner.call(NeedsOverview { from: None, to: None }).await.unwrap();
    assert_eq!((board.from, board.to, board.days.len()), (today, today + Days::new(6), 7), "a week from today");
    let day = &board.days[2];
    let row = |group, rh| day.rows.iter().find(|r| r.group == Some((group, rh))).copied().unwrap();
    let a_pos = row(BloodGroup::A, Rh::Positive);
    assert_eq!((a_pos.needed, a_pos.booked, a_pos.donated, a_pos.no_show, a_pos.unmet()), (3, 2, 1, 1, 1));
    let o_neg = row(BloodGroup::O, Rh::Negative);
    assert_eq!((o_neg.needed, o_neg.booked, o_neg.unmet()), (10, 0, 10));
    assert_eq!(day.total().unmet(), 11);
    assert!(board.days[0].rows.is_empty(), "today has no cells");

    // A booking arrives: the same dashboard shows it.
    f.api(&donors[2].1).book(a, "09:00").await.expect("booked");
    let board = planner
        .call(NeedsOverview { from: Some(today.to_string()), to: Some((today + Days::new(2)).to_string()) })
        .await
        .unwrap();
    assert_eq!(board.days.len(), 3);
    assert_eq!(board.days[2].rows.iter().find(|r| r.group == Some((BloodGroup::A, Rh::Positive))).unwrap().unmet(), 0);

    // Bad ranges are refused with the field named.
    let reversed = planner
        .call(NeedsOverview { from: Some((today + Days::new(3)).to_string()), to: Some(today.to_string()) })
        .await;
    assert!(reversed.unwrap_err().field_message("to").is_some());
    let long = planner
        .call(NeedsOverview { from: Some(today.to_string()), to: Some((today + Days::new(40)).to_string()) })
        .await;
    assert!(long.unwrap_err().field_message("to").is_some());

    // The CSV: a row per day and group, and each day's total.
    let url = f.server.url(&format!("/staff/needs.csv?from={today}&to={}", today + Days::new(2)));
    let resp = http.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let body = resp.text().await.unwrap();
    let shown = (today + Days::new(2)).format("%d.%m.%Y").to_string();
    assert!(body.starts_with("\u{feff}Дата;Группа"), "{body}");
    assert!(body.contains(&format!("{shown};A(II) Rh+;3;3;1;1;0\r\n")), "{body}");
    assert!(body.contains(&format!("{shown};Итого за день;13;3;1;1;10\r\n")), "{body}");

    // Registrars and donors do not see it.
    let registrar = staff_session(&f.server, "reg@centre.example", "registrar", "registrar-long-phrase-1").await;
    assert_eq!(registrar.get(&url).send().await.unwrap().status(), 403);
    let registrar = Api::from_client(&f.server.base, registrar);
    assert_eq!(registrar.call(NeedsOverview { from: None, to: None }).await.map(|_| ()), Err(AppError::Forbidden));
    assert_eq!(
        f.api(&donors[0].1).call(NeedsOverview { from: None, to: None }).await.map(|_| ()),
        Err(AppError::Forbidden)
    );
}

on_both_backends!(
    a_grid_change_never_drops_a_booked_place,
    a_week_is_copied_after_a_preview,
    the_dashboard_counts_needs_against_bookings
);
