//! Accounts as donors meet them: registration, the e-mail over a real SMTP server, the link,
//! login and sessions — on SQLite and PostgreSQL.

use crate::support::api::Api;
use crate::support::smtp::{link_containing, RelayStep, ScriptedRelay, SmtpSink};
use crate::support::{login, run_cli_with_input, staff_session, Backend, ServerOptions, TestServer};
use donor_booking::api::moderation::ModerationQueue;
use donor_booking::api::profile::MyProfile;
use donor_booking::error::AppError;
use reqwest::{Client, Response, StatusCode};
use sqlx::Row;
use std::time::Duration;

const PASSWORD: &str = "river-violet-anchor-42";

fn form(email: &str, password: &str) -> Vec<(&'static str, String)> {
    vec![
        ("email", email.to_owned()),
        ("password", password.to_owned()),
        ("password_confirmation", password.to_owned()),
        ("blood_group", "A".into()),
        ("rh", "pos".into()),
        ("kell", "neg".into()),
        ("donor_code", " ab12cd ".into()),
        ("consent", "yes".into()),
    ]
}

async fn post(server: &TestServer, client: &Client, endpoint: &str, fields: &[(&str, String)]) -> Response {
    client.post(server.url(&format!("/api/{endpoint}"))).form(fields).send().await.expect("POST")
}

async fn start_with_smtp(backend: Backend) -> (TestServer, SmtpSink) {
    let smtp = SmtpSink::start().await;
    let options = ServerOptions { demo_data: false, smtp_port: Some(smtp.port), ..Default::default() };
    (TestServer::start_with(backend, options).await, smtp)
}

/// The path and query of an absolute link on the test server.
fn path_of(server: &TestServer, link: &str) -> String {
    link.strip_prefix(&server.base).unwrap_or_else(|| panic!("{link} is not on {}", server.base)).to_owned()
}

async fn count(server: &TestServer, sql: &str) -> i64 {
    let pool = server.db.pool().await;
    sqlx::query(sql).fetch_one(&pool).await.expect(sql).get::<i64, _>(0)
}

async fn registration_mail_confirms_and_login_shows_the_profile(backend: Backend) {
    let (server, smtp) = start_with_smtp(backend).await;
    let client = server.client();
    let resp = post(&server, &client, "register", &form("Donor.One@Example.org", PASSWORD)).await;
    assert!(resp.status().is_success() || resp.status().is_redirection(), "{}", resp.status());

    // The confirmation arrives over SMTP, to the normalised address, with a Message-ID.
    let mail = smtp.wait_for("donor.one@example.org", 1, Duration::from_secs(15)).await.remove(0);
    assert!(mail.subject.contains("Подтвердите"), "{}", mail.subject);
    assert!(!mail.message_id.is_empty());
    let link = link_containing(&mail.text, "/confirm-email?token=").expect("link in the text part");
    assert!(mail.html.contains("/confirm-email?token="), "the HTML part has it too");

    // Before confirming, the cabinet says why booking is not possible (R1).
    let resp =
        post(&server, &client, "login", &[("email", "donor.one@example.org".into()), ("password", PASSWORD.into())])
            .await;
    assert!(resp.status().is_success() || resp.status().is_redirection(), "{}", resp.status());
    let cabinet = client.get(server.url("/cabinet")).send().await.unwrap().text().await.unwrap();
    assert!(cabinet.contains("data-testid=\"unconfirmed\""), "unconfirmed notice");

    let page = client.get(server.url(&path_of(&server, &link))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-testid=\"confirmed\""), "the link confirms");
    assert_eq!(count(&server, "SELECT COUNT(*) FROM donors WHERE email_confirmed_at IS NOT NULL").await, 1);

    let cabinet = client.get(server.url("/cabinet")).send().await.unwrap().text().await.unwrap();
    assert!(!cabinet.contains("data-testid=\"unconfirmed\""));
    assert!(cabinet.contains("donor.one@example.org") && cabinet.contains("A(II)") && cabinet.contains("AB12CD"));
    assert!(cabinet.contains("Rh+") && cabinet.contains("K−"));

    // The link works once.
    let again = client.get(server.url(&path_of(&server, &link))).send().await.unwrap().text().await.unwrap();
    assert!(again.contains("data-testid=\"link-used\""));
}

async fn expired_link_is_refused_and_a_new_one_works(backend: Backend) {
    let (server, smtp) = start_with_smtp(backend).await;
    let client = server.client();
    post(&server, &client, "register", &form("late@example.org", PASSWORD)).await;
    let first = smtp.wait_for("late@example.org", 1, Duration::from_secs(15)).await.remove(0);
    let old_link = link_containing(&first.text, "token=").unwrap();
    let pool = server.db.pool().await;
    sqlx::query("UPDATE email_tokens SET expires_at = created_at").execute(&pool).await.unwrap();

    let page = client.get(server.url(&path_of(&server, &old_link))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-testid=\"link-expired\""));
    let bogus = client.get(server.url("/confirm-email?token=not-a-token")).send().await.unwrap().text().await.unwrap();
    assert!(bogus.contains("data-testid=\"link-invalid\""));

    let resp = post(&server, &client, "resend_confirmation", &[("email", "late@example.org".into())]).await;
    assert!(resp.status().is_success() || resp.status().is_redirection(), "{}", resp.status());
    let mails = smtp.wait_for("late@example.org", 2, Duration::from_secs(15)).await;
    // Maildir file names do not sort by arrival, so pick the message by its content.
    let new_link =
        mails.iter().filter_map(|m| link_containing(&m.text, "token=")).find(|l| *l != old_link).expect("a new link");
    assert_ne!(new_link, old_link);
    let page = client.get(server.url(&path_of(&server, &new_link))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-testid=\"confirmed\""));
}

async fn mail_waits_out_an_smtp_outage_and_is_sent_once(backend: Backend) {
    let (server, mut smtp) = start_with_smtp(backend).await;
    smtp.stop().await;
    let client = server.client();
    let resp = post(&server, &client, "register", &form("patient@example.org", PASSWORD)).await;
    assert!(resp.status().is_success() || resp.status().is_redirection(), "registration succeeds while mail is down");
    assert_eq!(count(&server, "SELECT COUNT(*) FROM donors").await, 1);

    // The worker tried and failed, and keeps the message queued.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while count(&server, "SELECT COUNT(*) FROM mail_outbox WHERE attempts > 0 AND status = 'queued'").await == 0 {
        assert!(std::time::Instant::now() < deadline, "no failed attempt recorded");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    smtp.resume().await;
    smtp.wait_for("patient@example.org", 1, Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(smtp.received().iter().filter(|m| m.to == "patient@example.org").count(), 1, "exactly once");
    assert_eq!(count(&server, "SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent'").await, 1);
}

/// Registers `email` on a server whose mail goes to `relay`, each SMTP delivery bounded by 2 s.
async fn register_with_relay(backend: Backend, relay: &ScriptedRelay, email: &str) -> TestServer {
    let options = ServerOptions {
        demo_data: false,
        smtp_port: Some(relay.port),
        env: vec![("SMTP_TIMEOUT_SECS", "2")],
        ..Default::default()
    };
    let server = TestServer::start_with(backend, options).await;
    let resp = post(&server, &server.client(), "register", &form(email, PASSWORD)).await;
    assert!(resp.status().is_success() || resp.status().is_redirection(), "{}", resp.status());
    server
}

/// A relay that greets and then never answers costs one attempt, not the mail: the whole
/// exchange times out, the message is retried and arrives exactly once.
async fn a_stalled_relay_costs_one_attempt_and_the_mail_still_arrives_once(backend: Backend) {
    let relay = ScriptedRelay::start(vec![RelayStep::Stall]).await;
    let server = register_with_relay(backend, &relay, "stalled@example.org").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while relay.taken_for("stalled@example.org") == 0 {
        assert!(std::time::Instant::now() < deadline, "the mail never arrived after the stall");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(relay.taken_for("stalled@example.org"), 1, "exactly once");
    assert_eq!(relay.connections(), 2, "the stalled attempt and the one that delivered");
    assert_eq!(count(&server, "SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent' AND attempts = 1").await, 1);
}

/// 451 is temporary: retried. 550 is permanent: the message fails at once, with no third try.
async fn a_temporary_refusal_is_retried_and_a_permanent_one_fails_at_once(backend: Backend) {
    let relay = ScriptedRelay::start(vec![
        RelayStep::Refuse("451 4.3.0 Try again later"),
        RelayStep::Refuse("550 5.1.1 <refused@example.org>: no such user"),
    ])
    .await;
    let server = register_with_relay(backend, &relay, "refused@example.org").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while count(&server, "SELECT COUNT(*) FROM mail_outbox WHERE status = 'failed'").await == 0 {
        assert!(std::time::Instant::now() < deadline, "the permanent refusal did not fail the message");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(count(&server, "SELECT COUNT(*) FROM mail_outbox WHERE status = 'failed' AND attempts = 2").await, 1);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(relay.connections(), 2, "not retried after 550");
    assert_eq!(relay.taken_for("refused@example.org"), 0);
}

/// SQLite: a write that cannot get the database within the busy timeout is answered 503 with
/// Retry-After and a localised message, leaves nothing half-written, and succeeds once free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_busy_database_answers_503_and_the_retry_succeeds() {
    let options =
        ServerOptions { demo_data: false, env: vec![("SQLITE_BUSY_TIMEOUT_MS", "300")], ..Default::default() };
    let server = TestServer::start_with(Backend::Sqlite, options).await;
    let pool = server.db.pool().await;
    let mut holder = pool.acquire().await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut *holder).await.unwrap();
    let resp = post(&server, &server.client(), "register", &form("busy@example.org", PASSWORD)).await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(resp.headers()["retry-after"], "2");
    assert!(matches!(resp.json::<AppError>().await.unwrap(), AppError::Unavailable { .. }));
    sqlx::query("ROLLBACK").execute(&mut *holder).await.unwrap();
    drop(holder);
    assert_eq!(count(&server, "SELECT COUNT(*) FROM donors").await, 0, "nothing half-written");
    let again = post(&server, &server.client(), "register", &form("busy@example.org", PASSWORD)).await;
    assert!(again.status().is_success() || again.status().is_redirection(), "{}", again.status());
    assert_eq!(count(&server, "SELECT COUNT(*) FROM donors").await, 1);
}

/// A sent e-mail's body (with its live link) does not stay in the database.
async fn a_sent_mail_leaves_no_body_behind(backend: Backend) {
    let server = TestServer::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await;
    post(&server, &server.client(), "register", &form("cleared@example.org", PASSWORD)).await;
    let mail = server.delivered("cleared@example.org", "Подтвердите адрес электронной почты").await;
    assert!(link_containing(&mail.text, "/confirm-email?token=").is_some(), "the donor got the link");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while count(&server, "SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent'").await == 0 {
        assert!(std::time::Instant::now() < deadline, "not marked sent");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let kept =
        "SELECT COUNT(*) FROM mail_outbox WHERE text_body <> '' OR html_body <> '' OR attachment_body IS NOT NULL";
    assert_eq!(count(&server, kept).await, 0, "no body at rest once sent");
}

/// The daily job removes ended sessions, used links, e-mails older than 30 days and accounts
/// never confirmed within 7 days (and never booked) — and nothing else.
async fn the_daily_job_purges_what_is_kept_only_for_a_while(backend: Backend) {
    let server = TestServer::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await;
    for email in ["stale@example.org", "fresh@example.org"] {
        post(&server, &server.client(), "register", &form(email, PASSWORD)).await;
        server.delivered(email, "Подтвердите адрес электронной почты").await;
    }
    let _desk = staff_session(&server, "purge-desk@centre.example", "registrar", "purge-desk-phrase-1").await;
    let ago = |days: i64| (chrono::Utc::now() - chrono::Duration::days(days)).to_rfc3339();
    let pool = server.db.pool().await;
    for sql in [
        format!("UPDATE donors SET created_at = '{}' WHERE email = 'stale@example.org'", ago(8)),
        format!("UPDATE sessions SET expires_at = '{}'", ago(1)),
        "UPDATE email_tokens SET used_at = created_at WHERE donor_id = (SELECT id FROM donors WHERE email = 'fresh@example.org')".to_owned(),
        format!("UPDATE mail_outbox SET created_at = '{}' WHERE recipient = 'fresh@example.org'", ago(31)),
    ] {
        sqlx::query(&sql).execute(&pool).await.expect(&sql);
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while count(&server, "SELECT COUNT(*) FROM mail_outbox WHERE status <> 'sent'").await > 0 {
        assert!(std::time::Instant::now() < deadline, "mail still queued");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (ok, out, err) = run_cli_with_input(&server.db, &["purge"], "").await;
    assert!(ok, "purge: {err}");
    assert!(out.contains("purged"), "{out}");
    assert_eq!(count(&server, "SELECT COUNT(*) FROM donors WHERE email = 'stale@example.org'").await, 0);
    assert_eq!(
        count(&server, "SELECT COUNT(*) FROM donors WHERE email = 'fresh@example.org'").await,
        1,
        "too young to go"
    );
    assert_eq!(count(&server, "SELECT COUNT(*) FROM sessions").await, 0, "ended sessions");
    assert_eq!(count(&server, "SELECT COUNT(*) FROM email_tokens").await, 0, "used links, and the removed account's");
    assert_eq!(count(&server, "SELECT COUNT(*) FROM mail_outbox WHERE recipient = 'fresh@example.org'").await, 0);
    assert_eq!(
        count(&server, "SELECT COUNT(*) FROM mail_outbox WHERE recipient = 'stale@example.org'").await,
        1,
        "a recent e-mail stays"
    );
}

/// PostgreSQL: when no pooled connection frees up within the acquire timeout (here every one
/// waits on a lock another session holds), a request is answered 503 with Retry-After, never
/// 500, leaves nothing half-written, and the others go through once the database is free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_pool_with_no_free_connection_answers_503() {
    let options = ServerOptions {
        demo_data: false,
        env: vec![("DB_MAX_CONNECTIONS", "2"), ("DB_ACQUIRE_TIMEOUT_MS", "300")],
        ..Default::default()
    };
    let server = TestServer::start_with(Backend::Postgres, options).await;
    let pool = server.db.pool().await;
    let mut holder = pool.acquire().await.unwrap();
    sqlx::query("BEGIN").execute(&mut *holder).await.unwrap();
    sqlx::query("LOCK TABLE donors IN ACCESS EXCLUSIVE MODE").execute(&mut *holder).await.unwrap();
    let attempts: Vec<_> = (0..6)
        .map(|i| {
            let (client, url) = (server.client(), server.url("/api/register"));
            let fields = form(&format!("pool-{i}@example.org"), PASSWORD);
            tokio::spawn(async move { client.post(url).form(&fields).send().await.expect("POST") })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    sqlx::query("ROLLBACK").execute(&mut *holder).await.unwrap();
    drop(holder);
    let (mut busy, mut done) = (0, 0i64);
    for attempt in attempts {
        let resp = attempt.await.unwrap();
        match resp.status() {
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(resp.headers()["retry-after"], "2");
                assert!(matches!(resp.json::<AppError>().await.unwrap(), AppError::Unavailable { .. }));
                busy += 1;
            }
            status => {
                assert!(status.is_success() || status.is_redirection(), "neither done nor 503: {status}");
                done += 1;
            }
        }
    }
    assert!(busy >= 1, "some requests found no free connection");
    assert_eq!(
        count(&server, "SELECT COUNT(*) FROM donors").await,
        done,
        "exactly the answered ones, nothing half-written"
    );
}

/// Switching the UI language while logged in makes the donor's future e-mails that language,
/// whatever language the request that causes them is in.
async fn the_language_switch_sets_the_language_of_future_mail(backend: Backend) {
    let server = TestServer::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await;
    post(&server, &server.client(), "register", &form("polyglot@example.org", PASSWORD)).await;
    let welcome = server.delivered("polyglot@example.org", "Подтвердите адрес электронной почты").await;
    let link = link_containing(&welcome.text, "/confirm-email?token=").expect("the link");
    server.client().get(server.url(&path_of(&server, &link))).send().await.unwrap();
    let (donor, _) = login(&server, "polyglot@example.org", PASSWORD).await;
    let switched = donor.get(server.url("/lang/en?next=/cabinet")).send().await.unwrap();
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&server, "SELECT COUNT(*) FROM donors WHERE locale = 'en'").await, 1);
    // Asked for from a browser in Russian, the reset link still comes in English.
    post(&server, &server.client(), "request_password_reset", &[("email", "polyglot@example.org".into())]).await;
    let reset = server.delivered("polyglot@example.org", "Password reset").await;
    assert!(reset.text.starts_with("Hello"), "{}", reset.text);
    // A visitor without a session switching changes nobody's e-mails.
    server.client().get(server.url("/lang/ru")).send().await.unwrap();
    assert_eq!(count(&server, "SELECT COUNT(*) FROM donors WHERE locale = 'en'").await, 1);
}

async fn registration_answers_the_same_for_a_known_address(backend: Backend) {
    let (server, smtp) = start_with_smtp(backend).await;
    let first = post(&server, &server.client(), "register", &form("twice@example.org", PASSWORD)).await;
    let (first_status, first_body) = (first.status(), first.text().await.unwrap());
    let second = post(&server, &server.client(), "register", &form("TWICE@example.org", "another-long-phrase-7")).await;
    assert_eq!(second.status(), first_status);
    assert_eq!(second.text().await.unwrap(), first_body);
    assert_eq!(count(&server, "SELECT COUNT(*) FROM donors").await, 1, "no second account");
    // Only the owner learns of the attempt, by e-mail.
    let mails = smtp.wait_for("twice@example.org", 2, Duration::from_secs(15)).await;
    assert!(mails.iter().any(|m| m.subject.contains("повторной регистрации")), "{mails:?}");
}

async fn login_answers_the_same_for_unknown_address_and_wrong_password(backend: Backend) {
    let (server, smtp) = start_with_smtp(backend).await;
    post(&server, &server.client(), "register", &form("known@example.org", PASSWORD)).await;
    smtp.wait_for("known@example.org", 1, Duration::from_secs(15)).await;
    let wrong = post(
        &server,
        &server.client(),
        "login",
        &[("email", "known@example.org".into()), ("password", "wrong-password-1".into())],
    )
    .await;
    let unknown = post(
        &server,
        &server.client(),
        "login",
        &[("email", "nobody@example.org".into()), ("password", "wrong-password-1".into())],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.status(), wrong.status());
    assert!(wrong.headers().get("set-cookie").is_none());
    assert_eq!(unknown.text().await.unwrap(), wrong.text().await.unwrap());
}

async fn failed_logins_are_throttled(backend: Backend) {
    let server = TestServer::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await;
    let client = server.client();
    let guess = [("email", "target@example.org".to_owned()), ("password", "guess-guess-1".to_owned())];
    let attempt = || post(&server, &client, "login", &guess);
    for _ in 0..5 {
        assert_eq!(attempt().await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let blocked = attempt().await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = blocked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 900, "{retry}");
}

/// 20 failed logins lock out one client address. Behind a trusted proxy that address is the one
/// the proxy names, so one attacker's typos do not lock out everyone the proxy serves; from a
/// peer that is not trusted the header is ignored.
async fn the_proxy_header_is_honoured_only_from_a_trusted_peer(backend: Backend) {
    async fn twenty_failures_then(server: &TestServer, other_client: &'static str) -> StatusCode {
        let client = server.client();
        let attempt = |n: usize, from: &'static str| {
            let form = [("email", format!("nobody{n}@example.org")), ("password", "guess-guess-1".to_owned())];
            client.post(server.url("/api/login")).header("x-forwarded-for", from).form(&form).send()
        };
        for n in 0..20 {
            assert_eq!(attempt(n, "203.0.113.1").await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
        assert_eq!(attempt(20, "203.0.113.1").await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS, "that address");
        attempt(21, other_client).await.unwrap().status()
    }
    let direct = TestServer::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await;
    assert_eq!(
        twenty_failures_then(&direct, "198.51.100.2").await,
        StatusCode::TOO_MANY_REQUESTS,
        "no trusted proxy: the header is the attacker's word, the peer is the client"
    );
    let env = vec![("TRUSTED_PROXIES", "127.0.0.1,::1")];
    let proxied = TestServer::start_with(backend, ServerOptions { demo_data: false, env, ..Default::default() }).await;
    assert_eq!(
        twenty_failures_then(&proxied, "198.51.100.2").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "behind the trusted proxy another client still gets to try"
    );
}

/// The demo accounts (`donor@demo.donor.local` / `demo-donor-passphrase` among them).
async fn demo_accounts(server: &TestServer) {
    let (ok, _, err) = run_cli_with_input(&server.db, &["demo-data", "--days", "1"], "").await;
    assert!(ok, "demo-data: {err}");
}

/// Guesses fired all at once are counted before any is checked: exactly five get an answer.
async fn a_parallel_burst_of_guesses_gets_only_five_answers(backend: Backend) {
    let server = TestServer::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await;
    let client = server.client();
    let guesses = (0..20).map(|n| {
        let form = [("email", "target@example.org".to_owned()), ("password", format!("guess-guess-{n}"))];
        client.post(server.url("/api/login")).form(&form).send()
    });
    let statuses: Vec<StatusCode> =
        futures::future::join_all(guesses).await.into_iter().map(|r| r.unwrap().status()).collect();
    let answered = statuses.iter().filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((answered, refused), (5, 15), "{statuses:?}");
}

/// Wrong guesses from elsewhere lock out the guesser's address, not the owner: the owner logs
/// in from their own address, and a crowd of guessers can only slow them for under a minute.
async fn an_attacker_elsewhere_cannot_lock_the_owner_out(backend: Backend) {
    let env = vec![("TRUSTED_PROXIES", "127.0.0.1,::1")];
    let server = TestServer::start_with(backend, ServerOptions { demo_data: false, env, ..Default::default() }).await;
    demo_accounts(&server).await;
    let try_login = |from: String, password: &'static str| {
        let client = server.client();
        let form = [("email", "donor@demo.donor.local"), ("password", password)];
        let request = client.post(server.url("/api/login")).header("x-forwarded-for", from).form(&form);
        async move { request.send().await.unwrap() }
    };
    for _ in 0..5 {
        assert_eq!(try_login("203.0.113.9".into(), "wrong-guess-1").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(try_login("203.0.113.9".into(), "demo-donor-passphrase").await.status(), StatusCode::TOO_MANY_REQUESTS);
    let owner = try_login("198.51.100.4".into(), "demo-donor-passphrase").await;
    assert!(owner.status().is_success(), "the owner is not locked out: {}", owner.status());
    // Guessers on five more addresses fill the account's minute.
    for n in 0..5 {
        try_login(format!("203.0.113.{}", 20 + n), "wrong-guess-2").await;
    }
    let slowed = try_login("198.51.100.4".into(), "demo-donor-passphrase").await;
    assert_eq!(slowed.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = slowed.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait <= 60, "slowed down by at most a minute, not locked out: {wait} s");
}

/// E-mailed links and registrations are throttled per target address and per client address;
/// password changes per account.
async fn mail_requests_and_password_changes_are_throttled(backend: Backend) {
    let env = vec![("MAIL_LIMIT_PER_ADDRESS", "5")];
    let server = TestServer::start_with(backend, ServerOptions { demo_data: false, env, ..Default::default() }).await;
    demo_accounts(&server).await;
    let client = server.client();
    let forgot = |email: &'static str| {
        let (server, client) = (&server, &client);
        async move { post(server, client, "request_password_reset", &[("email", email.to_owned())]).await }
    };
    for _ in 0..3 {
        assert!(forgot("x@example.org").await.status().is_success());
    }
    let target = forgot("x@example.org").await;
    assert_eq!(target.status(), StatusCode::TOO_MANY_REQUESTS, "three links per address asked for");
    assert!(target.headers().contains_key("retry-after"));
    assert!(forgot("y@example.org").await.status().is_success());
    let registered = post(&server, &client, "register", &form("z@example.org", PASSWORD)).await;
    assert!(registered.status().is_success(), "{}", registered.status());
    let from_here = post(&server, &client, "register", &form("w@example.org", PASSWORD)).await;
    assert_eq!(from_here.status(), StatusCode::TOO_MANY_REQUESTS, "five from this client address");

    let (donor, _) = login(&server, "donor@demo.donor.local", "demo-donor-passphrase").await;
    let change = |current: &'static str| {
        let fields = [
            ("current_password", current.to_owned()),
            ("new_password", "brand-new-phrase-9".to_owned()),
            ("new_password_confirmation", "brand-new-phrase-9".to_owned()),
        ];
        let (server, donor) = (&server, &donor);
        async move { post(server, donor, "change_password", &fields).await }
    };
    for _ in 0..5 {
        assert_eq!(change("not-my-password").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(change("demo-donor-passphrase").await.status(), StatusCode::TOO_MANY_REQUESTS);
}

fn session_cookie(resp: &Response) -> String {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("session="))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .expect("a session cookie")
}

async fn sessions_are_new_at_login_and_dead_after_logout(backend: Backend) {
    let (server, smtp) = start_with_smtp(backend).await;
    post(&server, &server.client(), "register", &form("sess@example.org", PASSWORD)).await;
    smtp.wait_for("sess@example.org", 1, Duration::from_secs(15)).await;
    let creds = [("email", "sess@example.org".to_owned()), ("password", PASSWORD.to_owned())];
    let plain = Client::new();
    let first = session_cookie(&post(&server, &plain, "login", &creds).await);
    assert!(first.len() > 40, "a long random id");
    let profile = |cookie: String| plain.post(server.url("/api/my_profile")).header("cookie", cookie).send();
    assert_eq!(profile(first.clone()).await.unwrap().status(), StatusCode::OK);

    // Logging in again with the old cookie gives a new id and ends the old session.
    let second_resp =
        plain.post(server.url("/api/login")).header("cookie", first.clone()).form(&creds).send().await.unwrap();
    let second = session_cookie(&second_resp);
    assert_ne!(first, second);
    assert_eq!(profile(first.clone()).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(profile(second.clone()).await.unwrap().status(), StatusCode::OK);

    let out = plain.post(server.url("/api/logout")).header("cookie", second.clone()).send().await.unwrap();
    assert!(out.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(profile(second).await.unwrap().status(), StatusCode::UNAUTHORIZED, "a logged-out id is refused");
    assert_eq!(count(&server, "SELECT COUNT(*) FROM sessions").await, 0);
}

async fn registration_reports_every_invalid_field_and_stores_nothing(backend: Backend) {
    let server = TestServer::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await;
    let fields = vec![
        ("email", "not-an-address".to_owned()),
        ("password", "password".to_owned()),
        ("password_confirmation", "password".to_owned()),
        ("donor_code", "AB".to_owned()),
    ];
    let resp = post(&server, &server.client(), "register", &fields).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = validation_errors(resp).await;
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    for expected in ["email", "password", "blood_group", "rh", "kell", "donor_code", "consent"] {
        assert!(fields.contains(&expected), "{expected} missing in {fields:?}");
    }
    let password_message = &errors.iter().find(|e| e.field == "password").unwrap().message;
    assert!(password_message.contains("распространён"), "a common password is refused: {password_message}");

    let mut mismatch = form("mismatch@example.org", "long-enough-phrase");
    mismatch[2].1 = "long-enough-phrasE".to_owned();
    let errors = validation_errors(post(&server, &server.client(), "register", &mismatch).await).await;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "password_confirmation");
    assert_eq!(count(&server, "SELECT COUNT(*) FROM donors").await, 0);
    assert_eq!(count(&server, "SELECT COUNT(*) FROM mail_outbox").await, 0);
}

/// The field errors of a refused form post (the crate's own error type).
async fn validation_errors(resp: Response) -> Vec<donor_booking::error::FieldError> {
    match resp.json::<AppError>().await.expect("an AppError") {
        AppError::Validation { errors } => errors,
        other => panic!("not a validation error: {other:?}"),
    }
}

async fn the_cabinet_needs_a_login(backend: Backend) {
    let server = TestServer::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await;
    let resp = server.client().get(server.url("/cabinet")).header("accept", "text/html").send().await.unwrap();
    assert!(resp.status().is_redirection(), "{}", resp.status());
    assert_eq!(resp.headers()["location"], "/login?next=/cabinet", "and back to the cabinet after");
    let api = server.client().post(server.url("/api/my_profile")).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
}

/// Registers and confirms a donor through the e-mailed link.
async fn confirmed_donor(server: &TestServer, smtp: &SmtpSink, email: &str) {
    post(server, &server.client(), "register", &form(email, PASSWORD)).await;
    let mail = smtp.wait_for(email, 1, Duration::from_secs(15)).await.remove(0);
    let link = link_containing(&mail.text, "token=").unwrap();
    server.client().get(server.url(&path_of(server, &link))).send().await.unwrap();
}

async fn logged_in(server: &TestServer, email: &str, password: &str) -> Client {
    let client = server.client();
    let resp = post(server, &client, "login", &[("email", email.into()), ("password", password.into())]).await;
    assert_eq!(resp.status(), StatusCode::OK, "login");
    client
}

async fn donor_code_and_password_can_be_changed(backend: Backend) {
    let (server, smtp) = start_with_smtp(backend).await;
    confirmed_donor(&server, &smtp, "change@example.org").await;
    let phone = logged_in(&server, "change@example.org", PASSWORD).await;
    let laptop = logged_in(&server, "change@example.org", PASSWORD).await;

    let resp = post(&server, &phone, "change_donor_code", &[("donor_code", " zz9876 ".into())]).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let profile = Api::from_client(&server.base, phone.clone()).call(MyProfile {}).await.unwrap();
    assert_eq!(profile.donor_code, "ZZ9876");
    let bad = post(&server, &phone, "change_donor_code", &[("donor_code", "Z-1".into())]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let change = |current: &str, new: &str| {
        vec![
            ("current_password", current.to_owned()),
            ("new_password", new.to_owned()),
            ("new_password_confirmation", new.to_owned()),
        ]
    };
    let wrong = post(&server, &phone, "change_password", &change("not-my-password", "brand-new-phrase-3")).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().await.unwrap().contains("current_password"));
    let ok = post(&server, &phone, "change_password", &change(PASSWORD, "brand-new-phrase-3")).await;
    assert_eq!(ok.status(), StatusCode::OK);

    // The other session ended; this one goes on; only the new password works.
    assert_eq!(laptop.post(server.url("/api/my_profile")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(phone.post(server.url("/api/my_profile")).send().await.unwrap().status(), StatusCode::OK);
    let old = post(
        &server,
        &server.client(),
        "login",
        &[("email", "change@example.org".into()), ("password", PASSWORD.into())],
    )
    .await;
    assert_eq!(old.status(), StatusCode::UNPROCESSABLE_ENTITY);
    logged_in(&server, "change@example.org", "brand-new-phrase-3").await;
}

async fn password_reset_by_email(backend: Backend) {
    let (server, smtp) = start_with_smtp(backend).await;
    confirmed_donor(&server, &smtp, "forgot@example.org").await;
    let session = logged_in(&server, "forgot@example.org", PASSWORD).await;

    let known =
        post(&server, &server.client(), "request_password_reset", &[("email", "forgot@example.org".into())]).await;
    let unknown =
        post(&server, &server.client(), "request_password_reset", &[("email", "ghost@example.org".into())]).await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap(), "the same answer for any address");
    let mails = smtp.wait_for("forgot@example.org", 2, Duration::from_secs(15)).await;
    let link = mails.iter().find_map(|m| link_containing(&m.text, "/password/reset?token=")).expect("reset link");
    assert!(smtp.received().iter().all(|m| m.to != "ghost@example.org"));
    let token = link.split("token=").nth(1).unwrap().to_owned();

    let reset = |token: String| {
        let fields = vec![
            ("token", token),
            ("password", "after-reset-phrase-8".to_owned()),
            ("password_confirmation", "after-reset-phrase-8".to_owned()),
        ];
        server.client().post(server.url("/api/reset_password")).form(&fields).send()
    };
    let done = reset(token.clone()).await.unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    assert!(done.headers().get("set-cookie").is_none(), "no automatic login after a reset");
    assert_eq!(session.post(server.url("/api/my_profile")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    logged_in(&server, "forgot@example.org", "after-reset-phrase-8").await;

    let reused = reset(token).await.unwrap();
    assert_eq!(reused.status(), StatusCode::UNPROCESSABLE_ENTITY, "single use");
    assert!(reused.text().await.unwrap().contains("token"));
}

/// Staff reset their own password by e-mail too; the new password is their own, so a
/// must-change flag an admin set clears, and a disabled account gets no link.
async fn staff_reset_their_password_by_email(backend: Backend) {
    let (server, smtp) = start_with_smtp(backend).await;
    let email = "registrar@centre.example";
    let desk =
        Api::from_client(&server.base, staff_session(&server, email, "registrar", "registrar-long-phrase-1").await);
    let args = ["staff", "add", "--email", "gone@centre.example", "--role", "planner"];
    assert!(run_cli_with_input(&server.db, &args, "planner-long-phrase-1\n").await.0);
    let pool = server.db.pool().await;
    sqlx::query("UPDATE staff SET must_change_password = TRUE WHERE email = $1")
        .bind(email)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE staff SET disabled_at = CURRENT_TIMESTAMP WHERE email = 'gone@centre.example'")
        .execute(&pool)
        .await
        .unwrap();

    for address in [email, "gone@centre.example"] {
        let asked = post(&server, &server.client(), "request_password_reset", &[("email", address.into())]).await;
        assert_eq!(asked.status(), StatusCode::OK);
    }
    let mails = smtp.wait_for(email, 1, Duration::from_secs(15)).await;
    let link = mails.iter().find_map(|m| link_containing(&m.text, "/password/reset?token=")).expect("reset link");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let fields = vec![
        ("token", token),
        ("password", "registrar-own-phrase-2".to_owned()),
        ("password_confirmation", "registrar-own-phrase-2".to_owned()),
    ];
    let done = server.client().post(server.url("/api/reset_password")).form(&fields).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    let queue = ModerationQueue { status: None, date: None, donation_type: None, after: None };
    assert_eq!(desk.call(queue.clone()).await, Err(AppError::Unauthorized), "the old session ended");
    let (client, landing) = login(&server, email, "registrar-own-phrase-2").await;
    assert_eq!(landing, "/staff/moderation", "a password they chose: no change required");
    assert!(Api::from_client(&server.base, client).call(queue).await.is_ok());
    assert!(smtp.received().iter().all(|m| m.to != "gone@centre.example"), "no link for a disabled account");
}

on_both_backends!(
    donor_code_and_password_can_be_changed,
    password_reset_by_email,
    staff_reset_their_password_by_email,
    registration_mail_confirms_and_login_shows_the_profile,
    expired_link_is_refused_and_a_new_one_works,
    mail_waits_out_an_smtp_outage_and_is_sent_once,
    a_stalled_relay_costs_one_attempt_and_the_mail_still_arrives_once,
    a_temporary_refusal_is_retried_and_a_permanent_one_fails_at_once,
    a_sent_mail_leaves_no_body_behind,
    the_daily_job_purges_what_is_kept_only_for_a_while,
    the_language_switch_sets_the_language_of_future_mail,
    registration_answers_the_same_for_a_known_address,
    login_answers_the_same_for_unknown_address_and_wrong_password,
    failed_logins_are_throttled,
    the_proxy_header_is_honoured_only_from_a_trusted_peer,
    a_parallel_burst_of_guesses_gets_only_five_answers,
    an_attacker_elsewhere_cannot_lock_the_owner_out,
    mail_requests_and_password_changes_are_throttled,
    sessions_are_new_at_login_and_dead_after_logout,
    registration_reports_every_invalid_field_and_stores_nothing,
    the_cabinet_needs_a_login,
);
