//! Authentication: password hashing, single-use e-mail tokens, database sessions, and the
//! throttle on failed logins.

pub mod passwords;
pub mod sessions;
pub mod throttle;
pub mod tokens;
