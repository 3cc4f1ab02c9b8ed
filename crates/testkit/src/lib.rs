//! Test helpers shared by codecarbon's crates.
//!
//! [`HttpStub`] is a real HTTP/1.1 server on 127.0.0.1 that answers with whatever a test's
//! handler says and records every request, so plugins that talk to web services (geolocation,
//! cloud metadata, Electricity Maps, Comet, Pushgateway, ...) are tested with their real HTTP
//! client against a local stand-in, never the internet. [`dead_url`] gives an address where
//! nothing listens, [`free_port`] a port to listen on.
//!
//! The modules hold the rest: [`prometheus`] starts the real Pushgateway and Prometheus
//! servers, [`client`] is a tiny blocking HTTP client to talk to such servers, [`metadata`]
//! answers as a cloud's instance metadata service, and [`wait`] polls for a condition with a
//! deadline.
//!
//! ```
//! use codecarbon_testkit::{HttpStub, Reply};
//!
//! let stub = HttpStub::start(|req| {
//!     if req.path == "/hello" { Reply::json(r#"{"hi":1}"#) } else { Reply::status(404) }
//! });
//! let url = format!("{}/hello", stub.url());
//! # let _ = url;
//! assert!(stub.requests().is_empty());
//! ```

pub mod client;
pub mod metadata;
pub mod prometheus;
pub mod wait;

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// One request the stub received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path without the query (`/v1/ip/geo.json`).
    pub path: String,
    /// The query string without `?`, empty when there is none.
    pub query: String,
    /// Every header, names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What the stub answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// How long to wait before answering (a slow service).
    pub delay: Duration,
}

impl Reply {
    /// 200 with a JSON body.
    pub fn json(body: impl Into<String>) -> Reply {
        Reply::with_type(200, "application/json", body.into().into_bytes())
    }

    /// 200 with a plain-text body.
    pub fn text(body: impl Into<String>) -> Reply {
        Reply::with_type(200, "text/plain; charset=utf-8", body.into().into_bytes())
    }

    /// 200 with these bytes and content type.
    pub fn bytes(content_type: &str, body: Vec<u8>) -> Reply {
        Reply::with_type(200, content_type, body)
    }

    /// An empty body with this status.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    /// The same reply with another status.
    pub fn with_status(mut self, status: u16) -> Reply {
        self.status = status;
        self
    }

    /// The same reply, after `delay`.
    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    fn with_type(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
            delay: Duration::ZERO,
        }
    }
}

type Handler = dyn Fn(&Recorded) -> Reply + Send + Sync;

/// A local HTTP server for tests; stops when dropped.
pub struct HttpStub {
    url: String,
    server: Option<Arc<tiny_http::Server>>,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stopping: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl HttpStub {
    /// Starts a server on a free loopback port; `handler` answers each request (each on its own
    /// thread, so a slow reply does not hold up the next request).
    ///
    /// # Panics
    /// When no loopback port can be bound (a broken test machine).
    #[allow(clippy::expect_used)]
    pub fn start(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> HttpStub {
        let server =
            Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind a loopback port"));
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .expect("an IP address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stopping = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let thread = {
            let (server, requests, stopping) = (server.clone(), requests.clone(), stopping.clone());
            std::thread::spawn(move || serve(&server, &requests, &stopping, &handler))
        };
        HttpStub {
            url: format!("http://127.0.0.1:{port}"),
            server: Some(server),
            requests,
            stopping,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The requests received so far whose path is `path`.
    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    /// Stops listening: later connections are refused.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        let Some(server) = self.server.take() else {
            return;
        };
        server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        drop(server);
        // tiny_http's acceptor thread notices the close only at its next connection, and
        // holds the listening socket until then: knock once so that the port is closed when
        // this returns.
        let addr = self.url.trim_start_matches("http://").to_string();
        let _ = std::net::TcpStream::connect(&addr);
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        while std::net::TcpStream::connect(&addr).is_ok() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for HttpStub {
    fn drop(&mut self) {
        self.shut_down();
    }
}

fn serve(
    server: &tiny_http::Server,
    requests: &Mutex<Vec<Recorded>>,
    stopping: &AtomicBool,
    handler: &Arc<Handler>,
) {
    while !stopping.load(Ordering::SeqCst) {
        let Ok(mut request) = server.recv() else {
            break;
        };
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        let mut body = Vec::new();
        let _ = request.as_reader().read_to_end(&mut body);
        let url = request.url().to_string();
        let (path, query) = match url.split_once('?') {
            Some((p, q)) => (p.to_string(), q.to_string()),
            None => (url, String::new()),
        };
        let recorded = Recorded {
            method: request.method().as_str().to_ascii_uppercase(),
            path,
            query,
            headers: request
                .headers()
                .iter()
                .map(|h| {
                    (
                        h.field.as_str().as_str().to_ascii_lowercase(),
                        h.value.as_str().to_string(),
                    )
                })
                .collect(),
            body,
        };
        requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(recorded.clone());
        let handler = handler.clone();
        std::thread::spawn(move || {
            let reply = handler(&recorded);
            if !reply.delay.is_zero() {
                std::thread::sleep(reply.delay);
            }
            let mut response =
                tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
            for (name, value) in &reply.headers {
                if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
                {
                    response.add_header(header);
                }
            }
            let _ = request.respond(response);
        });
    }
}

/// An `http://127.0.0.1:PORT` address where nothing listens: connections are refused at once.
///
/// # Panics
/// When no loopback port can be bound (a broken test machine).
pub fn dead_url() -> String {
    format!("http://127.0.0.1:{}", free_port())
}

/// A free loopback port: bind port 0, note the port, release it. For a server a test starts
/// itself; another process may take it first, so start with retries where that matters.
///
/// # Panics
/// When no loopback port can be bound (a broken test machine).
#[allow(clippy::expect_used)]
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("an address").port()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;

    fn get(url: &str, path: &str) -> String {
        let addr = url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nX-Token: abc\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        stream.read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn answers_and_records() {
        let stub = HttpStub::start(|r| {
            if r.path == "/a" {
                Reply::json(r#"{"ok":true}"#)
            } else {
                Reply::status(404)
            }
        });
        let answer = get(stub.url(), "/a?x=1");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with(r#"{"ok":true}"#), "{answer}");
        assert!(get(stub.url(), "/b").starts_with("HTTP/1.1 404"));
        let seen = stub.requests();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].path, "/a");
        assert_eq!(seen[0].query, "x=1");
        assert_eq!(seen[0].header("x-token"), Some("abc"));
        assert_eq!(stub.requests_to("/b").len(), 1);
    }

    #[test]
    fn a_stopped_stub_and_a_dead_url_refuse_connections() {
        let stub = HttpStub::start(|_| Reply::status(204));
        let url = stub.url().to_string();
        stub.stop();
        assert!(TcpStream::connect(url.trim_start_matches("http://")).is_err());
        let dead = dead_url();
        assert!(TcpStream::connect(dead.trim_start_matches("http://")).is_err());
    }
}
