//! Command line and configuration: every flag has an environment fallback.

use chrono_tz::Tz;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;

#[derive(Parser, Debug)]
#[command(name = "donor-booking", version, about = "Online appointment system of a regional blood centre")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: Settings,
}

#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// Apply migrations and serve the site (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage staff accounts.
    Staff {
        #[command(subcommand)]
        action: StaffCommand,
    },
    /// Manage donation places (admins can also do it on /staff/places).
    Place {
        #[command(subcommand)]
        action: PlaceCommand,
    },
    /// Fill the coming days with realistic cells and needs (idempotent).
    DemoData {
        /// How many days ahead, starting today.
        #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=60))]
        days: u32,
        /// Do not create the demo accounts (one per role), only cells.
        #[arg(long)]
        no_accounts: bool,
    },
    /// Delete bookings dated more than ten days ago now (R6; the server also does it daily).
    Purge,
    /// Queue the visit reminders due now and the alerts of cells opened since (the server also
    /// does it every minute); prints how many. Safe to run alongside running servers.
    Notify,
}

#[derive(Subcommand, Debug, Clone)]
pub enum StaffCommand {
    /// Create a staff account; the password is asked for (or read from standard input).
    Add {
        /// The staff member's e-mail address (their login).
        #[arg(long)]
        email: String,
        /// registrar, planner or admin.
        #[arg(long, value_parser = parse_role)]
        role: crate::domain::account::StaffRole,
    },
}

#[derive(Subcommand, Debug, Clone)]
pub enum PlaceCommand {
    /// Add a place where donations happen.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        address: String,
        /// Opening hours in words, e.g. "пн–пт 8:00–14:00".
        #[arg(long, default_value = "")]
        hours: String,
        /// A note for donors (entrance, parking).
        #[arg(long, default_value = "")]
        note: String,
    },
    /// List every place with its id, cells and whether it is archived.
    List,
    /// Archive a place by name: it takes no new cells (a place with cells is never deleted).
    Archive {
        #[arg(long)]
        name: String,
        /// Bring an archived place back instead.
        #[arg(long)]
        restore: bool,
    },
}

fn parse_role(value: &str) -> Result<crate::domain::account::StaffRole, String> {
    use crate::domain::Coded;
    crate::domain::account::StaffRole::from_code(value).ok_or_else(|| "expected registrar, planner or admin".to_owned())
}

/// What a registrar's booking for a caller becomes (`CALLER_BOOKING`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CallerBooking {
    /// Moderated like a donor's own booking.
    Pending,
    /// Approved at once by the registrar who made it.
    Approved,
}

#[derive(Args, Debug, Clone)]
pub struct Settings {
    /// Database: `sqlite://path` (created on first run) or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/donor.db", global = true)]
    pub database_url: String,
    /// Address and port to listen on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000", global = true)]
    pub site_addr: SocketAddr,
    /// Public base URL used in e-mails and for the origin check; defaults to http://<site-addr>.
    #[arg(long, env = "PUBLIC_URL", global = true, value_parser = parse_public_url)]
    pub public_url: Option<String>,
    /// The centre's time zone (IANA name): days and times are local to it.
    #[arg(long, env = "CENTRE_TIME_ZONE", default_value = "Europe/Moscow", global = true, value_parser = parse_time_zone)]
    pub time_zone: Tz,
    #[command(flatten)]
    pub centre: CentreSettings,
    #[command(flatten)]
    pub mail: MailSettings,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` names the client (comma-separated
    /// addresses or networks, e.g. `127.0.0.1,10.0.0.0/8`). Empty: the TCP peer is the client.
    #[arg(long, env = "TRUSTED_PROXIES", global = true, value_delimiter = ',', value_parser = super::client_addr::parse_trusted)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Connections served at once; past it new ones wait in the kernel's backlog (keep it
    /// below the process's file-descriptor limit, `ulimit -n`).
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 800, global = true)]
    pub max_connections: usize,
    /// Seconds a client has to send a request's headers; a slower one is disconnected.
    #[arg(long, env = "HEADER_READ_TIMEOUT_SECS", default_value_t = 10, global = true)]
    pub header_read_timeout_secs: u64,
    /// Seconds a request (reading its body and answering) may take before 408; `/events`
    /// streams are exempt.
    #[arg(long, env = "REQUEST_TIMEOUT_SECS", default_value_t = 30, global = true)]
    pub request_timeout_secs: u64,
    /// Live-event streams one session may hold open at once (one per open tab); more get 429.
    #[arg(long, env = "MAX_STREAMS_PER_SESSION", default_value_t = 10, global = true)]
    pub max_streams_per_session: usize,
    /// Pages and server-function calls served at once (default twice the database pool); the
    /// rest wait their turn in arrival order, and one waiting longer than the pool's acquire
    /// timeout is answered 503 with Retry-After. Live-event streams and static files never wait.
    #[arg(long, env = "REQUESTS_AT_ONCE", global = true)]
    pub requests_at_once: Option<usize>,
    /// Database connections in this instance's pool (default 16 on PostgreSQL, 8 on SQLite).
    #[arg(long, env = "DB_MAX_CONNECTIONS", global = true)]
    pub db_max_connections: Option<u32>,
    /// How long (ms) a request waits for a free database connection before it is answered 503
    /// with Retry-After (default 5000 on PostgreSQL, 10000 on SQLite).
    #[arg(long, env = "DB_ACQUIRE_TIMEOUT_MS", global = true)]
    pub db_acquire_timeout_ms: Option<u64>,
    /// How long (ms) an SQLite write waits for another writer before the request is answered
    /// 503 with Retry-After (the database stays consistent either way).
    #[arg(long, env = "SQLITE_BUSY_TIMEOUT_MS", default_value_t = 10_000, global = true)]
    pub sqlite_busy_timeout_ms: u64,
    /// On SIGTERM the server stops accepting, ends event streams, lets requests and the mail
    /// worker finish, and exits after this many seconds at the latest.
    #[arg(long, env = "SHUTDOWN_DEADLINE_SECS", default_value_t = 10, global = true)]
    pub shutdown_deadline_secs: u64,
    /// Registrations and e-mailed links (confirmation, password reset) one client address may ask
    /// for in 15 minutes. Raise it where many people share one address (a hospital's network).
    #[arg(long, env = "MAIL_LIMIT_PER_ADDRESS", default_value_t = 10, global = true)]
    pub mail_limit_per_address: usize,
    /// The largest request body accepted, in bytes; a larger one is answered 413. Every form of
    /// the app is a few kilobytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 256 * 1024, global = true)]
    pub max_body_bytes: usize,
    /// A booking a registrar makes for a caller: left `pending` for moderation as usual, or
    /// `approved` at once (the registrar has checked the donor on the phone).
    #[arg(long, env = "CALLER_BOOKING", value_enum, default_value = "pending", global = true)]
    pub caller_booking: CallerBooking,
    /// The centre's local hour (0–23) from which the day before a visit its reminder is sent.
    #[arg(long, env = "REMINDER_HOUR", default_value_t = crate::domain::notices::DEFAULT_REMINDER_HOUR, global = true,
          value_parser = clap::value_parser!(u32).range(0..=23))]
    pub reminder_hour: u32,
    /// Tests only: read "now" from this file (an RFC 3339 instant) instead of the system clock.
    #[arg(long, env = "TEST_CLOCK_FILE", hide = true, global = true)]
    pub test_clock_file: Option<std::path::PathBuf>,
    /// Log filter, e.g. `info` or `donor_booking=debug,info`.
    #[arg(long, env = "LOG_LEVEL", default_value = "info", global = true)]
    pub log_level: String,
}

/// The centre as donors see it (header, footer, e-mails, rejection texts). Unset, a neutral
/// «Центр крови» is shown.
#[derive(Args, Debug, Clone, Default)]
pub struct CentreSettings {
    /// Full official name, e.g. 'ГБУЗ МО "МОЦК"' (named in the rejection reason «Другие причины…»).
    #[arg(long, env = "CENTRE_NAME", default_value = "", global = true)]
    pub centre_name: String,
    /// Short name for the header, e.g. МОЦК.
    #[arg(long, env = "CENTRE_SHORT_NAME", default_value = "", global = true)]
    pub centre_short_name: String,
    /// The registry's phone number, given to donors after a rejection.
    #[arg(long, env = "CENTRE_PHONE", default_value = "", global = true)]
    pub centre_phone: String,
    /// The centre's address.
    #[arg(long, env = "CENTRE_ADDRESS", default_value = "", global = true)]
    pub centre_address: String,
    /// Opening hours in words, e.g. "пн–пт 8:00–14:00".
    #[arg(long, env = "CENTRE_HOURS", default_value = "", global = true)]
    pub centre_hours: String,
}

impl CentreSettings {
    pub fn centre(&self) -> crate::domain::centre::Centre {
        let clean = |s: &String| s.trim().chars().take(200).collect::<String>();
        crate::domain::centre::Centre {
            full_name: clean(&self.centre_name),
            short_name: clean(&self.centre_short_name),
            phone: clean(&self.centre_phone),
            address: clean(&self.centre_address),
            hours: clean(&self.centre_hours),
        }
    }
}

/// Where e-mail goes. Without `--smtp-host`, messages are written as `.eml` files to
/// `--mail-dir` and announced on the console (the zero-configuration default).
#[derive(Args, Clone)]
pub struct MailSettings {
    /// SMTP server host; enables SMTP delivery.
    #[arg(long, env = "SMTP_HOST", global = true)]
    pub smtp_host: Option<String>,
    /// SMTP port.
    #[arg(long, env = "SMTP_PORT", default_value_t = 587, global = true)]
    pub smtp_port: u16,
    /// SMTP transport security.
    #[arg(long, env = "SMTP_SECURITY", value_enum, default_value = "starttls", global = true)]
    pub smtp_security: crate::server::mail::transport::SmtpSecurity,
    /// SMTP user name (with --smtp-password).
    #[arg(long, env = "SMTP_USERNAME", global = true)]
    pub smtp_username: Option<String>,
    /// SMTP password.
    #[arg(long, env = "SMTP_PASSWORD", global = true, hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// The From address of every e-mail.
    #[arg(long, env = "MAIL_FROM", default_value = "Центр крови <no-reply@localhost>", global = true)]
    pub mail_from: String,
    /// Directory of `.eml` files when no SMTP host is set.
    #[arg(long, env = "MAIL_DIR", default_value = "data/outbox", global = true)]
    pub mail_dir: std::path::PathBuf,
    /// The longest one SMTP delivery may take, connecting to QUIT, before it counts as a failed
    /// attempt (a relay that accepts and then stalls).
    #[arg(long, env = "SMTP_TIMEOUT_SECS", default_value_t = 10, global = true,
          value_parser = clap::value_parser!(u32).range(1..=60))]
    pub smtp_timeout_secs: u32,
    /// First retry delay of a failed delivery in seconds; it doubles per attempt (max 15 min).
    #[arg(long, env = "MAIL_RETRY_BASE_SECS", default_value_t = 5, global = true)]
    pub mail_retry_base_secs: u32,
}

impl MailSettings {
    pub fn send_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.smtp_timeout_secs))
    }
}

/// Never prints the SMTP password.
impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_security", &self.smtp_security)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &self.smtp_password.as_ref().map(|_| "***"))
            .field("mail_from", &self.mail_from)
            .field("mail_dir", &self.mail_dir)
            .field("smtp_timeout_secs", &self.smtp_timeout_secs)
            .finish()
    }
}

impl Settings {
    pub fn header_read_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.header_read_timeout_secs.max(1))
    }

    pub fn request_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.request_timeout_secs.max(1))
    }

    pub fn pool_tuning(&self) -> crate::server::db::PoolTuning {
        crate::server::db::PoolTuning {
            sqlite_busy_timeout: std::time::Duration::from_millis(self.sqlite_busy_timeout_ms),
            max_connections: self.db_max_connections,
            acquire_timeout: self.db_acquire_timeout_ms.map(std::time::Duration::from_millis),
        }
    }

    pub fn shutdown_deadline(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.shutdown_deadline_secs)
    }

    /// The public origin without a trailing slash, e.g. `https://donor.example.org`.
    pub fn public_url(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.site_addr))
    }

    pub fn is_https(&self) -> bool {
        self.public_url().starts_with("https://")
    }
}

fn parse_time_zone(value: &str) -> Result<Tz, String> {
    value.parse::<Tz>().map_err(|_| format!("unknown time zone {value:?}; use an IANA name like Europe/Moscow"))
}

fn parse_public_url(value: &str) -> Result<String, String> {
    let trimmed = value.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or("must start with http:// or https://")?;
    if rest.is_empty() || rest.contains(['?', '#', ' ']) {
        return Err("must be a base URL like https://donor.example.org".into());
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_is_normalised_and_checked() {
        assert_eq!(parse_public_url("https://d.example.org/").unwrap(), "https://d.example.org");
        assert!(parse_public_url("ftp://x").is_err());
        assert!(parse_public_url("https://").is_err());
    }

    #[test]
    fn defaults_apply_without_flags() {
        let cli = Cli::try_parse_from(["donor-booking"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.settings.time_zone, chrono_tz::Europe::Moscow);
        assert!(!cli.settings.is_https());
    }
}
