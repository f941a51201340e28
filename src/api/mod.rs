//! Server functions, grouped by area. Each one: authorise → domain → store → map errors.
//! Fixed endpoints (`/api/<name>`) keep URLs stable for tests, benchmarks and the CSRF guard.

pub mod auth;
pub mod booking;
pub mod cells;
pub mod centre;
pub mod donors;
pub mod intervals;
pub mod moderation;
pub mod places;
pub mod planning;
pub mod privacy;
pub mod profile;
pub mod staff;
