//! Places, as admins manage them. Every change is written to the audit log with its author in
//! the same transaction. A place that has cells is archived, never deleted.

use super::{in_write_tx_keep_if, on_pool, Db};
use crate::domain::places::PlaceDraft;
use crate::model::planning::ManagedPlace;
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct PlaceListRow {
    id: i64,
    name: String,
    address: String,
    hours: String,
    note: String,
    archived: bool,
    cells: i64,
}

/// Every place, archived ones last, with how many cells each has.
pub async fn list(db: &Db) -> Result<Vec<ManagedPlace>, sqlx::Error> {
    let rows: Vec<PlaceListRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT p.id, p.name, p.address, p.hours, p.note, (p.archived_at IS NOT NULL) AS archived, \
         (SELECT COUNT(*) FROM cells c WHERE c.place_id = p.id) AS cells \
         FROM places p ORDER BY (p.archived_at IS NOT NULL), p.name",
    ).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .map(|r| ManagedPlace {
            id: r.id,
            place: PlaceDraft { name: r.name, address: r.address, hours: r.hours, note: r.note },
            archived: r.archived,
            cells: r.cells,
        })
        .collect())
}

#[derive(Debug, PartialEq, Eq)]
pub enum PlaceOutcome {
    Saved(i64),
    /// Another place already has this name.
    NameTaken,
    NotFound,
    /// Delete refused: the place has cells (archive it instead).
    HasCells,
}

/// Who changes a place and when: the audit row's author (`None` for the command line).
#[derive(Clone, Copy, Debug)]
pub struct Author {
    pub staff_id: Option<i64>,
    pub at: DateTime<Utc>,
}

macro_rules! audit_place {
    ($tx:expr, $author:expr, $action:expr, $name:expr) => {
        sqlx::query("INSERT INTO audit_log (at, staff_id, action, comment) VALUES ($1, $2, $3, $4)")
            .bind($author.at)
            .bind($author.staff_id)
            .bind($action)
            .bind($name)
            .execute(&mut *$tx)
            .await?
    };
}

fn saved(out: &PlaceOutcome) -> bool {
    matches!(out, PlaceOutcome::Saved(_))
}

/// Creates a place (`id` `None`) or changes one.
pub async fn save(db: &Db, id: Option<i64>, draft: &PlaceDraft, author: Author) -> Result<PlaceOutcome, sqlx::Error> {
    Ok(in_write_tx_keep_if!(db, saved, tx => 'save: {
        // Names are UNIQUE in the schema: a taken one is the constraint's refusal, race-free.
        let saved_id: Result<Option<i64>, sqlx::Error> = match id {
            None => sqlx::query_scalar(
                "INSERT INTO places (name, address, hours, note) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(&draft.name).bind(&draft.address).bind(&draft.hours).bind(&draft.note)
            .fetch_optional(&mut *tx).await,
            Some(id) => sqlx::query_scalar(
                "UPDATE places SET name = $2, address = $3, hours = $4, note = $5 WHERE id = $1 RETURNING id",
            )
            .bind(id).bind(&draft.name).bind(&draft.address).bind(&draft.hours).bind(&draft.note)
            .fetch_optional(&mut *tx).await,
        };
        let saved_id = match saved_id {
            Ok(Some(saved)) => saved,
            Ok(None) => break 'save PlaceOutcome::NotFound,
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => break 'save PlaceOutcome::NameTaken,
            Err(e) => return Err(e),
        };
        audit_place!(tx, author, if id.is_none() { "place_create" } else { "place_update" }, &draft.name);
        PlaceOutcome::Saved(saved_id)
    }))
}

/// Archives a place (it takes no new cells) or brings it back.
pub async fn set_archived(db: &Db, id: i64, archived: bool, author: Author) -> Result<PlaceOutcome, sqlx::Error> {
    Ok(in_write_tx_keep_if!(db, saved, tx => 'archive: {
        let archived_at = archived.then_some(author.at);
        let name: Option<String> = sqlx::query_scalar("UPDATE places SET archived_at = $2 WHERE id = $1 RETURNING name")
            .bind(id).bind(archived_at).fetch_optional(&mut *tx).await?;
        let Some(name) = name else { break 'archive PlaceOutcome::NotFound };
        audit_place!(tx, author, if archived { "place_archive" } else { "place_restore" }, &name);
        PlaceOutcome::Saved(id)
    }))
}

/// Deletes a place that never had a cell; one with cells is refused.
pub async fn delete(db: &Db, id: i64, author: Author) -> Result<PlaceOutcome, sqlx::Error> {
    Ok(in_write_tx_keep_if!(db, saved, tx => 'delete: {
        let cells: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cells WHERE place_id = $1")
            .bind(id).fetch_one(&mut *tx).await?;
        if cells > 0 {
            break 'delete PlaceOutcome::HasCells;
        }
        let name: Option<String> = sqlx::query_scalar("DELETE FROM places WHERE id = $1 RETURNING name")
            .bind(id).fetch_optional(&mut *tx).await?;
        let Some(name) = name else { break 'delete PlaceOutcome::NotFound };
        audit_place!(tx, author, "place_delete", &name);
        PlaceOutcome::Saved(id)
    }))
}
