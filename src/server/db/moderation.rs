//! The registrar's queue and decisions, visit marks, and the audit log. A decision is a
//! conditional update on the status it expects, so of two registrars acting at once exactly
//! one changes the booking; the other learns who decided and how.

use super::bookings::BookingFacts;
use super::intervals::interval_table;
use super::{decode, in_write_tx_keep_if, on_pool, Db};
use crate::domain::booking::{registrar_may_decide, status_at};
use crate::domain::decision::Moment;
use crate::domain::intervals::{last_donation, Donation};
use crate::domain::moderation::{
    visit_can_be_marked, visit_day_reached, warnings, BookingHistory, Decision, OtherBooking,
};
use crate::domain::{BloodProfile, BookingStatus, Coded, DonationType, Locale, RejectionReason};
use crate::model::moderation::{AuditKind, QueueItem, QueueView};
use crate::server::mail::{outbox, Email};
use chrono::{DateTime, NaiveDate, NaiveTime, Timelike, Utc};
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct QueueRow {
    booking_id: i64,
    donor_id: i64,
    status: String,
    created_at: DateTime<Utc>,
    date: NaiveDate,
    start: NaiveTime,
    donation_type: String,
    place_name: String,
    email: String,
    blood_group: String,
    rh: String,
    kell: String,
    donor_code: String,
    donor_code_changed_at: Option<DateTime<Utc>>,
    rejection_reason: Option<String>,
    rejection_comment: Option<String>,
    decided_by: Option<String>,
}

#[derive(sqlx::FromRow)]
struct OtherRow {
    donor_id: i64,
    id: i64,
    date: NaiveDate,
    start: NaiveTime,
    status: String,
    donation_type: String,
}

pub struct QueueFilter {
    pub view: QueueView,
    pub date: Option<NaiveDate>,
    pub kind: Option<DonationType>,
    /// Paging: only bookings requested after this one (the last of the previous page).
    pub after: Option<i64>,
}

/// The view's condition on `b` (bookings), `c` (cells) and `s` (time slots) with `$1` the
/// centre's date and `$2` its time of day now. The time comparisons are
/// `domain::booking::status_at`'s, in SQL so that the list can be paged; the rows' statuses
/// are still computed by the domain.
fn view_condition(view: QueueView) -> String {
    const BEGUN: &str = "(c.date < $1 OR (c.date = $1 AND s.start <= $2))";
    match view {
        QueueView::Status(BookingStatus::Pending) => {
            format!("b.status = 'pending' AND b.released_at IS NULL AND NOT {BEGUN}")
        }
        QueueView::Status(BookingStatus::NotReviewed) => {
            format!("b.status = 'pending' AND (b.released_at IS NOT NULL OR {BEGUN})")
        }
        QueueView::Status(other) => format!("b.status = '{}'", other.code()),
        QueueView::VisitsToMark => "b.status = 'approved' AND c.date < $1".to_owned(),
    }
}

const QUEUE: &str = "SELECT b.id AS booking_id, b.donor_id, b.status, b.created_at, c.date, s.start, c.donation_type, \
     p.name AS place_name, d.email, d.blood_group, d.rh, d.kell, d.donor_code, d.donor_code_changed_at, \
     b.rejection_reason, b.rejection_comment, st.email AS decided_by \
     FROM bookings b JOIN donors d ON d.id = b.donor_id JOIN cells c ON c.id = b.cell_id \
     JOIN time_slots s ON s.id = b.slot_id JOIN places p ON p.id = c.place_id \
     LEFT JOIN staff st ON st.id = b.decided_by";

/// Bookings per page of the queue; [`Listed::truncated`] says there is a next page.
pub const QUEUE_PAGE: usize = 100;
/// A reception day lists every booking of the day up to this many.
pub const DAY_LIMIT: usize = 2000;
/// Audit entries per page.
pub const AUDIT_PAGE: usize = 100;

/// Rows of a list, and whether more matched than it shows.
pub struct Listed<T> {
    pub rows: Vec<T>,
    pub truncated: bool,
}

/// One page of the filter's view, oldest request first ([`QUEUE_PAGE`] bookings), with each
/// donor's other bookings on record and the computed warnings, as of `now`. Keyset paging on
/// (request time, id): a booking decided meanwhile does not shift the next page.
pub async fn queue(db: &Db, filter: &QueueFilter, now: Moment) -> Result<Listed<QueueItem>, sqlx::Error> {
    let condition = format!(
        "{} AND ($6 IS NULL OR (b.created_at, b.id) > (SELECT p.created_at, p.id FROM bookings p WHERE p.id = $6))",
        view_condition(filter.view)
    );
    let query = Query { condition: &condition, date: filter.date, kind: filter.kind, after: filter.after };
    load(db, query, "b.created_at, b.id", QUEUE_PAGE, now).await
}

/// Every booking of one day sorted by time, whatever its status: reception's list.
pub async fn day(db: &Db, date: NaiveDate, now: Moment) -> Result<Listed<QueueItem>, sqlx::Error> {
    let query = Query { condition: "($6 IS NULL OR TRUE)", date: Some(date), kind: None, after: None };
    load(db, query, "s.start, b.id", DAY_LIMIT, now).await
}

/// What [`load`] selects: a condition over `$1` (today), `$2` (time of day now) and `$6`
/// (`after`), and the filters bound as `$3`, `$4`.
struct Query<'a> {
    condition: &'a str,
    date: Option<NaiveDate>,
    kind: Option<DonationType>,
    after: Option<i64>,
}

async fn load(
    db: &Db,
    query: Query<'_>,
    order: &str,
    limit: usize,
    now: Moment,
) -> Result<Listed<QueueItem>, sqlx::Error> {
    let Query { condition, date, kind, after } = query;
    let tz = now.tz;
    let local = now.local();
    let today = local.date();
    // Whole seconds: a time of day is stored without fractions.
    let time_now = local.time().with_nanosecond(0).unwrap_or(local.time());
    let kind = kind.map(|k| k.code());
    // One row more than shown tells whether the list was cut.
    let fetch = i64::try_from(limit + 1).unwrap_or(i64::MAX);
    let mut rows: Vec<QueueRow> = on_pool!(db, pool => sqlx::query_as(&format!(
        "{QUEUE} WHERE {condition} AND ($3 IS NULL OR c.date = $3) AND ($4 IS NULL OR c.donation_type = $4) \
         ORDER BY {order} LIMIT $5"
    )).bind(today).bind(time_now).bind(date).bind(kind).bind(fetch).bind(after).fetch_all(pool).await?);
    let truncated = rows.len() > limit;
    rows.truncate(limit);
    if rows.is_empty() {
        return Ok(Listed { rows: Vec::new(), truncated });
    }
    // Ids are integers from the database, so listing them in the SQL is safe.
    let donors = rows.iter().map(|r| r.donor_id.to_string()).collect::<Vec<_>>().join(",");
    let others: Vec<OtherRow> = on_pool!(db, pool => sqlx::query_as(&format!(
        "SELECT b.donor_id, b.id, c.date, s.start, b.status, c.donation_type FROM bookings b \
         JOIN cells c ON c.id = b.cell_id JOIN time_slots s ON s.id = b.slot_id \
         WHERE b.donor_id IN ({donors}) ORDER BY c.date DESC"
    )).fetch_all(pool).await?);
    let gave: Vec<(i64, NaiveDate, String)> = on_pool!(db, pool => sqlx::query_as(&format!(
        "SELECT donor_id, donated_on, donation_type FROM donations WHERE donor_id IN ({donors})"
    )).fetch_all(pool).await?);
    let mut donations: HashMap<i64, Vec<Donation>> = HashMap::new();
    for (donor_id, on, kind) in gave {
        donations.entry(donor_id).or_default().push(Donation { on, donation_type: decode(&kind)? });
    }
    let intervals = interval_table(db).await?;
    let mut by_donor: HashMap<i64, Vec<(i64, OtherBooking)>> = HashMap::new();
    for o in others {
        let status = status_at(decode(&o.status)?, o.date, o.start, local);
        let other = OtherBooking { date: o.date, time: o.start, status, donation_type: decode(&o.donation_type)? };
        by_donor.entry(o.donor_id).or_default().push((o.id, other));
    }
    let items = rows
        .into_iter()
        .map(|r| {
            let others: Vec<OtherBooking> = by_donor
                .get(&r.donor_id)
                .map(|v| v.iter().filter(|(id, _)| *id != r.booking_id).map(|(_, o)| o.clone()).collect())
                .unwrap_or_default();
            let status = status_at(decode(&r.status)?, r.date, r.start, local);
            let kind = decode(&r.donation_type)?;
            let gave = donations.get(&r.donor_id).map(Vec::as_slice).unwrap_or_default();
            let history = BookingHistory {
                date: r.date,
                kind,
                donations: gave,
                others: &others,
                donor_code_changed_at: r.donor_code_changed_at,
            };
            Ok(QueueItem {
                booking_id: r.booking_id,
                status,
                visit_markable: visit_can_be_marked(status, r.date, today),
                requested_at: r.created_at.with_timezone(&tz).naive_local(),
                date: r.date,
                time: r.start,
                donation_type: kind,
                place_name: r.place_name,
                donor_email: r.email,
                blood: BloodProfile { group: decode(&r.blood_group)?, rh: decode(&r.rh)?, kell: decode(&r.kell)? },
                donor_code: r.donor_code,
                donor_code_changed_at: r.donor_code_changed_at,
                last_donation: last_donation(gave),
                warnings: warnings(&history, now, &intervals),
                other_bookings: others,
                rejection_reason: r.rejection_reason.as_deref().map(decode::<RejectionReason>).transpose()?,
                rejection_comment: r.rejection_comment,
                decided_by: r.decided_by,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Listed { rows: items, truncated })
}

/// The booking as it stood when someone else got there first.
#[derive(Clone, Debug)]
pub struct AlreadyDecided {
    pub status: BookingStatus,
    pub by: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug)]
pub enum ChangeOutcome {
    Changed(BookingFacts),
    AlreadyDecided(AlreadyDecided),
    NotFound,
    /// A visit mark before the booking's day.
    TooEarly,
    /// A decision on a booking whose time has begun (it is «Не рассмотрена» now).
    TimePassed,
}

#[derive(sqlx::FromRow)]
struct Target {
    donor_id: i64,
    cell_id: i64,
    slot_id: i64,
    quota_id: i64,
    status: String,
    date: NaiveDate,
    start: NaiveTime,
    donation_type: String,
    place_name: String,
    place_address: String,
    email: String,
    locale: String,
    decided_at: Option<DateTime<Utc>>,
    decided_by: Option<String>,
}

const TARGET: &str =
    "SELECT b.donor_id, b.cell_id, b.slot_id, b.quota_id, b.status, c.date, s.start, c.donation_type, \
     p.name AS place_name, p.address AS place_address, d.email, d.locale, b.decided_at, st.email AS decided_by \
     FROM bookings b JOIN donors d ON d.id = b.donor_id JOIN cells c ON c.id = b.cell_id \
     JOIN time_slots s ON s.id = b.slot_id JOIN places p ON p.id = c.place_id \
     LEFT JOIN staff st ON st.id = b.decided_by WHERE b.id = $1";

impl Target {
    fn facts(self, booking_id: i64) -> Result<BookingFacts, sqlx::Error> {
        Ok(BookingFacts {
            booking_id,
            cell_id: self.cell_id,
            donor_id: self.donor_id,
            email: self.email,
            locale: Locale::from_code(&self.locale).unwrap_or_default(),
            date: self.date,
            time: self.start,
            donation_type: decode(&self.donation_type)?,
            place_name: self.place_name,
            place_address: self.place_address,
        })
    }

    fn already(&self) -> Result<AlreadyDecided, sqlx::Error> {
        Ok(AlreadyDecided { status: decode(&self.status)?, by: self.decided_by.clone(), at: self.decided_at })
    }
}

/// Which change a registrar makes, and from which status.
pub enum Change {
    Decide(Decision),
    /// «Донация состоялась» (`true`) or «Неявка» (`false`), on or after the booking's day.
    Visit {
        donated: bool,
    },
}

impl Change {
    fn expected_status(&self) -> BookingStatus {
        match self {
            Change::Decide(_) => BookingStatus::Pending,
            Change::Visit { .. } => BookingStatus::Approved,
        }
    }

    pub fn new_status(&self) -> BookingStatus {
        match self {
            Change::Decide(d) => d.status(),
            Change::Visit { donated: true, .. } => BookingStatus::Donated,
            Change::Visit { donated: false, .. } => BookingStatus::NoShow,
        }
    }
}

/// Applies a registrar's change: the status moves only from the expected one; a rejection
/// returns the places; a donation sets the donor's last donation date (R5); the audit row and
/// the donor's e-mail (when `compose` gives one) are written in the same transaction.
pub async fn change(
    db: &Db,
    booking_id: i64,
    staff_id: i64,
    change: &Change,
    at: Moment,
    message_id: &str,
    compose: impl Fn(&BookingFacts) -> Option<Email>,
) -> Result<ChangeOutcome, sqlx::Error> {
    let (from, to) = (change.expected_status(), change.new_status());
    let (reason, comment) = match change {
        Change::Decide(Decision::Reject { reason, comment }) => (Some(reason.code()), comment.clone()),
        _ => (None, None),
    };
    let keep = |out: &ChangeOutcome| matches!(out, ChangeOutcome::Changed(_));
    let now = at.utc;
    let outcome = in_write_tx_keep_if!(db, keep, tx => 'change: {
        let Some(target): Option<Target> = sqlx::query_as(TARGET).bind(booking_id).fetch_optional(&mut *tx).await? else {
            break 'change ChangeOutcome::NotFound;
        };
        if target.status != from.code() {
            break 'change ChangeOutcome::AlreadyDecided(target.already()?);
        }
        match change {
            Change::Decide(_) if !registrar_may_decide(from, target.date, target.start, at.local()) => {
                break 'change ChangeOutcome::TimePassed;
            }
            Change::Visit { .. } if !visit_day_reached(target.date, at.local().date()) => {
                break 'change ChangeOutcome::TooEarly;
            }
            _ => {}
        }
        let updated = match change {
            Change::Decide(_) => sqlx::query(
                "UPDATE bookings SET status = $3, rejection_reason = $4, rejection_comment = $5, decided_at = $6, \
                 decided_by = $7 WHERE id = $1 AND status = $2",
            )
            .bind(booking_id).bind(from.code()).bind(to.code()).bind(reason).bind(&comment).bind(now).bind(staff_id)
            .execute(&mut *tx).await?,
            Change::Visit { .. } => sqlx::query("UPDATE bookings SET status = $3 WHERE id = $1 AND status = $2")
                .bind(booking_id).bind(from.code()).bind(to.code())
                .execute(&mut *tx).await?,
        };
        if updated.rows_affected() == 0 {
            // Another registrar's transaction committed between our read and our update.
            let now_row: Target = sqlx::query_as(TARGET).bind(booking_id).fetch_one(&mut *tx).await?;
            break 'change ChangeOutcome::AlreadyDecided(now_row.already()?);
        }
        if to == BookingStatus::Rejected {
            sqlx::query("UPDATE time_slots SET booked = booked - 1 WHERE id = $1 AND booked > 0")
                .bind(target.slot_id).execute(&mut *tx).await?;
            sqlx::query("UPDATE group_quotas SET booked = booked - 1 WHERE id = $1 AND booked > 0")
                .bind(target.quota_id).execute(&mut *tx).await?;
        }
        if to == BookingStatus::Donated {
            // The donation's day and type, kept after the booking is purged (R5, intervals).
            sqlx::query(
                "INSERT INTO donations (donor_id, donated_on, donation_type, booking_id, recorded_at, recorded_by) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(target.donor_id).bind(target.date).bind(&target.donation_type).bind(booking_id).bind(now).bind(staff_id)
            .execute(&mut *tx).await?;
        }
        let action = match change {
            Change::Decide(_) => "decide",
            Change::Visit { .. } => "visit",
        };
        sqlx::query(
            "INSERT INTO audit_log (at, staff_id, booking_id, action, from_status, to_status, reason, comment) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(now).bind(staff_id).bind(booking_id).bind(action).bind(from.code()).bind(to.code()).bind(reason)
        .bind(&comment)
        .execute(&mut *tx).await?;
        // A reminder still queued for a booking decided otherwise is pointless now.
        if to != BookingStatus::Approved {
            crate::server::mail::outbox::recall(&mut *tx, &super::bookings::reminder_key(booking_id)).await?;
        }
        let facts = target.facts(booking_id)?;
        if let Some(mail) = compose(&facts) {
            outbox::enqueue(&mut *tx, &mail, message_id, now).await?;
        }
        ChangeOutcome::Changed(facts)
    });
    Ok(outcome)
}

/// One row of the audit log as admins read it.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub staff_email: Option<String>,
    pub donor_id: Option<i64>,
    pub client_addr: Option<String>,
    pub booking_id: Option<i64>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub reason: Option<String>,
    pub comment: Option<String>,
}

/// Which audit entries to list; every part optional.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Paging: entries older than this one.
    pub before: Option<i64>,
    pub booking_id: Option<i64>,
    /// Part of the staff member's e-mail, any case.
    pub staff_email_part: Option<String>,
    pub kind: Option<AuditKind>,
    /// `[from, until)`.
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// The `action` values of each kind, as a LIKE pattern.
fn action_pattern(kind: AuditKind) -> &'static str {
    match kind {
        AuditKind::Decisions => "decide",
        AuditKind::Visits => "visit",
        AuditKind::Cancellations => "donor_cancel",
        AuditKind::Lapses => "lapse",
        AuditKind::Places => "place\\_%",
        AuditKind::Intervals => "interval_change",
        AuditKind::Security => "sec\\_%",
        AuditKind::Planning => "plan\\_%",
    }
}

/// `%part%` for LIKE, with LIKE's own wildcards in the input taken literally.
fn contains_pattern(part: &str) -> String {
    let escaped = part.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// A page of at most `limit` entries matching the filter, newest first. Keyset paging: a page
/// stays the same while new entries arrive. The table is only ever inserted into.
pub async fn audit_log(db: &Db, filter: &AuditFilter, limit: usize) -> Result<Listed<AuditRow>, sqlx::Error> {
    let fetch = i64::try_from(limit + 1).unwrap_or(i64::MAX);
    let who = filter.staff_email_part.as_deref().map(contains_pattern);
    let kind = filter.kind.map(action_pattern);
    let mut rows: Vec<AuditRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT a.id, a.at, s.email AS staff_email, a.donor_id, a.client_addr, a.booking_id, a.action, \
                a.from_status, a.to_status, a.reason, a.comment \
         FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id \
         WHERE ($1 IS NULL OR a.id < $1) AND ($2 IS NULL OR a.booking_id = $2) \
           AND ($3 IS NULL OR LOWER(s.email) LIKE $3 ESCAPE '\\') AND ($4 IS NULL OR a.action LIKE $4 ESCAPE '\\') \
           AND ($5 IS NULL OR a.at >= $5) AND ($6 IS NULL OR a.at < $6) \
         ORDER BY a.id DESC LIMIT $7",
    )
    .bind(filter.before).bind(filter.booking_id).bind(who).bind(kind).bind(filter.from).bind(filter.until).bind(fetch)
    .fetch_all(pool).await?);
    let truncated = rows.len() > limit;
    rows.truncate(limit);
    Ok(Listed { rows, truncated })
}
