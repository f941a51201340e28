//! A real SMTP server on loopback for the tests: Debian's aiosmtpd, delivering into a Maildir
//! the tests read. It can be stopped and started again on the same port (a mail outage).

use mail_parser::{MessageParser, MimeHeaders};
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
    /// (file name, decoded content) of each attachment.
    pub attachments: Vec<(String, String)>,
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

/// The messages in a directory of `.eml` files (the server's file transport) or a Maildir.
pub fn read_maildir(dir: &Path) -> Vec<Received> {
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
                attachments: msg
                    .attachments()
                    .map(|a| {
                        let name = a.attachment_name().unwrap_or_default().to_owned();
                        (name, String::from_utf8_lossy(a.contents()).into_owned())
                    })
                    .collect(),
            })
        })
        .collect()
}

/// The first `http…` link in a text that contains `needle`.
pub fn link_containing(text: &str, needle: &str) -> Option<String> {
    text.split_whitespace().find(|w| w.starts_with("http") && w.contains(needle)).map(str::to_owned)
}

/// What a [`ScriptedRelay`] does with one connection: the faults real relays show.
#[derive(Clone, Copy, Debug)]
pub enum RelayStep {
    /// A working relay: every message is taken.
    Accept,
    /// Greets, then never answers again (a relay stuck behind a full disk or a dead backend).
    Stall,
    /// Answers the recipient with this reply, e.g. `451 4.3.0 Try again later` (temporary) or
    /// `550 5.1.1 No such user` (permanent).
    Refuse(&'static str),
}

/// A minimal SMTP relay on loopback that follows a script, one step per connection (then
/// [`RelayStep::Accept`]), and counts what it was offered and what it took.
pub struct ScriptedRelay {
    pub port: u16,
    state: std::sync::Arc<std::sync::Mutex<RelayState>>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Default)]
struct RelayState {
    script: std::collections::VecDeque<RelayStep>,
    connections: usize,
    /// The RCPT TO address of each message taken.
    taken: Vec<String>,
}

impl ScriptedRelay {
    pub async fn start(script: Vec<RelayStep>) -> ScriptedRelay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the relay");
        let port = listener.local_addr().expect("relay address").port();
        let state =
            std::sync::Arc::new(std::sync::Mutex::new(RelayState { script: script.into(), ..Default::default() }));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let step = {
                    let mut state = shared.lock().unwrap();
                    state.connections += 1;
                    state.script.pop_front().unwrap_or(RelayStep::Accept)
                };
                tokio::spawn(serve_relay(socket, step, shared.clone()));
            }
        });
        ScriptedRelay { port, state, task }
    }

    /// Connections the relay accepted (one per delivery attempt).
    pub fn connections(&self) -> usize {
        self.state.lock().unwrap().connections
    }

    /// Messages it took for `to`.
    pub fn taken_for(&self, to: &str) -> usize {
        self.state.lock().unwrap().taken.iter().filter(|r| r.eq_ignore_ascii_case(to)).count()
    }
}

impl Drop for ScriptedRelay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_relay(
    socket: tokio::net::TcpStream,
    step: RelayStep,
    state: std::sync::Arc<std::sync::Mutex<RelayState>>,
) {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    if write.write_all(b"220 relay.test ESMTP\r\n").await.is_err() {
        return;
    }
    if let RelayStep::Stall = step {
        // Reads (and ignores) whatever comes until the client gives up.
        let mut sink = [0u8; 1024];
        while lines.read(&mut sink).await.is_ok_and(|n| n > 0) {}
        return;
    }
    let mut recipient = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.map_or(true, |n| n == 0) {
            return;
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: String = if command.starts_with("EHLO") || command.starts_with("HELO") {
            "250 relay.test\r\n".into()
        } else if command.starts_with("RCPT TO:") {
            recipient = line.trim_end()[8..].trim().trim_matches(['<', '>']).to_owned();
            match step {
                RelayStep::Refuse(answer) => format!("{answer}\r\n"),
                _ => "250 OK\r\n".into(),
            }
        } else if command == "DATA" {
            if write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await.is_err() {
                return;
            }
            loop {
                line.clear();
                if lines.read_line(&mut line).await.map_or(true, |n| n == 0) {
                    return;
                }
                if line.trim_end() == "." {
                    break;
                }
            }
            state.lock().unwrap().taken.push(recipient.clone());
            "250 OK queued\r\n".into()
        } else if command == "QUIT" {
            let _ = write.write_all(b"221 Bye\r\n").await;
            return;
        } else {
            "250 OK\r\n".into() // MAIL FROM, RSET, NOOP
        };
        if write.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
    }
}
