//! Accounts: e-mail addresses, the password policy and staff roles. Pure and shared, so the
//! browser can show the same errors the server enforces.

use serde::{Deserialize, Serialize};

labelled_enum! {
    /// What a staff member may do.
    StaffRole {
        Registrar => "registrar", "Регистратор", "Registrar";
        Planner => "planner", "Планировщик", "Planner";
        Admin => "admin", "Администратор", "Administrator";
    }
}

impl StaffRole {
    /// Where this role lands after login.
    pub fn home_path(self) -> &'static str {
        match self {
            StaffRole::Registrar => "/staff/moderation",
            StaffRole::Planner => "/staff/planning",
            StaffRole::Admin => "/staff/admin",
        }
    }
}

/// Who is logged in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Principal {
    Donor { id: i64 },
    Staff { id: i64, role: StaffRole },
}

/// An account by its table and id: what sessions, e-mail tokens and passwords belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountId {
    Donor(i64),
    Staff(i64),
}

impl Principal {
    pub fn account(self) -> AccountId {
        match self {
            Principal::Donor { id } => AccountId::Donor(id),
            Principal::Staff { id, .. } => AccountId::Staff(id),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailError {
    Empty,
    Invalid,
}

pub const MAX_EMAIL_LEN: usize = 254;

/// Trims and lower-cases an address and checks its shape (one `@`, a dotted domain, no spaces).
/// Whether it exists is proven only by the confirmation link.
pub fn normalize_email(input: &str) -> Result<String, EmailError> {
    let email = input.trim().to_lowercase();
    if email.is_empty() {
        return Err(EmailError::Empty);
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(EmailError::Invalid);
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && !domain.contains("..")
        && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    if email.len() > MAX_EMAIL_LEN || !domain_ok || !local_ok || domain == NO_MAILBOX_DOMAIN {
        return Err(EmailError::Invalid);
    }
    Ok(email)
}

/// A donor a registrar registers on the phone without an e-mail address gets a placeholder in
/// this domain: `.invalid` is reserved (RFC 2606), so it is unique like any address but is never
/// delivered to, and nobody can register or log in with it.
pub const NO_MAILBOX_DOMAIN: &str = "no-email.invalid";

/// Whether mail to this address can reach someone (not a phone-only donor's placeholder).
pub fn has_mailbox(email: &str) -> bool {
    email.rsplit_once('@').is_none_or(|(_, domain)| domain != NO_MAILBOX_DOMAIN)
}

/// The placeholder address of a phone-only donor (`random` makes it unique).
pub fn placeholder_address(random: u64) -> String {
    format!("caller-{random:016x}@{NO_MAILBOX_DOMAIN}")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordError {
    TooShort,
    TooLong,
    Mismatch,
    TooCommon,
}

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// The password policy of NIST SP 800-63B: length 8–128, no composition rules, not a
/// commonly used password. `is_common` is the server's bundled list (the client passes `|_| false`).
pub fn check_new_password(
    password: &str,
    confirmation: &str,
    is_common: impl Fn(&str) -> bool,
) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordError::TooLong);
    }
    if password != confirmation {
        return Err(PasswordError::Mismatch);
    }
    if is_common(&password.to_lowercase()) {
        return Err(PasswordError::TooCommon);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_only_donor_has_no_mailbox() {
        let placeholder = placeholder_address(42);
        assert_eq!(placeholder, "caller-000000000000002a@no-email.invalid");
        assert!(!has_mailbox(&placeholder));
        assert!(has_mailbox("donor@example.org"));
        assert_eq!(normalize_email(&placeholder), Err(EmailError::Invalid), "nobody registers with it");
    }

    #[test]
    fn emails_are_normalised() {
        assert_eq!(normalize_email("  Ivan.Petrov@Example.ORG ").unwrap(), "ivan.petrov@example.org");
        assert_eq!(normalize_email("донор@пример.рф").unwrap(), "донор@пример.рф");
    }

    #[test]
    fn malformed_emails_are_refused() {
        assert_eq!(normalize_email("   "), Err(EmailError::Empty));
        for bad in
            ["ivan", "ivan@", "@example.org", "ivan@example", "iv an@example.org", "a@b..org", ".a@b.org", "a@-b.org"]
        {
            assert_eq!(normalize_email(bad), Err(EmailError::Invalid), "{bad}");
        }
        let long = format!("{}@example.org", "a".repeat(65));
        assert_eq!(normalize_email(&long), Err(EmailError::Invalid));
    }

    #[test]
    fn password_length_boundaries_count_characters() {
        let never = |_: &str| false;
        assert_eq!(check_new_password("1234567", "1234567", never), Err(PasswordError::TooShort));
        assert!(check_new_password("12345678", "12345678", never).is_ok());
        assert!(check_new_password("пароль12", "пароль12", never).is_ok(), "8 Cyrillic characters are 8, not 14");
        let max = "x".repeat(128);
        assert!(check_new_password(&max, &max, never).is_ok());
        let over = "x".repeat(129);
        assert_eq!(check_new_password(&over, &over, never), Err(PasswordError::TooLong));
    }

    #[test]
    fn confirmation_and_common_list() {
        assert_eq!(check_new_password("correct horse", "correct horsE", |_| false), Err(PasswordError::Mismatch));
        assert_eq!(check_new_password("Password1", "Password1", |p| p == "password1"), Err(PasswordError::TooCommon));
    }

    #[test]
    fn roles_land_in_their_own_area() {
        assert_eq!(StaffRole::Registrar.home_path(), "/staff/moderation");
        assert_ne!(StaffRole::Planner.home_path(), StaffRole::Admin.home_path());
    }
}
