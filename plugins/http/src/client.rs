//! The HTTP client both sinks share: bounded timeouts, and errors fit to show.

use codecarbon_core::{redact_url, Credentials};
use reqwest::header::LOCATION;
use reqwest::{Client, Response, Url};
use std::time::Duration;

/// How long to wait for a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long one request may take in all.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// A client with [`CONNECT_TIMEOUT`] and [`REQUEST_TIMEOUT`], identifying itself, that
/// follows no redirect: reqwest would carry the `x-api-token` header (it strips only
/// `Authorization` and cookies) and the URL's credentials to whatever host a redirect names.
/// A redirect is reported instead (see [`redirect_target`]).
pub(crate) fn client() -> Result<Client, reqwest::Error> {
    codecarbon_core::tls::use_ring_unless_chosen();
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .user_agent(concat!("codecarbon-rs/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// What went wrong with a request, without the URL (reqwest's own text names it in full).
pub(crate) fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        format!(
            "no answer within {} s (connect {} s)",
            REQUEST_TIMEOUT.as_secs(),
            CONNECT_TIMEOUT.as_secs()
        )
    } else if e.is_connect() {
        match root_cause(e) {
            Some(cause) => format!("cannot connect ({cause})"),
            None => "cannot connect".to_string(),
        }
    } else if e.is_decode() || e.is_body() {
        "the answer could not be read".to_string()
    } else {
        let mut chain = e.to_string();
        if let Some(url) = e.url() {
            chain = chain.replace(url.as_str(), &redact_url(url.as_str()));
        }
        chain
    }
}

/// The innermost error under reqwest's (`Connection refused (os error 111)`, a DNS failure):
/// it names no URL.
fn root_cause(e: &reqwest::Error) -> Option<String> {
    let mut cause: &dyn std::error::Error = std::error::Error::source(e)?;
    while let Some(next) = cause.source() {
        cause = next;
    }
    Some(cause.to_string())
}

/// Where a redirect answer to a request for `asked` points, resolved against it, with any
/// `user:password`, query and fragment removed, and quoted as any text from the server is;
/// `(no Location header)` when it says nothing.
pub(crate) fn redirect_target(asked: &Url, answer: &Response, sent: &Credentials) -> String {
    let Some(location) = answer.headers().get(LOCATION).and_then(|v| v.to_str().ok()) else {
        return "(no Location header)".into();
    };
    let target = match asked.join(location) {
        Ok(url) => redact_url(url.as_str()),
        Err(_) => redact_url(location),
    };
    sent.quote(&target)
}

/// Parses an endpoint the user gave; only `http` and `https` are accepted.
pub(crate) fn parse_endpoint(text: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|e| e.to_string())?;
    match url.scheme() {
        "http" | "https" if url.has_host() => Ok(url),
        "http" | "https" => Err("it has no host".into()),
        other => Err(format!("scheme `{other}` is not http or https")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn only_web_urls_are_endpoints() {
        assert!(parse_endpoint(" https://h/x ").is_ok());
        assert!(parse_endpoint("ftp://h/x").unwrap_err().contains("ftp"));
        assert!(parse_endpoint("h/x").is_err());
    }
}
