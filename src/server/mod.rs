//! Everything that runs only on the server: configuration, state, storage, HTTP plumbing.

pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod errors;
pub mod http;
pub mod serve;
pub mod state;
