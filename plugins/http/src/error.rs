//! What can go wrong, in words that say how to fix it. No message holds a key, a password or
//! a query string.

use codecarbon_core::{ConfigError, SinkError};
use thiserror::Error;

/// Why the `http` or `api` sink could not send.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum HttpSinkError {
    /// A setting is missing or malformed.
    #[error("{key}: {message}")]
    Config {
        /// The configuration key to fix (`emissions_endpoint`).
        key: &'static str,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A setting's value does not fit its declaration.
    #[error(transparent)]
    Setting(#[from] ConfigError),
    /// The request did not get an answer (refused, timed out).
    #[error("POST {url}: {message}; check `{key}` and that the server is up")]
    Request {
        /// The URL, credentials hidden.
        url: String,
        /// What failed.
        message: String,
        /// The key that sets the URL.
        key: &'static str,
    },
    /// The server answered with a status other than success.
    #[error("POST {url} answered HTTP {status}{detail}{hint}")]
    Status {
        /// The URL, credentials hidden.
        url: String,
        /// The HTTP status.
        status: u16,
        /// `: <start of the answer>`, or empty.
        detail: String,
        /// `; check ...`, or empty.
        hint: String,
    },
    /// The server answered with a redirect, which is not followed so that the key and the
    /// URL's credentials never go to another address.
    #[error("POST {url} answered HTTP {status}, a redirect to {target}: redirects are not followed, so credentials never go to another address; set `{key}` to the final URL")]
    Redirect {
        /// The URL asked, credentials hidden.
        url: String,
        /// The HTTP status (3xx).
        status: u16,
        /// Where the redirect points, credentials and query hidden.
        target: String,
        /// The key that sets the URL.
        key: &'static str,
    },
    /// The server's answer is not what the protocol says.
    #[error("POST {url}: unexpected answer: {message}")]
    Answer {
        /// The URL, credentials hidden.
        url: String,
        /// What was wrong with it.
        message: String,
    },
    /// The HTTP client could not be set up.
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
}

impl HttpSinkError {
    /// The error as a [`SinkError`] of the sink named `sink`.
    pub(crate) fn into_sink(self, sink: &str) -> SinkError {
        SinkError::Other(format!("{sink}: {self}"))
    }
}
