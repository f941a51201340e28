//! A server on a fresh database with no demo data, and the cells and donors a test needs,
//! written through the crate's own stores.

use super::api::{client, Api};
use super::{Backend, ServerOptions, TestServer};
use chrono::{Days, NaiveDate, NaiveTime, Utc};
use donor_booking::api::booking::Book;
use donor_booking::domain::{BloodGroup, BloodProfile, Coded, DonationType, Kell, Rh};
use donor_booking::error::AppError;
use donor_booking::server::db::cells::{create_cell, NewCell};
use donor_booking::server::db::Db;
use donor_booking::server::synthetic::donors_with_sessions;
use sqlx::Row;

pub const A_POS: BloodProfile = BloodProfile { group: BloodGroup::A, rh: Rh::Positive, kell: Kell::Negative };

pub fn moscow_today() -> NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Europe::Moscow).date_naive()
}

pub fn time(hm: &str) -> NaiveTime {
    NaiveTime::parse_from_str(hm, "%H:%M").expect("HH:MM")
}

pub struct Fixture {
    pub server: TestServer,
    pub db: Db,
    pub http: reqwest::Client,
}

impl Fixture {
    pub async fn start(backend: Backend) -> Fixture {
        Fixture::start_with(backend, ServerOptions { demo_data: false, ..Default::default() }).await
    }

    pub async fn start_with(backend: Backend, options: ServerOptions) -> Fixture {
        let server = TestServer::start_with(backend, options).await;
        let db = Db::connect(&server.db.url).await.expect("connect");
        Fixture { server, db, http: client() }
    }

    /// A cell `days_ahead` from today with the given times (places each), needing `need_a_pos`
    /// A(II) Rh+ donors and five 0(I) Rh− donors.
    pub async fn cell(&self, days_ahead: u64, kind: DonationType, times: &[(&str, u32)], need_a_pos: u32) -> i64 {
        let cell = NewCell {
            place_name: "Центр крови",
            place_address: "ул. Донорская, 1",
            date: moscow_today() + Days::new(days_ahead),
            donation_type: kind,
            slots: times.iter().map(|(t, c)| (time(t), *c)).collect(),
            needs: vec![(BloodGroup::A, Rh::Positive, false, need_a_pos), (BloodGroup::O, Rh::Negative, false, 5)],
        };
        create_cell(&self.db, &cell, Utc::now()).await.expect("create cell").expect("new cell")
    }

    /// `n` confirmed donors with live sessions: (id, session).
    pub async fn donors(&self, prefix: &str, n: usize, blood: BloodProfile) -> Vec<(i64, String)> {
        donors_with_sessions(&self.db, prefix, n, blood, Utc::now()).await.expect("donors")
    }

    pub async fn donor(&self, prefix: &str) -> (i64, Api) {
        let (id, session) = self.donors(prefix, 1, A_POS).await.remove(0);
        (id, self.api(&session))
    }

    pub fn api(&self, session: &str) -> Api {
        Api::with_session(&self.server.base, session)
    }

    pub fn anonymous(&self) -> Api {
        Api::anonymous(&self.server.base)
    }

    /// A donation on record, as a registrar's «Донация состоялась» leaves it.
    pub async fn gave(&self, donor: i64, days_ago: u64, kind: DonationType) {
        let pool = self.server.db.pool().await;
        let on = self.date_sql(moscow_today() - Days::new(days_ago));
        sqlx::query(&format!(
            "INSERT INTO donations (donor_id, donated_on, donation_type, recorded_at) VALUES ($1, {on}, '{}', CURRENT_TIMESTAMP)",
            kind.code()
        ))
        .bind(donor)
        .execute(&pool)
        .await
        .expect("insert donation");
    }

    /// A date as an SQL literal of the backend (the test pool cannot bind dates).
    pub fn date_sql(&self, date: NaiveDate) -> String {
        match self.server.db.backend {
            Backend::Postgres => format!("DATE '{date}'"),
            Backend::Sqlite => format!("'{date}'"),
        }
    }

    pub async fn count(&self, sql: &str) -> i64 {
        let pool = self.server.db.pool().await;
        sqlx::query(sql).fetch_one(&pool).await.expect(sql).get::<i64, _>(0)
    }

    pub async fn scalar(&self, sql: &str, id: i64) -> i64 {
        let pool = self.server.db.pool().await;
        sqlx::query(sql).bind(id).fetch_one(&pool).await.expect(sql).get::<i64, _>(0)
    }
}

/// «Записаться» with «Подтверждаю запись» ticked.
pub fn book(cell_id: i64, at: &str) -> Book {
    Book { cell_id, time: at.to_owned(), confirmed: Some("on".into()) }
}

impl Api {
    pub async fn book(&self, cell_id: i64, at: &str) -> Result<i64, AppError> {
        self.call(book(cell_id, at)).await
    }
}
