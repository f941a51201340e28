//! The integration tests: the real server binary on a random port, a fresh database each
//! (SQLite and PostgreSQL), driven through the crate's own server-function types.
//! One binary, so the harness is compiled and linked once.

#[macro_use]
#[path = "../support/mod.rs"]
mod support;

mod accounts;
mod booking;
mod donor_rights;
mod donors;
mod eligibility;
mod faults;
mod foundation;
mod moderation;
mod open_pages;
mod places;
mod planning;
mod planning_week;
mod reception;
mod rejection;
mod staff;
mod time;
