//! The centre's names and contacts, as configured, for the header, footer and texts.

use crate::domain::centre::Centre;
use crate::error::AppError;
use leptos::prelude::*;

/// Public: the same for every visitor.
#[server(endpoint = "centre")]
pub async fn centre_info() -> Result<Centre, AppError> {
    crate::server::frame::anyone(|call| async move { Ok((*call.state.centre).clone()) }).await
}
