//! Everything that runs only on the server: configuration, state, storage, HTTP plumbing.

pub mod accounts;
pub mod auth;
pub mod booking;
pub mod cells;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod errors;
pub mod events;
pub mod form_echo;
pub mod frame;
pub mod http;
pub mod intervals;
pub mod mail;
pub mod moderation;
pub mod place_cli;
pub mod places;
pub mod planning;
pub mod reception;
pub mod request;
pub mod retention;
pub mod serve;
pub mod staff_cli;
pub mod state;
pub mod synthetic;
