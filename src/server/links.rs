//! Links that work without a login, because the person holding the e-mail is the one they are
//! for: turning alerts off, and cancelling the booking a reminder is about. Each carries an
//! HMAC of what it does and to which record, under a key kept in the database (made once by
//! the first instance, so every instance accepts every link). Nothing else is in the link.

use super::db::{on_pool, Db};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What a link does; part of what is signed, so one kind of link never passes as another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Turns off "tell me when my group is needed" for a donor.
    AlertsOff,
    /// Cancels one booking (through the donor's own cancellation and its rules).
    CancelBooking,
}

impl LinkPurpose {
    fn label(self) -> &'static str {
        match self {
            LinkPurpose::AlertsOff => "alerts-off",
            LinkPurpose::CancelBooking => "cancel-booking",
        }
    }
}

pub struct LinkKey(Vec<u8>);

impl LinkKey {
    /// The shared key, made on first use: two instances racing both read the one that won.
    pub async fn load(db: &Db, now: DateTime<Utc>) -> Result<LinkKey, sqlx::Error> {
        let fresh = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
        let secret: String = on_pool!(db, pool => {
            sqlx::query("INSERT INTO link_keys (name, secret, created_at) VALUES ('links', $1, $2) ON CONFLICT (name) DO NOTHING")
                .bind(&fresh).bind(now).execute(pool).await?;
            sqlx::query_scalar("SELECT secret FROM link_keys WHERE name = 'links'").fetch_one(pool).await?
        });
        let bytes = URL_SAFE_NO_PAD.decode(secret.as_bytes()).map_err(|e| sqlx::Error::Decode(e.into()))?;
        Ok(LinkKey(bytes))
    }

    fn mac(&self, purpose: LinkPurpose, id: i64) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(format!("{}:{id}", purpose.label()).as_bytes());
        mac
    }

    pub fn sign(&self, purpose: LinkPurpose, id: i64) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(purpose, id).finalize().into_bytes())
    }

    /// In constant time.
    pub fn verify(&self, purpose: LinkPurpose, id: i64, signature: &str) -> bool {
        match URL_SAFE_NO_PAD.decode(signature.trim().as_bytes()) {
            Ok(bytes) => self.mac(purpose, id).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }

    /// `{base}{path}?id=<id>&sig=<signature>`.
    pub fn url(&self, base: &str, path: &str, purpose: LinkPurpose, id: i64) -> String {
        format!("{base}{path}?id={id}&sig={}", self.sign(purpose, id))
    }
}

/// The page that turns alerts off (GET shows it, its button posts).
pub const ALERTS_OFF_PATH: &str = "/alerts/off";
/// RFC 8058's one-click target of `List-Unsubscribe` (a mail client posts to it).
pub const ALERTS_ONE_CLICK_PATH: &str = "/alerts/off/one-click";
/// The page that cancels a reminded booking.
pub const CANCEL_BOOKING_PATH: &str = "/booking/cancel";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_fits_only_its_purpose_and_record() {
        let key = LinkKey(b"0123456789abcdef0123456789abcdef".to_vec());
        let sig = key.sign(LinkPurpose::AlertsOff, 42);
        assert!(key.verify(LinkPurpose::AlertsOff, 42, &sig));
        assert!(!key.verify(LinkPurpose::AlertsOff, 43, &sig), "another donor");
        assert!(!key.verify(LinkPurpose::CancelBooking, 42, &sig), "another purpose");
        assert!(!key.verify(LinkPurpose::AlertsOff, 42, "not base64 !"));
        let other = LinkKey(b"another key, another signature..".to_vec());
        assert!(!other.verify(LinkPurpose::AlertsOff, 42, &sig), "another key");
        assert_eq!(
            key.url("https://d.example", ALERTS_OFF_PATH, LinkPurpose::AlertsOff, 42),
            format!("https://d.example/alerts/off?id=42&sig={sig}")
        );
    }
}
