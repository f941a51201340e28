//! Sessions kept in the database: the cookie holds a random secret, the table its hash.
//! Idle expiry 30 minutes, absolute 12 hours; logout deletes the row, so a copied cookie dies too.

use super::tokens::{hash_secret, new_secret};
use crate::domain::account::{AccountId, Principal, StaffRole};
use crate::server::db::{decode, on_pool, Db};
use chrono::{DateTime, Duration, Utc};
use http::header::{HeaderMap, COOKIE};

pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// `__Host-` pins the cookie to this host and path `/`, but browsers accept it only over https.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-session"
    } else {
        "session"
    }
}

pub fn set_cookie_header(secret: &str, secure: bool) -> String {
    let flags = if secure { "; Secure" } else { "" };
    format!("{}={secret}; Path=/; HttpOnly; SameSite=Lax{flags}", cookie_name(secure))
}

pub fn clear_cookie_header(secure: bool) -> String {
    let flags = if secure { "; Secure" } else { "" };
    format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{flags}", cookie_name(secure))
}

pub fn read_cookie(headers: &HeaderMap, secure: bool) -> Option<String> {
    let name = cookie_name(secure);
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v.to_owned())
}

/// Starts a new session (a new id at every login) and returns the cookie secret.
pub async fn create(
    db: &Db,
    principal: Principal,
    now: DateTime<Utc>,
    user_agent: Option<&str>,
) -> Result<String, sqlx::Error> {
    let (secret, hash) = new_secret();
    let (donor_id, staff_id) = match principal {
        Principal::Donor { id } => (Some(id), None),
        Principal::Staff { id, .. } => (None, Some(id)),
    };
    let user_agent: Option<String> = user_agent.map(|ua| ua.chars().take(200).collect());
    on_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO sessions (id_hash, donor_id, staff_id, created_at, last_seen_at, expires_at, user_agent) \
             VALUES ($1, $2, $3, $4, $4, $5, $6)",
        )
        .bind(&hash).bind(donor_id).bind(staff_id).bind(now).bind(now + ABSOLUTE_TIMEOUT).bind(&user_agent)
        .execute(pool).await?;
    });
    Ok(secret)
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    donor_id: Option<i64>,
    staff_id: Option<i64>,
    role: Option<String>,
    staff_disabled: bool,
    staff_must_change_password: Option<bool>,
    donor_email: Option<String>,
    donor_email_confirmed: bool,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// A live session: who, (for staff) whether they must choose a new password first, and (for
/// a donor) the address and whether it is confirmed, which every page's header shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub principal: Principal,
    pub must_change_password: bool,
    pub donor_email: Option<String>,
    pub donor_email_confirmed: bool,
}

/// The principal of a live session, or `None` (expired, logged out, staff disabled).
pub async fn lookup(db: &Db, secret: &str, now: DateTime<Utc>) -> Result<Option<Principal>, sqlx::Error> {
    Ok(lookup_session(db, secret, now).await?.map(|s| s.principal))
}

/// [`lookup`] with the staff member's must-change flag, read in the same statement. A use of
/// the session: it keeps it from idling out.
pub async fn lookup_session(db: &Db, secret: &str, now: DateTime<Utc>) -> Result<Option<Session>, sqlx::Error> {
    let hash = hash_secret(secret);
    let Some((session, last_seen_at)) = read(db, &hash, now).await? else { return Ok(None) };
    if last_seen_at + TOUCH_EVERY <= now {
        on_pool!(db, pool => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2").bind(now).bind(&hash).execute(pool).await?;
        });
    }
    Ok(Some(session))
}

/// Who a session belongs to, without counting as a use: an open event stream asks this, so a
/// page left open does not keep its session alive (idle expiry stays honest).
pub async fn peek(db: &Db, secret: &str, now: DateTime<Utc>) -> Result<Option<Principal>, sqlx::Error> {
    Ok(read(db, &hash_secret(secret), now).await?.map(|(s, _)| s.principal))
}

/// The live session of this hash and when it was last used; a dead one is deleted.
async fn read(db: &Db, hash: &str, now: DateTime<Utc>) -> Result<Option<(Session, DateTime<Utc>)>, sqlx::Error> {
    let row: Option<SessionRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT s.donor_id, s.staff_id, st.role, (st.disabled_at IS NOT NULL) AS staff_disabled, \
                st.must_change_password AS staff_must_change_password, d.email AS donor_email, \
                (d.email_confirmed_at IS NOT NULL) AS donor_email_confirmed, s.last_seen_at, s.expires_at \
         FROM sessions s LEFT JOIN staff st ON st.id = s.staff_id LEFT JOIN donors d ON d.id = s.donor_id \
         WHERE s.id_hash = $1",
    )
    .bind(hash).fetch_optional(pool).await?);
    let Some(row) = row else { return Ok(None) };
    let alive = row.expires_at > now && row.last_seen_at + IDLE_TIMEOUT > now && !row.staff_disabled;
    let principal = match (row.donor_id, row.staff_id, row.role.as_deref()) {
        (Some(id), None, _) => Some(Principal::Donor { id }),
        (None, Some(id), Some(role)) => Some(Principal::Staff { id, role: decode::<StaffRole>(role)? }),
        _ => None,
    };
    match principal {
        Some(principal) if alive => {
            let must_change_password = row.staff_must_change_password.unwrap_or(false);
            let session = Session {
                principal,
                must_change_password,
                donor_email: row.donor_email,
                donor_email_confirmed: row.donor_email_confirmed,
            };
            Ok(Some((session, row.last_seen_at)))
        }
        _ => {
            delete_by_hash(db, hash).await?;
            Ok(None)
        }
    }
}

/// Ends one session (logout); returns whose it was, so its open streams can be told.
pub async fn delete(db: &Db, secret: &str) -> Result<Option<AccountId>, sqlx::Error> {
    let owner: Option<(Option<i64>, Option<i64>)> = on_pool!(db, pool => sqlx::query_as(
        "DELETE FROM sessions WHERE id_hash = $1 RETURNING donor_id, staff_id",
    )
    .bind(hash_secret(secret)).fetch_optional(pool).await?);
    Ok(match owner {
        Some((Some(id), _)) => Some(AccountId::Donor(id)),
        Some((None, Some(id))) => Some(AccountId::Staff(id)),
        _ => None,
    })
}

async fn delete_by_hash(db: &Db, hash: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(hash).execute(pool).await?;
    });
    Ok(())
}

/// Ends every session of an account except `keep` (the caller's own, when it stays logged in).
pub async fn delete_all_of(db: &Db, account: AccountId, keep: Option<&str>) -> Result<u64, sqlx::Error> {
    let keep = keep.map(hash_secret).unwrap_or_default();
    let (column, id) = owner_column(account);
    let sql = format!("DELETE FROM sessions WHERE {column} = $1 AND id_hash <> $2");
    Ok(on_pool!(db, pool => sqlx::query(&sql).bind(id).bind(&keep).execute(pool).await?.rows_affected()))
}

/// How many characters of the stored hash name a session in the list (`SessionView::handle`).
const HANDLE_LEN: usize = 16;

/// A session in the owner's list: its handle, user agent, start and last use.
#[derive(sqlx::FromRow)]
struct ListedRow {
    id_hash: String,
    user_agent: Option<String>,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
}

/// The account's live sessions, the most recently used first; `current` (the caller's own
/// cookie) is marked.
pub async fn list_of(
    db: &Db,
    account: AccountId,
    current: Option<&str>,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
    locale: crate::domain::Locale,
) -> Result<Vec<crate::model::privacy::SessionView>, sqlx::Error> {
    let (column, id) = owner_column(account);
    let sql = format!(
        "SELECT id_hash, user_agent, created_at, last_seen_at FROM sessions \
         WHERE {column} = $1 AND expires_at > $2 AND last_seen_at > $3 ORDER BY last_seen_at DESC"
    );
    let rows: Vec<ListedRow> =
        on_pool!(db, pool => sqlx::query_as(&sql).bind(id).bind(now).bind(now - IDLE_TIMEOUT).fetch_all(pool).await?);
    let current = current.map(hash_secret);
    Ok(rows
        .into_iter()
        .map(|r| crate::model::privacy::SessionView {
            handle: r.id_hash.chars().take(HANDLE_LEN).collect(),
            device: crate::domain::device::describe(r.user_agent.as_deref(), locale),
            started_at: r.created_at,
            last_seen_at: r.last_seen_at,
            started_local: r.created_at.with_timezone(&tz).naive_local(),
            last_seen_local: r.last_seen_at.with_timezone(&tz).naive_local(),
            current: current.as_deref() == Some(r.id_hash.as_str()),
        })
        .collect())
}

/// Ends the account's session named by `handle` (never another account's); returns whether
/// there was one. A handle that is not one (length, characters) matches nothing.
pub async fn end_by_handle(db: &Db, account: AccountId, handle: &str) -> Result<bool, sqlx::Error> {
    let valid = handle.len() == HANDLE_LEN && handle.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !valid {
        return Ok(false);
    }
    let (column, id) = owner_column(account);
    let sql = format!("DELETE FROM sessions WHERE {column} = $1 AND substr(id_hash, 1, {HANDLE_LEN}) = $2");
    Ok(on_pool!(db, pool => sqlx::query(&sql).bind(id).bind(handle).execute(pool).await?.rows_affected()) > 0)
}

fn owner_column(account: AccountId) -> (&'static str, i64) {
    match account {
        AccountId::Donor(id) => ("donor_id", id),
        AccountId::Staff(id) => ("staff_id", id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn cookie_flags() {
        let plain = set_cookie_header("abc", false);
        assert_eq!(plain, "session=abc; Path=/; HttpOnly; SameSite=Lax");
        let secure = set_cookie_header("abc", true);
        assert!(secure.starts_with("__Host-session=abc;") && secure.ends_with("; Secure"));
        assert!(clear_cookie_header(false).contains("Max-Age=0"));
    }

    #[test]
    fn reads_only_its_own_cookie() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("lang=ru; session=s3cr3t; other=1"));
        assert_eq!(read_cookie(&headers, false).as_deref(), Some("s3cr3t"));
        assert_eq!(read_cookie(&headers, true), None);
    }
}

#[cfg(test)]
mod expiry_tests {
    use super::*;
    use chrono::TimeZone;

    async fn fresh_db() -> (Db, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("s.db").display())).await.unwrap();
        db.migrate().await.unwrap();
        on_pool!(&db, pool => {
            sqlx::query("INSERT INTO donors (id, email, password_hash, blood_group, rh, kell, donor_code, consent_version, consent_at, created_at) \
                         VALUES (1, 'd@example.org', 'x', 'O', 'pos', 'neg', 'AB12', 'v', $1, $1)")
                .bind(Utc::now()).execute(pool).await.unwrap();
        });
        (db, dir)
    }

    #[tokio::test]
    async fn idle_sessions_expire_after_30_minutes() {
        let (db, _dir) = fresh_db().await;
        let t0 = Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap();
        let donor = Principal::Donor { id: 1 };
        let secret = create(&db, donor, t0, None).await.unwrap();
        assert_eq!(lookup(&db, &secret, t0 + Duration::minutes(29)).await.unwrap(), Some(donor));
        // Used at 09:29, so alive until 09:59; idle past that it is gone for good.
        assert_eq!(lookup(&db, &secret, t0 + Duration::minutes(58)).await.unwrap(), Some(donor));
        assert_eq!(lookup(&db, &secret, t0 + Duration::minutes(89)).await.unwrap(), None);
        assert_eq!(lookup(&db, &secret, t0 + Duration::minutes(60)).await.unwrap(), None, "deleted, not revived");
    }

    #[tokio::test]
    async fn peeking_does_not_keep_a_session_alive() {
        let (db, _dir) = fresh_db().await;
        let t0 = Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap();
        let donor = Principal::Donor { id: 1 };
        let secret = create(&db, donor, t0, None).await.unwrap();
        assert_eq!(peek(&db, &secret, t0 + Duration::minutes(20)).await.unwrap(), Some(donor));
        assert_eq!(peek(&db, &secret, t0 + Duration::minutes(31)).await.unwrap(), None, "idle since 09:00");
        assert_eq!(lookup(&db, &secret, t0 + Duration::minutes(5)).await.unwrap(), None, "and gone");
    }

    #[tokio::test]
    async fn active_sessions_end_after_12_hours() {
        let (db, _dir) = fresh_db().await;
        let t0 = Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap();
        let secret = create(&db, Principal::Donor { id: 1 }, t0, Some("test")).await.unwrap();
        let mut t = t0;
        while t < t0 + Duration::hours(12) - Duration::minutes(20) {
            t += Duration::minutes(20);
            assert!(lookup(&db, &secret, t).await.unwrap().is_some(), "active at {t}");
        }
        assert_eq!(lookup(&db, &secret, t0 + Duration::hours(12)).await.unwrap(), None);
    }

    #[tokio::test]
    async fn other_sessions_end_and_the_kept_one_stays() {
        let (db, _dir) = fresh_db().await;
        let now = Utc::now();
        let donor = Principal::Donor { id: 1 };
        let keep = create(&db, donor, now, None).await.unwrap();
        let other = create(&db, donor, now, None).await.unwrap();
        assert_eq!(delete_all_of(&db, donor.account(), Some(&keep)).await.unwrap(), 1);
        assert!(lookup(&db, &keep, now).await.unwrap().is_some());
        assert!(lookup(&db, &other, now).await.unwrap().is_none());
    }
}
