//! Where mail goes: an SMTP server, or (the zero-config default) a directory of `.eml` files
//! with a console line per message, so a developer can click the confirmation link.

use super::outbox::Outgoing;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// Why a delivery failed: `permanent` for the relay's 5xx (or a message it could never take),
/// which no retry would change. `text` may name the recipient: it is stored with the row, and
/// logged only through [`redact_addresses`].
#[derive(Debug)]
pub struct SendFailure {
    pub text: String,
    pub permanent: bool,
}

impl SendFailure {
    fn transient(text: impl Into<String>) -> SendFailure {
        SendFailure { text: text.into(), permanent: false }
    }

    fn permanent(text: impl Into<String>) -> SendFailure {
        SendFailure { text: text.into(), permanent: true }
    }
}

/// The text with every e-mail address replaced, for the process log.
pub fn redact_addresses(text: &str) -> String {
    let is_part = |c: char| !c.is_whitespace() && !"<>()[],;:\"'".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(if word.contains('@') { "<address>" } else { word });
        word.clear();
    };
    for c in text.chars() {
        if is_part(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SmtpSecurity {
    /// Plain SMTP (a relay on the same host, or tests).
    None,
    /// STARTTLS upgrade, usually port 587.
    Starttls,
    /// TLS from the first byte, usually port 465.
    Tls,
}

pub enum MailTransport {
    Smtp { transport: AsyncSmtpTransport<Tokio1Executor>, from: Mailbox },
    Directory { dir: PathBuf, from: Mailbox },
}

pub struct SmtpConfig<'a> {
    pub host: &'a str,
    pub port: u16,
    pub security: SmtpSecurity,
    pub credentials: Option<(String, String)>,
    /// Per SMTP command; the worker bounds the whole exchange with the same (`MailWorker`).
    pub timeout: Duration,
}

impl MailTransport {
    pub fn smtp(config: SmtpConfig<'_>, from: Mailbox) -> anyhow::Result<MailTransport> {
        let builder = match config.security {
            SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host),
            SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(config.host)?,
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(config.host)?,
        };
        let mut builder = builder.port(config.port).timeout(Some(config.timeout));
        if let Some((user, password)) = config.credentials {
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(MailTransport::Smtp { transport: builder.build(), from })
    }

    pub fn directory(dir: PathBuf, from: Mailbox) -> anyhow::Result<MailTransport> {
        std::fs::create_dir_all(&dir)?;
        Ok(MailTransport::Directory { dir, from })
    }

    pub fn describe(&self) -> String {
        match self {
            MailTransport::Smtp { .. } => "smtp".into(),
            MailTransport::Directory { dir, .. } => format!("files in {}", dir.display()),
        }
    }

    /// Delivers one message.
    pub async fn send(&self, mail: &Outgoing) -> Result<(), SendFailure> {
        match self {
            MailTransport::Smtp { transport, from } => {
                let message = build_message(from, mail).map_err(SendFailure::permanent)?;
                transport
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| SendFailure { permanent: e.is_permanent(), text: e.to_string() })
            }
            MailTransport::Directory { dir, from } => {
                let message = build_message(from, mail).map_err(SendFailure::permanent)?;
                // The Message-ID keeps names unique when several databases share one directory.
                let unique: String = mail.message_id.chars().filter(char::is_ascii_alphanumeric).take(12).collect();
                let path = dir.join(format!("{:06}-{unique}.eml", mail.id));
                tokio::fs::write(&path, message.formatted())
                    .await
                    .map_err(|e| SendFailure::transient(e.to_string()))?;
                // The dev console line: subject, file, and the first link (the action to take).
                let link = mail.text_body.split_whitespace().find(|w| w.starts_with("http"));
                println!(
                    "[mail] {} -> {}{}",
                    mail.subject,
                    path.display(),
                    link.map(|l| format!("\n       {l}")).unwrap_or_default()
                );
                Ok(())
            }
        }
    }
}

fn build_message(from: &Mailbox, mail: &Outgoing) -> Result<Message, String> {
    let to: Mailbox = mail.recipient.parse().map_err(|e| format!("bad recipient: {e}"))?;
    let body = MultiPart::alternative()
        .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.text_body.clone()))
        .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(mail.html_body.clone()));
    let body = match (&mail.attachment_name, &mail.attachment_type, &mail.attachment_body) {
        (Some(name), Some(kind), Some(content)) => {
            let kind = ContentType::parse(kind).map_err(|e| format!("bad attachment type: {e}"))?;
            MultiPart::mixed().multipart(body).singlepart(Attachment::new(name.clone()).body(content.clone(), kind))
        }
        _ => body,
    };
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(mail.message_id.clone()));
    if let Some(url) = &mail.list_unsubscribe {
        // RFC 2369 and RFC 8058: mail clients show an unsubscribe button that posts here.
        let header = |name: &'static str, value: String| HeaderValue::new(HeaderName::new_from_ascii_str(name), value);
        builder = builder
            .raw_header(header("List-Unsubscribe", format!("<{url}>")))
            .raw_header(header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".to_owned()));
    }
    builder.multipart(body).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses_never_reach_the_log() {
        let text = "permanent error (550): 5.1.1 <Bob.Smith@example.org>: Recipient address rejected";
        assert_eq!(
            super::redact_addresses(text),
            "permanent error (550): 5.1.1 <<address>>: Recipient address rejected"
        );
        assert_eq!(super::redact_addresses("to x@y.z, then"), "to <address>, then");
    }
}
