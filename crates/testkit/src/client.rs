//! A tiny blocking HTTP client for tests that talk to real local servers (a Pushgateway, a
//! Prometheus, an exporter): no runtime and no dependency, and every step is bounded so that a
//! hung server fails a test instead of hanging it.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// A server's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The status line and the headers, as sent.
    pub head: String,
    /// The body.
    pub body: String,
}

/// `GET path` on `addr` (`127.0.0.1:PORT`; HTTP/1.0, so no chunked answer): the status and the
/// body, or `None` when the server cannot be reached or its answer cannot be read. Every step is
/// bounded.
pub fn http_get(addr: &str, path: &str) -> Option<(u16, String)> {
    get(addr, path).map(|answer| (answer.status, answer.body))
}

/// [`http_get`] with the headers too, for tests that check what a server declares.
pub fn get(addr: &str, path: &str) -> Option<Answer> {
    send(
        addr,
        format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes(),
    )
}

/// Sends `request` as it is (a whole request, or anything else) on a new connection to `addr`
/// and reads until the server closes: its answer, or `None` when it cannot be reached or
/// answers nothing readable. Send `Connection: close` (or HTTP/1.0) where the server would
/// keep the connection open. Every step is bounded.
pub fn send(addr: &str, request: &[u8]) -> Option<Answer> {
    let mut stream = connect(addr)?;
    // A server may answer and close before reading all of a long request: read its answer
    // all the same.
    let _ = stream.write_all(request);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse(&raw)
}

/// A connection to `addr` with every step bounded (2 s to connect, 5 s per read or write).
pub fn connect(addr: &str) -> Option<TcpStream> {
    let sock: SocketAddr = addr.parse().ok()?;
    let stream = TcpStream::connect_timeout(&sock, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream
        .set_write_timeout(Some(Duration::from_secs(5)))
        .ok()?;
    Some(stream)
}

/// An answer as received: the status line, the headers and the body.
pub fn parse(raw: &[u8]) -> Option<Answer> {
    let raw = String::from_utf8_lossy(raw).into_owned();
    let status = raw.split(' ').nth(1)?.parse().ok()?;
    let (head, body) = raw.split_once("\r\n\r\n")?;
    Some(Answer {
        status,
        head: head.to_string(),
        body: body.to_string(),
    })
}

impl Answer {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// `s` percent-encoded for a query string (every byte but the unreserved ones), so a PromQL
/// selector such as `m{a="b"}[5m]` survives the trip.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::{dead_url, HttpStub, Reply};

    #[test]
    fn gets_the_status_and_body_and_none_when_nothing_listens() {
        let stub =
            HttpStub::start(|r| Reply::text(format!("{}?{}", r.path, r.query)).with_status(201));
        let addr = stub.url().trim_start_matches("http://").to_string();
        assert_eq!(http_get(&addr, "/a?q=1"), Some((201, "/a?q=1".to_string())));
        let answer = get(&addr, "/b").unwrap();
        assert!(answer.head.contains("HTTP/1."), "{}", answer.head);
        assert_eq!(
            answer.header("content-TYPE"),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!((answer.status, answer.body.as_str()), (201, "/b?"));
        assert_eq!(
            http_get(dead_url().trim_start_matches("http://"), "/"),
            None
        );
        assert_eq!(http_get("not an address", "/"), None);
    }

    #[test]
    fn encodes_all_but_unreserved_bytes() {
        assert_eq!(encode(r#"m{a="b"}[5m]"#), "m%7Ba%3D%22b%22%7D%5B5m%5D");
        assert_eq!(encode("aZ09-_.~ é"), "aZ09-_.~%20%C3%A9");
    }
}
