//! E-mail through an outbox: a message is a row written in the same transaction as the change
//! that causes it; a background worker delivers it with retries. A mail server that is down
//! delays mail but loses none.

pub mod ics;
pub mod outbox;
pub mod templates;
pub mod transport;
pub mod worker;

/// One e-mail, as stored in the outbox.
#[derive(Clone, Debug, PartialEq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachment: Option<Attachment>,
    /// `List-Unsubscribe` (with RFC 8058's one-click POST): the alert's signed link.
    pub list_unsubscribe: Option<String>,
    /// Lets the change that made this e-mail pointless take it back while it is still queued
    /// (`outbox::recall`), e.g. `reminder:<booking>`.
    pub recall_key: Option<String>,
}

/// A text attachment (the approval's calendar entry).
#[derive(Clone, Debug, PartialEq)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub body: String,
}
