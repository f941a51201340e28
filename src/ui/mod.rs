//! Pages and components. No SQL and no business rules here: the domain decides, the UI shows.

pub mod access;
pub mod alerts;
pub mod booking;
pub mod bundle;
pub mod cells;
pub mod centre;
pub mod forms;
pub mod layout;
pub mod links;
pub mod live;
pub mod live_cabinet;
pub mod live_cells;
pub mod locale;
pub mod page_html;
pub mod pages;
