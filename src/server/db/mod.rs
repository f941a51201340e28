//! Database access. SQLite is the embedded default, PostgreSQL is chosen by a `postgres://` URL.
//! Store modules write portable SQL (`$1` parameters work on both); the dialect differences
//! live here: connection options, migrations and how a write transaction begins.

pub mod accounts;
mod booking_postgres;
pub mod bookings;
pub mod cells;
pub mod donors;
pub mod housekeeping;
pub mod intervals;
pub mod moderation;
pub mod notices;
pub mod places;
pub mod planning;
pub mod privacy;
pub mod security;

use anyhow::{bail, Context};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same code against whichever pool is configured; each arm is type-checked
/// for its own database.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::server::db::Db::Sqlite($pool) => $body,
            $crate::server::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` inside a write transaction bound to `$tx` and commits it; an early return
/// (`?`) drops the transaction, which rolls it back. SQLite takes the write lock at BEGIN
/// (IMMEDIATE), so concurrent writers queue on busy_timeout instead of failing mid-way.
macro_rules! in_write_tx {
    ($db:expr, $tx:ident => $body:expr) => {
        $crate::server::db::in_write_tx_keep_if!($db, |_: &_| true, $tx => $body)
    };
}

/// Like `in_write_tx!`, but commits only when `$keep(&out)` holds and rolls back otherwise:
/// for transactions whose refusals are values (a full time, a rule) rather than errors.
macro_rules! in_write_tx_keep_if {
    ($db:expr, $keep:expr, $tx:ident => $body:expr) => {
        match $db {
            $crate::server::db::Db::Sqlite(pool) => {
                let mut $tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let out = $body;
                if $keep(&out) {
                    $tx.commit().await?
                } else {
                    $tx.rollback().await?
                }
                out
            }
            $crate::server::db::Db::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                let out = $body;
                if $keep(&out) {
                    $tx.commit().await?
                } else {
                    $tx.rollback().await?
                }
                out
            }
        }
    };
}

pub(crate) use {in_write_tx, in_write_tx_keep_if, on_pool};

/// How a server's pool is sized and how long a request waits (`Settings`); past a wait the
/// request answers 503 (`server::errors`).
#[derive(Clone, Debug)]
pub struct PoolTuning {
    /// How long an SQLite writer waits for another one.
    pub sqlite_busy_timeout: Duration,
    /// Pooled connections; `None`: 16 on PostgreSQL, 8 on SQLite (one writer at a time anyway).
    pub max_connections: Option<u32>,
    /// How long a request waits for a free connection; `None`: 5 s on PostgreSQL, 10 s on SQLite.
    pub acquire_timeout: Option<Duration>,
}

impl Default for PoolTuning {
    fn default() -> Self {
        PoolTuning { sqlite_busy_timeout: Duration::from_secs(10), max_connections: None, acquire_timeout: None }
    }
}

/// A pooled connection idle longer than this is pinged before use (a database restarted in a
/// quiet moment costs no request); a busy pool's connections are not. sqlx pings by default
/// on every checkout: one more round trip per statement under a crowd (it also pings on every
/// release, which no option turns off). One that died while in use fails its statement and
/// is closed on release.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

async fn ping_if_idle<C: sqlx::Connection>(
    conn: &mut C,
    meta: sqlx::pool::PoolConnectionMetadata,
) -> Result<bool, sqlx::Error> {
    if meta.idle_for > PING_AFTER_IDLE {
        conn.ping().await?;
    }
    Ok(true)
}

impl Db {
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        Db::connect_with(url, &PoolTuning::default()).await
    }

    pub async fn connect_with(url: &str, tuning: &PoolTuning) -> anyhow::Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .test_before_acquire(false)
                .before_acquire(|conn, meta| Box::pin(ping_if_idle(conn, meta)))
                .max_connections(tuning.max_connections.unwrap_or(16))
                .acquire_timeout(tuning.acquire_timeout.unwrap_or(Duration::from_secs(5)))
                .connect(url)
                .await
                .context("cannot connect to PostgreSQL")?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .context("invalid SQLite URL")?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(tuning.sqlite_busy_timeout);
            if let Some(dir) = options.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            }
            let pool = SqlitePoolOptions::new()
                .test_before_acquire(false)
                .before_acquire(|conn, meta| Box::pin(ping_if_idle(conn, meta)))
                .max_connections(tuning.max_connections.unwrap_or(8))
                .acquire_timeout(tuning.acquire_timeout.unwrap_or(Duration::from_secs(10)))
                .connect_with(options)
                .await
                .context("cannot open the SQLite database")?;
            Ok(Db::Sqlite(pool))
        } else {
            bail!("DATABASE_URL must start with sqlite: or postgres://")
        }
    }

    /// The pool's size.
    pub fn max_connections(&self) -> u32 {
        on_pool!(self, pool => pool.options().get_max_connections())
    }

    /// How long a request waits for a pooled connection.
    pub fn acquire_timeout(&self) -> Duration {
        on_pool!(self, pool => pool.options().get_acquire_timeout())
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> bool {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.is_ok())
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }
}

/// Reads a stored code back into its domain type; an unknown code is corrupt data.
pub fn decode<T: crate::domain::Coded>(code: &str) -> Result<T, sqlx::Error> {
    T::from_code(code).ok_or_else(|| sqlx::Error::Decode(format!("unknown code {code:?}").into()))
}

/// Writes this instance's readiness row (and drops rows of instances gone for a day): fails
/// when the database cannot take a write (a full disk, a read-only file, a lock held too long).
pub async fn probe_write(db: &Db, instance: &str, now: chrono::DateTime<chrono::Utc>) -> Result<(), sqlx::Error> {
    let stale = now - chrono::Duration::days(1);
    on_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO readiness_probe (instance, checked_at) VALUES ($1, $2) \
             ON CONFLICT (instance) DO UPDATE SET checked_at = excluded.checked_at",
        )
        .bind(instance).bind(now).execute(pool).await?;
        sqlx::query("DELETE FROM readiness_probe WHERE checked_at < $1").bind(stale).execute(pool).await?;
    });
    Ok(())
}
