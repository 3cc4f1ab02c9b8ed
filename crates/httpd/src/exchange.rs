//! What a handler sees of a request and what it answers: plain values, no HTTP library's types.

use hyper::body::Bytes;
use hyper::HeaderMap;
use std::fmt;

/// The methods a handler is called for; the server answers every other one 405.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `HEAD`: answered like `GET`, without the body (the server drops it).
    Head,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
        })
    }
}

/// A request as a handler sees it: its method, path and headers (it never has a body).
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    method: Method,
    path: &'a str,
    query: Option<&'a str>,
    headers: &'a HeaderMap,
}

impl<'a> Request<'a> {
    pub(crate) fn new(
        method: Method,
        path: &'a str,
        query: Option<&'a str>,
        headers: &'a HeaderMap,
    ) -> Self {
        Self {
            method,
            path,
            query,
            headers,
        }
    }

    /// `GET` or `HEAD`.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The path, without the query (`/metrics`).
    pub fn path(&self) -> &'a str {
        self.path
    }

    /// The query, without `?`, when there is one.
    pub fn query(&self) -> Option<&'a str> {
        self.query
    }

    /// The first header named `name` (case-insensitive), when its value is visible ASCII.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A handler's answer. The server adds `Content-Length` (never chunks), `Date`, and `Connection`
/// where it closes the connection; a `Content-Length`, `Transfer-Encoding` or `Connection`
/// given here is ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Bytes,
}

impl Response {
    /// `status` with this content type and body.
    pub fn new(status: u16, content_type: &str, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body: body.into(),
        }
    }

    /// `status` with a plain-text (UTF-8) body.
    pub fn text(status: u16, text: impl Into<String>) -> Self {
        Self::new(status, "text/plain; charset=utf-8", text.into())
    }

    /// The same answer with one more header.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    pub(crate) fn into_parts(self) -> (u16, Vec<(&'static str, String)>, Bytes) {
        (self.status, self.headers, self.body)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn a_response_keeps_its_status_type_headers_and_body() {
        let r = Response::text(404, "gone\n").with_header("Cache-Control", "no-store");
        assert_eq!(r.status(), 404);
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(r.header("CACHE-CONTROL"), Some("no-store"));
        assert_eq!(r.body(), b"gone\n");
        assert_eq!(Method::Head.to_string(), "HEAD");
    }

    #[test]
    fn a_request_reads_headers_case_insensitively() {
        let mut headers = HeaderMap::new();
        headers.insert("host", "127.0.0.1:1".parse().unwrap());
        let r = Request::new(Method::Get, "/a", Some("x=1"), &headers);
        assert_eq!(r.header("Host"), Some("127.0.0.1:1"));
        assert_eq!(r.header("accept"), None);
        assert_eq!(
            (r.method(), r.path(), r.query()),
            (Method::Get, "/a", Some("x=1"))
        );
    }
}
