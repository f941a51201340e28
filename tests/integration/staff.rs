//! Staff accounts and authorisation: the first admin from the command line, the admin page's
//! server functions, and who may call what — on SQLite and PostgreSQL.

use crate::support::api::Api;
use crate::support::{login, run_cli_with_input, staff_session, Backend, ServerOptions, TestServer};
use donor_booking::api::auth::CurrentSession;
use donor_booking::api::moderation::ModerationQueue;
use donor_booking::api::planning::PlanningOverview;
use donor_booking::api::profile::MyProfile;
use donor_booking::api::staff::{AddStaff, ChangeStaffPassword, DisableStaff, ForcePasswordChange, ListStaff};
use donor_booking::domain::account::StaffRole;
use donor_booking::domain::Locale;
use donor_booking::error::AppError;
use donor_booking::i18n::texts;
use donor_booking::model::accounts::SessionInfo;
use reqwest::StatusCode;

const ADMIN_PASSWORD: &str = "admin-long-passphrase-9";

fn add_staff(email: &str, role: &str, password: &str) -> AddStaff {
    AddStaff {
        email: email.into(),
        role: role.into(),
        password: password.into(),
        password_confirmation: password.into(),
    }
}

async fn logged_in(server: &TestServer, email: &str, password: &str) -> (Api, String) {
    let (client, landing) = login(server, email, password).await;
    (Api::from_client(&server.base, client), landing)
}

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
    let (admin, _) = logged_in(&server, "admin@centre.example", ADMIN_PASSWORD).await;
    assert_eq!(admin.call(add_staff("reg@centre.example", "registrar", "registrar-phrase-77")).await, Ok(()));
    let list = admin.call(ListStaff {}).await.unwrap();
    assert_eq!(list.len(), 2);
    let registrar = list.iter().find(|m| m.email == "reg@centre.example").expect("listed");
    assert_eq!(registrar.role, StaffRole::Registrar);

    assert!(registrar.must_change_password, "an account an admin made needs its own password");

    // At first login the registrar is sent to choose a password; until then no work is possible.
    let (registrar_api, landing) = logged_in(&server, "reg@centre.example", "registrar-phrase-77").await;
    assert_eq!(landing, "/staff/password?required=1");
    let queue = ModerationQueue { status: None, date: None, donation_type: None, after: None };
    assert_eq!(registrar_api.call(queue.clone()).await, Err(AppError::PasswordChangeRequired));
    let t = texts(Locale::Ru);
    let wrong = registrar_api.call(change("not-the-password", "my-own-phrase-88")).await.unwrap_err();
    assert_eq!(wrong.field_message("current_password"), Some(t.current_password_wrong));
    let same = registrar_api.call(change("registrar-phrase-77", "registrar-phrase-77")).await.unwrap_err();
    assert_eq!(same.field_message("new_password"), Some(t.password_same_as_current));
    assert_eq!(registrar_api.call(change("registrar-phrase-77", "my-own-phrase-88")).await, Ok(()));
    assert!(registrar_api.call(queue).await.is_ok(), "works once the password is their own");
    let (registrar_api, landing) = logged_in(&server, "reg@centre.example", "my-own-phrase-88").await;
    assert_eq!(landing, "/staff/moderation");
    let list = admin.call(ListStaff {}).await.unwrap();
    assert!(!list.iter().find(|m| m.id == registrar.id).unwrap().must_change_password);

    // The admin disables them; their session ends at once.
    assert_eq!(
        registrar_api.call(CurrentSession {}).await,
        Ok(Some(SessionInfo::Staff { role: StaffRole::Registrar }))
    );
    assert_eq!(admin.call(DisableStaff { id: registrar.id }).await, Ok(()));
    assert_eq!(registrar_api.call(CurrentSession {}).await, Ok(None), "logged out at once");
    let relogin = server
        .client()
        .post(server.url("/api/login"))
        .form(&[("email", "reg@centre.example"), ("password", "my-own-phrase-88")])
        .send()
        .await
        .unwrap();
    assert_eq!(relogin.status(), StatusCode::UNPROCESSABLE_ENTITY, "a disabled account cannot log in");

    // An admin cannot lock themselves out.
    let me = list.iter().find(|m| m.is_me).unwrap().id;
    assert_eq!(admin.call(DisableStaff { id: me }).await, Err(AppError::Forbidden));
}

async fn staff_functions_refuse_donors_and_strangers(backend: Backend) {
    let server = server(backend).await;
    add_admin(&server).await;
    let (admin, _) = logged_in(&server, "admin@centre.example", ADMIN_PASSWORD).await;
    assert_eq!(admin.call(add_staff("plan@centre.example", "planner", "planner-phrase-77")).await, Ok(()));
    let (planner, _) = logged_in(&server, "plan@centre.example", "planner-phrase-77").await;
    assert_eq!(planner.call(ListStaff {}).await, Err(AppError::Forbidden));

    // A donor (registered, logged in) gets 403 from a staff function; nobody gets 401.
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
    server.client().post(server.url("/api/register")).form(&form).send().await.unwrap();
    let (donor, landing) = logged_in(&server, "donor@example.org", "donor-long-phrase-5").await;
    assert_eq!(landing, "/cabinet");
    assert_eq!(donor.call(ListStaff {}).await, Err(AppError::Forbidden));
    assert_eq!(donor.call(add_staff("x@centre.example", "admin", "p-long-enough-1")).await, Err(AppError::Forbidden));
    assert_eq!(Api::anonymous(&server.base).call(ListStaff {}).await, Err(AppError::Unauthorized));
    // And staff cannot use a donor's function.
    assert_eq!(planner.call(MyProfile {}).await, Err(AppError::Forbidden));
}

fn change(current: &str, new: &str) -> ChangeStaffPassword {
    ChangeStaffPassword {
        current_password: current.into(),
        new_password: new.into(),
        new_password_confirmation: new.into(),
    }
}

async fn staff_change_their_password_and_admins_can_require_a_new_one(backend: Backend) {
    let server = server(backend).await;
    add_admin(&server).await;
    let (admin, _) = logged_in(&server, "admin@centre.example", ADMIN_PASSWORD).await;
    // The admin changes their own password; their other sessions end, this one stays.
    let (other_admin_tab, _) = logged_in(&server, "admin@centre.example", ADMIN_PASSWORD).await;
    assert_eq!(admin.call(change(ADMIN_PASSWORD, "admin-new-phrase-99")).await, Ok(()));
    assert_eq!(other_admin_tab.call(ListStaff {}).await, Err(AppError::Unauthorized), "other sessions end");
    assert!(admin.call(ListStaff {}).await.is_ok());

    // A planner made on the command line chose their password; the admin requires a new one.
    let planner_email = "planner@centre.example";
    let planner = staff_session(&server, planner_email, "planner", "planner-long-phrase-1").await;
    let planner = Api::from_client(&server.base, planner);
    assert!(planner.call(PlanningOverview {}).await.is_ok());
    let id = admin.call(ListStaff {}).await.unwrap().into_iter().find(|m| m.email == planner_email).unwrap().id;
    assert_eq!(admin.call(ForcePasswordChange { id }).await, Ok(()));
    assert_eq!(planner.call(PlanningOverview {}).await, Err(AppError::Unauthorized), "their sessions ended");
    let (planner, landing) = logged_in(&server, planner_email, "planner-long-phrase-1").await;
    assert_eq!(landing, "/staff/password?required=1");
    assert_eq!(planner.call(PlanningOverview {}).await, Err(AppError::PasswordChangeRequired));
    assert_eq!(planner.call(change("planner-long-phrase-1", "planner-fresh-phrase-2")).await, Ok(()));
    assert!(planner.call(PlanningOverview {}).await.is_ok());
    // Only admins may require it, and not of themselves.
    assert_eq!(planner.call(ForcePasswordChange { id }).await, Err(AppError::Forbidden));
    let me = admin.call(ListStaff {}).await.unwrap().into_iter().find(|m| m.is_me).unwrap().id;
    assert_eq!(admin.call(ForcePasswordChange { id: me }).await, Err(AppError::Forbidden));
}

/// Logins (also failed ones), logouts, staff accounts and planners' edits leave entries admins can
/// read and filter: who, from which address, never a password.
async fn the_security_trail_records_who_did_what_from_where(backend: Backend) {
    use crate::support::api::audit;
    use donor_booking::api::auth::Logout;
    use donor_booking::api::planning::CloseCell;
    use donor_booking::model::moderation::AuditQuery;
    let server = TestServer::start_with(backend, ServerOptions { demo_data: true, ..Default::default() }).await;
    let admin = staff_session(&server, "chief@centre.example", "admin", ADMIN_PASSWORD).await;
    let admin = Api::from_client(&server.base, admin);
    let guess = [("email", "nobody@example.org"), ("password", "guess-guess-1")];
    let wrong = server.client().post(server.url("/api/login")).form(&guess).send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(admin.call(add_staff("newplanner@centre.example", "planner", "planner-first-phrase-1")).await, Ok(()));
    let planner = staff_session(&server, "plans@centre.example", "planner", "planner-long-phrase-1").await;
    let planner = Api::from_client(&server.base, planner);
    let cell = planner.call(PlanningOverview {}).await.unwrap().cells.first().expect("demo cells").id;
    assert_eq!(planner.call(CloseCell { cell_id: cell }).await, Ok(()));
    assert_eq!(planner.call(Logout {}).await, Ok(()));

    let security = admin.call(audit(AuditQuery { kind: Some("security".into()), ..AuditQuery::default() })).await;
    let security = security.unwrap().entries;
    let actions: Vec<&str> = security.iter().map(|e| e.action.as_str()).collect();
    for expected in ["sec_login_failed", "sec_login", "sec_staff_create", "sec_logout"] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    let failed = security.iter().find(|e| e.action == "sec_login_failed").unwrap();
    assert_eq!(failed.comment.as_deref(), Some("nobody@example.org"), "the address typed, for no account");
    assert_eq!(failed.client_addr.as_deref(), Some("127.0.0.1"));
    let created = security.iter().find(|e| e.action == "sec_staff_create").unwrap();
    assert_eq!(created.staff_email.as_deref(), Some("chief@centre.example"), "who did it");
    assert_eq!(created.comment.as_deref(), Some("newplanner@centre.example (planner)"));
    let logout = security.iter().find(|e| e.action == "sec_logout").unwrap();
    assert_eq!(logout.staff_email.as_deref(), Some("plans@centre.example"));
    assert!(
        security.iter().all(|e| !e.comment.as_deref().unwrap_or_default().contains("guess-guess-1")),
        "never a password"
    );
    let planning = admin.call(audit(AuditQuery { kind: Some("planning".into()), ..AuditQuery::default() })).await;
    let closed = planning.unwrap().entries;
    assert_eq!(closed.len(), 1);
    assert_eq!((closed[0].action.as_str(), closed[0].comment.clone()), ("plan_close", Some(format!("№{cell}"))));
    assert_eq!(closed[0].staff_email.as_deref(), Some("plans@centre.example"));
}

on_both_backends!(
    the_security_trail_records_who_did_what_from_where,
    staff_change_their_password_and_admins_can_require_a_new_one,
    the_first_admin_comes_from_the_command_line,
    admins_add_list_and_disable_staff,
    staff_functions_refuse_donors_and_strangers,
);
