//! How much a server gives any client: connections, head size, time.

use std::time::Duration;

/// The limits of a server. [`Limits::default`] suits codecarbon's endpoints: a Prometheus
/// scraping every few seconds, a few browser tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once (at least 1).
    pub max_connections: usize,
    /// Bytes of a request head: request line and headers (at least 8 KiB, hyper's minimum).
    pub max_head_bytes: usize,
    /// Header fields of a request.
    pub max_headers: usize,
    /// Time for a whole request head to arrive, counted from the connection's opening or from
    /// its previous response: it bounds both a slow head and an idle keep-alive connection.
    pub head_timeout: Duration,
    /// Time to write a whole response.
    pub write_timeout: Duration,
}

impl Limits {
    /// hyper's smallest read buffer, and so the smallest head limit it can enforce.
    pub const MIN_HEAD_BYTES: usize = 8 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 32,
            max_head_bytes: 16 * 1024,
            max_headers: 64,
            head_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(30),
        }
    }
}
