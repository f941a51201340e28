//! A typed client of the server functions: the request is the crate's own server-function
//! argument struct, the answer its own output type or `AppError`. Every call also checks that
//! the HTTP status is the one the error stands for (so a refusal can never pass as a 500).

use donor_booking::error::AppError;
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;

#[derive(Clone)]
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    /// The `session` cookie's value, for a logged-in caller.
    pub session: Option<String>,
}

impl Api {
    pub fn anonymous(base: &str) -> Api {
        Api { http: client(), base: base.to_owned(), session: None }
    }

    pub fn with_session(base: &str, session: &str) -> Api {
        Api { http: client(), base: base.to_owned(), session: Some(session.to_owned()) }
    }

    /// A client that keeps cookies itself (a staff member logged in through `/api/login`).
    pub fn from_client(base: &str, http: reqwest::Client) -> Api {
        Api { http, base: base.to_owned(), session: None }
    }

    /// Calls the server function whose arguments `args` are, as the WASM client does.
    pub async fn call<S>(&self, args: S) -> Result<S::Output, AppError>
    where
        S: ServerFn + Serialize,
        S::Output: DeserializeOwned,
    {
        let (status, result) = self.call_with_status(args).await;
        match &result {
            Ok(_) => assert_eq!(status, StatusCode::OK, "{} answered {status}", S::PATH),
            Err(err) => assert_eq!(status.as_u16(), err.status_code(), "{} answered {status} for {err:?}", S::PATH),
        }
        result
    }

    /// Like [`Api::call`], with the HTTP status as it came.
    pub async fn call_with_status<S>(&self, args: S) -> (StatusCode, Result<S::Output, AppError>)
    where
        S: ServerFn + Serialize,
        S::Output: DeserializeOwned,
    {
        let mut req = self.http.post(format!("{}{}", self.base, S::PATH)).form(&args);
        if let Some(session) = &self.session {
            req = req.header("cookie", format!("session={session}"));
        }
        let resp = req.send().await.unwrap_or_else(|e| panic!("POST {}: {e}", S::PATH));
        let status = resp.status();
        let body = resp.text().await.expect("body");
        let result = if status.is_success() {
            Ok(serde_json::from_str(&body).unwrap_or_else(|e| panic!("{}: {e}: {body}", S::PATH)))
        } else {
            Err(serde_json::from_str(&body).unwrap_or_else(|e| panic!("{} {status}: {e}: {body}", S::PATH)))
        };
        (status, result)
    }
}

/// A client that does not follow redirects (tests look at them).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// The rule of a `Blocked` refusal and its day, for assertions.
pub fn rule_of(
    result: &Result<impl std::fmt::Debug, AppError>,
) -> (donor_booking::domain::Rule, Option<chrono::NaiveDate>) {
    match result {
        Err(AppError::Blocked(b)) => (b.rule, b.until),
        other => panic!("not a rule refusal: {other:?}"),
    }
}

/// The audit log's server-function call for a filter.
pub fn audit(q: donor_booking::model::moderation::AuditQuery) -> donor_booking::api::moderation::AuditEntries {
    donor_booking::api::moderation::AuditEntries {
        before: q.before,
        booking: q.booking,
        who: q.who,
        kind: q.kind,
        from: q.from,
        to: q.to,
    }
}
