//! Downloads, with one progress line per step and errors that name the source and the URL.

use codecarbon::core::secret::redact_url;
use std::error::Error as _;
use std::io::Write;
use std::time::Duration;

/// A download that failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// No answer: refused, unreachable, timed out, or cut off.
    #[error("{source_name}: cannot download {url}: {detail}. Check the network (or --base-url / CODECARBON_DATA_BASE_URL); nothing was written")]
    Network {
        /// Which dataset (`owid`, `egrid`, ...).
        source_name: String,
        /// The URL, without its user:password, query or fragment.
        url: String,
        /// What the HTTP client said.
        detail: String,
    },
    /// An answer other than 200.
    #[error("{source_name}: {url} answered HTTP {status}. The upstream file may have moved: update its URL in xtask/src/data/sources.rs; nothing was written")]
    Status {
        /// Which dataset.
        source_name: String,
        /// The URL, without its user:password, query or fragment.
        url: String,
        /// The HTTP status.
        status: u16,
    },
}

/// A blocking HTTP client that logs what it downloads.
pub struct Fetcher {
    client: reqwest::blocking::Client,
}

impl Fetcher {
    /// A client with generous timeouts (the OWID file is tens of MB).
    pub fn new() -> Result<Fetcher, reqwest::Error> {
        codecarbon_core::tls::use_ring_unless_chosen();
        let client = reqwest::blocking::Client::builder()
            .connect_timeout(Duration::from_secs(20))
            .timeout(Duration::from_secs(300))
            .user_agent(concat!("codecarbon-xtask/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Fetcher { client })
    }

    /// GETs `url` for the dataset `source_name`, printing `downloading` and the size to `log`.
    pub fn get(
        &self,
        source_name: &str,
        url: &str,
        accept: Option<&str>,
        log: &mut dyn Write,
    ) -> Result<Vec<u8>, FetchError> {
        let shown = redact_url(url);
        let _ = writeln!(log, "[{source_name}] downloading {shown}");
        let network = |e: reqwest::Error| FetchError::Network {
            source_name: source_name.to_owned(),
            url: shown.clone(),
            detail: describe(e),
        };
        let mut request = self.client.get(url);
        if let Some(accept) = accept {
            request = request.header(reqwest::header::ACCEPT, accept);
        }
        let response = request.send().map_err(network)?;
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Status {
                source_name: source_name.to_owned(),
                url: shown,
                status: status.as_u16(),
            });
        }
        let body = response.bytes().map_err(network)?.to_vec();
        let _ = writeln!(log, "[{source_name}] {} bytes", thousands(body.len()));
        Ok(body)
    }
}

/// The error and its causes, without the URL (which may carry a password).
fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(129182), "129,182");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
