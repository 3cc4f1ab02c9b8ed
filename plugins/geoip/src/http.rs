//! One short GET, with timeouts, whose errors never show a URL's credentials.

use crate::error::SetupError;
use codecarbon_core::body::read_bounded;
use codecarbon_core::{redact_url, Credentials};
use reqwest::{Client, Url};
use std::time::Duration;
use thiserror::Error;

/// The most a geolocation or public-IP answer may weigh; real ones are under 1 KiB.
const MAX_BODY: usize = 64 * 1024;

/// How long a lookup may take.
///
/// The defaults are short (connect 1 s, whole request 2 s) because a locator that hangs
/// only delays the answer: the engine then falls back to another locator or asks the user
/// for `country_iso_code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Longest wait for the TCP (and TLS) connection.
    pub connect: Duration,
    /// Longest wait for the whole request, connection and body included.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(1),
            request: Duration::from_secs(2),
        }
    }
}

/// Why one GET failed; the `Display` starts after the (redacted) URL.
#[derive(Debug, Error)]
pub(crate) enum FetchError {
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("cannot connect ({0})")]
    Connect(String),
    #[error("answered HTTP {0}")]
    Status(u16),
    #[error("answer too large (over {MAX_BODY} bytes)")]
    TooLarge,
    #[error("request failed ({0})")]
    Other(String),
    #[error("unexpected answer: {0}")]
    Format(String),
}

/// A client with timeouts, to GET one URL at a time.
#[derive(Clone)]
pub(crate) struct Fetcher {
    client: Client,
    timeouts: Timeouts,
}

impl Fetcher {
    pub(crate) fn new(timeouts: Timeouts) -> Result<Fetcher, SetupError> {
        codecarbon_core::tls::use_ring_unless_chosen();
        let client = Client::builder()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.request)
            .user_agent(concat!("codecarbon-rs/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SetupError::Client(describe(&e.without_url())))?;
        Ok(Fetcher { client, timeouts })
    }

    /// The body of a 2xx answer to `GET url`, read no further than [`MAX_BODY`].
    pub(crate) async fn get(&self, url: &Url) -> Result<Vec<u8>, FetchError> {
        let mut response = self
            .client
            .get(url.clone())
            .send()
            .await
            .map_err(|e| self.classify(e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        read_bounded(&mut response, MAX_BODY, |r| Box::pin(r.chunk()))
            .await
            .map_err(|e| self.classify(e))?
            .whole()
            .map_err(|_| FetchError::TooLarge)
    }

    fn classify(&self, error: reqwest::Error) -> FetchError {
        let error = error.without_url();
        if error.is_timeout() {
            FetchError::Timeout(self.timeouts.request)
        } else if error.is_connect() {
            FetchError::Connect(describe(&error))
        } else {
            FetchError::Other(describe(&error))
        }
    }
}

/// Parses a configured URL, accepting only `http` and `https`.
pub(crate) fn parse_url(
    key: &'static str,
    value: &str,
    example: &'static str,
) -> Result<Url, SetupError> {
    let fail = |reason: String| SetupError::Url {
        key,
        reason,
        example,
    };
    let url = Url::parse(value.trim()).map_err(|e| fail(e.to_string()))?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        other => Err(fail(format!("scheme `{other}`"))),
    }
}

/// A URL and why fetching it failed: the URL redacted, the reason (which may hold what the
/// service answered) quoted with `sent` hidden.
pub(crate) fn failure(url: &Url, error: &FetchError, sent: &Credentials) -> String {
    format!(
        "{}: {}",
        redact_url(url.as_str()),
        sent.quote(&error.to_string())
    )
}

/// The innermost cause of an error (`Connection refused (os error 111)`), which says more
/// than reqwest's outer "error sending request".
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut innermost = error;
    while let Some(source) = innermost.source() {
        innermost = source;
    }
    innermost.to_string()
}
