//! Which client a page loads (README, "The client"). Decided by the path alone, by the server
//! when it writes the page's scripts and by the client when it starts, so both agree.
//!
//! Donor pages are islands: the server renders them whole and only their interactive parts
//! hydrate, from a WASM that holds nothing else. Staff pages hydrate whole (desktops, many
//! forms) from their own WASM, which donors never download.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bundle {
    /// The public pages, registration, login and the booking pages without the dialog: the
    /// live list of cells is their only island.
    Public,
    /// The cabinet: the bookings, the cells and the booking dialog as one island.
    Donor,
    /// Every staff page, fully hydrated, with client-side navigation between them.
    Staff,
}

impl Bundle {
    pub const ALL: [Bundle; 3] = [Bundle::Public, Bundle::Donor, Bundle::Staff];

    pub fn for_path(path: &str) -> Bundle {
        if path == "/staff" || path.starts_with("/staff/") {
            Bundle::Staff
        } else if path == "/cabinet" {
            Bundle::Donor
        } else {
            Bundle::Public
        }
    }

    /// The name scripts/build gives this bundle's files (before their content hash).
    pub fn code(self) -> &'static str {
        match self {
            Bundle::Public => "public",
            Bundle::Donor => "donor",
            Bundle::Staff => "staff",
        }
    }

    /// Islands mode (only the islands hydrate) rather than hydrating the whole page.
    pub fn hydrates_islands(self) -> bool {
        self != Bundle::Staff
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_pages_and_the_cabinet_have_their_own_clients() {
        assert_eq!(Bundle::for_path("/staff/moderation"), Bundle::Staff);
        assert_eq!(Bundle::for_path("/staff"), Bundle::Staff);
        assert_eq!(Bundle::for_path("/cabinet"), Bundle::Donor);
        // The booking pages work without the dialog; a lookalike path is not staff.
        assert_eq!(Bundle::for_path("/cabinet/book/3"), Bundle::Public);
        assert_eq!(Bundle::for_path("/staffing"), Bundle::Public);
        assert_eq!(Bundle::for_path("/"), Bundle::Public);
        assert!(!Bundle::Staff.hydrates_islands() && Bundle::Donor.hydrates_islands());
    }
}
