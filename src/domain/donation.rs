//! What a donor gives at a visit.

labelled_enum! {
    /// Donation type; the label is the short name used on cards and buttons.
    DonationType {
        WholeBlood => "whole_blood", "Цельная кровь", "Whole blood";
        Plasma => "plasma", "Плазма", "Plasma";
        Platelets => "platelets", "Тромбоциты", "Platelets";
        Erythrocytes => "erythrocytes", "Эритроциты", "Red cells";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Coded, Labelled, Locale};

    #[test]
    fn every_type_has_a_code_and_both_labels() {
        assert_eq!(DonationType::ALL.len(), 4);
        for t in DonationType::ALL {
            assert_eq!(DonationType::from_code(t.code()), Some(*t));
            assert!(!t.label(Locale::Ru).is_empty() && !t.label(Locale::En).is_empty());
        }
        assert_eq!(DonationType::Plasma.label(Locale::Ru), "Плазма");
    }
}
