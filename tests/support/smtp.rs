//! A real SMTP server on loopback for the tests: Debian's aiosmtpd, delivering into a Maildir
//! the tests read. It can be stopped and started again on the same port (a mail outage).

use mail_parser::MessageParser;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

pub struct SmtpSink {
    pub port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
    child: Option<Child>,
}

/// One received message, decoded.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let dir = tempfile::tempdir().expect("temp dir");
        let maildir = dir.path().join("maildir");
        let port = super::free_port();
        let mut sink = SmtpSink { port, maildir, _dir: dir, child: None };
        sink.resume().await;
        sink
    }

    /// Stops accepting mail (the server goes away; the port refuses connections).
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
        }
    }

    /// Starts (again) on the same port.
    pub async fn resume(&mut self) {
        let child = Command::new("/usr/bin/python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{}", self.port),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(&self.maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("start aiosmtpd (Debian package python3-aiosmtpd; scripts/setup installs it)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start on port {}", self.port);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn received(&self) -> Vec<Received> {
        read_maildir(&self.maildir.join("new"))
    }

    /// Waits until `count` messages to `to` have arrived, and returns them.
    pub async fn wait_for(&self, to: &str, count: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let mine: Vec<Received> = self.received().into_iter().filter(|m| m.to == to).collect();
            if mine.len() >= count {
                return mine;
            }
            assert!(Instant::now() < deadline, "expected {count} message(s) to {to}, got {}", mine.len());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn read_maildir(dir: &Path) -> Vec<Received> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    // Not in arrival order: callers find messages by recipient and content.
    let files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files
        .iter()
        .filter_map(|path| {
            let raw = std::fs::read(path).ok()?;
            let msg = MessageParser::default().parse(&raw)?;
            Some(Received {
                to: msg.to()?.first()?.address()?.to_string(),
                subject: msg.subject().unwrap_or_default().to_owned(),
                text: msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
                html: msg.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
                message_id: msg.message_id().unwrap_or_default().to_owned(),
            })
        })
        .collect()
}

/// The first `http…` link in a text that contains `needle`.
pub fn link_containing(text: &str, needle: &str) -> Option<String> {
    text.split_whitespace().find(|w| w.starts_with("http") && w.contains(needle)).map(str::to_owned)
}
