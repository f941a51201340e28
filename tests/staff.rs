//! Staff accounts and authorisation: the first admin from the command line, the admin page's
//! server functions, and who may call what — on SQLite and PostgreSQL.

mod common;

use common::{login, run_cli_with_input, Backend, ServerOptions, TestServer};
use reqwest::{Client, StatusCode};

const ADMIN_PASSWORD: &str = "admin-long-passphrase-9";

async fn server(backend: Backend) -> TestServer {
    TestServer::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await
}

async fn add_admin(server: &TestServer) {
    let (ok, out, err) = run_cli_with_input(
        &server.db,
        &["staff", "add", "--email", "Admin@Centre.example", "--role", "admin"],
        &format!("{ADMIN_PASSWORD}\n"),
    )
    .await;
    assert!(ok, "staff add failed: {err}");
    assert!(out.contains("admin@centre.example") && out.contains("admin"), "{out}");
}

async fn the_first_admin_comes_from_the_command_line(backend: Backend) {
    let server = server(backend).await;
    add_admin(&server).await;
    let (_, landing) = login(&server, "admin@centre.example", ADMIN_PASSWORD).await;
    assert_eq!(landing, "/staff/admin", "staff land on their own area");

    let (again, _, err) = run_cli_with_input(
        &server.db,
        &["staff", "add", "--email", "admin@centre.example", "--role", "planner"],
        "another-long-passphrase\n",
    )
    .await;
    assert!(!again && err.contains("already"), "{err}");
    let (weak, _, err) = run_cli_with_input(
        &server.db,
        &["staff", "add", "--email", "p@centre.example", "--role", "planner"],
        "qwerty123\n",
    )
    .await;
    assert!(!weak && err.contains("too common"), "{err}");
}

async fn admins_add_list_and_disable_staff(backend: Backend) {
    let server = server(backend).await;
    add_admin(&server).await;
    let (admin, _) = login(&server, "admin@centre.example", ADMIN_PASSWORD).await;
    let resp = admin
        .post(server.url("/api/add_staff"))
        .form(&[
            ("email", "reg@centre.example"),
            ("role", "registrar"),
            ("password", "registrar-phrase-77"),
            ("password_confirmation", "registrar-phrase-77"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let list: serde_json::Value = admin.post(server.url("/api/list_staff")).send().await.unwrap().json().await.unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let registrar = list.iter().find(|m| m["email"] == "reg@centre.example").expect("listed");
    assert_eq!(registrar["role"], "Registrar");
    let id = registrar["id"].as_i64().unwrap();

    // The registrar is logged in; the admin disables them; their session ends at once.
    let (registrar_client, landing) = login(&server, "reg@centre.example", "registrar-phrase-77").await;
    assert_eq!(landing, "/staff/moderation");
    let session = |c: &Client| c.post(server.url("/api/session")).send();
    let before: serde_json::Value = session(&registrar_client).await.unwrap().json().await.unwrap();
    assert_eq!(before["Staff"]["role"], "Registrar");
    let resp = admin.post(server.url("/api/disable_staff")).form(&[("id", id.to_string())]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let after: serde_json::Value = session(&registrar_client).await.unwrap().json().await.unwrap();
    assert!(after.is_null(), "logged out at once: {after}");
    let relogin = server
        .client()
        .post(server.url("/api/login"))
        .form(&[("email", "reg@centre.example"), ("password", "registrar-phrase-77")])
        .send()
        .await
        .unwrap();
    assert_eq!(relogin.status(), StatusCode::UNPROCESSABLE_ENTITY, "a disabled account cannot log in");

    // An admin cannot lock themselves out.
    let me = list.iter().find(|m| m["is_me"] == true).unwrap()["id"].as_i64().unwrap();
    let resp = admin.post(server.url("/api/disable_staff")).form(&[("id", me.to_string())]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

async fn staff_functions_refuse_donors_and_strangers(backend: Backend) {
    let server = server(backend).await;
    add_admin(&server).await;
    let (admin, _) = login(&server, "admin@centre.example", ADMIN_PASSWORD).await;
    admin
        .post(server.url("/api/add_staff"))
        .form(&[
            ("email", "plan@centre.example"),
            ("role", "planner"),
            ("password", "planner-phrase-77"),
            ("password_confirmation", "planner-phrase-77"),
        ])
        .send()
        .await
        .unwrap();
    let (planner, _) = login(&server, "plan@centre.example", "planner-phrase-77").await;
    assert_eq!(planner.post(server.url("/api/list_staff")).send().await.unwrap().status(), StatusCode::FORBIDDEN);

    // A donor (registered, logged in) gets 403 from a staff function; nobody gets 401.
    let donor = server.client();
    let form = [
        ("email", "donor@example.org"),
        ("password", "donor-long-phrase-5"),
        ("password_confirmation", "donor-long-phrase-5"),
        ("blood_group", "O"),
        ("rh", "neg"),
        ("kell", "neg"),
        ("donor_code", "DC1234"),
        ("consent", "yes"),
    ];
    donor.post(server.url("/api/register")).form(&form).send().await.unwrap();
    let (donor, landing) = login(&server, "donor@example.org", "donor-long-phrase-5").await;
    assert_eq!(landing, "/cabinet");
    assert_eq!(donor.post(server.url("/api/list_staff")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let add = donor
        .post(server.url("/api/add_staff"))
        .form(&[
            ("email", "x@centre.example"),
            ("role", "admin"),
            ("password", "p-long-enough-1"),
            ("password_confirmation", "p-long-enough-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(add.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        server.client().post(server.url("/api/list_staff")).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    // And staff cannot use a donor's function.
    assert_eq!(planner.post(server.url("/api/my_profile")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
}

on_both_backends!(
    the_first_admin_comes_from_the_command_line,
    admins_add_list_and_disable_staff,
    staff_functions_refuse_donors_and_strangers,
);
