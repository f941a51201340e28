//! Pure domain model and rules, compiled for the server and the WASM client alike.
//! No I/O and no clock reads here: "now" and "today" are always parameters.

/// Declares a closed set of values with a stable storage code and Russian and English labels.
macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal, $ru:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($variant),+ }

        impl $crate::domain::Coded for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl $crate::domain::Labelled for $name {
            fn label(&self, locale: $crate::domain::Locale) -> &'static str {
                match locale {
                    $crate::domain::Locale::Ru => match self { $($name::$variant => $ru),+ },
                    $crate::domain::Locale::En => match self { $($name::$variant => $en),+ },
                }
            }
        }
    };
}

pub mod account;
pub mod blood;
pub mod booking;
pub mod calendar;
pub mod cells;
pub mod centre;
pub mod decision;
pub mod device;
pub mod donation;
pub mod donor_code;
pub mod events;
pub mod intervals;
pub mod locale;
pub mod moderation;
pub mod notices;
pub mod places;
pub mod planning;
pub mod rules;

pub use blood::{BloodGroup, BloodProfile, Kell, Rh};
pub use booking::{BookingStatus, RejectionReason};
pub use cells::{GroupNeed, TimeSlot};
pub use donation::DonationType;
pub use donor_code::DonorCode;
pub use locale::Locale;
pub use rules::{Blocked, DonorState, Rule};

/// A value stored in the database and sent over the wire by a stable code.
pub trait Coded: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
}

/// A value shown to people, in Russian or English.
pub trait Labelled {
    fn label(&self, locale: Locale) -> &'static str;
}
