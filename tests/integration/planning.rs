//! Planning as planners and donors meet it: a cell made from needs appears on the public page;
//! needs and places change but never below what is booked; closing removes it — both backends.

use crate::support::api::Api;
use crate::support::{staff_session, Backend, ServerOptions, TestServer};
use donor_booking::api::cells::OpenCells;
use donor_booking::api::planning::{CloseCell, CreateCell, PlanningOverview, ReopenCell, SetNeed, SetPlaces};
use donor_booking::domain::{BloodGroup, Rh};
use donor_booking::error::AppError;
use donor_booking::model::cells::CellSummary;
use sqlx::Row;

async fn planner(backend: Backend) -> (TestServer, Api) {
    let server = TestServer::start_with(backend, ServerOptions { demo_data: true, ..Default::default() }).await;
    let client = staff_session(&server, "planner@centre.example", "planner", "planner-long-phrase-1").await;
    let api = Api::from_client(&server.base, client);
    (server, api)
}

pub(crate) fn in_a_month() -> String {
    (chrono::Utc::now().with_timezone(&chrono_tz::Europe::Moscow).date_naive() + chrono::Days::new(30)).to_string()
}

/// 09:00–10:00 every 30 minutes, two places each, three 0(I) Rh− donors needed.
pub(crate) fn cell_form(date: &str, kind: &str, place_id: i64) -> CreateCell {
    CreateCell {
        date: date.to_owned(),
        donation_type: Some(kind.to_owned()),
        place_id: Some(place_id.to_string()),
        first_time: "09:00".into(),
        last_time: "10:00".into(),
        step_minutes: "30".into(),
        places_per_time: "2".into(),
        need_o_pos: None,
        need_o_neg: Some("3".into()),
        need_a_pos: None,
        need_a_neg: None,
        need_b_pos: None,
        need_b_neg: None,
        need_ab_pos: Some(String::new()),
        need_ab_neg: None,
        kell_negative_only: None,
    }
}

async fn first_place(planner: &Api) -> i64 {
    planner.call(PlanningOverview {}).await.unwrap().places.first().expect("demo data has places").id
}

async fn public_cells(server: &TestServer, kind: &str) -> Vec<CellSummary> {
    Api::anonymous(&server.base).call(OpenCells { donation_type: Some(kind.into()) }).await.unwrap().cells
}

fn set_need(cell_id: i64, group: &str, needed: &str) -> SetNeed {
    SetNeed { cell_id, group: group.into(), needed: needed.into(), kell_negative_only: None }
}

async fn a_planned_cell_opens_for_its_groups_and_closes(backend: Backend) {
    let (server, planner) = planner(backend).await;
    let place = first_place(&planner).await;
    let date = in_a_month();
    let cell_id = planner.call(cell_form(&date, "platelets", place)).await.unwrap();

    let cells = public_cells(&server, "platelets").await;
    let cell = cells.iter().find(|c| c.id == cell_id).expect("the new cell is public");
    assert_eq!(cell.date.to_string(), date);
    assert_eq!(cell.needed.len(), 1, "only groups with a need are listed");
    assert_eq!((cell.needed[0].group, cell.needed[0].rh), (BloodGroup::O, Rh::Negative));
    assert_eq!(cell.free_places, 3, "3 times × 2 places, bounded by the need of 3");

    // The same cell twice is refused.
    assert!(matches!(planner.call(cell_form(&date, "platelets", place)).await, Err(AppError::Conflict { .. })));

    // Two places are booked: needs and places may shrink to that, not below.
    let pool = server.db.pool().await;
    sqlx::query("UPDATE group_quotas SET booked = 2 WHERE cell_id = $1").bind(cell_id).execute(&pool).await.unwrap();
    sqlx::query("UPDATE time_slots SET booked = 2 WHERE cell_id = $1 AND id = (SELECT MIN(id) FROM time_slots WHERE cell_id = $1)")
        .bind(cell_id)
        .execute(&pool)
        .await
        .unwrap();
    let below = planner.call(set_need(cell_id, "o_neg", "1")).await;
    assert!(
        matches!(&below, Err(e) if e.field_message("needed").is_some_and(|m| m.contains('2'))),
        "names what is booked: {below:?}"
    );
    assert_eq!(planner.call(set_need(cell_id, "o_neg", "2")).await, Ok(()));
    let needed: i64 = sqlx::query("SELECT needed FROM group_quotas WHERE cell_id = $1")
        .bind(cell_id)
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(needed, 2);
    let set_places = |places: &str| SetPlaces { cell_id, places_per_time: places.into() };
    assert!(planner.call(set_places("1")).await.is_err_and(|e| e.field_message("places_per_time").is_some()));
    assert_eq!(planner.call(set_places("4")).await, Ok(()));

    // A new group joins; then the cell is closed and leaves the public page.
    assert_eq!(planner.call(set_need(cell_id, "b_pos", "5")).await, Ok(()));
    let cells = public_cells(&server, "platelets").await;
    let cell = cells.iter().find(|c| c.id == cell_id).unwrap();
    assert_eq!(cell.needed.len(), 1, "O Rh− is full now; B(III) Rh+ is needed");
    assert_eq!(cell.needed[0].group, BloodGroup::B);
    assert_eq!(planner.call(CloseCell { cell_id }).await, Ok(()));
    assert!(public_cells(&server, "platelets").await.iter().all(|c| c.id != cell_id));

    // Reopened, it is back with its needs; reopening an open cell is refused; both audited.
    assert_eq!(planner.call(ReopenCell { cell_id }).await, Ok(()));
    let cells = public_cells(&server, "platelets").await;
    let cell = cells.iter().find(|c| c.id == cell_id).expect("public again");
    assert_eq!(cell.needed[0].group, BloodGroup::B);
    assert_eq!(planner.call(ReopenCell { cell_id }).await, Err(AppError::NotFound));
    let audited: i64 = sqlx::query(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('plan_close', 'plan_reopen') AND staff_id IS NOT NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap()
    .get(0);
    assert_eq!(audited, 2);
}

async fn planning_input_is_validated(backend: Backend) {
    let (_server, planner) = planner(backend).await;
    let place = first_place(&planner).await;
    let fields = |result: Result<i64, AppError>| match result {
        Err(AppError::Validation { errors }) => errors.into_iter().map(|e| e.field).collect::<Vec<_>>(),
        other => panic!("not a validation error: {other:?}"),
    };
    let past = CreateCell { need_a_pos: Some("x".into()), ..cell_form("2020-01-01", "plasma", place) };
    let refused = fields(planner.call(past).await);
    assert!(refused.contains(&"date".to_owned()) && refused.contains(&"need_a_pos".to_owned()), "{refused:?}");

    let backwards = CreateCell { last_time: "08:00".into(), ..cell_form(&in_a_month(), "plasma", place) };
    assert!(fields(planner.call(backwards).await).contains(&"last_time".to_owned()));

    let nobody = CreateCell { need_o_neg: Some("0".into()), ..cell_form(&in_a_month(), "plasma", place) };
    assert!(fields(planner.call(nobody).await).contains(&"needs".to_owned()), "a cell needs at least one donor");
}

async fn only_planners_plan(backend: Backend) {
    let (server, _planner) = planner(backend).await;
    let registrar = staff_session(&server, "reg@centre.example", "registrar", "registrar-long-phrase-1").await;
    let registrar = Api::from_client(&server.base, registrar);
    let anonymous = Api::anonymous(&server.base);
    assert_eq!(registrar.call(PlanningOverview {}).await.map(|_| ()), Err(AppError::Forbidden));
    assert_eq!(registrar.call(CloseCell { cell_id: 1 }).await, Err(AppError::Forbidden));
    assert_eq!(registrar.call(ReopenCell { cell_id: 1 }).await, Err(AppError::Forbidden));
    assert_eq!(anonymous.call(PlanningOverview {}).await.map(|_| ()), Err(AppError::Unauthorized));
    assert_eq!(anonymous.call(CloseCell { cell_id: 1 }).await, Err(AppError::Unauthorized));
}

on_both_backends!(a_planned_cell_opens_for_its_groups_and_closes, planning_input_is_validated, only_planners_plan);
