//! Blood group, Rh factor and Kell antigen, in the Russian notation the centre uses.

use super::{Labelled, Locale};
use serde::{Deserialize, Serialize};

labelled_enum! {
    /// ABO group. Russian notation `0(I)`, `A(II)`, `B(III)`, `AB(IV)`.
    BloodGroup {
        O => "O", "0(I)", "O(I)";
        A => "A", "A(II)", "A(II)";
        B => "B", "B(III)", "B(III)";
        AB => "AB", "AB(IV)", "AB(IV)";
    }
}

labelled_enum! {
    /// Rh(D) factor. The minus sign is U+2212, as in printed Russian forms.
    Rh {
        Positive => "pos", "Rh+", "Rh+";
        Negative => "neg", "Rh\u{2212}", "Rh\u{2212}";
    }
}

labelled_enum! {
    /// Kell antigen. K+ donors cannot give red-cell components to most recipients.
    Kell {
        Positive => "pos", "K+", "K+";
        Negative => "neg", "K\u{2212}", "K\u{2212}";
    }
}

/// The eight ABO+Rh combinations in the order forms and tables show them.
pub const GROUPS_WITH_RH: [(BloodGroup, Rh); 8] = [
    (BloodGroup::O, Rh::Positive),
    (BloodGroup::O, Rh::Negative),
    (BloodGroup::A, Rh::Positive),
    (BloodGroup::A, Rh::Negative),
    (BloodGroup::B, Rh::Positive),
    (BloodGroup::B, Rh::Negative),
    (BloodGroup::AB, Rh::Positive),
    (BloodGroup::AB, Rh::Negative),
];

/// What the centre knows of a donor's blood: fixed at registration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BloodProfile {
    pub group: BloodGroup,
    pub rh: Rh,
    pub kell: Kell,
}

/// "0(I) Rh−": how a group and Rh are written together on cards and in e-mails.
pub fn group_rh_label(group: BloodGroup, rh: Rh, locale: Locale) -> String {
    format!("{} {}", group.label(locale), rh.label(locale))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Coded;

    #[test]
    fn russian_notation_is_kept() {
        let labels: Vec<_> = BloodGroup::ALL.iter().map(|g| g.label(Locale::Ru)).collect();
        assert_eq!(labels, ["0(I)", "A(II)", "B(III)", "AB(IV)"]);
        assert_eq!(group_rh_label(BloodGroup::O, Rh::Negative, Locale::Ru), "0(I) Rh−");
        assert_eq!(Kell::Negative.label(Locale::Ru), "K−");
    }

    #[test]
    fn storage_codes_round_trip_and_reject_unknown() {
        for g in BloodGroup::ALL {
            assert_eq!(BloodGroup::from_code(g.code()), Some(*g));
        }
        for r in Rh::ALL {
            assert_eq!(Rh::from_code(r.code()), Some(*r));
        }
        assert_eq!(BloodGroup::from_code("C"), None);
        assert_eq!(Kell::from_code(""), None);
    }
}
