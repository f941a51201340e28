//! Time moves on: with the server's clock injected (`TEST_CLOCK_FILE`), a booking nobody
//! decided is «Не рассмотрена» from its time, an approved one stops holding the donor at the
//! centre's midnight and waits to be marked, and no rule waits for the tidy-up job.

use crate::support::api::audit;
use crate::support::api::Api;
use crate::support::fixture::{moscow_today, Fixture};
use crate::support::staff_api;
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use donor_booking::api::booking::MyBookings;
use donor_booking::api::moderation::{DecideBooking, MarkVisit, ModerationQueue};
use donor_booking::domain::account::Principal;
use donor_booking::domain::decision::Moment;
use donor_booking::domain::{BookingStatus, DonationType, Locale, Rule};
use donor_booking::error::AppError;
use donor_booking::i18n::texts;
use donor_booking::model::moderation::AuditQuery;
use donor_booking::server::auth::sessions;
use donor_booking::server::db::bookings::release_all_lapsed;

const MSK: chrono_tz::Tz = chrono_tz::Europe::Moscow;

/// A wall-clock time in Moscow on `day`.
fn msk(day: NaiveDate, h: u32, m: u32, s: u32) -> DateTime<Utc> {
    MSK.from_local_datetime(&day.and_hms_opt(h, m, s).unwrap()).unwrap().with_timezone(&Utc)
}

/// Two plasma cells at 09:00: one in two days (the booking under test), one in five days
/// (the donor's next booking). The server's clock starts the day before the first.
struct Clocked {
    f: Fixture,
    day: NaiveDate,
    first: i64,
    later: i64,
}

impl Clocked {
    async fn start(backend: crate::support::Backend) -> Clocked {
        let f = Fixture::start(backend).await;
        let first = f.cell(2, DonationType::Plasma, &[("09:00", 5)], 5).await;
        let later = f.cell(5, DonationType::Plasma, &[("09:00", 5)], 5).await;
        let day = moscow_today() + Days::new(2);
        f.server.set_clock(msk(day - Days::new(1), 12, 0, 0));
        Clocked { f, day, first, later }
    }

    /// Moves the server's clock; sessions are then started at that instant.
    fn at(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.f.server.set_clock(now);
        now
    }

    async fn donor_session(&self, donor: i64, now: DateTime<Utc>) -> Api {
        let secret = sessions::create(&self.f.db, Principal::Donor { id: donor }, now, None).await.expect("session");
        self.f.api(&secret)
    }

    /// A registrar logged in through the server at its current clock.
    async fn registrar(&self, n: u32) -> Api {
        staff_api(&self.f.server, &format!("registrar{n}@centre.example"), "registrar", "registrar-long-phrase-1").await
    }

    async fn status_for_donor(&self, api: &Api, booking: i64) -> BookingStatus {
        let rows = api.call(MyBookings {}).await.expect("my bookings");
        rows.into_iter().find(|r| r.record.id == booking).expect("booking on record").record.status
    }
}

fn queue(view: &str) -> ModerationQueue {
    ModerationQueue { status: Some(view.into()), date: None, donation_type: None, after: None }
}

fn ids(items: &[donor_booking::model::moderation::QueueItem]) -> Vec<i64> {
    items.iter().map(|i| i.booking_id).collect()
}

async fn an_undecided_booking_is_not_reviewed_from_its_time(backend: crate::support::Backend) {
    let c = Clocked::start(backend).await;
    let (donor, _) = c.f.donor("late").await;
    let api = c.donor_session(donor, msk(c.day - Days::new(1), 12, 0, 0)).await;
    let booking = api.book(c.first, "09:00").await.expect("booked the day before");

    // A minute before its time it is pending, holds the donor (R3) and can be decided.
    let now = c.at(msk(c.day, 8, 59, 0));
    let api = c.donor_session(donor, now).await;
    assert_eq!(c.status_for_donor(&api, booking).await, BookingStatus::Pending);
    assert!(matches!(api.book(c.later, "09:00").await, Err(AppError::Blocked(b)) if b.rule == Rule::R3));
    let registrar = c.registrar(1).await;
    assert_eq!(ids(&registrar.call(queue("pending")).await.unwrap().items), [booking]);

    // At its time nothing has run, yet it is «Не рассмотрена» everywhere and holds no one.
    c.at(msk(c.day, 9, 0, 0));
    assert_eq!(c.status_for_donor(&api, booking).await, BookingStatus::NotReviewed);
    assert!(registrar.call(queue("pending")).await.unwrap().items.is_empty(), "no longer in the queue");
    let not_reviewed = registrar.call(queue("not_reviewed")).await.unwrap().items;
    assert_eq!(ids(&not_reviewed), [booking]);
    assert_eq!(not_reviewed[0].status, BookingStatus::NotReviewed);
    let approve = DecideBooking { booking_id: booking, decision: "approve".into(), reason: None, comment: None };
    let refused = registrar.call(approve).await;
    assert_eq!(refused, Err(AppError::Conflict { message: texts(Locale::Ru).moderation_time_passed.into() }));
    let calendars = c.f.count("SELECT COUNT(*) FROM mail_outbox WHERE attachment_name IS NOT NULL").await;
    assert_eq!(calendars, 0, "no confirmation (nor calendar entry) for a time already gone");

    // The donor books again; that booking writes down the old one's end in the audit log.
    let next = api.book(c.later, "09:00").await.expect("R3 released");
    assert_ne!(next, booking);
    assert_eq!(c.status_for_donor(&api, booking).await, BookingStatus::NotReviewed);
    let admin = staff_api(&c.f.server, "admin@centre.example", "admin", "admin-long-phrase-1").await;
    let audit = admin.call(audit(AuditQuery::default())).await.unwrap().entries;
    let lapse = audit.iter().find(|e| e.booking_id == Some(booking) && e.action == "lapse").expect("lapse audited");
    assert_eq!((lapse.from_status, lapse.to_status), (Some(BookingStatus::Pending), Some(BookingStatus::NotReviewed)));
    assert_eq!(lapse.staff_email, None);
}

async fn an_approved_visit_releases_the_donor_at_moscow_midnight(backend: crate::support::Backend) {
    let c = Clocked::start(backend).await;
    let (donor, _) = c.f.donor("visit").await;
    let api = c.donor_session(donor, msk(c.day - Days::new(1), 12, 0, 0)).await;
    let booking = api.book(c.first, "09:00").await.expect("booked");
    let registrar = c.registrar(1).await;
    let approve = DecideBooking { booking_id: booking, decision: "approve".into(), reason: None, comment: None };
    assert_eq!(registrar.call(approve).await, Ok(BookingStatus::Approved));

    // Late on the visit's day the approved booking still holds the donor…
    let now = c.at(msk(c.day, 23, 59, 59));
    let api = c.donor_session(donor, now).await;
    assert!(matches!(api.book(c.later, "09:00").await, Err(AppError::Blocked(b)) if b.rule == Rule::R3));
    let registrar = c.registrar(1).await;
    assert!(registrar.call(queue("visits_to_mark")).await.unwrap().items.is_empty(), "its day is not over yet");

    // …and from Moscow midnight (21:00 UTC) it does not: it waits for its visit mark.
    let midnight = c.at(msk(c.day + Days::new(1), 0, 0, 0));
    assert_eq!(midnight.format("%H:%M").to_string(), "21:00");
    assert_eq!(c.status_for_donor(&api, booking).await, BookingStatus::Approved);
    let next = api.book(c.later, "09:00").await.expect("R3 released at midnight");
    let to_mark = registrar.call(queue("visits_to_mark")).await.unwrap().items;
    assert_eq!(ids(&to_mark), [booking]);
    assert!(to_mark[0].visit_markable);
    let mark = MarkVisit { booking_id: booking, outcome: "donated".into() };
    assert_eq!(registrar.call(mark).await, Ok(BookingStatus::Donated));
    assert!(registrar.call(queue("visits_to_mark")).await.unwrap().items.is_empty());
    // The new booking stays, and the donation is on record for R5 and the intervals.
    assert_eq!(c.status_for_donor(&api, next).await, BookingStatus::Pending);
    assert_eq!(c.f.scalar("SELECT COUNT(*) FROM donations WHERE donor_id = $1", donor).await, 1);
}

async fn the_tidy_up_job_writes_down_what_the_rules_already_read(backend: crate::support::Backend) {
    let c = Clocked::start(backend).await;
    let t0 = msk(c.day - Days::new(1), 12, 0, 0);
    let mut booked = Vec::new();
    for name in ["tidy-a", "tidy-b"] {
        let (donor, _) = c.f.donor(name).await;
        let api = c.donor_session(donor, t0).await;
        booked.push(api.book(c.first, "09:00").await.expect("booked"));
    }
    let registrar = c.registrar(1).await;
    let approve = DecideBooking { booking_id: booked[1], decision: "approve".into(), reason: None, comment: None };
    assert_eq!(registrar.call(approve).await, Ok(BookingStatus::Approved));
    let at = |utc| Moment { utc, tz: MSK };
    assert_eq!(release_all_lapsed(&c.f.db, at(msk(c.day, 8, 59, 0))).await.unwrap(), 0, "nothing has lapsed");
    // At 09:00 the pending one lapses; the approved one only at midnight.
    assert_eq!(release_all_lapsed(&c.f.db, at(msk(c.day, 9, 0, 0))).await.unwrap(), 1);
    assert_eq!(release_all_lapsed(&c.f.db, at(msk(c.day + Days::new(1), 0, 0, 0))).await.unwrap(), 1);
    assert_eq!(release_all_lapsed(&c.f.db, at(msk(c.day + Days::new(1), 0, 1, 0))).await.unwrap(), 0, "once");
    let lapses = c.f.count("SELECT COUNT(*) FROM audit_log WHERE action = 'lapse'").await;
    assert_eq!(lapses, 1, "the pending booking's end is in the audit log, once");
    let released = c.f.count("SELECT COUNT(*) FROM bookings WHERE released_at IS NOT NULL").await;
    assert_eq!(released, 2);
}

on_both_backends!(
    an_undecided_booking_is_not_reviewed_from_its_time,
    an_approved_visit_releases_the_donor_at_moscow_midnight,
    the_tidy_up_job_writes_down_what_the_rules_already_read,
);
