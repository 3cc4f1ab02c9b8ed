//! Test helpers shared by codecarbon's crates.
//!
//! [`HttpStub`] is a real HTTP/1.1 server on 127.0.0.1 that answers with whatever a test's
//! handler says and records every request, so plugins that talk to web services (geolocation,
//! cloud metadata, Electricity Maps, Comet, Pushgateway, ...) are tested with their real HTTP
//! client against a local stand-in, never the internet. [`dead_url`] gives an address where
//! nothing listens, [`free_port`] a port to listen on.
//!
//! The modules hold the rest: [`prometheus`] starts the real Pushgateway and Prometheus
//! servers, [`client`] is a tiny blocking HTTP client to talk to such servers, [`hostile`]
//! sends what an attacker would to the servers codecarbon runs, [`metadata`]
//! answers as a cloud's instance metadata service, and [`wait`] polls for a condition with a
//! deadline. [`file_names`] lists what a test's directory holds.
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

// Helpers of tests only: a note such as `SKIP: ... is missing` belongs in the test's output.
#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod client;
pub mod hostile;
pub mod metadata;
pub mod prometheus;
pub mod wait;

/// The names of the entries of `dir`, sorted: what a test of files expects to find there.
///
/// # Panics
///
/// When `dir` cannot be listed: the test then has nothing to check.
pub fn file_names(dir: &std::path::Path) -> Vec<String> {
    #![allow(clippy::expect_used)]
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the directory can be listed")
        .map(|e| {
            e.expect("the directory can be read")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

use http_body_util::{BodyExt, Either, Full};
use hyper::body::{Body, Bytes, Frame, Incoming};
use hyper::header::{HeaderName, HeaderValue};
use hyper::service::service_fn;
use hyper::StatusCode;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::TcpListener;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::oneshot;

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
    /// Whether `body` is sent again and again without end, as a hostile server answers.
    pub endless: bool,
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
            endless: false,
        }
    }

    /// A body that never ends, with this status: `chunk` (a space if empty) sent again and
    /// again, as fast as the client reads, until it hangs up. What a hostile or broken server
    /// answers to make a client that reads answers whole run out of memory.
    pub fn endless(status: u16, chunk: impl Into<Vec<u8>>) -> Reply {
        let mut chunk = chunk.into();
        if chunk.is_empty() {
            chunk.push(b' ');
        }
        Reply {
            endless: true,
            ..Reply::with_type(status, "text/plain; charset=utf-8", chunk)
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
            endless: false,
        }
    }
}

type Handler = dyn Fn(&Recorded) -> Reply + Send + Sync;

/// A local HTTP server for tests; stops when dropped.
pub struct HttpStub {
    url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl HttpStub {
    /// Starts a server on a free loopback port; `handler` answers each request (each on a
    /// thread of its own, so a slow reply does not hold up the next request).
    ///
    /// # Panics
    /// When no loopback port can be bound or no thread started (a broken test machine).
    #[allow(clippy::expect_used)]
    pub fn start(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> HttpStub {
        let socket = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = socket.local_addr().expect("an address").port();
        socket.set_nonblocking(true).expect("a non-blocking socket");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .expect("a tokio runtime");
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(socket).expect("a tokio listener")
        };
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let (stop, stopped) = oneshot::channel();
        let thread = {
            let requests = requests.clone();
            std::thread::spawn(move || {
                runtime.block_on(serve(listener, requests, handler, stopped));
                // Closes the listening socket and every connection before `stop` returns; a
                // handler still running is not waited for long.
                runtime.shutdown_timeout(Duration::from_secs(1));
            })
        };
        HttpStub {
            url: format!("http://127.0.0.1:{port}"),
            requests,
            stop: Some(stop),
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
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for HttpStub {
    fn drop(&mut self) {
        self.shut_down();
    }
}

async fn serve(
    listener: tokio::net::TcpListener,
    requests: Arc<Mutex<Vec<Recorded>>>,
    handler: Arc<Handler>,
    mut stopped: oneshot::Receiver<()>,
) {
    loop {
        let accepted = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else {
            continue;
        };
        let (requests, handler) = (requests.clone(), handler.clone());
        let service = service_fn(move |request| answer(request, requests.clone(), handler.clone()));
        tokio::spawn(
            hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service),
        );
    }
}

/// Records the request, whole, then answers with the handler's reply.
async fn answer(
    request: hyper::Request<Incoming>,
    requests: Arc<Mutex<Vec<Recorded>>>,
    handler: Arc<Handler>,
) -> Result<hyper::Response<Either<Full<Bytes>, Endless>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let recorded = Recorded {
        method: parts.method.as_str().to_ascii_uppercase(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    requests
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(recorded.clone());
    let reply = tokio::task::spawn_blocking(move || handler(&recorded))
        .await
        .unwrap_or_else(|_| Reply::text("the test's handler panicked").with_status(500));
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let body = Bytes::from(reply.body);
    let body = match reply.endless {
        true => Either::Right(Endless(body)),
        false => Either::Left(Full::new(body)),
    };
    let mut response = hyper::Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in &reply.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    Ok(response)
}

/// A body that sends its chunk again and again, as long as the client reads.
struct Endless(Bytes);

impl Body for Endless {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(Some(Ok(Frame::data(self.0.clone()))))
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
    fn an_endless_reply_goes_on_until_the_client_hangs_up() {
        let stub = HttpStub::start(|_| Reply::endless(500, "boom "));
        let addr = stub.url().trim_start_matches("http://").to_string();
        for size in [4 << 20, 1000] {
            // Far more than any socket buffer holds, then again on a new connection: the
            // stub went on after the first client hung up.
            let mut stream = TcpStream::connect(&addr).unwrap();
            write!(stream, "GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
            let mut read = vec![0; size];
            stream.read_exact(&mut read).unwrap();
            let text = String::from_utf8_lossy(&read);
            assert!(text.starts_with("HTTP/1.1 500"), "{}", &text[..100]);
            assert!(text.contains("transfer-encoding: chunked"), "{text:.200}");
            assert!(text.contains("boom "), "{text:.200}");
            assert!(
                text.matches("boom ").count() > size / 20,
                "sent again and again"
            );
        }
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
