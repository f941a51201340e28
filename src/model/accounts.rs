//! Accounts on the wire: who is logged in, confirmation outcomes, the donor's profile, staff.

use crate::domain::account::StaffRole;
use crate::domain::BloodProfile;
use serde::{Deserialize, Serialize};

/// Who is logged in, as the pages need it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SessionInfo {
    Donor { email: String, email_confirmed: bool },
    Staff { role: StaffRole },
}

/// The outcome of following a confirmation link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfirmOutcome {
    Confirmed,
    Expired,
    AlreadyUsed,
    Invalid,
}

/// What a donor typed into the registration form, kept for a page load when it was refused
/// without JavaScript (the passwords are never kept).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RegistrationDraft {
    pub email: String,
    pub blood_group: String,
    pub rh: String,
    pub kell: String,
    pub donor_code: String,
    pub consent: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DonorProfileView {
    pub email: String,
    pub blood: BloodProfile,
    pub donor_code: String,
    pub email_confirmed: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: i64,
    pub email: String,
    pub role: StaffRole,
    pub disabled: bool,
    /// Has not chosen their own password yet (or an admin required a new one).
    pub must_change_password: bool,
    /// The admin looking at the list.
    pub is_me: bool,
}
