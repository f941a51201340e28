//! Places, as a centre going live needs them: on a database with no demo data an admin
//! created from the command line adds a place, planners open cells there, and a place with
//! cells is archived rather than deleted. Also `donor-booking place add|list|archive`.

use crate::planning::{cell_form, in_a_month};
use crate::support::api::Api;
use crate::support::{run_cli, run_cli_with_input, staff_session, Backend, ServerOptions, TestServer};
use donor_booking::api::places::{ArchivePlace, DeletePlace, ListPlaces, SavePlace};
use donor_booking::api::planning::{CreateCell, PlanningOverview};
use donor_booking::domain::Locale;
use donor_booking::error::AppError;
use donor_booking::i18n::texts;

fn place(id: Option<i64>, name: &str, address: &str) -> SavePlace {
    SavePlace {
        id: id.map(|i| i.to_string()),
        name: name.into(),
        address: address.into(),
        hours: Some("пн–пт 8:00–14:00".into()),
        note: None,
    }
}

async fn fresh(backend: Backend) -> (TestServer, Api, Api) {
    let server = TestServer::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await;
    let admin = Api::from_client(
        &server.base,
        staff_session(&server, "admin@centre.example", "admin", "admin-long-phrase-1").await,
    );
    let planner = Api::from_client(
        &server.base,
        staff_session(&server, "planner@centre.example", "planner", "planner-long-phrase-1").await,
    );
    (server, admin, planner)
}

async fn admins_create_edit_archive_and_delete_places(backend: Backend) {
    let (server, admin, planner) = fresh(backend).await;
    // A fresh centre has no place: the planner is told so and cannot open a cell.
    assert!(planner.call(PlanningOverview {}).await.unwrap().places.is_empty());

    // Every field is checked, and the messages are the admin's language.
    let t = texts(Locale::Ru);
    match admin.call(place(None, " ", "")).await {
        Err(e @ AppError::Validation { .. }) => {
            assert_eq!(e.field_message("name"), Some(t.place_required));
            assert_eq!(e.field_message("address"), Some(t.place_required));
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    let main = admin.call(place(None, "Главный корпус", "ул. Донорская, 1")).await.expect("created");
    let taken = admin.call(place(None, "Главный корпус", "другой адрес")).await.unwrap_err();
    assert_eq!(taken.field_message("name"), Some(t.place_name_taken));
    let mobile = admin.call(place(None, "Выездная бригада", "ул. Полевая, 7")).await.unwrap();
    assert_eq!(admin.call(place(Some(mobile), "Выездная бригада №2", "ул. Полевая, 9")).await, Ok(mobile));
    let listed = admin.call(ListPlaces {}).await.unwrap();
    let edited = listed.iter().find(|p| p.id == mobile).unwrap();
    assert_eq!((edited.place.name.as_str(), edited.place.address.as_str()), ("Выездная бригада №2", "ул. Полевая, 9"));
    assert_eq!(edited.place.hours, "пн–пт 8:00–14:00");

    // Planners open cells at it; a place with a cell cannot be deleted, only archived.
    let board = planner.call(PlanningOverview {}).await.unwrap();
    assert_eq!(board.places.len(), 2);
    planner.call(cell_form(&in_a_month(), "plasma", main)).await.expect("a cell at the new place");
    assert_eq!(
        admin.call(DeletePlace { id: main }).await,
        Err(AppError::Conflict { message: t.place_has_cells.into() })
    );
    assert_eq!(admin.call(ArchivePlace { id: main, archived: "true".into() }).await, Ok(main));
    let board = planner.call(PlanningOverview {}).await.unwrap();
    assert_eq!(board.places.iter().map(|p| p.id).collect::<Vec<_>>(), [mobile], "archived places take no new cells");
    let refused: Result<i64, AppError> =
        planner.call::<CreateCell>(cell_form(&in_a_month(), "whole_blood", main)).await;
    assert_eq!(refused.unwrap_err().field_message("place_id"), Some(t.plan_choose_place));
    assert_eq!(admin.call(ArchivePlace { id: main, archived: "false".into() }).await, Ok(main));
    assert_eq!(planner.call(PlanningOverview {}).await.unwrap().places.len(), 2, "restored");
    // A place that never had a cell can be deleted.
    assert_eq!(admin.call(DeletePlace { id: mobile }).await, Ok(mobile));
    assert_eq!(admin.call(ListPlaces {}).await.unwrap().len(), 1);
    // Planners cannot manage places.
    assert_eq!(planner.call(ListPlaces {}).await, Err(AppError::Forbidden));

    // Every change is in the audit log with the admin's name.
    let pool = server.db.pool().await;
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT a.action, s.email FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id \
         WHERE a.action LIKE 'place_%' ORDER BY a.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let actions: Vec<&str> = rows.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        ["place_create", "place_create", "place_update", "place_archive", "place_restore", "place_delete"]
    );
    assert!(rows.iter().all(|(_, by)| by.as_deref() == Some("admin@centre.example")));
}

async fn places_from_the_command_line(backend: Backend) {
    let server = TestServer::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await;
    assert!(run_cli(&server.db, &["place", "list"]).await.contains("no places yet"));
    let added =
        run_cli(&server.db, &["place", "add", "--name", "Главный корпус", "--address", "ул. Донорская, 1"]).await;
    assert!(added.contains("added: Главный корпус"), "{added}");
    let (ok, _, err) =
        run_cli_with_input(&server.db, &["place", "add", "--name", "Главный корпус", "--address", "x"], "").await;
    assert!(!ok && err.contains("already exists"), "{err}");
    let (ok, _, err) = run_cli_with_input(&server.db, &["place", "add", "--name", "Пусто", "--address", " "], "").await;
    assert!(!ok && err.contains("--address is required"), "{err}");
    assert!(run_cli(&server.db, &["place", "archive", "--name", "Главный корпус"]).await.contains("archived"));
    let list = run_cli(&server.db, &["place", "list"]).await;
    assert!(list.contains("archived") && list.contains("Главный корпус"), "{list}");
    assert!(run_cli(&server.db, &["place", "archive", "--name", "Главный корпус", "--restore"])
        .await
        .contains("restored"));
    assert!(run_cli(&server.db, &["place", "list"]).await.contains("open"));
}

on_both_backends!(admins_create_edit_archive_and_delete_places, places_from_the_command_line);
