//! `donor-booking demo-data`: realistic cells for the coming days, so a newcomer sees a
//! living system. Deterministic (the same days give the same cells) and idempotent.

use super::db::cells::{create_cell, NewCell};
use super::db::Db;
use crate::domain::{BloodGroup, DonationType, Rh};
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};

const PLACES: [(&str, &str); 2] = [
    ("Центр крови, главный корпус", "ул. Донорская, 1, подъезд 2"),
    ("Выездной пункт — поликлиника № 3", "пр. Мира, 48, 1 этаж"),
];

/// Whole blood and plasma most days; platelets and erythrocytes (K− only) on some.
fn cells_of_day(index: u64, date: NaiveDate) -> Vec<NewCell<'static>> {
    let mut cells = Vec::new();
    let groups = crate::domain::blood::GROUPS_WITH_RH;
    // A varying subset of groups each day: hospitals do not need every group every day.
    let pick = |seed: u64, k_only: bool| -> Vec<(BloodGroup, Rh, bool, u32)> {
        groups
            .iter()
            .enumerate()
            .filter(|(i, _)| (seed + *i as u64 * 3) % 5 < 3)
            .map(|(i, (g, r))| (*g, *r, k_only, 2 + ((seed + i as u64) % 5) as u32 * 2))
            .collect()
    };
    let grid = |from: (u32, u32), to: (u32, u32), step: u32, places: u32| {
        let mut out = Vec::new();
        let mut t = NaiveTime::from_hms_opt(from.0, from.1, 0).expect("valid time");
        let end = NaiveTime::from_hms_opt(to.0, to.1, 0).expect("valid time");
        while t <= end {
            out.push((t, places));
            t += chrono::Duration::minutes(i64::from(step));
        }
        out
    };
    cells.push(NewCell {
        place_name: PLACES[0].0,
        place_address: PLACES[0].1,
        date,
        donation_type: DonationType::WholeBlood,
        slots: grid((8, 0), (12, 0), 15, 3),
        needs: pick(index, false),
    });
    if index.is_multiple_of(2) {
        cells.push(NewCell {
            place_name: PLACES[0].0,
            place_address: PLACES[0].1,
            date,
            donation_type: DonationType::Plasma,
            slots: grid((8, 30), (13, 0), 30, 2),
            needs: pick(index + 1, false),
        });
    }
    if index % 3 == 1 {
        cells.push(NewCell {
            place_name: PLACES[1].0,
            place_address: PLACES[1].1,
            date,
            donation_type: DonationType::Platelets,
            slots: grid((9, 0), (11, 0), 30, 1),
            needs: pick(index + 2, false),
        });
    }
    if index % 4 == 2 {
        cells.push(NewCell {
            place_name: PLACES[1].0,
            place_address: PLACES[1].1,
            date,
            donation_type: DonationType::Erythrocytes,
            slots: grid((8, 0), (10, 0), 20, 2),
            needs: pick(index + 3, true),
        });
    }
    cells
}

/// Demo accounts, printed by `demo-data` so a newcomer can log in as each role.
pub const DEMO_ACCOUNTS: [(&str, &str, Option<crate::domain::account::StaffRole>); 5] = [
    ("admin@demo.donor.local", "demo-admin-passphrase", Some(crate::domain::account::StaffRole::Admin)),
    ("planner@demo.donor.local", "demo-planner-passphrase", Some(crate::domain::account::StaffRole::Planner)),
    ("registrar@demo.donor.local", "demo-registrar-passphrase", Some(crate::domain::account::StaffRole::Registrar)),
    ("donor@demo.donor.local", "demo-donor-passphrase", None),
    // Gave plasma twelve days ago: the cabinet shows the intervals at work.
    (DEMO_PLASMA_DONOR, "demo-plasma-passphrase", None),
];

const DEMO_PLASMA_DONOR: &str = "plasma-donor@demo.donor.local";
const DEMO_PLASMA_DAYS_AGO: u64 = 12;

/// Creates the demo accounts that do not exist yet (the donor: A(II) Rh+ K−, e-mail confirmed).
pub async fn seed_accounts(db: &Db, today: NaiveDate, now: DateTime<Utc>) -> anyhow::Result<()> {
    use super::db::{accounts, on_pool};
    let passwords = super::auth::passwords::Passwords::new(1)?;
    for (email, password, role) in DEMO_ACCOUNTS {
        let hash = passwords.hash(password).await?;
        match role {
            Some(role) => {
                accounts::create_staff(db, email, &hash, role, now, false).await?;
            }
            None => on_pool!(db, pool => {
                let code = if email == DEMO_PLASMA_DONOR { "DEMO0002" } else { "DEMO0001" };
                sqlx::query(
                    "INSERT INTO donors (email, password_hash, blood_group, rh, kell, donor_code, locale, consent_version, \
                     consent_at, email_confirmed_at, created_at) VALUES ($1, $2, 'A', 'pos', 'neg', $5, 'ru', $3, $4, $4, $4) \
                     ON CONFLICT (email) DO NOTHING",
                )
                .bind(email).bind(&hash).bind(super::accounts::CONSENT_VERSION).bind(now).bind(code)
                .execute(pool).await?;
                if email == DEMO_PLASMA_DONOR {
                    sqlx::query(
                        "INSERT INTO donations (donor_id, donated_on, donation_type, recorded_at) \
                         SELECT d.id, $2, 'plasma', $3 FROM donors d WHERE d.email = $1 \
                         AND NOT EXISTS (SELECT 1 FROM donations x WHERE x.donor_id = d.id)",
                    )
                    .bind(email).bind(today - Days::new(DEMO_PLASMA_DAYS_AGO)).bind(now)
                    .execute(pool).await?;
                }
            }),
        }
    }
    Ok(())
}

/// Creates the demo cells from `today` for `days` days (Sundays off). Returns how many were new.
pub async fn seed(db: &Db, today: NaiveDate, days: u32, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut created = 0;
    for index in 0..u64::from(days) {
        let date = today + Days::new(index);
        if date.weekday() == Weekday::Sun {
            continue;
        }
        for cell in cells_of_day(index, date) {
            if create_cell(db, &cell, now).await?.is_some() {
                created += 1;
            }
        }
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_cell_has_times_and_needs() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        for index in 0..14 {
            for cell in cells_of_day(index, day) {
                assert!(!cell.slots.is_empty());
                assert!(!cell.needs.is_empty(), "day {index} {:?} needs nobody", cell.donation_type);
            }
        }
    }
}
