//! The foundation as a user meets it: the real server on a fresh database, both backends.

use crate::support::{run_cli, Backend, ServerOptions, TestServer};
use donor_booking::api::cells::OpenCells;
use donor_booking::domain::DonationType;
use sqlx::Row;

/// Donation type codes of the cells the page shows, in page order.
fn type_badges(html: &str) -> Vec<String> {
    html.match_indices("type-badge type-badge--")
        .map(|(i, m)| html[i + m.len()..].split('"').next().unwrap_or_default().to_owned())
        .collect()
}

async fn healthz_answers_when_the_database_does(backend: Backend) {
    let server = TestServer::start(backend).await;
    let resp = server.client().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), "ok");
}

async fn home_page_lists_the_open_cells_stored_in_the_database(backend: Backend) {
    let server = TestServer::start(backend).await;
    let html = server.get_html("/").await;
    assert!(html.contains(r#"<html lang="ru">"#), "Russian by default");
    assert!(html.contains("Запись на донацию"));
    // Nothing is booked yet, so every stored cell of a coming day is open and shown; today's
    // are shown only while one of their times is still ahead.
    let pool = server.db.pool().await;
    let dates: Vec<String> = sqlx::query("SELECT CAST(date AS TEXT) AS d FROM cells")
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("d"))
        .collect();
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Moscow).date_naive().to_string();
    let future = dates.iter().filter(|d| d.as_str() > today.as_str()).count();
    let shown = type_badges(&html).len();
    assert!(future >= 4, "demo data made {} cells, {future} after today", dates.len());
    assert!(shown >= future && shown <= dates.len(), "page shows {shown}; {future} future of {} stored", dates.len());
    assert!(html.contains("Центр крови, главный корпус"));
    assert!(html.contains("Нужны группы крови"));
    assert!(html.contains("Rh"), "needed groups are listed");
    // Rendered on the server, complete without JavaScript: no pending fallback left.
    assert!(!html.contains("Загрузка…"));
}

async fn filter_by_donation_type_shows_only_that_type(backend: Backend) {
    let server = TestServer::start(backend).await;
    let all = type_badges(&server.get_html("/").await);
    let plasma = type_badges(&server.get_html("/?type=plasma").await);
    assert!(!plasma.is_empty() && plasma.len() < all.len(), "{} plasma of {} cells", plasma.len(), all.len());
    assert!(plasma.iter().all(|t| t == "plasma"), "{plasma:?}");

    // The server function behind the reactive filter answers the same.
    let api = crate::support::api::Api::anonymous(&server.base);
    let view = api.call(OpenCells { donation_type: Some("plasma".into()) }).await.unwrap();
    assert!(view.donor.is_none(), "an anonymous caller gets no donor data");
    assert_eq!(view.cells.len(), plasma.len());
    assert!(view.cells.iter().all(|c| c.donation_type == DonationType::Plasma));
}

async fn unknown_donation_type_is_a_validation_error(backend: Backend) {
    let server = TestServer::start(backend).await;
    let api = crate::support::api::Api::anonymous(&server.base);
    let refused = api.call(OpenCells { donation_type: Some("lemonade".into()) }).await;
    let message = refused.as_ref().err().and_then(|e| e.field_message("donation_type")).unwrap_or_default();
    assert_eq!(message, "Неизвестный вид донации.", "a localised message: {refused:?}");
    let resp = server
        .client()
        .post(server.url("/api/open_cells"))
        .form(&[("donation_type", "lemonade")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let body = resp.text().await.unwrap();
    assert!(body.contains("Validation") && body.contains("donation_type"), "{body}");
    assert!(!body.to_lowercase().contains("sql"), "no internals leak: {body}");
}

async fn empty_database_shows_the_seed_text(backend: Backend) {
    let server = TestServer::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await;
    let html = server.get_html("/").await;
    assert!(html.contains("Компонентов крови в настоящий момент достаточно"), "empty state");
    assert!(type_badges(&html).is_empty());
}

async fn language_follows_the_switch_and_the_browser(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.client();
    let resp = client.get(server.url("/lang/en?next=/%3Ftype%3Dplasma")).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/?type=plasma");
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("lang=en;") && cookie.contains("SameSite=Lax"), "{cookie}");

    // The same client keeps the cookie: pages are now English.
    let html = client.get(server.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("Book a donation") && html.contains("Blood groups needed"));

    // A fresh visitor whose browser prefers English gets English; Russian otherwise.
    let server = &server;
    let first_visit = |accept_language: &'static str| async move {
        let resp = server.client().get(server.url("/")).header("accept-language", accept_language).send().await;
        resp.unwrap().text().await.unwrap()
    };
    assert!(first_visit("en-GB,en;q=0.9").await.contains(r#"<html lang="en">"#));
    let russian_listed = first_visit("en-US,en;q=0.9,ru;q=0.8").await;
    assert!(russian_listed.contains(r#"<html lang="ru">"#), "Russian wins whenever the browser lists it");

    // The switch never sends anyone to another site.
    let resp = client.get(server.url("/lang/ru?next=//evil.example/")).send().await.unwrap();
    assert_eq!(resp.headers()["location"], "/");
}

async fn unknown_page_is_a_localised_404(backend: Backend) {
    let server = TestServer::start(backend).await;
    let resp = server.client().get(server.url("/no/such/page")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Страница не найдена"));
}

async fn pages_carry_the_security_headers(backend: Backend) {
    let server = TestServer::start(backend).await;
    let resp = server.client().get(server.url("/")).send().await.unwrap();
    let headers = resp.headers().clone();
    let html = resp.text().await.unwrap();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("nonce in CSP");
    assert!(html.contains(&format!(r#"nonce="{nonce}""#)), "the hydration script carries this response's nonce");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin");
    assert!(headers.get("strict-transport-security").is_none(), "no HSTS over plain http");

    let other = server.client().get(server.url("/")).send().await.unwrap();
    assert_ne!(other.headers()["content-security-policy"].to_str().unwrap(), csp, "a new nonce per response");
}

async fn hsts_is_sent_when_served_over_https(backend: Backend) {
    let options = ServerOptions { public_url: Some("https://donor.example.org".into()), ..Default::default() };
    let server = TestServer::start_with(backend, options).await;
    let resp = server.client().get(server.url("/healthz")).send().await.unwrap();
    assert!(resp.headers()["strict-transport-security"].to_str().unwrap().contains("max-age=31536000"));
}

async fn cross_site_posts_to_server_functions_are_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let call = |headers: Vec<(&'static str, String)>| {
        let mut req = server.client().post(server.url("/api/open_cells")).form(&[("donation_type", "")]);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        req.send()
    };
    assert_eq!(call(vec![("sec-fetch-site", "cross-site".into())]).await.unwrap().status(), 403);
    assert_eq!(call(vec![("origin", "https://evil.example".into())]).await.unwrap().status(), 403);
    assert_eq!(call(vec![("sec-fetch-site", "same-origin".into())]).await.unwrap().status(), 200);
    assert_eq!(call(vec![("origin", server.base.clone())]).await.unwrap().status(), 200);
}

async fn responses_are_compressed(backend: Backend) {
    let server = TestServer::start(backend).await;
    let resp = server.client().get(server.url("/")).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(resp.headers()["content-encoding"], "br");
}

/// The built site's files carry a content hash and are kept a year; pages and server functions,
/// which carry a person's data, are never stored.
async fn static_files_are_cached_for_a_year_and_pages_never(backend: Backend) {
    let css = std::fs::read_to_string("target/site/pkg/output-name").expect("a release build (scripts/build)");
    let bundles = std::fs::read_to_string("target/site/pkg/bundles").expect("a release build (scripts/build)");
    let client = |code: &str| {
        bundles.lines().find_map(|l| l.strip_prefix(&format!("{code}="))).expect("every client is named").to_owned()
    };
    let server = TestServer::start(backend).await;
    let page = server.client().get(server.url("/")).send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    let public = client("public");
    assert!(html.contains(&format!("/pkg/{}.css", css.trim())), "the page links the hashed stylesheet");
    for file in ["js", "wasm"] {
        assert!(html.contains(&format!("/pkg/{public}.{file}")), "the public page loads the public client's {file}");
    }
    assert!(!html.contains(&client("staff")), "a donor page never loads the staff client");
    let wasm = server
        .client()
        .get(server.url(&format!("/pkg/{public}.wasm")))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-encoding"], "br", "the precompressed file");
    assert_eq!(wasm.headers()["cache-control"], "public, max-age=31536000, immutable");
    let api = server.client().post(server.url("/api/open_cells")).form(&[("donation_type", "")]).send().await.unwrap();
    assert_eq!(api.headers()["cache-control"], "no-store");
}

/// A body larger than any form is refused as too large, not as a server error — from its
/// declared length, before it is read (the test sends only the headers of a 3 MB request).
async fn an_oversized_body_gets_413(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = TestServer::start(backend).await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n",
        3 * 1024 * 1024
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 512];
    let read =
        tokio::time::timeout(std::time::Duration::from_secs(5), socket.read(&mut answer)).await.unwrap().unwrap();
    let status_line = String::from_utf8_lossy(&answer[..read]).lines().next().unwrap_or_default().to_owned();
    assert_eq!(status_line, "HTTP/1.1 413 Payload Too Large");
    let small = server.client().post(server.url("/api/open_cells")).form(&[("donation_type", "")]).send();
    assert_eq!(small.await.unwrap().status(), reqwest::StatusCode::OK);
}

async fn migrations_are_idempotent_and_the_schema_guards_capacity(backend: Backend) {
    let server = TestServer::start(backend).await;
    let out = run_cli(&server.db, &["migrate"]).await;
    assert!(out.contains("migrations applied"), "{out}");
    let pool = server.db.pool().await;

    // A time can never hold more bookings than its capacity, whatever the code does.
    let overfill = sqlx::query("UPDATE time_slots SET booked = capacity + 1").execute(&pool).await;
    assert!(overfill.is_err(), "CHECK (booked <= capacity) must refuse");
    let overfill = sqlx::query("UPDATE group_quotas SET booked = needed + 1").execute(&pool).await;
    assert!(overfill.is_err(), "CHECK (booked <= needed) must refuse");

    // One active booking per donor (R3), enforced by a partial unique index.
    sqlx::query(
        "INSERT INTO donors (email, password_hash, blood_group, rh, kell, donor_code, consent_version, consent_at, created_at) \
         VALUES ('d@example.org', 'x', 'A', 'pos', 'neg', 'AB12', 'v1', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    )
    .execute(&pool)
    .await
    .expect("insert donor");
    let slot = sqlx::query("SELECT s.id AS slot_id, s.cell_id, q.id AS quota_id FROM time_slots s JOIN group_quotas q ON q.cell_id = s.cell_id LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (slot_id, cell_id, quota_id): (i64, i64, i64) =
        (slot.get("slot_id"), slot.get("cell_id"), slot.get("quota_id"));
    let insert = |status: &'static str| {
        sqlx::query(
            "INSERT INTO bookings (donor_id, cell_id, slot_id, quota_id, status, created_at) \
             VALUES ((SELECT id FROM donors), $1, $2, $3, $4, CURRENT_TIMESTAMP)",
        )
        .bind(cell_id)
        .bind(slot_id)
        .bind(quota_id)
        .bind(status)
        .execute(&pool)
    };
    insert("cancelled").await.expect("a cancelled booking");
    insert("pending").await.expect("the first active booking");
    assert!(insert("approved").await.is_err(), "a second active booking must be refused");
    assert!(insert("lost").await.is_err(), "unknown statuses are refused");
}

on_both_backends!(
    healthz_answers_when_the_database_does,
    home_page_lists_the_open_cells_stored_in_the_database,
    filter_by_donation_type_shows_only_that_type,
    unknown_donation_type_is_a_validation_error,
    empty_database_shows_the_seed_text,
    language_follows_the_switch_and_the_browser,
    unknown_page_is_a_localised_404,
    pages_carry_the_security_headers,
    hsts_is_sent_when_served_over_https,
    cross_site_posts_to_server_functions_are_refused,
    responses_are_compressed,
    static_files_are_cached_for_a_year_and_pages_never,
    an_oversized_body_gets_413,
    migrations_are_idempotent_and_the_schema_guards_capacity,
);
