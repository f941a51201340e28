//! Where mail goes: an SMTP server, or (the zero-config default) a directory of `.eml` files
//! with a console line per message, so a developer can click the confirmation link.

use super::outbox::Outgoing;
use lettre::message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// How long one SMTP exchange may take before the attempt counts as failed.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

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
}

impl MailTransport {
    pub fn smtp(config: SmtpConfig<'_>, from: Mailbox) -> anyhow::Result<MailTransport> {
        let builder = match config.security {
            SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host),
            SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(config.host)?,
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(config.host)?,
        };
        let mut builder = builder.port(config.port).timeout(Some(SMTP_TIMEOUT));
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

    /// Delivers one message; the error text is for the outbox row and the log.
    pub async fn send(&self, mail: &Outgoing) -> Result<(), String> {
        match self {
            MailTransport::Smtp { transport, from } => {
                let message = build_message(from, mail)?;
                transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
            }
            MailTransport::Directory { dir, from } => {
                let message = build_message(from, mail)?;
                // The Message-ID keeps names unique when several databases share one directory.
                let unique: String = mail.message_id.chars().filter(char::is_ascii_alphanumeric).take(12).collect();
                let path = dir.join(format!("{:06}-{unique}.eml", mail.id));
                tokio::fs::write(&path, message.formatted()).await.map_err(|e| e.to_string())?;
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
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(mail.message_id.clone()))
        .multipart(body)
        .map_err(|e| e.to_string())
}
