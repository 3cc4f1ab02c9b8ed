//! What a hostile or broken client sends, for the tests of the servers codecarbon runs (the
//! `/metrics` exporter, the board): each request is bounded in size and time and goes only to
//! the address given (a test's 127.0.0.1).
//!
//! The one-shot requests return the server's answer ([`Answer`]), or `None` when it closed the
//! connection without one; the others return the connections, for the test to hold open.

use crate::client::{connect, send, Answer};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The body length announced by [`huge_content_length`]: about 100 GB.
pub const HUGE_LENGTH: &str = "99999999999";

/// `GET path` announcing a body of [`HUGE_LENGTH`] bytes (and sending none of it).
pub fn huge_content_length(addr: &str, path: &str) -> Option<Answer> {
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {HUGE_LENGTH}\r\n\r\n");
    send(addr, request.as_bytes())
}

/// `GET path` with a chunked body.
pub fn chunked_body(addr: &str, path: &str) -> Option<Answer> {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
    );
    send(addr, request.as_bytes())
}

/// `GET path` whose head carries about `bytes` bytes of headers, in fields of 1 KiB (so that a
/// head of 20 KiB has only 20 fields).
pub fn oversized_head(addr: &str, path: &str, bytes: usize) -> Option<Answer> {
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n");
    let value = "v".repeat(1000);
    let mut i = 0;
    while request.len() < bytes {
        request.push_str(&format!("X-Filler-{i}: {value}\r\n"));
        i += 1;
    }
    request.push_str("Connection: close\r\n\r\n");
    send(addr, request.as_bytes())
}

/// `POST path` with a small form body.
pub fn post(addr: &str, path: &str) -> Option<Answer> {
    let body = "a=1&b=2";
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    send(addr, request.as_bytes())
}

/// `method path` with `host` as its `Host` header (`None`: no Host header at all).
pub fn with_host(addr: &str, method: &str, path: &str, host: Option<&str>) -> Option<Answer> {
    let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    let request = format!("{method} {path} HTTP/1.1\r\n{host}Connection: close\r\n\r\n");
    send(addr, request.as_bytes())
}

/// A connection that sends the start of `GET path` (the request line and part of a header)
/// and then nothing: a slowloris. `None` when `addr` cannot be reached.
pub fn slowloris(addr: &str, path: &str) -> Option<TcpStream> {
    let mut stream = connect(addr)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nX-Slow: aaaa"
    )
    .ok()?;
    Some(stream)
}

/// `count` connections that send nothing (fewer when some cannot be opened).
pub fn idle_connections(addr: &str, count: usize) -> Vec<TcpStream> {
    (0..count).filter_map(|_| connect(addr)).collect()
}

/// A connection that sends `count` pipelined `GET path` requests and never reads an answer.
/// `None` when `addr` cannot be reached.
pub fn never_reads(addr: &str, path: &str, count: usize) -> Option<TcpStream> {
    let mut stream = connect(addr)?;
    stream
        .set_write_timeout(Some(Duration::from_millis(500)))
        .ok()?;
    let one = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    for _ in 0..count {
        // The server stops reading once its buffer holds answers the client does not take:
        // a write that blocks is expected, not an error of the test.
        if stream.write_all(one.as_bytes()).is_err() {
            break;
        }
    }
    Some(stream)
}

/// Whether the server closed `stream` within `within`: it reads and discards what arrives
/// until the end of the stream (or a reset), or until `within` has passed.
pub fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    let mut buf = [0u8; 64 * 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return false;
        }
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return true,
        }
    }
}
