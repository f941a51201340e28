//! A donor's rights under 152-ФЗ: everything the system holds about them (the export), and
//! the destruction of it (deleting the account, or withdrawing consent, which is the same).

use super::bookings::reminder_key;
use super::{decode, in_write_tx, on_pool, Db};
use crate::domain::{BloodProfile, BookingStatus, DonationType};
use crate::model::privacy::{
    AccountEvent, BookingOnRecord, ConsentRecord, DonationOnRecord, MailOnRecord, ProfileRecord,
};
use crate::server::mail::outbox;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

#[derive(sqlx::FromRow)]
struct ProfileRow {
    email: String,
    blood_group: String,
    rh: String,
    kell: String,
    donor_code: String,
    locale: String,
    created_at: DateTime<Utc>,
    email_confirmed_at: Option<DateTime<Utc>>,
    last_self_cancel_at: Option<DateTime<Utc>>,
    consent_version: String,
    consent_at: DateTime<Utc>,
    consent_ip: Option<String>,
}

/// The donor's profile and what they consented to (with the exact text of that version).
pub async fn profile_and_consent(
    db: &Db,
    donor_id: i64,
) -> Result<Option<(ProfileRecord, ConsentRecord)>, sqlx::Error> {
    let row: Option<ProfileRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT email, blood_group, rh, kell, donor_code, locale, created_at, email_confirmed_at, \
         last_self_cancel_at, consent_version, consent_at, consent_ip FROM donors WHERE id = $1",
    ).bind(donor_id).fetch_optional(pool).await?);
    let Some(r) = row else { return Ok(None) };
    let texts: Vec<(String, String)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT locale, text FROM consent_texts WHERE version = $1 ORDER BY locale DESC",
    ).bind(&r.consent_version).fetch_all(pool).await?);
    let profile = ProfileRecord {
        email: r.email,
        blood: BloodProfile { group: decode(&r.blood_group)?, rh: decode(&r.rh)?, kell: decode(&r.kell)? },
        donor_code: r.donor_code,
        language: r.locale,
        registered_at: r.created_at,
        email_confirmed_at: r.email_confirmed_at,
        last_self_cancel_at: r.last_self_cancel_at,
    };
    let consent =
        ConsentRecord { version: r.consent_version, given_at: r.consent_at, client_addr: r.consent_ip, texts };
    Ok(Some((profile, consent)))
}

#[derive(sqlx::FromRow)]
struct BookingRow {
    id: i64,
    date: NaiveDate,
    start: NaiveTime,
    donation_type: String,
    place_name: String,
    status: String,
    rejection_reason: Option<String>,
    rejection_comment: Option<String>,
    created_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
}

/// Every booking still on record (R6 purges older ones), newest first.
pub async fn bookings_on_record(db: &Db, donor_id: i64) -> Result<Vec<BookingOnRecord>, sqlx::Error> {
    let rows: Vec<BookingRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT b.id, c.date, s.start, c.donation_type, p.name AS place_name, b.status, b.rejection_reason, \
         b.rejection_comment, b.created_at, b.decided_at \
         FROM bookings b JOIN cells c ON c.id = b.cell_id JOIN time_slots s ON s.id = b.slot_id \
         JOIN places p ON p.id = c.place_id WHERE b.donor_id = $1 ORDER BY c.date DESC, s.start DESC, b.id DESC",
    ).bind(donor_id).fetch_all(pool).await?);
    rows.into_iter()
        .map(|r| {
            Ok(BookingOnRecord {
                id: r.id,
                date: r.date,
                time: r.start,
                donation_type: decode(&r.donation_type)?,
                place: r.place_name,
                status: decode::<BookingStatus>(&r.status)?,
                rejection_reason: r.rejection_reason.as_deref().map(decode).transpose()?,
                rejection_comment: r.rejection_comment,
                created_at: r.created_at,
                decided_at: r.decided_at,
            })
        })
        .collect()
}

pub async fn donations_on_record(db: &Db, donor_id: i64) -> Result<Vec<DonationOnRecord>, sqlx::Error> {
    let rows: Vec<(NaiveDate, String)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT donated_on, donation_type FROM donations WHERE donor_id = $1 ORDER BY donated_on DESC",
    ).bind(donor_id).fetch_all(pool).await?);
    rows.into_iter()
        .map(|(date, kind)| Ok(DonationOnRecord { date, donation_type: decode::<DonationType>(&kind)? }))
        .collect()
}

/// The e-mails to the address still kept (bodies are deleted once sent), newest first.
pub async fn mail_to(db: &Db, email: &str) -> Result<Vec<MailOnRecord>, sqlx::Error> {
    type MailRow = (String, String, DateTime<Utc>, Option<DateTime<Utc>>);
    let rows: Vec<MailRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT subject, status, created_at, sent_at FROM mail_outbox WHERE recipient = $1 ORDER BY id DESC",
    ).bind(email).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .map(|(subject, status, queued_at, sent_at)| MailOnRecord { subject, status, queued_at, sent_at })
        .collect())
}

/// The security trail about the account (logins, logouts, password changes), newest first.
pub async fn account_events(db: &Db, donor_id: i64) -> Result<Vec<AccountEvent>, sqlx::Error> {
    let rows: Vec<(DateTime<Utc>, String, Option<String>)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT at, action, client_addr FROM audit_log WHERE donor_id = $1 ORDER BY at DESC, id DESC",
    ).bind(donor_id).fetch_all(pool).await?);
    Ok(rows.into_iter().map(|(at, action, client_addr)| AccountEvent { at, action, client_addr }).collect())
}

/// Why a donor's data was destroyed (stored in `data_destructions.reason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DestructionReason {
    DonorRequest,
    ConsentWithdrawn,
}

impl DestructionReason {
    pub fn code(self) -> &'static str {
        match self {
            DestructionReason::DonorRequest => "donor_request",
            DestructionReason::ConsentWithdrawn => "consent_withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<DestructionReason> {
        match code {
            "donor_request" => Some(DestructionReason::DonorRequest),
            "consent_withdrawn" => Some(DestructionReason::ConsentWithdrawn),
            _ => None,
        }
    }
}

/// What a destruction did: the active booking it cancelled (for live pages) and the record.
#[derive(Clone, Debug)]
pub struct Destroyed {
    pub destruction_id: i64,
    /// (booking, cell) of the active booking whose places returned.
    pub cancelled: Option<(i64, i64)>,
    pub what: String,
}

/// Destroys the donor's data in one transaction: an active booking is cancelled and its
/// places return; audit rows about the donor lose their identity (donor, address, free text)
/// and point at the destruction record instead; queued and kept e-mails to the address go;
/// the account and everything that cascades from it (bookings, donations, sessions, links,
/// alert subscription) is deleted; the destruction is recorded (what and why, no personal data).
pub async fn destroy_donor(
    db: &Db,
    donor_id: i64,
    reason: DestructionReason,
    now: DateTime<Utc>,
) -> Result<Option<Destroyed>, sqlx::Error> {
    Ok(in_write_tx!(db, tx => 'destroy: {
        let email: Option<String> = sqlx::query_scalar("SELECT email FROM donors WHERE id = $1")
            .bind(donor_id).fetch_optional(&mut *tx).await?;
        let Some(email) = email else { break 'destroy None };
        // The active booking gives its places back, as a cancellation would.
        let active: Option<(i64, i64, i64, i64)> = sqlx::query_as(
            "UPDATE bookings SET status = 'cancelled', decided_at = $2 \
             WHERE donor_id = $1 AND status IN ('pending', 'approved') AND released_at IS NULL \
             RETURNING id, cell_id, slot_id, quota_id",
        )
        .bind(donor_id).bind(now).fetch_optional(&mut *tx).await?;
        if let Some((booking_id, _, slot_id, quota_id)) = &active {
            sqlx::query("UPDATE time_slots SET booked = booked - 1 WHERE id = $1 AND booked > 0")
                .bind(slot_id).execute(&mut *tx).await?;
            sqlx::query("UPDATE group_quotas SET booked = booked - 1 WHERE id = $1 AND booked > 0")
                .bind(quota_id).execute(&mut *tx).await?;
            outbox::recall(&mut *tx, &reminder_key(*booking_id)).await?;
        }
        let bookings: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bookings WHERE donor_id = $1")
            .bind(donor_id).fetch_one(&mut *tx).await?;
        let donations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM donations WHERE donor_id = $1")
            .bind(donor_id).fetch_one(&mut *tx).await?;
        let mail = sqlx::query("DELETE FROM mail_outbox WHERE recipient = $1")
            .bind(&email).execute(&mut *tx).await?.rows_affected();
        let what = format!(
            "account, profile, consent record, sessions, e-mail links, alert subscription; \
             bookings: {bookings}; donations: {donations}; e-mails: {mail}"
        );
        let destruction_id: i64 = sqlx::query_scalar(
            "INSERT INTO data_destructions (at, reason, what) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(now).bind(reason.code()).bind(&what).fetch_one(&mut *tx).await?;
        if let Some((booking_id, ..)) = &active {
            // The cancellation stays in the audit log, already without the donor's identity.
            sqlx::query(
                "INSERT INTO audit_log (at, staff_id, booking_id, action, from_status, to_status, erased_in) \
                 VALUES ($1, NULL, $2, 'donor_erased', NULL, 'cancelled', $3)",
            )
            .bind(now).bind(booking_id).bind(destruction_id).execute(&mut *tx).await?;
        }
        // The one update the audit log allows (migration 0010's trigger). A failed login for
        // the address before the account existed kept the address typed: it goes too.
        let erased = sqlx::query(
            "UPDATE audit_log SET donor_id = NULL, client_addr = NULL, comment = NULL, erased_in = $2 \
             WHERE erased_in IS NULL AND (donor_id = $1 \
                OR booking_id IN (SELECT id FROM bookings WHERE donor_id = $1) \
                OR lower(comment) = lower($3))",
        )
        .bind(donor_id).bind(destruction_id).bind(&email).execute(&mut *tx).await?.rows_affected();
        let what = format!("{what}; audit entries anonymised: {erased}");
        sqlx::query("UPDATE data_destructions SET what = $2 WHERE id = $1")
            .bind(destruction_id).bind(&what).execute(&mut *tx).await?;
        // Bookings, donations, sessions, tokens and the subscription cascade.
        sqlx::query("DELETE FROM donors WHERE id = $1").bind(donor_id).execute(&mut *tx).await?;
        Some(Destroyed {
            destruction_id,
            cancelled: active.map(|(booking, cell, ..)| (booking, cell)),
            what,
        })
    }))
}
