//! The wire types: what server functions take and return, in one home. Built from `domain`
//! values, compiled for both halves. Stores may return them; `api` and `ui` use them.
//! Import directions (checked by `scripts/check-imports`): `domain` imports none of the
//! crate's other modules, `model` only `domain`, `server` never `api`, `ui` never `server`.

pub mod accounts;
pub mod booking;
pub mod cells;
pub mod donors;
pub mod moderation;
pub mod planning;
pub mod privacy;
