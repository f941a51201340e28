//! `donor-booking place add|list|archive`: places from the command line, through the same
//! validation and store (and audit rows) as the admin page.

use super::db::places::{self as store, Author, PlaceOutcome};
use super::db::Db;
use crate::domain::places::{check_place, PlaceError};
use anyhow::bail;

fn describe(error: PlaceError) -> String {
    match error {
        PlaceError::Required(field) => format!("--{} is required", field.form_name()),
        PlaceError::TooLong(field, max) => format!("--{} is longer than {max} characters", field.form_name()),
    }
}

fn author() -> Author {
    Author { staff_id: None, at: chrono::Utc::now() }
}

pub async fn add(db: &Db, name: &str, address: &str, hours: &str, note: &str) -> anyhow::Result<()> {
    let draft = match check_place(name, address, hours, note) {
        Ok(draft) => draft,
        Err(errors) => bail!("{}", errors.into_iter().map(describe).collect::<Vec<_>>().join("; ")),
    };
    match store::save(db, None, &draft, author()).await? {
        PlaceOutcome::Saved(id) => {
            println!("place {id} added: {} ({})", draft.name, draft.address);
            Ok(())
        }
        PlaceOutcome::NameTaken => bail!("a place named {:?} already exists", draft.name),
        other => bail!("the place was not added: {other:?}"),
    }
}

pub async fn list(db: &Db) -> anyhow::Result<()> {
    let places = store::list(db).await?;
    if places.is_empty() {
        println!("no places yet: add one with `donor-booking place add --name … --address …`");
    }
    for p in places {
        let state = if p.archived { "archived" } else { "open" };
        println!("{:>4}  {:<8}  cells: {:<4}  {} — {}", p.id, state, p.cells, p.place.name, p.place.address);
    }
    Ok(())
}

pub async fn archive(db: &Db, name: &str, restore: bool) -> anyhow::Result<()> {
    let places = store::list(db).await?;
    let Some(place) = places.iter().find(|p| p.place.name == name.trim()) else {
        bail!("no place is named {name:?} (see `donor-booking place list`)");
    };
    match store::set_archived(db, place.id, !restore, author()).await? {
        PlaceOutcome::Saved(id) => {
            println!("place {id} {}: {}", if restore { "restored" } else { "archived" }, place.place.name);
            Ok(())
        }
        other => bail!("the place was not changed: {other:?}"),
    }
}
