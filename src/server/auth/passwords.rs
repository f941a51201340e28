//! Password hashing: argon2id with the crate defaults (m=19456 KiB, t=2, p=1 — OWASP's
//! minimum), off the async threads and behind a semaphore so a burst of logins cannot
//! exhaust memory (each hash holds ~19 MiB).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::collections::HashSet;
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;

/// Hashing and verification, at most `permits` at a time.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// A real hash of a random password, verified against when an e-mail is unknown so the
    /// answer takes as long as for a known one.
    dummy_hash: Arc<String>,
}

impl Passwords {
    pub fn new(permits: usize) -> anyhow::Result<Passwords> {
        let random: [u8; 16] = rand::random();
        let dummy = hash_blocking(&format!("{random:?}"))?;
        Ok(Passwords { permits: Arc::new(Semaphore::new(permits.max(1))), dummy_hash: Arc::new(dummy) })
    }

    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await?;
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
    }

    /// Whether `password` matches `stored`. With `None` (unknown account) it still does the
    /// work of a verification and answers false.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        let Ok(_permit) = self.permits.acquire().await else { return false };
        let known = stored.is_some();
        let hash = stored.map(str::to_owned).unwrap_or_else(|| self.dummy_hash.as_str().to_owned());
        let password = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash)
                .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await
        .unwrap_or(false);
        known && matches
    }
}

fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))
}

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt").lines().filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
});

/// Whether a (lower-cased) password is in the bundled list of the most common passwords.
pub fn is_common(lowercase_password: &str) -> bool {
    COMMON.contains(lowercase_password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let passwords = Passwords::new(2).unwrap();
        let hash = passwords.hash("correct horse battery").await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(passwords.verify("correct horse battery", Some(&hash)).await);
        assert!(!passwords.verify("correct horse batterY", Some(&hash)).await);
        assert_ne!(hash, passwords.hash("correct horse battery").await.unwrap(), "salted");
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify() {
        let passwords = Passwords::new(1).unwrap();
        assert!(!passwords.verify("anything", None).await);
    }

    #[test]
    fn common_passwords_are_known() {
        assert!(is_common("password"));
        assert!(is_common("12345678"));
        assert!(is_common("йцукенгш"));
        assert!(!is_common("river-violet-anchor-42"));
    }
}
