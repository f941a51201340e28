//! Planning as planners and donors meet it: a cell made from needs appears on the public page;
//! needs and places change but never below what is booked; closing removes it — both backends.

mod common;

use common::{staff_session, Backend, ServerOptions, TestServer};
use reqwest::{Client, StatusCode};
use sqlx::Row;

async fn planner(backend: Backend) -> (TestServer, Client) {
    let server = TestServer::start_with(backend, ServerOptions { demo_data: true, ..Default::default() }).await;
    let client = staff_session(&server, "planner@centre.example", "planner", "planner-long-phrase-1").await;
    (server, client)
}

fn tomorrow() -> String {
    (chrono::Utc::now().with_timezone(&chrono_tz::Europe::Moscow).date_naive() + chrono::Days::new(30)).to_string()
}

fn cell_form(date: &str, kind: &str, place_id: i64) -> Vec<(&'static str, String)> {
    vec![
        ("date", date.to_owned()),
        ("donation_type", kind.to_owned()),
        ("place_id", place_id.to_string()),
        ("first_time", "09:00".into()),
        ("last_time", "10:00".into()),
        ("step_minutes", "30".into()),
        ("places_per_time", "2".into()),
        ("need_o_neg", "3".into()),
        ("need_ab_pos", "".into()),
    ]
}

async fn first_place(server: &TestServer, planner: &Client) -> i64 {
    let board: serde_json::Value =
        planner.post(server.url("/api/planning_overview")).send().await.unwrap().json().await.unwrap();
    board["places"][0]["id"].as_i64().expect("demo data has places")
}

async fn public_cells(server: &TestServer, kind: &str) -> Vec<serde_json::Value> {
    let resp =
        server.client().post(server.url("/api/open_cells")).form(&[("donation_type", kind)]).send().await.unwrap();
    resp.json::<serde_json::Value>().await.unwrap()["cells"].as_array().unwrap().clone()
}

async fn a_planned_cell_opens_for_its_groups_and_closes(backend: Backend) {
    let (server, planner) = planner(backend).await;
    let place = first_place(&server, &planner).await;
    let date = tomorrow();
    let resp =
        planner.post(server.url("/api/create_cell")).form(&cell_form(&date, "platelets", place)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{}", resp.text().await.unwrap());
    let cell_id = resp.json::<i64>().await.unwrap();

    let cells = public_cells(&server, "platelets").await;
    let cell = cells.iter().find(|c| c["id"] == cell_id).expect("the new cell is public");
    assert_eq!(cell["date"], date.as_str());
    assert_eq!(cell["needed"].as_array().unwrap().len(), 1, "only groups with a need are listed");
    assert_eq!(cell["needed"][0]["group"], "O");
    assert_eq!(cell["needed"][0]["rh"], "Negative");
    assert_eq!(cell["free_places"], 3, "3 times × 2 places, bounded by the need of 3");

    // The same cell twice is refused.
    let again =
        planner.post(server.url("/api/create_cell")).form(&cell_form(&date, "platelets", place)).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);

    // Two places are booked: needs and places may shrink to that, not below.
    let pool = server.db.pool().await;
    sqlx::query("UPDATE group_quotas SET booked = 2 WHERE cell_id = $1").bind(cell_id).execute(&pool).await.unwrap();
    sqlx::query("UPDATE time_slots SET booked = 2 WHERE cell_id = $1 AND id = (SELECT MIN(id) FROM time_slots WHERE cell_id = $1)")
        .bind(cell_id)
        .execute(&pool)
        .await
        .unwrap();
    let set_need = |needed: &str| {
        planner
            .post(server.url("/api/set_need"))
            .form(&[("cell_id", cell_id.to_string()), ("group", "o_neg".into()), ("needed", needed.into())])
            .send()
    };
    let below = set_need("1").await.unwrap();
    assert_eq!(below.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(below.text().await.unwrap().contains("2"), "the message names what is booked");
    assert_eq!(set_need("2").await.unwrap().status(), StatusCode::OK);
    let needed: i64 = sqlx::query("SELECT needed FROM group_quotas WHERE cell_id = $1")
        .bind(cell_id)
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(needed, 2);
    let set_places = |places: &str| {
        planner
            .post(server.url("/api/set_places"))
            .form(&[("cell_id", cell_id.to_string()), ("places_per_time", places.into())])
            .send()
    };
    assert_eq!(set_places("1").await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(set_places("4").await.unwrap().status(), StatusCode::OK);

    // A new group joins; then the cell is closed and leaves the public page.
    let add = planner
        .post(server.url("/api/set_need"))
        .form(&[("cell_id", cell_id.to_string()), ("group", "b_pos".into()), ("needed", "5".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(add.status(), StatusCode::OK);
    let cells = public_cells(&server, "platelets").await;
    let cell = cells.iter().find(|c| c["id"] == cell_id).unwrap();
    assert_eq!(cell["needed"].as_array().unwrap().len(), 1, "O Rh− is full now; B(III) Rh+ is needed");
    assert_eq!(cell["needed"][0]["group"], "B");
    let close =
        planner.post(server.url("/api/close_cell")).form(&[("cell_id", cell_id.to_string())]).send().await.unwrap();
    assert_eq!(close.status(), StatusCode::OK);
    assert!(public_cells(&server, "platelets").await.iter().all(|c| c["id"] != cell_id));
}

async fn planning_input_is_validated(backend: Backend) {
    let (server, planner) = planner(backend).await;
    let place = first_place(&server, &planner).await;
    let mut past = cell_form("2020-01-01", "plasma", place);
    past.push(("need_a_pos", "x".into()));
    let body: serde_json::Value =
        planner.post(server.url("/api/create_cell")).form(&past).send().await.unwrap().json().await.unwrap();
    let fields: Vec<String> = body["Validation"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert!(fields.contains(&"date".to_owned()) && fields.contains(&"need_a_pos".to_owned()), "{fields:?}");

    let mut empty_grid = cell_form(&tomorrow(), "plasma", place);
    empty_grid[4].1 = "08:00".into(); // last before first
    let body =
        planner.post(server.url("/api/create_cell")).form(&empty_grid).send().await.unwrap().text().await.unwrap();
    assert!(body.contains("last_time"), "{body}");

    let mut nobody = cell_form(&tomorrow(), "plasma", place);
    nobody[7].1 = "0".into();
    let body = planner.post(server.url("/api/create_cell")).form(&nobody).send().await.unwrap().text().await.unwrap();
    assert!(body.contains("\"needs\""), "a cell needs at least one donor: {body}");
}

async fn only_planners_plan(backend: Backend) {
    let (server, _planner) = planner(backend).await;
    let registrar = staff_session(&server, "reg@centre.example", "registrar", "registrar-long-phrase-1").await;
    for endpoint in ["planning_overview", "close_cell"] {
        let resp =
            registrar.post(server.url(&format!("/api/{endpoint}"))).form(&[("cell_id", "1")]).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{endpoint}");
        let anon = server
            .client()
            .post(server.url(&format!("/api/{endpoint}")))
            .form(&[("cell_id", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(anon.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
    }
}

on_both_backends!(a_planned_cell_opens_for_its_groups_and_closes, planning_input_is_validated, only_planners_plan);
