//! Test harness, shared by the integration tests and the benchmark: starts the real server
//! binary on a random port against a fresh database (a new SQLite file, or a new PostgreSQL
//! database) and tears both down afterwards; a typed client of the server functions; the
//! live-event subscription; fixtures for cells and donors.

#![allow(dead_code)] // the tests and the benchmark each use a different part of the harness

pub mod api;
pub mod fixture;
pub mod live;
pub mod smtp;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the test PostgreSQL answers; `scripts/test` sets it (starting a private cluster when
/// none runs on 127.0.0.1:5432). Without it the machine's default is tried.
fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh, empty database of the given backend, dropped with the value.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl TestDb {
    pub async fn create(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("donor.db").display());
                TestDb { backend, url, _dir: Some(dir), pg_name: None }
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let name = format!("donor_test_{}", rand::random::<u64>());
                let mut conn = connect_pg_admin(&admin).await;
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("CREATE DATABASE");
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin).to_owned();
                TestDb { backend, url: format!("{base}/{name}"), _dir: None, pg_name: Some(name) }
            }
        }
    }

    /// A direct connection, for checking what the server stored.
    pub async fn pool(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::pool::PoolOptions::<sqlx::Any>::new()
            .max_connections(2)
            .connect(&self.url)
            .await
            .expect("connect to test database")
    }
}

async fn connect_pg_admin(admin: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    match sqlx::PgConnection::connect(admin).await {
        Ok(conn) => conn,
        Err(err) => panic!(
            "PostgreSQL is needed for these tests and is not reachable at {admin}: {err}. \
             Run scripts/test, which provides one (TEST_POSTGRES_URL)."
        ),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            let admin = postgres_admin_url();
            // Drop runs outside the test's runtime: use a small one of its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async {
                    let mut conn = connect_pg_admin(&admin).await;
                    let _ =
                        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
                });
            })
            .join();
        }
    }
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_donor-booking"))
}

/// Runs a CLI subcommand of the server binary against a database and returns its stdout.
pub async fn run_cli(db: &TestDb, args: &[&str]) -> String {
    let output = Command::new(binary())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("LOG_LEVEL", "warn")
        .output()
        .await
        .expect("run donor-booking");
    assert!(output.status.success(), "donor-booking {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs a CLI subcommand with `input` on its standard input; returns (success, stdout, stderr).
pub async fn run_cli_with_input(db: &TestDb, args: &[&str], input: &str) -> (bool, String, String) {
    use tokio::io::AsyncWriteExt;
    let mut child = Command::new(binary())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("LOG_LEVEL", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run donor-booking");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).await.expect("write stdin");
    let output = child.wait_with_output().await.expect("wait");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The real server, listening on a random port of 127.0.0.1.
pub struct TestServer {
    pub base: String,
    pub db: TestDb,
    /// Where mail goes when no SMTP port is given (the `.eml` directory transport).
    pub mail_dir: tempfile::TempDir,
    /// Holds the file the server reads "now" from (see [`TestServer::set_clock`]).
    clock_dir: tempfile::TempDir,
    smtp_port: Option<u16>,
    child: Child,
}

pub struct ServerOptions {
    pub demo_data: bool,
    pub public_url: Option<String>,
    /// Deliver mail over SMTP to 127.0.0.1:<port> (plain, no TLS).
    pub smtp_port: Option<u16>,
    /// More settings for the server, e.g. the centre's name.
    pub env: Vec<(&'static str, &'static str)>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions { demo_data: true, public_url: None, smtp_port: None, env: Vec::new() }
    }
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        TestServer::start_with(backend, ServerOptions::default()).await
    }

    pub async fn start_with(backend: Backend, options: ServerOptions) -> TestServer {
        let db = TestDb::create(backend).await;
        if options.demo_data {
            run_cli(&db, &["demo-data", "--days", "7", "--no-accounts"]).await;
        }
        let mail_dir = tempfile::tempdir().expect("mail dir");
        let clock_dir = tempfile::tempdir().expect("clock dir");
        let (base, child) = spawn_serve(
            &db.url,
            mail_dir.path(),
            &clock_dir,
            options.public_url.as_deref(),
            options.smtp_port,
            &options.env,
        );
        let server = TestServer { base, db, mail_dir, clock_dir, smtp_port: options.smtp_port, child };
        server.wait_until_healthy().await;
        server
    }

    async fn wait_until_healthy(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(resp) = client.get(format!("{}/healthz", self.base)).send().await {
                if resp.status().is_success() {
                    return;
                }
            }
            assert!(Instant::now() < deadline, "server did not become healthy at {}", self.base);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// From now on the server (and its siblings) read this instant as "now": an injected
    /// clock for the rules that read the time. Sessions idle out as they would.
    pub fn set_clock(&self, now: chrono::DateTime<chrono::Utc>) {
        std::fs::write(clock_file(&self.clock_dir), now.to_rfc3339()).expect("write the clock file");
    }

    /// The e-mails the file transport wrote (no SMTP port given): once sent, the outbox keeps
    /// no body, so tests read what the donor received. Waits until one to `to` with `subject`
    /// is there.
    pub async fn delivered(&self, to: &str, subject: &str) -> smtp::Received {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let found =
                smtp::read_maildir(self.mail_dir.path()).into_iter().find(|m| m.to == to && m.subject == subject);
            if let Some(mail) = found {
                return mail;
            }
            assert!(Instant::now() < deadline, "no e-mail «{subject}» to {to} was delivered");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sends the server SIGTERM (a deploy or a scale-down asking it to stop).
    pub fn terminate(&self) {
        let pid = self.child.id().expect("the server is running");
        let sent = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().expect("kill");
        assert!(sent.success(), "SIGTERM not delivered");
    }

    /// The exit status, if the process exits within `within`.
    pub async fn exited_within(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        tokio::time::timeout(within, self.child.wait()).await.ok().and_then(Result::ok)
    }

    /// SIGKILL: the process dies at once, in the middle of whatever it was doing.
    pub fn kill_now(&mut self) {
        let _ = self.child.start_kill();
    }

    /// Starts the server again (a new port) on the same database, mail directory and clock.
    pub async fn restart(&mut self) {
        let _ = self.child.wait().await;
        let (base, child) = spawn_serve(&self.db.url, self.mail_dir.path(), &self.clock_dir, None, self.smtp_port, &[]);
        (self.base, self.child) = (base, child);
        self.wait_until_healthy().await;
    }

    /// Stops the server process; the database stays until the value is dropped.
    pub async fn stop(&mut self) {
        let _ = self.child.kill().await;
    }

    /// The server's process id (the benchmark reads its CPU time and memory).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client as a browser would be: cookies kept, redirects not followed (tests look at them).
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    pub async fn get_html(&self, path: &str) -> String {
        let resp = self.client().get(self.url(path)).send().await.expect("GET");
        assert!(resp.status().is_success(), "GET {path}: {}", resp.status());
        resp.text().await.expect("body")
    }
}

/// Starts `donor-booking serve` on a free port; returns its base URL and the process.
fn clock_file(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("now")
}

fn spawn_serve(
    db_url: &str,
    mail_dir: &Path,
    clock_dir: &tempfile::TempDir,
    public_url: Option<&str>,
    smtp_port: Option<u16>,
    env: &[(&str, &str)],
) -> (String, Child) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut command = Command::new(binary());
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("serve")
        .env("DATABASE_URL", db_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LOG_LEVEL", "warn,donor_booking::server::serve=error")
        .env("MAIL_DIR", mail_dir)
        .env("MAIL_RETRY_BASE_SECS", "1")
        .env("TEST_CLOCK_FILE", clock_file(clock_dir))
        .env("PUBLIC_URL", public_url.unwrap_or(&base))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    command.envs(env.iter().copied());
    if let Some(smtp_port) = smtp_port {
        command.env("SMTP_HOST", "127.0.0.1").env("SMTP_PORT", smtp_port.to_string()).env("SMTP_SECURITY", "none");
    }
    (base, command.spawn().expect("start donor-booking serve"))
}

/// A second server process on the same database (several instances behind a balancer).
pub struct Sibling {
    pub base: String,
    _child: Child,
}

impl Sibling {
    /// The process id of this instance (the benchmark reads its CPU time and memory).
    pub fn pid(&self) -> Option<u32> {
        self._child.id()
    }
}

impl TestServer {
    pub async fn sibling(&self) -> Sibling {
        let (base, child) = spawn_serve(&self.db.url, self.mail_dir.path(), &self.clock_dir, None, self.smtp_port, &[]);
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !client.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            assert!(Instant::now() < deadline, "second instance did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Sibling { base, _child: child }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// Declares one test per backend from an `async fn(Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() { super::$name($crate::support::Backend::Sqlite).await }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() { super::$name($crate::support::Backend::Postgres).await }
            )+
        }
    };
}

/// Logs in through the server function; returns the client (cookie kept) and where login
/// sent it.
pub async fn login(server: &TestServer, email: &str, password: &str) -> (reqwest::Client, String) {
    let client = server.client();
    let resp = client
        .post(server.url("/api/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .expect("POST /api/login");
    assert!(resp.status().is_success(), "login {email}: {}", resp.status());
    let to = resp.headers().get("location").map(|v| v.to_str().unwrap_or_default().to_owned()).unwrap_or_default();
    (client, to)
}

/// A staff member logged in at the server's current clock (see [`TestServer::set_clock`]): the
/// account is created with the CLI the first time, and logged in again on every call.
pub async fn staff_api(server: &TestServer, email: &str, role: &str, password: &str) -> api::Api {
    let args = ["staff", "add", "--email", email, "--role", role];
    let (ok, _, err) = run_cli_with_input(&server.db, &args, &format!("{password}\n")).await;
    assert!(ok || err.contains("already has a staff account"), "staff add {email}: {err}");
    api::Api::from_client(&server.base, login(server, email, password).await.0)
}

/// Creates a staff account with the CLI and logs it in.
pub async fn staff_session(server: &TestServer, email: &str, role: &str, password: &str) -> reqwest::Client {
    let (ok, _, err) =
        run_cli_with_input(&server.db, &["staff", "add", "--email", email, "--role", role], &format!("{password}\n"))
            .await;
    assert!(ok, "staff add {email}: {err}");
    login(server, email, password).await.0
}
