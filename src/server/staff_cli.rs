//! `donor-booking staff add`: how the first admin (and any staff member) is created.

use super::auth::passwords::{is_common, Passwords};
use super::db::accounts;
use super::db::Db;
use crate::domain::account::{check_new_password, normalize_email, StaffRole};
use crate::domain::{Coded, Locale};
use crate::i18n::texts;
use anyhow::{bail, Context};
use std::io::{BufRead, IsTerminal};

/// Reads the password: hidden prompt (twice) on a terminal, else the first line of stdin.
fn read_password() -> anyhow::Result<(String, String)> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Repeat the password: ")?;
        Ok((first, second))
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("cannot read the password from stdin")?;
        let line = line.trim_end_matches(['\r', '\n']).to_owned();
        Ok((line.clone(), line))
    }
}

pub async fn add(db: &Db, email: &str, role: StaffRole) -> anyhow::Result<()> {
    let t = texts(Locale::En);
    let email = normalize_email(email).map_err(|e| anyhow::anyhow!(t.email_error(e)))?;
    if accounts::donor_email_exists(db, &email).await? {
        bail!("{email} is a donor's address; staff accounts need their own");
    }
    let (password, confirmation) = read_password()?;
    check_new_password(&password, &confirmation, is_common).map_err(|e| anyhow::anyhow!(t.password_error(e)))?;
    let hash = Passwords::new(1)?.hash(&password).await?;
    match accounts::create_staff(db, &email, &hash, role, chrono::Utc::now(), false).await? {
        Some(id) => {
            println!("staff account {id} created: {email} ({})", role.code());
            Ok(())
        }
        None => bail!("{email} already has a staff account"),
    }
}
