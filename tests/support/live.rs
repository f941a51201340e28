//! A subscription to `/events` (server-sent events), read frame by frame.

use donor_booking::domain::events::LiveMessage;
use std::time::Duration;

pub struct Subscription {
    resp: reqwest::Response,
    buffer: String,
    /// The stream's first frame, `event: ready`.
    pub ready: String,
}

impl Subscription {
    pub async fn open(base: &str, session: Option<&str>) -> Subscription {
        Subscription::open_at(&format!("{base}/events"), session).await
    }

    /// `/events` with a query, e.g. `?since=`.
    pub async fn open_at(url: &str, session: Option<&str>) -> Subscription {
        let mut req = reqwest::Client::new().get(url);
        if let Some(session) = session {
            req = req.header("cookie", format!("session={session}"));
        }
        Subscription::start(req).await
    }

    /// A stream opened by a client that holds its session in its cookie jar (a staff login).
    pub async fn open_as(client: &reqwest::Client, base: &str) -> Subscription {
        Subscription::start(client.get(format!("{base}/events"))).await
    }

    async fn start(req: reqwest::RequestBuilder) -> Subscription {
        let resp = req.send().await.expect("GET /events");
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
        let mut sub = Subscription { resp, buffer: String::new(), ready: String::new() };
        // The stream says "ready" first: from then on nothing is missed.
        let ready = sub.next_frame(Duration::from_secs(5)).await.expect("ready");
        assert!(ready.starts_with("event: ready"), "{ready}");
        sub.ready = ready;
        sub
    }

    pub async fn next_frame(&mut self, within: Duration) -> Option<String> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                if frame.trim().starts_with(':') {
                    continue; // keep-alive comment
                }
                return Some(frame);
            }
            let chunk = tokio::time::timeout_at(deadline, self.resp.chunk()).await.ok()?.ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The next frame's event name (`event: <name>`), skipping plain data events.
    pub async fn next_named(&mut self, within: Duration) -> Option<String> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let frame = self.next_frame(left).await?;
            if let Some(name) = frame.lines().find_map(|l| l.strip_prefix("event:")) {
                return Some(name.trim().to_owned());
            }
        }
    }

    /// Whether live events arrived that were not read yet.
    pub fn has_unread_events(&self) -> bool {
        self.buffer.contains("\"kind\"")
    }

    /// Whether the server ended the stream within the time given (rather than just idling).
    pub async fn ended_within(&mut self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.resp.chunk()).await {
                Err(_) => return false,
                Ok(Ok(Some(chunk))) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                Ok(Ok(None)) | Ok(Err(_)) => return true,
            }
        }
    }

    /// The next event that `wanted` accepts, within the time given.
    pub async fn next_matching(
        &mut self,
        within: Duration,
        wanted: impl Fn(&LiveMessage) -> bool,
    ) -> Option<LiveMessage> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let frame = self.next_frame(left).await?;
            let Some(data) = frame.lines().find_map(|l| l.strip_prefix("data:")) else { continue };
            let message: LiveMessage = serde_json::from_str(data.trim()).unwrap_or_else(|e| panic!("{e}: {data}"));
            if wanted(&message) {
                return Some(message);
            }
        }
    }
}
