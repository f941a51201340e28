//! What the centre writes to donors unasked: visit reminders (one per booking) and "your group
//! is needed" alerts (one per donor per day). Each e-mail is queued in the transaction that
//! writes down it was sent, so two instances, a rerun or a restart never send one twice.

use super::bookings::{donor_snapshot, donor_snapshot_from, BookingFacts, DonorSnapshot, DonorSnapshotRow};
use super::cells::{count, group_need};
use super::{decode, in_write_tx, on_pool, Db};
use crate::domain::decision::CellFacts;
use crate::domain::notices::AlertTypes;
use crate::domain::{BloodGroup, Coded, GroupNeed, Locale, Rh, TimeSlot};
use crate::server::mail::{outbox, Email};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

#[derive(sqlx::FromRow)]
struct ReminderRow {
    booking_id: i64,
    cell_id: i64,
    donor_id: i64,
    email: String,
    locale: String,
    date: NaiveDate,
    start: NaiveTime,
    donation_type: String,
    place_name: String,
    place_address: String,
}

/// Approved bookings on `date` not yet reminded of.
pub async fn unreminded_on(db: &Db, date: NaiveDate) -> Result<Vec<BookingFacts>, sqlx::Error> {
    let rows: Vec<ReminderRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT b.id AS booking_id, b.cell_id, b.donor_id, d.email, d.locale, c.date, s.start, c.donation_type, \
         p.name AS place_name, p.address AS place_address \
         FROM bookings b JOIN cells c ON c.id = b.cell_id JOIN time_slots s ON s.id = b.slot_id \
         JOIN places p ON p.id = c.place_id JOIN donors d ON d.id = b.donor_id \
         WHERE b.status = 'approved' AND b.reminded_at IS NULL AND b.released_at IS NULL AND c.date = $1 \
         ORDER BY b.id",
    ).bind(date).fetch_all(pool).await?);
    rows.into_iter()
        .map(|r| {
            Ok(BookingFacts {
                booking_id: r.booking_id,
                cell_id: r.cell_id,
                donor_id: r.donor_id,
                email: r.email,
                locale: Locale::from_code(&r.locale).unwrap_or_default(),
                date: r.date,
                time: r.start,
                donation_type: decode(&r.donation_type)?,
                place_name: r.place_name,
                place_address: r.place_address,
            })
        })
        .collect()
}

/// Marks the booking reminded of and queues `email`, only if it is still approved and not
/// reminded of (another instance, or an earlier run, may have been first). Returns whether
/// this call queued it.
pub async fn remind_once(
    db: &Db,
    booking_id: i64,
    email: &Email,
    message_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    Ok(in_write_tx!(db, tx => {
        let claimed = sqlx::query(
            "UPDATE bookings SET reminded_at = $2 \
             WHERE id = $1 AND status = 'approved' AND reminded_at IS NULL AND released_at IS NULL",
        )
        .bind(booking_id).bind(now).execute(&mut *tx).await?.rows_affected() == 1;
        if claimed {
            outbox::enqueue(&mut *tx, email, message_id, now).await?;
        }
        claimed
    }))
}

/// The donor's subscription, if any.
pub async fn subscription(db: &Db, donor_id: i64) -> Result<Option<AlertTypes>, sqlx::Error> {
    let types: Option<String> = on_pool!(db, pool => sqlx::query_scalar(
        "SELECT donation_types FROM need_alerts WHERE donor_id = $1",
    ).bind(donor_id).fetch_optional(pool).await?);
    Ok(types.as_deref().map(AlertTypes::parse))
}

/// Switches alerts on (or changes their types); the day's limit stays as it was.
pub async fn subscribe(db: &Db, donor_id: i64, types: &AlertTypes, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO need_alerts (donor_id, donation_types, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (donor_id) DO UPDATE SET donation_types = excluded.donation_types",
        )
        .bind(donor_id).bind(types.code()).bind(now).execute(pool).await?;
    });
    Ok(())
}

/// Switches alerts off; returns whether they were on.
pub async fn unsubscribe(db: &Db, donor_id: i64) -> Result<bool, sqlx::Error> {
    Ok(on_pool!(db, pool => sqlx::query("DELETE FROM need_alerts WHERE donor_id = $1")
        .bind(donor_id).execute(pool).await?.rows_affected() == 1))
}

/// Cells whose alerts are due (opened, or a need grew), with the instant that made them due.
pub async fn cells_due(db: &Db) -> Result<Vec<(i64, DateTime<Utc>)>, sqlx::Error> {
    Ok(on_pool!(db, pool => sqlx::query_as(
        "SELECT id, alerts_due_at FROM cells WHERE alerts_due_at IS NOT NULL ORDER BY alerts_due_at",
    ).fetch_all(pool).await?))
}

/// Done with a cell's alerts, unless it became due again meanwhile.
pub async fn clear_due(db: &Db, cell_id: i64, seen: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("UPDATE cells SET alerts_due_at = NULL WHERE id = $1 AND alerts_due_at = $2")
            .bind(cell_id).bind(seen).execute(pool).await?;
    });
    Ok(())
}

/// A cell as an alert offers it.
pub struct AlertCell {
    pub facts: CellFacts,
    pub times: Vec<TimeSlot>,
    pub needs: Vec<GroupNeed>,
    pub place_name: String,
    pub place_address: String,
}

#[derive(sqlx::FromRow)]
struct AlertCellRow {
    date: NaiveDate,
    donation_type: String,
    closed: bool,
    place_name: String,
    place_address: String,
}

type TimeRow = (NaiveTime, i64, i64);
type QuotaRow = (String, String, bool, i64, i64);

pub async fn alert_cell(db: &Db, cell_id: i64) -> Result<Option<AlertCell>, sqlx::Error> {
    let (cell, times, quotas): (Option<AlertCellRow>, Vec<TimeRow>, Vec<QuotaRow>) = on_pool!(db, pool => (
        sqlx::query_as(
            "SELECT c.date, c.donation_type, (c.closed_at IS NOT NULL) AS closed, p.name AS place_name, \
             p.address AS place_address FROM cells c JOIN places p ON p.id = c.place_id WHERE c.id = $1",
        ).bind(cell_id).fetch_optional(pool).await?,
        sqlx::query_as("SELECT start, capacity, booked FROM time_slots WHERE cell_id = $1 ORDER BY start")
            .bind(cell_id).fetch_all(pool).await?,
        sqlx::query_as(
            "SELECT blood_group, rh, kell_negative_only, needed, booked FROM group_quotas WHERE cell_id = $1 ORDER BY id",
        ).bind(cell_id).fetch_all(pool).await?,
    ));
    let Some(cell) = cell else { return Ok(None) };
    let facts =
        CellFacts { id: cell_id, date: cell.date, donation_type: decode(&cell.donation_type)?, closed: cell.closed };
    let times =
        times.into_iter().map(|(start, c, b)| TimeSlot { start, capacity: count(c), booked: count(b) }).collect();
    let needs = quotas.iter().map(|(g, rh, k, n, b)| group_need(g, rh, *k, *n, *b)).collect::<Result<Vec<_>, _>>()?;
    Ok(Some(AlertCell { facts, times, needs, place_name: cell.place_name, place_address: cell.place_address }))
}

/// A subscribed donor, as the booking decision sees them.
pub struct Subscriber {
    pub donor_id: i64,
    pub types: AlertTypes,
    pub donor: DonorSnapshot,
}

#[derive(sqlx::FromRow)]
struct SubscriberRow {
    subscriber: i64,
    donation_types: String,
    #[sqlx(flatten)]
    snapshot: DonorSnapshotRow,
}

/// The subscribers of one blood group and Rh who may still get an alert today. A superset of
/// those to alert: the booking decision picks from it.
pub async fn subscribers(
    db: &Db,
    group: BloodGroup,
    rh: Rh,
    today: NaiveDate,
    now_local: NaiveDateTime,
) -> Result<Vec<Subscriber>, sqlx::Error> {
    let sql = concat!(
        "SELECT a.donor_id AS subscriber, a.donation_types, ",
        donor_snapshot_from!(),
        " JOIN need_alerts a ON a.donor_id = d.id \
         WHERE (a.last_sent_on IS NULL OR a.last_sent_on < $1) AND d.blood_group = $2 AND d.rh = $3 \
         ORDER BY a.donor_id"
    );
    let rows: Vec<SubscriberRow> = on_pool!(db, pool => sqlx::query_as(sql)
        .bind(today).bind(group.code()).bind(rh.code()).fetch_all(pool).await?);
    let mut out: Vec<Subscriber> = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while let Some(first) = rows.next() {
        let (id, types) = (first.subscriber, AlertTypes::parse(&first.donation_types));
        let mut same = vec![first.snapshot];
        while let Some(next) = rows.next_if(|r| r.subscriber == id) {
            same.push(next.snapshot);
        }
        if let Some(donor) = donor_snapshot(same, now_local)? {
            out.push(Subscriber { donor_id: id, types, donor });
        }
    }
    Ok(out)
}

/// Queues each donor's alert, in transactions of a few hundred, only for donors not yet
/// alerted `today` (another cell's fan-out may have come first). Two statements a chunk (claim
/// the day's alert, insert the claimed e-mails), not two a donor: 10,000 subscribers are a
/// few dozen round trips. Returns how many it queued.
pub async fn send_alerts(
    db: &Db,
    alerts: &[(i64, Email, String)],
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let mut sent = 0;
    for chunk in alerts.chunks(500) {
        sent += in_write_tx!(db, tx => {
            let mut claim = sqlx::QueryBuilder::new("UPDATE need_alerts SET last_sent_on = ");
            claim.push_bind(today).push(" WHERE (last_sent_on IS NULL OR last_sent_on < ");
            claim.push_bind(today).push(") AND donor_id IN (");
            let mut ids = claim.separated(", ");
            for (donor_id, _, _) in chunk {
                ids.push_bind(*donor_id);
            }
            claim.push(") RETURNING donor_id");
            let claimed: Vec<i64> = claim.build_query_scalar().fetch_all(&mut *tx).await?;
            let claimed: std::collections::HashSet<i64> = claimed.into_iter().collect();
            let queued: Vec<_> = chunk.iter().filter(|(id, _, _)| claimed.contains(id)).collect();
            if !queued.is_empty() {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO mail_outbox (recipient, subject, text_body, html_body, message_id, status, \
                     next_attempt_at, created_at, list_unsubscribe) ",
                );
                insert.push_values(&queued, |mut row, (_, email, message_id)| {
                    row.push_bind(email.to.clone())
                        .push_bind(email.subject.clone())
                        .push_bind(email.text.clone())
                        .push_bind(email.html.clone())
                        .push_bind(message_id.clone())
                        .push("'queued'")
                        .push_bind(now)
                        .push_bind(now)
                        .push_bind(email.list_unsubscribe.clone());
                });
                insert.build().execute(&mut *tx).await?;
            }
            queued.len()
        });
    }
    Ok(sent)
}
