//! The outbox table: enqueue inside the caller's transaction; claim, mark sent, or reschedule.

use super::Email;
use crate::server::db::{on_pool, Db};
use chrono::{DateTime, Duration, Utc};
use sqlx::{Database, Encode, Executor, IntoArguments, Type};

/// The columns an e-mail's row is written with: ten values of [`bind_email`]'s order around
/// `status` and the two instants (queued at, due at).
macro_rules! outbox_columns {
    () => {
        "(recipient, subject, text_body, html_body, message_id, status, next_attempt_at, created_at, \
         attachment_name, attachment_type, attachment_body, list_unsubscribe, recall_key)"
    };
}
pub(crate) use outbox_columns;

/// Binds an e-mail's ten values in the order of [`outbox_columns!`] (recipient … message id,
/// then the attachment's three, `List-Unsubscribe` and the recall key), for a statement that
/// writes the row as part of something larger (PostgreSQL's one-statement booking).
pub fn bind_email<'q>(
    query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    email: &Email,
    message_id: &str,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    let attachment = email.attachment.as_ref();
    query
        .bind(email.to.clone())
        .bind(email.subject.clone())
        .bind(email.text.clone())
        .bind(email.html.clone())
        .bind(message_id.to_owned())
        .bind(attachment.map(|a| a.name.clone()))
        .bind(attachment.map(|a| a.content_type.clone()))
        .bind(attachment.map(|a| a.body.clone()))
        .bind(email.list_unsubscribe.clone())
        .bind(email.recall_key.clone())
}

/// Writes an e-mail into the outbox on the caller's connection or transaction, so it commits
/// (or rolls back) together with the change that causes it.
pub async fn enqueue<'c, DB, E>(conn: E, email: &Email, message_id: &str, now: DateTime<Utc>) -> Result<(), sqlx::Error>
where
    DB: Database,
    E: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
{
    if !crate::domain::account::has_mailbox(&email.to) {
        return Ok(()); // a donor registered on the phone without an address: nothing to send
    }
    sqlx::query::<DB>(concat!(
        "INSERT INTO mail_outbox ",
        outbox_columns!(),
        " VALUES ($1, $2, $3, $4, $5, 'queued', $6, $6, $7, $8, $9, $10, $11)"
    ))
    .bind(email.to.clone())
    .bind(email.subject.clone())
    .bind(email.text.clone())
    .bind(email.html.clone())
    .bind(message_id.to_owned())
    .bind(now)
    .bind(email.attachment.as_ref().map(|a| a.name.clone()))
    .bind(email.attachment.as_ref().map(|a| a.content_type.clone()))
    .bind(email.attachment.as_ref().map(|a| a.body.clone()))
    .bind(email.list_unsubscribe.clone())
    .bind(email.recall_key.clone())
    .execute(conn)
    .await?;
    Ok(())
}

/// A claimed row, ready to send.
#[derive(sqlx::FromRow, Debug)]
pub struct Outgoing {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub message_id: String,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    pub attachment_name: Option<String>,
    pub attachment_type: Option<String>,
    pub attachment_body: Option<String>,
    pub list_unsubscribe: Option<String>,
}

/// How long a claimed row stays with one worker before another may take it (a crashed
/// worker's rows are recovered after this).
pub const CLAIM_LEASE: Duration = Duration::seconds(120);

const DUE: &str =
    "status IN ('queued', 'sending') AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)";
const COLUMNS: &str = "id, recipient, subject, text_body, html_body, message_id, attempts, created_at, \
                       attachment_name, attachment_type, attachment_body, list_unsubscribe";

/// Claims up to `limit` due rows for this worker. PostgreSQL skips rows other instances hold;
/// SQLite serialises writers, so a plain select inside an immediate transaction is enough.
pub async fn claim_due(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<Outgoing>, sqlx::Error> {
    let lease = now + CLAIM_LEASE;
    match db {
        Db::Sqlite(pool) => {
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
            let rows: Vec<Outgoing> =
                sqlx::query_as(&format!("SELECT {COLUMNS} FROM mail_outbox WHERE {DUE} ORDER BY id LIMIT $2"))
                    .bind(now)
                    .bind(limit)
                    .fetch_all(&mut *tx)
                    .await?;
            for row in &rows {
                sqlx::query("UPDATE mail_outbox SET status = 'sending', locked_until = $1 WHERE id = $2")
                    .bind(lease)
                    .bind(row.id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(rows)
        }
        Db::Postgres(pool) => {
            sqlx::query_as(&format!(
                "UPDATE mail_outbox SET status = 'sending', locked_until = $3 WHERE id IN \
                 (SELECT id FROM mail_outbox WHERE {DUE} ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED) \
                 RETURNING {COLUMNS}"
            ))
            .bind(now)
            .bind(limit)
            .bind(lease)
            .fetch_all(pool)
            .await
        }
    }
}

/// Takes back the still queued e-mails of `recall_key` (one being sent goes out). Runs in
/// the caller's transaction, with the change that made them pointless.
pub async fn recall<'c, DB, E>(conn: E, recall_key: &str) -> Result<(), sqlx::Error>
where
    DB: Database,
    E: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
{
    sqlx::query::<DB>("DELETE FROM mail_outbox WHERE recall_key = $1 AND status = 'queued'")
        .bind(recall_key.to_owned())
        .execute(conn)
        .await?;
    Ok(())
}

/// Hands claimed rows back unsent: due again at once, for any instance.
pub async fn release(db: &Db, ids: &[i64]) -> Result<(), sqlx::Error> {
    for id in ids {
        on_pool!(db, pool => {
            sqlx::query("UPDATE mail_outbox SET locked_until = NULL WHERE id = $1 AND status = 'sending'")
                .bind(id).execute(pool).await?;
        });
    }
    Ok(())
}

/// Once a message is out (or never will be), its body goes: links in it are live tokens, and a
/// rejection's text is about the donor's health. Recipient, subject and dates stay, until
/// `db::housekeeping` removes the row.
const CLEARED: &str = "text_body = '', html_body = '', attachment_body = NULL";

pub async fn mark_sent(db: &Db, id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query(&format!("UPDATE mail_outbox SET status = 'sent', sent_at = $1, locked_until = NULL, last_error = NULL, {CLEARED} WHERE id = $2"))
            .bind(now).bind(id).execute(pool).await?;
    });
    Ok(())
}

/// Records a failed attempt: retry at `next_attempt_at`, or give up (`None`).
pub async fn mark_failed(
    db: &Db,
    id: i64,
    error: &str,
    next_attempt_at: Option<DateTime<Utc>>,
) -> Result<(), sqlx::Error> {
    let error: String = error.chars().take(500).collect();
    on_pool!(db, pool => {
        match next_attempt_at {
            Some(at) => sqlx::query(
                "UPDATE mail_outbox SET status = 'queued', attempts = attempts + 1, next_attempt_at = $1, \
                 locked_until = NULL, last_error = $2 WHERE id = $3",
            )
            .bind(at).bind(&error).bind(id).execute(pool).await?,
            None => sqlx::query(
                &format!("UPDATE mail_outbox SET status = 'failed', attempts = attempts + 1, locked_until = NULL, last_error = $1, {CLEARED} WHERE id = $2"),
            )
            .bind(&error).bind(id).execute(pool).await?,
        };
    });
    Ok(())
}
