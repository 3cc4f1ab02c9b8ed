//! Helpers of `outputs.rs`: the `codecarbon` process under a guard and stand-ins for Comet and
//! an OTLP collector. The real Pushgateway and Prometheus servers, the blocking GET and polling
//! are in `codecarbon_testkit::{prometheus, client, wait}`.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod comet;
pub mod otlp;
pub mod process;

use std::time::Duration;

/// Generous: the test machine may have two busy cores.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Whether `a` and `b` differ by at most `relative` of the larger.
pub fn close(a: f64, b: f64, relative: f64) -> bool {
    (a - b).abs() <= relative * a.abs().max(b.abs())
}

/// The value of `name` in a query string (`a=1&b=x%2Fy`), decoded.
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(k) == name).then(|| decode(v))
    })
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
                continue;
            }
            (b'+', _) => out.push(b' '),
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
