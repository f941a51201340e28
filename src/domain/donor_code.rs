//! The identifier the blood centre gave the donor.

use serde::{Deserialize, Serialize};

/// A validated donor code: trimmed, upper-cased, 4–20 letters or digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DonorCode(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DonorCodeError {
    Length,
    Characters,
}

impl DonorCode {
    pub const MIN_LEN: usize = 4;
    pub const MAX_LEN: usize = 20;

    pub fn parse(input: &str) -> Result<DonorCode, DonorCodeError> {
        let code: String = input.trim().to_uppercase();
        if !code.chars().all(char::is_alphanumeric) {
            return Err(DonorCodeError::Characters);
        }
        let len = code.chars().count();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&len) {
            return Err(DonorCodeError::Length);
        }
        Ok(DonorCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_whitespace() {
        assert_eq!(DonorCode::parse("  ab12cd ").unwrap().as_str(), "AB12CD");
        assert_eq!(DonorCode::parse("дк1234").unwrap().as_str(), "ДК1234");
    }

    #[test]
    fn length_boundaries() {
        assert_eq!(DonorCode::parse("ABC"), Err(DonorCodeError::Length));
        assert!(DonorCode::parse("ABCD").is_ok());
        assert!(DonorCode::parse(&"9".repeat(20)).is_ok());
        assert_eq!(DonorCode::parse(&"9".repeat(21)), Err(DonorCodeError::Length));
        assert_eq!(DonorCode::parse("   "), Err(DonorCodeError::Length));
    }

    #[test]
    fn only_letters_and_digits() {
        assert_eq!(DonorCode::parse("AB-123"), Err(DonorCodeError::Characters));
        assert_eq!(DonorCode::parse("AB 123"), Err(DonorCodeError::Characters));
    }
}
