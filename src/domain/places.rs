//! A place where donors give blood, as an admin enters it. Pure validation: what is stored
//! is trimmed and within limits a page and an e-mail can show.

use serde::{Deserialize, Serialize};

pub const NAME_MAX: usize = 120;
pub const ADDRESS_MAX: usize = 200;
pub const HOURS_MAX: usize = 120;
pub const NOTE_MAX: usize = 500;

/// A place's fields, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceDraft {
    pub name: String,
    pub address: String,
    /// Opening hours in words, e.g. «пн–пт 8:00–14:00»; may be empty.
    pub hours: String,
    /// A note for donors (entrance, parking); may be empty.
    pub note: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceField {
    Name,
    Address,
    Hours,
    Note,
}

impl PlaceField {
    pub fn form_name(self) -> &'static str {
        match self {
            PlaceField::Name => "name",
            PlaceField::Address => "address",
            PlaceField::Hours => "hours",
            PlaceField::Note => "note",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceError {
    Required(PlaceField),
    TooLong(PlaceField, usize),
}

/// Checks every field at once, so a form shows all its errors together.
pub fn check_place(name: &str, address: &str, hours: &str, note: &str) -> Result<PlaceDraft, Vec<PlaceError>> {
    let mut errors = Vec::new();
    let mut field = |value: &str, which: PlaceField, max: usize, required: bool| {
        let value = value.trim();
        if required && value.is_empty() {
            errors.push(PlaceError::Required(which));
        } else if value.chars().count() > max {
            errors.push(PlaceError::TooLong(which, max));
        }
        value.to_owned()
    };
    let draft = PlaceDraft {
        name: field(name, PlaceField::Name, NAME_MAX, true),
        address: field(address, PlaceField::Address, ADDRESS_MAX, true),
        hours: field(hours, PlaceField::Hours, HOURS_MAX, false),
        note: field(note, PlaceField::Note, NOTE_MAX, false),
    };
    if errors.is_empty() {
        Ok(draft)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_trimmed_and_checked_together() {
        let ok = check_place("  Главный корпус ", "ул. Донорская, 1", "", "").unwrap();
        assert_eq!(ok.name, "Главный корпус");
        let errors = check_place(" ", "", &"ч".repeat(HOURS_MAX + 1), "").unwrap_err();
        assert_eq!(
            errors,
            [
                PlaceError::Required(PlaceField::Name),
                PlaceError::Required(PlaceField::Address),
                PlaceError::TooLong(PlaceField::Hours, HOURS_MAX)
            ]
        );
    }
}
